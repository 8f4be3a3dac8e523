"""NetworkPolicy: peers, pods and ports by object; default deny, DNS, connections on both sides."""

from __future__ import annotations

import sys
import warnings

import cdk8s
import pytest
from syrupy.assertion import SnapshotAssertion

import podkit as pk
from podkit.network_policy import NetworkPolicyRule, Peer, PolicyPort, PolicyType
from tests.k8s import by_name, synth, synth_messages, synth_problems, synth_warnings

HTTP = pk.Port(8080, name="http")
PG = pk.Port(5432, name="pg")
WEB = {"app.kubernetes.io/name": "web", "podkit.dev/controller": "deployment"}
DB = {"app.kubernetes.io/name": "db", "podkit.dev/controller": "statefulset"}


def web(chart: pk.Chart, **kw: object) -> pk.Deployment:
    return pk.Deployment(chart, "web", main=pk.Container(name="web", image="nginx:1.27", ports=[HTTP]), **kw)  # type: ignore[arg-type]


def db(chart: pk.Chart) -> pk.StatefulSet:
    return pk.StatefulSet(chart, "db", main=pk.Container(name="pg", image="postgres:16", ports=[PG]))


def policies(chart: pk.Chart) -> dict[str, dict[str, object]]:
    return {o["metadata"]["name"]: o["spec"] for o in synth(chart) if o["kind"] == "NetworkPolicy"}


def test_policy_by_object_exact(chart: pk.Chart) -> None:
    w, d = web(chart), db(chart)
    pk.NetworkPolicy(chart, "db-ingress", selector=d, ingress=[NetworkPolicyRule([w], [PG])])
    assert by_name(synth(chart), "db-ingress") == {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": "db-ingress"},
        "spec": {
            "podSelector": {"matchLabels": DB},
            "policyTypes": ["Ingress"],
            "ingress": [
                {
                    "from": [{"podSelector": {"matchLabels": WEB}}],
                    "ports": [{"port": "pg", "protocol": "TCP"}],
                }
            ],
        },
    }


def test_peers_of_every_kind(chart: pk.Chart) -> None:
    w = web(chart)
    monitoring = pk.Namespace(chart, "monitoring")
    pk.NetworkPolicy(
        chart,
        "web-policy",
        name="web",
        selector=w,
        ingress=[
            NetworkPolicyRule([Peer.namespace(monitoring)], [PolicyPort.named("http")]),
            NetworkPolicyRule([Peer.namespaces({"team": "payments"})], [8080]),
            NetworkPolicyRule(
                [Peer.pods(pk.LabelSelector(match_labels={"app": "prometheus"}), namespace="monitoring")]
            ),
            NetworkPolicyRule(
                [Peer.ip_block("10.0.0.0/8", except_cidrs=["10.1.0.0/16"])], [PolicyPort.range(8000, 8100)]
            ),
        ],
        egress=[NetworkPolicyRule([], [PolicyPort.all_ports(protocol=pk.Protocol.UDP)])],
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        spec = policies(chart)["web"]
    assert spec == {
        "podSelector": {"matchLabels": WEB},
        "policyTypes": ["Ingress", "Egress"],
        "ingress": [
            {
                "from": [
                    {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}}
                ],
                "ports": [{"port": "http", "protocol": "TCP"}],
            },
            {
                "from": [{"namespaceSelector": {"matchLabels": {"team": "payments"}}}],
                "ports": [{"port": 8080, "protocol": "TCP"}],
            },
            {
                "from": [
                    {
                        "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}},
                        "podSelector": {"matchLabels": {"app": "prometheus"}},
                    }
                ]
            },
            {
                "from": [{"ipBlock": {"cidr": "10.0.0.0/8", "except": ["10.1.0.0/16"]}}],
                "ports": [{"port": 8000, "endPort": 8100, "protocol": "TCP"}],
            },
        ],
        "egress": [{"ports": [{"protocol": "UDP"}]}],
    }


