"""PodDisruptionBudget: from the workload by object; budgets that can never allow an eviction
name the drain they block; against an autoscaler's floor; raw selectors must match a workload."""

from __future__ import annotations

import sys
import warnings
from typing import Any

import cdk8s
import pytest
from syrupy.assertion import SnapshotAssertion

import podkit as pk
from tests.k8s import by_name, synth, synth_problems, synth_warnings

SELECT_WEB = {"app.kubernetes.io/name": "web", "podkit.dev/controller": "deployment"}


def web(chart: cdk8s.Chart, **kw: Any) -> pk.Deployment:
    return pk.Deployment(
        chart,
        "web",
        main=pk.Container(name="web", image="nginx:1.27", resources=pk.Resources(cpu_request="100m")),
        **kw,
    )


def test_from_the_workload_exact(chart: pk.Chart) -> None:
    pdb = web(chart, replicas=3).disruption_budget(max_unavailable=1)
    assert pdb.path == "test/web-pdb"
    assert by_name(synth(chart), "web", "PodDisruptionBudget") == {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": {"name": "web"},
        "spec": {"selector": {"matchLabels": SELECT_WEB}, "maxUnavailable": 1},
    }


def test_percent_min_available_and_eviction_policy(chart: pk.Chart, snapshot_yaml: SnapshotAssertion) -> None:
    web(chart, replicas=4, namespace="shop").disruption_budget(
        min_available="50%", unhealthy_pod_eviction_policy=pk.UnhealthyPodEvictionPolicy.ALWAYS_ALLOW
    )
    assert by_name(synth(chart), "web", "PodDisruptionBudget") == snapshot_yaml


def test_namespace_defaults_to_the_targets(chart: pk.Chart) -> None:
    pk.PodDisruptionBudget(
        chart, "web-pdb", target=web(chart, replicas=3, namespace="shop"), max_unavailable=1
    )
    assert by_name(synth(chart), "web-pdb")["metadata"] == {"name": "web-pdb", "namespace": "shop"}


def test_raw_selector_matching_a_workload(chart: pk.Chart) -> None:
    web(chart, replicas=2, pod_labels={"tier": "front"})
    pk.PodDisruptionBudget(chart, "front", selector={"tier": "front"}, max_unavailable="25%")
    assert by_name(synth(chart), "front")["spec"] == {
        "selector": {"matchLabels": {"tier": "front"}},
        "maxUnavailable": "25%",
    }


def test_fails_max_unavailable_zero_names_the_drain(chart: pk.Chart) -> None:
    with pytest.raises(
        pk.PodkitError,
        match=r"\[test/web-pdb\] max_unavailable=0 allows no pod to be evicted, so `kubectl drain` of any node "
        r"running a pod of Deployment 'test/web' waits forever \(node upgrades and cluster-autoscaler "
        r"scale-down are blocked too\): use max_unavailable=1",
    ):
        web(chart, replicas=3).disruption_budget(max_unavailable=0)


@pytest.mark.parametrize(
    ("replicas", "min_available", "shown"),
    [
        (3, 3, r"min_available=3 is 3 pod\(s\), and Deployment 'test/web' has replicas=3"),
        (None, 1, r"min_available=1 is 1 pod\(s\), and Deployment 'test/web' has replicas not set \(1\)"),
        (1, "50%", r"min_available='50%' is 1 pod\(s\), and Deployment 'test/web' has replicas=1"),
    ],
)
def test_fails_min_available_at_replicas(
    chart: pk.Chart, replicas: int | None, min_available: Any, shown: str
) -> None:
    web(chart, replicas=replicas).disruption_budget(min_available=min_available)
    with pytest.raises(pk.SynthError, match=shown + r": no pod may ever be evicted, so `kubectl drain`"):
        synth(chart)


def test_allow_no_eviction_is_explicit(chart: pk.Chart) -> None:
    web(chart, replicas=1).disruption_budget(min_available=1, allow_no_eviction=True)
    assert by_name(synth(chart), "web", "PodDisruptionBudget")["spec"]["minAvailable"] == 1


def test_fails_min_available_at_the_autoscaler_floor(chart: pk.Chart) -> None:
    d = web(chart)
    pk.HorizontalPodAutoscaler(chart, "web-hpa", target=d, min_replicas=2, max_replicas=10)
    d.disruption_budget(min_available=2)
    with pytest.raises(
        pk.SynthError,
        match=r"min_available=2 is 2 pod\(s\), at or above the min_replicas 2 of autoscaler 'test/web-hpa': when "
        r"it scales Deployment 'test/web' down to 2, no pod may be evicted",
    ):
        synth(chart)


def test_below_the_autoscaler_floor_is_fine(chart: pk.Chart) -> None:
    d = web(chart)
    pk.HorizontalPodAutoscaler(chart, "web-hpa", target=d, min_replicas=3, max_replicas=10)
    d.disruption_budget(min_available=2)
    synth(chart)


