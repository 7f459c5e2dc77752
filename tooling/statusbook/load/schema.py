"""The shape of records and the catalog, declared once.

The same declarations check parsed YAML (reporting problems with their key paths) and
generate the published JSON Schema, so the editor's squiggles and ``statusbook validate``
cannot drift apart. Rules that need more than one field (ordering, resolution, catalog
references) live in :mod:`statusbook.validate`.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any, Final, NamedTuple, Protocol
from urllib.parse import urlsplit

from statusbook import timeutil
from statusbook.load import limits
from statusbook.load.durations import DURATION_PATTERN, parse_duration
from statusbook.load.records import KeyPath
from statusbook.model import (
    IMPAIRED_STATUSES,
    ActionStatus,
    ComponentStatus,
    Impact,
    Kind,
    MaintenanceState,
    ProblemStatus,
    UpdateStatus,
    Visibility,
    WebhookType,
)
from statusbook.timeutil import TimestampError, parse_date, parse_timestamp, start_of_day

EXTENSION_PREFIX = "x-"
#: Years 20xx only: :data:`statusbook.timeutil.YEARS`, as a pattern can say it.
TIMESTAMP_PATTERN = (
    r"^20\d{2}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|z|[+-]\d{2}(:?\d{2})?)$"
)
DATE_PATTERN = r"^20\d{2}-\d{2}-\d{2}$"
ID_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
ENV_NAME_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*$"


class Reporter(Protocol):
    def report(
        self, code: str, message: str, fix: str = "", *, at: KeyPath = (), key: bool = False
    ) -> None: ...


class _Invalid:
    """Marker for a value that failed its check (distinct from a legitimate ``None``)."""

    def __repr__(self) -> str:
        return "INVALID"


INVALID: Final = _Invalid()

_TYPE_NAMES = {
    bool: "true/false",
    int: "a number",
    float: "a number",
    str: "text",
    list: "a list",
    dict: "a mapping",
    type(None): "nothing (null)",
}


def describe(value: Any) -> str:
    return _TYPE_NAMES.get(type(value), type(value).__name__)


def suggest(word: str, choices: Any) -> str:
    """``did you mean 'x'?`` for the choice nearest ``word``, or nothing."""
    import difflib  # only a mistyped value needs it, and every command loads the schema

    matches = difflib.get_close_matches(
        str(word), [str(choice) for choice in choices], n=1, cutoff=0.6
    )
    return f"did you mean {matches[0]!r}?" if matches else ""


def _wrong_type(
    reporter: Reporter, at: KeyPath, expected: str, value: Any, fix: str = ""
) -> _Invalid:
    reporter.report("SB103", f"{label(at)} must be {expected}, not {describe(value)}", fix, at=at)
    return INVALID


def label(at: KeyPath) -> str:
    """A key path as a person reads it: ``'message' in updates › item 2``."""
    if not at:
        return "the front matter"
    *parents, last = at
    if isinstance(last, int) or not parents:
        return _parent_label(list(at)) if isinstance(last, int) else f"'{last}'"
    return f"'{last}' in {_parent_label(parents)}"


def _parent_label(steps: list[str | int]) -> str:
    return " › ".join(f"item {step + 1}" if isinstance(step, int) else step for step in steps)


class FieldType:
    """A value's type: converts parsed YAML or reports why it cannot.

    The types are small classes with ``__slots__`` and a plain ``__init__``, built once
    into the schemas at the end of this module and never changed, compared or printed.
    Not dataclasses: every method a dataclass generates is compiled when its class is
    created, and this module is imported at the start of every command.
    """

    __slots__ = ()

    def check(self, value: Any, at: KeyPath, reporter: Reporter) -> Any:
        raise NotImplementedError

    def json_schema(self) -> dict[str, Any]:
        raise NotImplementedError


class Text(FieldType):
    """Text a reader sees. ``line`` for one line (a title, a name): no line breaks or tabs.

    No text holds control characters: feeds and calendars cannot carry them (a bell in a
    title once passed here and crashed the RSS writer), and no reader can see them. Sizes
    are bounded (:mod:`statusbook.load.limits`) so every page stays quick to build.
    """

    __slots__ = ("allow_empty", "line", "url")

    def __init__(self, *, allow_empty: bool = False, url: bool = False, line: bool = False) -> None:
        self.allow_empty = allow_empty
        self.url = url
        self.line = line

    def check(self, value: Any, at: KeyPath, reporter: Reporter) -> Any:
        if not isinstance(value, str):
            fix = "put the text in quotes" if isinstance(value, (bool, int, float)) else ""
            return _wrong_type(reporter, at, "text", value, fix)
        if not self.allow_empty and (not value or value.isspace()):
            reporter.report(
                "SB105", f"{label(at)} is empty", "write the text, or remove the key", at=at
            )
            return INVALID
        if not self._fits(value, at, reporter):
            return INVALID
        if self.url and not value.startswith(("https://", "http://")):
            reporter.report(
                "SB104",
                f"{label(at)} must be an http(s) URL",
                "write the full address, starting with https://",
                at=at,
            )
            return INVALID
        return value

    @property
    def max_bytes(self) -> int:
        return limits.MAX_LINE_BYTES if self.line or self.url else limits.MAX_MESSAGE_BYTES

    def _fits(self, value: str, at: KeyPath, reporter: Reporter) -> bool:
        """SB006 for too long a text, SB106 for a character no text may hold."""
        size = limits.utf8_size(value)
        if size > self.max_bytes:
            what = "one line" if self.line else "one text"
            reporter.report(
                "SB006",
                f"{label(at)} is {size:,} bytes long; {what} may be at most {self.max_bytes:,}",
                "shorten it: readers skim a status page; long material belongs in the body "
                "or behind a link"
                if not self.line
                else "shorten it to a line",
                at=at,
            )
            return False
        index = limits.forbidden_character(value, "" if self.line else limits.MULTILINE)
        if index is None:
            return True
        character = value[index]
        if self.line and character in "\n\t":
            message = (
                f"{label(at)} must be one line, but holds {limits.describe_character(character)}"
            )
            fix = (
                "write it on one line; a '>' or '|' block adds a line break at its end, "
                "so use plain text, or '>-'"
            )
        else:
            message = (
                f"{label(at)} holds the control character {limits.describe_character(character)} "
                f"(character {index + 1})"
            )
            fix = (
                "remove it: escapes like \\a, \\x01 or \\0 in quoted text are invisible "
                "characters that feeds and calendars cannot carry"
            )
        reporter.report("SB106", message, fix, at=at)
        return False

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "string"}
        if self.url:
            schema.update(format="uri", pattern="^https?://")
        else:
            allowed = _LINE_CHARACTERS if self.line else _MESSAGE_CHARACTERS
            schema["pattern"] = (
                f"^{allowed}*$" if self.allow_empty else f"^{allowed}*\\S{allowed}*$"
            )
        schema["maxLength"] = self.max_bytes
        return schema


#: What :class:`Text` allows, as JSON Schema patterns (no control characters; line breaks
#: and tabs only in multi-line text).
_LINE_CHARACTERS = r"[^\u0000-\u001f\u007f-\u009f]"
_MESSAGE_CHARACTERS = r"[^\u0000-\u0008\u000b-\u001f\u007f-\u009f]"


#: Characters no plain URL contains: RFC 3986 leaves them out, and each one could end the
#: quoted attribute, the XML text or the chat-link syntax (``<url|label>``) a URL is put in.
_NOT_IN_URLS = frozenset("\"'<>\\^`{|}")
#: A URL pattern for editors (the JSON Schema); :class:`Url` checks more than it can say.
_URL_PATTERN = r"^https?://[^\s\"'<>\\^`{|}/?#@]+"


class Url(FieldType):
    """An address the site prints into every page, feed, API document and message.

    A catalog URL is put into ``href`` attributes of templates that do not escape it
    (Material prints ``page.canonical_url`` raw), into feeds, calendars and chat links, so
    only a plain absolute http(s) URL passes: a host, no credentials (they would be
    published), no whitespace, quotes or control characters. ``base`` URLs (``site.url``)
    are the root every address is joined onto, so they carry no query or fragment either.
    """

    __slots__ = ("base", "code")

    def __init__(self, *, base: bool = False, code: str = "SB501") -> None:
        self.base = base
        self.code = code

    def check(self, value: Any, at: KeyPath, reporter: Reporter) -> Any:
        if not isinstance(value, str):
            return _wrong_type(reporter, at, "a URL", value)
        reason = url_problem(value, base=self.base)
        if reason is None:
            return value
        example = "https://status.example.com/" if self.base else "https://example.com/path/"
        reporter.report(
            self.code,
            f"{label(at)} is not a plain http(s) URL: {reason}",
            f"write the full address, like {example}",
            at=at,
        )
        return INVALID

    def json_schema(self) -> dict[str, Any]:
        rest = r"(/[^\s\"'<>\\^`{|}?#]*)?$" if self.base else r"([/?#][^\s\"'<>\\^`{|}]*)?$"
        return {"type": "string", "format": "uri", "pattern": _URL_PATTERN + rest}


def url_problem(value: str, *, base: bool = False) -> str | None:
    """Why ``value`` is not a plain absolute http(s) URL, or ``None`` when it is one."""
    if not value.startswith(("https://", "http://")):
        return "it must start with https:// (or http://)"
    for char in value:
        if char.isspace() or char in _NOT_IN_URLS or unicodedata.category(char)[0] == "C":
            return f"it contains {_describe_char(char)}"
    try:
        parts = urlsplit(value)
    except ValueError:  # a '[' or ']' outside an IPv6 address
        return "its host is not a name or an address"
    if "@" in parts.netloc:
        return "it contains a user name or password, which every page would publish"
    try:
        if parts.port == 0:
            raise ValueError("port 0")
    except ValueError:  # not a number, or out of range
        return "its port is not a number from 1 to 65535"
    if not parts.hostname:
        return "it has no host name"
    if base and (parts.query or parts.fragment or value.endswith(("?", "#"))):
        return "the site's address cannot carry a query (?) or a fragment (#)"
    return None


def _describe_char(char: str) -> str:
    if char == " ":
        return "a space"
    if char.isprintable():
        return repr(char)
    kind = "control" if unicodedata.category(char) == "Cc" else "invisible"
    return f"the {kind} character U+{ord(char):04X}"


class Identifier(FieldType):
    def check(self, value: Any, at: KeyPath, reporter: Reporter) -> Any:
        if not isinstance(value, str):
            return _wrong_type(reporter, at, "an id", value)
        if not _is_identifier(value):
            reporter.report(
                "SB104",
                f"{label(at)} {value!r} is not a valid id",
                "use lowercase letters, digits, '-' and '_', starting with a letter or digit",
                at=at,
            )
            return INVALID
        return value

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": ID_PATTERN}


def _is_identifier(value: str) -> bool:
    return (
        bool(value)
        and value[0].isalnum()
        and all(c.isdigit() or c in "-_" or "a" <= c <= "z" for c in value)
    )


class EnvName(FieldType):
    """The name of an environment variable that holds a secret.

    The value is never repeated in a problem: when someone pastes the secret itself here,
    echoing it would print it in CI logs and pull-request annotations.
    """

    def check(self, value: Any, at: KeyPath, reporter: Reporter) -> Any:
        if not isinstance(value, str):
            return _wrong_type(reporter, at, "the name of an environment variable", value)
        if _is_env_name(value):
            return value
        secret_like = "://" in value or len(value) > 40
        reporter.report(
            "SB104",
            f"{label(at)} must be the name of an environment variable"
            + (", not the secret itself" if secret_like else ""),
            "keep the URL in a secret exposed as an environment variable (e.g. "
            "STATUSBOOK_SLACK_URL) and write only that name here"
            + ("; treat the pasted value as leaked and rotate it" if secret_like else ""),
            at=at,
        )
        return INVALID

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": ENV_NAME_PATTERN}


def _is_env_name(value: str) -> bool:
    return (
        bool(value)
        and not value[0].isdigit()
        and all(c == "_" or (c.isascii() and c.isalnum()) for c in value)
    )


class Choice(FieldType):
    __slots__ = ("_by_value", "allowed", "enum")

    def __init__(self, enum: type[StrEnum], allowed: tuple[StrEnum, ...] = ()) -> None:
        self.enum = enum
        self.allowed = allowed
        self._by_value = {member.value: member for member in self.values}

    @property
    def values(self) -> tuple[StrEnum, ...]:
        return self.allowed or tuple(self.enum)

    def check(self, value: Any, at: KeyPath, reporter: Reporter) -> Any:
        member = self._by_value.get(value) if isinstance(value, str) else None
        if member is not None:
            return member
        values = self.values
        options = ", ".join(v.value for v in values)
        hint = suggest(value, [v.value for v in values]) if isinstance(value, str) else ""
        shown = repr(value) if isinstance(value, str) else describe(value)
        reporter.report(
            "SB104",
            f"{label(at)} is {shown}; it must be one of: {options}",
            hint or f"use one of: {options}",
            at=at,
        )
        return INVALID

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "enum": [v.value for v in self.values]}


class Timestamp(FieldType):
    """An instant with a zone. ``date_ok`` also accepts a plain date (midnight UTC)."""

    __slots__ = ("date_ok",)

    def __init__(self, *, date_ok: bool = False) -> None:
        self.date_ok = date_ok

    def check(self, value: Any, at: KeyPath, reporter: Reporter) -> Any:
        if not isinstance(value, str):
            return _wrong_type(reporter, at, "a timestamp like 2026-11-20T14:05:00Z", value)
        if self.date_ok and len(value.strip()) == 10:
            try:
                return _in_range(start_of_day(parse_date(value)), value, at, reporter)
            except TimestampError:
                pass
        try:
            return _in_range(parse_timestamp(value), value, at, reporter)
        except TimestampError as error:
            if error.out_of_range:  # year 1 with +01:00 is before datetime.min in UTC
                return _out_of_range(value, at, reporter)
            if error.naive:
                reporter.report(
                    "SB202",
                    f"{label(at)} {value!r} has no time zone",
                    f"write it in UTC with a Z, e.g. {value.strip().replace(' ', 'T')}Z, or add an offset like +07:00",
                    at=at,
                )
            else:
                reporter.report(
                    "SB201",
                    f"{label(at)} {value!r} is not a timestamp",
                    "write it as 2026-11-20T14:05:00Z",
                    at=at,
                )
            return INVALID

    def json_schema(self) -> dict[str, Any]:
        if self.date_ok:
            return {
                "type": "string",
                "anyOf": [{"pattern": TIMESTAMP_PATTERN}, {"pattern": DATE_PATTERN}],
            }
        return {"type": "string", "pattern": TIMESTAMP_PATTERN}


def _in_range(instant: datetime, value: str, at: KeyPath, reporter: Reporter) -> Any:
    """``instant``, or INVALID with SB207 outside :data:`statusbook.timeutil.YEARS`."""
    return instant if timeutil.in_range(instant) else _out_of_range(value, at, reporter)


def _out_of_range(value: str, at: KeyPath, reporter: Reporter) -> _Invalid:
    reporter.report(
        "SB207",
        f"{label(at)} {value!r} is outside the years {timeutil.YEARS}",
        f"check the year: statusbook records instants from {timeutil.EARLIEST.date()} to "
        f"{(timeutil.END - timedelta(days=1)).date()}",
        at=at,
    )
    return INVALID


class Day(FieldType):
    def check(self, value: Any, at: KeyPath, reporter: Reporter) -> date | _Invalid:
        if not isinstance(value, str):
            return _wrong_type(reporter, at, "a date like 2026-12-01", value)
        try:
            day = parse_date(value)
            if not timeutil.in_range(start_of_day(day)):
                return _out_of_range(value, at, reporter)
            return day
        except TimestampError:
            reporter.report(
                "SB201", f"{label(at)} {value!r} is not a date", "write it as 2026-12-01", at=at
            )
            return INVALID

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": DATE_PATTERN}


class Number(FieldType):
    __slots__ = ("maximum", "minimum")

    def __init__(self, minimum: float | None = None, maximum: float | None = None) -> None:
        self.minimum = minimum
        self.maximum = maximum

    def check(self, value: Any, at: KeyPath, reporter: Reporter) -> Any:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return _wrong_type(reporter, at, "a number", value)
        if (
            not math.isfinite(value)
            or (self.minimum is not None and value < self.minimum)
            or (self.maximum is not None and value > self.maximum)
        ):
            shown = value if math.isfinite(value) else "not a finite number"
            reporter.report(
                "SB107",
                f"{label(at)} is {shown}; it must be between {self.minimum:g} and {self.maximum:g}"
                if self.minimum is not None and self.maximum is not None
                else f"{label(at)} is {shown}",
                f"write a number from {self.minimum:g} to {self.maximum:g}"
                if self.minimum is not None and self.maximum is not None
                else "write a finite number",
                at=at,
            )
            return INVALID
        return float(value)

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "number"}
        if self.minimum is not None:
            schema["minimum"] = self.minimum
        if self.maximum is not None:
            schema["maximum"] = self.maximum
        return schema


class Boolean(FieldType):
    def check(self, value: Any, at: KeyPath, reporter: Reporter) -> Any:
        if not isinstance(value, bool):
            return _wrong_type(reporter, at, "true or false", value)
        return value

    def json_schema(self) -> dict[str, Any]:
        return {"type": "boolean"}


class Duration(FieldType):
    """A positive length of time in days, hours and minutes, e.g. ``2h`` or ``1h30m``."""

    def check(self, value: Any, at: KeyPath, reporter: Reporter) -> Any:
        if not isinstance(value, str):
            return _wrong_type(reporter, at, "a length of time like 2h or 90m", value)
        length = parse_duration(value)
        if length is None:
            reporter.report(
                "SB104",
                f"{label(at)} {value!r} is not a length of time",
                "write it in days, hours and minutes, e.g. 2h, 90m or 1h30m",
                at=at,
            )
            return INVALID
        return length

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": DURATION_PATTERN}


class ListOf(FieldType):
    __slots__ = ("item", "min_items")

    def __init__(self, item: FieldType, *, min_items: int = 0) -> None:
        self.item = item
        self.min_items = min_items

    def check(self, value: Any, at: KeyPath, reporter: Reporter) -> Any:
        if not isinstance(value, list):
            return _wrong_type(reporter, at, "a list (items starting with '- ')", value)
        if len(value) < self.min_items:
            reporter.report("SB102", f"{label(at)} needs at least {self.min_items} item(s)", at=at)
            return INVALID
        checked = [
            self.item.check(item, (*at, index), reporter) for index, item in enumerate(value)
        ]
        return [item for item in checked if item is not INVALID]

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "array", "items": self.item.json_schema()}
        if self.min_items:
            schema["minItems"] = self.min_items
        return schema


_STATUS_CHOICES = {
    statuses: Choice(ComponentStatus, statuses)
    for statuses in (tuple(ComponentStatus), IMPAIRED_STATUSES)
}


class StatusMap(FieldType):
    """``component-id: status`` pairs. Whether the ids exist is the catalog's business."""

    __slots__ = ("statuses",)

    def __init__(self, statuses: tuple[ComponentStatus, ...]) -> None:
        self.statuses = statuses

    @property
    def status_type(self) -> Choice:
        return _STATUS_CHOICES[self.statuses]

    def check(self, value: Any, at: KeyPath, reporter: Reporter) -> Any:
        if not isinstance(value, dict):
            return _wrong_type(
                reporter, at, "a mapping of component id to status (api: major_outage)", value
            )
        status_type = self.status_type
        result: dict[str, ComponentStatus] = {}
        for component, status in value.items():
            if not isinstance(component, str):
                reporter.report(
                    "SB103",
                    f"component id {component!r} in {_parent_label(list(at))} must be text",
                    at=(*at, component),
                    key=True,
                )
                continue
            checked = status_type.check(status, (*at, component), reporter)
            if checked is not INVALID:
                result[component] = checked
        return result

    def json_schema(self) -> dict[str, Any]:
        return {
            "type": "object",
            "propertyNames": {"pattern": ID_PATTERN},
            "additionalProperties": self.status_type.json_schema(),
        }


