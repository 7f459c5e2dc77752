"""People-facing words and dates in the site's language.

The words are data, one file per language (``statusbook/translations/<code>.json``, the
code being the catalog's ``site.language``; that folder's README describes the file), so
adding a language is adding one file, written by a translator rather than a programmer;
tests/test_i18n.py holds every file to English's keys and placeholders. A file is read when
a text in its language is first asked for, so a command that prints nothing translated
never parses one.

Enum values are looked up as ``status.<value>``, ``impact.<value>``, ``kind.<value>``,
``update.<value>``, ``banner.<indicator>``, so templates never spell a label themselves.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from statusbook.timeutil import zone

#: The folder of translation files shipped in the package (a plain path: importlib.resources
#: would import tempfile and shutil into every command that only reads).
TRANSLATIONS = Path(__file__).with_name("translations")
#: Labels missing from a language are taken from this one (and a test allows none missing).
FALLBACK = "en"


def _languages() -> tuple[str, ...]:
    return tuple(sorted(path.stem for path in TRANSLATIONS.glob("*.json")))


#: Every language a site can be written in: the codes of the translation files.
LANGUAGES = _languages()


class TranslationError(ValueError):
    """A translation file that cannot be used: which file, and what to fix."""


@cache
def translation(language: str) -> Mapping[str, Any]:
    """The parsed translation file of ``language``, checked for the shape the code reads."""
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language {language!r}; use one of: {', '.join(LANGUAGES)}")
    import json

    where = f"statusbook/translations/{language}.json"
    try:
        data = json.loads((TRANSLATIONS / f"{language}.json").read_bytes())
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise TranslationError(f"{where}: not JSON text: {error}") from None
    _check(data, where)
    return data


def _check(data: Any, where: str) -> None:
    def fail(what: str) -> None:
        raise TranslationError(f"{where}: {what}")

    if not isinstance(data, dict):
        fail("expected a mapping with name, formats, months, short_months, labels")
    for key in ("months", "short_months"):
        if not (isinstance(data.get(key), list) and len(data[key]) == 12):
            fail(f"{key!r} must list the 12 months, January first")
    units = data.get("duration_units")
    if not (isinstance(units, dict) and set(units) == {"day", "hour", "minute", "second"}):
        fail("'duration_units' must give day, hour, minute and second")
    formats = data.get("formats")
    wanted = {"decimal_separator", "time_separator", "date_time_separator"}
    if not (isinstance(formats, dict) and set(formats) == wanted):
        fail(f"'formats' must give {', '.join(sorted(wanted))}")
    labels = data.get("labels")
    if not (isinstance(labels, dict) and all(isinstance(v, str) for v in labels.values())):
        fail("'labels' must map each key to a text")


def labels(language: str) -> Mapping[str, str]:
    """Every label of ``language`` by key."""
    return translation(language)["labels"]


def label(language: str, key: str) -> str:
    """One label in ``language``, in English where the language has none."""
    found = labels(language).get(key)
    return found if found is not None else labels(FALLBACK)[key]


def is_placeholder(text: str) -> bool:
    """Whether ``text`` is still the CLI's placeholder, in any language (say the site's
    language changed after ``statusbook postmortem`` wrote it)."""
    start = text.strip().casefold()
    return any(start.startswith(label(code, "cli.placeholder").casefold()) for code in LANGUAGES)


class Translator:
    """Labels, dates and durations for one language and display time zone."""

    def __init__(self, language: str = "en", time_zone: str = "UTC") -> None:
        data = translation(language)
        self.language = language
        self.zone = zone(time_zone)
        self.table: Mapping[str, str] = data["labels"]
        self.months: list[str] = data["months"]
        self.short_months: list[str] = data["short_months"]
        self._formats: Mapping[str, str] = data["formats"]
        units = data["duration_units"]
        self._units = (units["day"], units["hour"], units["minute"], units["second"])

    def __call__(self, key: str, **values: object) -> str:
        text = self.table.get(key)
        if text is None:
            text = labels(FALLBACK).get(key, key)
        return text.format(**values) if values else text

    def local(self, value: datetime) -> datetime:
        return value.astimezone(self.zone)

    def date(self, value: datetime) -> str:
        """``21 Nov 2026`` in the site's zone."""
        local = self.local(value)
        return f"{local.day} {self.short_months[local.month - 1]} {local.year}"

    def time(self, value: datetime) -> str:
        local = self.local(value)
        separator = self._formats["time_separator"]
        return f"{local.hour:02d}{separator}{local.minute:02d} {local.tzname()}"

    def datetime(self, value: datetime) -> str:
        """``21 Nov 2026, 14:05 UTC``: what a person reads next to a ``<time>`` element."""
        return f"{self.date(value)}{self._formats['date_time_separator']}{self.time(value)}"

    def month(self, year: int, month: int) -> str:
        return f"{self.months[month - 1]} {year}"

    def duration(self, delta: timedelta | float | int) -> str:
        """``2 h 05 min``, ``3 d 4 h``, ``45 s`` (``j``/``mnt`` in Indonesian)."""
        seconds = int(delta.total_seconds() if isinstance(delta, timedelta) else delta)
        day, hour, minute, second = self._units
        if seconds < 60:
            return f"{seconds} {second}"
        minutes = seconds // 60
        hours, minutes = divmod(minutes, 60)
        days, hours = divmod(hours, 24)
        if days:
            return f"{days} {day} {hours} {hour}" if hours else f"{days} {day}"
        if hours:
            return f"{hours} {hour} {minutes:02d} {minute}"
        return f"{minutes} {minute}"

    def percent(self, value: float, digits: int = 2) -> str:
        text = f"{value:.{digits}f}".replace(".", self._formats["decimal_separator"])
        return text + "%"