def test_fails_selector_matching_no_workload(chart: pk.Chart) -> None:
    web(chart)
    pk.PodDisruptionBudget(chart, "ghost", selector={"app": "gone"}, max_unavailable=1)
    with pytest.raises(
        pk.SynthError,
        match=r"\[test/ghost\] selector \{'app': 'gone'\} matches the pods of no workload of the app: the "
        r"budget protects nothing; ",
    ):
        synth(chart)


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({}, r"give exactly one of min_available= and max_unavailable="),
        (
            {"min_available": 1, "max_unavailable": 1},
            r"give exactly one of min_available= and max_unavailable=",
        ),
        ({"max_unavailable": "150%"}, r"max_unavailable '150%' is above 100%"),
        (
            {"max_unavailable": "50"},
            r"max_unavailable '50' is not an int or a percentage such as '50%' \(did you mean '50%'\?\)",
        ),
        ({"min_available": -1}, r"min_available -1 is negative"),
    ],
)
def test_fails_bad_amounts(chart: pk.Chart, kw: dict[str, Any], message: str) -> None:
    with pytest.raises(pk.PodkitError, match=message):
        web(chart).disruption_budget(**kw)


def test_fails_daemonset_target(chart: pk.Chart) -> None:
    ds = pk.DaemonSet(chart, "agent", main=pk.Container(name="agent", image="busybox:1.36"))
    with pytest.raises(pk.PodkitError, match=r"kubectl drain skips DaemonSet pods"):
        ds.disruption_budget(max_unavailable=1)


def test_plain_cdk8s_chart_finds_its_workloads() -> None:
    # podkit objects of a plain cdk8s chart are its constructs: the budget's selector finds the
    # workload there, and its replicas are checked as in a podkit Chart
    chart = cdk8s.Testing.chart()
    d = web(chart, replicas=2)
    pk.PodDisruptionBudget(chart, "any-web", selector=SELECT_WEB, max_unavailable=1)
    assert [o["kind"] for o in cdk8s.Testing.synth(chart)] == ["Deployment", "PodDisruptionBudget"]
    d.disruption_budget(min_available=2)
    with pytest.raises(
        pk.SynthError, match=r"min_available=2 is 2 pod\(s\), and Deployment 'test/web' has replicas=2"
    ):
        cdk8s.Testing.synth(chart)


def test_fails_budget_in_another_namespace_than_its_target(chart: pk.Chart) -> None:
    target = web(chart, replicas=3, namespace="shop")
    pk.PodDisruptionBudget(chart, "web-pdb", target=target, max_unavailable=1, namespace="other")
    assert synth_problems(chart) == [
        (
            "test/web-pdb",
            "the budget is in namespace 'other' and its target Deployment 'test/web' in 'shop': a budget selects "
            "pods of its own namespace, so it protects nothing",
            "leave namespace= unset (it defaults to the target's)",
        )
    ]


def test_a_budget_with_a_namespace_its_target_lacks_is_written_and_warned(app: pk.App) -> None:
    # it protects the target's pods if the target is applied to 'other' (kubectl -n other): no problem
    chart = pk.Chart(app, "test")
    target = web(chart, replicas=3)
    created = sys._getframe().f_lineno + 1
    pk.PodDisruptionBudget(chart, "web-pdb", target=target, max_unavailable=1, namespace="other")
    assert synth_warnings(app, pk.NamespaceReferenceWarning) == [
        (
            "[test/web-pdb] the budget is in namespace 'other' and its target Deployment 'test/web' has none (the "
            "namespace it is applied to decides): it protects the target's pods only if that is 'other'; give "
            "both the same namespace, or neither",
            __file__,
            created,
        )
    ]


def test_a_budget_without_a_namespace_whose_target_has_one_is_written_and_warned(app: pk.App) -> None:
    # the target in a plain cdk8s chart of namespace 'shop' (no namespace of its own to default to)
    target = web(cdk8s.Chart(app, "a", namespace="shop"), replicas=3)
    created = sys._getframe().f_lineno + 1
    pk.PodDisruptionBudget(pk.Chart(app, "b"), "web-pdb", target=target, max_unavailable=1)
    assert synth_warnings(app, pk.NamespaceReferenceWarning) == [
        (
            "[b/web-pdb] the budget has no namespace (the namespace it is applied to decides) and its target "
            "Deployment 'a/web' is in namespace 'shop': it protects the target's pods only if that is 'shop'; "
            "give both the same namespace, or neither",
            __file__,
            created,
        )
    ]


def test_a_budget_and_its_target_both_without_a_namespace_are_not_warned(app: pk.App) -> None:
    web(pk.Chart(app, "test"), replicas=3).disruption_budget(max_unavailable=1)
    assert synth_warnings(app, pk.NamespaceReferenceWarning) == []