class Field(NamedTuple):
    type: FieldType
    doc: str
    #: ``True``, or ``"incident"`` / ``"maintenance"`` when only that kind of record needs it.
    required: bool | str = False
    #: ``"incident"`` or ``"maintenance"`` when only that kind of record may carry the field.
    only_for: str | None = None

    def required_for(self, variant: str | None) -> bool:
        return self.required is True or (variant is not None and self.required == variant)


class Object(FieldType):
    __slots__ = ("_required", "discriminator", "doc", "extensions", "fields")

    def __init__(
        self,
        fields: Mapping[str, Field],
        doc: str = "",
        *,
        discriminator: str | None = None,
        extensions: bool = True,
    ) -> None:
        self.fields = fields
        self.doc = doc
        #: The key whose value picks the record variant (``kind``), for ``only_for`` fields.
        self.discriminator = discriminator
        self.extensions = extensions
        self._required = {
            variant: tuple(key for key, spec in fields.items() if spec.required_for(variant))
            for variant in (None, "incident", "maintenance")
        }

    def check(self, value: Any, at: KeyPath, reporter: Reporter) -> Any:
        if value is None and not at:
            value = {}
        if not isinstance(value, dict):
            return _wrong_type(reporter, at, "a mapping of keys to values", value)
        variant = _variant(value.get(self.discriminator)) if self.discriminator else None
        result: dict[str, Any] = {}
        for key, item in value.items():
            spec = self.fields.get(key) if isinstance(key, str) else None
            if spec is None:
                if isinstance(key, str) and self.extensions and key.startswith(EXTENSION_PREFIX):
                    result[key] = item
                    continue
                hint = suggest(key, self.fields)
                reporter.report(
                    "SB101",
                    f"unknown key {key!r}" + (f" in {_parent_label(list(at))}" if at else ""),
                    hint or f"remove it, or prefix custom data with '{EXTENSION_PREFIX}'",
                    at=(*at, key),
                    key=True,
                )
                continue
            if spec.only_for and variant and spec.only_for != variant:
                reporter.report(
                    "SB306",
                    f"{key!r} only belongs in {spec.only_for} records, and this one is {variant}",
                    _variant_fix(key, variant),
                    at=(*at, key),
                    key=True,
                )
                continue
            if item is None and not spec.required_for(variant):
                continue
            checked = spec.type.check(item, (*at, key), reporter)
            if checked is not INVALID:
                result[key] = checked
        for key in self._required[variant]:
            if value.get(key) is None:
                spec = self.fields[key]
                where = f" in {_parent_label(list(at))}" if at else ""
                reporter.report(
                    "SB102", f"missing {key!r}{where}", f"add '{key}:' — {spec.doc}", at=at
                )
        return result

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "object"}
        if self.doc:
            schema["description"] = self.doc
        schema["properties"] = {
            key: {**spec.type.json_schema(), "description": spec.doc}
            for key, spec in self.fields.items()
        }
        required = [key for key, spec in self.fields.items() if spec.required is True]
        if required:
            schema["required"] = required
        if self.extensions:
            schema["patternProperties"] = {f"^{EXTENSION_PREFIX}": {}}
        schema["additionalProperties"] = False
        if self.discriminator:
            schema["allOf"] = [
                self._variant_schema(variant) for variant in ("maintenance", "incident")
            ]
        return schema

    def _variant_schema(self, variant: str) -> dict[str, Any]:
        other = [key for key, spec in self.fields.items() if spec.only_for not in (None, variant)]
        required = [key for key, spec in self.fields.items() if spec.required == variant]
        condition = (
            {"const": Kind.MAINTENANCE.value}
            if variant == "maintenance"
            else {"not": {"const": Kind.MAINTENANCE.value}}
        )
        then: dict[str, Any] = {"not": {"anyOf": [{"required": [key]} for key in other]}}
        if required:
            then["required"] = required
        return {"if": {"properties": {self.discriminator: condition}}, "then": then}


