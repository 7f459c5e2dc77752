"""The status page's theme, shipped in the package and layered into Material.

The templates, CSS and script in ``statusbook/theme/`` are package data, so a status
repository holds none of them and upgrading statusbook upgrades the page. MkDocs looks
templates up along ``config.theme.dirs`` (the site's ``custom_dir`` first, then Material);
the package's folder goes right after the site's own, so a site can still override any
template or asset by putting a file of the same name in its ``custom_dir``, and our pages
extend Material's. Static files in a theme folder are copied into the site by MkDocs
itself; the stylesheet and script only need to be linked.

Material's own stylesheet is not linked: ``assets/material.css``, the part of it the
status pages use (:mod:`statusbook.mkdocs.material_css`), is rendered in its place by
MkDocs as a static template, once per build.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Any

from mkdocs.config.config_options import ExtraScriptValue
from mkdocs.config.defaults import MkDocsConfig

from statusbook.mkdocs import material_css

#: The package's theme folder (templates under ``statusbook/``, assets under ``assets/``).
THEME_DIR = Path(str(files("statusbook") / "theme"))
STYLESHEET = "assets/statusbook.css"
SCRIPT = "assets/statusbook.js"
#: The theme setting the ``assets/material.css`` template prints.
MATERIAL_CSS_KEY = "statusbook_material_css"


def add_theme(config: MkDocsConfig) -> None:
    """Put the package's templates after the site's ``custom_dir`` and link its assets."""
    dirs = config.theme.dirs
    folder = str(THEME_DIR)
    if folder not in dirs:
        dirs.insert(1 if config.theme.custom_dir else 0, folder)
    _link_first(config.extra_css, STYLESHEET)
    script = ExtraScriptValue(SCRIPT)
    # Deferred: the page is complete without it, and it waits for nothing but the DOM.
    script.defer = True
    _link_first(config.extra_javascript, script)
    config.theme.static_templates.add(material_css.OUTPUT)
    config.theme[MATERIAL_CSS_KEY] = MaterialStylesheet(config)


class MaterialStylesheet:
    """What ``assets/material.css`` holds for this site, made when the template prints it
    (``str()``): Material's CSS cut to the classes the pages render and the site's palette,
    keeping the custom properties statusbook's stylesheet and the site's own read."""

    def __init__(self, config: MkDocsConfig) -> None:
        self.config = config

    def __str__(self) -> str:
        config = self.config
        templates = [config.theme.custom_dir, THEME_DIR]
        return material_css.stylesheet(config.theme.get("palette"), templates, _stylesheets(config))

    def __repr__(self) -> str:
        return "MaterialStylesheet()"


def _stylesheets(config: MkDocsConfig) -> list[str]:
    """The text of every local stylesheet the pages link after Material's."""
    folders = [config.docs_dir, *config.theme.dirs]
    texts = []
    for link in config.extra_css:
        for folder in folders:
            path = Path(folder) / str(link)
            if "://" not in str(link) and path.is_file():
                texts.append(path.read_text(encoding="utf-8", errors="replace"))
                break
    return texts


def _link_first(links: list[Any], asset: str | ExtraScriptValue) -> None:
    """Ours first, so a site's own stylesheets and scripts come after and can override it.

    A mkdocs.yml that still lists the asset (written before the theme moved into the
    package) keeps its entry; it is not linked twice.
    """
    if str(asset) not in {str(link) for link in links}:
        links.insert(0, asset)
