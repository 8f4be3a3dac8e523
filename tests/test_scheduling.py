"""Scheduling values: node affinity, pod (anti-)affinity, tolerations, topology spread.

Each value renders with Kubernetes keys; each mistake the API server rejects fails where it is made.
"""

from __future__ import annotations

from typing import Any, ClassVar

import pytest

import podkit as pk
from podkit._checks import jsonable
from podkit.errors import DuplicateError, InvalidNameError, PodkitError, PodkitTypeError
from podkit.scheduling import (
    LabelRequirement,
    LabelSelector,
    LabelSelectorOperator,
    NodeAffinity,
    NodeAffinityPolicy,
    NodeRequirement,
    NodeSelectorOperator,
    NodeSelectorTerm,
    PodAffinity,
    PodAffinityTerm,
    TaintEffect,
    Toleration,
    TolerationOperator,
    TopologySpreadConstraint,
    WeightedNodeSelectorTerm,
    WeightedPodAffinityTerm,
    WhenUnsatisfiable,
    check_spread,
)
from tests.k8s import synth

Op = NodeSelectorOperator


def web_pod(chart: pk.Chart, id: str = "web", **fields: Any) -> pk.SidecarPod:
    """A pod with opt-in pod settings set as properties (the constructor path is in test_pod_surface)."""
    labels = fields.pop("labels", None)
    run_label = fields.pop("run_label", True)
    pod = pk.SidecarPod(
        chart, id, main=pk.Container(name="web", image="nginx:1.27"), labels=labels, run_label=run_label
    )
    for key, value in fields.items():
        setattr(pod, key, value)
    return pod


# -- node affinity --------------------------------------------------------------------------------
def test_node_affinity_every_operator_renders() -> None:
    term = NodeSelectorTerm(
        [
            NodeRequirement("kubernetes.io/arch", Op.IN, ("amd64", "arm64")),
            NodeRequirement("pool", Op.NOT_IN, ("spot",)),
            NodeRequirement("gpu", Op.EXISTS),
            NodeRequirement("tainted", Op.DOES_NOT_EXIST),
            NodeRequirement("cores", Op.GT, ("8",)),
            NodeRequirement("age-days", Op.LT, ("-1",)),
        ]
    )
    preferred = WeightedNodeSelectorTerm(20, NodeSelectorTerm([NodeRequirement("disk", Op.IN, ("ssd",))]))
    assert jsonable(NodeAffinity(required=[term], preferred=[preferred]).render()) == {
        "requiredDuringSchedulingIgnoredDuringExecution": {
            "nodeSelectorTerms": [
                {
                    "matchExpressions": [
                        {"key": "kubernetes.io/arch", "operator": "In", "values": ["amd64", "arm64"]},
                        {"key": "pool", "operator": "NotIn", "values": ["spot"]},
                        {"key": "gpu", "operator": "Exists"},
                        {"key": "tainted", "operator": "DoesNotExist"},
                        {"key": "cores", "operator": "Gt", "values": ["8"]},
                        {"key": "age-days", "operator": "Lt", "values": ["-1"]},
                    ]
                }
            ]
        },
        "preferredDuringSchedulingIgnoredDuringExecution": [
            {
                "weight": 20,
                "preference": {"matchExpressions": [{"key": "disk", "operator": "In", "values": ["ssd"]}]},
            }
        ],
    }


@pytest.mark.parametrize(
    ("op", "values", "match"),
    [
        (Op.IN, (), "In needs at least one value"),
        (Op.NOT_IN, (), "NotIn needs at least one value"),
        (Op.EXISTS, ("x",), "Exists takes no values"),
        (Op.DOES_NOT_EXIST, ("x",), "DoesNotExist takes no values"),
        (Op.GT, (), "Gt takes exactly one integer value"),
        (Op.GT, ("1", "2"), "Gt takes exactly one integer value"),
        (Op.LT, ("ten",), "Lt takes exactly one integer value"),
    ],
)
def test_fails_on_operator_value_mismatch(
    op: NodeSelectorOperator, values: tuple[str, ...], match: str
) -> None:
    with pytest.raises(PodkitError, match=match):
        NodeRequirement("zone", op, values)


def test_fails_on_node_requirement_typos() -> None:
    with pytest.raises(
        PodkitTypeError, match=r"must be a NodeSelectorOperator, got str 'In'; use NodeSelectorOperator.IN"
    ):
        NodeRequirement("zone", "In", ("a",))  # type: ignore[arg-type]
    with pytest.raises(InvalidNameError, match=r"node requirement key 'bad key' is invalid"):
        NodeRequirement("bad key", Op.EXISTS)
    with pytest.raises(PodkitTypeError, match=r"must be a list or tuple, got str 'amd64'"):
        NodeRequirement("arch", Op.IN, "amd64")


