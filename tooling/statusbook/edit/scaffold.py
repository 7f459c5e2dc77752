"""A new status repository: the files ``statusbook init`` writes, from templates it ships.

The templates live in ``statusbook/edit/skeleton/`` as package data (a leading ``dot-`` in
a name stands for ``.``, which package-data globs would skip). They hold ``@@{name}``
placeholders; one alone on a line takes a block of lines at that line's indentation.

One source for every status repository, this one included: this repository's own
``mkdocs.yml`` and ``.github/`` files are rendered from the same templates
(:func:`refreshed_files`, ``statusbook init --refresh``), and a test compares them. What
differs between repositories is only what :class:`Install` and the catalog say: how the
workflows install statusbook, the component names the issue form offers, and the webhook
variables the publish workflow passes in.

Answers are checked here with the catalog's own rules, and the catalog is rendered
and loaded before anything is written, so ``init`` never leaves an invalid repository.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from importlib.resources import files
from pathlib import Path

import yaml

from statusbook import timeutil
from statusbook.i18n import LANGUAGES
from statusbook.io.atomic import write_atomic
from statusbook.load.catalog import load_catalog
from statusbook.load.schema import ID_PATTERN
from statusbook.model import Catalog

SKELETON = files("statusbook") / "edit" / "skeleton"

#: The examples this repository ships (``incidents/``); ``--remove-examples`` removes these
#: and only these, so a record of your own is never taken for one.
EXAMPLE_RECORDS = (
    "2025-12-09-sso-sign-in-outage",
    "2026-02-11-dashboard-slow-page-loads",
    "2026-04-22-packet-loss-singapore",
    "2026-05-19-webhook-duplicate-deliveries",
    "2026-06-24-search-index-lag",
    "2026-07-08-credential-stuffing-sign-in",
    "2026-08-17-object-storage-lost-writes",
    "2026-09-02-eu-region-outage",
    "2026-10-05-email-provider-delays",
    "2026-10-20-cdn-certificate-rotation",
    "2026-11-14-search-reindex",
    "2026-11-21-api-elevated-error-rates",
    "2026-12-03-database-major-version-upgrade",
)

#: The example problem records (``problems/``), removed with the example records.
EXAMPLE_PROBLEMS = (
    "PRB-0001-api-gateway-config-rollouts",
    "PRB-0002-disk-alerts-reach-no-one",
    "PRB-0003-search-indexing-falls-behind",
)

#: The files whose content follows from the catalog and the install source.
GITHUB_FILES = (
    ".github/workflows/pull-request.yml",
    ".github/workflows/publish.yml",
    ".github/workflows/self-service-report.yml",
    ".github/workflows/overdue-actions.yml",
    ".github/ISSUE_TEMPLATE/report-incident.yml",
    ".github/pull_request_template.md",
)
CATALOG_FILE = "statusbook.yml"
REQUIREMENTS_FILE = "requirements.txt"
OWN_OVERRIDES = "site_overrides"


class AnswerError(ValueError):
    """An answer ``init`` cannot use; the message says what would do."""


# --- what init asks ----------------------------------------------------------------------


@dataclass(frozen=True)
class NewComponent:
    id: str
    name: str
    group: str | None = None
    #: The SLA target as typed (``99.95``), so the catalog says exactly that.
    sla: str | None = None


@dataclass(frozen=True)
class Install:
    """How a repository's workflows install statusbook: ``pip install <pip_args>``."""

    pip_args: str
    #: The file setup-python keys its pip cache on.
    dependency_file: str


#: A status repository made by ``init``: the pinned statusbook in requirements.txt.
PINNED = Install(f"-r {REQUIREMENTS_FILE}", REQUIREMENTS_FILE)
#: This repository (or one made from it as a template): statusbook from the checkout.
FROM_CHECKOUT = Install(".", "pyproject.toml")


@dataclass(frozen=True)
class Answers:
    name: str
    url: str
    components: tuple[NewComponent, ...]
    #: The pip requirement the workflows install, e.g. ``statusbook==0.1.0``.
    statusbook_spec: str
    #: Uptime counts from this day for every new component.
    monitored_since: date
    language: str = "en"
    time_zone: str = "UTC"

    @property
    def groups(self) -> list[tuple[str, str]]:
        """``(id, name)`` of each group the components name, in the order first named."""
        seen: dict[str, str] = {}
        for component in self.components:
            if component.group is not None:
                seen.setdefault(group_id(component.group), component.group)
        return list(seen.items())


