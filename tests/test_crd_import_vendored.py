"""The example's vendored imports (imports/: Gateway API, cert-manager, prometheus-operator):
each kind round-trips (generated class -> synth -> checked), one violating object per CEL rule
of HTTPRoute and GRPCRoute, Certificate's schema rules, the by-object helpers, import time, and
regeneration from the recorded npm packages is byte-identical."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import podkit as pk
from imports.cert_manager_io import v1 as cm
from imports.gateway_networking_k8s_io import v1 as gw
from imports.gateway_networking_k8s_io import v1beta1 as gw_beta
from imports.monitoring_coreos_com import v1 as mon
from podkit import _crd_import

ROOT = Path(__file__).resolve().parent.parent

#: how imports/ was made: npm package, version, podkit import crd options
VENDORED = {
    "gateway_networking_k8s_io": (
        "@kubernetes-models/gateway-api",
        "2.0.0",
        ["Gateway", "HTTPRoute", "GRPCRoute"],
        [],
    ),
    "cert_manager_io": (
        "@kubernetes-models/cert-manager",
        "6.0.0",
        ["cert-manager.io/Certificate", "cert-manager.io/Issuer", "cert-manager.io/ClusterIssuer"],
        ["ClusterIssuer"],
    ),
    "monitoring_coreos_com": (
        "@kubernetes-models/prometheus-operator",
        "6.0.0",
        ["ServiceMonitor", "PodMonitor", "PrometheusRule"],
        [],
    ),
}

PARENT: Any = {"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": "edge"}


def synth(chart: pk.Chart) -> list[dict[str, Any]]:
    return list(chart.to_json())


def messages(chart: pk.Chart) -> list[str]:
    with pytest.raises(pk.SynthError) as e:
        chart.to_json()
    return [p.message for p in e.value.problems]


# -- round trips -----------------------------------------------------------------------------

ROUND_TRIPS: list[tuple[Any, dict[str, Any]]] = [
    (
        gw.Gateway,
        {"gatewayClassName": "eg", "listeners": [{"name": "https", "port": 443, "protocol": "HTTPS"}]},
    ),
    (
        gw_beta.Gateway,
        {"gatewayClassName": "eg", "listeners": [{"name": "http", "port": 80, "protocol": "HTTP"}]},
    ),
    (gw.HTTPRoute, {"parentRefs": [PARENT], "rules": [{"backendRefs": [{"name": "web", "port": 80}]}]}),
    (gw.GRPCRoute, {"parentRefs": [PARENT], "rules": [{"backendRefs": [{"name": "api", "port": 9000}]}]}),
    (cm.Certificate, {"secretName": "web-tls", "dnsNames": ["example.com"], "issuerRef": {"name": "ca"}}),
    (cm.Issuer, {"selfSigned": {}}),
    (
        cm.ClusterIssuer,
        {"acme": {"server": "https://acme.example/dir", "privateKeySecretRef": {"name": "k"}}},
    ),
    (mon.ServiceMonitor, {"selector": {"matchLabels": {"app": "web"}}, "endpoints": [{"port": "metrics"}]}),
    (mon.PodMonitor, {"selector": {}, "podMetricsEndpoints": [{"port": "metrics"}]}),
    (mon.PrometheusRule, {"groups": [{"name": "web", "rules": [{"alert": "Down", "expr": "up == 0"}]}]}),
]


@pytest.mark.parametrize(
    ("cls", "spec"),
    ROUND_TRIPS,
    ids=lambda v: getattr(v, "__module__", "")[-7:] + "." + getattr(v, "KIND", ""),
)
def test_each_vendored_kind_round_trips(cls: Any, spec: dict[str, Any], app: pk.App) -> None:
    chart = pk.Chart(app, "edge", namespace="prod")
    cls(chart, "obj", spec=spec)
    (doc,) = synth(chart)
    meta = {"name": "obj", "namespace": "prod"} if cls.NAMESPACED else {"name": "obj"}
    assert doc == {"apiVersion": cls.API_VERSION, "kind": cls.KIND, "metadata": meta, "spec": spec}


def test_every_vendored_kind_is_registered_with_its_scope() -> None:
    from podkit._rules import crd as rules_crd

    kinds = {(k.api_version, k.kind): k.namespaced for k in rules_crd.crd_kinds()}
    assert kinds[("cert-manager.io/v1", "ClusterIssuer")] is False
    for key in [
        ("cert-manager.io/v1", "Certificate"),
        ("gateway.networking.k8s.io/v1", "HTTPRoute"),
        ("gateway.networking.k8s.io/v1beta1", "HTTPRoute"),
        ("monitoring.coreos.com/v1", "ServiceMonitor"),
    ]:
        assert kinds[key] is True


# -- CEL rules: one violating object per rule --------------------------------------------------

TWO_SAME_PARENTS = [dict(PARENT), {**PARENT, "sectionName": "https"}]
SAME_PARENT_TWICE = [dict(PARENT), dict(PARENT)]


#: the CEL rules the vendored routes carry: the package's experimental-channel ones (see _crd_sources)
BACKEND = {"name": "web", "port": 80}
# upstream's rules (_gateway_api_rules.json): "http must be specified when protocol is set to 'HTTP'"
AUTH = {"protocol": "HTTP", "backendRef": BACKEND, "http": {}}
PARENT_RULES = [
    (
        {"parentRefs": [*TWO_SAME_PARENTS, {**PARENT, "port": 443}]},
        "spec.parentRefs: sectionName or port must be specified when parentRefs includes 2 or more references to the same parent",
    ),
    (
        {"parentRefs": SAME_PARENT_TWICE},
        "spec.parentRefs: sectionName or port must be unique when parentRefs includes 2 or more references to the same parent",
    ),
    (
        {"parentRefs": [PARENT], "rules": [{"name": "a"}, {"name": "a"}]},
        "spec.rules: Rule name must be unique within the route",
    ),
]
FILTER_RULES = [
    (
        {"rules": [{"filters": [{"type": "URLRewrite", "urlRewrite": {}, "externalAuth": AUTH}]}]},
        "spec.rules[0].filters[0]: filter.externalAuth must be nil if the filter.type is not ExternalAuth",
    ),
    (
        {
            "rules": [
                {
                    "backendRefs": [
                        {
                            **BACKEND,
                            "filters": [{"type": "URLRewrite", "urlRewrite": {}, "externalAuth": AUTH}],
                        }
                    ]
                }
            ]
        },
        "spec.rules[0].backendRefs[0].filters[0]: filter.externalAuth must be nil if the filter.type is not ExternalAuth",
    ),
]
# "externalAuth must be specified for ExternalAuth filter.type" (on both filter lists) cannot be
# violated by an object the schema accepts: the package's type enum has no ExternalAuth yet
UNREACHABLE = ["filter.externalAuth must be specified for ExternalAuth filter.type"] * 2
ROUTE_RULES = PARENT_RULES + FILTER_RULES


def _rules_of(api_version_kind: str) -> list[str]:
    import json

    schemas = json.loads(
        (ROOT / "imports" / "gateway_networking_k8s_io" / "crds.json").read_text(encoding="utf-8")
    )
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            found.extend(r["message"] for r in node.get("x-kubernetes-validations", []))
            for key in ("properties", "items", "additionalProperties"):
                sub = node.get(key)
                for child in sub.values() if key == "properties" and isinstance(sub, dict) else [sub]:
                    walk(child)

    walk(schemas[api_version_kind])
    return found


def test_every_route_rule_has_a_violating_object() -> None:
    messages_of = sorted([m.split(": ", 1)[1] for _, m in ROUTE_RULES] + UNREACHABLE)
    assert sorted(_rules_of("gateway.networking.k8s.io/v1 HTTPRoute")) == messages_of
    assert sorted(_rules_of("gateway.networking.k8s.io/v1 GRPCRoute")) == sorted(
        m.split(": ", 1)[1] for _, m in PARENT_RULES
    )


@pytest.mark.parametrize(
    ("spec", "message"),
    ROUTE_RULES,
    ids=["port-specified", "port-unique", "names", "filter", "backend-filter"],
)
@pytest.mark.parametrize("cls", [gw.HTTPRoute, gw_beta.HTTPRoute], ids=["v1", "v1beta1"])
def test_fails_on_each_httproute_cel_rule(
    cls: Any, spec: dict[str, Any], message: str, chart: pk.Chart
) -> None:
    cls(chart, "route", spec=spec)
    assert messages(chart) == [message]


@pytest.mark.parametrize(("spec", "message"), PARENT_RULES, ids=["port-specified", "port-unique", "names"])
def test_fails_on_each_grpcroute_cel_rule(spec: Any, message: str, chart: pk.Chart) -> None:
    gw.GRPCRoute(chart, "route", spec=spec)
    assert messages(chart) == [message]


def test_parent_refs_without_group_and_kind_are_judged_with_upstreams_defaults(chart: pk.Chart) -> None:
    # the package does not carry the defaults (group, kind) the API server fills in before the
    # rules run; upstream's, shipped beside its rules (_gateway_api_rules.json), fill them in: the
    # same parent twice is refused, as the API server refuses it
    gw.HTTPRoute(chart, "route", spec={"parentRefs": [{"name": "edge"}, {"name": "edge"}]})
    assert messages(chart) == [
        "spec.parentRefs: sectionName or port must be unique when parentRefs includes 2 or more references "
        "to the same parent"
    ]


def test_distinct_parents_and_sections_pass(chart: pk.Chart) -> None:
    parents: Any = [{**PARENT, "sectionName": "a"}, {**PARENT, "sectionName": "b"}]
    gw.HTTPRoute(chart, "route", spec={"parentRefs": parents})
    assert len(synth(chart)) == 1


def test_fails_on_certificate_schema_rules(chart: pk.Chart) -> None:
    # the package's Certificate carries no CEL rules (cert-manager validates in its webhook)
    wrong: Any = {"dnsNames": ["a"], "privateKey": {"algorithm": "DSA"}, "duration": 5}  # mypy refuses it too
    cm.Certificate(chart, "tls", spec=wrong)
    assert sorted(messages(chart)) == [
        "spec.duration 5 has the wrong type: the CRD expects string, got integer",
        "spec.issuerRef is missing: the CRD requires it",
        "spec.privateKey.algorithm 'DSA' is not supported: use one of 'RSA', 'ECDSA', 'Ed25519'",
        "spec.secretName is missing: the CRD requires it",
    ]


# -- references by object --------------------------------------------------------------------


def test_certificate_secret_and_issuer_ref_come_from_the_objects(chart: pk.Chart) -> None:
    issuer = cm.ClusterIssuer(chart, "letsencrypt", spec={"selfSigned": {}})
    cert = cm.Certificate(
        chart, "web-tls", spec={"secretName": "web-tls-keys", "issuerRef": pk.issuer_ref(issuer)}
    )
    assert pk.issuer_ref(issuer) == {
        "name": "letsencrypt",
        "kind": "ClusterIssuer",
        "group": "cert-manager.io",
    }
    secret = pk.certificate_secret(cert)
    assert pk.secret_name(secret) == pk.secret_name(cert) == "web-tls-keys"
    with pytest.raises(pk.PodkitTypeError, match="expected a cert-manager Certificate, got ClusterIssuer"):
        pk.certificate_secret(issuer)


def test_service_monitor_spec_from_a_service_port(chart: pk.Chart) -> None:
    metrics = pk.Port(9090, name="metrics")
    web = pk.Deployment(chart, "web", main=pk.Container(name="web", image="nginx:1.27", ports=[metrics]))
    service = pk.Service(chart, "web-svc", target=web, ports=[metrics], labels={"app": "web"})
    spec = pk.service_monitor_spec(service, port=service.ports[0], interval="30s")
    assert spec == {
        "selector": {"matchLabels": {"app": "web"}},
        "endpoints": [{"port": "metrics", "path": "/metrics", "interval": "30s"}],
    }
    mon.ServiceMonitor(chart, "web-metrics", spec=spec)
    assert len(synth(chart)) == 3


def test_service_monitor_spec_from_the_container_port(chart: pk.Chart) -> None:
    metrics = pk.Port(9090, name="metrics")
    web = pk.Deployment(chart, "web", main=pk.Container(name="web", image="nginx:1.27", ports=[metrics]))
    service = pk.Service(chart, "web-svc", target=web, ports=[metrics], labels={"app": "web"})
    assert pk.service_monitor_spec(service, port=metrics) == {
        "selector": {"matchLabels": {"app": "web"}},
        "endpoints": [{"port": "metrics", "path": "/metrics"}],
    }


def test_fails_on_a_service_monitor_of_a_container_port_the_service_does_not_expose(chart: pk.Chart) -> None:
    metrics, http = pk.Port(9090, name="metrics"), pk.Port(8080, name="http")
    web = pk.Deployment(
        chart, "web", main=pk.Container(name="web", image="nginx:1.27", ports=[http, metrics])
    )
    service = pk.Service(chart, "web-svc", target=web, ports=[http], labels={"app": "web"})
    with pytest.raises(
        pk.PodkitError,
        match=re.escape(
            "[test/web-svc] no port of this Service forwards to the container port 9090 ('metrics'): "
            "expose it (Service(..., ports=[port]))"
        ),
    ):
        pk.service_monitor_spec(service, port=metrics)


def test_fails_on_a_service_monitor_of_an_unnamed_port(chart: pk.Chart) -> None:
    web = pk.Deployment(chart, "web", main=pk.Container(name="web", image="nginx:1.27", ports=[8080]))
    service = pk.Service(chart, "web-svc", target=web, ports=[pk.Port(8080)], labels={"app": "web"})
    with pytest.raises(
        pk.PodkitError, match="a ServiceMonitor scrapes a Service port by name; 'http' is not a named port"
    ):
        pk.service_monitor_spec(service, port="http")


# -- performance and provenance ----------------------------------------------------------------


def test_importing_every_vendored_module_takes_under_50_ms() -> None:
    code = (
        "import time, podkit._crd; t = time.perf_counter();"
        "import imports.gateway_networking_k8s_io.v1, imports.gateway_networking_k8s_io.v1beta1,"
        " imports.gateway_networking_k8s_io.v1alpha2, imports.cert_manager_io.v1, imports.monitoring_coreos_com.v1;"
        "print(time.perf_counter() - t)"
    )
    runs = [
        float(
            subprocess.run(
                [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
            ).stdout
        )
        for _ in range(3)
    ]
    assert min(runs) < 0.050, runs


def test_the_source_package_and_version_are_recorded() -> None:
    for pkg, (npm, version, _, _) in VENDORED.items():
        text = (ROOT / "imports" / pkg / "__init__.py").read_text(encoding="utf-8")
        assert f"from {npm}@{version}" in text


@pytest.mark.parametrize("pkg", sorted(VENDORED))
def test_regenerating_the_vendored_imports_is_byte_identical(pkg: str, tmp_path: Path) -> None:
    npm, version, kinds, cluster = VENDORED[pkg]
    packed = subprocess.run(
        [
            "npm",
            "pack",
            f"{npm}@{version}",
            "--pack-destination",
            str(tmp_path),
            "--silent",
            "--prefer-offline",
        ],
        capture_output=True,
        text=True,
    )
    if packed.returncode != 0:
        pytest.skip(f"npm pack {npm}@{version} failed (offline?): {packed.stderr.strip()[:200]}")
    tarball = tmp_path / packed.stdout.strip().splitlines()[-1]
    out = tmp_path / "out"
    _crd_import.import_crds([str(tarball)], out, kinds=kinds, cluster_scoped=cluster)
    for path in sorted((ROOT / "imports" / pkg).glob("*.*")):
        if path.suffix in (".py", ".json"):
            assert (out / pkg / path.name).read_bytes() == path.read_bytes(), path.name
