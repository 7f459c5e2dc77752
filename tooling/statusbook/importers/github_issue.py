"""Self-service reports: a GitHub issue-form event → a draft incident record.

Anyone can report trouble through the issue form in ``.github/ISSUE_TEMPLATE/``; a
workflow turns the ``issues`` event into a draft record and opens a pull request, so an
engineer reviews every word before it reaches the public page. The reporter's text is
kept verbatim (as the first update, which the reviewer rewrites for customers), and any
answer that cannot be mapped — an unknown component, an unreadable time — is kept in the
body and listed in ``notes`` rather than dropped.

The form is filled in by anyone, so its text is cleaned of what the validator refuses
(control characters; line breaks in the title) and a start time outside the years
records may name is treated as unreadable: a report always becomes a draft to review.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import Any

from statusbook.edit.when import WhenError, parse_when
from statusbook.importers.common import text_of
from statusbook.load.limits import BODY, MULTILINE, strip_forbidden
from statusbook.model import Catalog, ComponentStatus, Impact, Kind, UpdateStatus
from statusbook.timeutil import TimestampError, format_timestamp, in_range, parse_timestamp

#: The issue form's labels: GitHub writes each answer under a ``### <label>`` heading.
SYMPTOMS_LABEL = "What are you seeing?"
COMPONENTS_LABEL = "Affected components"
STARTED_LABEL = "When did it start?"
SEVERITY_LABEL = "How bad is it?"
DETAILS_LABEL = "Anything else?"
#: The label the form puts on the issue, and the workflow reacts to.
REPORT_LABEL = "incident-report"
TITLE_PREFIX = "[Incident]: "

NOT_SURE = "Not sure"
#: Answers to "How bad is it?" → kind, impact and the status of each named component.
SEVERITIES: dict[str, tuple[Kind, Impact, ComponentStatus]] = {
    "Slower than usual": (Kind.DEGRADATION, Impact.MINOR, ComponentStatus.DEGRADED_PERFORMANCE),
    "Some requests or features fail": (Kind.OUTAGE, Impact.MAJOR, ComponentStatus.PARTIAL_OUTAGE),
    "Completely unavailable": (Kind.OUTAGE, Impact.CRITICAL, ComponentStatus.MAJOR_OUTAGE),
}
_DEFAULT_SEVERITY = (Kind.DEGRADATION, Impact.MINOR, ComponentStatus.DEGRADED_PERFORMANCE)
_NO_RESPONSE = "_No response_"
_HEADING = re.compile(r"^###[ \t]+(.+?)[ \t]*$", re.MULTILINE)
_CHECKBOX = re.compile(r"^\s*-\s*\[([ xX])\]\s*(.+?)\s*$")


class SelfServiceError(ValueError):
    """The payload is not an issue-form report that can become a draft."""


@dataclass(frozen=True)
class Draft:
    """Front matter fields and body for :func:`statusbook.edit.create_record`."""

    fields: dict[str, Any]
    body: str
    notes: tuple[str, ...] = field(default_factory=tuple)


def parse_form(body: str) -> dict[str, str]:
    """``### Label`` sections of an issue-form body → {label: answer}; empty answers dropped."""
    answers: dict[str, str] = {}
    headings = list(_HEADING.finditer(body))
    for heading, following in zip(headings, [*headings[1:], None], strict=True):
        end = following.start() if following else len(body)
        answer = body[heading.end() : end].strip()
        if answer and answer != _NO_RESPONSE:
            answers[heading.group(1).strip()] = answer
    return answers


