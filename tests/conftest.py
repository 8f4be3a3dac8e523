"""Shared fixtures: a fresh podkit chart per test, and YAML snapshots.

Snapshots are one readable ``.yaml`` file per snapshot under ``tests/__snapshots__/``,
written with ``cdk8s.Yaml.stringify`` exactly as ``dist/`` is, so a snapshot diff reads
like a manifest diff. Secret values are redacted before anything is written.
Refresh with ``make test PYTEST_ARGS=--snapshot-update`` (or ``pytest --snapshot-update``).
"""

from __future__ import annotations

import copy
from typing import Any

import cdk8s
import pytest
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

import podkit as pk

REDACTED = "<redacted>"


def redact(objs: Any) -> Any:
    """Replace every Secret value (data and stringData) with a marker; keys stay visible."""
    out = copy.deepcopy(objs)
    for obj in out if isinstance(out, list) else [out]:
        if isinstance(obj, dict) and obj.get("kind") == "Secret":
            for field in ("data", "stringData"):
                if isinstance(obj.get(field), dict):
                    obj[field] = {k: REDACTED for k in obj[field]}
    return out


class YamlSnapshotExtension(SingleFileSnapshotExtension):
    """One ``.yaml`` file per snapshot, serialized like ``dist/`` (cdk8s.Yaml), redacted."""

    file_extension = "yaml"
    _write_mode = WriteMode.TEXT

    def serialize(self, data: Any, **kwargs: Any) -> str:
        docs = redact(data if isinstance(data, list) else [data])
        return str(cdk8s.Yaml.stringify(*docs))


@pytest.fixture
def snapshot_yaml(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    return snapshot.use_extension(YamlSnapshotExtension)


@pytest.fixture
def app(tmp_path: Any) -> pk.App:
    return pk.App(outdir=str(tmp_path / "dist"))


@pytest.fixture
def chart(app: pk.App) -> pk.Chart:
    return pk.Chart(app, "test")
