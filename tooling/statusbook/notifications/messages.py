"""Each notification event as the body one kind of webhook expects.

One neutral :class:`Notice` (headline, title, status, text, facts, link, tone) is made per
event and shaped per receiver: a Slack incoming webhook (``text`` + Block Kit ``blocks``),
Microsoft Teams (an Adaptive Card in a ``message`` envelope, which both Workflows webhooks
and the older connectors accept), Discord (``content`` + one embed) and a generic JSON body
in Statuspage's webhook shape — ``meta``, ``page``, then ``incident`` (with its updates
newest first, as of the event) or ``component_update`` with ``component``.

Record text reaches the receivers as the same sanitised plain text the feeds and the API
carry (markup removed, even markup that only appears once entities are decoded), escaped
for each receiver's own markup: Slack's mrkdwn (``<``, ``>``, ``&``), and Markdown for Teams
(Adaptive Card TextBlocks and facts render a Markdown subset) and Discord (embeds render
masked links ``[text](url)``). Titles, names and messages are plain text on the page, so a
``[Reset your password](https://…)`` in one must not become a link whose words hide where
it goes. Fields the receivers show as plain text (Slack's header, Teams' summary, Discord's
author and footer) are left as they are. Discord is told to parse no mentions, so a record
saying ``@everyone`` pings nobody. Every field is clipped to the receiver's documented
limit so a long update is shortened rather than rejected.

Deliberate deviations in the generic JSON body: ``meta.unsubscribe`` is ``null`` (the
subscriptions live in the catalog, not with the receiver) and ``meta.documentation`` points
at the published API's documentation; ids and objects are those of :mod:`statusbook.api`,
and a component update's ``id`` is the event id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from statusbook.derive.lifecycle import Post
from statusbook.derive.snapshot import Snapshot, derive
from statusbook.i18n import Translator
from statusbook.model import ComponentStatus, RecordStatus, WebhookType
from statusbook.notifications.events import Event, EventKind
from statusbook.render import wording
from statusbook.render.badges import INDICATOR_COLOURS, LABEL_COLOUR
from statusbook.render.statuspage import StatuspageApi, iso
from statusbook.render.text import plain_text
from statusbook.render.urls import incident_link, site_base

Json = dict[str, Any]

DOCUMENTATION = "https://developer.statuspage.io/#section/Webhooks"

_TEAMS_COLOURS = {
    "critical": "Attention",
    "major": "Attention",
    "minor": "Warning",
    "none": "Good",
    "maintenance": "Accent",
}
_GOOD_NEWS = (EventKind.INCIDENT_RESOLVED, EventKind.MAINTENANCE_COMPLETED)


@dataclass(frozen=True, slots=True)
class Notice:
    """What a person should read about one event, before any receiver's format."""

    headline: str
    title: str
    status: str
    text: str
    #: (label, value) pairs: status, impact, components, window.
    facts: tuple[tuple[str, str], ...]
    at: datetime
    when: str
    link: str | None
    link_label: str
    #: Statuspage indicator the event stands for (``none`` … ``critical``, ``maintenance``);
    #: ``neutral`` for an incident without impact.
    tone: str
    site: str

    @property
    def colour(self) -> str:
        return INDICATOR_COLOURS.get(self.tone, LABEL_COLOUR)


