"""The package's folders are its data flow, and imports only ever point back along it.

load and check → derive at `now` → render → adapters; editing, importing and notifying sit
beside them. Each stage may import the shared vocabulary, itself and the stages listed for
it below, nothing else — so the renderers can never re-derive what the snapshot decided,
and the core never reaches into MkDocs or Click.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "tooling" / "statusbook"

VOCABULARY = {
    "statusbook",
    "model",
    "problems",
    "timeutil",
    "i18n",
    "markup",
    "htmlscan",
    "paths",
}
#: What each stage may import besides the vocabulary and itself.
ALLOWED: dict[str, set[str]] = {
    "vocabulary": set(),
    "io": set(),
    "load": set(),
    "derive": set(),
    "render": {"derive"},
    "edit": {"io", "load"},
    "importers": {"io", "load", "edit"},
    "notifications": {"io", "load", "derive", "render"},
    "subscriptions": {"io", "load", "derive", "render", "notifications"},
    "cli": {
        "io",
        "load",
        "derive",
        "render",
        "edit",
        "importers",
        "notifications",
        "subscriptions",
        "mkdocs",
    },
    "mkdocs": {"io", "load", "derive", "render"},
    "benchmarks": {"io", "load", "derive", "render", "edit", "cli", "mkdocs", "subscriptions"},
}


def stage_of(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1 or parts[1] in VOCABULARY or parts[1] == "__main__":
        return "cli" if parts[-1] == "__main__" else "vocabulary"
    return parts[1]


def module_name(path: Path) -> str:
    relative = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(relative.parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(module: str, source: str, *, package: bool = False) -> set[str]:
    """Every statusbook module or name ``source`` imports (relative imports resolved)."""
    parent = module.split(".") if package else module.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join([*parent[: len(parent) - node.level + 1], *filter(None, [base])])
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names}
    return {name for name in found if name.split(".")[0] == "statusbook"}


def violations(sources: dict[str, tuple[str, bool]]) -> list[str]:
    """``module (stage) imports other (stage)`` for each import against the flow."""
    wrong = []
    for module, (source, package) in sorted(sources.items()):
        stage = stage_of(module)
        permitted = ALLOWED[stage] | {stage, "vocabulary"}
        for imported in sorted(imports(module, source, package=package)):
            if _is_module(imported) and stage_of(imported) not in permitted:
                wrong.append(f"{module} ({stage}) imports {imported} ({stage_of(imported)})")
    return wrong


def package_sources() -> dict[str, tuple[str, bool]]:
    return {
        module_name(path): (path.read_text(encoding="utf-8"), path.name == "__init__.py")
        for path in sorted(PACKAGE.rglob("*.py"))
    }


def test_every_module_belongs_to_a_known_stage() -> None:
    stages = {stage_of(module) for module in package_sources()}
    assert stages <= set(ALLOWED), stages - set(ALLOWED)


def test_imports_only_point_back_along_the_flow() -> None:
    wrong = violations(package_sources())
    assert not wrong, "\n".join(wrong)


def test_an_import_against_the_flow_is_caught() -> None:
    sources = {
        "statusbook.render.pages.views": ("from statusbook.load.rules import check_record", False),
        "statusbook.derive": ("from ..render import urls", True),
        "statusbook.edit.records": ("from statusbook.load.rules import check_record", False),
    }
    assert violations(sources) == [
        "statusbook.derive (derive) imports statusbook.render (render)",
        "statusbook.derive (derive) imports statusbook.render.urls (render)",
        "statusbook.render.pages.views (render) imports statusbook.load.rules (load)",
    ]


def _is_module(name: str) -> bool:
    """Whether ``name`` is a module or package of statusbook (not a name inside one)."""
    relative = Path(*name.split(".")[1:])
    return name == "statusbook" or (
        (PACKAGE / relative).with_suffix(".py").is_file() or (PACKAGE / relative).is_dir()
    )