def test_fails_on_empty_terms_and_weights() -> None:
    with pytest.raises(PodkitError, match=r"would match no node"):
        NodeSelectorTerm([])
    term = NodeSelectorTerm([NodeRequirement("gpu", Op.EXISTS)])
    with pytest.raises(PodkitError, match=r"weight 0 is out of range; the API server accepts 1 to 100"):
        WeightedNodeSelectorTerm(0, term)
    with pytest.raises(PodkitError, match=r"weight 101 is out of range"):
        WeightedNodeSelectorTerm(101, term)
    with pytest.raises(PodkitError, match=r"NodeAffinity\(\) sets nothing"):
        NodeAffinity()


# -- pod affinity ---------------------------------------------------------------------------------
def test_pod_anti_affinity_selects_a_pod_by_object_reading_labels_at_synth(chart: pk.Chart) -> None:
    db = web_pod(chart, "db", labels={"app": "db"})
    web = web_pod(
        chart,
        "web",
        pod_affinity=PodAffinity(
            preferred=[
                WeightedPodAffinityTerm(
                    50,
                    PodAffinityTerm(
                        topology_key="topology.kubernetes.io/zone", selector=LabelSelector.of(db)
                    ),
                )
            ]
        ),
        pod_anti_affinity=PodAffinity(
            required=[
                PodAffinityTerm(
                    topology_key="kubernetes.io/hostname",
                    selector=LabelSelector(
                        match_labels={"app": "web"},
                        match_expressions=[
                            LabelRequirement("tier", LabelSelectorOperator.NOT_IN, ("batch",))
                        ],
                    ),
                    namespaces=("prod",),
                )
            ]
        ),
    )
    db.add_label("tier", "data")  # added after the selector was made: still selected
    affinity = synth(chart)[1]["spec"]["affinity"]
    assert web.pod_affinity is not None
    assert affinity == {
        "podAffinity": {
            "preferredDuringSchedulingIgnoredDuringExecution": [
                {
                    "weight": 50,
                    "podAffinityTerm": {
                        "topologyKey": "topology.kubernetes.io/zone",
                        "labelSelector": {"matchLabels": {"app": "db", "run": "db", "tier": "data"}},
                    },
                }
            ]
        },
        "podAntiAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": [
                {
                    "topologyKey": "kubernetes.io/hostname",
                    "labelSelector": {
                        "matchLabels": {"app": "web"},
                        "matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["batch"]}],
                    },
                    "namespaces": ["prod"],
                }
            ]
        },
    }


def test_selector_of_a_workload_uses_its_selector_labels() -> None:
    class Workload:  # what a controller exposes: the labels its own selector uses
        selector_labels: ClassVar[dict[str, str]] = {"app": "api"}
        labels: ClassVar[dict[str, str]] = {"app": "api", "team": "x"}

    assert LabelSelector.of(Workload()).render() == {"matchLabels": {"app": "api"}, "matchExpressions": None}


def test_fails_on_selectors_that_select_everything(chart: pk.Chart) -> None:
    with pytest.raises(PodkitError, match=r"an empty selector matches every pod"):
        LabelSelector()
    with pytest.raises(PodkitTypeError, match=r"LabelSelector.of needs a podkit pod or workload"):
        LabelSelector.of("web")
    bare = web_pod(chart, "bare", run_label=False)
    web_pod(
        chart,
        "web",
        pod_anti_affinity=PodAffinity(
            required=[PodAffinityTerm(topology_key="kubernetes.io/hostname", selector=LabelSelector.of(bare))]
        ),
    )
    with pytest.raises(pk.SynthError, match=r"has no labels to select it by"):
        synth(chart)


def test_fails_on_bad_affinity_terms() -> None:
    sel = LabelSelector(match_labels={"app": "web"})
    with pytest.raises(PodkitError, match=r"topology_key '' must be a node label key"):
        PodAffinityTerm(topology_key="", selector=sel)
    with pytest.raises(PodkitTypeError, match=r"selector must be a LabelSelector"):
        PodAffinityTerm(topology_key="kubernetes.io/hostname", selector={"app": "web"})  # type: ignore[arg-type]
    with pytest.raises(PodkitError, match=r"In needs at least one value"):
        LabelRequirement("app", LabelSelectorOperator.IN)
    with pytest.raises(PodkitError, match=r"Exists takes no values"):
        LabelRequirement("app", LabelSelectorOperator.EXISTS, ("x",))
    with pytest.raises(PodkitError, match=r"PodAffinity\(\) sets nothing"):
        PodAffinity()


