"""Translations: every label exists in every language, with the same placeholders."""

from __future__ import annotations

import string
from datetime import UTC, datetime, timedelta

import pytest

from statusbook.i18n import LANGUAGES, TABLES, Translator


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_language_has_every_key():
    keys = {language: set(TABLES[language]) for language in LANGUAGES}
    assert keys["en"] == keys["id"]


@pytest.mark.parametrize("key", sorted(TABLES["en"]))
def test_placeholders_agree_across_languages(key):
    assert placeholders(TABLES["en"][key]) == placeholders(TABLES["id"][key])


def test_dates_times_and_durations_follow_language_and_zone():
    moment = datetime(2026, 11, 21, 3, 10, tzinfo=UTC)
    english, indonesian = Translator("en", "UTC"), Translator("id", "Asia/Jakarta")
    assert english.datetime(moment) == "21 Nov 2026, 03:10 UTC"
    assert indonesian.datetime(moment) == "21 Nov 2026 10.10 WIB"
    assert english.duration(timedelta(hours=2, minutes=5)) == "2 h 05 min"
    assert indonesian.duration(timedelta(days=3, hours=4)) == "3 h 4 j"
    assert english.percent(99.5) == "99.50%" and indonesian.percent(99.5) == "99,50%"
    assert indonesian.month(2026, 8) == "Agustus 2026"


def test_unknown_language_is_refused():
    with pytest.raises(ValueError):
        Translator("fr")
