"""Reading record files: bytes → front matter data + Markdown body, with source positions.

Parsing uses libyaml through PyYAML's ``CSafeLoader`` (fast, and it never builds arbitrary
objects). Two things PyYAML does silently are made loud here: a key written twice keeps
only its last value, and unquoted timestamps become naive ``datetime`` objects. Duplicates
are reported; timestamps are left as text for :mod:`statusbook.timeutil` to judge.

Line numbers are found lazily: the composed YAML node tree is kept, and a problem's
location is looked up by its key path only when a problem is actually reported.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import yaml

from statusbook.load.frontmatter import FrontMatterError, split_front_matter
from statusbook.problems import Problem

_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"

KeyPath = tuple[str | int, ...]


_STR, _MAP, _SEQ = (f"tag:yaml.org,2002:{name}" for name in ("str", "map", "seq"))
_MERGE = "tag:yaml.org,2002:merge"


class _FrontMatterLoader(yaml.CSafeLoader):
    """CSafeLoader that keeps timestamps as text and notices duplicate keys."""

    # types-PyYAML declares this an instance attribute; PyYAML keeps it on the class (its
    # add_implicit_resolver is a classmethod that copies the table into the subclass), as here.
    yaml_implicit_resolvers: ClassVar[dict[str, list[tuple[str, Any]]]] = {  # type: ignore[misc]
        first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP_TAG]
        for first, resolvers in yaml.CSafeLoader.yaml_implicit_resolvers.items()
    }

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        #: (key, where it is repeated, where it first appeared)
        self.duplicates: list[tuple[Any, yaml.Mark, yaml.Mark]] = []

    def construct_plain(self, root: yaml.Node) -> Any:
        """Build data from the node tree, doing the common tags directly.

        Strings, plain mappings and sequences (nearly every node of a record) skip
        SafeConstructor's generic machinery, which is most of the cost of a parse; other
        tags and merge keys go through it unchanged. Aliased nodes are built once, so an
        alias bomb stays as small as its text.
        """
        built: dict[int, Any] = {}

        def build(node: yaml.Node) -> Any:
            tag = node.tag
            if tag == _STR:
                return node.value
            identity = id(node)
            if identity in built:
                return built[identity]
            if tag == _SEQ and isinstance(node, yaml.SequenceNode):
                value: Any = [build(item) for item in node.value]
            elif tag == _MAP and isinstance(node, yaml.MappingNode) and not _has_merge(node):
                value = {}
                for key_node, value_node in node.value:
                    key = build(key_node)
                    if key in value:
                        self._duplicate(node, key_node, key)
                    value[key] = build(value_node)
            else:
                value = self.construct_object(node, deep=True)
            built[identity] = value
            return value

        return build(root)

    def _duplicate(self, node: yaml.MappingNode, repeated: yaml.Node, key: Any) -> None:
        first = next(k for k, _ in node.value if k.value == repeated.value)
        self.duplicates.append((key, repeated.start_mark, first.start_mark))

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        """The merge-key path: SafeConstructor's mapping, plus the duplicate check."""
        own_keys = [key for key, _ in node.value if key.tag != _MERGE]
        mapping = super().construct_mapping(node, deep=deep)
        first: dict[tuple[str, Any], yaml.Mark] = {}
        for key in own_keys:
            identity = (key.tag, key.value)
            if identity in first:
                self.duplicates.append((key.value, key.start_mark, first[identity]))
            first.setdefault(identity, key.start_mark)
        return mapping


def _has_merge(node: yaml.MappingNode) -> bool:
    return any(key.tag == _MERGE for key, _ in node.value)


def parse_yaml(text: str) -> tuple[Any, list[tuple[Any, yaml.Mark, yaml.Mark]]]:
    """Parse one YAML document; returns the data and any duplicate keys."""
    loader = _FrontMatterLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_plain(node) if node is not None else None
        return data, loader.duplicates
    finally:
        loader.dispose()


def _compose(text: str) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=_FrontMatterLoader)
    except (yaml.YAMLError, RecursionError):
        return None


@dataclass(slots=True)
class Source:
    """A record file as read: its data and where each piece of it came from."""

    path: Path
    data: Any = None
    body: str = ""
    #: 1-based line in the file where the Markdown body begins.
    body_line: int = 1
    #: The front matter text, kept so positions can be found when a problem needs one.
    yaml_text: str | None = None
    #: 0-based file line of the YAML text's first line.
    yaml_offset: int = 0
    #: True once the YAML parsed; problems may still exist (duplicate keys).
    parsed: bool = False
    problems: list[Problem] = field(default_factory=list)

    @property
    def record_id(self) -> str:
        return self.path.stem

    def locate(self, path: KeyPath = (), *, key: bool = False) -> tuple[int, int]:
        """1-based (line, column) of the value at ``path`` (or of its key, if ``key``).

        The node tree is composed again here rather than kept from parsing: problems are
        rare, and holding every record's nodes would cost memory and garbage-collection
        time on every healthy build.
        """
        node = _compose(self.yaml_text) if self.yaml_text else None
        if node is None:
            return (self.yaml_offset + 1, 1) if self.yaml_offset else (1, 1)
        mark = node.start_mark
        for depth, step in enumerate(path):
            child = _child(node, step)
            if child is None:
                break
            key_node, node = child
            last = depth == len(path) - 1
            mark = (key_node if key and last and key_node is not None else node).start_mark
        return mark.line + self.yaml_offset + 1, mark.column + 1

    def problem(
        self, code: str, message: str, fix: str = "", *, at: KeyPath = (), key: bool = False
    ) -> Problem:
        line, column = self.locate(at, key=key)
        return Problem(self.path, line, column, code, message, fix)

    def report(
        self, code: str, message: str, fix: str = "", *, at: KeyPath = (), key: bool = False
    ) -> None:
        self.problems.append(self.problem(code, message, fix, at=at, key=key))