# -- tolerations ----------------------------------------------------------------------------------
def test_tolerations_render() -> None:
    assert [
        jsonable(t.render())
        for t in (
            Toleration.equal("dedicated", "gpu", effect=TaintEffect.NO_SCHEDULE),
            Toleration.exists(
                "node.kubernetes.io/unreachable", effect=TaintEffect.NO_EXECUTE, toleration_seconds=30
            ),
            Toleration.exists(),
            Toleration(
                key="k", operator=TolerationOperator.EQUAL, value="", effect=TaintEffect.PREFER_NO_SCHEDULE
            ),
        )
    ] == [
        {"key": "dedicated", "operator": "Equal", "value": "gpu", "effect": "NoSchedule"},
        {
            "key": "node.kubernetes.io/unreachable",
            "operator": "Exists",
            "effect": "NoExecute",
            "tolerationSeconds": 30,
        },
        {"operator": "Exists"},
        {"key": "k", "operator": "Equal", "value": "", "effect": "PreferNoSchedule"},
    ]


def test_fails_on_toleration_rules_of_the_api_server() -> None:
    with pytest.raises(PodkitError, match=r"only with effect=TaintEffect.NO_EXECUTE"):
        Toleration.equal("gpu", "yes", effect=TaintEffect.NO_SCHEDULE, toleration_seconds=10)
    with pytest.raises(PodkitError, match=r"with effect unset"):
        Toleration.exists("gpu", toleration_seconds=10)
    with pytest.raises(PodkitError, match=r"a toleration without a key must use operator Exists"):
        Toleration(value="x")
    with pytest.raises(PodkitError, match=r"uses Exists with value 'yes'; Exists matches any value"):
        Toleration(key="gpu", operator=TolerationOperator.EXISTS, value="yes")
    with pytest.raises(
        PodkitTypeError, match=r"must be a TaintEffect, got str 'NoSchedule'; use TaintEffect.NO_SCHEDULE"
    ):
        Toleration.exists("gpu", effect="NoSchedule")  # type: ignore[arg-type]
    with pytest.raises(InvalidNameError, match=r"toleration key 'gpu card' is invalid"):
        Toleration.exists("gpu card")


# -- topology spread ------------------------------------------------------------------------------
def test_topology_spread_renders() -> None:
    c = TopologySpreadConstraint(
        max_skew=1,
        topology_key="topology.kubernetes.io/zone",
        selector=LabelSelector(match_labels={"app": "web"}),
        min_domains=3,
        node_affinity_policy=NodeAffinityPolicy.HONOR,
        node_taints_policy=NodeAffinityPolicy.IGNORE,
    )
    assert jsonable(c.render()) == {
        "maxSkew": 1,
        "topologyKey": "topology.kubernetes.io/zone",
        "whenUnsatisfiable": "DoNotSchedule",
        "labelSelector": {"matchLabels": {"app": "web"}},
        "minDomains": 3,
        "nodeAffinityPolicy": "Honor",
        "nodeTaintsPolicy": "Ignore",
    }


def test_fails_on_bad_spread() -> None:
    sel = LabelSelector(match_labels={"app": "web"})
    with pytest.raises(PodkitError, match=r"max_skew 0 must be at least 1"):
        TopologySpreadConstraint(max_skew=0, topology_key="zone", selector=sel)
    with pytest.raises(PodkitError, match=r"min_domains is only allowed with when_unsatisfiable"):
        TopologySpreadConstraint(
            max_skew=1,
            topology_key="zone",
            selector=sel,
            when_unsatisfiable=WhenUnsatisfiable.SCHEDULE_ANYWAY,
            min_domains=2,
        )
    one = TopologySpreadConstraint(max_skew=1, topology_key="zone", selector=sel)
    with pytest.raises(DuplicateError, match=r"two topology spread constraints use topology_key 'zone'"):
        check_spread([one, TopologySpreadConstraint(max_skew=2, topology_key="zone", selector=sel)])


def test_pod_renders_tolerations_and_spread_of_its_own_labels(chart: pk.Chart) -> None:
    pod = web_pod(chart, tolerations=[Toleration.exists("gpu")])
    pod.topology_spread_constraints = [
        TopologySpreadConstraint(
            max_skew=1,
            topology_key="kubernetes.io/hostname",
            selector=LabelSelector.of(pod),
            when_unsatisfiable=WhenUnsatisfiable.SCHEDULE_ANYWAY,
        )
    ]
    spec = synth(chart)[0]["spec"]
    assert spec["tolerations"] == [{"key": "gpu", "operator": "Exists"}]
    assert spec["topologySpreadConstraints"] == [
        {
            "maxSkew": 1,
            "topologyKey": "kubernetes.io/hostname",
            "whenUnsatisfiable": "ScheduleAnyway",
            "labelSelector": {"matchLabels": {"run": "web"}},
        }
    ]


def test_fails_when_a_pod_gets_a_single_toleration(chart: pk.Chart) -> None:
    with pytest.raises(PodkitTypeError, match=r"tolerations must be a list or tuple"):
        web_pod(chart, tolerations=Toleration.exists("gpu"))
