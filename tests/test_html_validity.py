"""The Nu HTML Checker (vnu.jar, the W3C validator's engine) finds no error in any built page.

Browsers repair invalid markup silently and each in its own way, so a broken nesting can
move a record's text out of the timeline it belongs to, or hide it, with nothing to say so.
The checker reads the HTML as the specification defines it. It runs once, a single JVM, over
every HTML file of three builds of the demo repository: the public site (with one extra
record whose every text field holds Markdown and raw HTML, so the sanitiser's output is
checked too), the internal site (action items, metrics, internal notes) and an Indonesian
site with the email subscription form. The serve-time problem page is checked as well.

vnu.jar comes from the npm package ``vnu-jar`` (.ci/run installs it and sets
``STATUSBOOK_VNU_JAR``) and needs Java. Without either the test skips, saying how to get
them; in CI (``CI`` set, as .ci/run and GitHub set it) it fails instead, so a CI run cannot
pass without the check.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from statusbook.problems import Problem
from statusbook.render.problem_page import problem_page

from .conftest import DEMO_NOW
from .published import demo_project
from .sitebuild import build

pytestmark = pytest.mark.html_checker

VNU_ENV = "STATUSBOOK_VNU_JAR"
#: The version .ci/run installs; any recent vnu.jar does.
VNU_PACKAGE = "vnu-jar@26.9.27"

#: Material's base.html writes its drawer and search toggles, outside any block a theme can
#: override, as ``<input class="md-toggle" type="checkbox" ... autocomplete="off">``, and the
#: checker allows autocomplete on text-like inputs only. Material needs the attribute (it
#: keeps Firefox from restoring a toggle's state when the reader goes back), and the only way
#: around it is to copy Material's whole base.html. So this one message is left out, and
#: only on those two inputs (``data-md-toggle`` is Material's attribute, none of ours).
MATERIAL_TOGGLES = (
    "Attribute “autocomplete” is only allowed when the input type is “color”, “date”, "
    "“datetime-local”, “email”, “hidden”, “month”, “number”, “password”, “range”, “search”, "
    "“tel”, “text”, “time”, “url”, or “week”.",
    'class="md-toggle" data-md-toggle=',
)

#: A record that puts Markdown and raw HTML in every text field the pages show: the
#: sanitiser's output must be valid wherever the templates place it. Only markup the
#: sanitiser answers for: Markdown's own constructs, what the sanitiser strips (script,
#: images, script links, event handlers), elements it would otherwise pass on invalid, and
#: list items written outside a list (which would close the timeline's own list item).
MARKUP_RECORD = """\
---
title: Webhook retries & "duplicate" <deliveries>
kind: degradation
impact: minor
manager: Priya Raman
started: 2026-10-12T09:00:00Z
resolved: 2026-10-12T10:00:00Z
components:
  webhooks: degraded_performance
