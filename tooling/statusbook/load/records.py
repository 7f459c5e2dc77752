"""Reading record files: bytes → front matter data + Markdown body, with source positions.

Parsing uses libyaml through PyYAML's ``CSafeLoader`` (fast, and it never builds arbitrary
objects). Two things PyYAML does silently are made loud here: a key written twice keeps
only its last value, and unquoted timestamps become naive ``datetime`` objects. Duplicates
are reported; timestamps are left as text for :mod:`statusbook.timeutil` to judge.

Line numbers are found lazily: the composed YAML node tree is kept, and a problem's
location is looked up by its key path only when a problem is actually reported.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import Any, ClassVar, NamedTuple, cast

import yaml

from statusbook.load.frontmatter import FrontMatterError, split_front_matter
from statusbook.load.limits import (
    BODY,
    MAX_BODY_BYTES,
    MAX_CATALOG_BYTES,
    MAX_NUMBER_LENGTH,
    MAX_RECORD_BYTES,
    describe_character,
    forbidden_character,
    utf8_size,
)
from statusbook.problems import Problem

_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"

KeyPath = tuple[str | int, ...]


_STR, _MAP, _SEQ = (f"tag:yaml.org,2002:{name}" for name in ("str", "map", "seq"))
_MERGE = "tag:yaml.org,2002:merge"
_INT, _FLOAT = "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"


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
        #: A merge key is written ``<<``: without one in the text no mapping can hold one.
        self.may_merge = "<<" in stream
        #: (key, where it is repeated, where it first appeared)
        self.duplicates: list[tuple[Any, yaml.Mark, yaml.Mark]] = []
        #: Where a number too long to be one is written (kept as its text).
        self.long_numbers: list[yaml.Mark] = []

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        """Path resolvers only: a front matter has none, and the parser calls this per node."""

    def ascend_resolver(self) -> None:
        """Path resolvers only (see :meth:`descend_resolver`)."""

    def resolve(self, kind: type[yaml.Node], value: Any, implicit: Any) -> str:
        """PyYAML's tag resolution, without its per-node list building and its path
        resolvers (a front matter has none): the parser asks once per node, and most nodes
        are plain text. Same answers: the first implicit resolver that matches, by the
        value's first character and then the wildcard ones, else the default tag."""
        if kind is yaml.ScalarNode:
            if implicit[0]:
                for tag, regexp in _RESOLVERS.get(value[:1], _WILDCARD):
                    if regexp.match(value):
                        return tag
            return _STR
        return _SEQ if kind is yaml.SequenceNode else _MAP

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        """SafeConstructor's, with its plain exceptions turned into marked YAML errors.

        An explicit ``!!timestamp 2026-13-45`` that Python cannot build raises
        ``ValueError`` (``!!timestamp "2026-11-20 x"`` even ``AttributeError``); as a YAML
        error it becomes a problem at its line. A number longer than any record needs is
        kept as its text and reported (SB107): Python refuses to convert 4,300 digits.
        """
        if (
            node.tag in (_INT, _FLOAT)
            and isinstance(node, yaml.ScalarNode)
            and len(node.value) > MAX_NUMBER_LENGTH
        ):
            self.long_numbers.append(node.start_mark)
            return node.value
        try:
            return super().construct_object(node, deep=deep)
        except yaml.YAMLError:
            raise
        except RecursionError:
            raise
        except Exception:  # any constructor's failure on untrusted input: ValueError,
            # OverflowError, or AttributeError from PyYAML's own !!timestamp constructor
            # when its resolver and its regular expression disagree
            kind = str(node.tag).rsplit(":", 1)[-1]
            raise yaml.constructor.ConstructorError(
                None, None, f"this value cannot be read as {kind}", node.start_mark
            ) from None

    def construct_plain(self, root: yaml.Node) -> Any:
        """Build data from the node tree, doing the common tags directly.

        Strings, plain mappings and sequences (nearly every node of a record) skip
        SafeConstructor's generic machinery, which is most of the cost of a parse; other
        tags and merge keys go through it unchanged. Aliased nodes are built once, so an
        alias bomb stays as small as its text.
        """
        return _build(self, root, {})

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


