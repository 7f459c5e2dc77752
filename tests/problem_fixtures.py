"""Small problem records and incidents for the problem-management tests, written into a
throwaway :class:`tests.conftest.Project` (never the repository's own data)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from .conftest import Project


def resolved_incident(
    title: str,
    started: str,
    resolved: str,
    *,
    component: str = "api",
    message: str = "We are investigating errors.",
    extra: str = "",
) -> str:
    """A resolved outage of ``component`` from ``started`` to ``resolved`` (ISO, Z)."""
    return (
        textwrap.dedent(
            f"""\
        ---
        title: {title}
        kind: outage
        impact: major
        started: {started}
        resolved: {resolved}
        components:
          {component}: major_outage
        updates:
          - at: {started}
            status: investigating
            message: {message}
          - at: {resolved}
            status: resolved
            message: It works again.
        """
        )
        + textwrap.dedent(extra)
        + "---\n"
    )


def write_incident(project: Project, name: str, text: str) -> Path:
    return project.write(name, text, dedent=False)


def write_problem(project: Project, name: str, text: str) -> Path:
    folder = project.root / "problems"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


#: A known error on the API, linking one incident, with an open item due 1 Dec 2026.
KNOWN_ERROR = """\
---
title: Gateway config reaches every region at once
status: known_error
opened: 2026-11-01T10:00:00Z
identified: 2026-11-02T10:00:00Z
owner: Platform team
summary: API requests can fail everywhere at once.
workaround: Retry with backoff.
root_cause: Config is pushed to every region in one step.
incidents:
  - 2026-11-01-gateway-errors
action_items:
  - title: Canary every config change
    owner: Platform team
    status: open
    due: 2026-12-01
---
"""

GATEWAY_INCIDENT = resolved_incident(
    "Gateway errors", "2026-11-01T09:00:00Z", "2026-11-01T10:00:00Z"
)