def check_name(text: str) -> str:
    name = text.strip()
    if not name:
        raise AnswerError("the site name is empty; write the name readers see, e.g. Acme Status")
    return name


def check_url(text: str) -> str:
    """An http(s) address; a trailing ``/`` is added, as feeds and links join onto it."""
    url = text.strip()
    if not re.fullmatch(r"https?://[^\s/]+(/\S*)?", url):
        raise AnswerError(
            f"{url!r} is not a web address; write it with its scheme, "
            "e.g. https://status.acme.example/"
        )
    return url if url.endswith("/") else url + "/"


def check_language(text: str) -> str:
    language = text.strip()
    if language not in LANGUAGES:
        raise AnswerError(
            f"language {language!r} is not supported; use one of: {', '.join(LANGUAGES)}"
        )
    return language


def check_time_zone(text: str) -> str:
    zone = text.strip()
    try:
        timeutil.zone(zone)
    except timeutil.UnknownZone:
        raise AnswerError(
            f"{zone!r} is not an IANA time zone; use a name like UTC, Europe/Berlin or Asia/Jakarta"
        ) from None
    return zone


def check_component_id(text: str, taken: Iterable[str] = ()) -> str:
    component_id = text.strip()
    if not re.fullmatch(ID_PATTERN, component_id):
        raise AnswerError(
            f"{component_id!r} is not a valid component id; use lowercase letters, digits, "
            "'-' and '_', starting with a letter or digit (it appears in URLs and records)"
        )
    if component_id in taken:
        raise AnswerError(f"component id {component_id!r} is used twice; give each its own")
    return component_id


def check_sla(text: str) -> str:
    sla = text.strip().removesuffix("%").strip()
    try:
        value = float(sla)
    except ValueError:
        value = -1.0
    if not 0 < value <= 100 or not re.fullmatch(r"\d+(\.\d+)?", sla):
        raise AnswerError(f"SLA target {text.strip()!r} is not a percentage; write it like 99.9")
    return sla


def group_id(name: str) -> str:
    """The id of a group named ``name``: its letters and digits, lowercase, joined by ``-``."""
    words = re.findall(r"[a-z0-9]+", name.lower())
    if not words:
        raise AnswerError(
            f"group {name!r} needs a letter or digit (its id is made of them), e.g. Core platform"
        )
    return "-".join(words)


def parse_component(text: str, taken: Iterable[str] = ()) -> NewComponent:
    """``ID=NAME[;group=GROUP][;sla=PERCENT]``, e.g. ``db=Databases;group=Data;sla=99.99``."""
    head, *extras = text.split(";")
    if "=" not in head:
        raise AnswerError(
            f"component {text!r} has no name; write ID=NAME, e.g. api=Public API "
            "(optionally ;group=GROUP;sla=PERCENT)"
        )
    raw_id, name = head.split("=", 1)
    component_id = check_component_id(raw_id, taken)
    if not name.strip():
        raise AnswerError(f"component {component_id!r} has an empty name; write ID=NAME")
    options: dict[str, str] = {}
    for extra in extras:
        key, _, value = extra.partition("=")
        key = key.strip()
        if key not in ("group", "sla") or not value.strip():
            raise AnswerError(
                f"{extra.strip()!r} in component {component_id!r}: after the name, write "
                "group=GROUP or sla=PERCENT, separated by ';'"
            )
        options[key] = value.strip()
    if "group" in options:
        group_id(options["group"])
    sla = check_sla(options["sla"]) if "sla" in options else None
    return NewComponent(component_id, name.strip(), options.get("group"), sla)


# --- rendering the templates --------------------------------------------------------------

_PLACEHOLDER = re.compile(
    r"^(?P<indent>[ ]*)@@\{(?P<block>\w+)\}[ ]*\n|@@\{(?P<inline>\w+)\}", re.MULTILINE
)


