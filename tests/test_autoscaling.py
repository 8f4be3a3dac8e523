"""HorizontalPodAutoscaler: built from its target object; utilization needs requests; a target
with fixed replicas is refused unless the autoscaler owns it (then written without replicas)."""

from __future__ import annotations

import sys
from typing import Any

import cdk8s
import pytest
from syrupy.assertion import SnapshotAssertion

import podkit as pk
from tests.k8s import by_name, synth, synth_messages, synth_problems, synth_warnings

CPU = pk.Resources(cpu_request="250m", memory_request="128Mi")


def web(chart: cdk8s.Chart, *, resources: pk.Resources | None = CPU, **kw: Any) -> pk.Deployment:
    shipper = pk.Container(name="log-shipper", image="busybox:1.36", resources=resources)
    return pk.Deployment(
        chart,
        "web",
        main=pk.Container(name="web", image="nginx:1.27", resources=resources),
        sidecars=[shipper],
        **kw,
    )


def test_cpu_utilization_exact(chart: pk.Chart) -> None:
    pk.HorizontalPodAutoscaler(
        chart,
        "web-hpa",
        name="web",
        target=web(chart),
        max_replicas=10,
        metrics=[pk.Metric.cpu_utilization(70)],
    )
    assert by_name(synth(chart), "web", "HorizontalPodAutoscaler") == {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "web"},
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
            "maxReplicas": 10,
            "metrics": [
                {
                    "type": "Resource",
                    "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}},
                }
            ],
        },
    }


def test_owns_replicas_writes_the_target_without_replicas(chart: pk.Chart) -> None:
    d = web(chart, replicas=3)
    hpa = pk.HorizontalPodAutoscaler(
        chart, "web-hpa", target=d, min_replicas=3, max_replicas=6, owns_replicas=True
    )
    objs = synth(chart)
    assert "replicas" not in by_name(objs, "web", "Deployment")["spec"]
    assert hpa.replaced_replicas == 3 and d.replicas is None
    assert by_name(objs, "web-hpa")["spec"]["minReplicas"] == 3


def test_every_metric_kind_and_behavior(chart: pk.Chart, snapshot_yaml: SnapshotAssertion) -> None:
    d = web(chart)
    svc = pk.ConfigFromMap(chart, "marker", from_literal={"a": "1"})
    pk.HorizontalPodAutoscaler(
        chart,
        "web-hpa",
        target=d,
        min_replicas=2,
        max_replicas=20,
        metrics=[
            pk.Metric.memory_utilization(80),
            pk.Metric.resource("cpu", average_value="500m"),
            pk.Metric.container_resource(d.main, "cpu", utilization=60),
            pk.Metric.pods("packets-per-second", average_value="1k"),
            pk.Metric.object("requests-per-second", described=svc, value=10000),
            pk.Metric.external("queue-messages", average_value=30, selector={"queue": "jobs"}),
        ],
        scale_up=pk.ScalingRules(
            policies=[
                pk.ScalingPolicy.pods(4, per_seconds=60),
                pk.ScalingPolicy.percent(100, per_seconds=15),
            ],
            select_policy=pk.SelectPolicy.MAX,
        ),
        scale_down=pk.ScalingRules(stabilization_window_seconds=300, select_policy=pk.SelectPolicy.MIN),
    )
    assert by_name(synth(chart), "web-hpa") == snapshot_yaml


def test_policies_left_out_are_not_written_so_kubernetes_fills_its_own(chart: pk.Chart) -> None:
    # a Disabled direction without policies is valid too: the API server's defaults fill them in
    pk.HorizontalPodAutoscaler(
        chart,
        "web-hpa",
        target=web(chart),
        max_replicas=3,
        scale_up=pk.ScalingRules(select_policy=pk.SelectPolicy.DISABLED),
        scale_down=pk.ScalingRules(policies=None, stabilization_window_seconds=60),
    )
    assert by_name(synth(chart), "web-hpa")["spec"]["behavior"] == {
        "scaleUp": {"selectPolicy": "Disabled"},
        "scaleDown": {"stabilizationWindowSeconds": 60},
    }


EMPTY_POLICIES = (
    r"^\[ScalingRules\] policies is empty, and the API server refuses a direction without a policy: leave "
    r"policies out for Kubernetes' defaults, or give at least one ScalingPolicy \(such as "
    r"ScalingPolicy.pods\(4, per_seconds=60\)\)$"
)


@pytest.mark.parametrize("select", [None, pk.SelectPolicy.MAX, pk.SelectPolicy.DISABLED])
def test_fails_empty_policies_at_the_call(select: pk.SelectPolicy | None) -> None:
    # validateScalingRules asks for at least one policy whatever the selectPolicy, Disabled included
    with pytest.raises(pk.PodkitError, match=EMPTY_POLICIES):
        pk.ScalingRules(policies=[], select_policy=select)