def _variant(kind: Any) -> str | None:
    if not isinstance(kind, str) or kind not in Kind._value2member_map_:
        return None
    return "maintenance" if kind == Kind.MAINTENANCE else "incident"


def _variant_fix(key: str, variant: str) -> str:
    if variant == "maintenance" and key == "resolved":
        return "maintenance records use 'completed:' for the actual end"
    if variant == "maintenance" and key == "impact":
        return (
            "remove it: planned maintenance has no impact (it is counted as maintenance, not "
            "downtime); if this was an unplanned outage, record it with an incident kind"
        )
    if variant == "incident":
        return "remove it, or set 'kind: maintenance' if this is planned maintenance"
    return "remove it"


# --- records --------------------------------------------------------------------------------

PROBLEM_ID_PATTERN = r"^PRB-[0-9]{4,}$"


class ProblemId(FieldType):
    """A problem record's id, ``PRB-`` and at least four digits: the start of its file name."""

    def check(self, value: Any, at: KeyPath, reporter: Reporter) -> Any:
        if not isinstance(value, str):
            return _wrong_type(reporter, at, "a problem id like PRB-0001", value)
        if not is_problem_id(value):
            reporter.report(
                "SB104",
                f"{label(at)} {value!r} is not a problem id",
                "write it like PRB-0001 (the start of the problem's file name)",
                at=at,
            )
            return INVALID
        return value

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": PROBLEM_ID_PATTERN}


