"""Page data for the status site, read from one snapshot (see :mod:`.views` for the shapes).

:func:`build_views` is the entry point: the home page (:mod:`.home`), one page per record
(:mod:`.records`), history by quarter (:mod:`.history`), the uptime page and a page per
component (:mod:`.components`); the Known issues page and a page per problem record
(:mod:`.problems`); and on the internal site the action items and metrics (:mod:`.metrics`).
"""

from __future__ import annotations

from statusbook.derive.snapshot import Snapshot
from statusbook.model import Audience
from statusbook.render.pages.components import ComponentViews
from statusbook.render.pages.history import history_pages
from statusbook.render.pages.home import home_page
from statusbook.render.pages.labels import Labels
from statusbook.render.pages.metrics import metrics_page
from statusbook.render.pages.problems import ProblemViews, actions_page, problem_links
from statusbook.render.pages.records import RecordViews
from statusbook.render.pages.views import SiteViews


def build_views(
    snapshot: Snapshot,
    *,
    edit_root: str | None = None,
    record_paths: dict[str, str] | None = None,
) -> SiteViews:
    """Every page's data at the snapshot's instant, in the site's language."""
    # "Edit this record" is for operators: off on the public site unless the catalog's
    # site.edit_links turns it on.
    if not snapshot.catalog.site.edit_links:
        edit_root = None
    labels = Labels(snapshot.catalog)
    records = RecordViews(
        labels,
        edit_root=edit_root,
        paths=record_paths or {},
        problems=problem_links(snapshot, labels),
        now=snapshot.now,
    )
    components = ComponentViews(snapshot, labels)
    summaries = {state.id: records.summary(state) for state in snapshot.records}
    problems = ProblemViews(
        snapshot, labels, records, summaries, edit_root=edit_root, paths=record_paths
    )
    internal = snapshot.audience is Audience.INTERNAL
    return SiteViews(
        home=home_page(snapshot, labels, components.rows, summaries),
        incidents={
            state.id: records.page(state, summaries[state.id]) for state in snapshot.records
        },
        history=history_pages(snapshot, labels, summaries),
        uptime=components.uptime_page(),
        components=components.pages(summaries),
        records=dict(snapshot.by_id),
        known_issues=problems.known_issues(),
        problems=problems.pages(),
        actions=actions_page(snapshot, labels, records) if internal else None,
        metrics=metrics_page(snapshot, labels) if internal else None,
        audience=snapshot.audience.value,
        problem_bodies={state.id: state.record.body for state in snapshot.problems},
    )
