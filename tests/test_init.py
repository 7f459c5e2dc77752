"""`statusbook init`: a new status repository that validates, builds strictly from the installed
package alone, and carries workflows actionlint accepts; prompts ask again on bad answers,
flags are refused with a clear error, and nothing is ever overwritten.

Everything runs through the real CLI (CliRunner) and a real `mkdocs build`, in tmp_path.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from statusbook import __version__
from statusbook.cli import cli
from statusbook.edit import scaffold

from .conftest import REPO_ROOT
from .samples import OPEN_INCIDENT
from .sitebuild import page, text
from .test_workflows import PINNED, lint

FLAGS = [
    "--no-prompt",
    "--name",
    "Acme Status",
    "--url",
    "https://status.acme.example",
    "--component",
    "api=Public API",
    "--component",
    "db=Databases;group=Data stores;sla=99.99",
]


def init(*args: str, input: str | None = None):
    return CliRunner().invoke(cli, ["init", *args], input=input)


def build(root: Path, *args: str):
    out = root / "_site"
    result = CliRunner().invoke(
        cli,
        [
            "--config",
            str(root / "statusbook.yml"),
            "build",
            "--strict",
            "--site-dir",
            str(out),
            *args,
        ],
    )
    return result, out


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The working folder: a fresh one, never this repository (whose data is a team's own)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795248000")  # 2026-11-21T08:00:00Z
    monkeypatch.delenv("STATUSBOOK_CONFIG", raising=False)
    return tmp_path


def files_in(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


# --- a new repository -----------------------------------------------------------------------


def test_init_writes_a_repository_that_validates_and_builds_strictly(here):
    result = init("acme-status", *FLAGS)
    assert result.exit_code == 0, result.output
    root = here / "acme-status"
    assert files_in(root) == {
        "statusbook.yml",
        "mkdocs.yml",
        "requirements.txt",
        "README.md",
        ".gitignore",
        "incidents/README.md",
        "pages/.gitkeep",
        ".github/workflows/pull-request.yml",
        ".github/workflows/publish.yml",
        ".github/workflows/self-service-report.yml",
        ".github/workflows/overdue-actions.yml",
        ".github/ISSUE_TEMPLATE/report-incident.yml",
        ".github/pull_request_template.md",
    }
    validated = CliRunner().invoke(cli, ["--config", str(root / "statusbook.yml"), "validate"])
    assert validated.exit_code == 0, validated.output
    built, out = build(root)
    assert built.exit_code == 0, built.output
    home = page(out, "/")
    assert text(home.select_one("title")) == "Acme Status"
    assert text(home.select_one(".sb-banner")) == "✓ All systems operational"
    names = {text(a) for a in home.select(".sb-component__name")}
    assert names == {"Public API", "Databases"}
    assert text(home.select_one(".sb-group__name")) == "Data stores"
    assert home.select_one(".md-banner") is None  # not a demonstration
    linked = [link["href"] for link in home.select("link[rel=stylesheet]")]
    assert "assets/statusbook.css" in linked
    assert (out / "assets" / "statusbook.css").is_file()
    assert (out / "assets" / "statusbook.js").is_file()
    assert (out / "api" / "v2" / "summary.json").is_file()


def test_the_catalog_says_what_was_answered(here):
    assert init("acme", *FLAGS, "--language", "id", "--time-zone", "Asia/Jakarta").exit_code == 0
    catalog = yaml.safe_load((here / "acme" / "statusbook.yml").read_text())
    assert catalog["site"] == {
        "name": "Acme Status",
        "url": "https://status.acme.example/",  # a trailing slash, as links join onto it
        "language": "id",
        "time_zone": "Asia/Jakarta",
    }
    assert catalog["groups"] == [{"id": "data-stores", "name": "Data stores"}]
    assert catalog["components"] == [
        {"id": "api", "name": "Public API", "monitored_since": date(2026, 11, 21)},
        {
            "id": "db",
            "name": "Databases",
            "group": "data-stores",
            "sla": 99.99,
            "monitored_since": date(2026, 11, 21),
        },
    ]
    assert "demo" not in catalog


def test_nothing_in_a_new_repository_is_a_copy_of_statusbooks_own_files(here):
    """Upgrading is a version bump: the theme comes from the package, nothing from tooling/."""
    assert init("acme", *FLAGS).exit_code == 0
    root = here / "acme"
    for name in files_in(root):
        content = (root / name).read_text(encoding="utf-8")
        assert "site_overrides" not in content, name
        assert "tooling/" not in content, name
        assert str(REPO_ROOT) not in content, name
        assert not re.search(r"\{%-?\s*extends", content), name  # no page template
    assert not list(root.rglob("*.html")) and not list(root.rglob("*.css"))
    assert "custom_dir" not in yaml.safe_load((root / "mkdocs.yml").read_text())["theme"]


def test_requirements_pin_this_version_and_the_workflows_install_exactly_that(here):
    assert init("pinned", *FLAGS).exit_code == 0
    lines = (here / "pinned" / "requirements.txt").read_text().splitlines()
    assert [line for line in lines if not line.startswith("#")] == [f"statusbook=={__version__}"]
    spec = "statusbook @ git+https://github.com/example/statusbook@v0.1.0"
    assert init("from-git", *FLAGS, "--statusbook-spec", spec).exit_code == 0
    assert (here / "from-git" / "requirements.txt").read_text().splitlines()[-1] == spec
    for path in (here / "pinned" / ".github" / "workflows").glob("*.yml"):
        workflow = yaml.safe_load(path.read_text())
        for job in workflow["jobs"].values():
            installs = [s["run"] for s in job["steps"] if "pip install" in s.get("run", "")]
            setup = [s for s in job["steps"] if "setup-python" in s.get("uses", "")]
            assert installs == ["python -m pip install --quiet -r requirements.txt"] * len(setup)
            for step in setup:
                assert step["with"]["cache-dependency-path"] == "requirements.txt"


# --- the generated workflows ------------------------------------------------------------------


@pytest.fixture
def workflows(here) -> Path:
    assert init("acme", *FLAGS).exit_code == 0
    return here / "acme" / ".github"


def test_the_generated_workflows_pass_actionlint(workflows):
    paths = sorted((workflows / "workflows").glob("*.yml"))
    assert [p.name for p in paths] == [
        "overdue-actions.yml",
        "publish.yml",
        "pull-request.yml",
        "self-service-report.yml",
    ]
    result = lint(*paths, cwd=workflows.parent)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == ""


def test_the_generated_workflows_are_pinned_and_least_privileged(workflows):
    for path in (workflows / "workflows").glob("*.yml"):
        text_ = path.read_text()
        for action in re.findall(r"uses:\s*(\S+)", text_):
            assert PINNED.match(action), (path.name, action)
        workflow = yaml.safe_load(text_)
        assert workflow["permissions"] == {}
        for name, job in workflow["jobs"].items():
            writes = {k for k, v in job["permissions"].items() if v == "write"}
            if (path.name, name) != ("publish.yml", "deploy"):
                assert not writes & {"pages", "id-token"}, (path.name, name)


def test_an_operators_pull_request_is_checked_for_what_protects_the_page(workflows):
    workflow = yaml.safe_load((workflows / "workflows" / "pull-request.yml").read_text())
    runs = "\n".join(step.get("run", "") for step in workflow["jobs"]["check"]["steps"])
    assert 'args=(--format github --base "origin/$BASE_REF")' in runs
    assert 'statusbook validate "${args[@]}"' in runs
    assert "statusbook build" in runs
    assert "make test" not in runs and "pytest" not in runs
    publish = yaml.safe_load((workflows / "workflows" / "publish.yml").read_text())
    build_runs = "\n".join(s.get("run", "") for s in publish["jobs"]["build"]["steps"])
    assert "statusbook validate --format github" in build_runs
    assert "statusbook build --site-dir _site" in build_runs
    # the catalog's example webhook variable is passed in from the secret of that name
    [notify] = [s for s in publish["jobs"]["notify"]["steps"] if s.get("id") == "notify"]
    assert notify["env"]["STATUSBOOK_SLACK_URL"] == "${{ secrets.STATUSBOOK_SLACK_URL }}"


def test_the_issue_form_offers_the_new_components(workflows):
    form = yaml.safe_load((workflows / "ISSUE_TEMPLATE" / "report-incident.yml").read_text())
    [field] = [item for item in form["body"] if item.get("id") == "components"]
    assert field["attributes"]["options"] == ["Public API", "Databases", "Not sure"]


def test_this_repositorys_own_files_are_the_templates_init_writes():
    """One source: mkdocs.yml and .github/ here are what `statusbook init --refresh` renders.

    The parts that follow from the catalog (the issue form's components, the webhook
    variables) are read back from the files, as other tests hold them to the catalog; all
    the rest must be the templates' word for word.
    """
    github = REPO_ROOT / ".github"
    form = yaml.safe_load((github / "ISSUE_TEMPLATE" / "report-incident.yml").read_text())
    [field] = [item for item in form["body"] if item.get("id") == "components"]
    names = field["attributes"]["options"][:-1]
    publish = yaml.safe_load((github / "workflows" / "publish.yml").read_text())
    [notify] = [s for s in publish["jobs"]["notify"]["steps"] if s.get("id") == "notify"]
    variables = [name for name in notify["env"] if name not in ("BASE", "SOURCE_DATE_EPOCH")]
    expected = scaffold.refreshed_files(names, variables, scaffold.FROM_CHECKOUT, "site_overrides")
    for name, content in expected.items():
        assert (REPO_ROOT / name).read_text() == content, (
            f"{name} differs from the template in tooling/statusbook/edit/skeleton/: change the "
            "template, then run `make github-files` (statusbook init --refresh)"
        )


# --- prompts -----------------------------------------------------------------------------------


def test_prompts_ask_again_until_each_answer_is_good(here):
    answers = [
        "",  # the name is required: asked again
        "Acme Status",
        "status.acme.example",  # no scheme
        "https://status.acme.example/",
        "fr",
        "id",
        "Mars/Olympus_Mons",
        "Europe/Berlin",
        "",  # at least one component
        "Public API",  # not an id
        "api",
        "Public API",
        "Core platform",
        "high",  # not a percentage
        "99.95",
        "api",  # taken
        "web",
        "Website",
        "",
        "",
        "",  # an empty id ends the list
    ]
    result = init("acme", "--prompt", input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    output = result.output
    assert "'status.acme.example' is not a web address" in output
    assert "language 'fr' is not supported; use one of: en, id" in output
    assert "'Mars/Olympus_Mons' is not an IANA time zone" in output
    assert "a status page needs at least one component" in output
    assert "'Public API' is not a valid component id" in output
    assert "SLA target 'high' is not a percentage" in output
    assert "component id 'api' is used twice" in output
    catalog = yaml.safe_load((here / "acme" / "statusbook.yml").read_text())
    assert catalog["site"]["language"] == "id"
    assert catalog["site"]["time_zone"] == "Europe/Berlin"
    assert [(c["id"], c.get("group"), c.get("sla")) for c in catalog["components"]] == [
        ("api", "core-platform", 99.95),
        ("web", None, None),
    ]
    built, _ = build(here / "acme")
    assert built.exit_code == 0, built.output


def test_flags_are_not_asked_for_again(here):
    result = init(
        "acme",
        "--prompt",
        "--name",
        "Acme",
        "--url",
        "https://s.example/",
        "-c",
        "api=API",
        input="\n\n",
    )  # language and zone: the defaults
    assert result.exit_code == 0, result.output
    assert "Site name" not in result.output and "Component id" not in result.output
    assert "Language (en, id) [en]" in result.output


# --- refusals ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (["--component", "API=Public API"], "'API' is not a valid component id"),
        (["--component", "api"], "has no name; write ID=NAME"),
        (["--component", "cache=Cache;tier=gold"], "write group=GROUP or sla=PERCENT"),
        (["--component", "cache=Cache;sla=101"], "is not a percentage"),
        (["--component", "cache=Cache;group=!!"], "needs a letter or digit"),
        (["--component", "api=Again"], "component id 'api' is used twice"),
        (["--language", "fr"], "language 'fr' is not supported"),
        (["--time-zone", "Europe/Atlantis"], "'Europe/Atlantis' is not an IANA time zone"),
        (["--url", "status.acme.example"], "write it with its scheme"),
        (["--statusbook-spec", " "], "write one pip requirement"),
    ],
)
def test_bad_flags_are_refused_with_a_clear_error_and_nothing_is_written(here, change, message):
    result = init("acme", *FLAGS, *change)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert not (here / "acme").exists()


@pytest.mark.parametrize(
    ("dropped", "message"),
    [("--name", "missing --name"), ("--component", "give at least one --component")],
)
def test_without_prompts_missing_answers_are_usage_errors(here, dropped, message):
    flags = [f for i, f in enumerate(FLAGS) if dropped not in (f, FLAGS[i - 1])]
    result = init("acme", *flags)
    assert result.exit_code == 2
    assert message in result.output
    assert not (here / "acme").exists()


def test_init_never_overwrites_a_file_and_writes_nothing_when_it_would(here):
    root = here / "existing"
    (root / ".github" / "workflows").mkdir(parents=True)
    (root / "statusbook.yml").write_text("mine\n")
    (root / ".github" / "workflows" / "publish.yml").write_text("mine too\n")
    before = files_in(root)
    result = init("existing", *FLAGS)
    assert result.exit_code == 1
    assert "init never overwrites a file" in result.output
    assert "existing/statusbook.yml" in result.output
    assert "existing/.github/workflows/publish.yml" in result.output
    assert "Nothing was written" in result.output
    assert files_in(root) == before
    assert (root / "statusbook.yml").read_text() == "mine\n"


def test_a_folder_with_unrelated_files_is_fine(here):
    (here / "repo").mkdir()
    (here / "repo" / "LICENSE").write_text("MIT\n")
    assert init("repo", *FLAGS).exit_code == 0
    assert (here / "repo" / "LICENSE").read_text() == "MIT\n"


# --- a copy of this repository: removing the examples, refreshing -------------------------------

DEMO_CATALOG = """\
site:
  name: Lumen Cloud Status
  url: https://status.lumen.example/
