"""The podkit command: synth (all or nothing), diff (exit 0/1/2), init, errors the podkit way."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from podkit import cli

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
    assert err.err.startswith(
        "podkit: error: [container 'nginx'] memory limit '128MB' is not a Kubernetes quantity"
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
    assert capsys.readouterr().err.startswith("podkit: error: [container 'nginx'] memory limit '128MB'")


def test_fails_on_bad_arguments_with_usage_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.main(["synth", "--nope"])
    assert exit_.value.code == 2
    assert "podkit: error: unrecognized arguments: --nope" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["synth", "diff", "init"])
def test_every_subcommand_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.main([command, "--help"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.startswith(f"usage: podkit {command} [-h]")


def test_init_scaffolds_a_complete_project(tmp_path: Path) -> None:
    target = tmp_path / "My Team"
    cli.init(target, requirement="./vendor/podkit-0.1.0-py3-none-any.whl")
    files = sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file())
    assert files == [
        ".github/workflows/podkit.yml",
        ".gitignore",
        ".pre-commit-config.yaml",
        "Makefile",
        "README.md",
        "app.py",
        "cdk8s.yaml",
        "dist/web.k8s.yaml",
        "lib/my_team/__init__.py",
        "pyproject.toml",
        "requirements.txt",
        "tests/__snapshots__/test_app/test_manifests_snapshot.yaml",
        "tests/test_app.py",
    ]
    requirements = (target / "requirements.txt").read_text().splitlines()
    assert requirements[2] == "./vendor/podkit-0.1.0-py3-none-any.whl"
    assert "replace the next line with: podkit==0.1.0" in requirements[1]
    assert "pytest==9.2.0" in requirements and "syrupy==7.0.2" in requirements
    assert 'name = "my-team"' in (target / "pyproject.toml").read_text()


def test_fails_to_init_over_a_non_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "x").write_text("")
    with pytest.raises(
        cli.CommandError, match=r"already exists and is not an empty folder; choose a new folder"
    ):
        cli.init(tmp_path)


def test_requirement_names_where_podkit_came_from(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from importlib import metadata

    wheel = tmp_path / "podkit-0.1.0-py3-none-any.whl"
    wheel.write_bytes(b"wheel")

    class Dist:
        version = "0.1.0"

        def read_text(self, name: str) -> str:
            return json.dumps({"url": wheel.as_uri(), "archive_info": {}})

    monkeypatch.setattr(metadata, "distribution", lambda name: Dist())
    line, origin = cli.podkit_requirement(tmp_path / "new")
    assert (line, origin) == ("./vendor/podkit-0.1.0-py3-none-any.whl", f"a copy of {wheel}")
    assert (tmp_path / "new" / "vendor" / wheel.name).read_bytes() == b"wheel"
    wheel.unlink()
    with pytest.raises(cli.CommandError, match=r"which no longer exists; pass --podkit-requirement"):
        cli.podkit_requirement(tmp_path / "other")
