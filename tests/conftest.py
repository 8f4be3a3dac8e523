"""Shared fixtures: a fresh podkit chart per test.

``snapshot_yaml`` (one readable, redacted ``.yaml`` per snapshot under ``__snapshots__/``)
comes from podkit's pytest plugin (``podkit.testing``, entry point ``pytest11``), exactly as
in a user's project; nothing here re-implements it.
Refresh snapshots with ``make test PYTEST_ARGS=--snapshot-update`` (or ``pytest --snapshot-update``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

import podkit as pk


@pytest.fixture
def app(tmp_path: Path) -> pk.App:
    return pk.App(outdir=str(tmp_path / "dist"))


@pytest.fixture
def chart(app: pk.App) -> pk.Chart:
    return pk.Chart(app, "test")
