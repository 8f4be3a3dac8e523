"""ResourceQuota, LimitRange and PriorityClass: exact output, the API server's rules at the call,
and the checks against the pods of the namespace in the same app."""

from __future__ import annotations

import pytest
from syrupy.assertion import SnapshotAssertion

import podkit as pk
from tests.k8s import by_name, synth


def pod(chart: pk.Chart, resources: pk.Resources | None) -> pk.Deployment:
    return pk.Deployment(
        chart,
        "web",
        main=pk.Container(name="web", image="nginx:1.27", resources=resources),
        init_containers=[pk.Container(name="migrate", image="busybox:1.36", resources=resources)],
    )


FULL = pk.Resources(cpu_request="250m", cpu_limit="1", memory_request="128Mi", memory_limit="256Mi")


def test_quota_exact(chart: pk.Chart) -> None:
    pod(chart, FULL)
    pk.ResourceQuota(
        chart,
        "quota",
        hard={"requests.cpu": "4", "limits.memory": "16Gi", "pods": 20, "count/deployments.apps": 5},
    )
    assert by_name(synth(chart), "quota") == {
        "apiVersion": "v1",
        "kind": "ResourceQuota",
        "metadata": {"name": "quota"},
        "spec": {
            "hard": {
                "requests.cpu": "4",
                "limits.memory": "16Gi",
                "pods": "20",
                "count/deployments.apps": "5",
            }
        },
    }


def test_fails_container_without_what_the_quota_caps(chart: pk.Chart) -> None:
    pod(chart, pk.Resources(cpu_request="250m"))
    pk.ResourceQuota(chart, "quota", hard={"limits.memory": "16Gi"})
    with pytest.raises(pk.SynthError) as e:
        synth(chart)
    assert [p.message for p in e.value.problems] == [
        f"quota 'quota' caps limits.memory, so every container in its namespace (the kubectl context's) must state its memory limit; "
        f"container {name!r} of Deployment 'test/web' does not, and its pods would be refused (must specify "
        f"limits.memory)"
        for name in ("web", "migrate")
    ]


def test_a_limit_range_default_satisfies_the_quota(chart: pk.Chart, snapshot_yaml: SnapshotAssertion) -> None:
    pod(chart, pk.Resources(cpu_request="250m"))
    pk.ResourceQuota(chart, "quota", hard={"limits.memory": "16Gi", "requests.memory": "8Gi"})
    pk.LimitRange(
        chart,
        "limits",
        limits=[
            pk.LimitRangeItem.container(default={"memory": "256Mi"}, max={"cpu": "2"}),
            pk.LimitRangeItem.claim(max="100Gi"),
        ],
    )
    objs = synth(chart)
    assert by_name(objs, "limits") == snapshot_yaml


def test_a_limit_range_max_or_min_is_a_default_too(chart: pk.Chart) -> None:
    # the API server defaults a Container item's limit to its max, and its request to the
    # default limit or its min: the quota's admission then finds both on every container
    pod(chart, None)
    pk.ResourceQuota(chart, "quota", hard={"limits.cpu": "4", "requests.cpu": "2", "requests.memory": "1Gi"})
    pk.LimitRange(
        chart, "limits", limits=[pk.LimitRangeItem.container(max={"cpu": "2"}, min={"memory": "64Mi"})]
    )
    assert [o["kind"] for o in synth(chart)] == ["Deployment", "ResourceQuota", "LimitRange"]


def test_fails_request_above_the_limit_range_max(chart: pk.Chart) -> None:
    pod(chart, pk.Resources(cpu_request="3"))
    pk.LimitRange(chart, "limits", limits=[pk.LimitRangeItem.container(max={"cpu": "2"})])
    with pytest.raises(
        pk.SynthError,
        match=r"container 'web' of Deployment 'test/web' has cpu request '3', above the max '2' of LimitRange "
        r"'limits' in its namespace \(the kubectl context's\): its pods would be refused",
    ):
        synth(chart)