def draft_from_event(
    payload: Mapping[str, Any], catalog: Catalog, *, now: datetime, zone: tzinfo = UTC
) -> Draft:
    """The draft record for an ``issues`` event; times without a zone are read in ``zone``."""
    issue = payload.get("issue") if isinstance(payload, Mapping) else None
    if not isinstance(issue, Mapping):
        raise SelfServiceError("the event has no 'issue': is it an 'issues' event payload?")
    text = issue.get("body")
    if not isinstance(text, str) or not text.strip():
        raise SelfServiceError("the issue has no text to draft a record from")
    notes: list[str] = []
    cleaned = strip_forbidden(text, MULTILINE)
    if cleaned != text:
        notes.append("removed control characters from the issue's text")
        text = cleaned
    extra_body: list[str] = []
    answers = parse_form(text)
    symptoms = answers.get(SYMPTOMS_LABEL)
    if symptoms is None:
        symptoms = text.strip()
        notes.append(
            "the issue was not written with the report form; its whole text is the first update"
        )

    reported = _reported_at(issue, now)
    kind, impact, status = SEVERITIES.get(answers.get(SEVERITY_LABEL, ""), _DEFAULT_SEVERITY)
    components, unknown = _components(answers.get(COMPONENTS_LABEL, ""), catalog)
    if unknown:
        notes.append(f"not in the catalog, kept in the body: {', '.join(unknown)}")
        extra_body.append(f"Also reported as affected: {', '.join(unknown)}.")
    started = _started(answers.get(STARTED_LABEL), reported, zone, notes, extra_body)
    if answers.get(DETAILS_LABEL):
        extra_body.append(answers[DETAILS_LABEL])

    user = issue.get("user")
    login = text_of(user.get("login")) if isinstance(user, Mapping) else None
    reporter = " ".join(strip_forbidden(login or "").split()) or None
    number = issue.get("number") if isinstance(issue.get("number"), int) else None
    url = _link(issue.get("html_url"))
    fields: dict[str, Any] = {
        "title": _title(issue.get("title"), components, catalog),
        "kind": kind,
        "impact": impact,
        "started": started,
        "components": {component: status for component in components} or None,
        "updates": [
            {
                "at": reported,
                "status": UpdateStatus.INVESTIGATING,
                "author": reporter,
                "message": symptoms,
            }
        ],
        "x-report": {"issue": number, "url": url, "reporter": reporter},
    }
    origin = f"Reported by @{reporter}" if reporter else "Reported"
    origin += f" in issue #{number}" if number is not None else ""
    origin += f" ({url})." if url else "."
    body = strip_forbidden("\n\n".join([origin, *extra_body]), BODY)
    return Draft(fields, body, tuple(notes))


def _link(value: Any) -> str | None:
    """The issue's address, if it is one (it is printed into the draft's body)."""
    if not isinstance(value, str) or not value.startswith(("https://", "http://")):
        return None
    return value if strip_forbidden(value) == value and " " not in value else None


def _reported_at(issue: Mapping[str, Any], now: datetime) -> datetime:
    created = issue.get("created_at")
    if isinstance(created, str):
        try:
            reported = min(parse_timestamp(created), now)
        except (TimestampError, OverflowError):
            return now
        return reported if in_range(reported) else now
    return now


def _started(
    answer: str | None, reported: datetime, zone: tzinfo, notes: list[str], body: list[str]
) -> datetime:
    if answer is None:
        return reported
    try:
        started = parse_when(answer, now=reported, zone=zone)
    except (WhenError, OverflowError, ValueError):  # -99999999w, year 1 with +01:00
        started = None
    if started is None or not in_range(started):
        notes.append(f"could not read the start time {answer!r}; used the time of the report")
        body.append(f"Reported start time: {answer}")
        return reported
    if started > reported:
        notes.append(
            f"the start time {format_timestamp(started)} is after the report; used the time of the report"
        )
        body.append(f"Reported start time: {answer}")
        return reported
    return started


def _components(answer: str, catalog: Catalog) -> tuple[list[str], list[str]]:
    """Catalog ids for the names (or ids) chosen, and the answers that match none."""
    by_name = {component.name.casefold(): component.id for component in catalog.components}
    by_name.update({component.id.casefold(): component.id for component in catalog.components})
    chosen: list[str] = []
    unknown: list[str] = []
    for name in _choices(answer):
        if name.casefold() == NOT_SURE.casefold():
            continue
        component = by_name.get(name.casefold())
        if component is None:
            unknown.append(name)
        elif component not in chosen:
            chosen.append(component)
    return chosen, unknown


def _choices(answer: str) -> list[str]:
    """A dropdown answer (``A, B``) or checkboxes (``- [X] A``)."""
    lines = answer.splitlines()
    boxes = [_CHECKBOX.match(line) for line in lines]
    if lines and all(boxes):
        return [box.group(2) for box in boxes if box and box.group(1) in "xX"]
    return [part.strip() for part in re.split(r"[,\n]", answer) if part.strip()]


def _title(raw: Any, components: list[str], catalog: Catalog) -> str:
    """The issue's title on one line, without the form's prefix (or one made up)."""
    title = " ".join(strip_forbidden(text_of(raw) or "").split())
    if title.startswith(TITLE_PREFIX.strip()):
        title = title[len(TITLE_PREFIX.strip()) :].strip()
    if title:
        return title
    names = [c.name for c in catalog.components if c.id in components]
    return f"Reported problem with {', '.join(names)}" if names else "Reported problem"
