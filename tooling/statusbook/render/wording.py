"""How a record's standing and its posts are worded for people, in one place.

Pages, feeds, calendars, the API's plain text and notification messages all say "Resolved"
or "In progress" the same way, and a post the clock made (a maintenance window starting or
ending without anyone writing an update) carries the same words everywhere.
"""

from __future__ import annotations

from statusbook.derive.lifecycle import Post, RecordState
from statusbook.i18n import Translator
from statusbook.model import RecordStatus


def status_key(status: RecordStatus, *, maintenance: bool) -> str:
    """The translation key of a record status: maintenance words for maintenance."""
    if maintenance:
        return f"maintenance.{status.value}"
    if status is RecordStatus.POSTMORTEM:
        status = RecordStatus.RESOLVED
    return f"update.{status.value}"


def record_status(t: Translator, state: RecordState) -> str:
    """Where the record stands, e.g. "Monitoring" or, for a window, "In progress"."""
    return t(status_key(state.status, maintenance=state.is_maintenance))


def post_status(t: Translator, post: Post) -> str:
    """What one post announces, e.g. "Identified", "Update" or "Completed"."""
    return t(f"update.{post.status.value}")


def post_message(t: Translator, post: Post) -> str:
    """A post's Markdown: the person's words, or the clock's for a derived post."""
    return t(f"post.{post.key}") if post.derived else post.message


def headline(status: str, title: str) -> str:
    """A title that leads with the status: "Resolved — Elevated error rates on the API"."""
    return f"{status} — {title}"