def test_other_namespaces_are_not_checked(app: pk.App) -> None:
    a = pk.Chart(app, "a", namespace="a")
    b = pk.Chart(app, "b", namespace="b")
    pod(a, None)
    pk.ResourceQuota(b, "quota", hard={"limits.cpu": "4"})
    synth(b)


@pytest.mark.parametrize(
    ("hard", "message"),
    [
        ({"storage": "1Ti"}, r"spec.hard\['storage'\] 'storage' is not a standard resource for quota"),
        ({"pods": "1.5"}, r"spec.hard\['pods'\] '1.5' is not a whole number: pods is counted"),
        ({"cpus": "4"}, r"spec.hard\['cpus'\] 'cpus' is not a standard resource"),
        ({"limits.cpu": "4Q"}, r"hard\['limits.cpu'\] '4Q' is not a Kubernetes quantity"),
    ],
)
def test_fails_bad_quota(chart: pk.Chart, hard: dict[str, str], message: str) -> None:
    with pytest.raises(pk.PodkitError, match=message):
        pk.ResourceQuota(chart, "quota", hard=hard)


def test_fails_bad_scopes_and_limits(chart: pk.Chart) -> None:
    with pytest.raises(pk.PodkitError, match=r"'BestEffort' does not apply to resource 'requests.cpu'"):
        pk.ResourceQuota(chart, "q1", hard={"requests.cpu": "1"}, scopes=[pk.QuotaScope.BEST_EFFORT])
    with pytest.raises(pk.PodkitError, match=r"conflicting scopes Terminating and NotTerminating"):
        pk.ResourceQuota(
            chart, "q2", hard={"pods": 3}, scopes=[pk.QuotaScope.TERMINATING, pk.QuotaScope.NOT_TERMINATING]
        )
    with pytest.raises(pk.PodkitError, match=r"spec.limits\[0\].min\['cpu'\] '2' is greater than max '1'"):
        pk.LimitRange(chart, "l1", limits=[pk.LimitRangeItem.container(min={"cpu": "2"}, max={"cpu": "1"})])
    with pytest.raises(pk.PodkitError, match=r"give max= or min="):
        pk.LimitRangeItem.claim()


def test_priority_class_exact_and_rules(chart: pk.Chart) -> None:
    pk.PriorityClass(
        chart,
        "critical",
        value=100000,
        description="customer-facing",
        preemption_policy=pk.PreemptionPolicy.NEVER,
    )
    assert by_name(synth(chart), "critical") == {
        "apiVersion": "scheduling.k8s.io/v1",
        "kind": "PriorityClass",
        "metadata": {"name": "critical"},
        "value": 100000,
        "description": "customer-facing",
        "preemptionPolicy": "Never",
    }
    with pytest.raises(pk.PodkitError, match=r"value 1000000001 is above 1000000000, the highest priority"):
        pk.PriorityClass(chart, "too-high", value=1_000_000_001)
    with pytest.raises(
        pk.PodkitError, match=r"metadata.name 'system-mine' starts with 'system-', which is reserved"
    ):
        pk.PriorityClass(chart, "system-mine", value=1)


def test_namespaced_chart_writes_no_namespace_on_a_priority_class(app: pk.App) -> None:
    chart = pk.Chart(app, "ns", namespace="prod")
    pk.PriorityClass(chart, "high", value=10)
    assert "namespace" not in by_name(synth(chart), "high")["metadata"]


def test_fails_two_global_default_priority_classes(app: pk.App) -> None:
    a, b = pk.Chart(app, "a"), pk.Chart(app, "b")
    pk.PriorityClass(a, "normal", value=1000, global_default=True)
    pk.PriorityClass(b, "batch", value=10, global_default=True)
    pk.PriorityClass(b, "critical", value=100000)
    synth(a)  # the first default is fine
    with pytest.raises(pk.SynthError) as e:
        synth(b)
    assert [(p.path, p.message, p.fix) for p in e.value.problems] == [
        (
            "b/batch",
            "PriorityClass 'batch' is the global default, and so is 'a/normal': the API server admits one global "
            "default, and refuses the other",
            "pass global_default=True to one class only",
        )
    ]