demo:
  as_of: 2026-11-21T06:00:00Z
components:
  - id: api
    name: API
    monitored_since: 2025-01-01
  - id: database
    name: Managed databases
    monitored_since: 2025-01-01
"""


@pytest.fixture
def template_copy(here) -> Path:
    """What GitHub's "use this template" gives a team: the examples, and a demo catalog."""
    root = here / "copy"
    (root / "incidents" / "2026").mkdir(parents=True)
    (root / "statusbook.yml").write_text(DEMO_CATALOG)
    (root / "pyproject.toml").write_text("[project]\nname = 'statusbook'\n")
    (root / "site_overrides").mkdir()
    for example in ("2026-11-21-api-elevated-error-rates", "2026-09-02-eu-region-outage"):
        (root / "incidents" / "2026" / f"{example}.md").write_text(OPEN_INCIDENT)
    (root / "incidents" / "2026" / "2026-11-22-our-first-incident.md").write_text(OPEN_INCIDENT)
    (root / "incidents" / "README.md").write_text("notes\n")
    return root


def test_remove_examples_leaves_the_teams_own_catalog_and_records(template_copy, monkeypatch):
    monkeypatch.chdir(template_copy)
    result = init("--remove-examples", *FLAGS[:5], "--component", "api=Public API")
    assert result.exit_code == 0, result.output
    assert "Removed 2 example records" in result.output
    assert "incidents/2026/2026-11-22-our-first-incident.md" in result.output  # kept, and said
    assert files_in(template_copy / "incidents") == {
        "README.md",
        "2026/2026-11-22-our-first-incident.md",
    }
    catalog = yaml.safe_load((template_copy / "statusbook.yml").read_text())
    assert "demo" not in catalog
    assert catalog["site"]["name"] == "Acme Status"
    assert [c["id"] for c in catalog["components"]] == ["api"]
    form = yaml.safe_load(
        (template_copy / ".github/ISSUE_TEMPLATE/report-incident.yml").read_text()
    )
    [field] = [item for item in form["body"] if item.get("id") == "components"]
    assert field["attributes"]["options"] == ["Public API", "Not sure"]
    # a copy of this repository keeps installing statusbook from its checkout
    workflow = (template_copy / ".github/workflows/pull-request.yml").read_text()
    assert "python -m pip install --quiet ." in workflow
    validated = CliRunner().invoke(cli, ["validate", "--now", "2026-11-22T12:00:00Z"])
    assert validated.exit_code == 0, validated.output


