"""``statusbook sla``: uptime, SLA verdicts and error budgets per component and period."""

from __future__ import annotations

import sys
from dataclasses import replace
from datetime import datetime

import click

from statusbook.cli.common import EXIT_PROBLEMS, AppContext, now_option, parse_now
from statusbook.derive.metrics import incident_metrics
from statusbook.derive.snapshot import derive
from statusbook.derive.uptime import (
    ROLLING_WINDOWS,
    Period,
    PeriodError,
    parse_period,
    rolling_periods,
    sla_report,
)
from statusbook.load.rules import validate_paths
from statusbook.load.schema import suggest
from statusbook.model import Audience, Catalog, Incident
from statusbook.render.metrics import render as render_metrics
from statusbook.render.problem_report import render as render_problems
from statusbook.render.sla import FORMATS, render


@click.command()
@click.option(
    "--component",
    "components",
    multiple=True,
    metavar="ID",
    help="Only this component (repeat for several). Default: every component.",
)
@click.option(
    "--window",
    type=click.Choice(list(ROLLING_WINDOWS), case_sensitive=False),
    help="One rolling window ending at --now.",
)
@click.option("--month", metavar="YYYY-MM", help="A calendar month, e.g. 2026-10.")
@click.option("--quarter", metavar="YYYYQn", help="A calendar quarter, e.g. 2026Q3.")
@click.option("--year", metavar="YYYY", help="A calendar year, e.g. 2026.")
@now_option
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default="table",
    show_default=True,
    help="table for people, json or csv for tools and spreadsheets.",
)
@click.option(
    "--metrics",
    is_flag=True,
    help="Report MTTA, MTTR, MTBF and incident counts by kind and impact for the same "
    "periods, instead of uptime.",
)
@click.option(
    "--audience",
    type=click.Choice([audience.value for audience in Audience]),
    default=Audience.PUBLIC.value,
    show_default=True,
    help="Count the public records (as the page does) or every record (as the internal "
    "site's metrics page does).",
)
@click.pass_obj
def sla(
    app: AppContext,
    components: tuple[str, ...],
    window: str | None,
    month: str | None,
    quarter: str | None,
    year: str | None,
    now: str | None,
    output_format: str,
    metrics: bool,
    audience: str,
) -> None:
    """Uptime, SLA met/breached and error budget per component.

    Default: every rolling window (24h, 7d, 30d, 90d) ending at --now. Calendar periods
    follow the site's time zone. Exits 1 when records are invalid, 2 on usage errors.
    """
    instant = parse_now(now)
    catalog = app.catalog()
    chosen = {"window": window, "month": month, "quarter": quarter, "year": year}
    periods = _periods(chosen, instant, catalog)
    _check_components(components, catalog)
    result = validate_paths(None, catalog, instant)
    if result.errors:
        click.echo(render_problems(result.problems, result.files, "text"), err=True)
        click.echo("statusbook sla: fix the records above first.", err=True)
        sys.exit(EXIT_PROBLEMS)
    known = derive(catalog, result.incidents, instant, audience=Audience(audience)).incidents
    if metrics:
        click.echo(_metrics(catalog, known, instant, periods, components, output_format))
        return
    report = sla_report(catalog, known, instant, periods, list(components) or None)
    click.echo(render(report, output_format))


def _metrics(
    catalog: Catalog,
    known: tuple[Incident, ...],
    now: datetime,
    periods: list[Period] | None,
    components: tuple[str, ...],
    output_format: str,
) -> str:
    """The metrics of each period (every rolling window by default), as SLA periods go."""
    reports = []
    for period in periods or rolling_periods(now):
        report = incident_metrics(catalog, known, now, start=period.start, end=period.end)
        if components:
            chosen = {c: m for c, m in report.components.items() if c in components}
            report = replace(report, components=chosen)
        reports.append((period, report))
    return render_metrics(reports, output_format, now=now)


def _periods(chosen: dict[str, str | None], now: datetime, catalog: Catalog) -> list[Period] | None:
    given = [(kind, value) for kind, value in chosen.items() if value is not None]
    if len(given) > 1:
        names = ", ".join(f"--{kind}" for kind, _ in given)
        raise click.UsageError(f"choose one period, not {names}")
    if not given:
        return None
    kind, value = given[0]
    try:
        return [parse_period(kind, value, now, catalog.site.time_zone)]
    except PeriodError as error:
        raise click.BadParameter(str(error), param_hint=f"--{kind}") from None


def _check_components(components: tuple[str, ...], catalog: Catalog) -> None:
    known = catalog.component_ids
    for component in components:
        if component not in known:
            hint = suggest(component, known) or f"use one of: {', '.join(known)}"
            raise click.BadParameter(
                f"{component!r} is not in the catalog; {hint}", param_hint="--component"
            )
