"""Times as people type them at 3 a.m.: ``14:05``, ``-10m``, or full ISO 8601.

Records store UTC; people think in their own zone. Everything typed is read in an explicit
zone (the site's, or one given on the command line) and the result is always shown back
with that zone named, so a wrong guess is visible before it is published.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Literal

from statusbook.timeutil import YEARS, UnknownZone, format_timestamp, in_range, zone

#: A time of day a few minutes ahead of the clock still means today (clocks drift).
_AHEAD_TOLERANCE = timedelta(minutes=5)
#: A past time of day further ahead than the tolerance is yesterday's only when that is the
#: nearer reading (23:50 typed at 00:10); 06:50 typed at 06:37 is a slip, not yesterday.
_NEAREST = timedelta(hours=12)
# Patterns as text, compiled (and cached by :mod:`re`) when a time is first read: commands
# that read none, like ``list`` without ``--since``, skip their compilation at start-up.
_RELATIVE = r"^([+-])\s*((?:\d+\s*[wdhms]\s*)+)$"
_RELATIVE_PART = r"(\d+)\s*([wdhms])"
_TIME_OF_DAY = r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$"
_UNITS = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes", "s": "seconds"}

Direction = Literal["past", "future"]


class WhenError(ValueError):
    """A time could not be understood; the message says what is accepted."""


HELP = "ISO 8601 (2026-11-21T14:05Z, or without a zone in the site's zone), a time of day (14:05), 'now', or relative (-10m, -1h30m, +2h)"


def zone_named(name: str) -> tzinfo:
    """An IANA zone; ``UTC`` and ``Z`` are accepted as they are."""
    if name.strip().upper() in ("UTC", "Z"):
        return UTC
    try:
        return zone(name.strip())
    except UnknownZone:
        raise WhenError(
            f"{name!r} is not an IANA time zone; use a name like UTC, Europe/Berlin or Asia/Jakarta"
        ) from None


def parse_when(
    text: str, *, now: datetime, zone: tzinfo = UTC, direction: Direction = "past"
) -> datetime:
    """The UTC instant ``text`` means at ``now``, reading zone-less input in ``zone``.

    A bare time of day is the most recent such time for ``direction="past"`` (an update
    at 23:50 typed at 00:10 happened yesterday) — unless today's is only a little ahead
    (06:50 typed at 06:37), which is refused rather than silently read as yesterday's —
    and the next one for ``"future"`` (a maintenance window starting at 02:00).
    """
    try:
        instant: datetime | None = _parse(text, now, zone, direction)
    except WhenError:
        raise
    except (OverflowError, ValueError):  # a relative time or an offset past the calendar
        instant = None
    if instant is None or not in_range(instant):
        raise WhenError(f"{text!r} is outside the years {YEARS}; check the date or the amount")
    return instant


def _parse(text: str, now: datetime, zone: tzinfo, direction: Direction) -> datetime:
    value = text.strip()
    if not value:
        raise WhenError(f"no time given; use {HELP}")
    if value.lower() == "now":
        return now.astimezone(UTC)
    relative = re.match(_RELATIVE, value)
    if relative:
        sign, parts = relative.groups()
        delta = timedelta()
        for amount, unit in re.findall(_RELATIVE_PART, parts):
            delta += timedelta(**{_UNITS[unit]: int(amount)})
        return (now + delta if sign == "+" else now - delta).astimezone(UTC)
    clock = re.match(_TIME_OF_DAY, value)
    if clock:
        return _time_of_day(clock, now, zone, direction, text)
    try:
        parsed = datetime.fromisoformat(value.replace(" UTC", "Z").replace("z", "Z"))
    except ValueError:
        raise WhenError(f"{text!r} is not a time statusbook understands; use {HELP}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    return parsed.astimezone(UTC)


def _time_of_day(
    match: re.Match[str], now: datetime, zone: tzinfo, direction: Direction, text: str
) -> datetime:
    hour, minute, second = (int(part) if part else 0 for part in match.groups())
    try:
        clock = time(hour, minute, second)
    except ValueError:
        raise WhenError(f"{text!r} is not a time of day") from None
    today = now.astimezone(zone).date()
    candidate = _at(today, clock, zone)
    if direction == "past" and candidate > now + _AHEAD_TOLERANCE:
        if candidate - now < _NEAREST:
            raise WhenError(_ahead(text, candidate, now, zone))
        candidate = _at(today - timedelta(days=1), clock, zone)
    elif direction == "future" and candidate < now:
        candidate = _at(today + timedelta(days=1), clock, zone)
    return candidate.astimezone(UTC)


def _ahead(text: str, candidate: datetime, now: datetime, zone: tzinfo) -> str:
    """Why a time of day a little ahead of the clock is not read as yesterday's."""
    minutes = int((candidate - now).total_seconds() // 60)
    ahead = f"{minutes} min" if minutes < 60 else f"{minutes // 60} h {minutes % 60:02d} min"
    local = now.astimezone(zone)
    yesterday = candidate.date() - timedelta(days=1)
    return (
        f"{text.strip()!r} is {ahead} from now ({local:%H:%M} {zone_label(zone)}), and an "
        "update cannot be in the future; for yesterday's, give the date: "
        f"{yesterday.isoformat()}T{text.strip()} — or check the time zone (--tz)"
    )


def _at(day: date, clock: time, zone: tzinfo) -> datetime:
    return datetime.combine(day, clock, tzinfo=zone)


def describe(instant: datetime, zone: tzinfo = UTC) -> str:
    """``2026-11-21T07:05:00Z (14:05 Asia/Jakarta, UTC+07:00)`` — UTC, and what it is locally."""
    canonical = format_timestamp(instant)
    if zone is UTC or getattr(zone, "key", None) in ("UTC", "Etc/UTC"):
        return f"{canonical} (UTC)"
    local = instant.astimezone(zone)
    offset = local.strftime("%z")
    offset = f"UTC{offset[:3]}:{offset[3:]}" if offset else "UTC"
    return f"{canonical} ({local:%Y-%m-%d %H:%M} {zone_label(zone)}, {offset})"


def zone_label(zone: tzinfo) -> str:
    return getattr(zone, "key", None) or str(zone)