def test_fails_empty_policies_of_any_sequence() -> None:
    with pytest.raises(pk.PodkitError, match=EMPTY_POLICIES):
        pk.ScalingRules(policies=())


def test_namespace_defaults_to_the_targets(chart: pk.Chart) -> None:
    d = web(chart, namespace="shop")
    pk.HorizontalPodAutoscaler(chart, "web-hpa", target=d, max_replicas=3)
    assert by_name(synth(chart), "web-hpa")["metadata"] == {"name": "web-hpa", "namespace": "shop"}


def test_fails_autoscaler_in_another_namespace_than_its_target(chart: pk.Chart) -> None:
    target = web(chart, namespace="shop")
    pk.HorizontalPodAutoscaler(chart, "web-hpa", target=target, max_replicas=3, namespace="other")
    assert synth_problems(chart) == [
        (
            "test/web-hpa",
            "the autoscaler is in namespace 'other' and its target in 'shop': an autoscaler scales objects "
            "of its own namespace",
            "leave namespace= unset (it defaults to the target's)",
        )
    ]


def test_an_autoscaler_with_a_namespace_its_target_lacks_is_written_and_warned(app: pk.App) -> None:
    # it scales the target if the target is applied to 'other' (kubectl -n other): no problem
    chart = pk.Chart(app, "test")
    target = web(chart)
    created = sys._getframe().f_lineno + 1
    pk.HorizontalPodAutoscaler(chart, "web-hpa", target=target, max_replicas=3, namespace="other")
    assert synth_warnings(app, pk.NamespaceReferenceWarning) == [
        (
            "[test/web-hpa] the autoscaler is in namespace 'other' and its target Deployment 'test/web' has none "
            "(the namespace it is applied to decides): it scales the target only if that is 'other'; give both "
            "the same namespace, or neither",
            __file__,
            created,
        )
    ]


def test_an_autoscaler_without_a_namespace_whose_target_has_one_is_written_and_warned(app: pk.App) -> None:
    # the target in a plain cdk8s chart of namespace 'shop' (no namespace of its own to default to)
    target = web(cdk8s.Chart(app, "a", namespace="shop"))
    created = sys._getframe().f_lineno + 1
    pk.HorizontalPodAutoscaler(pk.Chart(app, "b"), "web-hpa", target=target, max_replicas=3)
    assert synth_warnings(app, pk.NamespaceReferenceWarning) == [
        (
            "[b/web-hpa] the autoscaler has no namespace (the namespace it is applied to decides) and its "
            "target Deployment 'a/web' is in namespace 'shop': it scales the target only if that is 'shop'; "
            "give both the same namespace, or neither",
            __file__,
            created,
        )
    ]


def test_an_autoscaler_and_its_target_both_without_a_namespace_are_not_warned(app: pk.App) -> None:
    chart = pk.Chart(app, "test")
    pk.HorizontalPodAutoscaler(chart, "web-hpa", target=web(chart), max_replicas=3)
    assert synth_warnings(app, pk.NamespaceReferenceWarning) == []


def test_default_metric_needs_cpu_requests(chart: pk.Chart) -> None:
    pk.HorizontalPodAutoscaler(chart, "web-hpa", target=web(chart, resources=None), max_replicas=3)
    with pytest.raises(
        pk.SynthError,
        match=r"the default metric \(CPU at 80% utilization, used when metrics= is empty\) is a percentage of "
        r"the cpu request, and container 'web' of Deployment 'test/web' has none",
    ):
        synth(chart)


def test_fails_utilization_without_requests_names_the_container(chart: pk.Chart) -> None:
    d = pk.Deployment(
        chart,
        "web",
        main=pk.Container(name="web", image="nginx:1.27", resources=CPU),
        sidecars=[pk.Container(name="log-shipper", image="busybox:1.36")],
    )
    with pytest.raises(
        pk.PodkitError,
        match=r"\[test/web-hpa\] metric cpu at 70% utilization is a percentage of the cpu request, and container "
        r"'log-shipper' of Deployment 'test/web' has none, so the autoscaler cannot compute it: give it "
        r"resources=Resources\(cpu_request=...\), or use average_value=",
    ):
        pk.HorizontalPodAutoscaler(
            chart, "web-hpa", target=d, max_replicas=3, metrics=[pk.Metric.cpu_utilization(70)]
        )


