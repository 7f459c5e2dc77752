"""Recurrence: how often each problem, and each component, keeps breaking — and which
unlinked incidents look like a known problem.

:func:`recurrence_report` answers "is this getting better?" per problem record and per
component, from one snapshot: the incidents, their downtime, MTBF, the last occurrence, a
count per calendar quarter (the site's zone) and the trend across those quarters.

* **Downtime** is the time under failure: each incident from ``started`` to its
  resolution (or ``now``), overlapping incidents counted once — the spans MTBF is
  measured between (:mod:`statusbook.derive.metrics`), not SLA-weighted uptime.
* **Trend** compares the later half of the quarters shown with the earlier half: more
  incidents is ``rising``, fewer ``falling``, as many ``steady`` (``none``: no incidents).

:func:`suggest_links` ranks incidents that no problem claims by how much they resemble
each problem, within a period of the problem's own incidents: the words of their titles,
updates and postmortems (TF-IDF cosine over every incident, so words every incident uses
count for little), weighed up by the components they share — ``cosine × (1 + Jaccard) / 2``.
Words lead because they describe the cause; a shared component alone (two unrelated
database incidents) is no likeness, and the same words on another component still are. A
person confirms a suggestion with ``statusbook problem link``; nothing is linked
automatically.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from statusbook.derive.lifecycle import ProblemState, RecordState
from statusbook.derive.metrics import operating_gaps
from statusbook.derive.snapshot import Snapshot
from statusbook.derive.uptime import Period, quarter_period
from statusbook.model import Incident, ProblemRecord, ProblemStatus

#: Quarters the report shows, the current one last.
QUARTERS = 4


class Trend(StrEnum):
    RISING = "rising"
    FALLING = "falling"
    STEADY = "steady"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class Recurrence:
    """The recurrence figures of one problem or one component."""

    key: str
    title: str
    #: Unplanned incidents, oldest first.
    incidents: tuple[str, ...]
    #: How many of them are linked to a problem record (all, for a problem).
    linked: int
    downtime: timedelta
    mtbf: timedelta | None
    last: datetime | None
    last_incident: str | None
    #: Incidents that started in each of the report's quarters.
    per_quarter: tuple[int, ...]
    trend: Trend
    #: A problem's status at ``now``; ``None`` for a component.
    status: ProblemStatus | None = None

    @property
    def count(self) -> int:
        return len(self.incidents)


@dataclass(frozen=True, slots=True)
class RecurrenceReport:
    now: datetime
    #: Oldest first; the last one is the current quarter (still running).
    quarters: tuple[Period, ...]
    problems: tuple[Recurrence, ...]
    components: tuple[Recurrence, ...]


def recurrence_report(snapshot: Snapshot, quarters: int = QUARTERS) -> RecurrenceReport:
    periods = _quarters(snapshot, quarters)
    problems = tuple(
        _recurrence(
            problem.id,
            problem.record.title,
            [s.record for s in problem.incidents if not s.is_maintenance],
            snapshot,
            periods,
            problem.status,
        )
        for problem in snapshot.problems
    )
    unplanned = [s.record for s in snapshot.records if not s.is_maintenance]
    components = tuple(
        _recurrence(
            component.id,
            component.name,
            [i for i in unplanned if component.id in i.affected_components],
            snapshot,
            periods,
        )
        for component in snapshot.catalog.components
    )
    return RecurrenceReport(snapshot.now, periods, problems, components)


def _quarters(snapshot: Snapshot, count: int) -> tuple[Period, ...]:
    zone = snapshot.catalog.site.time_zone
    local = snapshot.catalog.today(snapshot.now)
    year, quarter = local.year, (local.month - 1) // 3 + 1
    periods = []
    for _ in range(count):
        periods.append(quarter_period(year, quarter, zone))
        year, quarter = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
    return tuple(reversed(periods))


def _recurrence(
    key: str,
    title: str,
    incidents: list[Incident],
    snapshot: Snapshot,
    periods: Sequence[Period],
    status: ProblemStatus | None = None,
) -> Recurrence:
    now = snapshot.now
    incidents = sorted(incidents, key=lambda i: (i.started, i.id))
    gaps = operating_gaps(incidents, now)
    last = incidents[-1] if incidents else None
    per_quarter = tuple(
        sum(1 for i in incidents if period.start <= i.started < period.end) for period in periods
    )
    return Recurrence(
        key=key,
        title=title,
        incidents=tuple(i.id for i in incidents),
        linked=sum(1 for i in incidents if i.id in snapshot.problem_of),
        downtime=failure_time(incidents, now),
        mtbf=sum(gaps, timedelta(0)) / len(gaps) if gaps else None,
        last=last.started if last else None,
        last_incident=last.id if last else None,
        per_quarter=per_quarter,
        trend=trend(per_quarter),
        status=status,
    )


def failure_time(incidents: Iterable[Incident], now: datetime) -> timedelta:
    """Time under failure: every incident's span, overlapping ones merged."""
    total = timedelta(0)
    merged: tuple[datetime, datetime] | None = None
    for began, ended in sorted(_span(i, now) for i in incidents):
        if merged is not None and began <= merged[1]:
            merged = (merged[0], max(merged[1], ended))
            continue
        if merged is not None:
            total += merged[1] - merged[0]
        merged = (began, ended)
    return total + (merged[1] - merged[0] if merged else timedelta(0))


def _span(incident: Incident, now: datetime) -> tuple[datetime, datetime]:
    end = now if incident.resolved is None else min(incident.resolved, now)
    return incident.started, max(incident.started, end)