def test_default_deny_and_allow_dns(chart: pk.Chart) -> None:
    pk.default_deny(chart)
    pk.default_deny(chart, egress=False, id="deny-in")
    pk.allow_dns(chart)
    found = policies(chart)
    assert found["default-deny"] == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
    assert found["deny-in"] == {"podSelector": {}, "policyTypes": ["Ingress"]}
    assert found["allow-dns"] == {
        "podSelector": {},
        "policyTypes": ["Egress"],
        "egress": [
            {
                "to": [
                    {
                        "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
                        "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}},
                    }
                ],
                "ports": [{"port": 53, "protocol": "UDP"}, {"port": 53, "protocol": "TCP"}],
            }
        ],
    }


def test_connections_write_both_sides(chart: pk.Chart) -> None:
    w, d = web(chart), db(chart)
    made = w.connections.allow_to(d, port=PG)
    assert [p.name for p in made] == ["web-to-db", "db-from-web"]
    found = policies(chart)
    assert found["web-to-db"] == {
        "podSelector": {"matchLabels": WEB},
        "policyTypes": ["Egress"],
        "egress": [
            {"to": [{"podSelector": {"matchLabels": DB}}], "ports": [{"port": "pg", "protocol": "TCP"}]}
        ],
    }
    assert found["db-from-web"] == {
        "podSelector": {"matchLabels": DB},
        "policyTypes": ["Ingress"],
        "ingress": [
            {"from": [{"podSelector": {"matchLabels": WEB}}], "ports": [{"port": "pg", "protocol": "TCP"}]}
        ],
    }


def test_connections_across_namespaces_and_isolation(app: pk.App) -> None:
    prod, edge = pk.Chart(app, "prod", namespace="prod"), pk.Chart(app, "edge", namespace="edge")
    w = web(prod)
    gateway = pk.Deployment(edge, "envoy", main=pk.Container(name="envoy", image="envoyproxy/envoy:v1.31.0"))
    w.connections.allow_from(gateway, port=HTTP)
    w.connections.allow_from(Peer.ip_block("192.168.0.0/16"), port=HTTP, isolation=pk.Isolation.POD)
    [only_peer] = w.connections.allow_to(db(prod), port=PG, isolation=pk.Isolation.PEER)
    assert only_peer.name == "db-from-web"
    docs = app.synth_documents()
    edge_policy = next(o for o in docs["edge.k8s.yaml"] if o["kind"] == "NetworkPolicy")
    assert edge_policy["metadata"] == {"name": "envoy-to-web", "namespace": "edge"}
    assert edge_policy["spec"]["egress"] == [
        {
            "to": [
                {
                    "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "prod"}},
                    "podSelector": {"matchLabels": WEB},
                }
            ],
            "ports": [{"port": "http", "protocol": "TCP"}],
        }
    ]
    names = [o["metadata"]["name"] for o in docs["prod.k8s.yaml"] if o["kind"] == "NetworkPolicy"]
    assert names == ["web-from-envoy", "web-from-cidr-192-168-0-0-16", "db-from-web"]


def test_connections_write_each_policy_to_its_workloads_namespace(chart: pk.Chart) -> None:
    w = web(chart, namespace="shop")
    d = pk.StatefulSet(
        chart, "db", main=pk.Container(name="pg", image="postgres:16", ports=[PG]), namespace="data"
    )
    w.connections.allow_to(d, port=PG)
    found = {o["metadata"]["name"]: o["metadata"] for o in synth(chart) if o["kind"] == "NetworkPolicy"}
    assert found == {
        "web-to-db": {"name": "web-to-db", "namespace": "shop"},
        "db-from-web": {"name": "db-from-web", "namespace": "data"},
    }