def test_container_metric_checks_only_that_container(chart: pk.Chart) -> None:
    d = pk.Deployment(
        chart,
        "web",
        main=pk.Container(name="web", image="nginx:1.27", resources=CPU),
        sidecars=[pk.Container(name="log-shipper", image="busybox:1.36")],
    )
    pk.HorizontalPodAutoscaler(
        chart,
        "web-hpa",
        target=d,
        max_replicas=3,
        metrics=[pk.Metric.container_resource(d.main, "cpu", utilization=60)],
    )
    assert by_name(synth(chart), "web-hpa")["spec"]["metrics"] == [
        {
            "type": "ContainerResource",
            "containerResource": {
                "name": "cpu",
                "container": "web",
                "target": {"type": "Utilization", "averageUtilization": 60},
            },
        }
    ]


def test_fails_fixed_replicas(chart: pk.Chart) -> None:
    with pytest.raises(
        pk.PodkitError,
        match=r"target Deployment 'test/web' has replicas=3, which the autoscaler would fight \(every apply resets "
        r"the count to 3\): remove replicas= from the Deployment, or pass owns_replicas=True",
    ):
        pk.HorizontalPodAutoscaler(chart, "web-hpa", target=web(chart, replicas=3), max_replicas=5)


def test_fails_replicas_set_again_after_the_autoscaler_owns_them(chart: pk.Chart) -> None:
    d = web(chart, replicas=2)
    pk.HorizontalPodAutoscaler(chart, "web-hpa", target=d, max_replicas=5, owns_replicas=True)
    d.replicas = 4
    with pytest.raises(pk.SynthError, match=r"has replicas=4 again, but autoscaler 'web-hpa' owns its count"):
        synth(chart)


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        (
            {"min_replicas": 0, "max_replicas": 3},
            r"min_replicas 0 is invalid: use at least 1 \(scaling to zero",
        ),
        ({"min_replicas": 5, "max_replicas": 3}, r"max_replicas 3 is below min_replicas 5"),
        ({"max_replicas": 0}, r"max_replicas 0 is below min_replicas 1"),
    ],
)
def test_fails_replica_bounds(chart: pk.Chart, kw: dict[str, Any], message: str) -> None:
    with pytest.raises(pk.PodkitError, match=message):
        pk.HorizontalPodAutoscaler(chart, "web-hpa", target=web(chart), **kw)


def test_fails_other_targets_and_foreign_containers(chart: pk.Chart) -> None:
    ds = pk.DaemonSet(chart, "agent", main=pk.Container(name="agent", image="busybox:1.36"))
    with pytest.raises(
        pk.PodkitTypeError, match=r"target must be a Deployment or StatefulSet \(the object\), got DaemonSet"
    ):
        pk.HorizontalPodAutoscaler(chart, "agent-hpa", target=ds, max_replicas=3)
    stranger = pk.Container(name="other", image="busybox:1.36", resources=CPU)
    with pytest.raises(
        pk.PodkitError, match=r"measures container 'other', which is not a container of Deployment"
    ):
        pk.HorizontalPodAutoscaler(
            chart,
            "web-hpa",
            target=web(chart),
            max_replicas=3,
            metrics=[pk.Metric.container_resource(stranger, "cpu", utilization=50)],
        )


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: pk.Metric.cpu_utilization(0), r"utilization 0 is invalid: use a percentage of at least 1"),
        (lambda: pk.Metric.resource("cpu"), r"give exactly one of utilization="),
        (lambda: pk.Metric.resource("gpu", utilization=5), r"resource 'gpu' cannot be autoscaled on"),
        (lambda: pk.Metric.pods("rps", average_value="-1"), r"average_value '-1' is not a positive quantity"),
        (lambda: pk.Metric.external("q/x", value=1), r"metric name 'q/x' cannot be used in a URL path"),
        (lambda: pk.ScalingPolicy.pods(0), r"value 0 is invalid: use an int of at least 1"),
        (
            lambda: pk.ScalingPolicy.percent(10, per_seconds=1801),
            r"period_seconds 1801 is out of range: use 1 to 1800",
        ),
        (
            lambda: pk.ScalingRules(stabilization_window_seconds=3601),
            r"stabilization_window_seconds 3601 is out of range",
        ),
    ],
)
def test_fails_bad_metrics_and_policies(make: Any, message: str) -> None:
    with pytest.raises((pk.PodkitError, pk.PodkitTypeError), match=message):
        make()


def test_fails_ephemeral_storage_utilization_names_the_python_field(chart: pk.Chart) -> None:
    with pytest.raises(pk.PodkitError) as e:
        pk.HorizontalPodAutoscaler(
            chart,
            "web-hpa",
            target=web(chart),
            max_replicas=3,
            metrics=[pk.Metric.resource("ephemeral-storage", utilization=50)],
        )
    assert str(e.value) == (
        "[test/web-hpa] metric ephemeral-storage at 50% utilization is a percentage of the ephemeral-storage "
        "request, and container 'web' of Deployment 'test/web' has none, so the autoscaler cannot compute it: "
        "give it resources=Resources(ephemeral_storage_request=...), or use average_value="
    )


