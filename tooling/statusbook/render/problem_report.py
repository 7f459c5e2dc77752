"""Problems rendered for people (text), pull requests (GitHub annotations) and tools (JSON)."""

from __future__ import annotations

from collections.abc import Sequence

from statusbook.paths import display_path
from statusbook.problems import Problem

FORMATS = ("text", "github", "json")


def _where(problem: Problem) -> str:
    where = display_path(problem.path)
    if problem.line is not None:
        where += f":{problem.line}"
        if problem.column is not None:
            where += f":{problem.column}"
    return where


def format_text(problems: Sequence[Problem], files: int, *, color: bool = False) -> str:
    lines: list[str] = []
    for problem in problems:
        severity = problem.severity.value
        if color:
            severity = _paint(severity, "31" if problem.is_error else "33")
        lines.append(
            f"{_where(problem)}: {severity} {problem.code} [{problem.rule.name}] {problem.message}"
        )
        if problem.fix:
            lines.append(f"    fix: {problem.fix}")
    lines.append(summary(problems, files))
    return "\n".join(lines)


def summary(problems: Sequence[Problem], files: int) -> str:
    errors = sum(1 for problem in problems if problem.is_error)
    warnings = len(problems) - errors
    checked = f"Checked {files} record{'s' if files != 1 else ''}"
    if not problems:
        return f"{checked}: no problems."
    return f"{checked}: {_count(errors, 'error')}, {_count(warnings, 'warning')}."


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' if number != 1 else ''}"


def _paint(text: str, code: str) -> str:
    return f"\x1b[{code}m{text}\x1b[0m"


def format_github(problems: Sequence[Problem], files: int) -> str:
    """Workflow commands that GitHub Actions turns into annotations on the diff."""
    lines = []
    for problem in problems:
        properties = [f"file={_escape_property(display_path(problem.path))}"]
        if problem.line is not None:
            properties.append(f"line={problem.line}")
        if problem.column is not None:
            properties.append(f"col={problem.column}")
        properties.append(f"title={_escape_property(f'{problem.code} {problem.rule.name}')}")
        message = problem.message + (f"\nFix: {problem.fix}" if problem.fix else "")
        lines.append(f"::{problem.severity.value} {','.join(properties)}::{_escape_data(message)}")
    lines.append(summary(problems, files))
    return "\n".join(lines)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_json(problems: Sequence[Problem], files: int) -> str:
    errors = sum(1 for problem in problems if problem.is_error)
    document = {
        "files": files,
        "errors": errors,
        "warnings": len(problems) - errors,
        "problems": [
            {
                "file": display_path(problem.path),
                "line": problem.line,
                "column": problem.column,
                "code": problem.code,
                "rule": problem.rule.name,
                "severity": problem.severity.value,
                "message": problem.message,
                "fix": problem.fix,
            }
            for problem in problems
        ],
    }
    import json  # only this format needs it; every command that reports problems imports this

    return json.dumps(document, indent=2, ensure_ascii=False)


def render(
    problems: Sequence[Problem], files: int, output_format: str, *, color: bool = False
) -> str:
    if output_format == "github":
        return format_github(problems, files)
    if output_format == "json":
        return format_json(problems, files)
    return format_text(problems, files, color=color)