def test_connections_name_policies_after_kubernetes_names_not_construct_ids(chart: pk.Chart) -> None:
    w = pk.Deployment(
        chart, "Web", name="web", main=pk.Container(name="web", image="nginx:1.27", ports=[HTTP])
    )
    d = pk.StatefulSet(chart, "DB", name="db", main=pk.Container(name="pg", image="postgres:16", ports=[PG]))
    made = w.connections.allow_to(d, port=PG)
    assert [(p.node.id, p.name) for p in made] == [("Web-to-db", "web-to-db"), ("DB-from-web", "db-from-web")]
    w.connections.allow_to(d, port=PolicyPort.number(9187))
    assert sorted(policies(chart)) == ["db-from-web", "web-to-db"]


def test_a_second_flow_adds_a_rule_to_the_same_policy(chart: pk.Chart) -> None:
    w, d = web(chart), db(chart)
    w.connections.allow_to(d, port=PG)
    w.connections.allow_to(d, port=PolicyPort.number(9187))
    assert len(policies(chart)["web-to-db"]["egress"]) == 2  # type: ignore[arg-type]


def test_snapshot(chart: pk.Chart, snapshot_yaml: SnapshotAssertion) -> None:
    w, d = web(chart), db(chart)
    pk.default_deny(chart)
    pk.allow_dns(chart)
    w.connections.allow_to(d, port=PG)
    assert [o for o in synth(chart) if o["kind"] == "NetworkPolicy"] == snapshot_yaml


def test_works_in_a_plain_cdk8s_chart() -> None:
    chart = cdk8s.Testing.chart()
    pk.default_deny(chart)
    assert [o["kind"] for o in synth(chart)] == ["NetworkPolicy"]


# -- checks ----------------------------------------------------------------------------------------
def test_fails_at_synth_on_a_named_port_the_pods_do_not_declare(chart: pk.Chart) -> None:
    w, d = web(chart), db(chart)
    w.connections.allow_to(d, port="postgres")
    with pytest.raises(pk.SynthError) as e:
        chart.to_json()
    message = (
        "port postgres/TCP is not declared by any container of StatefulSet 'test/db' (declared: 5432 (pg)), "
        "so the rule would allow nothing"
    )
    assert [p.message for p in e.value.problems] == [f"egress rule: {message}", f"ingress rule: {message}"]
    assert [p.path for p in e.value.problems] == ["test/web-to-db", "test/db-from-web"]


def test_fails_at_synth_on_a_port_object_of_another_workload(chart: pk.Chart) -> None:
    w, d = web(chart), db(chart)
    pk.NetworkPolicy(chart, "p", selector=d, ingress=[NetworkPolicyRule([w], [HTTP])])
    with pytest.raises(
        pk.SynthError,
        match=r"ingress rule: port http/TCP is not declared by any container of StatefulSet 'test/db'",
    ):
        chart.to_json()


def test_fails_at_synth_on_pods_of_another_namespace(app: pk.App) -> None:
    w = web(pk.Chart(app, "prod", namespace="prod"))
    pk.NetworkPolicy(pk.Chart(app, "dev", namespace="dev"), "p", selector=w)
    with pytest.raises(
        pk.SynthError,
        match="the policy is in namespace 'dev' but selects Deployment 'prod/web' of namespace 'prod'",
    ):
        app.synth_documents()


def test_warns_on_selectors_matching_no_podkit_pod(chart: pk.Chart) -> None:
    web(chart)
    pk.NetworkPolicy(
        chart,
        "p",
        selector=pk.LabelSelector(match_labels={"app": "wbe"}),
        ingress=[NetworkPolicyRule([Peer.pods(pk.LabelSelector(match_labels={"app": "gateway"}))])],
    )
    with pytest.warns(pk.NetworkPolicyWarning) as record:
        synth(chart)
    # no namespace on the policy: every pod of the app was looked at (none is named None)
    assert sorted(str(w.message) for w in record) == [
        "[test/p] ingress peer Peer.pods(LabelSelector(match_labels={'app': 'gateway'}, match_expressions=())) "
        "matches no podkit pod of this app; unless those pods are made elsewhere, the rule allows nothing (give "
        "the workload object: Peer.pods(workload))",
        "[test/p] the policy's selector {'matchLabels': {'app': 'wbe'}} matches no podkit pod of the app; "
        "unless those pods are made elsewhere, it selects nothing (select by object: selector=workload)",
    ]


