"""The service's own pages and its mails' bodies, from Jinja templates in ``templates/``.

HTML is autoescaped (a record's title or a component's name is text, never markup); the
plain-text parts are not escaped, since nothing interprets them.
"""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape


class Templates:
    def __init__(self) -> None:
        loader = PackageLoader("statusbook.subscriptions", "templates")
        self._html = Environment(
            loader=loader,
            autoescape=select_autoescape(["html"]),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self._text = Environment(
            loader=loader,
            autoescape=False,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )

    def html(self, name: str, values: dict[str, Any]) -> str:
        return self._html.get_template(name).render(values)

    def text(self, name: str, values: dict[str, Any]) -> str:
        return self._text.get_template(name).render(values)
