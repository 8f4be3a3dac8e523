"""Every cdk8s.YamlOutputType holds podkit's objects, through podkit.App and cdk8s.App alike."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import cdk8s
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import podkit as pk

TYPES = {
    "FILE_PER_CHART": (cdk8s.YamlOutputType.FILE_PER_CHART, ["a.k8s.yaml", "b.k8s.yaml"]),
    "FILE_PER_APP": (cdk8s.YamlOutputType.FILE_PER_APP, ["app.k8s.yaml"]),
    "FILE_PER_RESOURCE": (
        cdk8s.YamlOutputType.FILE_PER_RESOURCE,
        ["ConfigMap.cfg.k8s.yaml", "Pod.web.k8s.yaml", "Secret.s.k8s.yaml"],
    ),
    "FOLDER_PER_CHART_FILE_PER_RESOURCE": (
        cdk8s.YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE,
        ["a/ConfigMap.cfg.k8s.yaml", "a/Pod.web.k8s.yaml", "b/Secret.s.k8s.yaml"],
    ),
}


def build(app: cdk8s.App) -> None:
    a = pk.Chart(app, "a")
    cfg = pk.ConfigFromMap(a, "cfg", data={"k": "v"})
    pk.SidecarPod(a, "web", main=pk.Container(name="web", image="nginx:1.27", env={"K": cfg.value("k")}))
    pk.SecretEnv(pk.Chart(app, "b"), "s", from_literal={"x": "y"})


def files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*.k8s.yaml"))


@pytest.mark.parametrize("name", TYPES)
def test_podkit_app(name: str, tmp_path: Path) -> None:
    output_type, expected = TYPES[name]
    app = pk.App(outdir=str(tmp_path / "dist"), yaml_output_type=output_type)
    build(app)
    app.synth()
    assert files(tmp_path / "dist") == expected


@pytest.mark.parametrize("name", TYPES)
def test_cdk8s_app_writes_the_same_files(name: str, tmp_path: Path) -> None:
    output_type, expected = TYPES[name]
    app = cdk8s.App(outdir=str(tmp_path / "cdk8s"), yaml_output_type=output_type)
    build(app)
    app.synth()
    assert files(tmp_path / "cdk8s") == expected
    mine = pk.App(outdir=str(tmp_path / "podkit"), yaml_output_type=output_type)
    build(mine)
    mine.synth()
    for rel in expected:
        assert (tmp_path / "podkit" / rel).read_text() == (tmp_path / "cdk8s" / rel).read_text(), rel


def test_fails_on_an_output_type_given_as_str() -> None:
    with pytest.raises(pk.PodkitTypeError, match=r"yaml_output_type must be a cdk8s\.YamlOutputType"):
        pk.App(yaml_output_type="FILE_PER_APP")  # type: ignore[arg-type]


# -- no layout ever drops an object ------------------------------------------------------------------
def environments(app: pk.App, *, namespaces: tuple[str, str] = ("dev", "prod")) -> None:
    """dev's and prod's `ConfigMap settings`: one kind and name, two objects."""
    for chart_id, namespace in zip(("dev", "prod"), namespaces, strict=True):
        pk.ConfigFromMap(pk.Chart(app, chart_id, namespace=namespace), "settings", data={"env": chart_id})


DISTINCT = {
    "FILE_PER_CHART": ["dev.k8s.yaml", "prod.k8s.yaml"],
    "FILE_PER_APP": ["app.k8s.yaml"],
    # the namespace goes into the name only where two names would clash
    "FILE_PER_RESOURCE": ["ConfigMap.dev.settings.k8s.yaml", "ConfigMap.prod.settings.k8s.yaml"],
    "FOLDER_PER_CHART_FILE_PER_RESOURCE": [
        "dev/ConfigMap.settings.k8s.yaml",
        "prod/ConfigMap.settings.k8s.yaml",
    ],
}


@pytest.mark.parametrize("name", DISTINCT)
def test_objects_of_one_kind_and_name_in_two_namespaces_are_both_written(name: str, tmp_path: Path) -> None:
    app = pk.App(outdir=str(tmp_path / "dist"), yaml_output_type=TYPES[name][0])
    environments(app)
    documents = app.synth_documents()
    assert sorted(documents) == DISTINCT[name]
    assert sorted(d["metadata"]["namespace"] for docs in documents.values() for d in docs) == ["dev", "prod"]
    app.synth()
    assert files(tmp_path / "dist") == DISTINCT[name]


def test_charts_without_namespaces_get_their_chart_in_the_file_name(tmp_path: Path) -> None:
    app = pk.App(outdir=str(tmp_path / "dist"), yaml_output_type=cdk8s.YamlOutputType.FILE_PER_RESOURCE)
    for chart_id in ("dev", "prod"):
        pk.ConfigFromMap(pk.Chart(app, chart_id), "settings", data={"env": chart_id})
    pk.ConfigFromMap(pk.Chart(app, "other"), "other", data={"x": "y"})
    assert sorted(app.synth_documents()) == [
        "ConfigMap.dev.settings.k8s.yaml",
        "ConfigMap.other.k8s.yaml",  # nothing shares its name: named as cdk8s names it
        "ConfigMap.prod.settings.k8s.yaml",
    ]


def test_one_chart_with_two_namespaces_keeps_both_objects(tmp_path: Path) -> None:
    app = pk.App(
        outdir=str(tmp_path / "dist"),
        yaml_output_type=cdk8s.YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE,
    )
    chart = pk.Chart(app, "all")
    pk.ConfigFromMap(chart, "dev-settings", name="settings", namespace="dev", data={"k": "v"})
    pk.ConfigFromMap(chart, "prod-settings", name="settings", namespace="prod", data={"k": "v"})
    assert sorted(app.synth_documents()) == [
        "all/ConfigMap.dev.settings.k8s.yaml",
        "all/ConfigMap.prod.settings.k8s.yaml",
    ]


@pytest.mark.parametrize("name", TYPES)
def test_fails_on_one_object_written_by_two_charts_in_every_layout(name: str, tmp_path: Path) -> None:
    app = pk.App(outdir=str(tmp_path / "dist"), yaml_output_type=TYPES[name][0])
    environments(app, namespaces=("shared", "shared"))
    with pytest.raises(pk.SynthError) as err:
        app.synth()
    assert [(p.path, p.message) for p in err.value.problems] == [
        (
            "prod/settings",
            "ConfigMap 'settings' in namespace 'shared' is written by chart 'dev' (dev/settings) and by chart "
            "'prod': on apply the last one silently wins",
        )
    ]
    assert not (tmp_path / "dist").exists()


def test_layout_fails_on_two_objects_that_would_share_one_file() -> None:
    from podkit.app import layout

    app = cdk8s.App()
    a, b = cdk8s.Chart(app, "a"), cdk8s.Chart(app, "b")
    doc = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x", "namespace": "n"}}
    with pytest.raises(pk.SynthError) as err:
        layout(
            [(a, [doc]), (b, [dict(doc)])], cdk8s.YamlOutputType.FILE_PER_RESOURCE, ".k8s.yaml", indexed=False
        )
    assert [p.message for p in err.value.problems] == [
        "ConfigMap n/x (chart 'b') and ConfigMap n/x (chart 'a') would both be written to "
        "'ConfigMap.core.n.x.k8s.yaml', and one would be lost"
    ]


@settings(max_examples=30, deadline=None)
@given(
    objects=st.lists(
        st.tuples(
            st.sampled_from(["ConfigMap", "Secret", "Service"]),
            st.sampled_from(["v1", "serving.knative.dev/v1"]),
            st.sampled_from(["", "dev", "prod"]),
            st.sampled_from(["a", "b", "dev.a"]),
            st.sampled_from([0, 1, 2]),
        ),
        max_size=8,
    ),
    output=st.sampled_from(
        [cdk8s.YamlOutputType.FILE_PER_RESOURCE, cdk8s.YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE]
    ),
)
def test_layout_writes_every_distinct_object_or_fails(
    objects: list[tuple[str, str, str, str, int]], output: Any
) -> None:
    from podkit.app import layout

    charts = _layout_charts()
    rendered: list[tuple[cdk8s.Chart, list[Any]]] = [(c, []) for c in charts]
    for kind, version, namespace, name, chart in objects:
        meta = {"name": name, **({"namespace": namespace} if namespace else {})}
        rendered[chart][1].append({"apiVersion": version, "kind": kind, "metadata": meta})
    try:
        files_ = layout(rendered, output, ".k8s.yaml", indexed=False)
    except pk.SynthError:
        return  # an error names both: never a silent loss
    written = [d for docs in files_.values() for d in docs]
    assert len(written) == len(objects)


@functools.cache
def _layout_charts() -> tuple[cdk8s.Chart, ...]:
    app = cdk8s.App()
    return tuple(cdk8s.Chart(app, name) for name in ("c0", "c1", "c2"))
