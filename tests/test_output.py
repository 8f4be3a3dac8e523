"""podkit._output: the output folder holds the whole old or the whole new output, and no user
file is ever lost (issue #11 §1). Failures are injected at every step; kills are real
(a forked child ends with ``os._exit`` mid-write, so no ``finally`` runs)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import podkit as pk
from podkit import _output
from podkit._output import OutputPlan, plan_output, publish, write_output
from podkit.errors import PodkitError

ROOT = Path(__file__).resolve().parent.parent
OLD = {"web.k8s.yaml": "kind: Pod # old\n", "gone.k8s.yaml": "kind: ConfigMap # old\n"}
NEW = {"web.k8s.yaml": "kind: Pod # new\n", "db/Pod.db.k8s.yaml": "kind: Pod # new\n"}
USER = {"kustomization.yaml": "resources: [web.k8s.yaml]\n", "README.md": "# ours\n"}


def tree(folder: Path) -> dict[str, str]:
    """Every entry below ``folder``: file text, ``-> target`` for symlinks, ``/`` for empty folders."""
    out: dict[str, str] = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_symlink():
            out[rel] = "-> " + os.readlink(path)
        elif path.is_file():
            out[rel] = path.read_text()
        elif not any(path.iterdir()):
            out[rel] = "/"
    return out


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    """``dist/`` holding an old output and the user's own files."""
    folder = tmp_path / "dist"
    write_output(folder, OLD)
    for name, text in USER.items():
        (folder / name).write_text(text)
    return folder


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.parent.iterdir() if p.name != folder.name)


# --- the ownership rule -----------------------------------------------------------------------


def test_writes_files_and_sub_folders(tmp_path: Path) -> None:
    assert write_output(tmp_path / "dist", NEW) == ["db/Pod.db.k8s.yaml", "web.k8s.yaml"]
    assert tree(tmp_path / "dist") == NEW
    assert leftovers(tmp_path / "dist") == []


def test_replaces_owned_files_and_keeps_the_users(dist: Path) -> None:
    readme_inode = (dist / "README.md").stat().st_ino
    write_output(dist, NEW)
    # gone.k8s.yaml (a chart removed since) goes; kustomization.yaml and README.md stay, the same files
    assert tree(dist) == {**NEW, **USER}
    assert (dist / "README.md").stat().st_ino == readme_inode
    assert leftovers(dist) == []


