"""`make synth` (tools/synth.py): the real cdk8s CLI writes to a staging folder and dist/
is replaced only after a fully successful synth. A failing app never touches dist/."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
CDK8S = ROOT / "node_modules" / ".bin" / "cdk8s"
pytestmark = pytest.mark.skipif(not CDK8S.exists(), reason="cdk8s CLI not installed (run `make setup`)")

RAISES_AFTER_BUILDING = """
import podkit as pk
app = pk.App()
chart = pk.Chart(app, "dev")
pk.SidecarPod(chart, "web", main=pk.Container(name="nginx", image="nginx:1.14.2"))
raise RuntimeError("boom after building charts")
"""

FAILS_VALIDATION = """
import cdk8s
import podkit as pk
app = pk.App()
chart = pk.Chart(app, "dev")
pod = pk.SidecarPod(chart, "web", main=pk.Container(name="nginx", image="nginx:1.14.2"))
cdk8s.ApiObject.of(pod).add_json_patch(cdk8s.JsonPatch.add("/spec/hostnetwork", True))
app.synth()
"""

GOOD = """
import podkit as pk
app = pk.App()
pk.SidecarPod(pk.Chart(app, "fresh"), "web", main=pk.Container(name="nginx", image="nginx:1.14.2"))
app.synth()
"""


def synth(
    tmp_path: Path, source: str, env: dict[str, str] | None = None
) -> tuple[subprocess.CompletedProcess[str], Path]:
    dist = tmp_path / "dist"
    if not dist.exists():
        shutil.copytree(ROOT / "dist", dist)
    app = tmp_path / "the_app.py"
    app.write_text(source)
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "tools" / "synth.py"),
            "--app",
            f"{sys.executable} {app}",
            "--stage",
            str(tmp_path / "stage"),
            "--dist",
            str(dist),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {})},
    )
    return result, dist


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_app_that_raises_leaves_dist_untouched(tmp_path: Path) -> None:
    result, dist = synth(tmp_path, RAISES_AFTER_BUILDING)
    assert result.returncode != 0
    assert "boom after building charts" in result.stderr + result.stdout
    assert "left untouched" in result.stderr
    assert files(dist) == files(ROOT / "dist")


def test_failed_validation_leaves_dist_untouched(tmp_path: Path) -> None:
    result, dist = synth(tmp_path, FAILS_VALIDATION)
    assert result.returncode != 0
    assert "unknown field 'hostnetwork'" in result.stderr + result.stdout
    assert files(dist) == files(ROOT / "dist")


@pytest.fixture(scope="module")
def good_synth(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    """One successful `make synth` of a good app, offline: the CLI and the app run with every
    http(s) request refused and reported on stderr, and a fresh HOME, so the CLI's cached upgrade
    check cannot hide a request. The replace and no-network tests both read this run."""
    tmp_path = tmp_path_factory.mktemp("good-synth")
    hook = ROOT / "tools" / "offline-schema.cjs"
    env = {"NODE_OPTIONS": f"--require {hook}", "PODKIT_K8S_SCHEMA": "", "HOME": str(tmp_path)}
    return synth(tmp_path, GOOD, env=env)


def test_successful_synth_replaces_dist(good_synth: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    result, dist = good_synth
    assert result.returncode == 0, result.stderr
    assert sorted(files(dist)) == ["fresh.k8s.yaml"]
    assert "image: nginx:1.14.2" in (dist / "fresh.k8s.yaml").read_text()


def test_synth_makes_no_network_request(good_synth: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    result, dist = good_synth
    assert result.returncode == 0, result.stderr
    assert "podkit offline: refusing" not in result.stderr
    assert sorted(files(dist)) == ["fresh.k8s.yaml"]
