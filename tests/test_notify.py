"""Notifications, the pure core: the catalog's webhooks, events from a base and the current
records, subscription filters, and the body each kind of webhook receives."""

from __future__ import annotations

import json
import string

import markdown
import pytest
from bs4 import BeautifulSoup

from statusbook.derive.snapshot import derive
from statusbook.load.catalog import CatalogError, load_catalog
from statusbook.load.rules import validate_paths
from statusbook.model import Catalog, Impact, Incident, Webhook, WebhookType
from statusbook.notifications.events import (
    Event,
    EventKind,
    find_events,
    plan,
    published,
    subscribed,
)
from statusbook.notifications.messages import Renderer
from statusbook.timeutil import parse_timestamp

from .conftest import CATALOG, DEMO_ROOT, NOW, Project
from .published import executable_parts
from .samples import DATABASE_WINDOW, OPEN_INCIDENT

INCIDENT = "2026-11-21-api-errors.md"
MAINTENANCE = "2026-11-22-database-upgrade.md"

OPENED = OPEN_INCIDENT
IDENTIFIED = """\
  - at: 2026-11-21T09:40:00Z
    status: identified
    message: A bad deploy is being rolled back.
    components:
      api: partial_outage
"""
RESOLVED = """\
  - at: 2026-11-21T10:30:00Z
    status: resolved
    message: Error rates are back to normal.
"""

WINDOW = DATABASE_WINDOW

WEBHOOKS = """\
notifications:
  webhooks:
    - name: everything
      type: slack
      url_env: HOOK_ALL
    - name: core-only
      type: teams
      url_env: HOOK_CORE
      components: [core]
    - name: major-only
      type: discord
      url_env: HOOK_MAJOR
      min_impact: critical
      maintenance: false
    - name: machines
      type: json
      url_env: HOOK_JSON
"""


def t(text: str):
    return parse_timestamp(text)


def with_updates(*extra: str) -> str:
    head, closing = OPENED.rsplit("---\n", 1)
    return head + "".join(extra) + "---\n" + closing


def resolved_record() -> str:
    return with_updates(IDENTIFIED, RESOLVED).replace(
        "impact: major\n", "impact: major\nresolved: 2026-11-21T10:30:00Z\n"
    )


@pytest.fixture
def catalog(project: Project) -> Catalog:
    project.catalog_path.write_text(CATALOG + WEBHOOKS, encoding="utf-8")
    return load_catalog(project.catalog_path)


def current(project: Project, catalog: Catalog, now=NOW) -> list[Incident]:
    result = validate_paths(None, catalog, now)
    assert not result.errors, result.errors
    return result.incidents


def base_of(project: Project, **texts: str) -> dict:
    """What a base revision held: record name → text, as git would hand them over."""
    return published(
        {project.records / name[:4] / name: text.encode() for name, text in texts.items()}
    )


def events_for(project, catalog, base, *, since="2026-11-21T09:30:00Z", now=NOW) -> list[Event]:
    return find_events(base, derive(catalog, current(project, catalog, now), now), since=t(since))


def ids(events: list[Event]) -> list[str]:
    return [event.id for event in events if event.kind is not EventKind.COMPONENT_UPDATED]


# --- the catalog ------------------------------------------------------------------------------


def test_webhooks_are_read_with_groups_expanded_and_defaults(catalog):
    everything, core, major, machines = catalog.notifications.webhooks
    assert everything == Webhook("everything", WebhookType.SLACK, "HOOK_ALL")
    assert core.components == ("api", "dashboard")
    assert major.min_impact is Impact.CRITICAL and major.maintenance is False
    assert machines.type is WebhookType.JSON


def test_a_catalog_without_notifications_has_no_webhooks(project):
    assert load_catalog(project.catalog_path).notifications.webhooks == ()


