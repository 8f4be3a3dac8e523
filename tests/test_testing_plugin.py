"""podkit.testing, the pytest plugin: redacted YAML snapshots, freshness diff, schema check."""

from __future__ import annotations

import base64
import subprocess
import sys
from pathlib import Path

import cdk8s
import pytest

import podkit as pk
from podkit.testing import (
    assert_output_fresh,
    assert_same_output,
    assert_schema_valid,
    read_output,
    redact,
)

SECRET = "correct-horse-battery-staple"

# a user's test module: every public output API of podkit, into a snapshot each
USER_TESTS = f'''
import podkit as pk


def build(app):
    chart = pk.Chart(app, "web")
    pk.SecretEnv(chart, "db", from_literal={{"password": "{SECRET}"}})


def app():
    a = pk.App()
    build(a)
    return a


def test_documents(snapshot_yaml):
    assert app().synth_documents() == snapshot_yaml


def test_yaml_text(snapshot_yaml):
    assert app().synth_yaml() == snapshot_yaml


def test_object_list(snapshot_yaml):
    assert app().synth_documents()["web.k8s.yaml"] == snapshot_yaml


def test_one_object(snapshot_yaml):
    assert app().synth_documents()["web.k8s.yaml"][0] == snapshot_yaml


def test_output_folder(snapshot_yaml, tmp_path):
    from podkit.testing import read_output

    a = pk.App(outdir=str(tmp_path / "dist"))
    build(a)
    a.synth()
    assert read_output(tmp_path / "dist") == snapshot_yaml
'''


def test_no_snapshot_of_any_output_shape_holds_a_secret_value(tmp_path: Path) -> None:
    # GIVEN a project whose tests snapshot a Secret through every output API (plugin from the entry point)
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_user.py").write_text(USER_TESTS)
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--snapshot-update", "tests"]
    result = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    # WHEN the snapshot files are read  THEN one readable YAML per test, and no value anywhere
    snaps = sorted((tmp_path / "tests" / "__snapshots__" / "test_user").iterdir())
    assert [p.name for p in snaps] == [
        "test_documents.yaml",
        "test_object_list.yaml",
        "test_one_object.yaml",
        "test_output_folder.yaml",
        "test_yaml_text.yaml",
    ]
    encoded = base64.b64encode(SECRET.encode()).decode()
    for path in snaps:
        text = path.read_text()
        assert SECRET not in text and encoded not in text, path
        assert "password: <redacted>" in text, path
    assert (tmp_path / "tests" / "__snapshots__" / "test_user" / "test_documents.yaml").read_text() == (
        "# web.k8s.yaml\napiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  password: <redacted>\n"
        "type: Opaque\n"
    )
    # a whole output folder snapshots like the documents it was written from
    assert (snaps[0].parent / "test_output_folder.yaml").read_text() == snaps[0].read_text()
    # and the run that compares against them passes
    check = subprocess.run([*cmd[:-2], "tests"], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stdout


def test_redact_returns_the_shape_it_was_given() -> None:
    obj = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "stringData": {"k": SECRET}}
    assert redact(obj)["stringData"] == {"k": "<redacted>"}
    assert redact([obj])[0]["stringData"] == {"k": "<redacted>"}
    assert redact({"a.k8s.yaml": [obj]}) == {"a.k8s.yaml": [redact(obj)]}
    text = redact("apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  k: " + SECRET + "\n")
    assert text == "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  k: <redacted>\n"


def build(app: pk.App, image: str = "nginx:1.27.0") -> None:
    pk.SidecarPod(pk.Chart(app, "web"), "web", main=pk.Container(name="nginx", image=image))


def test_output_fresh_passes_for_a_fresh_folder(tmp_path: Path) -> None:
    app = pk.App(outdir=str(tmp_path / "dist"))
    build(app)
    app.synth()
    assert_output_fresh(build, tmp_path / "dist")
    fresh = pk.App()
    build(fresh)
    assert_output_fresh(fresh, tmp_path / "dist")


def test_output_fresh_passes_for_an_app_writing_a_folder_per_chart(tmp_path: Path) -> None:
    # GIVEN an App whose output type puts each chart's files in a sub-folder
    def app() -> pk.App:
        a = pk.App(
            outdir=str(tmp_path / "dist"),
            yaml_output_type=cdk8s.YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE,
        )
        build(a)
        return a

    app().synth()
    assert (tmp_path / "dist" / "web" / "Pod.web.k8s.yaml").is_file()
    # WHEN an App of it is checked  THEN its files are written into their folders, and match
    assert_output_fresh(app(), tmp_path / "dist")


def test_fails_with_a_per_object_yaml_diff_when_stale(tmp_path: Path) -> None:
    app = pk.App(outdir=str(tmp_path / "dist"))
    build(app, image="nginx:1.26.0")
    app.synth()
    with pytest.raises(pytest.fail.Exception) as failed:
        assert_output_fresh(build, tmp_path / "dist")
    message = str(failed.value)
    assert message.startswith(f"{tmp_path / 'dist'} is stale: a fresh synth differs (run `podkit synth`")
    assert "~ changed Pod web\n--- committed: Pod web\n+++ fresh: Pod web\n" in message
    assert "-    - image: nginx:1.26.0\n+    - image: nginx:1.27.0\n" in message


