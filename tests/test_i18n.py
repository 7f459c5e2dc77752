"""Translations are data files, one per language: every file has every label of English with
the same placeholders, and a language is added by adding a file, nothing else."""

from __future__ import annotations

import json
import os
import re
import shutil
import string
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from statusbook import i18n
from statusbook.i18n import LANGUAGES, Translator, labels

FOLDER = Path(str(i18n.TRANSLATIONS))


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_the_languages_are_the_files():
    assert tuple(sorted(path.stem for path in FOLDER.glob("*.json"))) == LANGUAGES
    assert {"en", "id"} <= set(LANGUAGES)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_has_every_key(language):
    english, other = set(labels("en")), set(labels(language))
    assert sorted(english - other) == [], f"{language}.json misses these labels"
    assert sorted(other - english) == [], f"{language}.json has labels English has not"


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_agree_across_languages(language):
    english, other = labels("en"), labels(language)
    differ = [key for key in english if placeholders(english[key]) != placeholders(other[key])]
    assert differ == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_label_is_translated_text(language):
    assert all(text.strip() for text in labels(language).values())


def test_the_code_asks_only_for_labels_that_exist():
    """Each ``t("key")`` / ``label(…, "key")`` in the package names a label of en.json, so no
    reader ever sees a raw key. Keys built at run time (``status.<value>`` …) are checked by
    the enum tests below."""
    package = Path(i18n.__file__).parent
    pattern = r"""(?:\bt\(|\blabel\([^,()]+,|default_message\()\s*["']([a-z_]+\.[a-z0-9_.-]+)["']"""
    asked = set()
    for path in [*package.rglob("*.py"), *package.rglob("*.html")]:
        asked |= set(re.findall(pattern, path.read_text(encoding="utf-8")))
    assert len(asked) > 100  # the pattern finds the calls
    assert sorted(asked - set(labels("en"))) == []


def test_every_enum_value_shown_to_readers_has_a_label():
    from statusbook.model import (
        ActionStatus,
        ComponentStatus,
        Impact,
        Kind,
        MaintenanceState,
        UpdateStatus,
    )

    english = labels("en")
    for prefix, enum in [
        ("status", ComponentStatus),
        ("impact", Impact),
        ("kind", Kind),
        ("update", UpdateStatus),
        ("maintenance", MaintenanceState),
        ("action", ActionStatus),
    ]:
        assert [v.value for v in enum if f"{prefix}.{v.value}" not in english] == []


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
    with pytest.raises(ValueError, match="use one of: en, id"):
        Translator("fr")


def test_a_new_language_is_one_file(tmp_path):
    """Copy en.json as fr.json, translate a label: a fresh process takes French as a site
    language, validates a catalog that uses it and prints the French words."""
    data = json.loads((FOLDER / "en.json").read_text(encoding="utf-8"))
    data["name"] = "Français"
    data["labels"]["banner.none"] = "Tous les systèmes sont opérationnels"
    data["formats"]["decimal_separator"] = ","
    package = tmp_path / "statusbook"
    source = Path(i18n.__file__).parent
    # A copy of the package with one more file; nothing else changes.
    shutil.copytree(source, package, ignore=shutil.ignore_patterns("__pycache__"))
    (package / "translations" / "fr.json").write_text(
        json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    code = (
        "from statusbook.i18n import LANGUAGES, Translator\n"
        "t = Translator('fr')\n"
        "print(LANGUAGES, t('banner.none'), t.percent(99.5))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "('en', 'fr', 'id') Tous les systèmes sont opérationnels 99,50%"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"name": "X", "months": ["Jan"]}', r"xx\.json: 'months' must list the 12"),
        ('{"name": "X",\n "months": [],\n}', r"xx\.json: not JSON text: .* line 3 column 1"),
        ("name: X\n", r"xx\.json: not JSON text"),
    ],
)
def test_a_broken_translation_file_is_named_with_what_to_fix(tmp_path, monkeypatch, text, expected):
    (tmp_path / "xx.json").write_text(text, encoding="utf-8")
    monkeypatch.setattr(i18n, "TRANSLATIONS", tmp_path)
    monkeypatch.setattr(i18n, "LANGUAGES", ("xx",))
    i18n.translation.cache_clear()
    try:
        with pytest.raises(i18n.TranslationError, match=expected):
            Translator("xx")
    finally:
        i18n.translation.cache_clear()
