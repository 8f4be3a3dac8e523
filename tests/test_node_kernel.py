"""podkit starts jsii's kernel itself: early, without jsii's relay process (issue #16, _node.py).

Both paths are exercised: the direct one (what ``import podkit`` does with the tested jsii) and
jsii's standard one (``PODKIT_JSII_KERNEL=standard``, another jsii version, or cdk8s imported
first); they must write byte-identical output.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import cdk8s
import jsii
import pytest

import podkit as pk
from podkit import _node

ROOT = Path(__file__).resolve().parent.parent

APP = """
import sys, os
{first}
import podkit as pk, podkit._node as n
app = pk.App(outdir=sys.argv[1])
chart = pk.Chart(app, "demo")
cm = pk.ConfigFromMap(chart, "settings", from_literal={{"A": "1"}})
pk.SidecarPod(chart, "web", main=pk.Container(name="web", image="nginx:1.27", env_from=[cm]))
app.synth()
print(n.kernel_mode())
node_children = []
for task in os.listdir(f"/proc/{{os.getpid()}}/task"):
    for child in open(f"/proc/{{os.getpid()}}/task/{{task}}/children").read().split():
        cmd = open(f"/proc/{{child}}/cmdline", "rb").read().split(b"\\0")
        node_children.append(child)
        grand = []
        for t in os.listdir(f"/proc/{{child}}/task"):
            grand += open(f"/proc/{{child}}/task/{{t}}/children").read().split()
        print("node", os.path.basename(cmd[-2].decode()), "children", len(grand))
print("kernel-dir", getattr(n._kernel, "runtime_dir", ""))
"""


def run_app(
    tmp_path: Path, *, env: dict[str, str] | None = None, first: str = ""
) -> subprocess.CompletedProcess[str]:
    out = tmp_path / "dist"
    tmp_path.mkdir(parents=True, exist_ok=True)
    script = tmp_path / "app.py"
    script.write_text(APP.format(first=first), encoding="utf-8")
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("PODKIT_JSII")}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, str(script), str(out)], capture_output=True, text=True, env=full_env, timeout=120
    )


def test_this_test_process_runs_the_direct_kernel() -> None:
    assert _node.kernel_mode() == "direct"
    kernel = _node._kernel
    assert kernel is not None and kernel.exit_status is None
    cmdline = Path(f"/proc/{kernel.pid}/cmdline").read_bytes().split(b"\0")
    assert cmdline[-2].endswith(b"lib/program.js")  # the kernel itself, not jsii-runtime.js
    assert b"--max-old-space-size=4069" in cmdline and b"--preserve-symlinks" in cmdline
    # cdk8s works through it, and its first call read the replies to the queued loads
    assert cdk8s.Testing.app().outdir
    assert not kernel.pending
    assert {("constructs", kernel_version("constructs")), ("cdk8s", kernel_version("cdk8s"))} == kernel.queued


def kernel_version(package: str) -> str:
    found = _node._assembly(package)
    assert found is not None
    return found[1]


def test_both_paths_write_identical_output_and_the_direct_one_has_one_node_process(tmp_path: Path) -> None:
    direct = run_app(tmp_path / "direct")
    standard = run_app(tmp_path / "standard", env={"PODKIT_JSII_KERNEL": "standard"})
    for result in (direct, standard):
        assert result.returncode == 0, result.stderr
        assert result.stderr == ""  # no banner, no warning, nothing from Node
    assert direct.stdout.splitlines()[:2] == ["direct", "node program.js children 0"]
    assert standard.stdout.splitlines()[:2] == [
        "standard (PODKIT_JSII_KERNEL=standard)",
        "node jsii-runtime.js children 1",  # jsii's relay, which starts the kernel
    ]
    a = (tmp_path / "direct" / "dist" / "demo.k8s.yaml").read_bytes()
    b = (tmp_path / "standard" / "dist" / "demo.k8s.yaml").read_bytes()
    assert a == b and b"name: settings" in a


def test_the_kernel_is_reaped_and_its_files_removed_at_exit(tmp_path: Path) -> None:
    result = run_app(tmp_path)
    assert result.returncode == 0, result.stderr
    kernel_dir = result.stdout.splitlines()[-1].removeprefix("kernel-dir ")
    assert Path(kernel_dir).name.startswith("podkit-jsii-")
    assert not Path(kernel_dir).exists()


def test_cdk8s_imported_first_falls_back_to_jsii_start_and_still_works(tmp_path: Path) -> None:
    result = run_app(tmp_path, first="import cdk8s")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == (
        "standard (jsii was imported before podkit (import podkit first for a faster start))"
    )
    assert (tmp_path / "dist" / "demo.k8s.yaml").exists()


def test_an_untested_jsii_version_warns_and_uses_the_standard_path() -> None:
    # a fresh copy of the module: this process's kernel is already started
    spec = importlib.util.spec_from_file_location("podkit_node_copy", _node.__file__)
    assert spec is not None and spec.loader is not None
    copy = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(copy)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        mode = copy.start_kernel(jsii_version="1.0.0")
    assert (
        mode == f"standard (jsii 1.0.0 is installed, podkit is tested with jsii {_node.TESTED_JSII_VERSION})"
    )
    assert copy._kernel is None
    assert [str(w.message) for w in caught] == [
        f"podkit: jsii 1.0.0 is installed, podkit is tested with jsii {_node.TESTED_JSII_VERSION}; starting "
        "the jsii kernel the standard way (slower start, one more Node process). Pin jsii to the tested "
        "version to restore the fast path."
    ]


@pytest.mark.parametrize(
    ("environ", "version", "reason"),
    [
        ({}, _node.TESTED_JSII_VERSION, None),
        ({"PODKIT_JSII_KERNEL": "standard"}, _node.TESTED_JSII_VERSION, "PODKIT_JSII_KERNEL=standard"),
        ({"JSII_RUNTIME": "/opt/jsii-runtime.js"}, _node.TESTED_JSII_VERSION, "JSII_RUNTIME is set"),
        ({}, None, f"jsii None is installed, podkit is tested with jsii {_node.TESTED_JSII_VERSION}"),
    ],
)
def test_why_standard(environ: dict[str, str], version: str | None, reason: str | None) -> None:
    assert _node.why_standard(jsii_version=version, environ=environ) == reason


def test_the_tested_version_is_the_installed_one() -> None:
    # pyproject pins jsii; if this fails, re-run the suite on the new jsii and bump TESTED_JSII_VERSION
    assert jsii.__version__ == _node.TESTED_JSII_VERSION == _node.installed_jsii_version()


def test_unchecked_skips_type_checks_only_inside_the_block(tmp_path: Path) -> None:
    import jsii._type_checking as type_checking

    before = type_checking._resolved_check
    with _node.unchecked():
        assert type_checking._resolved_check is _node._no_check
    assert type_checking._resolved_check is before
    # the user's own cdk8s calls are still type-checked after podkit's
    pk.App(outdir=str(tmp_path))
    with pytest.raises(TypeError, match="outdir"):
        cdk8s.App(outdir=42)  # type: ignore[arg-type]


def run_script(code: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("PODKIT_JSII")}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=120,
    )


SYNTH = """
def synth(outdir):
    app = pk.App(outdir=outdir)
    pk.SidecarPod(pk.Chart(app, "c"), "p", main=pk.Container(name="a", image="nginx:1.27"))
    app.synth()
