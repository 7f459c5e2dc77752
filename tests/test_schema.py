"""The published JSON Schemas: generated from the same spec the validator uses."""

from __future__ import annotations

import json

import jsonschema
import pytest
from click.testing import CliRunner

from statusbook.cli import cli
from statusbook.load.records import parse_yaml, read_source

from .conftest import DEMO_ROOT, REPO_ROOT
from .test_validate import MAINTENANCE, VALID


@pytest.mark.parametrize("document", ["record", "catalog"])
def test_committed_schema_matches_the_generated_one(document):
    result = CliRunner().invoke(cli, ["schema", document])
    assert result.exit_code == 0
    committed = (REPO_ROOT / "schemas" / f"{document}.schema.json").read_text()
    assert json.loads(result.output) == json.loads(committed), (
        f"regenerate with: statusbook schema {document} > schemas/{document}.schema.json"
    )


def _schema(document: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((REPO_ROOT / "schemas" / f"{document}.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_every_demo_record_matches_the_schema():
    validator = _schema("record")
    paths = sorted((DEMO_ROOT / "incidents").rglob("*.md"))
    assert len(paths) >= 10
    for path in paths:
        errors = list(validator.iter_errors(read_source(path).data))
        assert not errors, (path, [error.message for error in errors])


def test_the_demo_catalog_matches_the_schema():
    data, _ = parse_yaml((DEMO_ROOT / "statusbook.yml").read_text())
    assert not list(_schema("catalog").iter_errors(data))


def _front_matter(text: str) -> object:
    return parse_yaml(text.split("---\n")[1])[0]


@pytest.mark.parametrize(
    "broken",
    [
        VALID.replace("title:", "titel:"),
        VALID.replace("impact: major", "impact: huge"),
        VALID.replace("started: 2026-11-20T14:00:00Z", "started: 2026-11-20 14:00:00"),
        VALID.replace("  api: major_outage", "  api: operational"),
        VALID.replace("impact: major\n", ""),
        VALID.replace("impact: major", "impact: major\nscheduled_start: 2026-11-20T14:00:00Z"),
        MAINTENANCE.replace("scheduled_end: 2026-12-03T04:00:00Z\n", ""),
        VALID.replace("message: Fixed.", 'message: ""'),
    ],
)
def test_schema_rejects_what_the_validator_rejects(broken):
    assert list(_schema("record").iter_errors(_front_matter(broken)))


@pytest.mark.parametrize(
    "good", [VALID, MAINTENANCE, VALID.replace("impact: major", "impact: major\nx-ticket: OPS-1")]
)
def test_schema_accepts_what_the_validator_accepts(good):
    assert not list(_schema("record").iter_errors(_front_matter(good)))
