"""History: one page per quarter keeps every page small however long the history."""

from __future__ import annotations

from collections.abc import Mapping

from statusbook.derive.snapshot import Snapshot
from statusbook.render.pages.labels import Labels
from statusbook.render.pages.views import HistoryPage, IncidentSummary, MonthGroup
from statusbook.render.urls import history_url

Month = tuple[int, int]


def history_pages(
    snapshot: Snapshot, labels: Labels, summaries: Mapping[str, IncidentSummary]
) -> list[HistoryPage]:
    """Every quarter from the first record's to the current one, newest first, linked.

    After the current quarter only quarters holding a record (upcoming maintenance) get a
    page, so the number of pages is bounded by the records' real span: one window
    scheduled decades ahead adds one page, not a page for every empty quarter before it.
    """
    by_month: dict[Month, list[IncidentSummary]] = {}
    for state in snapshot.records:
        local = labels.t.local(state.record.started)
        by_month.setdefault((local.year, local.month), []).append(summaries[state.id])
    local_now = labels.t.local(snapshot.now)
    current = (local_now.year, local_now.month)
    first = min(min(by_month, default=current), current)
    quarters = _quarters(first, current)
    quarters[:0] = sorted(
        {_quarter_of(month) for month in by_month if month > current}, reverse=True
    )
    quarters = list(dict.fromkeys(quarters))
    pages = [
        _quarter(labels, year, quarter, first, current, by_month) for year, quarter in quarters
    ]
    return [
        _linked(
            page,
            pages[index - 1] if index else None,
            pages[index + 1] if index + 1 < len(pages) else None,
        )
        for index, page in enumerate(pages)
    ]


def _quarter_of(month: Month) -> tuple[int, int]:
    return month[0], (month[1] - 1) // 3 + 1


def _quarters(first: Month, last: Month) -> list[tuple[int, int]]:
    """Every quarter from ``last``'s back to ``first``'s, newest first."""
    quarters = []
    year, quarter = _quarter_of(last)
    while (year, quarter) >= _quarter_of(first):
        quarters.append((year, quarter))
        year, quarter = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
    return quarters


def _quarter(
    labels: Labels,
    year: int,
    quarter: int,
    first: Month,
    current: Month,
    by_month: Mapping[Month, list[IncidentSummary]],
) -> HistoryPage:
    """One quarter's page: every month from the first record's to now (a quiet month says
    so), and a month still to come only when something is scheduled in it."""
    t = labels.t
    months = []
    for month in range(quarter * 3, quarter * 3 - 3, -1):
        if not (first <= (year, month) <= current or (year, month) in by_month):
            continue
        listed = sorted(
            by_month.get((year, month), []), key=lambda s: (s.sort_key, s.id), reverse=True
        )
        months.append(MonthGroup(f"{year:04d}-{month:02d}", t.month(year, month), tuple(listed)))
    key = f"{year:04d}-q{quarter}"
    return HistoryPage(
        key, f"{t('history.title')} · Q{quarter} {year}", history_url(key), tuple(months)
    )


def _linked(page: HistoryPage, newer: HistoryPage | None, older: HistoryPage | None) -> HistoryPage:
    return HistoryPage(
        page.key,
        page.title,
        page.url,
        page.months,
        (newer.title, newer.url) if newer else None,
        (older.title, older.url) if older else None,
    )
