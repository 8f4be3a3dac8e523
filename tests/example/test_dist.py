"""The example app's committed output: dist/ is fresh, deterministic, valid, written without
Node warnings; a changed snapshot fails the run. (Library tests live in tests/; these are
the example project's, and use podkit's pytest plugin as a user's project does.)"""

from __future__ import annotations

import filecmp
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import app as example_app
import podkit as pk
from podkit import _yaml
from podkit.app import to_yaml
from podkit.testing import assert_output_fresh, assert_schema_valid

ROOT = Path(__file__).resolve().parent.parent.parent
DIST = ROOT / "dist"


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_dist_in_git_equals_a_fresh_synth() -> None:
    # GIVEN the committed dist/  WHEN the example app is synthesized afresh
    # THEN every file is byte-identical; on a mismatch the failure is a per-object YAML diff
    assert_output_fresh(example_app.build, DIST)


def test_dist_is_valid_kubernetes() -> None:
    app = pk.App()
    example_app.build(app)
    assert_schema_valid(app.synth_documents())


def _run_app(
    cwd: Path, outdir: Path, env_extra: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "JSII_NODE"}
    env["CDK8S_OUTDIR"] = str(outdir)
    # a PATH without the venv: jsii must still find Node 24 (the .pth hook / podkit import)
    env["PATH"] = "/usr/bin:/bin"
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, str(ROOT / "app.py")], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


@pytest.fixture(scope="module")
def run_in_root(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    """One run of the example app from the repository root, with a PATH without the venv, and
    its output folder: the determinism and the no-warning tests both read this run."""
    out = tmp_path_factory.mktemp("run-in-root") / "out"
    return _run_app(ROOT, out), out


def test_synth_is_deterministic_across_runs_and_working_directories(
    run_in_root: tuple[subprocess.CompletedProcess[str], Path], tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    first, first_out = run_in_root
    second = _run_app(elsewhere, tmp_path / "b", {"TZ": "Asia/Seoul", "LANG": "ko_KR.UTF-8"})
    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    cmp = filecmp.dircmp(first_out, tmp_path / "b")
    assert not cmp.diff_files and not cmp.left_only and not cmp.right_only
    assert _files(first_out) == _files(DIST)


def test_no_node_warning_without_an_activated_venv(
    run_in_root: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    result, _ = run_in_root
    assert result.returncode == 0, result.stderr
    assert "end-of-life" not in result.stderr.lower()
    assert "node" not in result.stderr.lower(), result.stderr


# a snapshot test of the example beside the one whose snapshot is changed
UNTOUCHED = "test_example_web_stack"


def test_a_changed_snapshot_fails_the_run(tmp_path: Path) -> None:
    # GIVEN a copy of the test suite whose snapshot has one value changed
    work = tmp_path / "repo"
    shutil.copytree(ROOT / "tests", work / "tests", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("app.py", "pyproject.toml"):
        shutil.copy(ROOT / name, work / name)
    shutil.copytree(ROOT / "config", work / "config")
    # the CRD imports app.py uses (not the 3.7 MB imports/k8s, which it does not)
    shutil.copytree(ROOT / "imports", work / "imports", ignore=shutil.ignore_patterns("__pycache__", "k8s"))
    snap = work / "tests" / "example" / "__snapshots__" / "test_example_app" / "test_example_notes_chart.yaml"
    assert (work / "tests" / "example" / "__snapshots__" / "test_example_app" / f"{UNTOUCHED}.yaml").exists()
    snap.write_text(snap.read_text().replace("image: nginx:1.14.2", "image: nginx:1.15.0", 1))
    # WHEN the tests run (the changed snapshot's test and an untouched one beside it, in one run)
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-rf",
        "-p",
        "no:cacheprovider",
        "tests/example/test_example_app.py",
        "-k",
        f"notes_chart or {UNTOUCHED}",
    ]
    failed = subprocess.run(cmd, cwd=work, capture_output=True, text=True, check=False)
    # THEN the run fails, naming the snapshot and showing the changed value, while the untouched
    # test passes in the same copy (so the failure is the snapshot's, not the copy's)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "FAILED tests/example/test_example_app.py::test_example_notes_chart" in failed.stdout
    assert "nginx:1.15.0" in failed.stdout
    assert failed.stdout.rstrip().splitlines()[-1].startswith("1 failed, 1 passed"), failed.stdout


def test_dist_is_written_entirely_in_python() -> None:
    # the example app's objects need no fallback to Node
    for path in (ROOT / "dist").glob("*.k8s.yaml"):
        docs = [d for d in yaml.safe_load_all(path.read_text()) if d is not None]
        for doc in docs:
            assert _yaml.dump(doc) is not None
        assert to_yaml(docs) == path.read_text()
