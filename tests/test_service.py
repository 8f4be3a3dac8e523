"""Service: built from a workload and the container Ports it exposes."""

from __future__ import annotations

import sys
from typing import Any

import cdk8s
import pytest

import podkit as pk
from imports import k8s
from podkit.service import Service, ServicePort, ServiceType
from podkit.workloads import Deployment, StatefulSet
from tests.k8s import by_name, synth, synth_messages, synth_problems, synth_warnings

SELECT_WEB = {"app.kubernetes.io/name": "web", "podkit.dev/controller": "deployment"}
HTTP = pk.Port(8080, name="http")
METRICS = pk.Port(9090, name="metrics")


def deployment(chart: cdk8s.Chart, **kw: Any) -> Deployment:
    return Deployment(
        chart, "web", main=pk.Container(name="web", image="nginx:1.27", ports=[HTTP, METRICS]), **kw
    )


def test_cluster_ip_exact(chart: pk.Chart) -> None:
    Service(chart, "web-svc", target=deployment(chart), ports=[ServicePort(HTTP, port=80)])
    assert by_name(synth(chart), "web-svc") == {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web-svc"},
        "spec": {"selector": SELECT_WEB, "ports": [{"name": "http", "port": 80, "targetPort": "http"}]},
    }


def test_unnamed_port_targets_the_number_and_keeps_protocol(chart: pk.Chart) -> None:
    dns = pk.Port(53, protocol=pk.Protocol.UDP)
    d = Deployment(chart, "dns", main=pk.Container(name="dns", image="coredns/coredns:1.11.1", ports=[dns]))
    Service(chart, "dns-svc", target=d, ports=[dns])
    assert by_name(synth(chart), "dns-svc")["spec"]["ports"] == [
        {"port": 53, "targetPort": 53, "protocol": "UDP"}
    ]


def test_node_port_and_load_balancer(chart: pk.Chart) -> None:
    d = deployment(chart)
    Service(
        chart, "np", target=d, ports=[ServicePort(HTTP, port=80, node_port=30080)], type=ServiceType.NODE_PORT
    )
    Service(
        chart,
        "lb",
        target=d,
        ports=[ServicePort(HTTP, port=443, name="https")],
        type=ServiceType.LOAD_BALANCER,
    )
    objs = synth(chart)
    assert by_name(objs, "np")["spec"] == {
        "type": "NodePort",
        "selector": SELECT_WEB,
        "ports": [{"name": "http", "port": 80, "targetPort": "http", "nodePort": 30080}],
    }
    assert by_name(objs, "lb")["spec"] == {
        "type": "LoadBalancer",
        "selector": SELECT_WEB,
        "ports": [{"name": "https", "port": 443, "targetPort": "http"}],
    }


def test_headless(chart: pk.Chart) -> None:
    Service(chart, "peers", target=deployment(chart), type=ServiceType.HEADLESS)
    assert by_name(synth(chart), "peers")["spec"] == {"clusterIP": "None", "selector": SELECT_WEB}


def test_expose_defaults_to_main_ports_and_the_workload_name(chart: pk.Chart) -> None:
    svc = deployment(chart, namespace="shop").expose()
    assert svc.path == "test/web-service" and svc.name == "web"
    assert by_name(synth(chart), "web", "Service") == {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web", "namespace": "shop"},
        "spec": {
            "selector": SELECT_WEB,
            "ports": [
                {"name": "http", "port": 8080, "targetPort": "http"},
                {"name": "metrics", "port": 9090, "targetPort": "metrics"},
            ],
        },
    }


def test_a_service_is_written_to_its_targets_namespace_unless_given_one(chart: pk.Chart) -> None:
    shop = deployment(chart, namespace="shop")
    plain = StatefulSet(chart, "db", main=pk.Container(name="db", image="postgres:16", ports=[HTTP]))
    Service(chart, "by-default", target=shop, ports=[HTTP])
    Service(chart, "given", target=shop, ports=[HTTP], namespace="shop")
    Service(chart, "of-the-chart", target=plain, ports=[HTTP])
    objs = synth(chart)
    assert [
        by_name(objs, n)["metadata"].get("namespace") for n in ("by-default", "given", "of-the-chart")
    ] == [
        "shop",
        "shop",
        None,
    ]