def test_the_policy_warnings_name_the_line_that_created_the_policy(chart: pk.Chart) -> None:
    web(chart)
    selector = pk.LabelSelector(match_labels={"app": "wbe"})
    rule = NetworkPolicyRule([Peer.pods(pk.LabelSelector(match_labels={"app": "gateway"}))])
    created = sys._getframe().f_lineno + 1
    pk.NetworkPolicy(chart, "p", selector=selector, ingress=[rule])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        synth(chart)
    # the selector's warning, then the peer's
    assert [(w.category, w.filename, w.lineno) for w in caught] == [
        (pk.NetworkPolicyWarning, __file__, created),
        (pk.NetworkPolicyWarning, __file__, created),
    ]
    assert [str(w.message).split(" ", 3)[1:3] for w in caught] == [["the", "policy's"], ["ingress", "peer"]]


def test_a_policy_warning_can_be_made_an_error_by_category(app: pk.App, chart: pk.Chart) -> None:
    web(chart)
    pk.NetworkPolicy(chart, "p", selector=pk.LabelSelector(match_labels={"app": "wbe"}))
    with warnings.catch_warnings():
        warnings.simplefilter("error", pk.NetworkPolicyWarning)
        with pytest.raises(
            pk.NetworkPolicyWarning, match=r"^\[test/p\] the policy's selector \{'matchLabels'"
        ):
            app.synth_documents()


def test_no_warning_when_a_label_selector_matches(chart: pk.Chart) -> None:
    web(chart, pod_labels={"tier": "front"})
    pk.NetworkPolicy(chart, "p", selector=pk.LabelSelector(match_labels={"tier": "front"}))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        synth(chart)


def test_fails_at_synth_on_rules_of_a_direction_the_policy_does_not_isolate(chart: pk.Chart) -> None:
    w, d = web(chart), db(chart)
    pk.NetworkPolicy(
        chart, "p", selector=w, policy_types=[PolicyType.INGRESS], egress=[NetworkPolicyRule([d])]
    )
    assert synth_problems(chart) == [
        (
            "test/p",
            "the policy has 1 egress rule(s) but policy_types ['Ingress'] does not include Egress, so network "
            "plugins ignore them",
            "add PolicyType.EGRESS to policy_types, or drop the egress rules",
        )
    ]


def test_fails_at_synth_on_a_workload_peer_given_another_namespace(app: pk.App) -> None:
    w = web(pk.Chart(app, "prod", namespace="prod"))
    d = db(pk.Chart(app, "data", namespace="data"))
    pk.NetworkPolicy(w._chart, "p", selector=w, ingress=[NetworkPolicyRule([Peer.pods(d, namespace="prod")])])  # type: ignore[arg-type]
    assert synth_messages(app) == [
        "ingress peer Peer.pods(<StatefulSet data/db>) is given namespace 'prod', but StatefulSet 'data/db' "
        "runs in 'data', so the peer selects nothing"
    ]


def test_fails_on_bad_ip_blocks() -> None:
    with pytest.raises(pk.PodkitError, match=r"cidr '10\.0\.0\.0/33' is not a valid CIDR"):
        Peer.ip_block("10.0.0.0/33")
    with pytest.raises(
        pk.PodkitError,
        match=r"except CIDR '192\.168\.0\.0/24' must be a strict subset of cidr '10\.0\.0\.0/8'",
    ):
        Peer.ip_block("10.0.0.0/8", except_cidrs=["192.168.0.0/24"])
    with pytest.raises(pk.PodkitTypeError, match="except_cidrs takes a list"):
        Peer.ip_block("10.0.0.0/8", except_cidrs="10.1.0.0/16")