def _build(loader: _FrontMatterLoader, node: yaml.Node, built: dict[int, Any]) -> Any:
    """One node of :meth:`_FrontMatterLoader.construct_plain`; ``built`` holds the nodes
    built so far, by identity.

    A function of its own rather than a closure in ``construct_plain``: a closure that
    calls itself is a reference cycle, which would keep each record's loader and every
    value built alive until the cyclic garbage collector ran, and make it run more often.
    """
    tag = node.tag
    if tag == _STR:
        return node.value
    identity = id(node)
    if identity in built:
        return built[identity]
    if tag == _SEQ and isinstance(node, yaml.SequenceNode):
        value: Any = [_build(loader, item, built) for item in node.value]
    elif (
        tag == _MAP
        and isinstance(node, yaml.MappingNode)
        and not (loader.may_merge and _has_merge(node))
    ):
        value = {}
        for key_node, value_node in node.value:
            key = _build(loader, key_node, built)
            if key in value:
                loader._duplicate(node, key_node, key)
            value[key] = _build(loader, value_node, built)
    else:
        value = loader.construct_object(node, deep=True)
    built[identity] = value
    return value


#: The loader's implicit resolvers by a value's first character ("" for an empty value),
#: the wildcard ones appended, as PyYAML's ``resolve`` looks them up.
_Resolvers = tuple[tuple[str, re.Pattern[str]], ...]
# PyYAML keys the wildcard resolvers by None, though its stubs say str.
_TABLE = cast(
    dict[str | None, list[tuple[str, re.Pattern[str]]]], _FrontMatterLoader.yaml_implicit_resolvers
)
_WILDCARD: _Resolvers = tuple(_TABLE.get(None, []))
_RESOLVERS: dict[str, _Resolvers] = {
    first: (*resolvers, *_WILDCARD) for first, resolvers in _TABLE.items() if first is not None
}


def _has_merge(node: yaml.MappingNode) -> bool:
    return any(key.tag == _MERGE for key, _ in node.value)


def parse_yaml(text: str) -> tuple[Any, list[tuple[Any, yaml.Mark, yaml.Mark]]]:
    """Parse one YAML document; returns the data and any duplicate keys."""
    data, duplicates, _long_numbers = _parse_checked(text)
    return data, duplicates


def _compose(text: str) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=_FrontMatterLoader)
    except (yaml.YAMLError, RecursionError):
        return None


class Source:
    """A record file as read: its data and where each piece of it came from. Filled in as
    the file is read, so a plain class (a dataclass compiles its methods at import)."""

    __slots__ = (
        "body",
        "body_line",
        "data",
        "parsed",
        "path",
        "problems",
        "yaml_offset",
        "yaml_text",
    )

    def __init__(self, path: Path) -> None:
        self.path = path
        self.data: Any = None
        self.body = ""
        #: 1-based line in the file where the Markdown body begins.
        self.body_line = 1
        #: The front matter text, kept so positions can be found when a problem needs one.
        self.yaml_text: str | None = None
        #: 0-based file line of the YAML text's first line.
        self.yaml_offset = 0
        #: True once the YAML parsed; problems may still exist (duplicate keys).
        self.parsed = False
        self.problems: list[Problem] = []

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
    raw = _read_bytes(source, MAX_RECORD_BYTES)
    return source if raw is None else parse_source(path, raw, source)


def _read_bytes(source: Source, limit: int) -> bytes | None:
    """The file's bytes, or ``None`` with a problem: unreadable, not a file, or too large.

    The file is opened without blocking and checked before anything is read: a named pipe
    or a device given as a record would otherwise wait forever for a writer, and a
    gigabyte would be read only to be refused. At most ``limit + 1`` bytes are read, so a
    file growing meanwhile is still refused, not swallowed.

    The first read asks for the size ``fstat`` gave, plus one byte to notice growth: asking
    for ``limit + 1`` at once would make Python allocate a buffer of that size (a mebibyte)
    for every record, which costs more than reading a few kilobytes. Only a file that grew
    since is read on, up to the limit.
    """
    path = source.path
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        source.problems.append(
            Problem(path, None, None, "SB001", f"cannot read the file: {error.strerror or error}")
        )
        return None
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            source.problems.append(_not_a_file(path, status.st_mode))
            return None
        if status.st_size > limit:
            source.problems.append(too_large(path, status.st_size, limit))
            return None
        with os.fdopen(descriptor, "rb", closefd=False) as stream:
            raw = stream.read(status.st_size + 1)
            if len(raw) > status.st_size:
                raw += stream.read(limit + 1 - len(raw))
            return raw
    except OSError as error:
        source.problems.append(
            Problem(path, None, None, "SB001", f"cannot read the file: {error.strerror or error}")
        )
        return None
    finally:
        os.close(descriptor)