def test_a_service_given_its_targets_namespace_through_the_chart(app: pk.App) -> None:
    # the target takes the chart's namespace, and the Service names the same one itself
    chart = pk.Chart(app, "c", namespace="shop")
    Service(chart, "s", target=deployment(chart), ports=[HTTP], namespace="shop")
    assert [d["metadata"].get("namespace") for d in app.synth_documents()["c.k8s.yaml"]] == ["shop", "shop"]


def test_fails_service_in_another_namespace_than_its_target(app: pk.App) -> None:
    chart = pk.Chart(app, "test")
    Service(chart, "s", target=deployment(chart, namespace="shop"), ports=[HTTP], namespace="other")
    # one problem: the app-wide selector check does not repeat it (the Service is not written)
    assert synth_problems(app) == [
        (
            "test/s",
            "the Service is in namespace 'other' and its target Deployment 'test/web' in 'shop': a Service "
            "selects pods of its own namespace, so it selects none of the target's",
            "leave namespace= unset (it defaults to the target's)",
        )
    ]


# said at the end of every app-wide reference warning (podkit._references)
DESTINATION = (
    "an object without a namespace goes to kubectl's context or the GitOps tool's destination namespace"
)


def test_a_service_with_a_namespace_its_target_lacks_is_written_and_warned_once(app: pk.App) -> None:
    # it has the target's pods if the target is applied to 'other': no problem; the one warning is
    # the app-wide selector check's (it reads the final objects), the construct adds none of its own
    chart = pk.Chart(app, "test")
    created = sys._getframe().f_lineno + 1
    Service(chart, "s", target=deployment(chart), ports=[HTTP], namespace="other")
    # (the app-wide check warns at the line that created the Service)
    assert synth_warnings(app, pk.NamespaceReferenceWarning) == [
        (
            "[test/s] Service 's' in namespace 'other' selects pods (app.kubernetes.io/name=web, "
            "podkit.dev/controller=deployment) that this app runs without a namespace (Deployment 'web', "
            f"test/web); it has endpoints only if the Deployment is applied to namespace 'other' ({DESTINATION}); "
            "give both the same namespace (namespace='other' on the Deployment or its chart), or neither",
            __file__,
            created,
        )
    ]


def test_a_service_without_a_namespace_whose_target_has_one_is_written_and_warned_once(app: pk.App) -> None:
    # the target in a plain cdk8s chart of namespace 'shop' (no namespace of its own to default to)
    target = deployment(cdk8s.Chart(app, "a", namespace="shop"))
    created = sys._getframe().f_lineno + 1
    Service(pk.Chart(app, "b"), "s", target=target, ports=[HTTP])
    # (the app-wide check warns at the line that created the Service)
    assert synth_warnings(app, pk.NamespaceReferenceWarning) == [
        (
            "[b/s] Service 's' has no namespace and selects pods (app.kubernetes.io/name=web, "
            "podkit.dev/controller=deployment) that this app runs only in namespace 'shop' (Deployment 'web', "
            f"a: Deployment web); it has endpoints only if the Service is applied to that namespace ({DESTINATION}); "
            "give both the same namespace (namespace='shop' on the Service or its chart), or neither",
            __file__,
            created,
        )
    ]


def test_a_service_and_its_target_both_without_a_namespace_are_not_warned(app: pk.App) -> None:
    chart = pk.Chart(app, "test")
    Service(chart, "s", target=deployment(chart), ports=[HTTP])
    assert synth_warnings(app, pk.NamespaceReferenceWarning) == []


def test_fails_service_in_a_plain_chart_of_another_namespace_than_its_target() -> None:
    # plain cdk8s charts are not refused at the call (only podkit charts are): the check at synth
    app = cdk8s.App()
    a, b = cdk8s.Chart(app, "a", namespace="a"), cdk8s.Chart(app, "b", namespace="b")
    Service(b, "s", target=deployment(a), ports=[HTTP])
    assert synth_problems(b) == [
        (
            "b/s",
            "the Service is in namespace 'b' and its target Deployment 'a/web' in 'a': a Service selects pods "
            "of its own namespace, so it selects none of the target's",
            "create the Service in the chart of its target",
        )
    ]


def test_a_service_in_a_plain_chart_of_a_namespace_its_target_lacks_is_written() -> None:
    # applied to namespace 'b', the target's pods are the Service's: nothing to refuse
    app = cdk8s.App()
    a, b = cdk8s.Chart(app, "a"), cdk8s.Chart(app, "b", namespace="b")
    Service(b, "s", target=deployment(a), ports=[HTTP])
    assert by_name(synth(b), "s")["metadata"] == {"name": "s", "namespace": "b"}


