"""The examples statusbook ships: the root's statusbook.yml and incidents/ validate, match the
schemas and build at their instant, and the issue form offers their components.

This is the one check that reads the repository's own data. A team that adopts statusbook
replaces that data with its own, at real times, so the check runs only when asked for
(``pytest --examples``); every other test builds tests/fixtures/demo, a frozen copy.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from statusbook.cli import cli
from statusbook.importers import github_issue as selfservice
from statusbook.load.catalog import load_catalog
from statusbook.load.records import parse_yaml, read_source

from .conftest import REPO_ROOT
from .sitebuild import build, page, text

pytestmark = pytest.mark.examples

#: The examples' instant: the API incident is ongoing, the database upgrade upcoming.
EXAMPLES_NOW = datetime(2026, 11, 21, 6, 0, tzinfo=UTC)
CATALOG = REPO_ROOT / "statusbook.yml"


def test_the_shipped_examples_are_valid_at_their_instant():
    at = f"{EXAMPLES_NOW:%Y-%m-%dT%H:%M:%SZ}"
    result = CliRunner().invoke(cli, ["--config", str(CATALOG), "validate", "--now", at])
    assert result.exit_code == 0, result.output
    # The one finding is the example problem's overdue action item, which it is there to show.
    assert "0 errors, 1 warning" in result.output
    assert "warning SB811 [overdue-action-item]" in result.output


def test_the_shipped_examples_match_the_schemas():
    def validator(document: str) -> jsonschema.Draft202012Validator:
        path = REPO_ROOT / "schemas" / f"{document}.schema.json"
        return jsonschema.Draft202012Validator(json.loads(path.read_text()))

    catalog, _ = parse_yaml(CATALOG.read_text())
    assert not [error.message for error in validator("catalog").iter_errors(catalog)]
    paths = sorted((REPO_ROOT / load_catalog(CATALOG).records_dir).rglob("*.md"))
    assert paths
    for path in paths:
        errors = validator("record").iter_errors(read_source(path).data)
        assert not [error.message for error in errors], path
    problems = sorted(load_catalog(CATALOG).problems_dir.glob("*.md"))
    assert problems
    for path in problems:
        errors = validator("problem").iter_errors(read_source(path).data)
        assert not [error.message for error in errors], path


def test_the_shipped_site_builds_at_their_instant(tmp_path):
    result = build(REPO_ROOT, tmp_path, EXAMPLES_NOW)
    assert result.returncode == 0, result.stderr
    assert text(page(tmp_path, "/").select_one(".sb-banner"))


def test_the_issue_form_offers_the_shipped_catalogs_components():
    form = yaml.safe_load((REPO_ROOT / ".github/ISSUE_TEMPLATE/report-incident.yml").read_text())
    options = next(i for i in form["body"] if i.get("id") == "components")["attributes"]["options"]
    names = [component.name for component in load_catalog(CATALOG).components]
    assert options == [*names, selfservice.NOT_SURE]