def render(template: str, values: Mapping[str, str]) -> str:
    """Fill ``@@{name}`` placeholders in one pass (a value is never read as a template).

    A placeholder alone on its line takes a block: each line indented like the
    placeholder, and no line at all for an empty value. An unknown name is a KeyError.
    """

    def fill(match: re.Match[str]) -> str:
        if match["inline"] is not None:
            return values[match["inline"]]
        lines = values[match["block"]].splitlines()
        return "".join(f"{match['indent']}{line}\n" if line else "\n" for line in lines)

    return _PLACEHOLDER.sub(fill, template)


def template(path: str) -> str:
    """The template for repository path ``path`` (``.github/x`` is ``dot-github/x``)."""
    source = SKELETON.joinpath(*(_stored(part) for part in path.split("/")))
    return source.read_text(encoding="utf-8")


def _stored(part: str) -> str:
    return "dot-" + part[1:] if part.startswith(".") else part


def scalar(text: str) -> str:
    """``text`` as a one-line YAML scalar, quoted only when YAML needs it."""
    dumped = yaml.safe_dump(text, default_flow_style=True, allow_unicode=True, width=10**6)
    return dumped.removesuffix("\n").removesuffix("\n...").strip()


def webhook_variables(catalog_text: str) -> list[str]:
    """Every ``url_env`` the catalog names, commented examples included, in order."""
    names = re.findall(r"url_env:\s*([A-Za-z_][A-Za-z0-9_]*)", catalog_text)
    return list(dict.fromkeys(names))


def github_files(
    install: Install, component_names: Sequence[str], variables: Sequence[str]
) -> dict[str, str]:
    values = {
        "install": install.pip_args,
        "dependency_file": install.dependency_file,
        "component_options": "\n".join(f"- {scalar(name)}" for name in component_names),
        "webhook_env": "\n".join(f"{name}: ${{{{ secrets.{name} }}}}" for name in variables),
    }
    return {path: render(template(path), values) for path in GITHUB_FILES}


def mkdocs_file(custom_dir: str | None) -> str:
    line = (
        f"custom_dir: {custom_dir}  # this site's own overrides; the page templates come with statusbook"
        if custom_dir
        else '# custom_dir: overrides   # your own overrides (README: "Changing the page\'s look")'
    )
    return render(template("mkdocs.yml"), {"custom_dir": line})


def catalog_text(answers: Answers) -> str:
    groups = "".join(
        f"  - id: {group}\n    name: {scalar(name)}\n" for group, name in answers.groups
    )
    return render(
        template(CATALOG_FILE),
        {
            "site_name": scalar(answers.name),
            "site_url": scalar(answers.url),
            "language": answers.language,
            "time_zone": scalar(answers.time_zone),
            "groups": f"groups:\n{groups}\n" if groups else "",
            "components": "\n".join(
                _component(c, answers.monitored_since) for c in answers.components
            ),
        },
    )


def _component(component: NewComponent, since: date) -> str:
    lines = [f"  - id: {component.id}", f"    name: {scalar(component.name)}"]
    if component.group is not None:
        lines.append(f"    group: {group_id(component.group)}")
    if component.sla is not None:
        lines.append(f"    sla: {component.sla}")
    lines.append(f"    monitored_since: {since.isoformat()}")
    return "\n".join(lines)


def repository_files(answers: Answers) -> dict[str, str]:
    """Every file of a new status repository, by path relative to its root."""
    catalog = catalog_text(answers)
    check_catalog(catalog)
    site = {"site_name": answers.name, "site_url": answers.url}
    return {
        CATALOG_FILE: catalog,
        "mkdocs.yml": mkdocs_file(None),
        REQUIREMENTS_FILE: render(
            template(REQUIREMENTS_FILE), {"statusbook_spec": answers.statusbook_spec}
        ),
        "README.md": render(
            template("README.md"), {**site, "first_component": answers.components[0].id}
        ),
        ".gitignore": template(".gitignore"),
        "incidents/README.md": template("incidents/README.md"),
        "pages/.gitkeep": template("pages/.gitkeep"),
        **github_files(PINNED, [c.name for c in answers.components], webhook_variables(catalog)),
    }