def is_problem_id(value: str) -> bool:
    number = value.removeprefix("PRB-")
    return value.startswith("PRB-") and len(number) >= 4 and number.isascii() and number.isdigit()


VISIBILITY = Field(
    Choice(Visibility),
    "public (default) | internal: internal text is shown on the internal site only",
)

NOTE = Object(
    {
        "at": Field(Timestamp(), "when the note was written", required=True),
        "note": Field(Text(), "the remark (Markdown)", required=True),
        "author": Field(Text(), "who wrote it"),
        "visibility": VISIBILITY,
    },
    doc="A remark that is not a status update; internal notes are for the team only.",
)

UPDATE = Object(
    {
        "at": Field(
            Timestamp(), "when the update was posted (ISO 8601 with a zone)", required=True
        ),
        "status": Field(
            Choice(UpdateStatus),
            "investigating | identified | monitoring | resolved | update "
            "(maintenance: scheduled | in_progress | verifying | completed | cancelled | update)",
            required=True,
        ),
        "message": Field(Text(), "what customers read (Markdown)", required=True),
        "author": Field(Text(line=True), "who wrote the update"),
        "components": Field(
            StatusMap(tuple(ComponentStatus)),
            "component statuses this update sets, e.g. api: partial_outage (operational when recovered)",
        ),
        "visibility": VISIBILITY,
    },
    doc="One update on the timeline.",
)