def trend(per_quarter: Sequence[int]) -> Trend:
    """The later half of the quarters against the earlier half (the middle one, of an odd
    number, belongs to neither)."""
    if not any(per_quarter):
        return Trend.NONE
    half = len(per_quarter) // 2
    earlier, later = sum(per_quarter[:half]), sum(per_quarter[len(per_quarter) - half :])
    if later > earlier:
        return Trend.RISING
    if later < earlier:
        return Trend.FALLING
    return Trend.STEADY


# --- suggestions -----------------------------------------------------------------------------

#: How far from a problem's own incidents (or its opening) a look-alike may lie.
WITHIN = timedelta(days=365)
#: Suggestions scoring below this are not shown.
MINIMUM_SCORE = 0.2
_STOP_WORDS = """
    a about after again all also an and any are as at back be been before being but by can
    could customers did do does during each for from had has have having if in into is it
    its more most no not now of on once one only or other our out over some such than that
    the their them then there these they this those through to too under until up very was
    we were what when where which while who will with would you your
    affected continue continuing fixed identified impact incident investigating issue issues
    monitoring normal resolved resolution restored some still update updates working
    between same utc minute minutes hour hours today work works
"""
#: Words that say nothing about a cause: status-page boilerplate and function words.
STOP_WORDS = frozenset(_STOP_WORDS.split())
_WORD = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*")


@dataclass(frozen=True, slots=True)
class Suggestion:
    """An unlinked incident that looks like ``problem_id``'s: why, and how strongly."""

    problem_id: str
    incident_id: str
    #: 0 to 1: the word similarity, weighed up by the components shared.
    score: float
    shared_components: tuple[str, ...]
    #: The words that weigh most in the likeness, most telling first.
    shared_terms: tuple[str, ...]
    #: Days to the nearest of the problem's incidents (or its opening).
    days_apart: int


def terms(text: str) -> Counter[str]:
    """Words of ``text`` that can tell one cause from another (lowercase, no stop words,
    a plural ``s`` dropped so "timeouts" meets "timeout")."""
    words = Counter[str]()
    for word in _WORD.findall(text.lower()):
        if len(word) < 3 or word in STOP_WORDS or word.isdigit():
            continue
        if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        words[word] += 1
    return words


def incident_text(incident: Incident) -> str:
    """What an incident says about itself: its title (twice: it is the summary), updates
    and postmortem."""
    parts = [incident.title, incident.title, *(u.message for u in incident.updates)]
    if incident.postmortem is not None:
        parts += [incident.postmortem.summary, incident.postmortem.root_cause]
    return "\n".join(parts)


def problem_text(problem: ProblemRecord) -> str:
    parts = [problem.title, problem.title, problem.summary, problem.root_cause, problem.workaround]
    return "\n".join(part for part in parts if part)


def suggest_links(
    snapshot: Snapshot,
    *,
    within: timedelta = WITHIN,
    minimum: float = MINIMUM_SCORE,
    per_problem: int = 5,
) -> list[Suggestion]:
    """Unlinked incidents ranked by likeness to each problem, best first."""
    unplanned = [s for s in snapshot.records if not s.is_maintenance]
    documents = {s.id: terms(incident_text(s.record)) for s in unplanned}
    idf = _idf(documents.values())
    candidates = [s for s in unplanned if s.id not in snapshot.problem_of]
    found: list[Suggestion] = []
    for problem in snapshot.problems:
        ranked = sorted(
            _suggestions(problem, candidates, documents, idf, within, minimum),
            key=lambda s: (-s.score, s.days_apart, s.incident_id),
        )
        found += ranked[:per_problem]
    found.sort(key=lambda s: (-s.score, s.problem_id, s.incident_id))
    return found


def _suggestions(
    problem: ProblemState,
    candidates: Sequence[RecordState],
    documents: Mapping[str, Counter[str]],
    idf: Mapping[str, float],
    within: timedelta,
    minimum: float,
) -> Iterable[Suggestion]:
    record = problem.record
    components = set(record.components)
    profile = terms(problem_text(record))
    for state in problem.incidents:
        components.update(state.record.affected_components)
        profile.update(documents.get(state.id, Counter()))
    anchors = [record.opened, *(state.record.started for state in problem.incidents)]
    weights = _weights(profile, idf)
    for state in candidates:
        apart = min(abs(state.record.started - anchor) for anchor in anchors)
        if apart > within:
            continue
        theirs = set(state.record.affected_components)
        shared = components & theirs
        union = components | theirs
        jaccard = len(shared) / len(union) if union else 0.0
        other = _weights(documents[state.id], idf)
        cosine = _cosine(weights, other)
        score = cosine * (1 + jaccard) / 2
        if score < minimum:
            continue
        telling = sorted(set(weights) & set(other), key=lambda t: (-weights[t] * other[t], t))
        yield Suggestion(
            record.id,
            state.id,
            round(score, 3),
            tuple(sorted(shared)),
            tuple(telling[:5]),
            apart.days,
        )


def _idf(documents: Iterable[Counter[str]]) -> dict[str, float]:
    listed = list(documents)
    seen = Counter[str]()
    for document in listed:
        seen.update(set(document))
    total = len(listed)
    return {term: math.log((1 + total) / (1 + count)) + 1 for term, count in seen.items()}


def _weights(document: Counter[str], idf: Mapping[str, float]) -> dict[str, float]:
    default = max(idf.values(), default=1.0)
    return {term: count * idf.get(term, default) for term, count in document.items()}


def _cosine(first: Mapping[str, float], second: Mapping[str, float]) -> float:
    dot = sum(weight * second[term] for term, weight in first.items() if term in second)
    norms = math.sqrt(sum(w * w for w in first.values())) * math.sqrt(
        sum(w * w for w in second.values())
    )
    return dot / norms if norms else 0.0