def test_a_budget_without_a_namespace_still_refuses_a_target_it_never_lets_evict(app: pk.App) -> None:
    # the namespace warns; what the budget does to its target's pods is judged all the same
    target = web(cdk8s.Chart(app, "a", namespace="shop"), replicas=2)
    pk.PodDisruptionBudget(pk.Chart(app, "b"), "web-pdb", target=target, min_available=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pk.NamespaceReferenceWarning)
        messages = [m for _, m, _ in synth_problems(app)]
    assert messages == [
        "min_available=2 is 2 pod(s), and Deployment 'a/web' has replicas=2: no pod may ever be evicted, so "
        "`kubectl drain` of any node running a pod of Deployment 'a/web' waits forever (node upgrades and "
        "cluster-autoscaler scale-down are blocked too): use max_unavailable=1, lower min_available, or pass "
        "allow_no_eviction=True if a human must move these pods"
    ]


def test_a_selector_budget_with_a_namespace_its_pods_lack_is_written_and_warned(app: pk.App) -> None:
    chart = pk.Chart(app, "test")
    web(chart, replicas=3)
    created = sys._getframe().f_lineno + 1
    pk.PodDisruptionBudget(chart, "pdb", selector=SELECT_WEB, max_unavailable=1, namespace="other")
    assert synth_warnings(app, pk.NamespaceReferenceWarning) == [
        (
            "[test/pdb] the budget is in namespace 'other' and its selector {'app.kubernetes.io/name': 'web', "
            "'podkit.dev/controller': 'deployment'} matches the pods of Deployment 'test/web', without a "
            "namespace (the namespace it is applied to decides): it protects them only if that is 'other'; give "
            "both the same namespace, or neither",
            __file__,
            created,
        )
    ]


def test_a_selector_budget_without_a_namespace_whose_pods_have_one_is_written_and_warned(app: pk.App) -> None:
    web(pk.Chart(app, "a", namespace="shop"), replicas=3)
    created = sys._getframe().f_lineno + 1
    pk.PodDisruptionBudget(pk.Chart(app, "b"), "pdb", selector=SELECT_WEB, max_unavailable=1)
    assert synth_warnings(app, pk.NamespaceReferenceWarning) == [
        (
            "[b/pdb] the budget has no namespace (the namespace it is applied to decides) and its selector "
            "{'app.kubernetes.io/name': 'web', 'podkit.dev/controller': 'deployment'} matches the pods of "
            "Deployment 'a/web' of namespace 'shop': it protects them only if that is 'shop'; give both the "
            "same namespace, or neither",
            __file__,
            created,
        )
    ]


def test_fails_selector_budget_matching_pods_only_of_another_namespace(app: pk.App) -> None:
    web(pk.Chart(app, "a", namespace="shop"), replicas=3)
    pk.PodDisruptionBudget(
        pk.Chart(app, "b", namespace="other"), "pdb", selector=SELECT_WEB, max_unavailable=1
    )
    assert synth_problems(app) == [
        (
            "b/pdb",
            "selector {'app.kubernetes.io/name': 'web', 'podkit.dev/controller': 'deployment'} matches the pods "
            "of no workload of the app in namespace 'other': the budget protects nothing",
            "build the budget from the workload (workload.disruption_budget(...)) or fix the labels",
        )
    ]


def test_fails_amount_above_int32(chart: pk.Chart) -> None:
    with pytest.raises(pk.PodkitError) as e:
        web(chart).disruption_budget(max_unavailable=2**31)
    assert (
        str(e.value)
        == "[test/web-pdb] max_unavailable 2147483648 is above 2147483647, the largest the API server reads"
    )


@pytest.mark.parametrize(
    ("operator", "values", "finds"),
    [
        (pk.LabelSelectorOperator.IN, ("web", "api"), True),
        (pk.LabelSelectorOperator.IN, ("api",), False),
        (pk.LabelSelectorOperator.NOT_IN, ("api",), True),
        (pk.LabelSelectorOperator.NOT_IN, ("web",), False),
        (pk.LabelSelectorOperator.EXISTS, (), True),
        (pk.LabelSelectorOperator.DOES_NOT_EXIST, (), False),
    ],
)
def test_a_selector_with_expressions_finds_the_workloads_it_matches(
    chart: pk.Chart, operator: pk.LabelSelectorOperator, values: tuple[str, ...], finds: bool
) -> None:
    d = web(chart, replicas=3)
    selector = pk.LabelSelector(
        match_expressions=[pk.LabelRequirement("app.kubernetes.io/name", operator, values)]
    )
    budget = pk.PodDisruptionBudget(chart, "b", selector=selector, max_unavailable=1)
    assert budget.workloads() == ([d] if finds else [])
