"""podkit.App: all of dist/ or nothing; every problem of every chart at once."""

from __future__ import annotations

from pathlib import Path

import cdk8s
import pytest
import yaml

import podkit as pk
from tests.k8s import assert_valid


def build_ok(app: pk.App) -> None:
    chart = pk.Chart(app, "good")
    pk.SidecarPod(chart, "web", main=pk.Container(name="nginx", image="nginx:1.14.2"))


def snapshot_folder(folder: Path) -> dict[str, bytes]:
    files = {p.name: p.read_bytes() for p in sorted(folder.iterdir())}
    # whatever a test has synthesized to disk is checked against the 1.33 schema (strict)
    for content in files.values():
        assert_valid([d for d in yaml.safe_load_all(content) if d])
    return files


def test_synth_writes_one_file_per_chart(tmp_path: Path) -> None:
    app = pk.App(outdir=str(tmp_path / "dist"))
    build_ok(app)
    pk.Chart(app, "empty")
    app.synth()
    assert sorted(snapshot_folder(tmp_path / "dist")) == ["empty.k8s.yaml", "good.k8s.yaml"]
    assert (tmp_path / "dist" / "empty.k8s.yaml").read_text() == ""


def test_failed_synth_leaves_previous_output_untouched(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    first = pk.App(outdir=str(out))
    build_ok(first)
    first.synth()
    before = snapshot_folder(out)

    # GIVEN an app whose second chart references a key its ConfigMap does not have
    second = pk.App(outdir=str(out))
    build_ok(second)
    bad = pk.Chart(second, "bad")
    cfg = pk.ConfigFromMap(bad, "cfg", from_literal={"a": "1"})
    pk.SidecarPod(bad, "p", main=pk.Container(name="c", image="x", env={"B": cfg.value("b")}))
    # WHEN it synthesizes  THEN it fails and nothing changed on disk
    with pytest.raises(
        pk.SynthError, match=r"uses key 'b' of ConfigMap 'bad/cfg', which has no such key \(keys: a\)"
    ):
        second.synth()
    assert snapshot_folder(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]  # no staging leftovers


def test_all_problems_of_all_charts_are_reported_at_once(tmp_path: Path) -> None:
    app = pk.App(outdir=str(tmp_path / "dist"))
    for name in ("one", "two"):
        chart = pk.Chart(app, name)
        cfg = pk.ConfigFromMap(chart, "cfg")
        c = pk.Container(name="c", image="x", env={"A": cfg.value("a"), "B": cfg.value("b")})
        pk.SidecarPod(chart, "p", main=c)
    with pytest.raises(pk.SynthError) as err:
        app.synth()
    assert len(err.value.problems) == 4
    # each problem names the line that created its object (Problem.source), then [path] message
    first = err.value.problems[0]
    assert str(err.value).startswith(
        f"synth failed with 4 problem(s); nothing was written:\n  - {first.source}: [one/p: container 'c']"
    )
    assert not (tmp_path / "dist").exists()


def test_stale_files_are_removed(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    out.mkdir()
    (out / "old-chart.k8s.yaml").write_text("stale")
    app = pk.App(outdir=str(out))
    build_ok(app)
    app.synth()
    assert sorted(snapshot_folder(out)) == ["good.k8s.yaml"]


def test_synth_yaml_matches_files(tmp_path: Path) -> None:
    app = pk.App(outdir=str(tmp_path / "dist"))
    build_ok(app)
    text = app.synth_yaml()
    app.synth()
    assert text == (tmp_path / "dist" / "good.k8s.yaml").read_text()


def test_dependent_charts_are_numbered_like_cdk8s(tmp_path: Path) -> None:
    import cdk8s

    def build(app: cdk8s.App) -> None:
        base = pk.Chart(app, "base")
        web = pk.Chart(app, "web")
        pk.ConfigFromMap(base, "cfg", data={"a": "1"})
        pk.SidecarPod(web, "p", main=pk.Container(name="c", image="x"))
        web.add_dependency(base)

    theirs = cdk8s.App(outdir=str(tmp_path / "cdk8s"))
    build(theirs)
    theirs.synth()
    ours = pk.App(outdir=str(tmp_path / "podkit"))
    build(ours)
    ours.synth()
    assert sorted(snapshot_folder(tmp_path / "podkit")) == ["0000-base.k8s.yaml", "0001-web.k8s.yaml"]
    assert snapshot_folder(tmp_path / "podkit") == snapshot_folder(tmp_path / "cdk8s")


# -- the cluster's NodePort range (App(node_port_range=...)) -------------------------------------
def node_port_service(app: pk.App, node_port: int) -> None:
    chart = pk.Chart(app, "c", namespace="a")
    web = pk.Deployment(
        chart, "web", main=pk.Container(name="web", image="nginx:1.27", ports=[pk.Port(80, name="http")])
    )
    pk.Service(
        chart,
        "websvc",
        target=web,
        type=pk.ServiceType.NODE_PORT,
        ports=[pk.ServicePort(web.main.ports[0], node_port=node_port)],
    )


def test_fails_on_a_node_port_outside_the_default_range(tmp_path: Path) -> None:
    app = pk.App(outdir=str(tmp_path))
    node_port_service(app, 20001)
    with pytest.raises(pk.SynthError) as err:
        app.synth_documents()
    assert [p.message for p in err.value.problems] == [
        "spec.ports[0].nodePort 20001 is outside the cluster's NodePort range 30000-32767: pick one in the "
        "range, or leave it out to have one allocated"
    ]


def test_a_node_port_inside_a_custom_range_is_written(tmp_path: Path) -> None:
    app = pk.App(outdir=str(tmp_path), node_port_range=(20000, 22767))
    node_port_service(app, 20001)
    (docs,) = app.synth_documents().values()
    assert [p["nodePort"] for d in docs if d["kind"] == "Service" for p in d["spec"]["ports"]] == [20001]


def test_fails_on_a_node_port_outside_a_custom_range(tmp_path: Path) -> None:
    app = pk.App(outdir=str(tmp_path), node_port_range=(20000, 22767))
    node_port_service(app, 30001)  # inside the default range, outside this cluster's
    with pytest.raises(
        pk.SynthError, match=r"nodePort 30001 is outside the cluster's NodePort range 20000-22767"
    ):
        app.synth_documents()


def test_a_custom_range_holds_for_foreign_objects_too(tmp_path: Path) -> None:
    app = pk.App(outdir=str(tmp_path), node_port_range=(20000, 22767))
    chart = pk.Chart(app, "c", namespace="a")
    cdk8s.ApiObject(chart, "svc", api_version="v1", kind="Service", metadata={"name": "svc"}).add_json_patch(
        cdk8s.JsonPatch.add(
            "/spec", {"type": "NodePort", "selector": {"a": "b"}, "ports": [{"port": 80, "nodePort": 31000}]}
        )
    )
    with pytest.raises(
        pk.SynthError, match=r"nodePort 31000 is outside the cluster's NodePort range 20000-22767"
    ):
        app.synth_documents()


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ((30000,), pk.PodkitTypeError),
        ("30000-32767", pk.PodkitTypeError),
        ((30000.0, 32767), pk.PodkitTypeError),
        ((True, 32767), pk.PodkitTypeError),
        ((32767, 30000), pk.PodkitError),
        ((0, 100), pk.PodkitError),
        ((30000, 70000), pk.PodkitError),
    ],
)
def test_fails_on_a_node_port_range_that_is_not_one(
    tmp_path: Path, value: object, error: type[Exception]
) -> None:
    with pytest.raises(error, match=r"node_port_range"):
        pk.App(outdir=str(tmp_path), node_port_range=value)  # type: ignore[arg-type]