def test_fails_on_bad_ports_and_peers(chart: pk.Chart) -> None:
    with pytest.raises(pk.PodkitError, match="end 80 is below start 90"):
        PolicyPort.range(90, 80)
    with pytest.raises(pk.PodkitError, match="port name 'HTTP' is not a valid IANA service name"):
        PolicyPort.named("HTTP")
    with pytest.raises(pk.PodkitTypeError, match="a peer must be a Peer"):
        pk.NetworkPolicy(chart, "p", ingress=[NetworkPolicyRule(["web"])])  # type: ignore[list-item]
    with pytest.raises(pk.PodkitTypeError, match="a port must be a container Port, a PolicyPort"):
        pk.NetworkPolicy(chart, "q", ingress=[NetworkPolicyRule([], [8080.0])])  # type: ignore[list-item]


def test_fails_on_policy_types(chart: pk.Chart) -> None:
    with pytest.raises(pk.PodkitError, match="policy_types is empty"):
        pk.NetworkPolicy(chart, "p", policy_types=[])
    with pytest.raises(pk.DuplicateError, match="names a direction twice"):
        pk.NetworkPolicy(chart, "q", policy_types=[PolicyType.INGRESS, PolicyType.INGRESS])
    with pytest.raises(pk.PodkitError, match="denies nothing"):
        pk.default_deny(chart, ingress=False, egress=False)


def test_fails_on_connections_to_itself_or_a_peer_side_without_object(chart: pk.Chart) -> None:
    w = web(chart)
    with pytest.raises(pk.PodkitError, match="for traffic between its own pods"):
        w.connections.allow_from(w)
    with pytest.raises(pk.PodkitError, match=r"use isolation=Isolation\.POD"):
        w.connections.allow_from(Peer.namespace("monitoring"), isolation=pk.Isolation.PEER)


# -- one side without a namespace: a NamespaceReferenceWarning at the line that created the policy ------
# (kubectl's context or the GitOps tool's destination decides that side: the pair meets only if it
# is the other side's namespace; two written namespaces that differ are judged as before)
SHOP = {"app.kubernetes.io/name": "web"}


def test_a_policy_with_a_namespace_its_target_lacks_is_written_and_warned(app: pk.App) -> None:
    chart = pk.Chart(app, "test")
    w = web(chart)
    created = sys._getframe().f_lineno + 1
    pk.NetworkPolicy(chart, "p", selector=w, namespace="shop")
    assert synth_warnings(app, pk.NamespaceReferenceWarning) == [
        (
            "[test/p] the policy is in namespace 'shop' and selects Deployment 'test/web', which has none (the "
            "namespace it is applied to decides): it selects the target's pods only if that is 'shop'; give both "
            "the same namespace, or neither",
            __file__,
            created,
        )
    ]


def test_a_policy_without_a_namespace_whose_target_has_one_is_written_and_warned(app: pk.App) -> None:
    w = web(pk.Chart(app, "prod", namespace="prod"))
    created = sys._getframe().f_lineno + 1
    pk.NetworkPolicy(pk.Chart(app, "policies"), "p", selector=w)
    assert synth_warnings(app, pk.NamespaceReferenceWarning) == [
        (
            "[policies/p] the policy has no namespace (the namespace it is applied to decides) and selects "
            "Deployment 'prod/web' of namespace 'prod': it selects the target's pods only if that is 'prod'; "
            "give both the same namespace, or neither",
            __file__,
            created,
        )
    ]


def test_a_policy_and_its_target_both_without_a_namespace_are_not_warned(app: pk.App) -> None:
    w = web(pk.Chart(app, "apps"))
    pk.NetworkPolicy(pk.Chart(app, "policies"), "p", selector=w)
    assert synth_warnings(app, pk.NamespaceReferenceWarning) == []