"""


def test_an_app_that_never_calls_node_exits_quietly() -> None:
    # the kernel is still loading assemblies at exit: it is ended, not left to hit a closed socket
    # (`podkit.App` starts it: `import podkit` alone starts no Node)
    result = run_script("import podkit, podkit._node as n; podkit.App; print(n._kernel.runtime_dir)")
    assert result.returncode == 0 and result.stderr == ""
    assert not Path(result.stdout.strip()).exists()


def test_a_process_that_reaps_every_child_still_exits_cleanly() -> None:
    result = run_script(
        """
        import signal, podkit as pk, podkit._node as n
        signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel itself
        pk.App(outdir="/tmp/unused-podkit-dist")
        print(n._kernel.runtime_dir)
        """
    )
    assert result.returncode == 0 and result.stderr == ""
    assert not Path(result.stdout.strip()).exists()


def test_a_forked_child_leaves_the_parents_kernel_alone(tmp_path: Path) -> None:
    result = run_script(
        "import os, sys, podkit as pk\n"
        + SYNTH
        + f"""
synth({str(tmp_path / "a")!r})
pid = os.fork()
if pid == 0:
    sys.exit(0)  # runs the inherited atexit hooks
os.waitpid(pid, 0)
synth({str(tmp_path / "b")!r})
print("ok")
"""
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "ok\n" and result.stderr == ""
    assert (tmp_path / "b" / "c.k8s.yaml").read_bytes() == (tmp_path / "a" / "c.k8s.yaml").read_bytes()


def test_the_kernel_inherits_no_other_descriptors() -> None:
    result = run_script(
        """
        import os
        r, w = os.pipe()
        os.set_inheritable(r, True)
        os.set_inheritable(w, True)
        import podkit, podkit._node as n
        podkit.App  # starts the kernel
        ours = {os.readlink(f"/proc/self/fd/{fd}") for fd in (r, w)}
        theirs = {os.readlink(f"/proc/{n._kernel.pid}/fd/{fd}") for fd in os.listdir(f"/proc/{n._kernel.pid}/fd")}
        print(sorted(ours & theirs), os.readlink(f"/proc/{n._kernel.pid}/fd/0"))
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[] /dev/null"


def test_a_bare_node_name_is_looked_up_on_path() -> None:
    node = _node.configure_jsii_node()
    assert node is not None
    result = run_script(
        "import podkit, podkit._node as n; podkit.App; print(n.kernel_mode())",
        env={"JSII_NODE": "node", "PATH": os.path.dirname(node) + os.pathsep + os.environ["PATH"]},
    )
    assert result.stdout == "direct\n", result.stderr