def _not_a_file(path: Path, mode: int) -> Problem:
    what = (
        "a folder"
        if stat.S_ISDIR(mode)
        else "a named pipe"
        if stat.S_ISFIFO(mode)
        else "a socket"
        if stat.S_ISSOCK(mode)
        else "a device"
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
        else "not a regular file"
    )
    return Problem(
        path,
        None,
        None,
        "SB005",
        f"this is {what}, not a file: records and the catalog are read only from regular files",
        "give the path of a record file (or a folder of them); statusbook never reads pipes "
        "or devices, which could wait forever",
    )


def too_large(path: Path, size: int, limit: int, line: int | None = 1) -> Problem:
    """SB006 for a whole file of ``size`` bytes."""
    return Problem(
        path,
        line,
        1 if line is not None else None,
        "SB006",
        f"the file is {_size(size)}; a file may be at most {_size(limit)}",
        "a status record never needs this much: move long material (logs, data) elsewhere and "
        "link to it",
    )


def _size(count: int) -> str:
    if count < 1024:
        return f"{count} bytes"
    if count < 1024 * 1024:
        return f"{count / 1024:.0f} KiB" if count % 1024 == 0 else f"{count / 1024:.1f} KiB"
    return f"{count / (1024 * 1024):.1f} MiB"


def parse_source(
    path: Path, raw: bytes, source: Source | None = None, *, limit: int = MAX_RECORD_BYTES
) -> Source:
    """Split ``raw`` into front matter and body and parse the front matter."""
    source = source or Source(path)
    if len(raw) > limit:
        source.problems.append(too_large(path, len(raw), limit))
        return source
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
    _check_body(source)
    _parse_front_matter(source, parts.yaml)
    return source


def _check_body(source: Source) -> None:
    """The Markdown body: bounded in size, and free of control characters at their line."""
    body = source.body
    size = utf8_size(body)
    if size > MAX_BODY_BYTES:
        source.problems.append(
            Problem(
                source.path,
                source.body_line,
                1,
                "SB006",
                f"the Markdown body is {_size(size)}; it may be at most {_size(MAX_BODY_BYTES)}",
                "keep the narrative and postmortem readable: move logs and data elsewhere and "
                "link to them",
            )
        )
    index = forbidden_character(body, BODY)
    if index is not None:
        line_start = body.rfind("\n", 0, index) + 1
        source.problems.append(
            Problem(
                source.path,
                source.body_line + body.count("\n", 0, index),
                index - line_start + 1,
                "SB106",
                f"the Markdown body holds the control character {describe_character(body[index])}",
                "delete it (it is invisible in most editors; it came from a paste or a tool), "
                "and any others like it",
            )
        )


def read_yaml_source(path: Path) -> Source:
    """Read a plain YAML file (the catalog) with the same checks as front matter."""
    source = Source(path)
    raw = _read_bytes(source, MAX_CATALOG_BYTES)
    if raw is not None and len(raw) > MAX_CATALOG_BYTES:
        source.problems.append(too_large(path, len(raw), MAX_CATALOG_BYTES))
        return source
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
        source.data, duplicates, long_numbers = _parse_checked(yaml_text)
        source.parsed = True
        source.yaml_text = yaml_text
    except yaml.MarkedYAMLError as error:
        source.problems.append(_syntax_problem(path, error, first_line))
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
    for mark in long_numbers:
        source.problems.append(
            Problem(
                path,
                mark.line + first_line,
                mark.column + 1,
                "SB107",
                f"this number is longer than {MAX_NUMBER_LENGTH} characters",
                "no figure in a record needs so many digits; if it is an id or other text, "
                "put it in quotes",
            )
        )


def _parse_checked(
    text: str,
) -> tuple[Any, list[tuple[Any, yaml.Mark, yaml.Mark]], list[yaml.Mark]]:
    loader = _FrontMatterLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_plain(node) if node is not None else None
        return data, loader.duplicates, loader.long_numbers
    finally:
        loader.dispose()


#: Errors about something opened and never closed: the opening is where to look.
_UNCLOSED = (
    "while scanning a quoted scalar",
    "while parsing a flow",
    "while scanning a block scalar",
)