def test_a_selector_with_a_namespace_matching_pods_without_one_is_warned(app: pk.App) -> None:
    chart = pk.Chart(app, "test")
    web(chart)
    created = sys._getframe().f_lineno + 1
    pk.NetworkPolicy(chart, "p", selector=pk.LabelSelector(match_labels=SHOP), namespace="shop")
    assert synth_warnings(app, pk.NamespaceReferenceWarning) == [
        (
            "[test/p] the policy is in namespace 'shop' and its selector {'matchLabels': "
            "{'app.kubernetes.io/name': 'web'}} matches the pods of Deployment 'test/web', without a namespace "
            "(the namespace it is applied to decides): it selects them only if that is 'shop'; give both the "
            "same namespace, or neither",
            __file__,
            created,
        )
    ]
    assert synth_warnings(app, pk.NetworkPolicyWarning) == []


def test_a_selector_without_a_namespace_matching_pods_of_one_is_warned(app: pk.App) -> None:
    web(pk.Chart(app, "a", namespace="shop"))
    web(pk.Chart(app, "b", namespace="cart"))
    created = sys._getframe().f_lineno + 1
    pk.NetworkPolicy(pk.Chart(app, "policies"), "p", selector=pk.LabelSelector(match_labels=SHOP))
    assert synth_warnings(app, pk.NamespaceReferenceWarning) == [
        (
            "[policies/p] the policy has no namespace (the namespace it is applied to decides) and its selector "
            "{'matchLabels': {'app.kubernetes.io/name': 'web'}} matches the pods of Deployment 'a/web' of "
            "namespace 'shop' and Deployment 'b/web' of namespace 'cart': it selects them only if that is one "
            "of 'cart', 'shop'; give both the same namespace, or neither",
            __file__,
            created,
        )
    ]


def test_a_selector_and_its_pods_both_without_a_namespace_are_not_warned(app: pk.App) -> None:
    web(pk.Chart(app, "apps"))
    pk.NetworkPolicy(pk.Chart(app, "policies"), "p", selector=pk.LabelSelector(match_labels=SHOP))
    assert synth_warnings(app, pk.NamespaceReferenceWarning) == []
    assert synth_warnings(app, pk.NetworkPolicyWarning) == []


def test_a_selector_matching_pods_only_of_another_namespace_warns_as_matching_none(app: pk.App) -> None:
    web(pk.Chart(app, "a", namespace="shop"))
    created = sys._getframe().f_lineno + 1
    pk.NetworkPolicy(pk.Chart(app, "b", namespace="cart"), "p", selector=pk.LabelSelector(match_labels=SHOP))
    assert synth_warnings(app, pk.NetworkPolicyWarning) == [
        (
            "[b/p] the policy's selector {'matchLabels': {'app.kubernetes.io/name': 'web'}} matches no podkit pod "
            "of namespace 'cart'; unless those pods are made elsewhere, it selects nothing (select by object: "
            "selector=workload)",
            __file__,
            created,
        )
    ]
    assert synth_warnings(app, pk.NamespaceReferenceWarning) == []


def gateway_rule() -> NetworkPolicyRule:
    return NetworkPolicyRule([Peer.pods(pk.LabelSelector(match_labels={"app": "gateway"}))])


def gateway(chart: pk.Chart) -> pk.Deployment:
    return pk.Deployment(
        chart,
        "gateway",
        main=pk.Container(name="envoy", image="envoyproxy/envoy:v1.31.0"),
        pod_labels={"app": "gateway"},
    )


def test_a_peer_selector_of_a_policy_with_a_namespace_matching_pods_without_one_is_warned(
    app: pk.App,
) -> None:
    chart = pk.Chart(app, "test")
    w = web(chart, namespace="shop")
    gateway(chart)
    created = sys._getframe().f_lineno + 1
    pk.NetworkPolicy(chart, "p", selector=w, ingress=[gateway_rule()], namespace="shop")
    assert synth_warnings(app, pk.NamespaceReferenceWarning) == [
        (
            "[test/p] the policy is in namespace 'shop' and its ingress peer Peer.pods(LabelSelector("
            "match_labels={'app': 'gateway'}, match_expressions=())) matches the pods of Deployment "
            "'test/gateway', without a namespace (the namespace it is applied to decides): the rule allows them "
            "only if that is 'shop'; give both the same namespace, or neither",
            __file__,
            created,
        )
    ]
    assert synth_warnings(app, pk.NetworkPolicyWarning) == []


