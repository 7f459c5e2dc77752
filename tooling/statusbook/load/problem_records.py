"""Problem records (``problems/PRB-0001-slug.md``): read, checked and linked to incidents.

A problem record names the root cause behind one or more incidents, with the same
discipline as an incident record: front matter checked field by field (problems with
file:line:column, a code and a fix), a JSON Schema (:data:`statusbook.load.schema.PROBLEM`),
and rules that need several fields — the status against its times, the times in order, a
resolved problem with nothing left open.

The link between an incident and its problem may be written on either side: the problem's
``incidents:`` list, or the incident's ``problem:``. :func:`check_links` holds the two
sides to each other — every id names a record, an incident has one problem, a problem
explains incidents and not planned maintenance, and an incident that started after its
problem was resolved is said to have recurred. :func:`validate_repository` checks a whole
status repository, records and problems and the links between them, as ``statusbook
validate`` and the site build do.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

from statusbook.load.items import (
    PROBLEM_FILE_NAME,
    build_action_items,
    build_notes,
    check_action_items,
    check_notes,
    problem_id_of,
)
from statusbook.load.records import KeyPath, Source, discover, parse_source, read_source
from statusbook.load.rules import FUTURE_TOLERANCE, Validation, validate_paths
from statusbook.load.schema import PROBLEM, suggest
from statusbook.markup import unsafe_markup
from statusbook.model import (
    Catalog,
    Incident,
    Kind,
    ProblemRecord,
    ProblemStatus,
    Visibility,
)
from statusbook.problems import Problem
from statusbook.timeutil import TimestampError, format_timestamp, parse_timestamp

_FILE_NAME_FIX = "name it problems/PRB-NNNN-short-slug.md, e.g. PRB-0001-gateway-config-rollouts.md"
_MARKUP_FIX = "write plain Markdown; links must be http(s) or mailto, and images are not shown"


# --- one problem record ------------------------------------------------------------------------


def check_problem(
    source: Source, catalog: Catalog, now: datetime, *, fail_overdue: bool = False
) -> ProblemRecord | None:
    """Apply every rule of one problem file; the record when it has no errors."""
    problem_id = problem_id_of(source.path.name)
    if problem_id is None:
        source.report(
            "SB801",
            f"file name {source.path.name!r} does not follow the convention",
            _FILE_NAME_FIX,
        )
    if not source.parsed:
        return None
    data = PROBLEM.check(source.data, (), source)
    if not isinstance(data, dict):
        return None
    _ProblemRules(source, catalog, now, data, fail_overdue).run()
    if problem_id is None or any(problem.is_error for problem in source.problems):
        return None
    return _build(problem_id, data, source)


class _ProblemRules:
    def __init__(
        self,
        source: Source,
        catalog: Catalog,
        now: datetime,
        data: dict[str, Any],
        fail_overdue: bool,
    ) -> None:
        self.source = source
        self.catalog = catalog
        self.now = now
        self.data = data
        self.fail_overdue = fail_overdue

    def report(self, code: str, message: str, fix: str = "", at: KeyPath = ()) -> None:
        self.source.report(code, message, fix, at=at)

    def run(self) -> None:
        self.check_future()
        self.check_status()
        self.check_order()
        self.check_components()
        self.check_markup()
        check_notes(self.source, self.data.get("notes", []), self.now + FUTURE_TOLERANCE)
        items = self.data.get("action_items", [])
        if self.data.get("status") is ProblemStatus.RESOLVED:
            self.check_nothing_left_open(items)
        else:
            today = self.catalog.today(self.now)
            check_action_items(self.source, items, ("action_items",), today, self.fail_overdue)

    def check_future(self) -> None:
        limit = self.now + FUTURE_TOLERANCE
        for key in ("opened", "identified", "resolved"):
            value = self.data.get(key)
            if value is not None and value > limit:
                self.report(
                    "SB203",
                    f"'{key}' {format_timestamp(value)} is in the future (now is {format_timestamp(self.now)})",
                    "check the date, the time and the zone",
                    at=(key,),
                )

    def check_status(self) -> None:
        """The written status and the times say the same: known_error from ``identified``,
        resolved from ``resolved``."""
        status = self.data.get("status")
        identified, resolved = self.data.get("identified"), self.data.get("resolved")
        now = format_timestamp(self.now)
        if status is ProblemStatus.INVESTIGATING and (identified or resolved):
            key = "identified" if identified else "resolved"
            self.report(
                "SB806",
                f"the status is investigating, but '{key}' is set",
                f"set 'status: {'known_error' if key == 'identified' else 'resolved'}', or remove '{key}'",
                at=("status",),
            )
        elif status is ProblemStatus.KNOWN_ERROR and identified is None:
            self.report(
                "SB806",
                "a known error has a root cause, but 'identified' (when it was found) is not set",
                f"add 'identified: {now}' with the time the root cause was found",
                at=("status",),
            )
        elif status is ProblemStatus.KNOWN_ERROR and resolved is not None:
            self.report(
                "SB806",
                "the status is known_error, but 'resolved' is set",
                "set 'status: resolved', or remove 'resolved' if the problem is back",
                at=("status",),
            )
        elif status is ProblemStatus.RESOLVED and resolved is None:
            self.report(
                "SB806",
                "the problem is resolved, but 'resolved' (when the fix landed) is not set",
                f"add 'resolved: {now}' with the time the fix removed the root cause",
                at=("status",),
            )
        if status is ProblemStatus.KNOWN_ERROR and not self.data.get("workaround"):
            self.report(
                "SB810",
                "this known error has no workaround for customers",
                "add 'workaround:' saying what customers can do meanwhile (or that there is none)",
                at=("status",),
            )

    def check_order(self) -> None:
        opened = self.data.get("opened")
        identified, resolved = self.data.get("identified"), self.data.get("resolved")
        pairs: list[tuple[str, datetime | None, str, datetime | None]] = [
            ("identified", identified, "opened", opened),
            ("resolved", resolved, "opened", opened),
            ("resolved", resolved, "identified", identified),
        ]
        for later, late, earlier, early in pairs:
            if late is not None and early is not None and late < early:
                self.report(
                    "SB807",
                    f"'{later}' {format_timestamp(late)} is before '{earlier}' {format_timestamp(early)}",
                    "check both times and their zones",
                    at=(later,),
                )

    def check_components(self) -> None:
        known = self.catalog.component_ids
        for index, component in enumerate(self.data.get("components", [])):
            if component not in known:
                self.report(
                    "SB301",
                    f"component {component!r} is not in the catalog",
                    suggest(component, known) or f"use one of: {', '.join(known)}",
                    at=("components", index),
                )

    def check_markup(self) -> None:
        texts: list[tuple[KeyPath, Any]] = [
            ((key,), self.data.get(key)) for key in ("summary", "workaround", "root_cause")
        ]
        for at, text in texts:
            found = unsafe_markup(text) if text else []
            if found:
                self.report(
                    "SB601",
                    "the page will remove " + ", ".join(found) + " from this text",
                    _MARKUP_FIX,
                    at=at,
                )
        found = unsafe_markup(self.source.body)
        if found:
            self.source.problems.append(
                Problem(
                    self.source.path,
                    self.source.body_line,
                    1,
                    "SB601",
                    "the page will remove " + ", ".join(found) + " from this text",
                    _MARKUP_FIX,
                )
            )

    def check_nothing_left_open(self, items: Sequence[dict[str, Any]]) -> None:
        for index, item in enumerate(items):
            status = item.get("status")
            if status is None or getattr(status, "is_open", False):
                title = item.get("title", "")
                self.report(
                    "SB808",
                    f"the problem is resolved, but action item {index + 1} ({title!r}) is "
                    f"still {getattr(status, 'value', 'open')}",
                    "close it ('status: done', or 'cancelled' saying why), or keep the problem "
                    "open until it is done",
                    at=("action_items", index, "status")
                    if "status" in item
                    else ("action_items", index),
                )


def _build(problem_id: str, data: dict[str, Any], source: Source) -> ProblemRecord:
    return ProblemRecord(
        id=problem_id,
        title=data["title"],
        status=data["status"],
        opened=data["opened"],
        identified=data.get("identified"),
        resolved=data.get("resolved"),
        summary=data.get("summary"),
        workaround=data.get("workaround"),
        root_cause=data.get("root_cause"),
        owner=data.get("owner"),
        incidents=tuple(dict.fromkeys(data.get("incidents", []))),
        components=tuple(dict.fromkeys(data.get("components", []))),
        action_items=build_action_items(data.get("action_items", [])),
        notes=build_notes(data.get("notes", [])),
        visibility=data.get("visibility", Visibility.PUBLIC),
        body=source.body,
        path=source.path,
    )


# --- links between incidents and problems ------------------------------------------------------


class LinkTarget(NamedTuple):
    """What the link rules need of an incident record: enough to read without validating it."""

    id: str
    #: When impact began; ``None`` when it cannot be read.
    started: datetime | None = None
    is_maintenance: bool = False
    #: The problem the incident names itself (``problem:``).
    problem: str | None = None
    path: Path | None = None


def target_of(incident: Incident) -> LinkTarget:
    return LinkTarget(
        incident.id, incident.started, incident.is_maintenance, incident.problem, incident.path
    )


def link_targets(catalog: Catalog) -> dict[str, LinkTarget]:
    """Every incident record, read leniently (an edit to a problem checks its links
    against these without validating every record)."""
    folder = catalog.records_dir
    targets: dict[str, LinkTarget] = {}
    for path in discover([folder]) if folder.is_dir() else []:
        try:
            data = parse_source(path, path.read_bytes()).data
        except OSError:
            data = None
        targets.setdefault(path.stem, _lenient_target(path, data))
    return targets


def _lenient_target(path: Path, data: Any) -> LinkTarget:
    if not isinstance(data, dict):
        return LinkTarget(path.stem, path=path)
    updates = data.get("updates")
    first = (
        updates[0].get("at")
        if isinstance(updates, list) and updates and isinstance(updates[0], dict)
        else None
    )
    problem = data.get("problem")
    return LinkTarget(
        path.stem,
        _instant(data.get("started")) or _instant(first),
        data.get("kind") == Kind.MAINTENANCE.value,
        problem if isinstance(problem, str) else None,
        path,
    )


def _instant(value: Any) -> datetime | None:
    try:
        return parse_timestamp(value) if isinstance(value, str) else None
    except TimestampError:
        return None


def check_links(
    problems: Sequence[tuple[ProblemRecord, Source]],
    targets: Mapping[str, LinkTarget],
) -> list[Problem]:
    """Findings on either side of every link, in problem order (the first link wins).

    Findings on a problem record land on its source; those on an incident's ``problem:``
    are returned (the incident's file is read again only then, for the position).
    """
    owners = {t.id: t.problem for t in targets.values() if t.problem is not None}
    listed: dict[str, str] = {}
    by_id = {problem.id: problem for problem, _ in problems}
    for problem, source in sorted(problems, key=lambda pair: pair[0].id):
        for index, incident_id in enumerate(problem.incidents):
            _check_listed(problem, source, index, incident_id, targets, owners, listed)
    found: list[Problem] = []
    for target in targets.values():
        named = by_id.get(target.problem or "")
        if named is None or target.id in named.incidents or target.path is None:
            continue
        if _recurred(named, target):
            found.append(_recurrence(read_source(target.path), ("problem",), named, target))
    return found


def _check_listed(
    problem: ProblemRecord,
    source: Source,
    index: int,
    incident_id: str,
    targets: Mapping[str, LinkTarget],
    owners: Mapping[str, str],
    listed: dict[str, str],
) -> None:
    at: KeyPath = ("incidents", index)
    target = targets.get(incident_id)
    if target is None:
        hint = suggest(incident_id, targets)
        source.report(
            "SB804",
            f"incident {incident_id!r} has no record",
            hint
            or "write the incident's id (its file name without .md); statusbook problem link finds it for you",
            at=at,
        )
        return
    if target.is_maintenance:
        source.report(
            "SB816",
            f"{incident_id!r} is a maintenance record, not an incident",
            "remove it: planned work is not a symptom of a problem",
            at=at,
        )
        return
    owner = owners.get(incident_id) or listed.setdefault(incident_id, problem.id)
    if owner != problem.id:
        how = "names" if owners.get(incident_id) else "is listed by"
        source.report(
            "SB805",
            f"incident {incident_id!r} also {how} problem {owner}",
            "an incident has one root cause: keep the link on one problem (remove it here, "
            "or change the incident's 'problem:')",
            at=at,
        )
        return
    if _recurred(problem, target):
        source.problems.append(_recurrence(source, at, problem, target))


def _recurred(problem: ProblemRecord, target: LinkTarget) -> bool:
    return (
        problem.resolved is not None
        and target.started is not None
        and target.started > problem.resolved
    )


def _recurrence(source: Source, at: KeyPath, problem: ProblemRecord, target: LinkTarget) -> Problem:
    assert problem.resolved is not None and target.started is not None
    return source.problem(
        "SB809",
        f"incident {target.id!r} started {format_timestamp(target.started)}, after problem "
        f"{problem.id} was resolved ({format_timestamp(problem.resolved)}): it recurred",
        f"reopen {problem.id} (statusbook problem update {problem.id} --status known_error) "
        "or open a new problem for it",
        at=at,
    )


# --- a whole repository ----------------------------------------------------------------------


def is_problem_file(path: Path, catalog: Catalog) -> bool:
    """Whether ``path`` is a problem record: in the problems folder, or named like one."""
    if PROBLEM_FILE_NAME.match(path.name):
        return True
    try:
        path.resolve().relative_to(catalog.problems_dir)
    except ValueError:
        return False
    return True


def _about_problems(path: Path, catalog: Catalog) -> bool:
    """A path given to validate that names problem records: one, or the problems folder."""
    return is_problem_file(path, catalog) or path.resolve() == catalog.problems_dir


def problem_files(catalog: Catalog) -> list[Path]:
    folder = catalog.problems_dir
    return discover([folder]) if folder.is_dir() else []


def validate_repository(
    paths: Sequence[Path] | None,
    catalog: Catalog,
    now: datetime,
    *,
    fail_overdue: bool = False,
) -> Validation:
    """Records and problem records under ``paths`` (default: both folders), and the links.

    Links are always checked against every record and problem in the repository (a problem
    naming an incident that is not among ``paths`` still finds it); only findings in the
    files chosen are reported.
    """
    every_problem = problem_files(catalog)
    if paths:
        record_paths = [p for p in paths if not _about_problems(p, catalog)]
        wanted = {p.resolve() for p in discover([p for p in paths if _about_problems(p, catalog)])}
        result = (
            validate_paths(record_paths, catalog, now, fail_overdue=fail_overdue)
            if record_paths
            else Validation()
        )
    else:
        wanted = {p.resolve() for p in every_problem}
        result = validate_paths(None, catalog, now, fail_overdue=fail_overdue)
    known = {p.resolve() for p in every_problem}
    every_problem += sorted(p for p in wanted if p not in known)
    problems, sources = _check_problems(every_problem, catalog, now, fail_overdue)
    # Every record is a link target, errors or not; without PATHS the check read them all.
    records = result.paths if not paths else discover([catalog.records_dir])
    targets = {path.stem: LinkTarget(path.stem, path=path) for path in records}
    targets.update({incident.id: target_of(incident) for incident in result.incidents})
    link_findings = check_links(problems, targets)
    validated = {incident.id for incident in result.incidents}
    result.problems += [f for f in link_findings if f.path.stem in validated]
    for source in sources:
        if source.path.resolve() in wanted:
            result.files += 1
            result.problems += source.problems
    failed = {s.path for s in sources if any(p.is_error for p in s.problems)}
    result.problem_records = sorted(
        (
            problem
            for problem, source in problems
            if source.path.resolve() in wanted and source.path not in failed
        ),
        key=lambda problem: problem.id,
    )
    result.problems.sort(key=Problem.sort_key)
    return result


def _check_problems(
    paths: Iterable[Path], catalog: Catalog, now: datetime, fail_overdue: bool
) -> tuple[list[tuple[ProblemRecord, Source]], list[Source]]:
    """Each problem file checked; duplicate ids reported on every file after the first."""
    checked: list[tuple[ProblemRecord, Source]] = []
    sources: list[Source] = []
    first: dict[str, Path] = {}
    for path in paths:
        source = read_source(path)
        problem = check_problem(source, catalog, now, fail_overdue=fail_overdue)
        sources.append(source)
        problem_id = problem_id_of(path.name)
        if problem_id is not None and first.setdefault(problem_id, path) != path:
            source.report(
                "SB802",
                f"id {problem_id} is also used by {first[problem_id].name}",
                "give one of them the next free number: the id must be unique",
            )
            continue
        if problem is not None:
            checked.append((problem, source))
    return checked, sources


__all__ = [
    "LinkTarget",
    "check_links",
    "check_problem",
    "is_problem_file",
    "link_targets",
    "problem_files",
    "target_of",
    "validate_repository",
]


def recorded_after(catalog: Catalog, instant: datetime) -> Path | None:
    """A record (or problem record) holding a fact later than ``instant`` — one that
    checking at ``instant`` finds in the future (SB203) — or ``None``.

    A demonstration catalog is built at its ``demo.as_of``; once a team records a real
    incident (or resolves an example) in it, that instant is before their own records, and
    the demo is no longer only a demo (:mod:`statusbook.cli.site`)."""
    found = validate_repository(None, catalog, instant)
    return next((problem.path for problem in found.problems if problem.code == "SB203"), None)
