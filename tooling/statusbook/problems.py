"""Problems found in records and the catalog: values, not exceptions.

Every rule has a stable code (for tools and suppression), a short name, a severity and a
sentence that tells a tired person how to fix it. Rules live here in one table so the
README, the JSON output and the tests all read the same list.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import NamedTuple


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


class Rule(NamedTuple):
    code: str
    name: str
    severity: Severity
    summary: str


_RULES = [
    # reading the file
    Rule(
        "SB001", "unreadable-file", Severity.ERROR, "The file cannot be read or is not UTF-8 text."
    ),
    Rule(
        "SB002",
        "missing-front-matter",
        Severity.ERROR,
        "The file does not start with YAML front matter between '---' lines.",
    ),
    Rule("SB003", "yaml-syntax", Severity.ERROR, "The front matter is not valid YAML."),
    Rule(
        "SB004",
        "duplicate-key",
        Severity.ERROR,
        "A key appears twice in one mapping; YAML would silently keep only the last.",
    ),
    Rule(
        "SB005",
        "not-a-file",
        Severity.ERROR,
        "The path is not a regular file (a named pipe, a device, a socket).",
    ),
    Rule(
        "SB006",
        "too-large",
        Severity.ERROR,
        "A file, body, message or line of text is larger than a status page ever needs.",
    ),
    # shape
    Rule(
        "SB101",
        "unknown-key",
        Severity.ERROR,
        "A key the format does not define (custom data goes under keys starting with 'x-').",
    ),
    Rule("SB102", "missing-key", Severity.ERROR, "A required key is missing."),
    Rule("SB103", "wrong-type", Severity.ERROR, "A value has the wrong type."),
    Rule("SB104", "invalid-value", Severity.ERROR, "A value is not one of the allowed ones."),
    Rule("SB105", "empty-text", Severity.ERROR, "A title, message or name is empty."),
    Rule(
        "SB106",
        "control-character",
        Severity.ERROR,
        "A text holds a control character, or a line break where only one line belongs.",
    ),
    Rule(
        "SB107",
        "number-out-of-range",
        Severity.ERROR,
        "A number is outside its range, not finite, or too long to be a number.",
    ),
    # time
    Rule("SB201", "invalid-timestamp", Severity.ERROR, "A timestamp or date cannot be parsed."),
    Rule("SB202", "naive-timestamp", Severity.ERROR, "A timestamp has no time zone."),
    Rule(
        "SB203",
        "future-timestamp",
        Severity.ERROR,
        "Something is recorded as having happened in the future.",
    ),
    Rule(
        "SB204",
        "updates-out-of-order",
        Severity.ERROR,
        "Updates are not in chronological order (oldest first).",
    ),
    Rule(
        "SB205",
        "start-after-first-update",
        Severity.ERROR,
        "The incident starts after its first update was posted.",
    ),
    Rule("SB206", "end-before-start", Severity.ERROR, "An end time precedes its start time."),
    Rule(
        "SB207",
        "timestamp-out-of-range",
        Severity.ERROR,
        "A timestamp or date lies outside the years 2000-2099.",
    ),
    # lifecycle
    Rule("SB301", "unknown-component", Severity.ERROR, "A component id is not in the catalog."),
    Rule(
        "SB302",
        "resolved-without-time",
        Severity.ERROR,
        "The incident is resolved but has no 'resolved' time.",
    ),
    Rule(
        "SB303",
        "update-after-resolution",
        Severity.ERROR,
        "An update is dated after the incident's resolution.",
    ),
    Rule(
        "SB304",
        "resolution-without-resolved-update",
        Severity.ERROR,
        "A 'resolved' time is set but the last update does not resolve the incident.",
    ),
    Rule(
        "SB305",
        "no-updates",
        Severity.ERROR,
        "An incident has no updates; customers would see no explanation.",
    ),
    Rule(
        "SB306",
        "maintenance-field-on-incident",
        Severity.ERROR,
        "A maintenance-only field is set on an incident, or the reverse.",
    ),
    Rule(
        "SB307",
        "completed-without-time",
        Severity.ERROR,
        "A maintenance is marked completed but has no 'completed' time.",
    ),
    Rule(
        "SB308",
        "no-components",
        Severity.WARNING,
        "The record names no affected component, so no status or uptime changes.",
    ),
    Rule(
        "SB309",
        "postmortem-placeholder",
        Severity.ERROR,
        "A published postmortem still holds placeholder text ('To be written: …').",
    ),
    Rule(
        "SB310",
        "stale-incident",
        Severity.WARNING,
        "An open incident has had no update for longer than reminders.stale_after (default 2h).",
    ),
    Rule(
        "SB311",
        "resolved-after-resolving-update",
        Severity.WARNING,
        "'resolved' is later than the update that resolves the incident.",
    ),
    # files and ids
    Rule(
        "SB401",
        "file-name",
        Severity.ERROR,
        "The file name does not follow incidents/YYYY/YYYY-MM-DD-slug.md.",
    ),
    Rule("SB402", "duplicate-id", Severity.ERROR, "Two records have the same id (file name)."),
    Rule(
        "SB403",
        "file-date-mismatch",
        Severity.WARNING,
        "The date in the file name differs from the record's start date.",
    ),
    Rule(
        "SB404",
        "file-name-too-long",
        Severity.ERROR,
        "The file name is longer than 100 characters.",
    ),
    Rule(
        "SB405",
        "file-skipped",
        Severity.WARNING,
        "A file that looks like a record is not read: a broken symbolic link, or '.MD'.",
    ),
    # content
    Rule(
        "SB601",
        "unsafe-markup",
        Severity.WARNING,
        "Record text contains markup the page will remove (script, event handlers, javascript: links, images).",
    ),
    Rule(
        "SB602",
        "markup-in-title",
        Severity.WARNING,
        "A title holds a link, HTML, a character reference or Markdown emphasis: titles are plain text everywhere, so it reads oddly, or chat apps render it.",
    ),
    # catalog
    Rule("SB501", "catalog", Severity.ERROR, "The catalog (statusbook.yml) is invalid."),
    Rule(
        "SB502",
        "site-url-missing",
        Severity.WARNING,
        "site.url is not set: the page cannot be built for publishing (feeds, calendars and the API need its address).",
    ),
    # history: published records compared with a git revision (validate --base)
    Rule(
        "SB701",
        "published-update-deleted",
        Severity.ERROR,
        "A published update was deleted without a correction.",
    ),
    Rule(
        "SB702",
        "published-update-moved",
        Severity.ERROR,
        "Published updates were reordered without a correction.",
    ),
    Rule(
        "SB703",
        "published-update-rewritten",
        Severity.ERROR,
        "A published update's time, text, status, author or components changed without a correction.",
    ),
    Rule(
        "SB704",
        "update-inserted-into-history",
        Severity.ERROR,
        "A new update was inserted before published ones (backdated) without a correction.",
    ),
    Rule(
        "SB705",
        "published-correction-changed",
        Severity.ERROR,
        "A published correction was deleted or rewritten; corrections are append-only.",
    ),
    Rule(
        "SB706",
        "record-deleted",
        Severity.ERROR,
        "A published record was deleted.",
    ),
    Rule(
        "SB707",
        "record-renamed",
        Severity.ERROR,
        "A published record was renamed, which changes its id and address.",
    ),
    Rule(
        "SB708",
        "published-start-changed",
        Severity.ERROR,
        "A published start (started, or a begun window's scheduled_start) changed without a correction.",
    ),
    Rule(
        "SB709",
        "published-end-changed",
        Severity.ERROR,
        "A published end (resolved, completed, a begun window's scheduled_end, a cancellation) "
        "changed or was removed without a correction or a reopening.",
    ),
    Rule(
        "SB710",
        "published-impact-lowered",
        Severity.ERROR,
        "A published incident's impact was lowered without a correction.",
    ),
    Rule(
        "SB711",
        "published-component-lowered",
        Severity.ERROR,
        "A published affected component was removed or its status lowered without a correction.",
    ),
    Rule(
        "SB712",
        "published-kind-changed",
        Severity.ERROR,
        "A published record's kind changed without a correction.",
    ),
    Rule(
        "SB713",
        "published-title-changed",
        Severity.ERROR,
        "A published record's title changed without a correction.",
    ),
    Rule(
        "SB714",
        "published-postmortem-changed",
        Severity.ERROR,
        "A published postmortem was deleted, unpublished, re-dated or its text rewritten without a correction.",
    ),
    Rule(
        "SB715",
        "published-narrative-changed",
        Severity.ERROR,
        "Published text in a record's body was changed or deleted without a correction.",
    ),
    # problem records, their links to incidents, action items and audiences
    Rule(
        "SB801",
        "problem-file-name",
        Severity.ERROR,
        "A problem record's file name does not follow problems/PRB-NNNN-slug.md.",
    ),
    Rule(
        "SB802",
        "duplicate-problem-id",
        Severity.ERROR,
        "Two problem records have the same id (PRB-NNNN).",
    ),
    Rule(
        "SB803",
        "unknown-problem",
        Severity.ERROR,
        "An incident names a problem that has no record.",
    ),
    Rule(
        "SB804",
        "unknown-incident",
        Severity.ERROR,
        "A problem record links an incident id that has no record.",
    ),
    Rule(
        "SB805",
        "conflicting-problem-links",
        Severity.ERROR,
        "An incident is linked to more than one problem.",
    ),
    Rule(
        "SB806",
        "problem-status-time",
        Severity.ERROR,
        "A problem's status and its 'identified'/'resolved' times disagree.",
    ),
    Rule(
        "SB807",
        "problem-times-out-of-order",
        Severity.ERROR,
        "A problem was identified before it was opened, or resolved before it was opened or identified.",
    ),
    Rule(
        "SB808",
        "resolved-problem-open-actions",
        Severity.ERROR,
        "A resolved problem still has open or in-progress action items.",
    ),
    Rule(
        "SB809",
        "incident-after-problem-resolved",
        Severity.WARNING,
        "An incident linked to a problem started after the problem was resolved: it recurred.",
    ),
    Rule(
        "SB810",
        "known-error-without-workaround",
        Severity.WARNING,
        "A known error has no workaround for customers.",
    ),
    Rule(
        "SB811",
        "overdue-action-item",
        Severity.WARNING,
        "An action item is still open after its due date.",
    ),
    Rule(
        "SB812",
        "overdue-action-item-failing",
        Severity.ERROR,
        "An action item is still open after its due date (validate --fail-overdue).",
    ),
    Rule(
        "SB813",
        "internal-update-changes-state",
        Severity.ERROR,
        "An internal update sets component statuses or resolves, completes or cancels the record.",
    ),
    Rule(
        "SB814",
        "internal-record-impairs-components",
        Severity.WARNING,
        "An internal record impairs components, which the public page will not show.",
    ),
    Rule(
        "SB815",
        "no-public-update",
        Severity.WARNING,
        "Every update of a public record is internal, so the public page does not show it.",
    ),
    Rule(
        "SB816",
        "problem-links-maintenance",
        Severity.ERROR,
        "A problem links a maintenance record; problems explain incidents, not planned work.",
    ),
]

RULES: dict[str, Rule] = {rule.code: rule for rule in _RULES}


class Problem(NamedTuple):
    """One finding: where it is, which rule, what is wrong and how to fix it."""

    path: Path
    line: int | None
    column: int | None
    code: str
    message: str
    fix: str = ""

    @property
    def rule(self) -> Rule:
        return RULES[self.code]

    @property
    def severity(self) -> Severity:
        """The rule's: the one table decides how serious each code is."""
        return self.rule.severity

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def sort_key(self) -> tuple[str, int, int, str]:
        return (str(self.path), self.line or 0, self.column or 0, self.code)