def check_catalog(text: str) -> Catalog:
    """Load ``text`` as ``statusbook validate`` would; raises ``CatalogError``."""
    with tempfile.TemporaryDirectory(prefix="statusbook-init-") as folder:
        root = Path(folder)
        (root / "incidents").mkdir()
        (root / CATALOG_FILE).write_text(text, encoding="utf-8")
        return load_catalog(root / CATALOG_FILE)


# --- an existing repository: refreshing and removing the examples -------------------------


def install_of(root: Path) -> Install:
    """A repository with requirements.txt pins statusbook; one without installs its checkout."""
    return PINNED if (root / REQUIREMENTS_FILE).is_file() else FROM_CHECKOUT


def refreshed_files(
    component_names: Sequence[str],
    variables: Sequence[str],
    install: Install,
    custom_dir: str | None,
) -> dict[str, str]:
    """mkdocs.yml and the .github files as this statusbook's templates make them."""
    return {
        "mkdocs.yml": mkdocs_file(custom_dir),
        **github_files(install, component_names, variables),
    }


def refresh(root: Path) -> list[str]:
    """Rewrite mkdocs.yml and the .github files of the repository at ``root``; the changed."""
    path = root / CATALOG_FILE
    return write_changed(root, _derived(root, load_catalog(path), path.read_text(encoding="utf-8")))


def _derived(root: Path, catalog: Catalog, catalog_source: str) -> dict[str, str]:
    return refreshed_files(
        [component.name for component in catalog.components],
        webhook_variables(catalog_source),
        install_of(root),
        OWN_OVERRIDES if (root / OWN_OVERRIDES).is_dir() else None,
    )


def write_changed(root: Path, wanted: Mapping[str, str]) -> list[str]:
    changed = []
    for name, text in wanted.items():
        target = root / name
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            write_atomic(target, text.encode("utf-8"))
            changed.append(name)
    return changed


def existing(root: Path, names: Iterable[str]) -> list[str]:
    return [name for name in names if (root / name).exists()]


def write_new(root: Path, wanted: Mapping[str, str]) -> None:
    """Create every file; callers check :func:`existing` first (nothing is overwritten)."""
    for name, text in wanted.items():
        write_atomic(root / name, text.encode("utf-8"), exclusive=True)


@dataclass(frozen=True)
class ExampleRemoval:
    removed: list[str]
    kept: list[str]
    rewritten: list[str]


class NotExamples(Exception):
    """The catalog is not the examples' (no ``demo:``): nothing is removed."""


def remove_examples(root: Path, answers: Answers) -> ExampleRemoval:
    """The example records go, the catalog becomes ``answers``' and its derived files follow.

    Only a demonstration catalog (``demo:``) is replaced, and only the records named in
    :data:`EXAMPLE_RECORDS` and the problem records in :data:`EXAMPLE_PROBLEMS` are deleted,
    so a repository already in use loses nothing.
    """
    path = root / CATALOG_FILE
    old = load_catalog(path)
    if old.site.demo is None:
        raise NotExamples(
            f"{path} has no demo: block, so its components and records are your own; "
            "nothing was removed"
        )
    catalog = catalog_text(answers)
    new = check_catalog(catalog)
    records = sorted(old.records_dir.rglob("*.md"))
    examples = [p for p in records if p.stem in EXAMPLE_RECORDS]
    if old.problems_dir.is_dir():
        records += sorted(old.problems_dir.rglob("*.md"))
        examples += [p for p in records if p.stem in EXAMPLE_PROBLEMS]
    kept = [_relative(p, root) for p in records if p not in examples and _is_record(p)]
    for record in examples:
        record.unlink()
    for folder in sorted({p.parent for p in examples}, reverse=True):
        if folder != old.records_dir and not any(folder.iterdir()):
            folder.rmdir()
    write_atomic(path, catalog.encode("utf-8"))
    rewritten = [CATALOG_FILE, *write_changed(root, _derived(root, new, catalog))]
    return ExampleRemoval([_relative(p, root) for p in examples], kept, rewritten)


def _is_record(path: Path) -> bool:
    return path.name != "README.md" and not path.name.startswith(("_", "."))


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)
