"""The podkit command: synth (all or nothing), diff (exit 0/1/2), init, errors the podkit way."""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from podkit import _diff, cli

GOOD_APP = """
import podkit as pk
app = pk.App()
pk.SidecarPod(pk.Chart(app, "web"), "web", main=pk.Container(name="nginx", image="{image}"))
app.synth()
"""
RAISES_PODKIT = """
import podkit as pk
pk.Container(name="nginx", image="nginx", resources=pk.Resources(memory_limit="128MB"))
"""
RAISES_OTHER = """
import podkit as pk

def build():
    raise KeyError("no-such-setting")

build()
"""


def project(tmp_path: Path, app: str, image: str = "nginx:1.27.0") -> Path:
    (tmp_path / "cdk8s.yaml").write_text("language: python\napp: python app.py\n")
    (tmp_path / "app.py").write_text(app.format(image=image))
    return tmp_path


def test_find_project_walks_up_from_a_subfolder(tmp_path: Path) -> None:
    root = project(tmp_path, GOOD_APP)
    (root / "a" / "b").mkdir(parents=True)
    assert cli.find_project(root / "a" / "b") == root
    assert cli.read_project_setting(root, "app") == "python app.py"


@pytest.mark.parametrize(
    "line",
    ["app: python app.py", "app: 'python app.py'", 'app: "python app.py"  # run', "app: python app.py # run"],
)
def test_reads_the_app_command_as_cdk8s_yaml_says_it(tmp_path: Path, line: str) -> None:
    # the same reader as the output folder's `output:` (podkit._output.cdk8s_yaml_setting)
    (tmp_path / "cdk8s.yaml").write_text(f"language: python\n{line}\noutput: .build/cdk8s.out\n")
    assert cli.read_project_setting(tmp_path, "app") == "python app.py"


def test_fails_without_cdk8s_yaml(tmp_path: Path) -> None:
    with pytest.raises(
        cli.CommandError, match=r"^no cdk8s.yaml in .* or any parent folder; run podkit in a project"
    ):
        cli.find_project(tmp_path)


def test_app_runs_with_podkits_own_python() -> None:
    assert cli.app_argv(".venv/bin/python app.py --x 'a b'") == [sys.executable, "app.py", "--x", "a b"]
    assert cli.app_argv("python3.11 app.py") == [sys.executable, "app.py"]
    assert cli.app_argv("./run.sh") == ["./run.sh"]


def test_synth_publishes_quietly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(tmp_path, GOOD_APP)
    (root / "sub").mkdir()
    monkeypatch.chdir(root / "sub")
    assert cli.main(["synth"]) == 0
    assert capsys.readouterr() == ("", "")
    outdir, names = cli.synth(cwd=root)
    assert (outdir, names) == (root / "dist", ["web.k8s.yaml"])
    assert "image: nginx:1.27.0" in (root / "dist" / "web.k8s.yaml").read_text()


def test_failed_synth_leaves_output_untouched_and_prints_the_podkit_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(tmp_path, GOOD_APP)
    cli.synth(cwd=root)
    before = (root / "dist" / "web.k8s.yaml").read_bytes()
    (root / "app.py").write_text(RAISES_PODKIT)
    monkeypatch.chdir(root)
    assert cli.main(["synth"]) == 2
    err = capsys.readouterr()
    assert err.out == ""
    # at the user's line, as compilers print it (tests/test_user_line.py has the rest)
    assert err.err.startswith(
        "app.py:3: error: [container 'nginx'] memory limit '128MB' is not a Kubernetes quantity"
    )
    assert "Traceback" not in err.err
    assert (root / "dist" / "web.k8s.yaml").read_bytes() == before