def test_keeps_user_folders_symlinks_and_files_inside_layout_folders(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    write_output(dist, NEW)
    (dist / "overlays" / "prod").mkdir(parents=True)
    (dist / "overlays" / "prod" / "patch.yaml").write_text("op: add\n")
    (dist / "empty").mkdir()
    (dist / "db" / "kustomization.yaml").write_text("resources: []\n")
    (dist / "base").symlink_to("../base")
    write_output(dist, {"web.k8s.yaml": "v2\n"})
    assert tree(dist) == {
        "base": "-> ../base",
        "db/kustomization.yaml": "resources: []\n",
        "empty": "/",
        "overlays/prod/patch.yaml": "op: add\n",
        "web.k8s.yaml": "v2\n",
    }


def test_fails_when_output_would_overwrite_a_user_file(dist: Path) -> None:
    before = tree(dist)
    with pytest.raises(
        PodkitError,
        match=r"output would overwrite 'kustomization.yaml', which podkit did not write; "
        r"podkit never overwrites your files",
    ):
        write_output(dist, {"kustomization.yaml": "kind: Pod\n"})
    assert tree(dist) == before
    assert leftovers(dist) == []


def test_fails_when_output_would_write_through_a_user_symlink(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    dist.mkdir()
    (dist / "web").symlink_to(elsewhere)
    with pytest.raises(PodkitError, match=r"output would overwrite 'web/Pod.web.k8s.yaml'"):
        write_output(dist, {"web/Pod.web.k8s.yaml": "x"})
    assert list(elsewhere.iterdir()) == []


def test_fails_for_the_working_directory_and_keeps_app_py(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a project folder  WHEN an app uses App(outdir=".")
    (tmp_path / "app.py").write_text("print('app')\n")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(
        PodkitError,
        match=r"\[outdir '.'\] output folder '.*' is the working directory; podkit replaces its output folder "
        r"as a whole and never moves or deletes your files, so it writes only into a folder of its own: "
        r"use outdir='dist'",
    ):
        write_output(Path("."), NEW)
    # THEN nothing changed
    assert tree(tmp_path) == {"app.py": "print('app')\n"}


def test_fails_for_a_parent_of_the_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    with pytest.raises(PodkitError, match=r"is a parent of the working directory"):
        write_output(tmp_path, NEW)


def test_fails_for_a_git_repository_root(tmp_path: Path) -> None:
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    with pytest.raises(PodkitError, match=r"is a git repository's root"):
        write_output(tmp_path / "repo", NEW)
    assert tree(tmp_path / "repo") == {".git": "/"}


def test_fails_when_outdir_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "dist").write_text("mine")
    with pytest.raises(
        PodkitError, match=r"'.*dist' is a file, not a folder; podkit never overwrites your files"
    ):
        write_output(tmp_path / "dist", NEW)
    assert (tmp_path / "dist").read_text() == "mine"


@pytest.mark.parametrize(
    "name", ["../escape.k8s.yaml", "/abs.k8s.yaml", "a//b.k8s.yaml", "./a.k8s.yaml", ".podkit-output", ""]
)
def test_fails_for_names_outside_the_folder(tmp_path: Path, name: str) -> None:
    with pytest.raises(PodkitError, match=r"is not a plain relative path inside the output folder"):
        write_output(tmp_path / "dist", {name: "x"})
    assert not (tmp_path / "dist").exists()


def test_fails_for_a_name_that_is_also_a_folder(tmp_path: Path) -> None:
    with pytest.raises(PodkitError, match=r"output file 'web' is also a folder of 'web/a.k8s.yaml'"):
        write_output(tmp_path / "dist", {"web": "x", "web/a.k8s.yaml": "y"})


def test_custom_names_are_listed_in_the_manifest_and_replaced_next_time(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    write_output(dist, {"web.yaml": "v1\n"})
    assert tree(dist) == {".podkit-output": _output._MANIFEST_HEADER + "web.yaml\n", "web.yaml": "v1\n"}
    write_output(dist, {"api.k8s.yaml": "v2\n"})
    assert tree(dist) == {"api.k8s.yaml": "v2\n"}  # web.yaml was podkit's: it goes, and so does the list


def test_same_output_leaves_the_folder_alone(dist: Path) -> None:
    inode, mtime = dist.stat().st_ino, (dist / "web.k8s.yaml").stat().st_mtime_ns
    write_output(dist, OLD)
    assert (dist.stat().st_ino, (dist / "web.k8s.yaml").stat().st_mtime_ns) == (inode, mtime)


def test_keeps_the_folder_mode(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    dist.mkdir(mode=0o750)
    dist.chmod(0o750)
    write_output(dist, NEW)
    assert dist.stat().st_mode & 0o777 == 0o750


# --- symlinks ---------------------------------------------------------------------------------


def test_symlinked_outdir_is_written_through(tmp_path: Path) -> None:
    # GIVEN dist -> ../gitops/apps/web, a GitOps layout, with a kustomization.yaml at the target
    target = tmp_path / "gitops" / "apps" / "web"
    write_output(target, OLD)
    (target / "kustomization.yaml").write_text("resources: []\n")
    (tmp_path / "project").mkdir()
    link = tmp_path / "project" / "dist"
    link.symlink_to("../gitops/apps/web")
    # WHEN podkit writes to dist
    write_output(link, NEW)
    # THEN the link is still the same link, and its target holds the new output and the user's file
    assert os.readlink(link) == "../gitops/apps/web"
    assert tree(target) == {**NEW, "kustomization.yaml": "resources: []\n"}
    assert leftovers(link) == [] and leftovers(target) == []


def test_dangling_symlinked_outdir_creates_its_target(tmp_path: Path) -> None:
    (tmp_path / "dist").symlink_to("gitops/web")
    write_output(tmp_path / "dist", NEW)
    assert (tmp_path / "dist").is_symlink()
    assert tree(tmp_path / "gitops" / "web") == NEW


# --- failures at every step -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("step", "nth"),
    [("_write", 1), ("_write", 2), ("_link", 1), ("_link", 2), ("_fsync_dir", 1), ("_exchange", 1)],
)
def test_an_os_error_at_any_step_leaves_the_old_output(
    dist: Path, monkeypatch: pytest.MonkeyPatch, step: str, nth: int
) -> None:
    before = tree(dist)
    real = getattr(_output, step)
    calls = {"n": 0}

    def fail(*args: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == nth:
            raise OSError(28, "No space left on device")
        return real(*args)

    monkeypatch.setattr(_output, step, fail)
    with pytest.raises(
        PodkitError,
        match=r"could not write the output \(\[Errno 28\] No space left on device\); the previous output "
        r"is unchanged and no file of yours was touched",
    ):
        write_output(dist, NEW)
    assert tree(dist) == before
    assert leftovers(dist) == []


@pytest.mark.parametrize("nth", [1, 2])
def test_fallback_renames_an_os_error_leaves_the_old_output(
    dist: Path, monkeypatch: pytest.MonkeyPatch, nth: int
) -> None:
    # GIVEN a platform without RENAME_EXCHANGE: two renames; the 1st or the 2nd fails
    monkeypatch.setattr(_output, "_exchange", lambda a, b: False)
    before = tree(dist)
    real, calls = _output._rename, {"n": 0}

    def fail(src: Path, dst: Path) -> None:
        calls["n"] += 1
        if calls["n"] == nth:
            raise OSError(5, "Input/output error")
        real(src, dst)

    monkeypatch.setattr(_output, "_rename", fail)
    with pytest.raises(PodkitError, match=r"the previous output is unchanged"):
        write_output(dist, NEW)
    assert tree(dist) == before
    assert leftovers(dist) == []


def test_fallback_renames_write_the_new_output(dist: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_output, "_exchange", lambda a, b: False)
    write_output(dist, NEW)
    assert tree(dist) == {**NEW, **USER}
    assert leftovers(dist) == []


def test_exchange_swaps_atomically_on_this_platform(tmp_path: Path) -> None:
    if _output._RENAMEAT2 is None:
        pytest.skip("renameat2 is not available here (not Linux/glibc): the fallback is tested above")
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x").write_text("a")
    (tmp_path / "b").mkdir()
    assert _output._exchange(tmp_path / "a", tmp_path / "b") is True
    assert (tmp_path / "b" / "x").read_text() == "a" and list((tmp_path / "a").iterdir()) == []


# --- kills between steps ----------------------------------------------------------------------


def _killed_child(dist: Path, files: dict[str, str], kill: Callable[[], None]) -> int:
    """Run ``write_output`` in a forked child that ``kill`` patches to die at one step."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover (the child)
        try:
            kill()
            write_output(dist, files)
        finally:
            os._exit(0)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def _die(*args: Any) -> Any:
    os._exit(9)


def _die_on_second_call(name: str) -> None:
    """Make the system-call wrapper ``_output.<name>`` kill the process on its second call."""
    real, calls = getattr(_output, name), {"n": 0}

    def dies_second(*args: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            os._exit(9)
        real(*args)

    setattr(_output, name, dies_second)


def _die_on_second_rename() -> None:
    _output._exchange = lambda a, b: False
    _die_on_second_call("_rename")


def _die_while_writing() -> None:
    _die_on_second_call("_write")


def _die_after_the_swap() -> None:
    _output._retire = lambda folder, live, owned=None: _die() if folder != live else True


def _die_before_the_swap() -> None:
    _output._exchange = _die  # type: ignore[assignment]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="kills are simulated with fork")
@pytest.mark.parametrize(
    ("kill", "now"),
    [
        (_die_while_writing, "old"),
        (_die_before_the_swap, "old"),
        (_die_after_the_swap, "new"),
        (_die_on_second_rename, "missing"),  # the fallback's documented window
    ],
)
def test_a_kill_at_any_step_is_recovered_by_the_next_write(
    dist: Path, kill: Callable[[], None], now: str
) -> None:
    before = tree(dist)
    # WHEN the writer is killed at a step
    assert _killed_child(dist, NEW, kill) == 9
    # THEN the folder is wholly old or wholly new (missing only inside the fallback's window)
    expected = {"old": before, "new": {**NEW, **USER}, "missing": None}[now]
    assert (tree(dist) if dist.exists() else None) == expected
    assert leftovers(dist) != []
    # AND the next write recovers: nothing of the user's lost, no leftovers
    write_output(dist, {"web.k8s.yaml": "third\n"})
    assert tree(dist) == {"web.k8s.yaml": "third\n", **USER}
    assert leftovers(dist) == []


def test_a_leftover_with_a_changed_user_file_is_kept_and_reported(dist: Path) -> None:
    # GIVEN a dead run's retired folder whose README.md differs from the live one
    leftover = dist.with_name(".dist.podkit-old-999999-abcd1234")
    leftover.mkdir()
    (leftover / "web.k8s.yaml").write_text("old\n")
    (leftover / "README.md").write_text("# edited meanwhile\n")
    (leftover / "notes.txt").write_text("only here\n")
    with pytest.warns(
        UserWarning, match=r"podkit kept '.*\.dist\.podkit-old-999999-abcd1234': it holds files that differ"
    ):
        write_output(dist, NEW)
    assert tree(leftover) == {"README.md": "# edited meanwhile\n"}  # podkit's file went
    assert (dist / "notes.txt").read_text() == "only here\n"  # rescued into the output folder


def test_the_kept_folder_warning_names_the_users_call_that_synthesized(dist: Path) -> None:
    # GIVEN a dead run's retired folder holding a file that differs from the live one
    leftover = dist.with_name(".dist.podkit-old-999999-abcd1234")
    leftover.mkdir()
    (leftover / "README.md").write_text("# edited meanwhile\n")
    app = pk.App(outdir=str(dist))
    pk.Chart(app, "web")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        synthesized = sys._getframe().f_lineno + 1
        app.synth()
    # THEN the warning names the user's app.synth(), not a line deep in podkit's writer
    assert [(w.category, w.filename, w.lineno) for w in caught] == [(UserWarning, __file__, synthesized)]
    assert str(caught[0].message).startswith(f"podkit kept '{leftover}': it holds files that differ")


def test_publish_dist_leftover_is_restored_when_dist_is_missing(tmp_path: Path) -> None:
    # GIVEN the old publish step was killed between its renames: dist.old, no dist
    write_output(tmp_path / "dist.old", OLD)
    (tmp_path / "dist.old" / "kustomization.yaml").write_text("k\n")
    write_output(tmp_path / "dist", NEW)
    assert tree(tmp_path / "dist") == {**NEW, "kustomization.yaml": "k\n"}


# --- publish (make synth) and the cdk8s CLI ----------------------------------------------------


def test_publish_copies_only_manifests(tmp_path: Path, dist: Path) -> None:
    stage = tmp_path / "stage"
    write_output(stage, NEW)
    (stage / "construct-metadata.json").write_text("{}")  # written by the CLI for validations
    assert publish(stage, dist) == ["db/Pod.db.k8s.yaml", "web.k8s.yaml"]
    assert tree(dist) == {**NEW, **USER}


def test_fails_to_publish_an_empty_stage(tmp_path: Path, dist: Path) -> None:
    before = tree(dist)
    (tmp_path / "stage").mkdir()
    with pytest.raises(
        PodkitError, match=r"the synth wrote no \*\.k8s\.yaml into '.*stage', so there is nothing"
    ):
        publish(tmp_path / "stage", dist)
    assert tree(dist) == before


def _project(tmp_path: Path, output: str | None) -> Path:
    (tmp_path / "cdk8s.yaml").write_text(
        "app: python app.py\n" + (f"output: {output}  # scratch\n" if output else "")
    )
    return tmp_path


def test_plan_run_directly_writes_outdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(_project(tmp_path, ".build/cdk8s.out"))
    assert plan_output(None, environ={}) == OutputPlan(write_to=tmp_path / "dist")
    assert plan_output("out", environ={}) == OutputPlan(write_to=tmp_path / "out")


def test_plan_bare_cdk8s_synth_publishes_after_the_scratch_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(_project(tmp_path, ".build/cdk8s.out"))
    env = {"CDK8S_OUTDIR": ".build/cdk8s.out"}
    assert plan_output(None, environ=env) == OutputPlan(
        write_to=tmp_path / ".build/cdk8s.out", publish_to=tmp_path / "dist"
    )
    # --output elsewhere / --stdout (a temp folder): only the CLI's folder, as any cdk8s app
    assert plan_output(None, environ={"CDK8S_OUTDIR": "/tmp/cdk8s-x"}) == OutputPlan(
        write_to=Path("/tmp/cdk8s-x")
    )


def test_fails_when_the_cli_output_is_the_committed_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(_project(tmp_path, None))
    with pytest.raises(PodkitError) as e:
        plan_output(None, environ={"CDK8S_OUTDIR": "dist"})
    assert str(e.value) == (
        "cdk8s synth's output folder 'dist' is the folder podkit publishes to, and the cdk8s CLI deletes "
        "its output folder before it runs the app: every failing synth would lose it (and every file in "
        "it podkit did not write). Set `output: .build/cdk8s.out` in cdk8s.yaml (podkit then publishes to "
        "'dist' only after a successful synth) and restore 'dist' (`git checkout -- dist`), or run "
        "`podkit synth`"
    )


CDK8S = ROOT / "node_modules" / ".bin" / "cdk8s"
APP = """
import os, sys
from podkit import _output
if os.environ.get("FAIL"):
    raise RuntimeError("the app failed")
_output.write_planned(_output.plan_output(None), {"web.k8s.yaml": "kind: Pod # new\\n"})
"""


def _cdk8s_synth(project: Path, *, fail: bool) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "CDK8S_CHECK_UPGRADE": "false",
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "FAIL": "1" if fail else "",
    }
    return subprocess.run(
        [str(CDK8S), "synth"], cwd=project, env=env, capture_output=True, text=True, check=False
    )


@pytest.mark.slow
@pytest.mark.skipif(not CDK8S.exists(), reason="cdk8s CLI not installed (run `make setup`)")
def test_bare_cdk8s_synth_never_loses_dist(tmp_path: Path) -> None:
    # GIVEN a project configured as podkit's cdk8s.yaml is, with dist/ and a kustomization.yaml in it
    project = tmp_path
    (project / "cdk8s.yaml").write_text(f"app: {sys.executable} app.py\noutput: .build/cdk8s.out\n")
    (project / "app.py").write_text(textwrap.dedent(APP))
    write_output(project / "dist", OLD)
    (project / "dist" / "kustomization.yaml").write_text("k\n")
    before = tree(project / "dist")
    # WHEN the app raises  THEN the CLI fails and dist/ is unchanged
    failed = _cdk8s_synth(project, fail=True)
    assert failed.returncode != 0 and "the app failed" in failed.stderr
    assert tree(project / "dist") == before
    # WHEN it succeeds  THEN dist/ holds the new output and the user's file
    ok = _cdk8s_synth(project, fail=False)
    assert ok.returncode == 0, ok.stderr
    assert tree(project / "dist") == {"web.k8s.yaml": "kind: Pod # new\n", "kustomization.yaml": "k\n"}
    assert tree(project / ".build" / "cdk8s.out") == {"web.k8s.yaml": "kind: Pod # new\n"}
