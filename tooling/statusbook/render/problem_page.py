"""Problems as a web page: what ``statusbook serve`` shows while the records are broken.

A preview that stops at the first broken record leaves the browser waiting on a server
that never answers, and the reason in a terminal the editor may not be looking at. So in
``serve`` the plugin builds this page instead of the site: every problem with its file,
line, rule and fix, as ``statusbook validate`` prints them. It is one self-contained file
(styles inline, no links, no script of its own) because it must render when the catalog
or the theme's inputs are what is broken; MkDocs' live reload adds its script, so the real
site comes back by itself once the files are fixed. Every piece of text from a file is
escaped: a broken record may hold any bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from statusbook.paths import display_path
from statusbook.problems import Problem
from statusbook.render.problem_report import summary

_CHARSET = '<meta charset="utf-8">'
_STYLE = """
body { font: 16px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem;
       padding: 0 1rem; color: #1a1a1a; background: #fff; }
h1 { font-size: 1.5rem; }
ol { padding-left: 1.5rem; }
li { margin: 0 0 1rem; }
code { font: 0.95em ui-monospace, monospace; overflow-wrap: anywhere; }
.sb-where { font-weight: 600; }
.sb-error { color: #a40e26; font-weight: 600; }
.sb-warning { color: #7a4d00; font-weight: 600; }
.sb-fix { margin: 0.25rem 0 0; }
@media (prefers-color-scheme: dark) {
  body { color: #e6e6e6; background: #121212; }
  .sb-error { color: #ff8a8a; } .sb-warning { color: #ffc36b; }
}
"""


def where(problem: Problem) -> str:
    """``file:line:column``, as far as the problem knows them."""
    location = display_path(problem.path)
    if problem.line is not None:
        location += f":{problem.line}"
        if problem.column is not None:
            location += f":{problem.column}"
    return location


def problem_page(
    heading: str, problems: Sequence[Problem], files: int | None = None, *, detail: str = ""
) -> str:
    """A complete HTML document listing ``problems`` (``files``: how many records were checked).

    ``detail`` is a sentence for failures that are not problems in a file (an invalid
    build time).
    """
    items = "\n".join(_item(problem) for problem in problems)
    parts = [
        "<!doctype html>",
        '<html lang="en">',
        "<head>",
        _CHARSET,
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="robots" content="noindex">',
        f"<title>statusbook: {escape(heading)}</title>",
        f"<style>{_STYLE}</style>",
        "</head>",
        "<body>",
        '<main class="sb-problems">',
        f"<h1>statusbook: {escape(heading)}</h1>",
        "<p>The preview shows the site again as soon as these are fixed; "
        "this page reloads by itself.</p>",
    ]
    if detail:
        parts.append(f'<p class="sb-detail">{escape(detail)}</p>')
    if problems:
        parts.append(f"<ol>\n{items}\n</ol>")
    if files is not None:
        parts.append(f'<p class="sb-summary">{escape(summary(problems, files))}</p>')
    parts += ["</main>", "</body>", "</html>", ""]
    return "\n".join(parts)


def refreshing(page: str, seconds: int = 2) -> str:
    """``page`` asking the browser to load its address again every ``seconds``.

    For the copy served at addresses the broken build does not have: MkDocs adds its live
    reload only to pages it finds, not to its 404 answer, so that copy polls by itself and
    turns into the real page once the fix is built.
    """
    if _CHARSET not in page:
        raise ValueError("not a problem page")
    return page.replace(_CHARSET, f'{_CHARSET}\n<meta http-equiv="refresh" content="{seconds}">', 1)


def _item(problem: Problem) -> str:
    severity = problem.severity.value
    fix = f'\n<p class="sb-fix">fix: {escape(problem.fix)}</p>' if problem.fix else ""
    return (
        f'<li><code class="sb-where">{escape(where(problem))}</code> '
        f'<span class="sb-{severity}">{severity}</span> '
        f"<code>{escape(problem.code)}</code> [{escape(problem.rule.name)}] "
        f"{escape(problem.message)}{fix}</li>"
    )