def test_app_exception_shows_the_apps_frames_only(tmp_path: Path) -> None:
    root = project(tmp_path, RAISES_OTHER)
    with pytest.raises(cli.CommandError) as err:
        cli.synth(cwd=root)
    text = str(err.value)
    assert text.startswith("Traceback (most recent call last, app frames only):\n")
    assert f'File "{root / "app.py"}", line 7, in <module>' in text
    assert 'line 5, in build\n    raise KeyError("no-such-setting")' in text
    assert text.endswith("KeyError: 'no-such-setting'")
    assert "site-packages" not in text and "podkit/" not in text


def test_diff_exit_status_is_0_equal_1_differ_2_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(tmp_path, GOOD_APP)
    cli.synth(cwd=root)
    monkeypatch.chdir(root)
    assert cli.main(["diff"]) == 0
    assert capsys.readouterr().out == ""
    project(tmp_path, GOOD_APP, image="nginx:1.28.0")
    assert cli.main(["diff"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("~ changed Pod web\n--- committed: Pod web\n+++ fresh: Pod web\n")
    assert "-    - image: nginx:1.27.0\n+    - image: nginx:1.28.0\n" in out
    (root / "app.py").write_text(RAISES_PODKIT)
    assert cli.main(["diff"]) == 2
    assert capsys.readouterr().err.startswith("app.py:3: error: [container 'nginx'] memory limit '128MB'")


def test_fails_on_bad_arguments_with_usage_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.main(["synth", "--nope"])
    assert exit_.value.code == 2
    assert "podkit: error: unrecognized arguments: --nope" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["synth", "diff", "init", "seal", "graph", "import"])
def test_every_subcommand_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.main([command, "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: podkit {command} [-h] [--debug]")
    assert re.search(r"\n  --debug +print the traceback of an unexpected error", out)


def test_every_subcommand_is_documented_and_tested_for_help() -> None:
    # a new subcommand fails here until it is added to test_every_subcommand_has_help
    parser = cli.build_parser()
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    assert sorted(sub.choices) == ["diff", "graph", "import", "init", "seal", "synth"]


# -- every error exits 2 (issue #12: `diff` must never exit 1 for an error) -------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  labels: {x: "\xff"}\n',
            r"{dist}/web.k8s.yaml, line 5: byte 0xff is not UTF-8 (invalid start byte); expected the "
            r"UTF-8 YAML a synth writes; run `podkit synth` to rewrite the output, or fix the file",
        ),
        (
            b'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\na: "unterminated\n',
            r'{dist}/web.k8s.yaml, line 6, column 1: not valid YAML: Missing closing "quote; '
            r"run `podkit synth` to rewrite the output, or fix the file",
        ),
        (
            b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n---\n- just\n- a list\n",
            r"{dist}/web.k8s.yaml, line 6: the document is a list, not a Kubernetes object; expected "
            r"a mapping with apiVersion, kind and metadata.name; run `podkit synth` to rewrite the "
            r"output, or fix the file",
        ),
    ],
    ids=["not-utf8", "broken-yaml", "not-an-object"],
)
def test_fails_diff_with_exit_2_on_a_broken_committed_file(
    content: bytes,
    message: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # GIVEN a committed dist/ file edited into something that is not a manifest
    root = project(tmp_path, GOOD_APP)
    cli.synth(cwd=root)
    (root / "dist" / "web.k8s.yaml").write_bytes(content)
    monkeypatch.chdir(root)
    # WHEN podkit diff runs  THEN it is an error (2), never "differs" (1), and names file and line
    assert cli.main(["diff"]) == 2
    out, err = capsys.readouterr()
    assert (out, err) == ("", f"podkit: error: {message.format(dist=root / 'dist')}\n")


def test_fails_unexpected_errors_in_one_line_with_exit_2_and_a_traceback_on_debug(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(tmp_path, GOOD_APP)
    (root / "dist").mkdir()
    monkeypatch.chdir(root)

    def broken(*args: object, **kwargs: object) -> str:
        raise KeyError("a\nb")

    monkeypatch.setattr(_diff, "compare_folders", broken)
    assert cli.main(["diff"]) == 2
    assert capsys.readouterr() == (
        "",
        "podkit: error: unexpected KeyError: 'a\\nb'; podkit did not expect this, please report it "
        "(rerun `podkit diff --debug` for the traceback)\n",
    )
    assert cli.main(["diff", "--debug"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Traceback (most recent call last):\n")
    assert err.endswith(
        "podkit: error: unexpected KeyError: 'a\\nb'; podkit did not expect this, please report it\n"
    )


def test_fails_os_errors_with_the_file_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def denied(**kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(tmp_path / "dist"))

    monkeypatch.setattr(cli, "synth", denied)
    assert cli.main(["synth"]) == 2
    assert capsys.readouterr().err == f"podkit: error: Permission denied: {tmp_path / 'dist'}\n"


def test_fails_synth_on_a_cdk8s_yaml_that_is_not_utf8(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "cdk8s.yaml").write_bytes(b"app: python \xff.py\n")
    monkeypatch.chdir(tmp_path)
    assert cli.main(["synth"]) == 2
    assert capsys.readouterr().err == (
        f"podkit: error: {tmp_path / 'cdk8s.yaml'} is not UTF-8 (invalid start byte at byte 12); "
        "save it as UTF-8\n"
    )


def test_fails_seal_and_init_with_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert cli.main(["seal"]) == 2
    assert capsys.readouterr().err.startswith(f"podkit: error: no cdk8s.yaml in {tmp_path} or any parent")
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "x").write_text("")
    assert cli.main(["init", "taken"]) == 2
    assert capsys.readouterr().err == (
        "podkit: error: taken already exists and is not an empty folder; choose a new folder\n"
    )


@pytest.fixture(scope="module")
def scaffold(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """``(project, wheel)``: one `podkit init` for the tests that only read it (or copy it)."""
    tmp_path = tmp_path_factory.mktemp("scaffold")
    wheel = tmp_path / "podkit-0.1.0-py3-none-any.whl"
    wheel.write_bytes(b"wheel")
    target = tmp_path / "My Team"
    cli.init(target, source=wheel)
    return target, wheel


def test_init_scaffolds_a_complete_project(scaffold: tuple[Path, Path]) -> None:
    target, wheel = scaffold
    files = sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file())
    assert files == [
        ".github/workflows/podkit.yml",
        ".gitignore",
        ".pre-commit-config.yaml",
        "Makefile",
        "README.md",
        "app.py",
        "cdk8s.yaml",
        "dist/prod.k8s.yaml",
        "dist/web.k8s.yaml",
        "lib/my_team/__init__.py",
        "pyproject.toml",
        "requirements.txt",
        "tests/__snapshots__/test_app/test_manifests_snapshot.yaml",
        "tests/test_app.py",
        "vendor/podkit-0.1.0-py3-none-any.whl",
    ]
    requirements = (target / "requirements.txt").read_text().splitlines()
    assert requirements[:3] == [
        "# podkit is not on PyPI yet: this installs the podkit 0.1.0 that created this project",
        f"# (a copy of {wheel}). Once podkit is published, replace the next line with: podkit==0.1.0",
        "./vendor/podkit-0.1.0-py3-none-any.whl",
    ]
    assert (target / "vendor" / wheel.name).read_bytes() == b"wheel"
    assert "pytest==9.2.0" in requirements and "syrupy==7.0.2" in requirements
    assert 'name = "my-team"' in (target / "pyproject.toml").read_text()
    # safe secrets by default: prod forbids inline values and reads its password from the
    # secret manager (ExternalSecret); local secret env files are ignored by git
    assert "forbid_inline_secrets=True" in (target / "app.py").read_text()
    assert "kind: ExternalSecret" in (target / "dist" / "prod.k8s.yaml").read_text()
    assert {".env", ".env.*", "*.env", "secrets/"} <= set((target / ".gitignore").read_text().splitlines())


CDK8S = Path(__file__).resolve().parent.parent / "node_modules" / ".bin" / "cdk8s"


def _cdk8s_synth(project: Path) -> subprocess.CompletedProcess[str]:
    # the real cdk8s CLI, which deletes its output folder before it runs the app
    env = {**cli.tool_env(), "CDK8S_CHECK_UPGRADE": "false"}
    env.pop("CDK8S_OUTDIR", None)
    return subprocess.run(
        [str(CDK8S), "synth"], cwd=project, env=env, capture_output=True, text=True, check=False
    )


@pytest.mark.skipif(not CDK8S.exists(), reason="no cdk8s CLI in node_modules (run make setup)")
def test_a_scaffolded_project_keeps_dist_when_cdk8s_synth_fails(
    scaffold: tuple[Path, Path], tmp_path: Path
) -> None:
    project = tmp_path / "proj"
    shutil.copytree(scaffold[0], project)
    before = {p.name: p.read_bytes() for p in (project / "dist").iterdir()}
    # GIVEN an app that fails  WHEN bare `cdk8s synth` runs it  THEN dist/ is as it was
    with (project / "app.py").open("a") as f:
        f.write("\nraise RuntimeError('broken')\n")
    result = _cdk8s_synth(project)
    assert result.returncode != 0 and "broken" in result.stderr
    assert {p.name: p.read_bytes() for p in (project / "dist").iterdir()} == before
    # GIVEN a cdk8s.yaml whose output is dist/  THEN podkit refuses, naming output: and the fix
    (project / "cdk8s.yaml").write_text("language: python\napp: python app.py\noutput: dist\n")
    result = _cdk8s_synth(project)
    assert result.returncode != 0
    assert "cdk8s synth's output folder 'dist' is the folder podkit publishes to" in result.stderr
    assert "Set `output: .build/cdk8s.out` in cdk8s.yaml" in result.stderr


def test_init_writes_an_explicit_requirement_as_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli, "synth", lambda **kwargs: None)
    monkeypatch.setattr(cli, "_write_first_snapshot", lambda project: None)
    assert cli.main(["init", str(tmp_path / "p"), "--podkit-requirement", "podkit==0.1.0"]) == 0
    assert (tmp_path / "p" / "requirements.txt").read_text().splitlines()[1:3] == [
        "# (given to `podkit init --podkit-requirement`). Once podkit is published, replace the "
        "next line with: podkit==0.1.0",
        "podkit==0.1.0",
    ]
    assert not (tmp_path / "p" / "vendor").exists()


def test_fails_init_with_both_a_source_and_a_requirement(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.main(["init", "x", "--podkit-source", "a.whl", "--podkit-requirement", "podkit==0.1.0"])
    assert exit_.value.code == 2
    assert (
        "argument --podkit-requirement: not allowed with argument --podkit-source" in capsys.readouterr().err
    )


def test_failed_init_removes_what_it_wrote(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def failing_synth(**kwargs: object) -> None:
        raise cli.CommandError("", "the app failed")

    monkeypatch.setattr(cli, "synth", failing_synth)
    wheel = tmp_path / "podkit-0.1.0-py3-none-any.whl"
    wheel.write_bytes(b"wheel")
    # a folder init created is removed; an empty folder that was there is left empty
    for target, existed in ((tmp_path / "new", False), (tmp_path / "empty", True)):
        if existed:
            target.mkdir()
        with pytest.raises(cli.CommandError, match=r"^the app failed$"):
            cli.init(target, source=wheel)
        assert target.exists() is existed
        assert not existed or list(target.iterdir()) == []


def test_fails_to_init_over_a_non_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "x").write_text("")
    with pytest.raises(
        cli.CommandError, match=r"already exists and is not an empty folder; choose a new folder"
    ):
        cli.init(tmp_path)


# -- where a new project's podkit comes from (podkit is not on PyPI) ---------------------------


class FakeDist:
    """An installed podkit as importlib.metadata sees it, with the given PEP 610 record."""

    version = "0.1.0"

    def __init__(self, direct_url: dict[str, object] | None) -> None:
        self.direct_url = direct_url

    def read_text(self, name: str) -> str | None:
        assert name == "direct_url.json"
        return None if self.direct_url is None else json.dumps(self.direct_url)


def installed_from(monkeypatch: pytest.MonkeyPatch, direct_url: dict[str, object] | None) -> None:
    from importlib import metadata

    monkeypatch.setattr(metadata, "distribution", lambda name: FakeDist(direct_url))


FIX = (
    "pass --podkit-source PATH (the podkit wheel or source folder to install from), or "
    "--podkit-requirement SPEC if a package index you trust serves this podkit (e.g. 'podkit==0.1.0')"
)


def test_installed_from_a_local_wheel_copies_it_into_vendor(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wheel = tmp_path / "podkit-0.1.0-py3-none-any.whl"
    wheel.write_bytes(b"wheel")
    installed_from(monkeypatch, {"url": wheel.as_uri(), "archive_info": {}})
    assert cli.installed_podkit() == cli.PodkitSource(
        "./vendor/podkit-0.1.0-py3-none-any.whl", f"a copy of {wheel}", vendor=wheel
    )


def test_installed_from_a_source_folder_names_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    installed_from(monkeypatch, {"url": tmp_path.as_uri(), "dir_info": {"editable": True}})
    assert cli.installed_podkit() == cli.PodkitSource(
        f"podkit @ {tmp_path.as_uri()}",
        f"the source folder {tmp_path} (editable install); not reachable from CI: use a wheel",
    )


def test_installed_from_git_pins_the_commit(monkeypatch: pytest.MonkeyPatch) -> None:
    url = "https://example.com/team/podkit.git"
    installed_from(
        monkeypatch,
        {"url": url, "vcs_info": {"vcs": "git", "commit_id": "0123abc", "requested_revision": "main"}},
    )
    assert cli.installed_podkit() == cli.PodkitSource(f"podkit @ git+{url}@0123abc", f"{url} at 0123abc")


def test_installed_from_a_url_pins_its_hash(monkeypatch: pytest.MonkeyPatch) -> None:
    url = "https://example.com/podkit-0.1.0-py3-none-any.whl"
    installed_from(monkeypatch, {"url": url, "archive_info": {"hashes": {"sha256": "ab12"}}})
    assert cli.installed_podkit() == cli.PodkitSource(f"podkit @ {url}#sha256=ab12", f"from {url}")


def test_fails_when_installed_from_an_index(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # GIVEN podkit installed from an index or --find-links (no direct_url.json)
    installed_from(monkeypatch, None)
    message = (
        "podkit 0.1.0 was installed from a package index or --find-links, which leaves no record of "
        "the file it came from, and a bare `podkit==0.1.0` could install some other package while "
        f"podkit is not on PyPI; {FIX}"
    )
    with pytest.raises(cli.CommandError, match=f"^{re.escape(message)}$"):
        cli.installed_podkit()
    # THEN init refuses before writing anything
    with pytest.raises(cli.CommandError, match="was installed from a package index"):
        cli.init(tmp_path / "new")
    assert not (tmp_path / "new").exists()


def test_fails_when_the_installed_file_is_gone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    wheel = tmp_path / "podkit-0.1.0-py3-none-any.whl"
    installed_from(monkeypatch, {"url": wheel.as_uri(), "archive_info": {}})
    message = f"podkit 0.1.0 was installed from {wheel}, which no longer exists; {FIX}"
    with pytest.raises(cli.CommandError, match=f"^{re.escape(message)}$"):
        cli.installed_podkit()


def test_fails_when_podkit_is_not_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    from importlib import metadata

    def missing(name: str) -> None:
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(metadata, "distribution", missing)
    with pytest.raises(
        cli.CommandError, match=r"^podkit is running without being installed .*--podkit-source PATH"
    ):
        cli.installed_podkit()


def test_podkit_source_takes_a_wheel_an_sdist_or_a_source_folder(tmp_path: Path) -> None:
    wheel = tmp_path / "podkit-0.1.0-py3-none-any.whl"
    sdist = tmp_path / "podkit-0.1.0.tar.gz"
    for f in (wheel, sdist):
        f.write_bytes(b"")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "pyproject.toml").write_text('[project]\nname = "podkit"\n')
    assert cli.podkit_from_path(wheel) == cli.PodkitSource(
        f"./vendor/{wheel.name}", f"a copy of {wheel}", wheel
    )
    assert cli.podkit_from_path(sdist).requirement == "./vendor/podkit-0.1.0.tar.gz"
    assert cli.podkit_from_path(tmp_path / "src") == cli.PodkitSource(
        f"podkit @ {(tmp_path / 'src').as_uri()}",
        f"the source folder {tmp_path / 'src'}; not reachable from CI: use a wheel",
    )


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "gone.whl",
            r"--podkit-source {path} does not exist; expected a podkit wheel, sdist or source folder",
        ),
        ("other-1.0-py3-none-any.whl", r"--podkit-source {path} is not a podkit wheel or sdist; expected"),
        ("folder", r"--podkit-source {path} is not a podkit source folder \(its pyproject.toml does not"),
    ],
)
def test_fails_podkit_source_that_is_not_podkit(name: str, message: str, tmp_path: Path) -> None:
    path = tmp_path / name
    if name == "folder":
        path.mkdir()
        (path / "pyproject.toml").write_text('[project]\nname = "podkit-extras"\n')
    elif name != "gone.whl":
        path.write_bytes(b"")
    with pytest.raises(cli.CommandError, match="^" + message.format(path=re.escape(str(path)))):
        cli.podkit_from_path(path)


# -- `python -m podkit` and `python -m podkit.cli` are the console script ----------------------

PODKIT_SCRIPT = str(Path(sys.executable).with_name("podkit"))
NOT_A_COMMAND = (
    "usage: podkit [-h] COMMAND ...\n"
    "podkit: error: argument COMMAND: invalid choice: 'frob' "
    "(choose from 'synth', 'diff', 'init', 'seal', 'graph', 'import')\n"
)


@pytest.mark.parametrize(
    ("args", "code", "start_of_out", "err"),
    [
        (["--help"], 0, "usage: podkit [-h] COMMAND ...\n", ""),
        (["synth", "--help"], 0, "usage: podkit synth [-h] [--debug]", ""),
        (["frob"], 2, "", NOT_A_COMMAND),  # argparse's own exit (SystemExit)
        # main()'s returned status; `-m podkit.cli` without its __main__ guard exited 0 printing nothing
        (["synth"], 2, "", "podkit: error: no cdk8s.yaml in {cwd} or any parent folder; run podkit in a"),
    ],
)
def test_python_dash_m_runs_the_console_script(
    args: list[str], code: int, start_of_out: str, err: str, tmp_path: Path
) -> None:
    # the parser is named podkit however it was started (not `__main__.py` or `cli.py`); a Node that
    # cannot start: none of these starts Node in podkit's own process
    env = {**os.environ, "JSII_NODE": "/missing/node"}
    runs = {
        how: subprocess.run(
            [*how, *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60, check=False
        )
        for how in ((PODKIT_SCRIPT,), (sys.executable, "-m", "podkit"), (sys.executable, "-m", "podkit.cli"))
    }
    script = runs[(PODKIT_SCRIPT,)]
    assert (script.returncode, script.stdout[: len(start_of_out)]) == (code, start_of_out)
    assert script.stderr.startswith(err.format(cwd=tmp_path)) and (err == "") == (script.stderr == "")
    for how, result in runs.items():
        assert (result.returncode, result.stdout, result.stderr) == (
            script.returncode,
            script.stdout,
            script.stderr,
        ), how
