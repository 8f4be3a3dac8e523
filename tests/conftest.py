"""Shared fixtures: a fresh podkit chart per test.

``snapshot_yaml`` (one readable, redacted ``.yaml`` per snapshot under ``__snapshots__/``)
comes from podkit's pytest plugin (``podkit.testing``, entry point ``pytest11``), exactly as
in a user's project; nothing here re-implements it.
Refresh snapshots with ``make test PYTEST_ARGS=--snapshot-update`` (or ``pytest --snapshot-update``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import podkit as pk


@pytest.fixture
def app(tmp_path: Path) -> pk.App:
    return pk.App(outdir=str(tmp_path / "dist"))


@pytest.fixture
def chart(app: pk.App) -> pk.Chart:
    return pk.Chart(app, "test")


# Tests that share an expensive module fixture (a built site and a browser, a wheel and its venv,
# a scaffolded project) run on one xdist worker, so the fixture is made once. xdist's own
# `xdist_group` marks do nothing under pytest 9.2 (it renames node ids, which pytest 9.2 no longer
# lets a plugin do: pytest-xdist#1386), so the controller groups them here by node id prefix.
ONE_WORKER = {
    "tests/test_docs_site.py::": "docs-site",
    "tests/test_wheel.py::": "wheel",
    "tests/test_bench_equivalence.py::": "bench",
    "tests/test_cli.py::test_init_scaffolds_a_complete_project": "scaffold",
    "tests/test_cli.py::test_a_scaffolded_project_keeps_dist_when_cdk8s_synth_fails": "scaffold",
    "tests/example/test_graph.py::test_the_committed_graph_is_fresh": "example-graph",
    "tests/example/test_dist.py::test_synth_is_deterministic_across_runs_and_working_directories": "example-run",
    "tests/example/test_dist.py::test_no_node_warning_without_an_activated_venv": "example-run",
    "tests/example/test_synth_pipeline.py::test_successful_synth_replaces_dist": "offline-synth",
    "tests/example/test_synth_pipeline.py::test_synth_makes_no_network_request": "offline-synth",
}


def group_of(nodeid: str) -> str:
    """The work unit of a test: its group's name, or the test itself."""
    for prefix, group in ONE_WORKER.items():
        if nodeid.startswith(prefix):
            return group
    return nodeid


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist, absent under -p no:xdist
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling  # type: ignore[import-untyped]

    class Groups(LoadScopeScheduling):  # type: ignore[misc]
        # larger units are sent first (xdist's --loadscope-reorder), so a group never starts last
        def _split_scope(self, nodeid: str) -> str:
            return group_of(nodeid)

    return Groups(config, log)