# -- the synth hook (how `podkit seal` runs an app without the engine knowing sealing) ------------
calls: list[object] = []


def record_app(app: object) -> None:
    calls.append(app)


def test_the_synth_hook_runs_instead_of_writing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PODKIT_SYNTH_HOOK", "tests.test_app:record_app")
    app = pk.App(outdir=str(tmp_path / "dist"))
    pk.ConfigFromMap(pk.Chart(app, "c"), "cfg", data={"k": "v"})
    calls.clear()
    app.synth()
    assert calls == [app]
    assert not (tmp_path / "dist").exists()


@pytest.mark.parametrize(
    ("hook", "message"),
    [
        (
            "no_such_module_xyz:run",
            r"PODKIT_SYNTH_HOOK 'no_such_module_xyz:run': cannot import 'no_such_module_xyz'",
        ),
        (
            "tests.test_app",
            r"PODKIT_SYNTH_HOOK 'tests.test_app' names no function; expected 'module:function'",
        ),
        ("tests.test_app:nothing_here", r"names no function"),
    ],
)
def test_fails_on_a_synth_hook_that_names_no_function(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hook: str, message: str
) -> None:
    monkeypatch.setenv("PODKIT_SYNTH_HOOK", hook)
    app = pk.App(outdir=str(tmp_path / "dist"))
    with pytest.raises(pk.PodkitError, match=message):
        app.synth()


def test_a_warning_is_shown_once_per_synth_though_its_object_renders_twice(tmp_path: Path) -> None:
    """A pod patched through the escape hatch is rendered by podkit and again for cdk8s: its
    EnvOverrideWarning is shown once by App.synth_documents, at the pod's line, not once per render."""
    import sys
    import warnings

    import cdk8s

    app = pk.App(outdir=str(tmp_path / "out"))
    chart = pk.Chart(app, "c")
    cfg = pk.ConfigFromMap(chart, "cfg", from_literal={"DB_HOST": "db"})
    sec = pk.SecretEnv(chart, "sec", from_literal={"DB_HOST": "hunter2-host"})
    main = pk.Container(name="web", image="nginx:1.27", env_from=[cfg, sec])
    created = sys._getframe().f_lineno + 1
    pod = pk.SidecarPod(chart, "p", main=main)
    cdk8s.ApiObject.of(pod).add_json_patch(cdk8s.JsonPatch.add("/metadata/labels/tier", "web"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        app.synth_documents()
    assert [(w.category, w.filename, w.lineno) for w in caught] == [
        (pk.EnvOverrideWarning, __file__, created)
    ]
    assert all("hunter2" not in str(w.message) for w in caught)