def test_a_peer_selector_of_a_policy_without_a_namespace_matching_pods_of_one_is_warned(app: pk.App) -> None:
    gateway(pk.Chart(app, "edge", namespace="edge"))
    chart = pk.Chart(app, "apps")
    w = web(chart)
    created = sys._getframe().f_lineno + 1
    pk.NetworkPolicy(chart, "p", selector=w, ingress=[gateway_rule()])
    assert synth_warnings(app, pk.NamespaceReferenceWarning) == [
        (
            "[apps/p] the policy has no namespace (the namespace it is applied to decides) and its ingress peer "
            "Peer.pods(LabelSelector(match_labels={'app': 'gateway'}, match_expressions=())) matches the pods of "
            "Deployment 'edge/gateway' of namespace 'edge': the rule allows them only if that is 'edge'; give "
            "both the same namespace, or neither",
            __file__,
            created,
        )
    ]


def test_a_peer_selector_given_a_namespace_matching_pods_without_one_is_warned(app: pk.App) -> None:
    chart = pk.Chart(app, "test")
    w = web(chart)
    gateway(chart)
    peer = Peer.pods(pk.LabelSelector(match_labels={"app": "gateway"}), namespace="edge")
    created = sys._getframe().f_lineno + 1
    pk.NetworkPolicy(chart, "p", selector=w, ingress=[NetworkPolicyRule([peer])])
    assert synth_warnings(app, pk.NamespaceReferenceWarning) == [
        (
            "[test/p] the policy's ingress peer Peer.pods(LabelSelector(match_labels={'app': 'gateway'}, "
            "match_expressions=())), given namespace 'edge', matches the pods of Deployment 'test/gateway', "
            "without a namespace (the namespace it is applied to decides): the rule allows them only if that is "
            "'edge'; give both the same namespace, or neither",
            __file__,
            created,
        )
    ]


def test_a_peer_selector_and_its_pods_both_without_a_namespace_are_not_warned(app: pk.App) -> None:
    chart = pk.Chart(app, "test")
    w = web(chart)
    gateway(chart)
    pk.NetworkPolicy(chart, "p", selector=w, ingress=[gateway_rule()])
    assert synth_warnings(app, pk.NamespaceReferenceWarning) == []
    assert synth_warnings(app, pk.NetworkPolicyWarning) == []


def test_a_peer_selector_matching_pods_only_of_another_namespace_warns_as_matching_none(app: pk.App) -> None:
    gateway(pk.Chart(app, "edge", namespace="edge"))
    shop = pk.Chart(app, "shop", namespace="shop")
    w = web(shop)
    created = sys._getframe().f_lineno + 1
    pk.NetworkPolicy(shop, "p", selector=w, ingress=[gateway_rule()])
    assert synth_warnings(app, pk.NetworkPolicyWarning) == [
        (
            "[shop/p] ingress peer Peer.pods(LabelSelector(match_labels={'app': 'gateway'}, match_expressions=())) "
            "matches no podkit pod of namespace 'shop' in this app; unless those pods are made elsewhere, the "
            "rule allows nothing (give the workload object: Peer.pods(workload))",
            __file__,
            created,
        )
    ]
    assert synth_warnings(app, pk.NamespaceReferenceWarning) == []