def raw_service(chart: cdk8s.Chart, namespace: str) -> None:
    k8s.KubeService(
        chart,
        "raw",
        metadata=k8s.ObjectMeta(name="raw", namespace=namespace),
        spec=k8s.ServiceSpec(selector=SELECT_WEB, ports=[k8s.ServicePort(port=80)]),
    )


def test_a_raw_service_is_not_checked_against_a_target(app: pk.App) -> None:
    # a cdk8s object has no target: the construct's check does not apply. With the pods'
    # namespace left to kubectl, the app-wide selector check warns (it has endpoints only if the
    # pods are applied to 'other') and does not refuse
    chart = pk.Chart(app, "test")
    deployment(chart)
    raw_service(chart, "other")
    with pytest.warns(
        pk.NamespaceReferenceWarning, match=r"^\[test: Service raw\] Service 'raw' in namespace"
    ):
        docs = app.synth_documents()
    assert by_name(docs["test.k8s.yaml"], "raw")["metadata"] == {
        "name": "raw",
        "namespace": "other",
    }


def test_a_raw_service_selecting_pods_of_another_namespace_meets_only_the_app_wide_check(app: pk.App) -> None:
    chart = pk.Chart(app, "test")
    deployment(chart, namespace="shop")
    raw_service(chart, "other")
    assert synth_messages(app) == [
        "Service 'raw' in namespace 'other' selects pods (app.kubernetes.io/name=web, "
        "podkit.dev/controller=deployment) that this app runs only in namespace 'shop' (Deployment 'web', "
        "test/web); a Service selects pods of its own namespace, so it would have no endpoints"
    ]


def test_fails_on_a_target_that_is_no_workload_even_with_a_namespace(chart: pk.Chart) -> None:
    settings = pk.ConfigFromMap(chart, "settings", data={"A": "1"}, namespace="shop")
    with pytest.raises(pk.PodkitTypeError) as e:
        Service(chart, "s", target=settings, ports=[HTTP])  # type: ignore[arg-type]
    assert str(e.value) == (
        "[test/s] target must be a workload (Deployment, StatefulSet, DaemonSet, ...), got ConfigFromMap"
    )


def test_ports_from_sidecars_count(chart: pk.Chart) -> None:
    admin = pk.Port(9901, name="admin")
    d = deployment(chart)
    d.add_sidecar(pk.Container(name="envoy", image="envoyproxy/envoy:v1.31.0", ports=[admin]))
    svc = Service(chart, "s", target=d)
    svc.add_port(admin)
    assert by_name(synth(chart), "s")["spec"]["ports"] == [
        {"name": "admin", "port": 9901, "targetPort": "admin"}
    ]


@pytest.mark.parametrize("kind", ["podkit", "cdk8s", "testing"])
def test_works_in_any_chart(kind: str) -> None:
    chart: cdk8s.Chart
    if kind == "testing":
        chart = cdk8s.Testing.chart()
    else:
        app = cdk8s.App()
        chart = pk.Chart(app, "c") if kind == "podkit" else cdk8s.Chart(app, "c")
    svc = Service(chart, "svc", target=deployment(chart), ports=[HTTP])
    assert by_name(synth(chart), "svc")["spec"]["selector"] == SELECT_WEB
    assert cdk8s.ApiObject.of(svc).kind == "Service"


# -- failures ----------------------------------------------------------------------------------
def test_fails_port_not_declared_by_the_pod(chart: pk.Chart) -> None:
    with pytest.raises(
        pk.MissingReferenceError,
        match=r"\[test/s\] port 8443 \(https\) is not declared by any container of Deployment 'test/web' "
        r"\(declared: 8080 \(http\), 9090 \(metrics\)\); add it to a container's ports",
    ):
        Service(chart, "s", target=deployment(chart), ports=[pk.Port(8443, name="https")])


def test_fails_at_synth_when_the_port_is_gone(chart: pk.Chart) -> None:
    main = pk.Container(name="web", image="nginx:1.27", ports=[HTTP])
    d = Deployment(chart, "web", main=main)
    Service(chart, "s", target=d, ports=[HTTP])
    other = Deployment(chart, "other", main=pk.Container(name="web", image="nginx:1.27"))
    svc = Service(chart, "s2", target=other, type=ServiceType.HEADLESS)
    svc._ports.append(ServicePort(HTTP))  # a port whose container was changed since
    with pytest.raises(pk.SynthError, match=r"\[test/s2\] port 8080 \(http\) is not declared"):
        synth(chart)


