"""Contract test of the jsii seam (``_jsii.py``, ``_resource.py``) and regression tests of #10.

Every public construct x every kind of scope x every way jsii can meet it: synth, the escape
hatch (``ApiObject.of`` + a JSON patch), as the scope of another construct, as a dependency.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import cdk8s
import constructs
import pytest

import podkit as pk
from podkit import _sealing
from tests.k8s import SCOPES, assert_valid
from tests.sealing_helpers import CERT

Factory = Callable[[constructs.Construct, str, Path], Any]


def _sealed(scope: constructs.Construct, id: str, tmp: Path) -> pk.SealedSecret:
    s = pk.SealedSecret(
        scope, id, sealing=pk.Sealing(store=tmp / "s.yaml"), from_literal={"k": "v"}, namespace="ns"
    )
    _sealing.seal_app([s], store_path=tmp / "s.yaml", cert_path=CERT)
    return s


def _container() -> pk.Container:
    return pk.Container(name="c", image="nginx:1.27", ports=[pk.Port(80, name="http")])


def _service(scope: constructs.Construct, id: str, _: Path) -> pk.Service:
    # the Service is the object under test; its Deployment is a sibling
    target = pk.Deployment(scope, f"{id}-target", main=_container())
    return pk.Service(scope, id, target=target, ports=[pk.ServicePort(target.main.ports[0], port=80)])


def _autoscaler(scope: constructs.Construct, id: str, _: Path) -> pk.HorizontalPodAutoscaler:
    cpu = pk.Container(name="c", image="nginx:1.27", resources=pk.Resources(cpu_request="100m"))
    target = pk.Deployment(scope, f"{id}-target", main=cpu)
    return pk.HorizontalPodAutoscaler(scope, id, target=target, max_replicas=3)


def _role(
    scope: constructs.Construct, id: str, _: Path, cls: type[pk.Role] | type[pk.ClusterRole] = pk.Role
) -> Any:
    role = cls(scope, id)
    role.allow(["get"], ["configmaps"])
    return role


def _binding(scope: constructs.Construct, id: str, tmp: Path, *, cluster: bool = False) -> Any:
    account = pk.ServiceAccount(scope, f"{id}-sa", namespace="ns")
    if cluster:
        return pk.ClusterRoleBinding(
            scope, id, role=_role(scope, f"{id}-role", tmp, pk.ClusterRole), subjects=[account]
        )
    return pk.RoleBinding(scope, id, role=_role(scope, f"{id}-role", tmp, pk.ClusterRole), subjects=[account])


def _web_service(scope: constructs.Construct, id: str) -> pk.Service:
    target = pk.Deployment(scope, f"{id}-target", main=_container())
    return target.expose(id=f"{id}-svc", name=f"{id}-svc")


def _ingress(scope: constructs.Construct, id: str, _: Path) -> pk.Ingress:
    return pk.Ingress(scope, id, default_backend=pk.IngressBackend.service(_web_service(scope, id)))


def _gateway(scope: constructs.Construct, id: str, _: Path) -> pk.Gateway:
    return pk.Gateway(
        scope, id, gateway_class_name="envoy", listeners=[pk.Listener("http", 80, pk.GatewayProtocol.HTTP)]
    )


def _route(scope: constructs.Construct, id: str, tmp: Path, cls: Any = None) -> Any:
    route = (cls or pk.HTTPRoute)(scope, id, parents=[_gateway(scope, f"{id}-gw", tmp)])
    route.add_rule(pk.BackendRef(_web_service(scope, id)))
    return route


CONSTRUCTS: dict[str, Factory] = {
    "SidecarPod": lambda s, i, _: pk.SidecarPod(s, i, main=pk.Container(name="c", image="nginx:1.27")),
    "ConfigFromMap": lambda s, i, _: pk.ConfigFromMap(s, i, data={"k": "v"}),
    "SecretEnv": lambda s, i, _: pk.SecretEnv(s, i, from_literal={"k": "v"}),
    "SealedSecret": _sealed,
    "ExternalSecret": lambda s, i, _: pk.ExternalSecret(
        s, i, store=pk.SecretStoreRef("vault"), data={"k": pk.RemoteRef("db/k")}
    ),
    "Deployment": lambda s, i, _: pk.Deployment(s, i, main=_container()),
    "StatefulSet": lambda s, i, _: pk.StatefulSet(s, i, main=_container()),
    "DaemonSet": lambda s, i, _: pk.DaemonSet(s, i, main=_container()),
    "Job": lambda s, i, _: pk.Job(s, i, main=_container()),
    "CronJob": lambda s, i, _: pk.CronJob(s, i, schedule="0 3 * * *", main=_container()),
    "Service": _service,
    "Ingress": _ingress,
    "NetworkPolicy": lambda s, i, _: pk.NetworkPolicy(s, i),
    "Gateway": _gateway,
    "HTTPRoute": _route,
    "GRPCRoute": lambda s, i, t: _route(s, i, t, pk.GRPCRoute),
    "Namespace": lambda s, i, _: pk.Namespace(s, i),
    "ServiceAccount": lambda s, i, _: pk.ServiceAccount(s, i),
    "PersistentVolumeClaim": lambda s, i, _: pk.PersistentVolumeClaim(
        s, i, size="1Gi", access_modes=[pk.AccessMode.READ_WRITE_ONCE]
    ),
    "HorizontalPodAutoscaler": _autoscaler,
    "PodDisruptionBudget": lambda s, i, _: pk.PodDisruptionBudget(
        s, i, target=pk.Deployment(s, f"{i}-target", main=_container()), max_unavailable=1
    ),
    "Role": _role,
    "ClusterRole": lambda s, i, t: _role(s, i, t, pk.ClusterRole),
    "RoleBinding": _binding,
    "ClusterRoleBinding": lambda s, i, t: _binding(s, i, t, cluster=True),
    "ResourceQuota": lambda s, i, _: pk.ResourceQuota(s, i, hard={"pods": 10}),
    "LimitRange": lambda s, i, _: pk.LimitRange(s, i, limits=[pk.LimitRangeItem.container(max={"cpu": "2"})]),
    "PriorityClass": lambda s, i, _: pk.PriorityClass(s, i, value=10),
    # the base of what `podkit import crd` generates: a vendored Certificate stands for it
    "CustomResource": lambda s, i, _: _certificate(s, i),
}


def _certificate(scope: constructs.Construct, id: str) -> pk.CustomResource:
    from imports.cert_manager_io.v1 import Certificate

    return Certificate(
        scope,
        id,
        spec={"secretName": f"{id}-tls", "dnsNames": ["example.com"], "issuerRef": {"name": "letsencrypt"}},
    )


#: the objects a factory makes besides the one under test, as (kind, name): the Service's target,
#: and the headless Service a StatefulSet creates alongside itself (a sibling in the same scope)
_WEB = [("Deployment", "obj-target"), ("Service", "obj-svc")]
COMPANIONS: dict[str, list[tuple[str, str]]] = {
    "Ingress": _WEB,
    "HTTPRoute": [*_WEB, ("Gateway", "obj-gw")],
    "GRPCRoute": [*_WEB, ("Gateway", "obj-gw")],
    "Service": [("Deployment", "obj-target")],
    "StatefulSet": [("Service", "obj-headless")],
    "HorizontalPodAutoscaler": [("Deployment", "obj-target")],
    "PodDisruptionBudget": [("Deployment", "obj-target")],
    "RoleBinding": [("ServiceAccount", "obj-sa"), ("ClusterRole", "obj-role")],
    "ClusterRoleBinding": [("ServiceAccount", "obj-sa"), ("ClusterRole", "obj-role")],
}


def test_the_matrix_covers_every_public_construct() -> None:
    public = {
        name
        for name in pk.__all__
        if isinstance(getattr(pk, name), type) and issubclass(getattr(pk, name), constructs.Construct)
    }
    assert public - {"App", "Chart"} == set(CONSTRUCTS)


def _synth(scope: constructs.Construct) -> list[dict[str, Any]]:
    chart = cdk8s.Chart.of(scope)
    docs: list[dict[str, Any]] = list(chart.to_json())
    assert_valid(docs)
    return docs


@pytest.mark.parametrize("scope_kind", SCOPES)
@pytest.mark.parametrize("kind", CONSTRUCTS)
def test_synth(kind: str, scope_kind: str, tmp_path: Path) -> None:
    scope = SCOPES[scope_kind]()
    obj = CONSTRUCTS[kind](scope, "obj", tmp_path)
    docs = _synth(scope)
    assert sorted((d["kind"], d["metadata"]["name"]) for d in docs) == sorted(
        [(obj.KIND, obj.name), *COMPANIONS.get(kind, [])]
    )


@pytest.mark.parametrize("scope_kind", SCOPES)
@pytest.mark.parametrize("kind", CONSTRUCTS)
def test_escape_hatch_patch(kind: str, scope_kind: str, tmp_path: Path) -> None:
    scope = SCOPES[scope_kind]()
    obj = CONSTRUCTS[kind](scope, "obj", tmp_path)
    cdk8s.ApiObject.of(obj).add_json_patch(cdk8s.JsonPatch.add("/metadata/annotations", {"patched": "yes"}))
    (doc,) = [d for d in _synth(scope) if d["metadata"]["name"] == obj.name]
    assert doc["metadata"]["annotations"]["patched"] == "yes"
    assert list(doc)[:3] == ["apiVersion", "kind", "metadata"]


@pytest.mark.parametrize("scope_kind", SCOPES)
@pytest.mark.parametrize("kind", CONSTRUCTS)
def test_used_as_scope(kind: str, scope_kind: str, tmp_path: Path) -> None:
    scope = SCOPES[scope_kind]()
    obj = CONSTRUCTS[kind](scope, "obj", tmp_path)
    cdk8s.ApiObject(obj, "extra", api_version="v1", kind="ConfigMap", metadata={"name": "extra"})
    names = [d["metadata"]["name"] for d in _synth(scope)]
    assert "extra" in names and obj.name in names


@pytest.mark.parametrize("scope_kind", SCOPES)
@pytest.mark.parametrize("kind", CONSTRUCTS)
def test_as_dependency(kind: str, scope_kind: str, tmp_path: Path) -> None:
    scope = SCOPES[scope_kind]()
    ns = cdk8s.ApiObject(scope, "ns", api_version="v1", kind="Namespace", metadata={"name": "zz"})
    obj = CONSTRUCTS[kind](scope, "obj", tmp_path)
    first = pk.ConfigFromMap(scope, "first", data={"a": "b"})
    obj.node.add_dependency(first)
    obj.node.add_dependency(ns)
    names = [d["metadata"]["name"] for d in _synth(scope)]
    assert names.index("first") < names.index(obj.name)
    assert names.index("zz") < names.index(obj.name)


# -- regressions of issue #10 ----------------------------------------------------------------
@pytest.mark.parametrize("scope_kind", SCOPES)
def test_a_statefulsets_headless_service_keeps_the_escape_hatch(scope_kind: str) -> None:
    # GIVEN a StatefulSet that made its own governing Service
    scope = SCOPES[scope_kind]()
    db = pk.StatefulSet(scope, "db", main=_container())
    # WHEN both are patched through ApiObject.of
    cdk8s.ApiObject.of(db.service).add_json_patch(cdk8s.JsonPatch.add("/metadata/annotations", {"s": "1"}))
    cdk8s.ApiObject.of(db).add_json_patch(cdk8s.JsonPatch.add("/metadata/annotations", {"d": "1"}))
    docs = {d["kind"]: d for d in _synth(scope)}
    # THEN each patch lands on its own object, and the StatefulSet names the Service it made
    assert docs["Service"]["metadata"]["annotations"] == {"s": "1"}
    assert docs["StatefulSet"]["metadata"]["annotations"] == {"d": "1"}
    assert docs["StatefulSet"]["spec"]["serviceName"] == docs["Service"]["metadata"]["name"] == "db-headless"
    assert docs["Service"]["spec"]["clusterIP"] == "None"


def _missing_key_pod(chart: constructs.Construct) -> pk.SidecarPod:
    cfg = pk.ConfigFromMap(chart, "cfg", data={"a": "1"})
    return pk.SidecarPod(
        chart, "p", main=pk.Container(name="c", image="nginx:1.27", env={"X": cfg.value("missing")})
    )


def test_escape_hatch_does_not_turn_synth_errors_into_runtime_errors() -> None:
    app = pk.App()
    pods = [_missing_key_pod(pk.Chart(app, name)) for name in ("one", "two")]
    for pod in pods:
        cdk8s.ApiObject.of(pod)  # materializes it in Node
    with pytest.raises(pk.SynthError) as err:
        app.synth_documents()
    assert [p.path for p in err.value.problems] == ["one/p: container 'c'", "two/p: container 'c'"]


def test_synth_errors_survive_cdk8s_entry_points() -> None:
    chart = cdk8s.Testing.chart()
    _missing_key_pod(chart)
    with pytest.raises(pk.SynthError, match="uses key 'missing'"):
        cdk8s.Testing.synth(chart)
    app = cdk8s.App()
    _missing_key_pod(pk.Chart(app, "c"))
    with pytest.raises(pk.SynthError, match="uses key 'missing'"):
        app.synth_yaml()


CHARTS: dict[str, Callable[[cdk8s.App, str], constructs.Construct]] = {
    "podkit.Chart": lambda app, id: pk.Chart(app, id),
    "cdk8s.Chart": lambda app, id: cdk8s.Chart(app, id),
}


@pytest.mark.parametrize("chart_kind", CHARTS)
def test_synth_errors_survive_cdk8s_app_synth(chart_kind: str, tmp_path: Path) -> None:
    # GIVEN a plain cdk8s.App whose chart holds a pod that uses a key its ConfigMap lacks
    app = cdk8s.App(outdir=str(tmp_path / "dist"))
    _missing_key_pod(CHARTS[chart_kind](app, "c"))
    # WHEN cdk8s itself synthesizes (App.synth writes the files through jsii)
    # THEN the podkit exception arrives as itself, with every problem, not as a jsii RuntimeError
    with pytest.raises(pk.SynthError) as err:
        app.synth()
    assert type(err.value) is pk.SynthError
    assert [p.text for p in err.value.problems] == [
        "[c/p: container 'c'] uses key 'missing' of ConfigMap 'c/cfg', which has no such key (keys: a); "
        "add the key or fix the name"
    ]
    assert not (tmp_path / "dist").exists() or not list((tmp_path / "dist").iterdir())


@pytest.mark.parametrize("chart_kind", CHARTS)
def test_cdk8s_app_synth_writes_nothing_when_a_later_chart_fails(chart_kind: str, tmp_path: Path) -> None:
    app = cdk8s.App(outdir=str(tmp_path / "dist"))
    pk.ConfigFromMap(CHARTS[chart_kind](app, "a"), "ok", data={"k": "v"})
    _missing_key_pod(CHARTS[chart_kind](app, "b"))
    with pytest.raises(pk.SynthError, match="nothing was written"):
        app.synth()
    assert not (tmp_path / "dist").exists() or not list((tmp_path / "dist").iterdir())


def test_failed_constructor_leaves_nothing_behind(chart: pk.Chart) -> None:
    with pytest.raises(pk.PodkitTypeError, match="main must be a Container"):
        pk.SidecarPod(chart, "p", main="nginx")  # type: ignore[arg-type]
    with pytest.raises(pk.DuplicateError):
        pk.SidecarPod(
            chart,
            "p",
            main=pk.Container(name="c", image="nginx:1.27"),
            sidecars=[pk.Container(name="c", image="busybox:1.36")],
        )
    with pytest.raises(pk.PodkitTypeError):
        pk.SecretEnv(chart, "s", from_literal={"pin": 710866942694})  # type: ignore[dict-item]
    assert chart.podkit_objects == []
    assert chart.to_json() == []
    pod = pk.SidecarPod(chart, "p", main=pk.Container(name="c", image="nginx:1.27"))
    assert chart.podkit_objects == [pod]
    pk.SecretEnv(chart, "s", from_literal={"pin": "1"})
    assert [d["kind"] for d in chart.to_json()] == ["Pod", "Secret"]


def test_a_container_serves_in_two_pods(chart: pk.Chart) -> None:
    shared = pk.Container(name="proxy", image="envoyproxy/envoy:v1.31.0", ports=[9901])
    pk.SidecarPod(chart, "a", main=pk.Container(name="app", image="nginx:1.27"), native_sidecars=[shared])
    pk.SidecarPod(chart, "b", main=shared)
    shared.resources = pk.Resources(cpu_request="100m")
    a, b = chart.to_json()
    assert a["spec"]["initContainers"][0]["restartPolicy"] == "Always"
    assert "restartPolicy" not in b["spec"]["containers"][0]
    assert b["spec"]["containers"][0]["resources"] == {"requests": {"cpu": "100m"}}
    assert a["spec"]["initContainers"][0]["resources"] == {"requests": {"cpu": "100m"}}


def test_fails_on_a_second_chart_with_the_same_id() -> None:
    app = pk.App()
    pk.Chart(app, "t")
    with pytest.raises(pk.DuplicateError, match=r"\[t\] there is already a chart .* with id 't'"):
        pk.Chart(app, "t")


def test_failing_patch_on_a_secret_is_a_redacted_synth_error(chart: pk.Chart) -> None:
    secret = pk.SecretEnv(chart, "s", from_literal={"password": "hunter2-secret"})
    cdk8s.ApiObject.of(secret).add_json_patch(cdk8s.JsonPatch.test("/data/password", "nope"))
    cdk8s.ApiObject.of(secret).add_json_patch(cdk8s.JsonPatch.add("/missing/parent/x", 1))
    with pytest.raises(pk.SynthError) as err:
        chart.to_json()
    assert [p.text for p in err.value.problems] == [
        "[test/s] Secret 's': JSON patch #1 (test /data/password) failed: it is a test operation and the "
        "value differs; fix the patch added with ApiObject.of(...).add_json_patch(...)"
    ]
    assert "aHVudGVy" not in str(err.value) and "hunter2" not in str(err.value)


@pytest.mark.parametrize(
    ("ops", "expected"),
    [
        # Node's own TypeError (a missing parent), no index in it: found by applying one by one
        (
            lambda: [
                cdk8s.JsonPatch.add("/spec/replicas", 2),
                cdk8s.JsonPatch.replace("/x/y", "hunter2-value"),
            ],
            "JSON patch #2 (replace /x/y) failed: its path does not exist in the object (a parent is missing)",
        ),
        (
            lambda: [cdk8s.JsonPatch.remove("/spec/nope/x")],
            "JSON patch #1 (remove /spec/nope/x) failed: its path does not exist in the object (a parent is missing)",
        ),
        (
            lambda: [cdk8s.JsonPatch.copy("/spec/none/y", "/spec/x")],
            "JSON patch #1 (copy /spec/x from /spec/none/y) failed: its path does not exist in the object (a "
            "parent is missing)",
        ),
    ],
    ids=["replace", "remove", "copy"],
)
def test_a_failed_patch_names_its_operation_and_path_never_its_value(
    ops: Any, expected: str, chart: pk.Chart
) -> None:
    pod = pk.SidecarPod(chart, "p", main=pk.Container(name="app", image="nginx:1.27"))
    cdk8s.ApiObject.of(pod).add_json_patch(*ops())
    with pytest.raises(pk.SynthError) as err:
        chart.to_json()
    (problem,) = err.value.problems
    assert problem.message == f"Pod 'p': {expected}"
    assert "hunter2" not in str(err.value)


def test_error_tree() -> None:
    for cls in (pk.PodkitError, pk.PodkitTypeError, pk.SynthError, pk.SealingError, pk.SourceError):
        assert issubclass(cls, pk.PodkitException)
    assert issubclass(pk.PodkitError, ValueError) and issubclass(pk.PodkitTypeError, TypeError)
    problem = pk.Problem("c/p", "what", "fix", "rule")
    assert str(pk.SynthError([problem])).endswith("  - [c/p] what; fix")