ACTION_ITEM = Object(
    {
        "title": Field(Text(line=True), "what will be done", required=True),
        "owner": Field(Text(line=True), "who is accountable", required=True),
        "status": Field(
            Choice(ActionStatus), "open | in_progress | done | cancelled (default open)"
        ),
        "due": Field(Day(), "target date, YYYY-MM-DD"),
        "link": Field(Text(url=True), "ticket or pull request"),
    },
    doc="A postmortem action item.",
)

POSTMORTEM = Object(
    {
        "summary": Field(Text(), "what happened, in a few sentences", required=True),
        "root_cause": Field(Text(), "why it happened", required=True),
        "action_items": Field(ListOf(ACTION_ITEM), "what will stop it happening again"),
        "published": Field(Timestamp(), "when the postmortem was published"),
    },
    doc="How the incident happened and how recurrence is prevented.",
)

CORRECTION = Object(
    {
        "at": Field(Timestamp(), "when the correction was made", required=True),
        "note": Field(
            Text(),
            "what was changed and why, e.g. 'fixed the time of the 14:05 update'",
            required=True,
        ),
    },
    doc="A change to already-published text or times, recorded openly.",
)

RECORD = Object(
    {
        "title": Field(Text(line=True), "a short headline customers understand", required=True),
        "kind": Field(Choice(Kind), "what sort of event this is", required=True),
        "impact": Field(
            Choice(Impact),
            "overall impact: none | minor | major | critical (incidents only: maintenance is "
            "planned, its impact none)",
            required="incident",
            only_for="incident",
        ),
        "components": Field(
            StatusMap(tuple(IMPAIRED_STATUSES)),
            "affected components and their status when the record starts, e.g. api: major_outage",
        ),
        "started": Field(
            Timestamp(),
            "when impact began (default: the first update; for maintenance: the actual start)",
        ),
        "resolved": Field(
            Timestamp(),
            "when the incident was resolved and components recovered",
            only_for="incident",
        ),
        "manager": Field(Text(line=True), "the incident manager running the response"),
        "scheduled_start": Field(
            Timestamp(),
            "planned start of the maintenance",
            required="maintenance",
            only_for="maintenance",
        ),
        "scheduled_end": Field(
            Timestamp(),
            "planned end of the maintenance",
            required="maintenance",
            only_for="maintenance",
        ),
        "completed": Field(Timestamp(), "actual end of the maintenance", only_for="maintenance"),
        "state": Field(
            Choice(MaintenanceState),
            "override the state derived from the clock: scheduled | in_progress | completed | cancelled",
            only_for="maintenance",
        ),
        "updates": Field(ListOf(UPDATE), "the timeline, oldest first"),
        "postmortem": Field(POSTMORTEM, "the postmortem, once written"),
        "corrections": Field(
            ListOf(CORRECTION),
            "changes to published updates, oldest first (required to rewrite history)",
        ),
        "visibility": Field(
            Choice(Visibility),
            "public (default) | internal: an internal record is shown on the internal site only",
        ),
        "problem": Field(
            ProblemId(),
            "the problem record this incident is a symptom of, e.g. PRB-0001",
            only_for="incident",
        ),
        "notes": Field(ListOf(NOTE), "remarks that are not updates, oldest first"),
    },
    doc="The front matter of a statusbook incident or maintenance record.",
    discriminator="kind",
)