def _syntax_problem(path: Path, error: yaml.MarkedYAMLError, first_line: int) -> Problem:
    """SB003 at the place to fix: for an unclosed quote or bracket, where it opens.

    PyYAML marks such an error where it gave up looking for the close — usually the end
    of the front matter, many lines from the stray quote.
    """
    context, problem = error.context or "", error.problem or ""
    opened = error.context_mark is not None and context.startswith(_UNCLOSED)
    mark = (error.context_mark if opened else error.problem_mark) or error.context_mark
    message = " ".join(part for part in (context, problem) if part)
    fix = "check indentation, and quote text containing ': ', ' #', or starting with a special character"
    if opened and error.problem_mark is not None:
        looked = error.problem_mark.line + first_line
        message = (
            f"the quote that opens here is never closed (YAML read on to line {looked})"
            if context.startswith("while scanning a quoted scalar")
            else f"{message} (on line {looked})"
        )
        fix = (
            'close the quote or bracket that opens here; inside double quotes write \\" for a '
            "quote, inside single quotes ''"
        )
    return Problem(
        path,
        mark.line + first_line if mark else None,
        mark.column + 1 if mark else None,
        "SB003",
        f"invalid YAML: {message}",
        fix,
    )


def _path_key(path: Path) -> tuple[str, ...]:
    return path.parts


IGNORED_NAMES = frozenset({"README.md", "readme.md", "index.md"})


class Survey(NamedTuple):
    """The record files under some paths, and the look-alikes that will not be read."""

    files: list[Path]
    #: SB405 warnings (a broken link, ``.MD``) and SB001 for folders that cannot be listed.
    skipped: list[Problem]


def discover(paths: Iterable[Path]) -> list[Path]:
    """Record files under ``paths`` (files or folders), sorted for stable output.

    Files whose name starts with ``_`` or ``.`` (drafts, templates) and READMEs are skipped.
    """
    return survey(paths).files


def survey(paths: Iterable[Path]) -> Survey:
    """:func:`discover`, saying what it passed over that looks like a record.

    A file given by name is always a candidate (reading it reports what is wrong with
    it). In a folder only regular files (or links to them) are: a link to nothing, a link
    loop and a name ending in ``.MD`` are not read, nor a named pipe called ``x.md``
    (reading it would wait forever) — and a person who meant them as records is told so,
    instead of the record silently missing from the page. Links to folders are not
    followed, as before.
    """
    found: set[Path] = set()
    skipped: list[Problem] = []
    for path in paths:
        if _is_folder(path):
            for folder, _folders, names in os.walk(path, onerror=lambda e: _unlisted(e, skipped)):
                for name in names:
                    candidate = Path(folder, name)
                    if is_record_name(name):
                        problem = _unreadable_entry(candidate)
                        if problem is None:
                            found.add(candidate)
                        else:
                            skipped.append(problem)
                    elif _wrong_case(name):
                        skipped.append(_case_problem(candidate))
        else:
            found.add(path)
    # Sorted by path parts, as Path's own order is, without its slow comparisons.
    return Survey(sorted(found, key=_path_key), sorted(skipped, key=Problem.sort_key))


def _is_folder(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:  # a name too long, say: reading it as a file reports why
        return False


def _unlisted(error: OSError, skipped: list[Problem]) -> None:
    where = Path(error.filename) if error.filename else Path(".")
    skipped.append(
        Problem(
            where,
            None,
            None,
            "SB001",
            f"cannot list the folder: {error.strerror or error}",
            "make the folder readable, or move the records out of it",
        )
    )


def _unreadable_entry(path: Path) -> Problem | None:
    """Why a record-named entry of a folder is not read: a broken link (SB405) or not a
    regular file (SB005); ``None`` for a file to read."""
    try:
        mode = path.stat().st_mode
    except OSError as error:
        if not path.is_symlink():
            return Problem(path, None, None, "SB001", f"cannot read the file: {error.strerror}")
        try:
            target = os.readlink(path)
        except OSError:
            target = "?"
        why = "loops back on itself" if error.errno == errno.ELOOP else "points to nothing"
        return Problem(
            path,
            None,
            None,
            "SB405",
            f"skipped: this symbolic link (to {target!r}) {why}",
            "point the link at a record file, or remove it",
        )
    return None if stat.S_ISREG(mode) else _not_a_file(path, mode)


def _wrong_case(name: str) -> bool:
    """A name that would be a record but for the case of its ``.md``."""
    lowered = name[:-3] + name[-3:].lower()
    return not name.endswith(".md") and lowered.endswith(".md") and is_record_name(lowered)


def _case_problem(path: Path) -> Problem:
    return Problem(
        path,
        None,
        None,
        "SB405",
        f"skipped: {path.name!r} ends in {path.suffix!r}, and only names ending in '.md' are records",
        f"rename it to {path.stem}.md (or start its name with '_' to keep it as a draft)",
    )


def is_record_name(name: str) -> bool:
    """Whether a file name is a record: Markdown, not a draft (``_``/``.``), not a README."""
    return name.endswith(".md") and not name.startswith(("_", ".")) and name not in IGNORED_NAMES
