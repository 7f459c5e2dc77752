"""Record rules: parsed front matter → an :class:`Incident`, or the problems that stop it.

Shape (keys, types, enum values) is checked by :mod:`statusbook.schema`; the rules here
need several fields at once or the catalog: ordering, resolution, component references,
future times, file naming, duplicate ids.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple

from statusbook.i18n import is_placeholder
from statusbook.load.items import build_notes, check_action_items, check_notes, problem_ids
from statusbook.load.limits import MAX_FILE_NAME
from statusbook.load.plaintext import markup_in_plain_text
from statusbook.load.records import KeyPath, Source, read_source, survey
from statusbook.load.schema import RECORD, label, suggest
from statusbook.markup import unsafe_markup
from statusbook.model import (
    INCIDENT_UPDATE_STATUSES,
    MAINTENANCE_UPDATE_STATUSES,
    ActionItem,
    ActionStatus,
    Catalog,
    ComponentStatus,
    Correction,
    Impact,
    Incident,
    Kind,
    MaintenanceState,
    MaintenanceWindow,
    Postmortem,
    ProblemRecord,
    Update,
    UpdateStatus,
    Visibility,
)
from statusbook.problems import Problem
from statusbook.timeutil import format_timestamp

#: Clocks on laptops and CI runners drift; a record a few minutes "ahead" is not a lie.
FUTURE_TOLERANCE = timedelta(minutes=5)
FILE_NAME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})-[a-z0-9]+(?:-[a-z0-9]+)*\.md$")


class Validation:
    """The outcome of checking a set of records, filled in as they are checked."""

    def __init__(self) -> None:
        self.incidents: list[Incident] = []
        self.problems: list[Problem] = []
        self.files = 0
        #: Problem records without errors
        #: (:func:`statusbook.load.problem_records.validate_repository`).
        self.problem_records: list[ProblemRecord] = []
        #: Every record file read, with errors or not (so a caller need not list the folder
        #: again).
        self.paths: list[Path] = []

    @property
    def errors(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [problem for problem in self.problems if not problem.is_error]


def validate_paths(
    paths: Sequence[Path] | None,
    catalog: Catalog,
    now: datetime,
    *,
    fail_overdue: bool = False,
) -> Validation:
    """Check the records under ``paths`` (default: the catalog's records folder).

    Problem records and the links between them and incidents are checked by
    :func:`statusbook.load.problem_records.validate_repository`, which calls this.
    """
    found = survey(paths or [catalog.records_dir])
    result = validate_sources(
        (read_source(path) for path in found.files), catalog, now, fail_overdue=fail_overdue
    )
    if found.skipped:
        result.problems = sorted([*found.skipped, *result.problems], key=Problem.sort_key)
    result.paths = found.files
    return result


def validate_sources(
    sources: Iterable[Source],
    catalog: Catalog,
    now: datetime,
    *,
    fail_overdue: bool = False,
) -> Validation:
    result = Validation()
    first_seen: dict[str, Path] = {}
    known = frozenset(catalog.component_ids)
    links = RecordLinks(problem_ids(catalog), fail_overdue)
    for source in sources:
        result.files += 1
        incident = check_record(source, catalog, now, known, links=links)
        other = first_seen.setdefault(source.record_id, source.path)
        if other != source.path:
            source.report(
                "SB402",
                f"id {source.record_id!r} is also used by {other}",
                "rename one of the files: the id is the file name and must be unique",
            )
            incident = None
        result.problems.extend(source.problems)
        if incident is not None:
            result.incidents.append(incident)
    result.problems.sort(key=Problem.sort_key)
    result.incidents.sort(key=lambda incident: (incident.started, incident.id))
    return result


class RecordLinks(NamedTuple):
    """What a record's rules need from outside it: the problem ids that exist, and whether
    an overdue action item fails the check (``validate --fail-overdue``)."""

    problems: frozenset[str]
    fail_overdue: bool = False


def check_record(
    source: Source,
    catalog: Catalog,
    now: datetime,
    known: frozenset[str] | None = None,
    *,
    links: RecordLinks | None = None,
) -> Incident | None:
    """Apply every rule to one record; the Incident when it has no errors.

    ``known`` is the catalog's component ids and ``links`` the problem ids, passed in when
    checking many records (read from the catalog's folders otherwise).
    """
    _check_file_name(source, catalog)
    if not source.parsed:
        return None
    data = RECORD.check(source.data, (), source)
    if not isinstance(data, dict):
        return None
    known = frozenset(catalog.component_ids) if known is None else known
    links = RecordLinks(problem_ids(catalog)) if links is None else links
    return _RecordRules(source, catalog, now, data, known, links).run()


def _check_file_name(source: Source, catalog: Catalog) -> None:
    name = source.path.name
    if len(name) > MAX_FILE_NAME:
        # The build derives longer names from the id; past ~250 bytes a filesystem refuses.
        source.report(
            "SB404",
            f"the file name is {len(name)} characters long; it may be at most {MAX_FILE_NAME}",
            "shorten the slug after the date to a few words (the title can stay long); "
            "the id is part of every address of the record",
        )
    match = FILE_NAME.match(name)
    fix = "name it incidents/YYYY/YYYY-MM-DD-short-slug.md (lowercase letters, digits and '-')"
    if match is None:
        source.report("SB401", f"file name {name!r} does not follow the convention", fix)
        return
    year, month, day = (int(part) for part in match.groups())
    try:
        date(year, month, day)
    except ValueError:
        source.report("SB401", f"file name {name!r} starts with an impossible date", fix)
        return
    if source.path.parent.name != f"{year:04d}" and _is_under(source.path, catalog.records_dir):
        source.report(
            "SB401",
            f"{name!r} is in folder {source.path.parent.name!r}, not in its year's folder",
            f"move it to {catalog.records_dir.name}/{year:04d}/",
        )


def _is_under(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except (ValueError, OSError, RuntimeError):  # RuntimeError: a symbolic link loop
        return False
    return True


class _RecordRules:
    """The cross-field rules for one record, then the model built from it."""

    def __init__(
        self,
        source: Source,
        catalog: Catalog,
        now: datetime,
        data: dict[str, Any],
        known: frozenset[str],
        links: RecordLinks | None = None,
    ):
        self.links = links or RecordLinks(frozenset())
        self.source = source
        self.catalog = catalog
        self.known = known
        self.now = now
        self.data = data
        self.kind: Kind | None = data.get("kind")
        self.is_maintenance = self.kind is Kind.MAINTENANCE
        self.updates: list[dict[str, Any]] = data.get("updates", [])

    def report(
        self, code: str, message: str, fix: str = "", at: KeyPath = (), key: bool = False
    ) -> None:
        self.source.report(code, message, fix, at=at, key=key)

    def run(self) -> Incident | None:
        self.check_components()
        self.check_order()
        self.check_future()
        self.check_markup()
        self.check_title()
        self.check_postmortem()
        self.check_audiences()
        self.check_problem_link()
        check_notes(self.source, self.data.get("notes", []), self.now + FUTURE_TOLERANCE)
        check_action_items(
            self.source,
            self.data.get("postmortem", {}).get("action_items", []),
            ("postmortem", "action_items"),
            self.catalog.today(self.now),
            self.links.fail_overdue,
        )
        if self.kind is not None:
            self.check_update_statuses()
            self.check_file_date()
            if self.is_maintenance:
                self.check_maintenance()
            else:
                self.check_incident()
        # A record without a kind has been reported (the field is required), so it is not built.
        if self.kind is None or any(problem.is_error for problem in self.source.problems):
            return None
        return self.build(self.kind)

    # --- rules ---------------------------------------------------------------------------

    def check_components(self) -> None:
        known = self.known
        places: list[tuple[KeyPath, dict[str, Any]]] = [
            (("components",), self.data.get("components", {}))
        ]
        places += [
            (("updates", i, "components"), u.get("components", {}))
            for i, u in enumerate(self.updates)
        ]
        for at, statuses in places:
            for component in statuses:
                if component not in known:
                    ids = self.catalog.component_ids
                    hint = suggest(component, ids)
                    self.report(
                        "SB301",
                        f"component {component!r} is not in the catalog",
                        hint or f"use one of: {', '.join(ids)} — or add it to statusbook.yml",
                        at=(*at, component),
                        key=True,
                    )
        if (
            not any(statuses for _, statuses in places)
            and self.data.get("impact") is not Impact.NONE
        ):
            self.report(
                "SB308",
                "no affected components are listed",
                "add 'components:' with the status of each affected component, e.g. api: partial_outage",
            )

    def check_update_statuses(self) -> None:
        allowed = MAINTENANCE_UPDATE_STATUSES if self.is_maintenance else INCIDENT_UPDATE_STATUSES
        record = "maintenance" if self.is_maintenance else "incident"
        options = ", ".join(status.value for status in allowed)
        for index, update in enumerate(self.updates):
            status = update.get("status")
            if status is not None and status not in allowed:
                self.report(
                    "SB104",
                    f"update status {status.value!r} is not used for {record} records",
                    f"use one of: {options}",
                    at=("updates", index, "status"),
                )

    def check_order(self) -> None:
        previous: datetime | None = None
        for index, update in enumerate(self.updates):
            at = update.get("at")
            if at is None:
                continue
            if previous is not None and at < previous:
                self.report(
                    "SB204",
                    f"update {index + 1} ({format_timestamp(at)}) is earlier than the update before it "
                    f"({format_timestamp(previous)})",
                    "keep updates oldest first; check the date and time of both",
                    at=("updates", index, "at"),
                )
            previous = at if previous is None else max(previous, at)

    def check_future(self) -> None:
        # A --now at the end of time has no tolerance left to add.
        limit = self.now + min(FUTURE_TOLERANCE, datetime.max.replace(tzinfo=UTC) - self.now)
        candidates: list[tuple[KeyPath, Any]] = [
            ((key,), self.data.get(key)) for key in ("started", "resolved", "completed")
        ]
        candidates += [(("updates", i, "at"), u.get("at")) for i, u in enumerate(self.updates)]
        candidates.append(
            (("postmortem", "published"), self.data.get("postmortem", {}).get("published"))
        )
        corrections = self.data.get("corrections", [])
        candidates += [(("corrections", i, "at"), c.get("at")) for i, c in enumerate(corrections)]
        for at, value in candidates:
            if value is not None and value > limit:
                self.report(
                    "SB203",
                    f"{label(at)} {format_timestamp(value)} is in the future "
                    f"(now is {format_timestamp(self.now)})",
                    "check the date, the time and the zone; only scheduled_start/scheduled_end may be in the future",
                    at=at,
                )

    def check_postmortem(self) -> None:
        """A postmortem with ``published`` is on the page, so its text must be written:
        the CLI's placeholder is fine in a draft (no ``published``), never in public."""
        postmortem = self.data.get("postmortem")
        if not isinstance(postmortem, dict) or postmortem.get("published") is None:
            return
        for key, words in (("summary", "summary"), ("root_cause", "root cause")):
            text = postmortem.get(key)
            if isinstance(text, str) and is_placeholder(text):
                self.report(
                    "SB309",
                    f"the postmortem is published but its {words} is still the placeholder "
                    f"{text.strip()!r}",
                    f"write the {words}; or remove 'published' to keep the postmortem a draft "
                    "(readers do not see drafts)",
                    at=("postmortem", key),
                )

    def check_markup(self) -> None:
        texts: list[tuple[KeyPath, Any]] = [
            (("updates", i, "message"), u.get("message")) for i, u in enumerate(self.updates)
        ]
        postmortem = self.data.get("postmortem", {})
        texts += [(("postmortem", key), postmortem.get(key)) for key in ("summary", "root_cause")]
        for at, text in texts:
            if text:
                self._report_markup(unsafe_markup(text), at)
        found = unsafe_markup(self.source.body)
        if found:
            self.source.problems.append(
                Problem(
                    self.source.path,
                    self.source.body_line,
                    1,
                    "SB601",
                    _markup_message(found),
                    _MARKUP_FIX,
                )
            )

    def _report_markup(self, found: list[str], at: KeyPath) -> None:
        if found:
            self.report("SB601", _markup_message(found), _MARKUP_FIX, at=at)

    def check_title(self) -> None:
        """A title is plain text everywhere; markup in it shows literally, or as a link in chat."""
        title = self.data.get("title")
        found = markup_in_plain_text(title) if isinstance(title, str) else []
        if found:
            self.report(
                "SB602",
                "the title is plain text everywhere, but holds " + ", ".join(found),
                "write the words only: the page shows brackets, tags and entities as they are "
                "typed, and links and emphasis belong in an update's message",
                at=("title",),
            )

    def check_file_date(self) -> None:
        match = FILE_NAME.match(self.source.path.name)
        start = (
            self.data.get("scheduled_start") if self.is_maintenance else self.data.get("started")
        )
        if start is None and self.updates and not self.is_maintenance:
            start = self.updates[0].get("at")
        if match is None or start is None:
            return
        named = self.source.path.name[:10]
        if named != start.date().isoformat():
            self.report(
                "SB403",
                f"the file name says {named} but the record starts on {start.date().isoformat()} (UTC)",
                "keep the name if the record is already published (the id must stay stable); "
                "otherwise rename the file",
            )

    def check_incident(self) -> None:
        if not self.updates:
            self.report(
                "SB305",
                "the incident has no updates",
                "add 'updates:' with at least one entry (at, status, message) telling customers what is happening",
            )
            return
        first_at = self.updates[0].get("at")
        started = self.data.get("started")
        if started is not None and first_at is not None and started > first_at:
            self.report(
                "SB205",
                f"started {format_timestamp(started)} is after the first update ({format_timestamp(first_at)})",
                "'started' is when impact began: set it no later than the first update",
                at=("started",),
            )
        start = started or first_at
        resolved = self.data.get("resolved")
        last_status, last_index = self.lifecycle()
        if last_status is UpdateStatus.RESOLVED and resolved is None:
            at = self.updates[last_index].get("at")
            self.report(
                "SB302",
                "the last update resolves the incident but there is no 'resolved' time",
                f"add 'resolved: {format_timestamp(at)}' (when service recovered)"
                if at
                else "add 'resolved:'",
                at=("updates", last_index, "status"),
            )
        if resolved is not None and last_status is not UpdateStatus.RESOLVED:
            self.report(
                "SB304",
                "'resolved' is set but the last update does not say the incident is resolved",
                "add a final update with 'status: resolved', or remove 'resolved' if it is still open",
                at=("resolved",),
            )
        resolving = last_index if last_status is UpdateStatus.RESOLVED else None
        if resolved is not None and resolving is not None:
            self.check_resolution_time(resolved, resolving)
        if resolved is not None:
            if start is not None and resolved < start:
                self.report(
                    "SB206",
                    f"resolved {format_timestamp(resolved)} is before the start {format_timestamp(start)}",
                    "check both times and their zones",
                    at=("resolved",),
                )
            for index, update in enumerate(self.updates):
                at = update.get("at")
                # The resolving update may be posted after recovery; SB311 judges it.
                if at is not None and at > resolved and index != resolving:
                    self.report(
                        "SB303",
                        f"update {index + 1} ({format_timestamp(at)}) is after the resolution "
                        f"({format_timestamp(resolved)})",
                        "set 'resolved' to the time of the resolving update, or to reopen the incident remove "
                        "'resolved' and post a new update",
                        at=("updates", index, "at"),
                    )

    def check_resolution_time(self, resolved: datetime, resolving: int) -> None:
        """``resolved`` is when service recovered; the resolving update is when customers
        were told. Recovery may come first (fixed at 12:00, posted at 12:03) but never
        after: impact counted past the post that said it was over contradicts the page."""
        announced = self.updates[resolving].get("at")
        if announced is None or resolved <= announced:
            return
        self.report(
            "SB311",
            f"resolved {format_timestamp(resolved)} is after the resolving update "
            f"({format_timestamp(announced)}), which already told customers it was over",
            f"set 'resolved' to when service recovered, at or before {format_timestamp(announced)}; "
            "if it failed again after that update, reopen the incident with a new update",
            at=("resolved",),
        )

    def check_maintenance(self) -> None:
        start, end = self.data.get("scheduled_start"), self.data.get("scheduled_end")
        if start is not None and end is not None and end <= start:
            self.report(
                "SB206",
                f"scheduled_end {format_timestamp(end)} is not after scheduled_start {format_timestamp(start)}",
                "check both times and their zones",
                at=("scheduled_end",),
            )
        started, completed = self.data.get("started"), self.data.get("completed")
        actual_start = started or start
        if completed is not None and actual_start is not None and completed < actual_start:
            self.report(
                "SB206",
                f"completed {format_timestamp(completed)} is before the start {format_timestamp(actual_start)}",
                "check both times and their zones",
                at=("completed",),
            )
        state = self.data.get("state")
        last_status, last_index = self.lifecycle()
        if completed is None and (
            state is MaintenanceState.COMPLETED or last_status is UpdateStatus.COMPLETED
        ):
            where = (
                ("state",)
                if state is MaintenanceState.COMPLETED
                else ("updates", last_index, "status")
            )
            self.report(
                "SB307",
                "the maintenance is marked completed but has no 'completed' time",
                "add 'completed:' with the time the work actually finished",
                at=where,
            )
        if last_status is UpdateStatus.CANCELLED and state is not MaintenanceState.CANCELLED:
            self.report(
                "SB307",
                "the last update cancels the maintenance but 'state: cancelled' is not set",
                "add 'state: cancelled' so the window is not shown or counted",
                at=("updates", last_index, "status"),
            )

    def check_audiences(self) -> None:
        """Internal text must not change what the public page says happened: an internal
        update sets no status and closes nothing, or readers would see statuses change (or
        a record end) with no update saying so. A record hidden from the public page that
        impairs components, or a public one with no public update, is most likely a slip."""
        for index, update in enumerate(self.updates):
            if update.get("visibility") is not Visibility.INTERNAL:
                continue
            if update.get("components"):
                self.report(
                    "SB813",
                    f"internal update {index + 1} sets component statuses",
                    "set statuses in a public update (readers see every status change with "
                    "the update that made it), or remove 'components' from this one",
                    at=("updates", index, "components"),
                    key=True,
                )
            status = update.get("status")
            if status in (UpdateStatus.RESOLVED, UpdateStatus.COMPLETED, UpdateStatus.CANCELLED):
                self.report(
                    "SB813",
                    f"internal update {index + 1} is {status.value}: the public page would "
                    "end the record without saying so",
                    "make the closing update public (remove 'visibility: internal')",
                    at=("updates", index, "status"),
                )
        internal = self.data.get("visibility") is Visibility.INTERNAL
        if internal and self._impairs_components():
            self.report(
                "SB814",
                "this internal record impairs components, but the public page and its uptime "
                "will not show it",
                "if customers were affected, make the record public (remove 'visibility: "
                "internal'); otherwise remove its component statuses",
                at=("visibility",),
            )
        if (
            not internal
            and self.updates
            and all(u.get("visibility") is Visibility.INTERNAL for u in self.updates)
        ):
            self.report(
                "SB815",
                "every update is internal, so the public page does not show this record",
                "make at least the first update public, or mark the record 'visibility: internal'",
                at=("updates",),
                key=True,
            )

    def _impairs_components(self) -> bool:
        statuses = [*self.data.get("components", {}).values()]
        statuses += [s for u in self.updates for s in u.get("components", {}).values()]
        return any(status is not ComponentStatus.OPERATIONAL for status in statuses)

    def check_problem_link(self) -> None:
        problem = self.data.get("problem")
        if problem is None or problem in self.links.problems:
            return
        hint = suggest(problem, sorted(self.links.problems))
        self.report(
            "SB803",
            f"problem {problem!r} has no record in {self.catalog.problems_dir.name}/",
            hint or "create it with statusbook problem new, or correct the id",
            at=("problem",),
        )

    def lifecycle(self) -> tuple[UpdateStatus | None, int]:
        for index in range(len(self.updates) - 1, -1, -1):
            status = self.updates[index].get("status")
            if status is not UpdateStatus.UPDATE:
                return status, index
        return None, -1

    # --- the model -----------------------------------------------------------------------

    def build(self, kind: Kind) -> Incident:
        data = self.data
        updates = tuple(
            Update(
                at=item["at"],
                status=item["status"],
                message=item["message"],
                author=item.get("author"),
                components=item.get("components", {}),
                visibility=item.get("visibility", Visibility.PUBLIC),
            )
            for item in self.updates
        )
        maintenance = None
        if self.is_maintenance:
            maintenance = MaintenanceWindow(
                scheduled_start=data["scheduled_start"],
                scheduled_end=data["scheduled_end"],
                started=data.get("started"),
                completed=data.get("completed"),
                state=data.get("state"),
            )
            started = maintenance.started or maintenance.scheduled_start
        else:
            started = data.get("started") or updates[0].at
        return Incident(
            id=self.source.record_id,
            title=data["title"],
            kind=kind,
            impact=data.get("impact", Impact.NONE),
            started=started,
            components=data.get("components", {}),
            updates=updates,
            resolved=data.get("resolved"),
            manager=data.get("manager"),
            postmortem=_postmortem(data.get("postmortem")),
            corrections=tuple(
                Correction(at=item["at"], note=item["note"]) for item in data.get("corrections", [])
            ),
            maintenance=maintenance,
            body=self.source.body,
            path=self.source.path,
            visibility=data.get("visibility", Visibility.PUBLIC),
            problem=data.get("problem"),
            notes=build_notes(data.get("notes", [])),
        )


def stale_incidents(
    open_incidents: Iterable[tuple[Incident, datetime]], now: datetime, after: timedelta
) -> list[Problem]:
    """SB310 for each open incident whose customers have had no news for longer than ``after``.

    Which incidents are open, and when readers last heard of each, is the snapshot's to say
    (:func:`statusbook.derive.snapshot.derive`, which this stage does not import): the
    caller passes each open incident, as known at ``now``, with its latest post's time.
    """
    problems = []
    for incident, latest in open_incidents:
        if now - latest <= after or incident.path is None or not incident.updates:
            continue
        source = read_source(incident.path)
        problems.append(
            source.problem(
                "SB310",
                f"the incident is open and customers have had no news for {_span(now - latest)} "
                f"(latest update {format_timestamp(latest)})",
                f"post an update, even to say work continues (statusbook update {incident.id} "
                "-m '…'), or resolve it; reminders.stale_after in the catalog sets how long "
                f"is too long (now {_span(after)})",
                at=("updates", len(incident.updates) - 1, "at"),
            )
        )
    return problems


def _span(delta: timedelta) -> str:
    """``3 h 05 min``, ``2 d 4 h``, ``45 min``: how long, for a person."""
    minutes = int(delta.total_seconds()) // 60
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {minutes:02d} min" if minutes else f"{hours} h"
    return f"{minutes} min"


_MARKUP_FIX = "write plain Markdown; links must be http(s) or mailto, and images are not shown"


def _markup_message(found: list[str]) -> str:
    return "the page will remove " + ", ".join(found) + " from this text"


def _postmortem(data: dict[str, Any] | None) -> Postmortem | None:
    if data is None:
        return None
    return Postmortem(
        summary=data["summary"],
        root_cause=data["root_cause"],
        action_items=tuple(
            ActionItem(
                title=item["title"],
                owner=item["owner"],
                status=item.get("status", ActionStatus.OPEN),
                due=item.get("due"),
                link=item.get("link"),
            )
            for item in data.get("action_items", [])
        ),
        published=data.get("published"),
    )