PROBLEM = Object(
    {
        "title": Field(Text(), "the underlying problem, in a line", required=True),
        "status": Field(
            Choice(ProblemStatus),
            "investigating | known_error (root cause known, workaround documented) | resolved",
            required=True,
        ),
        "opened": Field(
            Timestamp(date_ok=True), "when the problem record was opened", required=True
        ),
        "identified": Field(
            Timestamp(date_ok=True), "when the root cause was identified (known_error from then)"
        ),
        "resolved": Field(Timestamp(date_ok=True), "when the fix removed the root cause"),
        "summary": Field(Text(), "what customers notice, in a sentence or two (public)"),
        "workaround": Field(Text(), "what customers can do until it is fixed (public)"),
        "root_cause": Field(Text(), "why it happens (internal)"),
        "owner": Field(Text(), "who is accountable for the problem (internal)"),
        "incidents": Field(
            ListOf(Text()), "ids of the incidents it caused (incidents may also say problem:)"
        ),
        "components": Field(
            ListOf(Identifier()), "components it affects besides those of its incidents"
        ),
        "action_items": Field(ListOf(ACTION_ITEM), "what will remove the root cause (internal)"),
        "notes": Field(ListOf(NOTE), "remarks, oldest first"),
        "visibility": Field(
            Choice(Visibility),
            "public (default: listed under Known issues) | internal (internal site only)",
        ),
    },
    doc="The front matter of a statusbook problem record: the root cause behind incidents.",
)