def _problems(project: Project, webhooks: str) -> list:
    project.catalog_path.write_text(CATALOG + webhooks, encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        load_catalog(project.catalog_path)
    return caught.value.problems


def _line_of(project: Project, text: str) -> int:
    lines = project.catalog_path.read_text().splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


def test_an_unknown_component_in_a_filter_is_reported_on_its_line(project):
    problems = _problems(
        project,
        "notifications:\n  webhooks:\n    - name: a\n      type: slack\n      url_env: A\n"
        "      components: [api, databse]\n",
    )
    assert [(p.code, p.line) for p in problems] == [
        ("SB501", _line_of(project, "components: [api, databse]"))
    ]
    assert "'databse'" in problems[0].message and "database" in problems[0].fix


def test_webhook_names_must_be_unique(project):
    problems = _problems(
        project,
        "notifications:\n  webhooks:\n"
        "    - {name: ops, type: slack, url_env: A}\n"
        "    - {name: ops, type: teams, url_env: B}\n",
    )
    assert [p.code for p in problems] == ["SB501"]
    assert problems[0].line == _line_of(project, "name: ops, type: teams")
    assert "used twice" in problems[0].message


def test_a_pasted_url_in_url_env_is_refused_without_repeating_it(project):
    secret = "https://hooks.slack.com/services/T000/B000/XXXXXXXXsecretXXXX"
    problems = _problems(
        project,
        f"notifications:\n  webhooks:\n    - name: a\n      type: slack\n      url_env: {secret}\n",
    )
    assert [p.code for p in problems] == ["SB104"]
    said = problems[0].message + problems[0].fix
    assert "not the secret itself" in problems[0].message
    assert "hooks.slack.com" not in said and "XXXXXXXXsecretXXXX" not in said


def test_unknown_webhook_types_and_keys_are_reported(project):
    problems = _problems(
        project,
        "notifications:\n  webhooks:\n    - name: a\n      type: mattermost\n      url: X\n",
    )
    codes = sorted(p.code for p in problems)
    assert codes == ["SB101", "SB102", "SB104"]  # unknown 'url', missing 'url_env', bad type
    unknown = next(p for p in problems if p.code == "SB101")
    assert "url_env" in unknown.fix


def test_the_example_in_the_demo_catalog_is_valid_once_uncommented(tmp_path):
    text = (DEMO_ROOT / "statusbook.yml").read_text(encoding="utf-8")
    block = text[text.index("# notifications:") :]
    uncommented = "\n".join(
        line[2:] if line.startswith("# ") else "" for line in block.splitlines()
    )
    before = text[: text.index("# notifications:")].replace("records: incidents", "")
    (tmp_path / "incidents").mkdir()
    (tmp_path / "statusbook.yml").write_text(before + uncommented, encoding="utf-8")
    webhooks = load_catalog(tmp_path / "statusbook.yml").notifications.webhooks
    assert [w.type.value for w in webhooks] == ["slack", "teams", "discord", "json"]
    assert "storage" in webhooks[1].components  # the 'data' group, expanded


# --- events -----------------------------------------------------------------------------------


def test_a_new_incident_is_one_event_whatever_its_number_of_updates(project, catalog):
    project.write(INCIDENT, with_updates(IDENTIFIED))
    events = events_for(project, catalog, {})
    assert ids(events) == ["2026-11-21-api-errors/created"]
    assert events[0].kind is EventKind.INCIDENT_CREATED
    assert [post.key for post in events[0].posts] == ["u1", "u2"]
    assert events[0].at == t("2026-11-21T09:05:00Z")  # ordered by when it was first posted


def test_a_new_incident_reads_as_its_latest_update(project, catalog):
    project.write(INCIDENT, with_updates(IDENTIFIED))
    records = current(project, catalog)
    (event,) = [
        e for e in find_events({}, derive(catalog, records, NOW), since=NOW) if not e.component
    ]
    body = Renderer(derive(catalog, records, NOW))(event, WebhookType.DISCORD)
    assert body["content"] == "**New incident**: API errors"
    assert body["embeds"][0]["description"] == "A bad deploy is being rolled back."
    assert body["embeds"][0]["timestamp"] == "2026-11-21T09:40:00.000Z"


def test_each_new_update_is_an_event_and_the_resolving_one_says_so(project, catalog):
    project.write(INCIDENT, resolved_record())
    events = events_for(project, catalog, base_of(project, **{INCIDENT: OPENED}))
    assert ids(events) == ["2026-11-21-api-errors/u2", "2026-11-21-api-errors/u3"]
    kinds = [e.kind for e in events if e.kind is not EventKind.COMPONENT_UPDATED]
    assert kinds == [EventKind.INCIDENT_UPDATED, EventKind.INCIDENT_RESOLVED]


def test_nothing_changed_means_no_events(project, catalog):
    project.write(INCIDENT, OPENED)
    assert events_for(project, catalog, base_of(project, **{INCIDENT: OPENED})) == []


def test_event_ids_are_stable_as_more_updates_arrive(project, catalog):
    base = base_of(project, **{INCIDENT: OPENED})
    project.write(INCIDENT, with_updates(IDENTIFIED))
    first = ids(events_for(project, catalog, base))
    project.write(INCIDENT, resolved_record())
    second = ids(events_for(project, catalog, base))
    assert first == ["2026-11-21-api-errors/u2"]
    assert second[: len(first)] == first
    assert ids(events_for(project, catalog, base)) == second  # and again: the same ids


def test_a_base_record_that_no_longer_validates_still_counts_as_published(project, catalog):
    # Published under a component that has since left the catalog: not "new" again.
    old = OPENED.replace("  api: major_outage", "  legacy: major_outage")
    project.write(INCIDENT, with_updates(IDENTIFIED))
    events = events_for(project, catalog, base_of(project, **{INCIDENT: old}))
    assert ids(events) == ["2026-11-21-api-errors/u2"]


def test_new_updates_carry_their_component_changes_as_component_events(project, catalog):
    project.write(INCIDENT, resolved_record())
    events = events_for(project, catalog, base_of(project, **{INCIDENT: OPENED}))
    components = [
        (e.id, e.changes[e.component]) for e in events if e.kind is EventKind.COMPONENT_UPDATED
    ]
    assert [(i, (o.value, n.value)) for i, (o, n) in components] == [
        ("2026-11-21-api-errors/u2/api", ("major_outage", "partial_outage")),
        ("2026-11-21-api-errors/u3/api", ("partial_outage", "operational")),
    ]


def test_new_maintenance_is_scheduled_without_touching_components(project, catalog):
    project.write(MAINTENANCE, WINDOW)
    events = events_for(project, catalog, {})
    assert [(e.id, e.kind) for e in events] == [
        ("2026-11-22-database-upgrade/scheduled", EventKind.MAINTENANCE_SCHEDULED)
    ]


@pytest.mark.parametrize(
    ("since", "now", "expected"),
    [
        # the window starts and ends by the clock, with no commit
        ("2026-11-21T12:00:00Z", "2026-11-22T03:00:00Z", ["started"]),
        ("2026-11-21T12:00:00Z", "2026-11-22T05:00:00Z", ["started", "completed"]),
        ("2026-11-22T03:00:00Z", "2026-11-22T05:00:00Z", ["completed"]),
        # transitions at or before the base commit's time were told before
        ("2026-11-22T04:00:00Z", "2026-11-22T05:00:00Z", []),
        ("2026-11-21T12:00:00Z", "2026-11-22T01:59:59Z", []),
    ],
)
def test_maintenance_starts_and_completes_by_the_clock(project, catalog, since, now, expected):
    project.write(MAINTENANCE, WINDOW)
    base = base_of(project, **{MAINTENANCE: WINDOW})
    events = events_for(project, catalog, base, since=since, now=t(now))
    assert ids(events) == [f"2026-11-22-database-upgrade/{suffix}" for suffix in expected]
    changes = {
        e.id.rsplit("/", 2)[-2]: e.changes["database"]
        for e in events
        if e.kind is EventKind.COMPONENT_UPDATED
    }
    if "started" in expected:
        assert [s.value for s in changes["started"]] == ["operational", "under_maintenance"]
    if "completed" in expected:
        assert [s.value for s in changes["completed"]] == ["under_maintenance", "operational"]


def test_a_start_announced_by_an_update_is_not_announced_again_by_the_clock(project, catalog):
    front_matter = WINDOW.replace("---\n", "")
    started = "  - at: 2026-11-22T02:01:00Z\n    status: in_progress\n    message: Started.\n"
    project.write(MAINTENANCE, f"---\n{front_matter}{started}---\n")
    events = events_for(
        project,
        catalog,
        base_of(project, **{MAINTENANCE: WINDOW}),
        since="2026-11-21T12:00:00Z",
        now=t("2026-11-22T03:00:00Z"),
    )
    assert ids(events) == ["2026-11-22-database-upgrade/u2"]
    assert events[0].kind is EventKind.MAINTENANCE_STARTED


def test_cancelling_a_window_by_its_state_is_an_event(project, catalog):
    project.write(
        MAINTENANCE, WINDOW.replace("kind: maintenance\n", "kind: maintenance\nstate: cancelled\n")
    )
    events = events_for(project, catalog, base_of(project, **{MAINTENANCE: WINDOW}))
    assert [(e.id, e.kind) for e in events] == [
        ("2026-11-22-database-upgrade/cancelled", EventKind.MAINTENANCE_CANCELLED)
    ]


def test_events_come_oldest_first(project, catalog):
    project.write(MAINTENANCE, WINDOW)
    project.write(INCIDENT, resolved_record())
    events = events_for(project, catalog, base_of(project, **{INCIDENT: OPENED}))
    assert ids(events) == [
        "2026-11-22-database-upgrade/scheduled",  # first posted 2026-11-20
        "2026-11-21-api-errors/u2",
        "2026-11-21-api-errors/u3",
    ]


# --- subscriptions ----------------------------------------------------------------------------


def _wanted(catalog: Catalog, events: list[Event]) -> dict[str, list[str]]:
    return {
        webhook.name: [e.id for e in events if subscribed(webhook, e)]
        for webhook in catalog.notifications.webhooks
    }


def test_filters_by_component_group_impact_and_maintenance(project, catalog):
    project.write(INCIDENT, with_updates(IDENTIFIED))
    project.write(
        "2026-11-21-db-slow.md",
        OPENED.replace("API errors", "Slow database")
        .replace("api: major_outage", "database: degraded_performance")
        .replace("impact: major", "impact: critical"),
    )
    project.write(MAINTENANCE, WINDOW)
    wanted = _wanted(catalog, events_for(project, catalog, {}))
    assert wanted["everything"] == [
        "2026-11-22-database-upgrade/scheduled",
        "2026-11-21-api-errors/created",
        "2026-11-21-db-slow/created",
    ]
    assert wanted["core-only"] == ["2026-11-21-api-errors/created"]  # api is in group core
    assert wanted["major-only"] == ["2026-11-21-db-slow/created"]  # critical; no maintenance
    # Component updates go to the generic JSON webhook only (chat messages list components).
    assert wanted["machines"] == [
        "2026-11-22-database-upgrade/scheduled",
        "2026-11-21-api-errors/created",
        "2026-11-21-api-errors/created/api",
        "2026-11-21-db-slow/created",
        "2026-11-21-db-slow/created/database",
    ]


def test_plan_makes_one_message_per_event_per_subscribed_webhook(project, catalog):
    project.write(INCIDENT, with_updates(IDENTIFIED))
    records = current(project, catalog)
    events = find_events(
        base_of(project, **{INCIDENT: OPENED}), derive(catalog, records, NOW), since=NOW
    )
    messages = plan(catalog.notifications.webhooks, events, Renderer(derive(catalog, records, NOW)))
    assert [m.key for m in messages] == [
        ("2026-11-21-api-errors/u2", "everything"),
        ("2026-11-21-api-errors/u2", "core-only"),
        ("2026-11-21-api-errors/u2", "machines"),
        ("2026-11-21-api-errors/u2/api", "machines"),
    ]


# --- message bodies -------------------------------------------------------------------------


@pytest.fixture
def update_event(project, catalog):
    """The 'identified' update (u2) of an incident that has since been resolved (u3)."""
    project.write(INCIDENT, resolved_record())
    records = current(project, catalog)
    events = find_events(
        base_of(project, **{INCIDENT: OPENED}), derive(catalog, records, NOW), since=NOW
    )
    return Renderer(derive(catalog, records, NOW)), events


def _event(events: list[Event], event_id: str) -> Event:
    return next(e for e in events if e.id == event_id)


def test_slack_body_is_text_plus_blocks(update_event):
    render, events = update_event
    body = render(_event(events, "2026-11-21-api-errors/u2"), WebhookType.SLACK)
    assert body["text"] == "Incident update: API errors (Identified)"
    header, text, facts, context = body["blocks"]
    assert header["text"] == {"type": "plain_text", "text": "Incident update: API errors"}
    assert text["text"]["text"] == "A bad deploy is being rolled back."
    fields = [field["text"] for field in facts["fields"]]
    assert fields == [
        "*Status*\nIdentified",
        "*Impact*\nMajor impact",
        "*Affected components*\nAPI: Partial outage",
    ]
    assert (
        "<https://status.test.example/incidents/2026-11-21-api-errors/|View on the status page>"
        in (context["elements"][0]["text"])
    )


def test_teams_body_is_an_adaptive_card_in_a_message(update_event):
    render, events = update_event
    body = render(_event(events, "2026-11-21-api-errors/u3"), WebhookType.TEAMS)
    assert body["type"] == "message"
    (attachment,) = body["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.4"
    assert card["body"][0]["text"] == "Incident resolved"
    assert card["body"][0]["color"] == "Good"
    assert card["body"][2]["text"] == "Error rates are back to normal."
    facts = {fact["title"]: fact["value"] for fact in card["body"][3]["facts"]}
    assert facts["Status"] == "Resolved"
    assert facts["Affected components"] == "API: Operational"
    assert (
        card["actions"][0]["url"] == "https://status.test.example/incidents/2026-11-21-api-errors/"
    )


def test_discord_body_has_an_embed_and_pings_nobody(update_event):
    render, events = update_event
    body = render(_event(events, "2026-11-21-api-errors/u2"), WebhookType.DISCORD)
    assert body["allowed_mentions"] == {"parse": []}
    assert body["content"] == "**Incident update**: API errors"
    (embed,) = body["embeds"]
    assert embed["title"] == "API errors"
    assert embed["description"] == "A bad deploy is being rolled back."
    assert embed["color"] == 0xBC4C00  # major impact: the page's partial-outage colour
    assert embed["timestamp"] == "2026-11-21T09:40:00.000Z"
    assert embed["url"].endswith("/incidents/2026-11-21-api-errors/")


def test_json_body_is_statuspages_webhook_shape_as_of_the_update(update_event):
    render, events = update_event
    body = render(_event(events, "2026-11-21-api-errors/u2"), WebhookType.JSON)
    assert list(body) == ["meta", "page", "incident"]
    assert set(body["meta"]) == {"unsubscribe", "documentation"}
    assert set(body["page"]) == {"id", "status_indicator", "status_description"}
    assert body["page"]["status_indicator"] == "none"  # now: resolved
    incident = body["incident"]
    assert incident["id"] == "2026-11-21-api-errors"
    assert incident["status"] == "identified"  # as it stood when u2 was posted
    assert incident["resolved_at"] is None
    updates = incident["incident_updates"]
    assert [u["id"] for u in updates] == ["2026-11-21-api-errors-u2", "2026-11-21-api-errors-u1"]
    assert updates[0]["body"] == "A bad deploy is being rolled back."


def test_json_body_for_the_resolution_carries_every_update_newest_first(update_event):
    render, events = update_event
    incident = render(_event(events, "2026-11-21-api-errors/u3"), WebhookType.JSON)["incident"]
    assert incident["status"] == "resolved"
    assert incident["resolved_at"] == "2026-11-21T10:30:00.000Z"
    assert [u["status"] for u in incident["incident_updates"]] == [
        "resolved",
        "identified",
        "investigating",
    ]


def test_json_body_for_a_component_change_is_a_component_update(update_event):
    render, events = update_event
    body = render(_event(events, "2026-11-21-api-errors/u2/api"), WebhookType.JSON)
    assert list(body) == ["meta", "page", "component_update", "component"]
    assert body["component_update"] == {
        "created_at": "2026-11-21T09:40:00.000Z",
        "new_status": "partial_outage",
        "old_status": "major_outage",
        "id": "2026-11-21-api-errors/u2/api",
        "component_id": "api",
    }
    assert body["component"]["id"] == "api"
    assert body["component"]["status"] == "partial_outage"  # at the time of the change


def test_record_text_cannot_ping_a_channel_or_inject_links(project, catalog):
    hostile = OPENED.replace(
        "We are looking into elevated API error rates.",
        '"<!channel> @everyone <https://evil.example|click> & more, 2 < 3"',
    )
    project.write(INCIDENT, hostile)
    records = current(project, catalog)
    (event,) = [
        e for e in find_events({}, derive(catalog, records, NOW), since=NOW) if not e.component
    ]
    render = Renderer(derive(catalog, records, NOW))
    slack = render(event, WebhookType.SLACK)
    text = slack["blocks"][1]["text"]["text"]
    assert "<!channel>" not in text and "<https://evil" not in text
    # The page shows "<!channel>" as text; plain text drops what reads as markup, and what
    # stays is escaped for mrkdwn.
    assert "&amp; more, 2 &lt; 3" in text
    assert render(event, WebhookType.DISCORD)["allowed_mentions"] == {"parse": []}


def test_long_updates_are_clipped_to_each_receivers_limits(project, catalog):
    long = OPENED.replace("We are looking into elevated API error rates.", "word " * 2000).replace(
        "title: API errors", "title: " + "T" * 400
    )
    project.write(INCIDENT, long)
    records = current(project, catalog)
    (event,) = [
        e for e in find_events({}, derive(catalog, records, NOW), since=NOW) if not e.component
    ]
    render = Renderer(derive(catalog, records, NOW))
    slack = render(event, WebhookType.SLACK)
    assert len(slack["blocks"][0]["text"]["text"]) <= 150
    assert len(slack["blocks"][1]["text"]["text"]) <= 3000
    embed = render(event, WebhookType.DISCORD)["embeds"][0]
    assert len(embed["title"]) <= 256 and len(embed["description"]) <= 4096
    assert embed["description"].endswith("…")


def test_messages_follow_the_site_language(project):
    project.catalog_path.write_text(
        CATALOG.replace(
            "  url: https://status.test.example/",
            "  url: https://status.test.example/\n  language: id",
        )
        + WEBHOOKS,
        encoding="utf-8",
    )
    catalog = load_catalog(project.catalog_path)
    project.write(MAINTENANCE, WINDOW)
    records = current(project, catalog)
    (event,) = find_events({}, derive(catalog, records, NOW), since=NOW)
    body = Renderer(derive(catalog, records, NOW))(event, WebhookType.SLACK)
    assert body["blocks"][0]["text"]["text"] == "Pemeliharaan dijadwalkan: Database upgrade"


def test_a_clock_event_reads_as_the_window_state(project, catalog):
    project.write(MAINTENANCE, WINDOW)
    now = t("2026-11-22T03:00:00Z")
    records = current(project, catalog, now)
    base = base_of(project, **{MAINTENANCE: WINDOW})
    (started,) = [
        e for e in find_events(base, derive(catalog, records, now), since=NOW) if not e.component
    ]
    render = Renderer(derive(catalog, records, now))
    teams = render(started, WebhookType.TEAMS)["attachments"][0]["content"]
    assert teams["body"][0]["text"] == "Maintenance started"
    facts = {fact["title"]: fact["value"] for fact in teams["body"][-2]["facts"]}
    assert teams["body"][-1]["text"] == "22 Nov 2026, 02:00 UTC"
    assert facts["Status"] == "In progress"
    assert facts["Affected components"] == "Database: Under maintenance"
    incident = render(started, WebhookType.JSON)["incident"]
    assert incident["status"] == "in_progress"
    assert incident["scheduled_for"] == "2026-11-22T02:00:00.000Z"


# --- each receiver's own markup -----------------------------------------------------------------

#: A title that Markdown would turn into a link whose words hide its address.
MASKED_TITLE = "[Reset your password](https://evil.example/login) **now**"
#: Markup written as entities: the page shows the words; decoded, they would be markup.
ENCODED = (
    "&lt;script&gt;alert(1)&lt;/script&gt;Retry &lt;img src=x onerror=alert(2)&gt;later "
    "&amp; \\[log in again\\](https://evil.example/)"
)


def _strings(value) -> list[str]:
    """Every string in a JSON body, as the receiver reads it after parsing."""
    value = json.loads(json.dumps(value))
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


def _as_markdown(text: str) -> BeautifulSoup:
    """What a Markdown renderer makes of a field: the Python-Markdown the page uses, told,
    as CommonMark (Teams) and Discord do, that a backslash escapes any ASCII punctuation."""
    renderer = markdown.Markdown()
    renderer.ESCAPED_CHARS = list(dict.fromkeys([*renderer.ESCAPED_CHARS, *string.punctuation]))
    return BeautifulSoup(renderer.convert(text), "html.parser")


def _markdown_fields(render, event) -> dict[str, str]:
    """The fields Teams and Discord render as Markdown, by where they are."""
    card = render(event, WebhookType.TEAMS)["attachments"][0]["content"]
    discord = render(event, WebhookType.DISCORD)
    (embed,) = discord["embeds"]
    fields = {
        f"teams.body.{i}": block["text"] for i, block in enumerate(card["body"]) if "text" in block
    }
    for block in card["body"]:
        for fact in block.get("facts", []):
            fields[f"teams.fact.{fact['title']}"] = fact["value"]
    fields["discord.content"] = discord["content"]
    fields["discord.title"] = embed["title"]
    fields |= {"discord.description": embed["description"]} if "description" in embed else {}
    fields |= {f"discord.field.{f['name']}": f["value"] for f in embed["fields"]}
    return fields


def _only_event(project, catalog, record: str) -> tuple[Renderer, Event]:
    project.write(INCIDENT, record)
    records = current(project, catalog)
    snapshot = derive(catalog, records, NOW)
    (event,) = [e for e in find_events({}, snapshot, since=NOW) if not e.component]
    return Renderer(snapshot), event


def test_a_markdown_link_in_a_title_is_text_in_teams_and_discord(project, catalog):
    render, event = _only_event(
        project, catalog, OPENED.replace("title: API errors", f"title: {json.dumps(MASKED_TITLE)}")
    )
    fields = _markdown_fields(render, event)
    for where in ("teams.body.1", "discord.title", "discord.content"):
        shown = _as_markdown(fields[where])
        assert shown.find_all(["a", "em"]) == [], (where, fields[where])
        assert MASKED_TITLE in shown.get_text(), (where, shown.get_text())
    bold = _as_markdown(fields["discord.content"]).find_all("strong")
    assert [strong.get_text() for strong in bold] == ["New incident"]  # ours, not the title's
    assert render(event, WebhookType.SLACK)["blocks"][0]["text"]["type"] == "plain_text"
    assert render(event, WebhookType.TEAMS)["summary"].endswith(MASKED_TITLE)


def test_an_escaped_link_in_a_message_stays_text_in_teams_and_discord(project, catalog):
    render, event = _only_event(
        project,
        catalog,
        OPENED.replace(
            "We are looking into elevated API error rates.",
            '"Please \\\\[log in again\\\\](https://evil.example/) — \\\\*not\\\\* _this_"',
        ),
    )
    fields = _markdown_fields(render, event)
    for where in ("teams.body.2", "discord.description"):
        shown = _as_markdown(fields[where])
        assert shown.find_all(["a", "em"]) == [], (where, fields[where])
        # The page shows the escaped link and stars as text, and makes "this" emphasis:
        # its plain text, and so the message, says "this".
        assert "[log in again](https://evil.example/) — *not* this" in shown.get_text()


def test_entity_encoded_markup_reaches_no_receiver_as_markup(project, catalog):
    render, event = _only_event(
        project,
        catalog,
        OPENED.replace("We are looking into elevated API error rates.", json.dumps(ENCODED)),
    )
    for kind in WebhookType:
        strings = _strings(render(event, kind))
        assert any("Retry" in s and "later" in s for s in strings), kind
        for text in strings:
            assert "<script" not in text and "<img" not in text, (kind, text)
            if kind is not WebhookType.SLACK:  # Slack's <url|label> links are its markup
                assert executable_parts(text) == [], (kind, text)
    (update,) = render(event, WebhookType.JSON)["incident"]["incident_updates"]
    assert update["body"] == "Retry later & [log in again](https://evil.example/)"


def test_component_names_are_escaped_for_each_receiver(project):
    hostile = "[Open](https://evil.example/) <@&123> **API**"
    project.catalog_path.write_text(
        CATALOG.replace("    name: API\n", f"    name: {json.dumps(hostile)}\n") + WEBHOOKS,
        encoding="utf-8",
    )
    catalog = load_catalog(project.catalog_path)
    project.write(INCIDENT, with_updates(IDENTIFIED))
    records = current(project, catalog)
    snapshot = derive(catalog, records, NOW)
    base = base_of(project, **{INCIDENT: OPENED})
    events = find_events(base, snapshot, since=NOW)
    component = next(e for e in events if e.component == "api")
    update = next(e for e in events if not e.component)
    render = Renderer(snapshot)
    for event in (component, update):
        for where, field in _markdown_fields(render, event).items():
            shown = _as_markdown(field)
            assert shown.find_all(["a", "strong"]) == [] or where == "discord.content", field
        slack = render(event, WebhookType.SLACK)
        mrkdwn = [slack["text"]] + [
            item["text"]
            for block in slack["blocks"]
            for item in [
                block.get("text", {}),
                *block.get("fields", []),
                *block.get("elements", []),
            ]
            if item.get("type") == "mrkdwn"
        ]
        assert all("<@" not in text for text in mrkdwn)
        assert any("&lt;@&amp;123&gt;" in text for text in mrkdwn)
    facts = _markdown_fields(render, update)
    assert hostile in _as_markdown(facts["teams.fact.Affected components"]).get_text()
    content = _as_markdown(_markdown_fields(render, component)["discord.content"])
    assert [strong.get_text() for strong in content.find_all("strong")] == [
        f"{hostile}: Partial outage"
    ]


def test_markdown_escapes_are_never_cut_in_half_by_the_limits(project, catalog):
    render, event = _only_event(
        project,
        catalog,
        OPENED.replace("We are looking into elevated API error rates.", json.dumps("*_" * 3000)),
    )
    embed = render(event, WebhookType.DISCORD)["embeds"][0]
    description = embed["description"]
    assert len(description) <= 4096 and description.endswith("…")
    body = description.removesuffix("…")
    assert len(body) - len(body.rstrip("\\")) in (0, 2)  # an escaped backslash, or none
    assert _as_markdown(description).find_all(["em", "strong"]) == []
    for field in embed["fields"]:
        assert len(field["value"]) <= 1024