def test_a_peer_selector_in_namespaces_chosen_by_label_is_matched_against_every_pod(app: pk.App) -> None:
    # which namespaces carry the labels is the cluster's to know: any pod of the app may be in one
    gateway(pk.Chart(app, "edge", namespace="edge"))
    shop = pk.Chart(app, "shop", namespace="shop")
    w = web(shop)
    teams = Peer.namespaces({"team": "edge"})
    found = Peer.pods(pk.LabelSelector(match_labels={"app": "gateway"}), namespace=teams)
    lost = Peer.pods(pk.LabelSelector(match_labels={"app": "gatewya"}), namespace=teams)
    created = sys._getframe().f_lineno + 1
    pk.NetworkPolicy(shop, "p", selector=w, ingress=[NetworkPolicyRule([found, lost])])
    assert synth_warnings(app, pk.NetworkPolicyWarning) == [
        (
            "[shop/p] ingress peer Peer.pods(LabelSelector(match_labels={'app': 'gatewya'}, match_expressions=())) "
            "matches no podkit pod of this app; unless those pods are made elsewhere, the rule allows nothing "
            "(give the workload object: Peer.pods(workload))",
            __file__,
            created,
        )
    ]
    assert synth_warnings(app, pk.NamespaceReferenceWarning) == []


def test_a_workload_peer_given_a_namespace_it_lacks_is_written_and_warned(app: pk.App) -> None:
    chart = pk.Chart(app, "test")
    w, d = web(chart), db(chart)
    created = sys._getframe().f_lineno + 1
    pk.NetworkPolicy(chart, "p", selector=w, ingress=[NetworkPolicyRule([Peer.pods(d, namespace="data")])])
    assert synth_warnings(app, pk.NamespaceReferenceWarning) == [
        (
            "[test/p] the policy's ingress peer Peer.pods(<StatefulSet test/db>) is given namespace 'data' and "
            "StatefulSet 'test/db' has none (the namespace it is applied to decides): the peer selects its pods "
            "only if that is 'data'; give both the same namespace, or neither",
            __file__,
            created,
        )
    ]


def test_a_policy_with_a_namespace_and_a_workload_peer_without_one_is_written_and_warned(app: pk.App) -> None:
    # no namespace selector can name the peer's namespace: it is looked for in the policy's
    d = db(pk.Chart(app, "data"))
    shop = pk.Chart(app, "shop", namespace="shop")
    w = web(shop)
    created = sys._getframe().f_lineno + 1
    pk.NetworkPolicy(shop, "p", selector=w, ingress=[NetworkPolicyRule([d])])
    assert synth_warnings(app, pk.NamespaceReferenceWarning) == [
        (
            "[shop/p] the policy is in namespace 'shop' and its ingress peer StatefulSet 'data/db' has none (the "
            "namespace it is applied to decides): the rule allows its pods only if that is 'shop'; give both "
            "the same namespace, or neither",
            __file__,
            created,
        )
    ]
    with pytest.warns(pk.NamespaceReferenceWarning):  # (the same warning, at this synth)
        docs = app.synth_documents()
    assert by_name(docs["shop.k8s.yaml"], "p")["spec"]["ingress"] == [
        {"from": [{"podSelector": {"matchLabels": DB}}]}
    ]


def test_a_policy_without_a_namespace_reaches_a_workload_peer_of_one_by_its_namespace(app: pk.App) -> None:
    # the namespace selector names the peer's namespace, wherever the policy is applied: nothing to warn
    d = db(pk.Chart(app, "data", namespace="data"))
    apps = pk.Chart(app, "apps")
    pk.NetworkPolicy(apps, "p", selector=web(apps), ingress=[NetworkPolicyRule([d])])
    assert synth_warnings(app, pk.NamespaceReferenceWarning) == []
    assert by_name(app.synth_documents()["apps.k8s.yaml"], "p")["spec"]["ingress"] == [
        {
            "from": [
                {
                    "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "data"}},
                    "podSelector": {"matchLabels": DB},
                }
            ]
        }
    ]


def test_a_policy_and_a_workload_peer_both_without_a_namespace_are_not_warned(app: pk.App) -> None:
    chart = pk.Chart(app, "test")
    pk.NetworkPolicy(chart, "p", selector=web(chart), ingress=[NetworkPolicyRule([db(chart)])])
    assert synth_warnings(app, pk.NamespaceReferenceWarning) == []