# --- the catalog -----------------------------------------------------------------------------

COMPONENT = Object(
    {
        "id": Field(Identifier(), "stable id used in records, e.g. api", required=True),
        "name": Field(Text(line=True), "display name", required=True),
        "description": Field(Text(line=True), "one line shown to customers"),
        "group": Field(Identifier(), "id of the group it belongs to"),
        "sla": Field(Number(0, 100), "promised availability in percent, e.g. 99.9"),
        "monitored_since": Field(
            Timestamp(date_ok=True),
            "uptime counts from this date (YYYY-MM-DD or a timestamp)",
            required=True,
        ),
    },
    doc="A component customers depend on.",
)

GROUP = Object(
    {
        "id": Field(Identifier(), "stable id", required=True),
        "name": Field(Text(line=True), "display name", required=True),
        "description": Field(Text(line=True), "one line shown to customers"),
    },
    doc="A heading that groups components.",
)

SITE = Object(
    {
        "name": Field(Text(line=True), "the status page's name", required=True),
        "url": Field(Url(base=True), "public address of the published site"),
        "language": Field(Text(line=True), "site language: en or id"),
        "time_zone": Field(
            Text(line=True), "IANA zone for calendar periods and displayed times (default UTC)"
        ),
        "edit_url": Field(Url(), "prefix for 'edit this record' links"),
        "edit_links": Field(
            Boolean(), "show 'edit this record' links on the public site (default false)"
        ),
        "internal_url": Field(
            Url(base=True),
            "address of the internal site (statusbook build --audience internal), behind access control",
        ),
    },
    doc="Site settings.",
)

