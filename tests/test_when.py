"""Times as people type them: always read in an explicit zone, always shown with it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from statusbook.edit.when import WhenError, describe, parse_when, zone_named

NOW = datetime(2026, 11, 21, 0, 10, tzinfo=UTC)
JAKARTA = zone_named("Asia/Jakarta")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("now", "2026-11-21T00:10:00+00:00"),
        ("-10m", "2026-11-21T00:00:00+00:00"),
        ("-1h30m", "2026-11-20T22:40:00+00:00"),
        ("+2h", "2026-11-21T02:10:00+00:00"),
        ("-2d", "2026-11-19T00:10:00+00:00"),
        ("2026-11-21T14:05Z", "2026-11-21T14:05:00+00:00"),
        ("2026-11-21 14:05 UTC", "2026-11-21T14:05:00+00:00"),
        ("2026-11-21T14:05+02:00", "2026-11-21T12:05:00+00:00"),
        # Zone-less input is read in the given zone (Jakarta is UTC+7).
        ("2026-11-21 14:05", "2026-11-21T07:05:00+00:00"),
        # 07:12 local time now; 07:00 is earlier today, 23:50 must be yesterday.
        ("07:00", "2026-11-21T00:00:00+00:00"),
        ("23:50", "2026-11-20T16:50:00+00:00"),
    ],
)
def test_accepted_forms(text: str, expected: str) -> None:
    assert parse_when(text, now=NOW, zone=JAKARTA).isoformat() == expected


def test_a_time_of_day_in_the_future_direction_is_the_next_one() -> None:
    assert parse_when("02:00", now=NOW, direction="future") == datetime(
        2026, 11, 21, 2, 0, tzinfo=UTC
    )
    assert parse_when("00:05", now=NOW, direction="future") == datetime(
        2026, 11, 22, 0, 5, tzinfo=UTC
    )


def test_a_time_of_day_a_few_minutes_ahead_still_means_today() -> None:
    assert parse_when("00:13", now=NOW) == datetime(2026, 11, 21, 0, 13, tzinfo=UTC)


@pytest.mark.parametrize("text", ["", "soon", "25:00", "-10x", "2026-13-01"])
def test_nonsense_is_refused_with_what_is_accepted(text: str) -> None:
    with pytest.raises(WhenError):
        parse_when(text, now=NOW)


def test_describe_states_the_zone() -> None:
    instant = datetime(2026, 11, 21, 7, 5, tzinfo=UTC)
    assert describe(instant) == "2026-11-21T07:05:00Z (UTC)"
    assert (
        describe(instant, JAKARTA)
        == "2026-11-21T07:05:00Z (2026-11-21 14:05 Asia/Jakarta, UTC+07:00)"
    )


def test_unknown_zones_are_refused() -> None:
    with pytest.raises(WhenError, match="not an IANA time zone"):
        zone_named("Mars/Olympus")