def _child(node: yaml.Node, step: str | int) -> tuple[yaml.Node | None, yaml.Node] | None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if key_node.value == step or str(key_node.value) == str(step):
                return key_node, value_node
    elif (
        isinstance(node, yaml.SequenceNode)
        and isinstance(step, int)
        and 0 <= step < len(node.value)
    ):
        return None, node.value[step]
    return None


def read_source(path: Path) -> Source:
    """Read a record file. Never raises for bad content: problems land on the source."""
    source = Source(path)
    raw = _read_bytes(source)
    return source if raw is None else parse_source(path, raw, source)


def _read_bytes(source: Source) -> bytes | None:
    try:
        return source.path.read_bytes()
    except OSError as error:
        source.problems.append(
            Problem(
                source.path, None, None, "SB001", f"cannot read the file: {error.strerror or error}"
            )
        )
        return None


def parse_source(path: Path, raw: bytes, source: Source | None = None) -> Source:
    """Split ``raw`` into front matter and body and parse the front matter."""
    source = source or Source(path)
    text = _decode(path, raw, source)
    if text is None:
        return source

    try:
        parts = split_front_matter(text)
    except FrontMatterError as error:
        source.problems.append(
            Problem(
                path,
                1,
                1,
                "SB002",
                str(error),
                "start the file with a line '---', then the YAML fields, then a line '---', then the Markdown text",
            )
        )
        return source

    source.yaml_offset = 1
    source.body_line = parts.body_line
    source.body = parts.body
    _parse_front_matter(source, parts.yaml)
    return source


def read_yaml_source(path: Path) -> Source:
    """Read a plain YAML file (the catalog) with the same checks as front matter."""
    source = Source(path)
    raw = _read_bytes(source)
    text = None if raw is None else _decode(path, raw, source)
    if text is not None:
        _parse_front_matter(source, text)
    return source


def _decode(path: Path, raw: bytes, source: Source) -> str | None:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        source.problems.append(
            Problem(
                path,
                line,
                column,
                "SB001",
                f"the file is not UTF-8 text (byte 0x{raw[error.start]:02x} at offset {error.start})",
                "save the file as UTF-8",
            )
        )
        return None
    return text[1:] if text.startswith("\ufeff") else text


def _parse_front_matter(source: Source, yaml_text: str) -> None:
    """Parse ``yaml_text`` into ``source``; syntax errors and duplicates become problems."""
    path, first_line = source.path, source.yaml_offset + 1
    try:
        source.data, duplicates = parse_yaml(yaml_text)
        source.parsed = True
        source.yaml_text = yaml_text
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        message = " ".join(part for part in (error.context, error.problem) if part)
        source.problems.append(
            Problem(
                path,
                mark.line + first_line if mark else None,
                mark.column + 1 if mark else None,
                "SB003",
                f"invalid YAML: {message}",
                "check indentation, and quote text containing ': ', ' #', or starting with a special character",
            )
        )
        return
    except yaml.reader.ReaderError as error:
        line = yaml_text.count("\n", 0, error.position) + first_line
        source.problems.append(
            Problem(
                path,
                line,
                None,
                "SB003",
                f"invalid YAML: {error.reason} (character {error.character!r})",
                "remove the control character",
            )
        )
        return
    except (yaml.YAMLError, RecursionError, TypeError) as error:
        source.problems.append(
            Problem(
                path,
                first_line,
                1,
                "SB003",
                f"invalid YAML: {error}",
                "use plain text keys and simple values; records need no anchors, tags or nesting tricks",
            )
        )
        return
    for key, mark, first in duplicates:
        source.problems.append(
            Problem(
                path,
                mark.line + first_line,
                mark.column + 1,
                "SB004",
                f"key {key!r} is repeated (first written on line {first.line + first_line})",
                "keep one of them: YAML would silently drop every value but the last",
            )
        )


IGNORED_NAMES = frozenset({"README.md", "readme.md", "index.md"})


def discover(paths: Iterable[Path]) -> list[Path]:
    """Record files under ``paths`` (files or folders), sorted for stable output.

    Files whose name starts with ``_`` or ``.`` (drafts, templates) and READMEs are skipped.
    """
    found: set[Path] = set()
    for path in paths:
        if path.is_dir():
            found.update(
                candidate
                for candidate in path.rglob("*.md")
                if is_record_name(candidate.name) and candidate.is_file()
            )
        else:
            found.add(path)
    return sorted(found)


def is_record_name(name: str) -> bool:
    """Whether a file name is a record: Markdown, not a draft (``_``/``.``), not a README."""
    return name.endswith(".md") and not name.startswith(("_", ".")) and name not in IGNORED_NAMES