def test_remove_examples_refuses_a_catalog_without_demo(template_copy, monkeypatch):
    monkeypatch.chdir(template_copy)
    own = DEMO_CATALOG.replace("demo:\n  as_of: 2026-11-21T06:00:00Z\n", "")
    (template_copy / "statusbook.yml").write_text(own)
    before = files_in(template_copy)
    result = init("--remove-examples", *FLAGS)
    assert result.exit_code == 1
    assert "has no demo: block" in result.output and "nothing was removed" in result.output
    assert files_in(template_copy) == before
    assert (template_copy / "statusbook.yml").read_text() == own


def test_refresh_rewrites_what_follows_from_the_catalog(here):
    assert init("acme", *FLAGS).exit_code == 0
    root = here / "acme"
    catalog = root / "statusbook.yml"
    catalog.write_text(catalog.read_text().replace("name: Databases", "name: Data API"))
    result = init(str(root), "--refresh")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Rewrote: .github/ISSUE_TEMPLATE/report-incident.yml"
    assert "- Data API" in (root / ".github/ISSUE_TEMPLATE/report-incident.yml").read_text()
    assert init(str(root), "--refresh").output.strip() == "Everything is up to date."


def test_the_example_list_names_the_examples_this_repository_ships():
    demo = REPO_ROOT / "tests" / "fixtures" / "demo" / "incidents"  # a frozen copy of them
    assert sorted(p.stem for p in demo.rglob("*.md")) == sorted(scaffold.EXAMPLE_RECORDS)
