"""podkit's rules for the networking.k8s.io/v1 kinds, one row per rule: a valid object, one
mutation that breaks exactly that rule, and the exact message(s).

The rules port ``pkg/apis/networking/validation`` (``ValidateIngressCreate``,
``ValidateNetworkPolicy``) of Kubernetes 1.33, with v1 defaulting (a NetworkPolicy's
``policyTypes`` and port protocols). The ``test_accepts_*`` rows pin what the API server accepts
and podkit must not refuse; raw cdk8s objects of these kinds get the same rules at synth.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import cdk8s
import pytest

import podkit as pk
from podkit._rules import check_object
from tests.test_apiserver import both, drop, put

Doc = dict[str, Any]
Mutation = Callable[[Doc], None]


def ingress() -> Doc:
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": {"name": "web"},
        "spec": {
            "ingressClassName": "nginx",
            "rules": [
                {
                    "host": "www.example.com",
                    "http": {
                        "paths": [
                            {
                                "path": "/",
                                "pathType": "Prefix",
                                "backend": {"service": {"name": "web", "port": {"name": "http"}}},
                            }
                        ]
                    },
                }
            ],
            "tls": [{"hosts": ["www.example.com"], "secretName": "web-tls"}],
        },
    }


def policy() -> Doc:
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": "web"},
        "spec": {
            "podSelector": {"matchLabels": {"app": "web"}},
            "policyTypes": ["Ingress", "Egress"],
            "ingress": [
                {
                    "from": [
                        {
                            "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "gateway"}},
                            "podSelector": {"matchLabels": {"app": "envoy"}},
                        }
                    ],
                    "ports": [{"port": "http", "protocol": "TCP"}],
                }
            ],
            "egress": [
                {
                    "to": [{"ipBlock": {"cidr": "10.0.0.0/8", "except": ["10.1.0.0/16"]}}],
                    "ports": [{"port": 5432, "endPort": 5440}],
                }
            ],
        },
    }


Row = tuple[str, Callable[[], Doc], Mutation, "str | list[str]"]

CATALOGUE: list[Row] = [
    (
        "ing-empty-spec",
        ingress,
        drop(("spec", "rules")),
        "spec has neither defaultBackend nor rules: add a rule or a default backend",
    ),
    (
        "ing-host-ip",
        ingress,
        put(("spec", "rules", 0, "host"), "10.0.0.1"),
        "spec.rules[0].host '10.0.0.1' must be a DNS name, not an IP address: use a host name such as 'www.example.com'",
    ),
    (
        "ing-host-upper",
        ingress,
        put(("spec", "rules", 0, "host"), "WWW.example.com"),
        "spec.rules[0].host 'WWW.example.com' is not a valid DNS-1123 subdomain: use at most 253 lower-case letters, digits, '-' and '.', starting and ending with a letter or digit (e.g. 'www-example-com')",
    ),
    (
        "ing-host-bad-wildcard",
        ingress,
        put(("spec", "rules", 0, "host"), "www.*.example.com"),
        "spec.rules[0].host 'www.*.example.com' is not a valid wildcard DNS-1123 subdomain: a wildcard is '*.' followed by a DNS subdomain, such as '*.example.com' ('*' only as the whole first label)",
    ),
    (
        "ing-host-bare-wildcard",
        ingress,
        put(("spec", "rules", 0, "host"), "*"),
        "spec.rules[0].host '*' is not a valid wildcard DNS-1123 subdomain: a wildcard is '*.' followed by a DNS subdomain, such as '*.example.com' ('*' only as the whole first label)",
    ),
    (
        "ing-paths-empty",
        ingress,
        put(("spec", "rules", 0, "http", "paths"), []),
        "spec.rules[0].http.paths is empty: add at least one path, or leave http out",
    ),
    (
        "ing-pathtype-missing",
        ingress,
        drop(("spec", "rules", 0, "http", "paths", 0, "pathType")),
        "spec.rules[0].http.paths[0].pathType is missing: use one of Exact, ImplementationSpecific, Prefix",
    ),
    (
        "ing-pathtype-unknown",
        ingress,
        put(("spec", "rules", 0, "http", "paths", 0, "pathType"), "Regex"),
        "spec.rules[0].http.paths[0].pathType 'Regex' is not supported: use one of Exact, ImplementationSpecific, Prefix",
    ),
    (
        "ing-prefix-relative",
        ingress,
        put(("spec", "rules", 0, "http", "paths", 0, "path"), "api"),
        "spec.rules[0].http.paths[0].path 'api' must be an absolute path (starting with '/') for pathType Prefix",
    ),
    (
        "ing-prefix-empty",
        ingress,
        put(("spec", "rules", 0, "http", "paths", 0, "path"), ""),
        "spec.rules[0].http.paths[0].path '' must be an absolute path (starting with '/') for pathType Prefix",
    ),
    (
        "ing-exact-double-slash",
        ingress,
        both(
            put(("spec", "rules", 0, "http", "paths", 0, "pathType"), "Exact"),
            put(("spec", "rules", 0, "http", "paths", 0, "path"), "/a//b"),
        ),
        "spec.rules[0].http.paths[0].path '/a//b' must not contain '//' (pathType Exact)",
    ),
    (
        "ing-prefix-dot-segment",
        ingress,
        put(("spec", "rules", 0, "http", "paths", 0, "path"), "/a/../b"),
        "spec.rules[0].http.paths[0].path '/a/../b' must not contain '/../' (pathType Prefix)",
    ),
    (
        "ing-prefix-encoded-slash",
        ingress,
        put(("spec", "rules", 0, "http", "paths", 0, "path"), "/a%2Fb"),
        "spec.rules[0].http.paths[0].path '/a%2Fb' must not contain '%2F' (pathType Prefix)",
    ),
    (
        "ing-prefix-dot-suffix",
        ingress,
        put(("spec", "rules", 0, "http", "paths", 0, "path"), "/a/."),
        "spec.rules[0].http.paths[0].path '/a/.' cannot end with '/.' (pathType Prefix)",
    ),
    (
        "ing-impl-relative",
        ingress,
        both(
            put(("spec", "rules", 0, "http", "paths", 0, "pathType"), "ImplementationSpecific"),
            put(("spec", "rules", 0, "http", "paths", 0, "path"), "a.*"),
        ),
        "spec.rules[0].http.paths[0].path 'a.*' must be an absolute path (starting with '/') or empty",
    ),
    (
        "ing-backend-both",
        ingress,
        put(("spec", "rules", 0, "http", "paths", 0, "backend", "resource"), {"kind": "Bucket", "name": "b"}),
        "spec.rules[0].http.paths[0].backend sets both resource and service: a backend is one or the other",
    ),
    (
        "ing-backend-none",
        ingress,
        put(("spec", "rules", 0, "http", "paths", 0, "backend"), {}),
        "spec.rules[0].http.paths[0].backend has neither service nor resource: a backend needs one",
    ),
    (
        "ing-service-name-missing",
        ingress,
        drop(("spec", "rules", 0, "http", "paths", 0, "backend", "service", "name")),
        "spec.rules[0].http.paths[0].backend.service.name is missing: name the Service traffic goes to",
    ),
    (
        "ing-service-name-digit",
        ingress,
        put(("spec", "rules", 0, "http", "paths", 0, "backend", "service", "name"), "1web"),
        "spec.rules[0].http.paths[0].backend.service.name '1web' is not a valid DNS-1035 label: use at most 63 lower-case letters, digits and '-', starting with a letter and ending with a letter or digit (e.g. 'x-1web')",
    ),
    (
        "ing-port-both",
        ingress,
        put(
            ("spec", "rules", 0, "http", "paths", 0, "backend", "service", "port"),
            {"name": "http", "number": 80},
        ),
        "spec.rules[0].http.paths[0].backend.service.port sets both name and number: keep one",
    ),
    (
        "ing-port-missing",
        ingress,
        drop(("spec", "rules", 0, "http", "paths", 0, "backend", "service", "port")),
        "spec.rules[0].http.paths[0].backend.service.port is missing: give the Service port's name or number",
    ),
    (
        "ing-port-name-bad",
        ingress,
        put(("spec", "rules", 0, "http", "paths", 0, "backend", "service", "port"), {"name": "HTTP"}),
        "spec.rules[0].http.paths[0].backend.service.port.name 'HTTP' is not a valid IANA service name: use at most 15 lower-case letters, digits and '-', with at least one letter (e.g. 'http')",
    ),
    (
        "ing-port-number-range",
        ingress,
        put(("spec", "rules", 0, "http", "paths", 0, "backend", "service", "port"), {"number": 70000}),
        "spec.rules[0].http.paths[0].backend.service.port.number 70000 is out of range: use 1 to 65535",
    ),
    (
        "ing-resource-kind-missing",
        ingress,
        put(("spec", "defaultBackend"), {"resource": {"apiGroup": "k8s.example.com", "name": "static"}}),
        "spec.defaultBackend.resource.kind is missing: name the kind of the backend resource",
    ),
    (
        "ing-resource-name-slash",
        ingress,
        put(("spec", "defaultBackend"), {"resource": {"kind": "Bucket", "name": "a/b"}}),
        "spec.defaultBackend.resource.name 'a/b' cannot be used in a URL path: remove '/' and '%' (and not '.' or '..')",
    ),
    (
        "ing-resource-group-bad",
        ingress,
        put(
            ("spec", "defaultBackend"), {"resource": {"apiGroup": "Example", "kind": "Bucket", "name": ".."}}
        ),
        [
            "spec.defaultBackend.resource.apiGroup 'Example' is not a valid DNS-1123 subdomain: use at most 253 lower-case letters, digits, '-' and '.', starting and ending with a letter or digit (e.g. 'example')",
            "spec.defaultBackend.resource.name '..' cannot be used in a URL path: remove '/' and '%' (and not '.' or '..')",
        ],
    ),
    (
        "ing-tls-host-bad",
        ingress,
        put(("spec", "tls", 0, "hosts"), ["www_example.com"]),
        "spec.tls[0].hosts[0] 'www_example.com' is not a valid DNS-1123 subdomain: use at most 253 lower-case letters, digits, '-' and '.', starting and ending with a letter or digit (e.g. 'www-example-com')",
    ),
    (
        "ing-tls-wildcard-bad",
        ingress,
        put(("spec", "tls", 0, "hosts"), ["*example.com"]),
        "spec.tls[0].hosts[0] '*example.com' is not a valid wildcard DNS-1123 subdomain: a wildcard is '*.' followed by a DNS subdomain, such as '*.example.com' ('*' only as the whole first label)",
    ),
    (
        "ing-tls-secret-bad",
        ingress,
        put(("spec", "tls", 0, "secretName"), "Web_TLS"),
        "spec.tls[0].secretName 'Web_TLS' is not a valid DNS-1123 subdomain: use at most 253 lower-case letters, digits, '-' and '.', starting and ending with a letter or digit (e.g. 'web-tls')",
    ),
    (
        "ing-class-bad",
        ingress,
        put(("spec", "ingressClassName"), "NGINX"),
        "spec.ingressClassName 'NGINX' is not a valid DNS-1123 subdomain: use at most 253 lower-case letters, digits, '-' and '.', starting and ending with a letter or digit (e.g. 'nginx')",
    ),
    (
        "ing-class-annotation-differs",
        ingress,
        put(("metadata", "annotations"), {"kubernetes.io/ingress.class": "traefik"}),
        "metadata.annotations['kubernetes.io/ingress.class'] 'traefik' must match spec.ingressClassName 'nginx' when both are set: drop the (deprecated) annotation",
    ),
    (
        "ing-name-bad",
        ingress,
        put(("metadata", "name"), "Web"),
        "metadata.name 'Web' is not a valid DNS-1123 subdomain: use at most 253 lower-case letters, digits, '-' and '.', starting and ending with a letter or digit (e.g. 'web')",
    ),
    (
        "np-selector-bad-value",
        policy,
        put(("spec", "podSelector"), {"matchLabels": {"app": "web app"}}),
        "spec.podSelector.matchLabels['app'] has invalid value 'web app': use at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit, or an empty string",
    ),
    (
        "np-selector-bad-operator",
        policy,
        put(
            ("spec", "podSelector"),
            {"matchExpressions": [{"key": "app", "operator": "Equals", "values": ["web"]}]},
        ),
        "spec.podSelector.matchExpressions[0].operator 'Equals' is not a valid selector operator: use one of In, NotIn, Exists, DoesNotExist",
    ),
    (
        "np-protocol",
        policy,
        put(("spec", "ingress", 0, "ports", 0, "protocol"), "ICMP"),
        "spec.ingress[0].ports[0].protocol 'ICMP' is not supported: use TCP, UDP or SCTP",
    ),
    (
        "np-port-range",
        policy,
        put(("spec", "ingress", 0, "ports", 0, "port"), 0),
        "spec.ingress[0].ports[0].port 0 is out of range: use 1 to 65535",
    ),
    (
        "np-port-name",
        policy,
        put(("spec", "ingress", 0, "ports", 0, "port"), "HTTP"),
        "spec.ingress[0].ports[0].port 'HTTP' is not a valid IANA service name: use at most 15 lower-case letters, digits and '-', with at least one letter (e.g. 'http')",
    ),
    (
        "np-endport-below",
        policy,
        put(("spec", "egress", 0, "ports", 0, "endPort"), 5000),
        "spec.egress[0].ports[0].endPort 5000 must be greater than or equal to port 5432",
    ),
    (
        "np-endport-range",
        policy,
        put(("spec", "egress", 0, "ports", 0, "endPort"), 70000),
        "spec.egress[0].ports[0].endPort 70000 is out of range: use 1 to 65535",
    ),
    (
        "np-endport-named",
        policy,
        put(("spec", "ingress", 0, "ports", 0, "endPort"), 9000),
        "spec.ingress[0].ports[0].endPort 9000 may not be set when port 'http' is a name: use a port number",
    ),
    (
        "np-endport-alone",
        policy,
        put(("spec", "ingress", 0, "ports", 0), {"endPort": 9000}),
        "spec.ingress[0].ports[0].endPort 9000 may not be set without port: add port (the range's start)",
    ),
    (
        "np-peer-empty",
        policy,
        put(("spec", "ingress", 0, "from", 0), {}),
        "spec.ingress[0].from[0] names no peer: set podSelector, namespaceSelector or ipBlock",
    ),
    (
        "np-peer-ipblock-and-pods",
        policy,
        put(("spec", "egress", 0, "to", 0, "podSelector"), {}),
        "spec.egress[0].to[0] sets ipBlock and another peer: an ipBlock peer stands alone, split it in two",
    ),
    (
        "np-ipblock-cidr-missing",
        policy,
        put(("spec", "egress", 0, "to", 0, "ipBlock"), {"cidr": ""}),
        "spec.egress[0].to[0].ipBlock.cidr is missing: give a CIDR such as 10.0.0.0/8",
    ),
    (
        "np-ipblock-cidr-bad",
        policy,
        put(("spec", "egress", 0, "to", 0, "ipBlock", "cidr"), "10.0.0.0/33"),
        "spec.egress[0].to[0].ipBlock.cidr '10.0.0.0/33' is not a valid CIDR: write one such as 10.9.8.0/24 or 2001:db8::/64",
    ),
    (
        "np-except-bad",
        policy,
        put(("spec", "egress", 0, "to", 0, "ipBlock", "except"), ["10.1.0.0"]),
        "spec.egress[0].to[0].ipBlock.except[0] '10.1.0.0' is not a valid CIDR: write one such as 10.9.8.0/24 or 2001:db8::/64",
    ),
    (
        "np-except-outside",
        policy,
        put(("spec", "egress", 0, "to", 0, "ipBlock", "except"), ["192.168.0.0/16"]),
        "spec.egress[0].to[0].ipBlock.except[0] '192.168.0.0/16' must be a strict subset of cidr '10.0.0.0/8': use a longer prefix inside it",
    ),
    (
        "np-except-equal",
        policy,
        put(("spec", "egress", 0, "to", 0, "ipBlock", "except"), ["10.0.0.0/8"]),
        "spec.egress[0].to[0].ipBlock.except[0] '10.0.0.0/8' must be a strict subset of cidr '10.0.0.0/8': use a longer prefix inside it",
    ),
    (
        "np-except-wider",
        policy,
        put(("spec", "egress", 0, "to", 0, "ipBlock", "except"), ["10.0.0.0/7"]),
        "spec.egress[0].to[0].ipBlock.except[0] '10.0.0.0/7' must be a strict subset of cidr '10.0.0.0/8': use a longer prefix inside it",
    ),
    (
        "np-except-other-family",
        policy,
        put(("spec", "egress", 0, "to", 0, "ipBlock", "except"), ["fd00::/64"]),
        "spec.egress[0].to[0].ipBlock.except[0] 'fd00::/64' must be a strict subset of cidr '10.0.0.0/8': use a longer prefix inside it",
    ),
    (
        "np-policy-type-unknown",
        policy,
        put(("spec", "policyTypes"), ["Ingress", "ingress"]),
        "spec.policyTypes[1] 'ingress' is not supported: use Ingress or Egress",
    ),
    (
        "np-policy-types-three",
        policy,
        put(("spec", "policyTypes"), ["Ingress", "Egress", "Ingress"]),
        "spec.policyTypes ['Ingress', 'Egress', 'Ingress'] has more than two entries: use Ingress, Egress or both",
    ),
    (
        "np-namespace-selector-bad",
        policy,
        put(
            ("spec", "ingress", 0, "from", 0, "namespaceSelector"),
            {"matchExpressions": [{"key": "team", "operator": "In", "values": []}]},
        ),
        "spec.ingress[0].from[0].namespaceSelector.matchExpressions[0].values is empty: operator In needs at least one value",
    ),
]


@pytest.mark.parametrize("make", [ingress, policy], ids=lambda f: f.__name__)
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


ACCEPTED: list[tuple[str, Callable[[], Doc], Mutation]] = [
    (
        "ing-default-backend-only",
        ingress,
        both(
            drop(("spec", "rules")),
            drop(("spec", "tls")),
            put(("spec", "defaultBackend"), {"service": {"name": "web", "port": {"number": 80}}}),
        ),
    ),
    ("ing-wildcard-host", ingress, put(("spec", "rules", 0, "host"), "*.example.com")),
    ("ing-no-host", ingress, drop(("spec", "rules", 0, "host"))),
    ("ing-rule-without-http", ingress, drop(("spec", "rules", 0, "http"))),
    (
        "ing-impl-specific-empty-path",
        ingress,
        both(
            put(("spec", "rules", 0, "http", "paths", 0, "pathType"), "ImplementationSpecific"),
            drop(("spec", "rules", 0, "http", "paths", 0, "path")),
        ),
    ),
    (
        "ing-impl-specific-regex",
        ingress,
        both(
            put(("spec", "rules", 0, "http", "paths", 0, "pathType"), "ImplementationSpecific"),
            put(("spec", "rules", 0, "http", "paths", 0, "path"), "/api/(.*)//x"),
        ),
    ),
    ("ing-tls-without-hosts-or-secret", ingress, put(("spec", "tls"), [{}])),
    ("ing-tls-host-not-in-rules", ingress, put(("spec", "tls", 0, "hosts"), ["other.example.com"])),
    ("ing-tls-host-ip", ingress, put(("spec", "tls", 0, "hosts"), ["10.0.0.1"])),
    (
        "ing-annotation-alone",
        ingress,
        both(
            drop(("spec", "ingressClassName")),
            put(("metadata", "annotations"), {"kubernetes.io/ingress.class": "nginx"}),
        ),
    ),
    (
        "ing-annotation-equal",
        ingress,
        put(("metadata", "annotations"), {"kubernetes.io/ingress.class": "nginx"}),
    ),
    (
        "ing-resource-backend",
        ingress,
        put(
            ("spec", "rules", 0, "http", "paths", 0, "backend"),
            {"resource": {"apiGroup": "k8s.example.com", "kind": "StorageBucket", "name": "static"}},
        ),
    ),
    (
        "ing-port-number-zero-with-name",
        ingress,
        put(
            ("spec", "rules", 0, "http", "paths", 0, "backend", "service", "port"),
            {"name": "http", "number": 0},
        ),
    ),
    ("np-empty-selector", policy, put(("spec", "podSelector"), {})),
    ("np-no-policy-types", policy, drop(("spec", "policyTypes"))),
    ("np-rule-without-peers-or-ports", policy, put(("spec", "ingress"), [{}])),
    ("np-all-namespaces", policy, put(("spec", "ingress", 0, "from"), [{"namespaceSelector": {}}])),
    (
        "np-sloppy-cidr",
        policy,
        put(("spec", "egress", 0, "to", 0, "ipBlock"), {"cidr": "010.0.0.5/8", "except": ["10.1.0.0/16"]}),
    ),
    (
        "np-ipv6",
        policy,
        put(("spec", "egress", 0, "to", 0, "ipBlock"), {"cidr": "fd00::/8", "except": ["fd00:1::/32"]}),
    ),
    ("np-port-protocol-only", policy, put(("spec", "ingress", 0, "ports", 0), {"protocol": "UDP"})),
    ("np-endport-equal", policy, put(("spec", "egress", 0, "ports", 0, "endPort"), 5432)),
]


@pytest.mark.parametrize(("name", "make", "mutate"), ACCEPTED, ids=[row[0] for row in ACCEPTED])
def test_accepts_what_the_api_server_accepts(name: str, make: Callable[[], Doc], mutate: Mutation) -> None:
    doc = make()
    mutate(doc)
    assert [p.message for p in check_object(doc, "t/x")] == []


GARBAGE: list[Any] = [None, 1, "x", [], {}, [1], [{}], {"a": [1]}, True]


@pytest.mark.parametrize("make", [ingress, policy], ids=lambda f: f.__name__)
def test_never_raises_on_patched_shapes(make: Callable[[], Doc]) -> None:
    def paths(value: Any, at: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        out = [at] if at else []
        if isinstance(value, dict):
            for k, v in value.items():
                out += paths(v, (*at, k))
        elif isinstance(value, list):
            for i, v in enumerate(value):
                out += paths(v, (*at, i))
        return out

    for path in paths(make()["spec"], ("spec",)):
        for junk in GARBAGE:
            doc = make()
            put(path, junk)(doc)
            check_object(doc, "t/x")  # never raises


def test_raw_objects_get_the_same_rules(chart: pk.Chart) -> None:
    bad_policy = policy()["spec"]
    bad_policy["podSelector"] = {"matchLabels": {"app": "web app"}}
    cdk8s.ApiObject(
        chart,
        "raw-policy",
        api_version="networking.k8s.io/v1",
        kind="NetworkPolicy",
        metadata={"name": "raw"},
    ).add_json_patch(cdk8s.JsonPatch.add("/spec", bad_policy))
    cdk8s.ApiObject(
        chart, "raw-ingress", api_version="networking.k8s.io/v1", kind="Ingress", metadata={"name": "raw"}
    ).add_json_patch(cdk8s.JsonPatch.add("/spec", {"rules": [{"host": "10.0.0.1"}]}))
    with pytest.raises(pk.SynthError) as e:
        chart.to_json()
    assert sorted(p.message for p in e.value.problems) == [
        "spec.podSelector.matchLabels['app'] has invalid value 'web app': use at most 63 letters, digits, "
        "'-', '_' and '.', starting and ending with a letter or digit, or an empty string",
        "spec.rules[0].host '10.0.0.1' must be a DNS name, not an IP address: use a host name such as "
        "'www.example.com'",
    ]
