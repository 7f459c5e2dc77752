"""The MkDocs plugin: a thin adapter from the statusbook core to generated pages.

It reads the catalog and records through the core, stops the build with the same
messages as ``statusbook validate`` when they are broken, adds every page with
``File.generated`` and hands each page template its data from :mod:`statusbook.render.pages`,
built from one :class:`~statusbook.derive.snapshot.Snapshot` that the feeds, API and badges read too.
Everything else (figures, labels, sanitising) happens in the core.
"""

from __future__ import annotations

import html
import logging
import os
from pathlib import Path
from typing import Any, cast

from markupsafe import escape
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils.templates import TemplateContext

from statusbook.derive.snapshot import derive
from statusbook.i18n import Translator
from statusbook.io.terminal import Counter
from statusbook.load.catalog import SITE_URL_FIX, CatalogError, load_catalog
from statusbook.load.problem_records import validate_repository
from statusbook.markup import sanitize
from statusbook.mkdocs.background import OutputsError, StaticOutputs
from statusbook.mkdocs.theme import add_theme
from statusbook.model import Audience
from statusbook.render.outputs import calendar_scopes, feed_links, notes
from statusbook.render.pages import build_views
from statusbook.render.pages.views import SiteViews
from statusbook.render.problem_page import problem_page, refreshing
from statusbook.render.problem_report import render
from statusbook.render.urls import (
    actions_url,
    component_url,
    history_url,
    incident_url,
    known_issues_url,
    metrics_url,
    problem_url,
)
from statusbook.timeutil import TimestampError, resolve_now

log = logging.getLogger("mkdocs.plugins.statusbook")

TEMPLATES = {
    "home": "statusbook/home.html",
    "incident": "statusbook/incident.html",
    "history": "statusbook/history.html",
    "uptime": "statusbook/uptime.html",
    "component": "statusbook/component.html",
    "known-issues": "statusbook/known-issues.html",
    "problem": "statusbook/problem.html",
    "actions": "statusbook/actions.html",
    "metrics": "statusbook/metrics.html",
}
#: ``statusbook build --audience internal`` hands the audience to MkDocs through this.
AUDIENCE_VARIABLE = "STATUSBOOK_AUDIENCE"


class StatusbookConfig(base.Config):
    #: The catalog, relative to mkdocs.yml.
    catalog = c.Type(str, default="statusbook.yml")
    #: The instant to build at (ISO 8601); default SOURCE_DATE_EPOCH, else the clock.
    now = c.Optional(c.Type(str))
    #: ``public`` (the status page) or ``internal`` (the team's site: internal updates and
    #: notes, problem records, action items, metrics). Default: $STATUSBOOK_AUDIENCE, else public.
    audience = c.Optional(c.Choice([audience.value for audience in Audience]))