def test_fails_two_autoscalers_of_one_target(chart: pk.Chart) -> None:
    d = web(chart)
    pk.HorizontalPodAutoscaler(chart, "cpu", target=d, max_replicas=3)
    pk.HorizontalPodAutoscaler(
        chart, "memory", target=d, max_replicas=3, metrics=[pk.Metric.memory_utilization(70)]
    )
    with pytest.raises(pk.SynthError) as e:
        synth(chart)
    assert [(p.path, p.message) for p in e.value.problems] == [
        (
            f"test/{mine}",
            f"Deployment 'test/web' is the target of autoscaler 'test/{other}' too: the autoscaler controller "
            f"refuses to scale a target of two autoscalers (AmbiguousSelector), so neither scales it",
        )
        for mine, other in (("cpu", "memory"), ("memory", "cpu"))
    ]


def test_fails_object_metric_of_another_namespace(app: pk.App) -> None:
    prod, edge = pk.Chart(app, "prod", namespace="prod"), pk.Chart(app, "edge", namespace="edge")
    ingress_pods = pk.Deployment(edge, "proxy", main=pk.Container(name="proxy", image="nginx:1.27"))
    pk.HorizontalPodAutoscaler(
        prod,
        "web-hpa",
        target=web(prod),
        max_replicas=3,
        metrics=[pk.Metric.object("requests-per-second", described=ingress_pods, value=100)],
    )
    assert synth_messages(prod) == [
        "metric 'requests-per-second' describes Deployment 'edge/proxy' of namespace 'edge', but the autoscaler "
        "looks the object up in its own namespace 'prod', where it is not"
    ]


def test_an_object_metric_of_an_object_without_a_namespace_is_written_and_warned(app: pk.App) -> None:
    # the autoscaler in 'prod' looks the object up in 'prod': found if the object is applied there
    prod, edge = pk.Chart(app, "prod", namespace="prod"), pk.Chart(app, "edge")
    proxy = pk.Deployment(edge, "proxy", main=pk.Container(name="proxy", image="nginx:1.27"))
    metric = pk.Metric.object("requests-per-second", described=proxy, value=100)
    created = sys._getframe().f_lineno + 1
    pk.HorizontalPodAutoscaler(prod, "web-hpa", target=web(prod), max_replicas=3, metrics=[metric])
    assert synth_warnings(app, pk.NamespaceReferenceWarning) == [
        (
            "[prod/web-hpa] metric 'requests-per-second' describes Deployment 'edge/proxy', which has no "
            "namespace (the namespace it is applied to decides), and the autoscaler looks it up in its own "
            "namespace 'prod': it finds the object only if that is 'prod'; give both the same namespace, or "
            "neither",
            __file__,
            created,
        )
    ]


def test_an_autoscaler_without_a_namespace_describing_an_object_of_one_is_written_and_warned(
    app: pk.App,
) -> None:
    prod, apps = pk.Chart(app, "prod", namespace="prod"), pk.Chart(app, "apps")
    proxy = pk.Deployment(prod, "proxy", main=pk.Container(name="proxy", image="nginx:1.27"))
    metric = pk.Metric.object("requests-per-second", described=proxy, value=100)
    created = sys._getframe().f_lineno + 1
    pk.HorizontalPodAutoscaler(apps, "web-hpa", target=web(apps), max_replicas=3, metrics=[metric])
    assert synth_warnings(app, pk.NamespaceReferenceWarning) == [
        (
            "[apps/web-hpa] the autoscaler has no namespace (the namespace it is applied to decides) and its "
            "metric 'requests-per-second' describes Deployment 'prod/proxy' of namespace 'prod': it finds the "
            "object only if that is 'prod'; give both the same namespace, or neither",
            __file__,
            created,
        )
    ]


def test_fails_replicas_written_back_by_a_patch(chart: pk.Chart) -> None:
    d = web(chart)
    pk.HorizontalPodAutoscaler(chart, "web-hpa", target=d, max_replicas=3)
    cdk8s.ApiObject.of(d).add_json_patch(cdk8s.JsonPatch.add("/spec/replicas", 2))
    assert synth_problems(chart) == [
        (
            "test/web-hpa",
            "target Deployment 'test/web' is written with replicas=2 by a patch, which autoscaler 'web-hpa' would "
            "fight (every apply resets the count)",
            "remove the patch of /spec/replicas: the autoscaler owns the count",
        )
    ]
