"""Errors point at the user's line (issue 22): at the call, at synth, in the ``podkit`` command.

A podkit exception records the first frame outside podkit and its libraries (file, line,
function; never the frame); a synth-time problem names the line that created its object; the
installed ``podkit`` prints ``app.py:27: error: ...`` and ``--debug`` the app's traceback.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pytest

import podkit as pk
from podkit import errors
from podkit.errors import PodkitException, Problem, SynthError, UserFrame

HERE = Path(__file__).resolve()
PODKIT = Path(sys.executable).parent / "podkit"  # the installed console script


def line_of(marker: str, text: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if marker in line)


def test_an_error_at_a_call_records_the_callers_line_and_nothing_else() -> None:
    with pytest.raises(pk.InvalidQuantityError) as e:
        pk.Container(name="c", image="nginx", resources=pk.Resources(memory_limit="128MB"))  # the line
    assert e.value.source == UserFrame(
        str(HERE),
        line_of('"128MB"))  # the line', HERE.read_text()),
        "test_an_error_at_a_call_records_the_callers_line_and_nothing_else",
    )
    # file, line and function only: no frame, so no locals (a secret) are kept alive
    assert [f.name for f in dataclasses.fields(UserFrame)] == ["file", "line", "function"]
    assert e.value.source.location() == f"{os.path.relpath(HERE)}:{e.value.source.line}"


def test_library_frames_are_skipped() -> None:
    assert errors._is_library(errors.__file__)
    assert errors._is_library(os.__file__)
    assert errors._is_library("<frozen runpy>")
    assert not errors._is_library(str(HERE))
    assert not errors._is_library("<string>")
    site = "/x/lib/python3.11/site-packages"
    assert [
        errors._is_library(f"{site}/{m}/__init__.py") for m in ("cdk8s", "jsii", "cdk8s_plus_33", "yaml")
    ] == [
        True,
        True,
        True,
        False,
    ]


def test_a_synth_problem_names_the_line_that_created_the_object() -> None:
    app = pk.App()
    chart = pk.Chart(app, "test")
    created = sys._getframe().f_lineno + 1
    web = pk.Deployment(chart, "web", main=pk.Container(name="c", image="nginx:1.27.0"))
    import cdk8s

    cdk8s.ApiObject.of(web).add_json_patch(cdk8s.JsonPatch.test("/kind", "Pod"))
    with pytest.raises(SynthError) as e:
        app.synth_documents()
    (problem,) = e.value.problems
    assert problem.source == f"{os.path.relpath(HERE)}:{created}"
    assert str(problem) == f"{problem.source}: {problem.text}"
    assert problem.text.startswith("[test/web] Deployment 'web': JSON patch #1 (test /kind) failed")


def test_problem_source_is_optional_and_a_prefix() -> None:
    assert str(Problem("a/b", "bad", "fix it")) == "[a/b] bad; fix it"
    assert str(Problem("a/b", "bad", source="app.py:3")) == "app.py:3: [a/b] bad"


def test_the_report_hook_finds_a_podkit_error_inside_another(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = tmp_path / "report.json"
    monkeypatch.setenv(errors.REPORT_ENV, str(report))
    try:
        try:
            raise pk.PodkitError("x/y", "bad value")
        except PodkitException as inner:
            raise RuntimeError("wrapped") from inner
    except RuntimeError as outer:
        errors._report_hook(RuntimeError, outer, None, previous=lambda *a: None)
    import json

    data = json.loads(report.read_text())
    assert data["message"] == "[x/y] bad value" and data["source"][0] == str(HERE)


# --------------------------------------------------------------------------- the installed command

AT_A_CALL = """\
import podkit as pk

app = pk.App()
chart = pk.Chart(app, "web")
pk.Container(name="nginx", image="nginx:1.27.0", resources=pk.Resources(memory_limit="128MB"))
app.synth()
"""
AT_SYNTH = """\
import cdk8s
import podkit as pk

app = pk.App()
chart = pk.Chart(app, "web")
web = pk.Deployment(chart, "web", main=pk.Container(name="nginx", image="nginx:1.27.0"))
cdk8s.ApiObject.of(web).add_json_patch(cdk8s.JsonPatch.test("/kind", "Pod"))
app.synth()
"""


def podkit(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run(
        [str(PODKIT), *args], cwd=project, env=env, capture_output=True, text=True, check=False
    )


def project(tmp_path: Path, app: str) -> Path:
    (tmp_path / "cdk8s.yaml").write_text("language: python\napp: python app.py\n")
    (tmp_path / "app.py").write_text(app)
    return tmp_path


def test_cli_prints_an_error_at_a_call_at_the_users_line(tmp_path: Path) -> None:
    result = podkit(project(tmp_path, AT_A_CALL), "synth")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith(
        "app.py:5: error: [container 'nginx'] memory limit '128MB' is not a Kubernetes quantity;"
    ), result.stderr
    assert len(result.stderr.splitlines()) == 1 and not (tmp_path / "dist").exists()


def test_cli_prints_a_synth_problem_at_the_line_that_created_the_object(tmp_path: Path) -> None:
    root = project(tmp_path, AT_SYNTH)
    result = podkit(root, "synth")
    assert result.returncode == 2, result.stderr
    assert result.stderr == (
        "podkit: error: synth failed with 1 problem(s); nothing was written:\n"
        "app.py:6: error: [web/web] Deployment 'web': JSON patch #1 (test /kind) failed: it is a test "
        "operation and the value differs; fix the patch added with ApiObject.of(...).add_json_patch(...)\n"
    )
    # --debug: the app's traceback, its own frames kept and podkit's collapsed, never podkit's CLI
    debug = podkit(root, "synth", "--debug")
    assert debug.returncode == 2
    assert debug.stderr.startswith("Traceback (most recent call last):\n"), debug.stderr
    assert f'  File "{root / "app.py"}", line 8, in <module>\n    app.synth()\n' in debug.stderr
    assert "frame(s) of podkit and its libraries]" in debug.stderr
    assert "cli.py" not in debug.stderr and "run_app" not in debug.stderr
    assert debug.stderr.endswith(result.stderr)