WEIGHTS = Object(
    {
        status.value: Field(Number(0, 1), f"downtime weight of {status.value}")
        for status in IMPAIRED_STATUSES
    },
    doc="How much of each status counts as downtime (0–1).",
    extensions=False,
)

SLA_POLICY = Object(
    {
        "weights": Field(
            WEIGHTS, "downtime weight per status (default major 1, partial 0.3, others 0)"
        ),
        "exclude_maintenance": Field(
            Boolean(), "leave scheduled maintenance out of the SLA (default true)"
        ),
    },
    doc="How downtime counts against the SLA.",
)

WEBHOOK = Object(
    {
        "name": Field(
            Identifier(), "stable name, e.g. ops-slack (keys the sent-log)", required=True
        ),
        "type": Field(
            Choice(WebhookType),
            "slack | teams | discord | json (Statuspage's webhook body)",
            required=True,
        ),
        "url_env": Field(
            EnvName(),
            "name of the environment variable holding the webhook URL (never the URL itself)",
            required=True,
        ),
        "components": Field(
            ListOf(Identifier(), min_items=1),
            "only changes touching these component or group ids (default: every component)",
        ),
        "min_impact": Field(
            Choice(Impact),
            "only incidents of at least this impact: none | minor | major | critical",
        ),
        "maintenance": Field(Boolean(), "send scheduled maintenance too (default true)"),
    },
    doc="A webhook that statusbook notify posts changes to.",
)

NOTIFICATIONS = Object(
    {
        "webhooks": Field(ListOf(WEBHOOK), "where statusbook notify posts each change"),
    },
    doc="Push notifications of new incidents, updates and maintenance.",
)

SUBSCRIPTIONS = Object(
    {
        "url": Field(
            Url(base=True),
            "public address of the subscription service (statusbook subscriptions serve); "
            "the page's Subscribe form posts to it",
            required=True,
        ),
        "secret_env": Field(
            EnvName(),
            "name of the environment variable holding the secret statusbook notify and the "
            "service share (default STATUSBOOK_SUBSCRIPTIONS_SECRET)",
        ),
    },
    doc="Readers subscribe themselves by email or webhook through the subscription service.",
)

DEMO = Object(
    {
        "as_of": Field(
            Timestamp(),
            "the instant the examples show; statusbook build and serve default to it",
            required=True,
        ),
    },
    doc="The records are examples fixed in time (statusbook init --remove-examples removes them).",
)

REMINDERS = Object(
    {
        "stale_after": Field(
            Duration(),
            "warn when an open incident's latest update is older than this (default 2h)",
        ),
    },
    doc="Reminders for the people running incidents (statusbook validate warns, SB310).",
)

CATALOG = Object(
    {
        "site": Field(SITE, "site settings", required=True),
        "records": Field(
            Text(line=True),
            "folder of incident records, relative to this file (default incidents)",
        ),
        "problems": Field(
            Text(), "folder of problem records, relative to this file (default problems)"
        ),
        "sla": Field(SLA_POLICY, "how downtime counts"),
        "groups": Field(ListOf(GROUP), "component groups, in display order"),
        "components": Field(
            ListOf(COMPONENT, min_items=1), "components, in display order", required=True
        ),
        "notifications": Field(NOTIFICATIONS, "webhooks that statusbook notify posts to"),
        "reminders": Field(REMINDERS, "when validate reminds people to update customers"),
        "subscriptions": Field(
            SUBSCRIPTIONS, "the subscription service readers subscribe through (optional)"
        ),
        "demo": Field(DEMO, "marks the records as examples shown at a fixed instant"),
    },
    doc="statusbook catalog: components, groups, SLA policy and site settings.",
)


def record_json_schema() -> dict[str, Any]:
    return _document(
        RECORD, "https://statusbook.dev/schema/record.schema.json", "statusbook record front matter"
    )


def problem_json_schema() -> dict[str, Any]:
    return _document(
        PROBLEM,
        "https://statusbook.dev/schema/problem.schema.json",
        "statusbook problem record front matter",
    )


def catalog_json_schema() -> dict[str, Any]:
    return _document(
        CATALOG, "https://statusbook.dev/schema/catalog.schema.json", "statusbook catalog"
    )


def _document(spec: Object, schema_id: str, title: str) -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": schema_id,
        "title": title,
        **spec.json_schema(),
    }
