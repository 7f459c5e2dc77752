"""``statusbook actions``: every action item across incidents and problem records.

It reads the internal snapshot (action items carry owners, and problem records' items
are internal), so it lists drafts' items too. ``--issue-plan`` turns the overdue list into
what the scheduled workflow does with its one GitHub issue
(:func:`statusbook.render.actions.issue_plan`).
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from statusbook.cli.common import AppContext, now_option
from statusbook.cli.editing import parse_date, session_for
from statusbook.cli.problems import repository_snapshot
from statusbook.derive.actions import action_rows, select
from statusbook.render.actions import FORMATS, IssuePlan, issue_plan, render


@click.command()
@click.option("--overdue", is_flag=True, help="Only items still open after their due date.")
@click.option("--open", "open_only", is_flag=True, help="Only items still open or in progress.")
@click.option("--owner", metavar="NAME", help="Only this owner's items (case does not matter).")
@click.option("--due-before", metavar="YYYY-MM-DD", help="Only items due before this day.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default="table",
    show_default=True,
    help="table for people; json or csv for tools; markdown as the overdue issue has it.",
)
@click.option(
    "--issue-plan",
    "issues_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    metavar="ISSUES.json",
    help="Print what to do with the overdue issue, given the open issues "
    "(gh issue list --json number,title,body), as JSON: create, edit, close or none.",
)
@now_option
@click.pass_obj
def actions(
    app: AppContext,
    overdue: bool,
    open_only: bool,
    owner: str | None,
    due_before: str | None,
    output_format: str,
    issues_file: Path | None,
    now: str | None,
) -> None:
    """List action items of postmortems and problem records, overdue ones flagged."""
    before = parse_date(due_before, "--due-before")
    session = session_for(app, now, None, prompt=False)
    snapshot = repository_snapshot(session)
    today = snapshot.catalog.today(snapshot.now)
    rows = select(
        action_rows(snapshot),
        overdue=overdue,
        owner=owner,
        due_before=before,
        open_only=open_only,
    )
    if issues_file is not None:
        try:
            issues = json.loads(issues_file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise click.BadParameter(
                f"cannot read the issues: {error}", param_hint="--issue-plan"
            ) from None
        if not isinstance(issues, list):
            raise click.BadParameter("the issues must be a JSON list", param_hint="--issue-plan")
        if snapshot.catalog.site.demo is not None:
            click.echo(
                "a demonstration catalog (demo:): its examples' action items are no one's "
                "work, so the overdue issue is left alone",
                err=True,
            )
            click.echo(IssuePlan("none").as_json())
            return
        plan = issue_plan([row for row in rows if row.is_overdue], issues, today)
        click.echo(plan.as_json())
        return
    click.echo(render(rows, output_format, now=snapshot.now, today=today))