class Renderer:
    """Message bodies for the events of one snapshot."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self.catalog = catalog = snapshot.catalog
        self.now = snapshot.now
        self.t = Translator(catalog.site.language, catalog.site.time_zone)
        self.base = site_base(catalog)
        self.names = {component.id: component.name for component in catalog.components}
        self._apis: dict[datetime, StatuspageApi] = {}

    def __call__(self, event: Event, webhook_type: WebhookType) -> Json:
        if webhook_type is WebhookType.JSON:
            return self.statuspage(event)
        notice = self.notice(event)
        return _SHAPES[webhook_type](notice)

    # --- the neutral notice ----------------------------------------------------------------

    def notice(self, event: Event) -> Notice:
        record = event.record
        t = self.t
        held = self._components_at(event)
        status = self._status(event)
        facts = [(t("incident.status"), status)]
        if not record.is_maintenance:
            facts.append((t("incident.impact"), t(f"impact.{record.impact.value}")))
        if held:
            listed = "\n".join(
                f"{self.names.get(c, c)}: {t(f'status.{s.value}')}" for c, s in held.items()
            )
            facts.append((t("incident.affected"), listed))
        if record.maintenance is not None:
            window = record.maintenance
            facts.append(
                (
                    t("incident.window"),
                    f"{t.datetime(window.scheduled_start)} – {t.datetime(window.scheduled_end)}",
                )
            )
        headline = self.t(f"notify.{event.kind.value}")
        if event.kind is EventKind.COMPONENT_UPDATED and event.component:
            new = event.changes[event.component][1]
            headline = headline.format(
                component=self.names.get(event.component, event.component),
                status=t(f"status.{new.value}"),
            )
        post = _news(event)
        text = ""
        if post is not None:
            text = plain_text(wording.post_message(t, post))
        moment = _moment(event)
        return Notice(
            headline=headline,
            title=record.title,
            status=status,
            text=text,
            facts=tuple(facts),
            at=moment,
            when=t.datetime(moment),
            link=incident_link(self.base, record.id) if self.base else None,
            link_label=self.t("notify.link"),
            tone=self._tone(event),
            site=self.catalog.site.name,
        )

    def _status(self, event: Event) -> str:
        """The lifecycle status as of the event, as the page words it."""
        if event.kind is EventKind.MAINTENANCE_CANCELLED and event.post is None:
            lifecycle = RecordStatus.CANCELLED
        else:
            post = _news(event)
            lifecycle = post.lifecycle if post else event.state.status
        return self.t(wording.status_key(lifecycle, maintenance=event.record.is_maintenance))

    def _components_at(self, event: Event) -> dict[str, ComponentStatus]:
        """Each affected component's status in this record right after the event."""
        if event.component:
            return {event.component: event.changes[event.component][1]}
        held: dict[str, ComponentStatus] = {}
        for post in event.posts:
            held.update({component: new for component, (_old, new) in post.changes.items()})
        if not held:
            held.update(event.record.components)
        return held

    def _tone(self, event: Event) -> str:
        if event.kind is EventKind.COMPONENT_UPDATED and event.component:
            old, new = event.changes[event.component]
            worst = max(old, new, key=lambda status: status.severity)
            if new is ComponentStatus.OPERATIONAL:
                return "none"
            return {
                ComponentStatus.UNDER_MAINTENANCE: "maintenance",
                ComponentStatus.DEGRADED_PERFORMANCE: "minor",
                ComponentStatus.PARTIAL_OUTAGE: "major",
                ComponentStatus.MAJOR_OUTAGE: "critical",
            }.get(worst, "none")
        if event.kind in _GOOD_NEWS:
            return "none"
        if event.record.is_maintenance:
            return "maintenance"
        impact = event.record.impact.value
        return "neutral" if impact == "none" else impact

    # --- Statuspage's webhook body ---------------------------------------------------------

    def statuspage(self, event: Event) -> Json:
        api = self._api_at(self.now)
        status = api.status()
        body: Json = {
            "meta": {"unsubscribe": None, "documentation": DOCUMENTATION},
            "page": {
                "id": api.page_id,
                "status_indicator": status["indicator"],
                "status_description": status["description"],
            },
        }
        then = self._api_at(_moment(event))
        if event.kind is EventKind.COMPONENT_UPDATED and event.component:
            old, new = event.changes[event.component]
            body["component_update"] = {
                "created_at": iso(event.at),
                "new_status": new.value,
                "old_status": old.value,
                "id": event.id,
                "component_id": event.component,
            }
            body["component"] = then.by_id.get(event.component)
        else:
            state = then.snapshot.by_id.get(event.record.id, event.state)
            body["incident"] = then.incident(state)
        return body

    def _api_at(self, moment: datetime) -> StatuspageApi:
        """The API as it stood at the event, so an old update is sent as it was, not as now."""
        moment = min(moment, self.now)
        if moment not in self._apis:
            snapshot = self.snapshot
            if moment != self.now:
                snapshot = derive(self.catalog, self.snapshot.incidents, moment)
            self._apis[moment] = StatuspageApi(snapshot)
        return self._apis[moment]


def _news(event: Event) -> Post | None:
    """The post whose words the message carries: the event's, or a new record's latest."""
    if event.post is not None:
        return event.post
    written = [post for post in event.state.posts if not post.derived]
    return written[-1] if written else None


def _moment(event: Event) -> datetime:
    """When the event's news was current: its post's time, or the clock's change."""
    post = _news(event)
    if post is None or (event.kind is EventKind.MAINTENANCE_CANCELLED and event.post is None):
        return event.at
    return post.at


# --- receivers -----------------------------------------------------------------------------


def clip(text: str, limit: int) -> str:
    """``text`` shortened to ``limit`` characters, marked with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def slack_escape(text: str) -> str:
    """Slack's mrkdwn control characters; escaping ``<`` also disarms ``<!channel>``."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


#: What starts Markdown in Teams' cards and on Discord: emphasis, code, strikethrough,
#: spoilers, links and images (``[…](…)``), headings, quotes, mentions and timestamps
#: (``<@…>``, ``<t:…>``), and the cards' ``{{DATE(…)}}`` functions. CommonMark (and
#: Discord) read a backslash before any ASCII punctuation as "this character, literally".
_MARKDOWN = "\\`*_~|[]()<>#{}"
_MARKDOWN_ESCAPES = str.maketrans({char: "\\" + char for char in _MARKDOWN})
#: Addresses that chat apps link by themselves, as they show them: a backslash inside one
#: would break the link, so they keep their characters, and only their brackets (never
#: valid in a URL's path) are percent-encoded, so no ``[…](…)`` can start inside one.
_ADDRESS = re.compile(r"(?:https?://|mailto:)[^\s<>]+")


