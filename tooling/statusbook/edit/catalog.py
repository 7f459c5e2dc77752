"""Adding components to the catalog with a round-trip edit, checked like a load."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from statusbook.edit import roundtrip
from statusbook.edit.changes import CatalogChange, decode
from statusbook.edit.errors import EditError, EditRefused
from statusbook.edit.fields import to_yaml
from statusbook.load.catalog import CatalogError, load_catalog
from statusbook.model import Catalog, Component


def add_components(catalog: Catalog, components: Sequence[Component]) -> CatalogChange:
    """Append components to the catalog file with a round-trip edit, validated like a load."""
    if catalog.path is None:
        raise EditError("the catalog was not read from a file, so it cannot be edited")
    before = catalog.path.read_bytes()
    text = decode(catalog.path, before)

    def mutate(doc: CommentedMap) -> None:
        listed = doc.get("components")
        if not isinstance(listed, list):
            listed = CommentedSeq()
            doc["components"] = listed
        for component in components:
            entry: dict[str, Any] = {"id": component.id, "name": component.name}
            if component.description:
                entry["description"] = component.description
            entry["monitored_since"] = component.monitored_since.date()
            listed.append(to_yaml(entry))

    after = roundtrip.edit_text(text, mutate).encode("utf-8") if components else before
    return CatalogChange(catalog.path, before, after, _load_catalog_bytes(catalog.path, after))


def _load_catalog_bytes(path: Path, data: bytes) -> Catalog:
    """Load ``data`` as the catalog at ``path`` would load, without touching ``path``."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".check", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        try:
            loaded = load_catalog(Path(temporary))
        except CatalogError as error:
            problems = [problem._replace(path=path) for problem in error.problems]
            raise EditRefused(f"the edit would make {path.name} invalid", problems) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
    return loaded._replace(path=path)
