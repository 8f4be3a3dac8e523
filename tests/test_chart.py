"""podkit.Chart: composition with any cdk8s construct, the escape hatch, chart defaults,
whole-chart checks at synth."""

from __future__ import annotations

import cdk8s
import constructs
import pytest

import podkit as pk
from imports import k8s
from tests.k8s import by_name, synth


def pod(chart: constructs.Construct, id: str = "web") -> pk.SidecarPod:
    return pk.SidecarPod(chart, id, main=pk.Container(name="nginx", image="nginx:1.14.2", ports=[80]))


def test_escape_hatch_json_patch_lands_in_output(chart: pk.Chart) -> None:
    p = pod(chart)
    resource = cdk8s.ApiObject.of(p)
    resource.add_json_patch(cdk8s.JsonPatch.add("/spec/hostNetwork", True))
    resource.add_json_patch(cdk8s.JsonPatch.add("/spec/containers/0/securityContext", {"runAsNonRoot": True}))
    # a change made after the patch is not lost: Python state renders at synth
    p.main.add_env("LATE", "yes")
    spec = by_name(synth(chart), "web")["spec"]
    assert spec["hostNetwork"] is True
    assert spec["containers"][0]["securityContext"] == {"runAsNonRoot": True}
    assert spec["containers"][0]["env"] == [{"name": "LATE", "value": "yes"}]


def test_escape_hatch_keeps_object_order(chart: pk.Chart) -> None:
    pod(chart, "a")
    b = pod(chart, "b")
    pod(chart, "c")
    cdk8s.ApiObject.of(b).add_json_patch(cdk8s.JsonPatch.add("/metadata/annotations", {"x": "y"}))
    objs = synth(chart)
    assert [o["metadata"]["name"] for o in objs] == ["a", "b", "c"]
    assert objs[1]["metadata"]["annotations"] == {"x": "y"}


def test_constructs_are_real_cdk8s_constructs(chart: pk.Chart) -> None:
    p = pod(chart)
    assert not p.is_materialized  # nothing crossed into Node yet
    assert p.node.path == "test/web"  # asking for node materializes it
    assert p.is_materialized
    assert cdk8s.ApiObject.of(p).kind == "Pod"


def test_composes_with_l1_constructs_in_the_same_chart(chart: pk.Chart) -> None:
    pod(chart)
    k8s.KubeService(
        chart,
        "web-svc",
        metadata=k8s.ObjectMeta(name="web"),
        spec=k8s.ServiceSpec(selector={"run": "web"}, ports=[k8s.ServicePort(port=80)]),
    )
    objs = synth(chart)
    # other cdk8s objects first (Namespaces, CRDs... applied before what lives in them)
    assert [(o["kind"], o["metadata"]["name"]) for o in objs] == [("Service", "web"), ("Pod", "web")]


def test_podkit_construct_as_scope_of_another_construct(chart: pk.Chart) -> None:
    p = pod(chart)
    k8s.KubeServiceAccount(p, "sa", metadata=k8s.ObjectMeta(name="web-sa"))
    objs = synth(chart)
    assert [o["kind"] for o in objs] == ["ServiceAccount", "Pod"]


def test_works_in_a_plain_cdk8s_chart(tmp_path: object) -> None:
    app = cdk8s.App()
    plain = cdk8s.Chart(app, "plain", namespace="ns", labels={"team": "a"})
    p = pod(plain)
    assert p.is_materialized
    p.main.add_env("LATE", "yes")  # still rendered at synth
    objs = synth(plain)
    # the chart's namespace and labels apply, as for any cdk8s ApiObject
    assert objs[0]["metadata"] == {"name": "web", "namespace": "ns", "labels": {"team": "a", "run": "web"}}
    assert objs[0]["spec"]["containers"][0]["env"] == [{"name": "LATE", "value": "yes"}]


def test_chart_namespace_and_labels(app: pk.App) -> None:
    chart = pk.Chart(app, "prod", namespace="prod", labels={"team": "web"})
    pod(chart)
    pk.ConfigFromMap(chart, "cfg", namespace="other", labels={"team": "config"})
    a, b = synth(chart)
    assert a["metadata"] == {"name": "web", "namespace": "prod", "labels": {"team": "web", "run": "web"}}
    assert b["metadata"] == {"name": "cfg", "namespace": "other", "labels": {"team": "config"}}


