"""The one URL scheme: where every page and published file lives, relative and absolute.

Pages link to each other relatively (the site works under any sub-path); feeds, calendars
and the API need absolute links made from ``site.url``. Both come from here, so a page's
address is spelled once.
"""

from __future__ import annotations

from statusbook.model import Catalog

#: Where the Statuspage-compatible documents live.
API_ROOT = "api/v2/"


def incident_url(incident_id: str) -> str:
    return f"incidents/{incident_id}/"


def component_url(component_id: str) -> str:
    return f"components/{component_id}/"


def history_url(key: str) -> str:
    return f"history/{key}/"


def known_issues_url() -> str:
    return "known-issues/"


def problem_url(problem_id: str) -> str:
    """``problems/prb-0001/``: lowercase like every other address of the site."""
    return f"problems/{problem_id.lower()}/"


def actions_url() -> str:
    """The internal site's list of every action item."""
    return "actions/"


def metrics_url() -> str:
    """The internal site's metrics page."""
    return "metrics/"


def site_base(catalog: Catalog) -> str | None:
    """``site.url`` with exactly one trailing slash; ``None`` when the catalog has none."""
    url = (catalog.site.url or "").strip()
    return url.rstrip("/") + "/" if url else None


def absolute(base: str, path: str) -> str:
    """A site-relative path (``incidents/x/``) made absolute against ``base``."""
    return base + path.lstrip("/")


def incident_link(base: str, incident_id: str) -> str:
    return absolute(base, incident_url(incident_id))


def _folder(component_id: str | None) -> str:
    return "" if component_id is None else component_url(component_id)


def feed_path(component_id: str | None, kind: str) -> str:
    """Where a published file of ``kind`` lives, for the site or one component."""
    names = {
        "rss": "history.rss",
        "atom": "history.atom",
        "updates-rss": "updates.rss",
        "updates-atom": "updates.atom",
        "calendar": "maintenance.ics",
        "badge": "badge.svg",
        "badge-endpoint": "badge.json",
    }
    return _folder(component_id) + names[kind]
