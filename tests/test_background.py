"""Static outputs written on the second core: same bytes as in-process, failures reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from statusbook.derive.snapshot import derive
from statusbook.load.catalog import load_catalog
from statusbook.load.rules import validate_paths
from statusbook.mkdocs import background
from statusbook.mkdocs.background import OutputsError, StaticOutputs

from .conftest import DEMO_ROOT
from .test_site import NOW


def _tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


@pytest.fixture
def snapshot(tmp_path, monkeypatch):
    # Cleaning the staging folder opens its sub-folders by bare name ("incidents", under
    # api/v2/) relative to a folder handle; from a neutral working folder the user-data
    # guard cannot mistake that for the repository's own records.
    monkeypatch.chdir(tmp_path)
    catalog = load_catalog(DEMO_ROOT / "statusbook.yml")
    return derive(catalog, validate_paths(None, catalog, NOW).incidents, NOW)


def test_forked_and_in_process_outputs_are_identical(snapshot, tmp_path, monkeypatch):
    trees = []
    for fork in (True, False):
        monkeypatch.setattr(background, "_can_fork", lambda fork=fork: fork)
        site = tmp_path / f"site-{fork}"
        site.mkdir()
        outputs = StaticOutputs(snapshot, site)
        assert (outputs.process is not None) is fork
        outputs.finish(site)
        assert not outputs.staging.exists()
        trees.append(_tree(site))
    assert trees[0] == trees[1]
    assert "api/v2/summary.json" in trees[0] and "history.rss" in trees[0]


def test_a_failure_in_the_child_is_reported_and_cleaned_up(snapshot, tmp_path, monkeypatch):

    def broken(*args):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(background, "static_files", broken)
    monkeypatch.setattr(background, "_can_fork", lambda: True)
    outputs = StaticOutputs(snapshot, tmp_path)
    with pytest.raises(OutputsError, match="disk on fire"):
        outputs.finish(tmp_path)
    assert not outputs.staging.exists()


def test_abandoning_a_build_leaves_nothing_behind(snapshot, tmp_path, monkeypatch):
    monkeypatch.setattr(background, "_can_fork", lambda: True)
    outputs = StaticOutputs(snapshot, tmp_path / "site")
    outputs.abandon()
    assert not outputs.staging.exists()
    assert not outputs.process.is_alive()