def test_fails_on_an_app_of_the_wrong_type(tmp_path: Path) -> None:
    with pytest.raises(
        pk.PodkitTypeError, match=r"^\[assert_output_fresh\] app_or_command is a int; expected"
    ):
        assert_output_fresh(42, tmp_path)


def test_schema_assertion_is_strict() -> None:
    good = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"k": "v"}}
    assert_schema_valid([good])
    assert_schema_valid({"c.k8s.yaml": [good]})
    with pytest.raises(
        pytest.fail.Exception, match=r"not valid Kubernetes \(strict schema\):\n.*unknown field 'dat'"
    ):
        assert_schema_valid([{**good, "dat": {}}])


# -- whole output folders ------------------------------------------------------------------------


def _synth_to(folder: Path, image: str = "nginx:1.27.0", *, one_file: bool = False) -> Path:
    app = pk.App(outdir=str(folder))
    chart = pk.Chart(app, "web")
    pk.SidecarPod(chart, "web", main=pk.Container(name="nginx", image=image))
    pk.SecretEnv(chart if one_file else pk.Chart(app, "secrets"), "db", from_literal={"password": SECRET})
    app.synth()
    return folder


def test_read_output_returns_the_documents_shape(tmp_path: Path) -> None:
    # GIVEN an app written to a folder, one file per chart
    out = _synth_to(tmp_path / "dist")
    # WHEN it is read back  THEN it is what synth_documents() returned, file by file
    fresh = pk.App()
    fresh_chart = pk.Chart(fresh, "web")
    pk.SidecarPod(fresh_chart, "web", main=pk.Container(name="nginx", image="nginx:1.27.0"))
    pk.SecretEnv(pk.Chart(fresh, "secrets"), "db", from_literal={"password": SECRET})
    assert read_output(out) == fresh.synth_documents()
    assert list(read_output(out)) == ["secrets.k8s.yaml", "web.k8s.yaml"]
    assert read_output(tmp_path / "missing") == {}


def test_read_output_reads_subfolders(tmp_path: Path) -> None:
    (tmp_path / "dist" / "web").mkdir(parents=True)
    (tmp_path / "dist" / "web" / "ConfigMap.c.k8s.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n"
    )
    (tmp_path / "dist" / "notes.txt").write_text("not YAML, not read")
    assert read_output(tmp_path / "dist") == {
        "web/ConfigMap.c.k8s.yaml": [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}]
    }


def test_fails_to_read_a_document_that_is_not_an_object(tmp_path: Path) -> None:
    (tmp_path / "dist").mkdir()
    (tmp_path / "dist" / "a.k8s.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n---\n- 1\n"
    )
    with pytest.raises(pk.PodkitError) as err:
        read_output(tmp_path / "dist")
    assert str(err.value) == (
        f"{tmp_path / 'dist'}/a.k8s.yaml, line 6: the document is a list, not a Kubernetes object; expected a "
        "mapping with apiVersion, kind and metadata.name; run `podkit synth` to rewrite the output, or fix "
        "the file"
    )


def test_same_output_passes_for_identical_folders(tmp_path: Path) -> None:
    assert_same_output(_synth_to(tmp_path / "a"), _synth_to(tmp_path / "b"))


def test_fails_with_a_per_object_diff_naming_both_folders(tmp_path: Path) -> None:
    # GIVEN two folders whose Pod image and Secret value differ
    a = _synth_to(tmp_path / "a")
    b = _synth_to(tmp_path / "b", image="nginx:1.28.0")
    (b / "secrets.k8s.yaml").write_text(
        (b / "secrets.k8s.yaml").read_text().replace("Y29ycmVjdC", "AAAAAAAAAA")
    )
    # WHEN compared  THEN the report names the folders, shows the change, and no Secret value
    with pytest.raises(pytest.fail.Exception) as failed:
        assert_same_output(a, b)
    message = str(failed.value)
    assert message.startswith(f"{b} differs from {a}:\n")
    assert f"~ changed Pod web\n--- {a}: Pod web\n+++ {b}: Pod web\n" in message
    assert "-    - image: nginx:1.27.0\n+    - image: nginx:1.28.0\n" in message
    assert "-  password: <redacted>\n+  password: <redacted, changed>\n" in message
    assert SECRET not in message and "Y29ycmVjdC" not in message


def test_fails_on_the_same_objects_in_another_file_layout(tmp_path: Path) -> None:
    # GIVEN the same objects, one file per chart in one folder and one file in the other
    a = _synth_to(tmp_path / "a")
    b = _synth_to(tmp_path / "b", one_file=True)
    with pytest.raises(pytest.fail.Exception) as failed:
        assert_same_output(a, b)
    assert str(failed.value) == (
        f"{b} differs from {a}:\n"
        "~ file secrets.k8s.yaml: same objects, different file layout or order\n"
        "~ file web.k8s.yaml: same objects, different file layout or order\n"
    )