def test_fails_node_port_on_cluster_ip(chart: pk.Chart) -> None:
    with pytest.raises(pk.PodkitError, match=r"port 80: node_port 30080 is only allowed for ServiceType.NODE_PORT or "
                       r"LOAD_BALANCER, not CLUSTER_IP"):  # fmt: skip
        Service(chart, "s", target=deployment(chart), ports=[ServicePort(HTTP, port=80, node_port=30080)])


def test_fails_same_port_twice(chart: pk.Chart) -> None:
    with pytest.raises(pk.PodkitError, match=r"port 80 is exposed twice"):
        Service(
            chart,
            "s",
            target=deployment(chart),
            ports=[ServicePort(HTTP, port=80), ServicePort(METRICS, port=80)],
        )


def test_fails_no_ports_unless_headless(chart: pk.Chart) -> None:
    Service(chart, "s", target=deployment(chart))
    with pytest.raises(pk.SynthError, match=r"\[test/s\] the Service exposes no ports; pass ports"):
        synth(chart)


def test_fails_several_unnamed_ports(chart: pk.Chart) -> None:
    a, b = pk.Port(80), pk.Port(81)
    d = Deployment(chart, "web", main=pk.Container(name="web", image="nginx:1.27", ports=[a, b]))
    Service(chart, "s", target=d, ports=[a, b])
    with pytest.raises(
        pk.SynthError, match=r"port 80 has no name, and a Service with several ports must name each"
    ):
        synth(chart)


def test_fails_bad_name(chart: pk.Chart) -> None:
    with pytest.raises(pk.PodkitError, match=r"Service name"):
        Service(chart, "1web", target=deployment(chart), ports=[HTTP])


def test_fails_wrong_types(chart: pk.Chart) -> None:
    d = deployment(chart)
    pod = pk.SidecarPod(chart, "pod", main=pk.Container(name="a", image="a:1"))
    with pytest.raises(pk.PodkitTypeError, match=r"target must be a workload \(Deployment, StatefulSet, DaemonSet, "
                       r"...\), got SidecarPod"):  # fmt: skip
        Service(chart, "s", target=pod, ports=[HTTP])  # type: ignore[arg-type]
    with pytest.raises(pk.PodkitTypeError, match=r"ports takes a list, got a single"):
        Service(chart, "s", target=d, ports=HTTP)  # type: ignore[arg-type]
    with pytest.raises(
        pk.PodkitTypeError, match=r"ports must be ServicePort or container Port objects, got int 80"
    ):
        Service(chart, "s", target=d, ports=[80])  # type: ignore[list-item]
    with pytest.raises(pk.PodkitTypeError, match=r"type must be a ServiceType .* got 'NodePort': use "
                       r"ServiceType.NODE_PORT"):  # fmt: skip
        Service(chart, "s", target=d, ports=[HTTP], type="NodePort")  # type: ignore[arg-type]
    with pytest.raises(pk.PodkitTypeError, match=r"target must be a container Port"):
        ServicePort(8080)  # type: ignore[arg-type]


def test_fails_target_in_another_chart(app: pk.App) -> None:
    a, b = pk.Chart(app, "a"), pk.Chart(app, "b")
    with pytest.raises(pk.PodkitError, match=r"\[b/s\] target 'a/web' is in another chart"):
        Service(b, "s", target=deployment(a), ports=[HTTP])


def test_stateful_set_headless_service_is_dropped_with_a_failed_constructor(chart: pk.Chart) -> None:
    # a constructor that raises leaves nothing behind, not even the Service it started
    with pytest.raises(pk.PodkitError):
        StatefulSet(chart, "db", main=pk.Container(name="a", image="a:1"), replicas=-1)
    assert synth(chart) == []


def test_fails_on_a_single_port_number(chart: pk.Chart) -> None:
    target = deployment(chart)
    with pytest.raises(
        pk.PodkitTypeError, match=r"\[test/s\] ports takes a list, got a single 80: write \[port\]"
    ):
        Service(chart, "s", target=target, ports=80)  # type: ignore[arg-type]