def markdown_escape(text: str) -> str:
    """``text`` as Markdown that renders as exactly that text: nothing in it formats or links."""
    parts: list[str] = []
    position = 0
    for match in _ADDRESS.finditer(text):
        parts.append(text[position : match.start()].translate(_MARKDOWN_ESCAPES))
        parts.append(match.group().replace("[", "%5B").replace("]", "%5D"))
        position = match.end()
    parts.append(text[position:].translate(_MARKDOWN_ESCAPES))
    return "".join(parts)


def clip_markdown(text: str, limit: int) -> str:
    """``text`` escaped for Markdown, then clipped to ``limit`` without cutting an escape."""
    escaped = markdown_escape(text)
    if len(escaped) <= limit:
        return escaped
    cut = escaped[: limit - 1].rstrip()
    trailing = len(cut) - len(cut.rstrip("\\"))
    return (cut[:-1] if trailing % 2 else cut) + "…"


def slack(notice: Notice) -> Json:
    """A Slack incoming-webhook body: ``text`` for notifications, Block Kit for the channel."""
    esc = slack_escape
    blocks: list[Json] = [
        {
            "type": "header",
            "text": {"type": "plain_text", "text": clip(f"{notice.headline}: {notice.title}", 150)},
        }
    ]
    if notice.text:
        blocks.append(
            {"type": "section", "text": {"type": "mrkdwn", "text": esc(clip(notice.text, 2500))}}
        )
    if notice.facts:
        blocks.append(
            {
                "type": "section",
                "fields": [
                    {"type": "mrkdwn", "text": f"*{esc(label)}*\n{esc(clip(value, 1500))}"}
                    for label, value in notice.facts[:10]
                ],
            }
        )
    context = esc(notice.when)
    if notice.link:
        context += f" · <{notice.link}|{esc(notice.link_label)}>"
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": context}]})
    return {
        "text": esc(clip(f"{notice.headline}: {notice.title} ({notice.status})", 3000)),
        "blocks": blocks,
        "unfurl_links": False,
        "unfurl_media": False,
    }


def teams(notice: Notice) -> Json:
    """An Adaptive Card in the ``message`` envelope Teams webhooks (and Workflows) accept."""
    md = clip_markdown
    body: list[Json] = [
        {
            "type": "TextBlock",
            "text": md(notice.headline, 500),
            "weight": "Bolder",
            "size": "Medium",
            "color": _TEAMS_COLOURS.get(notice.tone, "Default"),
            "wrap": True,
        },
        {"type": "TextBlock", "text": md(notice.title, 500), "weight": "Bolder", "wrap": True},
    ]
    if notice.text:
        body.append({"type": "TextBlock", "text": md(notice.text, 4000), "wrap": True})
    body.append(
        {
            "type": "FactSet",
            "facts": [
                {"title": md(label, 200), "value": md(value, 1000)} for label, value in notice.facts
            ],
        }
    )
    body.append({"type": "TextBlock", "text": md(notice.when, 200), "isSubtle": True, "wrap": True})
    card: Json = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
    }
    if notice.link:
        card["actions"] = [
            {"type": "Action.OpenUrl", "title": notice.link_label, "url": notice.link}
        ]
    return {
        "type": "message",
        "summary": clip(f"{notice.headline}: {notice.title}", 200),
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": card,
            }
        ],
    }


def discord(notice: Notice) -> Json:
    """A Discord webhook body: a short ``content`` line and one embed; mentions disabled.

    The embed's author and footer are shown as plain text; everything else is Markdown."""
    md = clip_markdown
    embed: Json = {
        "title": md(notice.title, 256),
        "description": md(notice.text, 3000) if notice.text else None,
        "color": int(notice.colour.lstrip("#"), 16),
        "timestamp": iso(notice.at),
        "author": {"name": clip(notice.headline, 256)},
        "fields": [
            {"name": md(label, 256), "value": md(value, 1024), "inline": "\n" not in value}
            for label, value in notice.facts[:25]
        ],
        "footer": {"text": clip(notice.site, 256)},
    }
    if notice.link:
        embed["url"] = notice.link
    return {
        "content": f"**{md(notice.headline, 256)}**: {md(notice.title, 1700)}",
        "embeds": [{key: value for key, value in embed.items() if value is not None}],
        "allowed_mentions": {"parse": []},
    }


_SHAPES = {WebhookType.SLACK: slack, WebhookType.TEAMS: teams, WebhookType.DISCORD: discord}