updates:
  - at: 2026-10-12T09:05:00Z
    status: investigating
    message: |
      **Bold**, _emphasis_, `code`, a [link](https://example.com/a?b=1&c=2 "Title"),
      <https://example.com/auto> and [a script link](javascript:alert(1)).

      1. first
      2. second

      - a
      - b

      > quoted

      <b onclick="alert(1)">handler</b> <img src="https://tracker.example/p.gif" alt="">
      <script>alert(1)</script><span class="k">kept class</span> <span class="x">dropped</span>
      <center>centred</center> <acronym title="an acronym">ACR</acronym> <tt>teletype</tt>
      <strike>struck</strike> <time>tomorrow</time> <data>42</data> <a>placeholder</a>
      <map><area href="https://example.com/" alt="area"></map>
  - at: 2026-10-12T10:00:00Z
    status: resolved
    message: |
      | Region | Errors | Share |
      |:-------|-------:|:-----:|
      | eu     | 12     | 1%    |

      ```json
      {"ok": true}
      ```

      !!! note "A note"
          Admonition body.

      <li>a list item on its own</li>
      <dt>a term</dt><dd>its description, outside a list</dd>
notes:
  - at: 2026-10-12T09:30:00Z
    author: Priya Raman
    visibility: internal
    note: |
      Internal, with a <li>stray item</li> and a [link](https://example.com/).
postmortem:
  published: 2026-10-13T10:00:00Z
  summary: |
    A summary with <strong>markup</strong> and a list:

    - one
    - two
  root_cause: A `cause` with [a link](https://example.com/) and <dt>a term</dt><dd>with no list</dd>.
  action_items:
    - title: Deduplicate deliveries by event id
      owner: Platform team
      status: done
---
# A heading in the body

Body text with a table:

| a | b |
|---|---|
| 1 | 2 |

<li>a stray item in the body</li>
"""

#: One page of each kind, relative to a site's folder: each must be among those checked.
PAGE_KINDS = {
    "public": [
        "index.html",
        "404.html",
        "incidents/2026-11-21-api-elevated-error-rates/index.html",
        "incidents/2026-09-02-eu-region-outage/index.html",
        "incidents/2026-12-03-database-major-version-upgrade/index.html",
        "incidents/2026-10-12-markup-everywhere/index.html",
        "history/index.html",
        "history/2026-q4/index.html",
        "uptime/index.html",
        "components/api/index.html",
        "known-issues/index.html",
        "problems/prb-0001/index.html",
    ],
    "internal": [
        "index.html",
        "incidents/2026-10-12-markup-everywhere/index.html",
        "actions/index.html",
        "metrics/index.html",
        "problems/prb-0003/index.html",
    ],
    "indonesian": ["index.html", "components/api/index.html"],
}


@dataclass(frozen=True)
class Finding:
    """One error the checker reported."""

    path: str
    line: int | None
    column: int | None
    message: str
    extract: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}:{self.column}" if self.line else self.path
        return f"{where}: {self.message}\n    {' '.join(self.extract.split())}"


def vnu_command() -> list[str]:
    """``java -jar vnu.jar``, or a skip (a failure in CI) saying what is missing."""
    java = shutil.which("java")
    jar = os.environ.get(VNU_ENV)
    missing = []
    if java is None:
        missing.append("no java on PATH (apt-get install default-jre-headless)")
    if not jar or not Path(jar).is_file():
        missing.append(
            f"{VNU_ENV} does not name vnu.jar (npm install --ignore-scripts --prefix DIR "
            f"{VNU_PACKAGE}, then {VNU_ENV}=DIR/node_modules/vnu-jar/build/dist/vnu.jar)"
        )
    if missing:
        reason = "the Nu HTML Checker cannot run: " + "; ".join(missing)
        if os.environ.get("CI"):
            pytest.fail(reason + ". CI must run it (.ci/run installs both)")
        pytest.skip(reason)
    assert java is not None and jar is not None
    return [java, "-jar", jar]


def check(command: list[str], files: list[Path], root: Path) -> list[Finding]:
    """Every error the checker finds in ``files``, in one run (one JVM start)."""
    result = subprocess.run(
        [
            *command,
            "--errors-only",
            "--no-langdetect",
            "--format",
            "json",
            "--stdout",
            "--exit-zero-always",  # non-zero then means the checker itself failed
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    findings = []
    for message in json.loads(result.stdout)["messages"]:
        url = message.get("url", "")
        path = Path(url.removeprefix("file:")) if url.startswith("file:") else Path(url)
        findings.append(
            Finding(
                path=path.relative_to(root).as_posix() if path.is_relative_to(root) else url,
                line=message.get("lastLine"),
                column=message.get("firstColumn"),
                message=f"{message['type']}: {message.get('message', '')}",
                extract=message.get("extract", ""),
            )
        )
    return findings


def is_material_toggle(finding: Finding) -> bool:
    text, marker = MATERIAL_TOGGLES
    return finding.message == f"error: {text}" and marker in finding.extract


def _build(root: Path, out: Path, audience: str = "public") -> Path:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("STATUSBOOK_AUDIENCE", audience)  # the plugin reads it (build --audience)
        result = build(root, out, DEMO_NOW)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The three builds (public, internal, indonesian) and the problem page, in one folder."""
    base = tmp_path_factory.mktemp("validity")
    demo = demo_project(base / "repo")
    (demo / "incidents" / "2026" / "2026-10-12-markup-everywhere.md").write_text(
        MARKUP_RECORD, encoding="utf-8"
    )
    sites = base / "sites"
    _build(demo, sites / "public")
    _build(demo, sites / "internal", audience="internal")

    indonesian = demo_project(base / "repo-id")
    catalog = indonesian / "statusbook.yml"
    text = catalog.read_text(encoding="utf-8")
    text = text.replace("language: en", "language: id").replace(
        "time_zone: UTC", "time_zone: Asia/Jakarta"
    )
    catalog.write_text(
        text + "subscriptions:\n  url: https://subscribe.lumen.example/\n", encoding="utf-8"
    )
    _build(indonesian, sites / "indonesian")

    broken = Problem(
        Path("incidents/2026/x.md"), 3, 7, "SB102", "missing 'started' <here>", "add it"
    )
    (sites / "problem-page.html").write_text(
        problem_page("records have problems", [broken], 1), encoding="utf-8"
    )
    return sites


def test_every_page_kind_is_built(sites):
    missing = [
        f"{site}/{name}"
        for site, names in PAGE_KINDS.items()
        for name in names
        if not (sites / site / name).is_file()
    ]
    assert not missing
    assert "sb-subscribe__form" in (sites / "indonesian" / "index.html").read_text("utf-8")


@pytest.fixture(scope="module")
def vnu() -> list[str]:
    """The checker's command; asked for before the sites, so a skip costs no build."""
    return vnu_command()


def test_the_nu_html_checker_reports_no_error_in_any_page(vnu, sites):
    files = sorted(sites.rglob("*.html"))
    assert len(files) > 100  # three whole sites, not a few pages
    findings = check(vnu, files, sites)
    errors = [finding for finding in findings if not is_material_toggle(finding)]
    if errors:
        report = "\n".join(map(str, errors))
        pytest.fail(f"{len(errors)} errors from the Nu HTML Checker:\n{report}", pytrace=False)
