"""Timestamps: everything is timezone-aware and normalised to UTC."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, tzinfo


class TimestampError(ValueError):
    """A timestamp could not be read; ``naive`` tells a missing zone from garbage."""

    def __init__(self, message: str, *, naive: bool = False, out_of_range: bool = False) -> None:
        super().__init__(message)
        self.naive = naive
        #: A real timestamp, but outside :data:`YEARS` (or the calendar itself).
        self.out_of_range = out_of_range


#: Instants records, the catalog and ``--now`` may name: this century. Arithmetic with
#: offsets, clock tolerances and calendar periods never overflows inside it, and a typo in
#: the year (0226, 9026) is caught instead of building thousands of empty history pages.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
#: The first instant after the range.
END = datetime(2100, 1, 1, tzinfo=UTC)
YEARS = f"{EARLIEST.year}–{END.year - 1}"


class UnknownZone(ValueError):
    """A name that is not an IANA time zone."""


def zone(name: str) -> tzinfo:
    """The IANA time zone ``name``; raises :class:`UnknownZone` for anything else.

    ``UTC``, what most catalogs say, is answered without the zone database: importing
    :mod:`zoneinfo` and reading its files is a few milliseconds of every command's start.
    """
    if name == "UTC":
        return UTC
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UnknownZone(f"{name!r} is not an IANA time zone") from None


def in_range(instant: datetime) -> bool:
    """Whether an aware ``instant`` lies in :data:`YEARS`."""
    return EARLIEST <= instant < END


def parse_timestamp(text: str) -> datetime:
    """Parse ISO 8601 with an explicit zone (``Z`` or an offset) into UTC.

    A time without a zone is refused: in a public record "14:00" means a different
    instant to every reader, so the writer must say which one they meant.
    """
    candidate = text.strip()
    try:
        value = datetime.fromisoformat(candidate)
    except ValueError:
        raise TimestampError(f"{text!r} is not an ISO 8601 timestamp") from None
    if value.tzinfo is None or value.utcoffset() is None:
        raise TimestampError(f"{text!r} has no time zone", naive=True)
    try:
        return value.astimezone(UTC)
    except OverflowError:  # year 1 or 9999 shifted past the calendar's end by its offset
        raise TimestampError(f"{text!r} is outside the years {YEARS}", out_of_range=True) from None


def parse_date(text: str) -> date:
    """Parse an ISO 8601 calendar date (``2026-11-20``)."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise TimestampError(f"{text!r} is not an ISO 8601 date (YYYY-MM-DD)") from None


def start_of_day(day: date) -> datetime:
    """Midnight UTC at the start of ``day``."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def format_timestamp(value: datetime) -> str:
    """The canonical way statusbook writes an instant: UTC, seconds, ``Z``."""
    utc = value.astimezone(UTC).replace(microsecond=0)
    return utc.strftime("%Y-%m-%dT%H:%M:%SZ")


def resolve_now(explicit: str | None = None, environ: dict[str, str] | None = None) -> datetime:
    """The instant a command or build works at.

    An explicit ``--now`` wins, then ``SOURCE_DATE_EPOCH`` (reproducible builds), then the
    clock. This is the only place statusbook reads the clock.
    """
    if explicit:
        return _in_years(parse_timestamp(explicit), explicit)
    env = os.environ if environ is None else environ
    epoch = env.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            instant = datetime.fromtimestamp(int(epoch), tz=UTC)
        except (ValueError, OverflowError, OSError):
            raise TimestampError(
                f"SOURCE_DATE_EPOCH={epoch!r} is not a whole number of seconds"
            ) from None
        return _in_years(instant, f"SOURCE_DATE_EPOCH={epoch}")
    return datetime.now(UTC).replace(microsecond=0)


def _in_years(instant: datetime, given: str) -> datetime:
    """``instant``, if records could be judged at it (see :data:`YEARS`)."""
    if not in_range(instant):
        raise TimestampError(f"{given!r} is outside the years {YEARS}", out_of_range=True)
    return instant