class StatusbookPlugin(BasePlugin[StatusbookConfig]):
    """Generates the status site from ``statusbook.yml`` and ``incidents/``."""

    #: The MkDocs command running: a site without ``site.url`` may be previewed, not built.
    command = "build"
    #: The ``mkdocs serve`` server once it exists, to add watches a later rebuild learns of.
    server: Any = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Having on_startup keeps this instance across `mkdocs serve` rebuilds: what one
        # build sets, the next must reset (on_config does).
        self.command = command
        self.server = None

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        add_theme(config)
        #: While the sources are broken in ``serve``: the page listing why, shown instead.
        self.failure: str | None = None
        root = Path(config.config_file_path or ".").resolve().parent
        self.catalog_path = root / self.config.catalog
        try:
            self.catalog = load_catalog(self.catalog_path)
            self.now = resolve_now(self.config.now)
        except CatalogError as error:
            return self._broken(
                config,
                "statusbook: the catalog is invalid\n" + render(error.problems, 0, "text"),
                problem_page("the catalog is invalid", error.problems),
            )
        except TimestampError as error:
            return self._broken(
                config,
                f"statusbook: invalid build time: {error}",
                problem_page("invalid build time", [], detail=str(error)),
            )
        self._watch(self.catalog.records_dir)
        if self.catalog.problems_dir.is_dir():
            self._watch(self.catalog.problems_dir)
        try:
            self.audience = Audience(
                self.config.audience or os.environ.get(AUDIENCE_VARIABLE) or Audience.PUBLIC
            )
        except ValueError:
            raise PluginError(
                f"statusbook: ${AUDIENCE_VARIABLE} must be public or internal"
            ) from None
        public = self.audience is Audience.PUBLIC
        if self.command != "serve" and public and not self.catalog.site.url:
            raise PluginError(
                "statusbook: site.url is not set in the catalog, so the page cannot be built "
                f"for publishing; {SITE_URL_FIX}"
            )
        result = validate_repository(None, self.catalog, self.now)
        if result.errors:
            return self._broken(
                config,
                "statusbook: records have problems\n"
                + render(result.problems, result.files, "text"),
                problem_page("records have problems", result.problems, result.files),
            )
        # Warnings are shown but do not fail a strict build: what they point at (markup the
        # sanitiser removes, a file date) cannot mislead readers. `validate --strict` enforces them.
        for problem in result.warnings:
            log.info(render([problem], 0, "text").splitlines()[0])

        snapshot = derive(
            self.catalog,
            result.incidents,
            self.now,
            audience=self.audience,
            problems=result.problem_records,
        )
        #: The catalog as this audience's site has it (the internal site's own address).
        self.site_catalog = snapshot.catalog
        site = snapshot.catalog.site
        # Material prints site_name unescaped (in <title>, the header and aria-label) and
        # escaped elsewhere (title="… | e"): as Markup, the escaped name is right in both.
        config.site_name = escape(site.name)
        if site.url:
            config.site_url = site.url
        config.theme["language"] = site.language
        self.t = Translator(site.language, site.time_zone)
        config.nav = [
            {self.t("nav.status"): "index.md"},
            {self.t("nav.history"): "history/index.md"},
            {self.t("nav.uptime"): "uptime/index.md"},
        ]
        self.views = build_views(
            snapshot,
            edit_root=site.edit_url,
            record_paths=_record_paths([*result.incidents, *result.problem_records], root),
        )
        if self.views.known_issues is not None:
            config.nav.append({self.t("nav.known_issues"): _source(known_issues_url())})
        if not public:
            config.nav.append({self.t("nav.actions"): _source(actions_url())})
            config.nav.append({self.t("nav.metrics"): _source(metrics_url())})
        self.incidents = result.incidents
        self.feeds = feed_links(snapshot.catalog, calendars=calendar_scopes(snapshot))
        self.outputs = StaticOutputs(snapshot, Path(config.site_dir))
        return config

    def _broken(self, config: MkDocsConfig, message: str, page: str) -> MkDocsConfig:
        """Stop the build with ``message``; in ``serve``, build ``page`` in place of the site.

        A failed ``mkdocs serve`` rebuild leaves the server waiting for a build that never
        finishes, and every request hangs. A build that succeeds with the problems on every
        page answers at once, and the next save rebuilds the real site.
        """
        if self.command != "serve":
            raise PluginError(message)
        log.info(message)
        self.failure = page
        return config

    def _watch(self, path: Path) -> None:
        """Have ``mkdocs serve`` rebuild when ``path`` changes (once the server exists).

        The records folder is named in the catalog, so it is known only once the catalog
        loads, which may be a rebuild after the server started.
        """
        if self.server is not None and str(path) not in self.watched:
            self.watched.add(str(path))
            self.server.watch(str(path))

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        self.page_views: dict[str, tuple[str, Any, dict[str, Any]]] = {}
        if self.failure is not None:
            return _error_files(files, config)
        views: SiteViews = self.views

        def add(
            src_uri: str, kind: str, view: Any, title: str | None, body: str = "", *, in_nav: bool
        ) -> None:
            meta: dict[str, Any] = {"template": TEMPLATES[kind], "hide": ["navigation", "toc"]}
            if title:
                # Material prints meta titles unescaped (in <title>, nav and headings).
                meta["title"] = html.escape(title)
            # The content is the record's body only; the leading blank line stops MkDocs from
            # reading the body's first lines as YAML or MultiMarkdown metadata.
            inclusion = InclusionLevel.UNDEFINED if in_nav else InclusionLevel.NOT_IN_NAV
            files.append(File.generated(config, src_uri, content="\n" + body, inclusion=inclusion))
            self.page_views[src_uri] = (kind, view, meta)

        add("index.md", "home", views.home, None, in_nav=True)
        for incident_id, record_page in views.incidents.items():
            body = views.records[incident_id].record.body
            add(
                _source(incident_url(incident_id)),
                "incident",
                record_page,
                record_page.summary.title,
                body,
                in_nav=False,
            )
        if views.history:
            add(
                "history/index.md",
                "history",
                views.history[0],
                self.t("history.title"),
                in_nav=True,
            )
        for quarter in views.history:
            add(_source(history_url(quarter.key)), "history", quarter, quarter.title, in_nav=False)
        add("uptime/index.md", "uptime", views.uptime, self.t("uptime.title"), in_nav=True)
        for component_id, component_page in views.components.items():
            add(
                _source(component_url(component_id)),
                "component",
                component_page,
                component_page.row.name,
                in_nav=False,
            )
        if views.known_issues is not None:
            title = self.t("known.title")
            add(_source(known_issues_url()), "known-issues", views.known_issues, title, in_nav=True)
        for problem_id, problem_page_view in views.problems.items():
            add(
                _source(problem_url(problem_id)),
                "problem",
                problem_page_view,
                f"{problem_id}: {problem_page_view.summary.title}",
                views.problem_bodies.get(problem_id, ""),
                in_nav=False,
            )
        if views.actions is not None:
            add(
                _source(actions_url()),
                "actions",
                views.actions,
                self.t("actions.title"),
                in_nav=True,
            )
        if views.metrics is not None:
            add(
                _source(metrics_url()),
                "metrics",
                views.metrics,
                self.t("metrics.title"),
                in_nav=True,
            )
        self.rendering = Counter(len(self.page_views), "statusbook: writing pages")
        return files

    def on_page_markdown(
        self, markdown: str, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        entry = self.page_views.get(page.file.src_uri)
        if entry is not None:
            page.meta.update(entry[2])
        return markdown

    def on_page_content(self, html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        """Record bodies are text from people: sanitise what Markdown made of them."""
        if page.file.src_uri in self.page_views:
            # The sanitiser drops the headings' ids: a table of contents (and Material's
            # skip link to its first entry) would point at nothing, so there is none.
            page.toc = get_toc([])
            return sanitize(html)
        return html

    def on_page_context(
        self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext:
        # Jinja takes any key; MkDocs types only its own, so ours go in through a plain view.
        extra = cast(dict[str, Any], context)
        if self.failure is not None:
            return context
        entry = self.page_views.get(page.file.src_uri)
        if entry is not None:
            kind, view, _ = entry
            extra["sb_kind"] = kind
            extra["sb"] = view
        extra["t"] = self.t
        extra["sb_site"] = self.site_catalog.site
        extra["sb_feeds"] = self.feeds
        extra["sb_audience"] = self.audience.value
        return context

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        if self.failure is not None:
            return self.failure
        if page.file.src_uri in self.page_views:
            self.rendering.advance()
        return output

    def on_post_template(
        self, output_content: str, /, *, template_name: str, config: MkDocsConfig
    ) -> str:
        """While the sources are broken, any address ``serve`` does not know shows why too."""
        if self.failure is not None and template_name == "404.html":
            return refreshing(self.failure)
        return output_content

    def on_post_build(self, config: MkDocsConfig) -> None:
        """Feeds, calendars, the JSON API and badges: static files from the same records."""
        if self.failure is not None:
            return
        self.rendering.close()
        if self.audience is Audience.INTERNAL and self.site_catalog.site.url is None:
            log.info(
                "statusbook: site.internal_url is not set in the catalog: the internal site "
                "has no feeds or calendar, because their links and ids must be absolute URLs"
            )
        for note in notes(self.site_catalog) if self.audience is Audience.PUBLIC else []:
            log.info(f"statusbook: {note}")
        try:
            self.outputs.finish(Path(config.site_dir))
        except OutputsError as error:
            raise PluginError(f"statusbook: {error}") from None

    def on_build_error(self, error: Exception) -> None:
        rendering = getattr(self, "rendering", None)
        if rendering is not None:
            rendering.close()
        outputs = getattr(self, "outputs", None)
        if outputs is not None:
            outputs.abandon()

    def on_serve(self, server: Any, config: MkDocsConfig, builder: Any) -> Any:
        self.server = server
        self.watched: set[str] = set()
        self._watch(self.catalog_path)
        catalog = getattr(self, "catalog", None)
        if catalog is not None:
            self._watch(catalog.records_dir)
            if catalog.problems_dir.is_dir():
                self._watch(catalog.problems_dir)
        return server


def _error_files(files: Files, config: MkDocsConfig) -> Files:
    """The site while its sources are broken: one home page (the problems) and the assets."""
    for file in files.documentation_pages():
        files.remove(file)
    files.append(File.generated(config, "index.md", content=""))
    return files


def _source(url: str) -> str:
    return url.rstrip("/") + ".md"


def _record_paths(incidents: list, root: Path) -> dict[str, str]:
    paths = {}
    for incident in incidents:
        if incident.path is None:
            continue
        try:
            paths[incident.id] = incident.path.absolute().relative_to(root).as_posix()
        except ValueError:
            paths[incident.id] = incident.path.name
    return paths
