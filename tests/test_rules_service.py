"""podkit's rules for Services, Secrets, ConfigMaps, Namespaces and object metadata, one row per
rule: a valid object, one mutation that breaks exactly that rule, and the exact message(s).

The rules port ``pkg/apis/core/validation`` (``ValidateService``, ``ValidateSecret``,
``ValidateConfigMap``, ``ValidateNamespace``), apimachinery's ``ValidateObjectMeta`` and the
Service REST storage's NodePort allocator, with v1 defaulting applied first (Kubernetes 1.33).
The ``test_accepts_*`` tests pin what the API server accepts and podkit must not refuse.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from podkit._rules import ClusterSettings, check_object
from tests.test_apiserver import b64, both, deployment, drop, opaque_secret, put

Doc = dict[str, Any]
Mutation = Callable[[Doc], None]


def svc() -> Doc:
    """A ClusterIP Service with two ports (one with the protocol and targetPort defaulted)."""
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web"},
        "spec": {
            "selector": {"app": "web"},
            "ports": [
                {"name": "http", "port": 80, "targetPort": "http"},
                {"name": "dns", "port": 53, "protocol": "UDP"},
            ],
        },
    }


def lb() -> Doc:
    doc = svc()
    doc["spec"]["type"] = "LoadBalancer"
    doc["spec"]["ports"][0]["nodePort"] = 30080
    return doc


def external() -> Doc:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "db"},
        "spec": {"type": "ExternalName", "externalName": "db.example.com."},
    }


def cm() -> Doc:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "cfg"},
        "data": {"a": "1"},
        "binaryData": {"logo.png": b64("PNG")},
    }


def ns() -> Doc:
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "prod"}}


VALID = [svc, lb, external, cm, ns, opaque_secret, deployment]

Row = tuple[str, Callable[[], Doc], Mutation, "str | list[str]"]

CATALOGUE: list[Row] = [
    # -- Service: ValidateService ----------------------------------------------------------------
    (
        "svc-topology-mismatch",
        svc,
        put(
            ("metadata", "annotations"),
            {
                "service.kubernetes.io/topology-aware-hints": "Auto",
                "service.kubernetes.io/topology-mode": "Disabled",
            },
        ),
        "metadata.annotations['service.kubernetes.io/topology-mode'] 'Disabled' differs from metadata.annotations['service.kubernetes.io/topology-aware-hints'] 'Auto': set both to the same value, or drop the deprecated service.kubernetes.io/topology-aware-hints",
    ),
    (
        "svc-headless-nodeport",
        svc,
        both(put(("spec", "type"), "NodePort"), put(("spec", "clusterIP"), "None")),
        "spec.clusterIP 'None' (headless) is only allowed for type ClusterIP, not NodePort: remove clusterIP or the type",
    ),
    (
        "svc-headless-lb-clusterips",
        svc,
        both(
            put(("spec", "type"), "LoadBalancer"),
            put(("spec", "clusterIPs"), ["None"]),
            put(("spec", "clusterIP"), "None"),
        ),
        "spec.clusterIP 'None' (headless) is only allowed for type ClusterIP, not LoadBalancer: remove clusterIP or the type",
    ),
    (
        "svc-externalname-clusterip",
        external,
        put(("spec", "clusterIP"), "10.0.0.1"),
        "spec.clusterIP '10.0.0.1' is not allowed for type ExternalName: remove clusterIP and clusterIPs",
    ),
    (
        "svc-externalname-families",
        external,
        put(("spec", "ipFamilies"), ["IPv4"]),
        "spec.ipFamilies is not allowed for type ExternalName: remove it",
    ),
    (
        "svc-externalname-policy",
        external,
        put(("spec", "ipFamilyPolicy"), "SingleStack"),
        "spec.ipFamilyPolicy is not allowed for type ExternalName: remove it",
    ),
    (
        "svc-externalname-missing",
        external,
        drop(("spec", "externalName")),
        "spec.externalName is missing: an ExternalName Service needs the DNS name it points to",
    ),
    (
        "svc-externalname-dot-only",
        external,
        put(("spec", "externalName"), "."),
        "spec.externalName is missing: an ExternalName Service needs the DNS name it points to",
    ),
    (
        "svc-externalname-uppercase",
        external,
        put(("spec", "externalName"), "DB.example.com"),
        "spec.externalName 'DB.example.com' is not a valid DNS-1123 subdomain: use at most 253 lower-case letters, digits, '-' and '.', starting and ending with a letter or digit (e.g. 'db-example-com')",
    ),
    (
        "svc-port-duplicate",
        svc,
        put(("spec", "ports", 1), {"name": "dns", "port": 80}),
        "spec.ports[1] repeats port 80/TCP of an earlier port: each port and protocol pair may appear once; remove it or change its port",
    ),
    (
        "svc-protocol",
        svc,
        put(("spec", "ports", 0, "protocol"), "HTTP"),
        "spec.ports[0].protocol 'HTTP' is not supported: use one of TCP, UDP, SCTP",
    ),
    (
        "svc-target-port-int",
        svc,
        put(("spec", "ports", 0, "targetPort"), 70000),
        "spec.ports[0].targetPort 70000 is out of range: use a port between 1 and 65535 or a port name",
    ),
    (
        "svc-app-protocol",
        svc,
        put(("spec", "ports", 0, "appProtocol"), "http 2"),
        "spec.ports[0].appProtocol 'http 2' is invalid: use an optional DNS subdomain prefix and '/', then at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit (e.g. 'app.kubernetes.io/name')",
    ),
    (
        "svc-affinity",
        svc,
        put(("spec", "sessionAffinity"), "Cookie"),
        "spec.sessionAffinity 'Cookie' is not supported: use ClientIP or None",
    ),
    (
        "svc-affinity-timeout",
        svc,
        both(
            put(("spec", "sessionAffinity"), "ClientIP"),
            put(("spec", "sessionAffinityConfig"), {"clientIP": {"timeoutSeconds": 86401}}),
        ),
        "spec.sessionAffinityConfig.clientIP.timeoutSeconds 86401 is out of range: use 1 to 86400 seconds (or leave it out for 10800)",
    ),
    (
        "svc-clusterips-mismatch",
        svc,
        both(put(("spec", "clusterIP"), "10.0.0.1"), put(("spec", "clusterIPs"), ["10.0.0.2"])),
        "spec.clusterIPs ['10.0.0.2'] must begin with spec.clusterIP '10.0.0.1': make the first entry the same, or write only one of them",
    ),
    (
        "svc-clusterips-alone",
        svc,
        put(("spec", "clusterIPs"), ["10.0.0.1"]),
        "spec.clusterIPs ['10.0.0.1'] is set without spec.clusterIP: set clusterIP to its first entry",
    ),
    (
        "svc-family",
        svc,
        put(("spec", "ipFamilies"), ["IPv5"]),
        "spec.ipFamilies[0] 'IPv5' is not supported: use IPv4 or IPv6",
    ),
    (
        "svc-family-twice",
        svc,
        put(("spec", "ipFamilies"), ["IPv4", "IPv4"]),
        "spec.ipFamilies[1] 'IPv4' is listed twice: list each IP family once",
    ),
    (
        "svc-family-three",
        svc,
        both(
            put(("spec", "ipFamilyPolicy"), "RequireDualStack"),
            put(("spec", "ipFamilies"), ["IPv4", "IPv6", "IPv4"]),
        ),
        [
            "spec.ipFamilies[2] 'IPv4' is listed twice: list each IP family once",
            "spec.ipFamilies ['IPv4', 'IPv6', 'IPv4'] has more than two entries: list IPv4, IPv6 or both",
        ],
    ),
    (
        "svc-family-policy",
        svc,
        put(("spec", "ipFamilyPolicy"), "DualStack"),
        "spec.ipFamilyPolicy 'DualStack' is not supported: use one of PreferDualStack, RequireDualStack, SingleStack",
    ),
    (
        "svc-cluster-ip-garbage",
        svc,
        put(("spec", "clusterIP"), "10.0.0.300"),
        "spec.clusterIP '10.0.0.300' is not a valid IP address: write one such as 10.9.8.7 or 2001:db8::ffff",
    ),
    (
        "svc-cluster-ips-none-first",
        svc,
        both(put(("spec", "clusterIP"), "None"), put(("spec", "clusterIPs"), ["None", "10.0.0.1"])),
        "spec.clusterIPs ['None', '10.0.0.1']: 'None' (headless) must be the only entry; remove the others",
    ),
    (
        "svc-cluster-ips-three",
        svc,
        both(
            put(("spec", "clusterIP"), "10.0.0.1"),
            put(("spec", "clusterIPs"), ["10.0.0.1", "2001:db8::1", "10.0.0.2"]),
            put(("spec", "ipFamilyPolicy"), "RequireDualStack"),
        ),
        [
            "spec.clusterIPs ['10.0.0.1', '2001:db8::1', '10.0.0.2'] has more than two entries: give at most one IPv4 and one IPv6 address",
            "spec.clusterIPs ['10.0.0.1', '2001:db8::1', '10.0.0.2'] repeats an IP family: give at most one IPv4 and one IPv6 address",
        ],
    ),
    (
        "svc-cluster-ips-same-family",
        svc,
        both(
            put(("spec", "clusterIP"), "10.0.0.1"),
            put(("spec", "clusterIPs"), ["10.0.0.1", "10.0.0.2"]),
            put(("spec", "ipFamilyPolicy"), "RequireDualStack"),
        ),
        "spec.clusterIPs ['10.0.0.1', '10.0.0.2'] repeats an IP family: give at most one IPv4 and one IPv6 address",
    ),
    (
        "svc-cluster-ip-family-mismatch",
        svc,
        both(put(("spec", "clusterIP"), "10.0.0.1"), put(("spec", "ipFamilies"), ["IPv6"])),
        "spec.clusterIP '10.0.0.1' is IPv4 but spec.ipFamilies[0] is IPv6: make them match",
    ),
    (
        "svc-single-stack-two-ips",
        svc,
        both(
            put(("spec", "clusterIP"), "10.0.0.1"),
            put(("spec", "clusterIPs"), ["10.0.0.1", "2001:db8::1"]),
            put(("spec", "ipFamilyPolicy"), "SingleStack"),
        ),
        "spec.ipFamilyPolicy 'SingleStack' cannot have two spec.clusterIPs ['10.0.0.1', '2001:db8::1']: use PreferDualStack or RequireDualStack, or give one address",
    ),
    (
        "svc-single-stack-two-families",
        svc,
        both(put(("spec", "ipFamilies"), ["IPv4", "IPv6"]), put(("spec", "ipFamilyPolicy"), "SingleStack")),
        "spec.ipFamilyPolicy 'SingleStack' cannot have two spec.ipFamilies ['IPv4', 'IPv6']: use PreferDualStack or RequireDualStack, or list one family",
    ),
    (
        "svc-external-ip-invalid",
        svc,
        put(("spec", "externalIPs"), ["1.2.3"]),
        "spec.externalIPs[0] '1.2.3' is not a valid IP address: write one such as 10.9.8.7 or 2001:db8::ffff",
    ),
    (
        "svc-external-ip-loopback",
        svc,
        put(("spec", "externalIPs"), ["127.0.0.1"]),
        "spec.externalIPs[0] '127.0.0.1' is in the loopback range (127.0.0.0/8, ::1/128): use an address that routes to the cluster's nodes",
    ),
    (
        "svc-external-ip-unspecified",
        svc,
        put(("spec", "externalIPs"), ["::"]),
        "spec.externalIPs[0] '::' is unspecified: use an address that routes to the cluster's nodes",
    ),
    (
        "svc-external-ip-link-local",
        svc,
        put(("spec", "externalIPs"), ["169.254.169.254"]),
        "spec.externalIPs[0] '169.254.169.254' is in the link-local range (169.254.0.0/16, fe80::/10): use an address that routes to the cluster's nodes",
    ),
    (
        "svc-external-ip-multicast",
        svc,
        put(("spec", "externalIPs"), ["ff02::1"]),
        "spec.externalIPs[0] 'ff02::1' is in the link-local multicast range (224.0.0.0/24, ff02::/10): use an address that routes to the cluster's nodes",
    ),
    (
        "svc-external-ip-mapped-loopback",
        svc,
        put(("spec", "externalIPs"), ["::ffff:127.0.0.1"]),
        "spec.externalIPs[0] '::ffff:127.0.0.1' is in the loopback range (127.0.0.0/8, ::1/128): use an address that routes to the cluster's nodes",
    ),
    (
        "svc-node-port-cluster-ip",
        svc,
        put(("spec", "ports", 0, "nodePort"), 30080),
        "spec.ports[0].nodePort 30080 is only allowed for type NodePort or LoadBalancer: remove it",
    ),
    (
        "svc-node-port-duplicate",
        lb,
        both(put(("spec", "ports", 1, "nodePort"), 30080), put(("spec", "ports", 1, "protocol"), "TCP")),
        "spec.ports[1].nodePort 30080 is used by another TCP port: give each port its own nodePort, or leave it out to have one allocated",
    ),
    (
        "svc-node-port-range-low",
        lb,
        put(("spec", "ports", 0, "nodePort"), 8080),
        "spec.ports[0].nodePort 8080 is outside the cluster's NodePort range 30000-32767: pick one in the range, or leave it out to have one allocated",
    ),
    (
        "svc-node-port-range-high",
        lb,
        put(("spec", "ports", 0, "nodePort"), 32768),
        "spec.ports[0].nodePort 32768 is outside the cluster's NodePort range 30000-32767: pick one in the range, or leave it out to have one allocated",
    ),
    (
        "svc-node-port-reused",
        lb,
        both(put(("spec", "ports", 1, "nodePort"), 30080), put(("spec", "ports", 1, "protocol"), "UDP")),
        "spec.ports[1].nodePort 30080 is already used by a port of another port number: give each port number its own nodePort",
    ),
    (
        "svc-source-ranges-type",
        svc,
        put(("spec", "loadBalancerSourceRanges"), ["10.0.0.0/8"]),
        "spec.loadBalancerSourceRanges is only allowed for type LoadBalancer, not ClusterIP: remove it",
    ),
    (
        "svc-source-ranges-cidr",
        lb,
        put(("spec", "loadBalancerSourceRanges"), ["10.0.0.0/8", "10.0.0.0/33"]),
        "spec.loadBalancerSourceRanges[1] '10.0.0.0/33' is not a valid CIDR: write one such as 10.9.8.0/24 or 2001:db8::/64",
    ),
    (
        "svc-source-ranges-annotation-type",
        svc,
        put(("metadata", "annotations"), {"service.beta.kubernetes.io/load-balancer-source-ranges": ""}),
        "metadata.annotations['service.beta.kubernetes.io/load-balancer-source-ranges'] is only allowed for type LoadBalancer, not ClusterIP: remove the annotation",
    ),
    (
        "svc-source-ranges-annotation-cidr",
        lb,
        put(
            ("metadata", "annotations"),
            {"service.beta.kubernetes.io/load-balancer-source-ranges": "10.0.0.0/8, example.com"},
        ),
        "metadata.annotations['service.beta.kubernetes.io/load-balancer-source-ranges'] 'example.com' is not a valid CIDR: write one such as 10.9.8.0/24 or 2001:db8::/64",
    ),
    (
        "svc-allocate-node-ports-type",
        svc,
        put(("spec", "allocateLoadBalancerNodePorts"), False),
        "spec.allocateLoadBalancerNodePorts is only allowed for type LoadBalancer, not ClusterIP: remove it",
    ),
    (
        "svc-lb-class-type",
        svc,
        put(("spec", "loadBalancerClass"), "example.com/lb"),
        "spec.loadBalancerClass is only allowed for type LoadBalancer, not ClusterIP: remove it",
    ),
    (
        "svc-lb-class-format",
        lb,
        put(("spec", "loadBalancerClass"), "example.com/my lb"),
        "spec.loadBalancerClass 'example.com/my lb' is invalid: use an optional DNS subdomain prefix and '/', then at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit (e.g. 'app.kubernetes.io/name')",
    ),
    (
        "svc-external-policy-type",
        svc,
        put(("spec", "externalTrafficPolicy"), "Local"),
        "spec.externalTrafficPolicy 'Local' is only allowed for a NodePort or LoadBalancer Service, or one with externalIPs: remove it",
    ),
    (
        "svc-external-policy-value",
        lb,
        put(("spec", "externalTrafficPolicy"), "Global"),
        "spec.externalTrafficPolicy 'Global' is not supported: use Cluster or Local",
    ),
    (
        "svc-health-check-type",
        lb,
        put(("spec", "healthCheckNodePort"), 30500),
        "spec.healthCheckNodePort 30500 is only allowed for type LoadBalancer with externalTrafficPolicy Local: remove it",
    ),
    (
        "svc-health-check-port",
        lb,
        both(put(("spec", "externalTrafficPolicy"), "Local"), put(("spec", "healthCheckNodePort"), 70000)),
        "spec.healthCheckNodePort 70000 is out of range: use a port between 1 and 65535",
    ),
    (
        "svc-health-check-range",
        lb,
        both(put(("spec", "externalTrafficPolicy"), "Local"), put(("spec", "healthCheckNodePort"), 8080)),
        "spec.healthCheckNodePort 8080 is outside the cluster's NodePort range 30000-32767: pick one in the range, or leave it out to have one allocated",
    ),
    (
        "svc-health-check-reused",
        lb,
        both(put(("spec", "externalTrafficPolicy"), "Local"), put(("spec", "healthCheckNodePort"), 30080)),
        "spec.healthCheckNodePort 30080 is already a nodePort of this Service: pick another, or leave it out to have one allocated",
    ),
    (
        "svc-internal-policy",
        svc,
        put(("spec", "internalTrafficPolicy"), ""),
        "spec.internalTrafficPolicy '' is not supported: use Cluster or Local",
    ),
    (
        "svc-traffic-distribution",
        svc,
        put(("spec", "trafficDistribution"), "PreferSameZone"),
        "spec.trafficDistribution 'PreferSameZone' is not supported: use PreferClose",
    ),
    # -- metadata ---------------------------------------------------------------------------------
    (
        "meta-generate-name-prefix",
        svc,
        put(("metadata", "generateName"), "Web-"),
        "metadata.generateName 'Web-' is not a valid DNS-1035 label: use at most 63 lower-case letters, digits and '-', starting with a letter and ending with a letter or digit (e.g. 'web')",
    ),
    (
        "meta-owner-version",
        cm,
        put(
            ("metadata", "ownerReferences"),
            [{"apiVersion": "apps/", "kind": "Deployment", "name": "web", "uid": "1"}],
        ),
        "metadata.ownerReferences[0].apiVersion 'apps/' names no version: write 'v1' or 'group/version' (e.g. 'apps/v1')",
    ),
    (
        "meta-owner-empty",
        cm,
        put(
            ("metadata", "ownerReferences"), [{"apiVersion": "apps/v1", "kind": "", "name": "web", "uid": ""}]
        ),
        [
            "metadata.ownerReferences[0].kind is empty: set the owner's kind",
            "metadata.ownerReferences[0].uid is empty: set the owner's uid",
        ],
    ),
    (
        "meta-owner-event",
        cm,
        put(
            ("metadata", "ownerReferences"), [{"apiVersion": "v1", "kind": "Event", "name": "e", "uid": "1"}]
        ),
        "metadata.ownerReferences[0] names an Event: an Event cannot own objects; remove this reference",
    ),
    (
        "meta-owner-two-controllers",
        cm,
        put(
            ("metadata", "ownerReferences"),
            [
                {"apiVersion": "apps/v1", "kind": "Deployment", "name": "a", "uid": "1", "controller": True},
                {"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "b", "uid": "2", "controller": True},
            ],
        ),
        "metadata.ownerReferences[1].controller is true for StatefulSet/b as well as Deployment/a: only one owner may be the controller; set it false on all but one",
    ),
    (
        "meta-finalizer-format",
        cm,
        put(("metadata", "finalizers"), ["example.com/a b"]),
        "metadata.finalizers[0] 'example.com/a b' is invalid: use an optional DNS subdomain prefix and '/', then at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit (e.g. 'app.kubernetes.io/name')",
    ),
    (
        "meta-finalizer-unqualified",
        cm,
        put(("metadata", "finalizers"), ["cleanup"]),
        "metadata.finalizers[0] 'cleanup' is neither a standard finalizer (kubernetes, orphan, foregroundDeletion) nor domain-qualified: write it as 'example.com/cleanup'",
    ),
    (
        "meta-finalizer-conflict",
        cm,
        put(("metadata", "finalizers"), ["orphan", "foregroundDeletion"]),
        "metadata.finalizers has both 'orphan' and 'foregroundDeletion': keep one of them",
    ),
    (
        "meta-selector-value",
        deployment,
        put(
            ("spec", "selector", "matchExpressions"),
            [{"key": "tier", "operator": "In", "values": ["front end"]}],
        ),
        "spec.selector.matchExpressions[0].values[0] has invalid value 'front end': use at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit, or an empty string",
    ),
    # -- Secret / ConfigMap / Namespace ----------------------------------------------------------
    (
        "secret-ssh-empty",
        opaque_secret,
        both(put(("type",), "kubernetes.io/ssh-auth"), put(("data",), {"ssh-privatekey": ""})),
        "data['ssh-privatekey'] is empty: a kubernetes.io/ssh-auth Secret needs the private key in it",
    ),
    (
        "secret-tls-both",
        opaque_secret,
        both(put(("type",), "kubernetes.io/tls"), put(("data",), {})),
        [
            "data['tls.crt'] is missing: a kubernetes.io/tls Secret needs the keys 'tls.crt' and 'tls.key' in data or stringData",
            "data['tls.key'] is missing: a kubernetes.io/tls Secret needs the keys 'tls.crt' and 'tls.key' in data or stringData",
        ],
    ),
    (
        "secret-dockercfg-missing",
        opaque_secret,
        both(put(("type",), "kubernetes.io/dockercfg"), put(("data",), {})),
        "data['.dockercfg'] is missing: a kubernetes.io/dockercfg Secret needs the key '.dockercfg' in data or stringData",
    ),
    (
        "secret-dockerconfigjson-nan",
        opaque_secret,
        both(
            put(("type",), "kubernetes.io/dockerconfigjson"),
            put(("data",), {}),
            put(("stringData",), {".dockerconfigjson": '{"auths": NaN}'}),
        ),
        "data['.dockerconfigjson'] is not a JSON object (value not shown): write registry credentials as JSON",
    ),
    (
        "configmap-binary-base64",
        cm,
        put(("binaryData", "logo.png"), "UE5H!"),
        "binaryData['logo.png'] is not base64 text: encode it with base64, or move text to data",
    ),
    (
        "namespace-finalizer",
        ns,
        put(("spec",), {"finalizers": ["cleanup"]}),
        "spec.finalizers[0] 'cleanup' is neither a standard finalizer (kubernetes, orphan, foregroundDeletion) nor domain-qualified: write it as 'example.com/cleanup'",
    ),
    (
        "namespace-finalizer-format",
        ns,
        put(("spec",), {"finalizers": ["-bad"]}),
        "spec.finalizers[0] '-bad' is invalid: use an optional DNS subdomain prefix and '/', then at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit (e.g. 'app.kubernetes.io/name')",
    ),
]


@pytest.mark.parametrize("make", VALID, ids=lambda f: f.__name__)
def test_the_base_objects_are_valid(make: Callable[[], Doc]) -> None:
    assert [p.message for p in check_object(make(), "t/x")] == []


@pytest.mark.parametrize(("name", "make", "mutate", "expected"), CATALOGUE, ids=[row[0] for row in CATALOGUE])
def test_fails_on_each_rule(
    name: str, make: Callable[[], Doc], mutate: Mutation, expected: str | list[str]
) -> None:
    doc = make()
    mutate(doc)
    messages = [expected] if isinstance(expected, str) else expected
    problems = check_object(doc, "t/x")
    assert [p.message for p in problems] == messages
    for problem in problems:
        assert problem.rule.startswith("apiserver:")
        assert problem.message.startswith(problem.field)


def test_fails_on_a_node_port_outside_the_configured_range() -> None:
    doc = lb()
    settings = ClusterSettings(node_port_range=(20000, 22767))
    assert [p.message for p in check_object(doc, "t/x", settings)] == [
        "spec.ports[0].nodePort 30080 is outside the cluster's NodePort range 20000-22767: pick one in "
        "the range, or leave it out to have one allocated"
    ]
    put(("spec", "ports", 0, "nodePort"), 21000)(doc)
    assert check_object(doc, "t/x", settings) == []


ACCEPTED: list[tuple[str, Callable[[], Doc], Mutation]] = [
    # v1 defaulting: sessionAffinity None drops sessionAffinityConfig; ClientIP fills its timeout
    (
        "affinity-config-dropped",
        svc,
        put(("spec", "sessionAffinityConfig"), {"clientIP": {"timeoutSeconds": 0}}),
    ),
    (
        "affinity-timeout-defaulted",
        svc,
        both(put(("spec", "sessionAffinity"), "ClientIP"), put(("spec", "sessionAffinityConfig"), {})),
    ),
    # protocol TCP, targetPort = port, type ClusterIP, externalTrafficPolicy Cluster
    (
        "defaults",
        svc,
        both(put(("spec", "ports", 0, "targetPort"), 0), put(("spec", "externalIPs"), ["203.0.113.7"])),
    ),
    ("type-empty", svc, both(put(("spec", "type"), ""), put(("spec", "sessionAffinity"), ""))),
    (
        "node-port-defaults",
        lb,
        both(drop(("spec", "ports", 0, "nodePort")), put(("spec", "allocateLoadBalancerNodePorts"), False)),
    ),
    # the same nodePort for the TCP and UDP entries of one port number is one allocation
    (
        "node-port-shared",
        lb,
        put(
            ("spec", "ports"),
            [
                {"name": "dns-tcp", "port": 53, "nodePort": 30053},
                {"name": "dns-udp", "port": 53, "protocol": "UDP", "nodePort": 30053},
            ],
        ),
    ),
    ("health-check-allocated", lb, put(("spec", "externalTrafficPolicy"), "Local")),
    (
        "health-check-in-range",
        lb,
        both(put(("spec", "externalTrafficPolicy"), "Local"), put(("spec", "healthCheckNodePort"), 30500)),
    ),
    # validation only forbids nodePort on ClusterIP; an ExternalName Service's is never allocated
    ("external-name-node-port", external, put(("spec", "ports"), [{"port": 80, "nodePort": 80}])),
    ("external-name-internal-policy", external, put(("spec", "internalTrafficPolicy"), "Cluster")),
    # ParseIPSloppy: leading zeros in IPv4; space-padded source ranges; an empty annotation
    (
        "ip-leading-zeros",
        svc,
        put(("spec", "externalIPs"), ["010.001.002.003", "2001:db8::7", "::ffff:203.0.113.7"]),
    ),
    (
        "source-ranges-padded",
        lb,
        put(("spec", "loadBalancerSourceRanges"), [" 10.0.0.0/8 ", "2001:db8::/32"]),
    ),
    (
        "source-ranges-annotation-blank",
        lb,
        put(("metadata", "annotations"), {"service.beta.kubernetes.io/load-balancer-source-ranges": " "}),
    ),
    (
        "dual-stack",
        svc,
        both(
            put(("spec", "clusterIP"), "10.0.0.1"),
            put(("spec", "clusterIPs"), ["10.0.0.1", "2001:db8::1"]),
            put(("spec", "ipFamilies"), ["IPv4", "IPv6"]),
            put(("spec", "ipFamilyPolicy"), "PreferDualStack"),
        ),
    ),
    ("headless-no-ports", svc, both(put(("spec", "clusterIP"), "None"), put(("spec", "ports"), []))),
    (
        "topology-same",
        svc,
        put(
            ("metadata", "annotations"),
            {
                "service.kubernetes.io/topology-aware-hints": "Auto",
                "service.kubernetes.io/topology-mode": "Auto",
            },
        ),
    ),
    ("external-name-trailing-dot", external, put(("spec", "externalName"), "db.")),
    # metadata: an empty namespace is the kubectl context's; a template's namespace is ignored
    ("namespace-empty", svc, put(("metadata", "namespace"), "")),
    ("template-namespace", deployment, put(("spec", "template", "metadata", "namespace"), "Not Checked")),
    ("generate-name-dash", svc, put(("metadata", "generateName"), "web--")),
    ("finalizers", cm, put(("metadata", "finalizers"), ["kubernetes", "orphan", "example.com/cleanup"])),
    (
        "owner",
        cm,
        put(
            ("metadata", "ownerReferences"),
            [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "web", "uid": "1", "controller": True}],
        ),
    ),
    # Secrets: any JSON object (or null) is a docker config; base64 may be wrapped; null is empty
    (
        "docker-config-any-object",
        opaque_secret,
        both(
            put(("type",), "kubernetes.io/dockerconfigjson"),
            put(("data",), {".dockerconfigjson": b64('{"registry": {}}')}),
        ),
    ),
    (
        "docker-config-null",
        opaque_secret,
        both(put(("type",), "kubernetes.io/dockercfg"), put(("stringData",), {".dockercfg": "null"})),
    ),
    (
        "base64-wrapped",
        opaque_secret,
        put(("data", "password"), b64("x" * 80)[:76] + "\n" + b64("x" * 80)[76:]),
    ),
    ("data-null", opaque_secret, put(("data", "empty"), None)),
    (
        "basic-auth-one-key",
        opaque_secret,
        both(put(("type",), "kubernetes.io/basic-auth"), put(("data",), {"password": ""})),
    ),
    (
        "tls-empty-values",
        opaque_secret,
        both(put(("type",), "kubernetes.io/tls"), put(("data",), {"tls.crt": "", "tls.key": ""})),
    ),
    ("custom-type", opaque_secret, put(("type",), "example.com/anything")),
    ("configmap-binary-null", cm, put(("binaryData", "none"), None)),
    ("namespace-finalizers", ns, put(("spec",), {"finalizers": ["kubernetes", "example.com/x"]})),
]


@pytest.mark.parametrize(("name", "make", "mutate"), ACCEPTED, ids=[row[0] for row in ACCEPTED])
def test_accepts_what_the_api_server_accepts(name: str, make: Callable[[], Doc], mutate: Mutation) -> None:
    doc = make()
    mutate(doc)
    assert [p.message for p in check_object(doc, "t/x")] == []


GARBAGE: list[Any] = [None, 1, "x", [], {}, [1], [{}], {"a": [1]}, True]


@pytest.mark.parametrize("make", [svc, lb, external, cm, ns, opaque_secret], ids=lambda f: f.__name__)
def test_never_raises_on_patched_shapes(make: Callable[[], Doc]) -> None:
    base = make()
    paths: list[tuple[Any, ...]] = [
        ("metadata", key)
        for key in (
            "name",
            "generateName",
            "labels",
            "annotations",
            "finalizers",
            "ownerReferences",
            "namespace",
        )
    ]
    for key, value in base.items():
        if isinstance(value, dict):
            paths += [(key, k) for k in value]
    if base["kind"] == "Service":
        for key in (
            "clusterIP",
            "clusterIPs",
            "ipFamilies",
            "ipFamilyPolicy",
            "externalIPs",
            "loadBalancerSourceRanges",
            "sessionAffinityConfig",
            "healthCheckNodePort",
            "externalTrafficPolicy",
        ):
            paths.append(("spec", key))
        paths += [
            ("spec", "ports", 0, k)
            for k in ("name", "port", "protocol", "targetPort", "nodePort", "appProtocol")
        ]
    for path in paths:
        for value in GARBAGE:
            doc = copy.deepcopy(base)
            node: Any = doc
            for step in path[:-1]:
                node = node.setdefault(step, {}) if isinstance(node, dict) else node[step]
            node[path[-1]] = value
            check_object(doc, "t/x")  # must not raise