def test_fails_on_two_objects_with_one_name(chart: pk.Chart) -> None:
    pod(chart, "a")
    pk.SidecarPod(chart, "b", name="a", main=pk.Container(name="x", image="y"))
    with pytest.raises(
        pk.SynthError, match=r"\[test\] two objects are both Pod 'a': Kubernetes keeps only one"
    ):
        chart.to_json()


def test_fails_on_schema_violation_from_a_patch(chart: pk.Chart) -> None:
    p = pod(chart)
    cdk8s.ApiObject.of(p).add_json_patch(
        cdk8s.JsonPatch.add("/spec/containers/0/ports/0/containerPort", "80")
    )
    cdk8s.ApiObject.of(p).add_json_patch(cdk8s.JsonPatch.add("/spec/hostnetwork", True))
    with pytest.raises(pk.SynthError) as err:
        chart.to_json()
    assert [p.text for p in err.value.problems] == [
        "[test/web] Pod 'web' does not match the Kubernetes 1.33.0 schema: spec.containers[0].ports[0].containerPort: "
        "expected integer, got str '80'",
        "[test/web] Pod 'web' does not match the Kubernetes 1.33.0 schema: spec: unknown field 'hostnetwork' (strict schema)",
    ]


def test_fails_outside_a_chart() -> None:
    app = cdk8s.App()
    with pytest.raises(pk.PodkitError, match=r"a podkit construct must be created inside a chart"):
        pod(app)


def test_namespace_from_l1_comes_before_podkit_objects(chart: pk.Chart) -> None:
    pod(chart)
    k8s.KubeNamespace(chart, "ns", metadata=k8s.ObjectMeta(name="web"))
    assert [o["kind"] for o in synth(chart)] == ["Namespace", "Pod"]


def test_dependencies_reorder_podkit_objects(chart: pk.Chart) -> None:
    p = pod(chart, "a")
    cfg = pk.ConfigFromMap(chart, "cfg", data={"x": "1"})
    pod(chart, "b")
    p.node.add_dependency(cfg)
    assert [o["metadata"]["name"] for o in synth(chart)] == ["cfg", "a", "b"]


def test_fails_on_a_dependency_cycle(chart: pk.Chart) -> None:
    a, b = pod(chart, "a"), pod(chart, "b")
    a.node.add_dependency(b)
    b.node.add_dependency(a)
    # cdk8s finds it first (podkit's own ordering would report it too)
    with pytest.raises(RuntimeError, match=r"Dependency cycle detected: test/a => test/b => test/a"):
        chart.to_json()


def test_podkit_chart_in_a_plain_cdk8s_app(tmp_path: object) -> None:
    app = cdk8s.App()
    chart = pk.Chart(app, "c")
    pod(chart)
    text = app.synth_yaml()
    podkit_app = pk.App()
    pod(pk.Chart(podkit_app, "c"))
    assert text == podkit_app.synth_yaml()


def test_constructs_nested_in_a_plain_construct(chart: pk.Chart) -> None:
    group = constructs.Construct(chart, "group")
    p = pod(group)
    assert p.path == "test/group/web"
    assert not p.is_materialized
    assert [o["metadata"]["name"] for o in synth(chart)] == ["web"]


def test_fails_on_an_id_shared_with_another_cdk8s_construct(chart: pk.Chart) -> None:
    pod(chart, "web")
    k8s.KubeService(chart, "web", spec=k8s.ServiceSpec(ports=[k8s.ServicePort(port=80)]))
    with pytest.raises(
        pk.SynthError,
        match=r"\[test/web\] construct id 'web' is used by a podkit construct and by another cdk8s construct \(KubeService\)",
    ):
        chart.to_json()


def test_fails_on_a_chart_id_with_a_trailing_newline() -> None:
    # cdk8s would quietly write web--.k8s.yaml
    with pytest.raises(
        pk.InvalidNameError, match=r"chart id 'web\\n' has surrounding spaces or control characters"
    ):
        pk.Chart(pk.App(), "web\n")


def test_fails_on_a_selector_that_is_neither_str_nor_mapping(chart: pk.Chart) -> None:
    with pytest.raises(pk.PodkitTypeError, match=r"label selector must be a str .* got int 5"):
        chart.select(5)  # type: ignore[call-overload]
