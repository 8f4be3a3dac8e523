"""Ingress: rules by host and path to a Service port, by object; TLS from a tls Secret."""

from __future__ import annotations

import sys
from pathlib import Path

import cdk8s
import pytest
from syrupy.assertion import SnapshotAssertion

import podkit as pk
from imports import k8s
from podkit.ingress import Ingress, IngressBackend, IngressRule, PathType
from tests.k8s import by_name, synth, synth_messages, synth_problems, synth_warnings

HTTP = pk.Port(8080, name="http")
ADMIN = pk.Port(9000, name="admin")
FIXTURES = Path(__file__).parent / "fixtures" / "sealed-secrets"


def web(chart: pk.Chart, ports: list[pk.Port] | None = None) -> pk.Deployment:
    return pk.Deployment(
        chart, "web", main=pk.Container(name="web", image="nginx:1.27", ports=ports or [HTTP, ADMIN])
    )


def service(chart: pk.Chart) -> pk.Service:
    return web(chart).expose(ports=[pk.ServicePort(HTTP, port=80), pk.ServicePort(ADMIN)])


def test_rules_by_host_and_path_exact(chart: pk.Chart) -> None:
    svc = service(chart)
    ing = Ingress(chart, "web-ingress", ingress_class_name="nginx", name="web")
    ing.add_rule("/", IngressBackend.service(svc, port=HTTP), host="www.example.com")
    ing.add_rule(
        "/admin", IngressBackend.service(svc, port=9000), host="www.example.com", path_type=PathType.EXACT
    )
    ing.add_rule("/", IngressBackend.service(svc, port="http"))
    assert by_name(synth(chart), "web", "Ingress") == {
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
                            },
                            {
                                "path": "/admin",
                                "pathType": "Exact",
                                "backend": {"service": {"name": "web", "port": {"name": "admin"}}},
                            },
                        ]
                    },
                },
                {
                    "http": {
                        "paths": [
                            {
                                "path": "/",
                                "pathType": "Prefix",
                                "backend": {"service": {"name": "web", "port": {"name": "http"}}},
                            }
                        ]
                    }
                },
            ],
        },
    }


def test_unnamed_service_port_is_written_by_number(chart: pk.Chart) -> None:
    plain = pk.Port(8080)
    svc = web(chart, [plain]).expose(ports=[pk.ServicePort(plain, port=80)])
    Ingress(chart, "web-ingress", default_backend=IngressBackend.service(svc))
    assert by_name(synth(chart), "web-ingress")["spec"] == {
        "defaultBackend": {"service": {"name": "web", "port": {"number": 80}}}
    }


def test_resource_backend_and_constructor_rules(chart: pk.Chart) -> None:
    svc = service(chart)
    Ingress(
        chart,
        "static",
        rules=[IngressRule("/api", IngressBackend.service(svc, port=svc.ports[0]), host="*.example.com")],
        default_backend=IngressBackend.resource(
            api_group="k8s.example.com", kind="StorageBucket", name="assets"
        ),
    )
    assert by_name(synth(chart), "static")["spec"]["defaultBackend"] == {
        "resource": {"apiGroup": "k8s.example.com", "kind": "StorageBucket", "name": "assets"}
    }


def test_tls_from_a_tls_secret_defaults_to_the_rules_hosts(chart: pk.Chart) -> None:
    svc = service(chart)
    cert = pk.SecretEnv.tls(chart, "web-tls", cert_file=FIXTURES / "tls.crt", key_file=FIXTURES / "tls.key")
    ing = Ingress(chart, "web-ingress", tls={cert: None})
    ing.add_rule("/", IngressBackend.service(svc, port=HTTP), host="www.example.com")
    ing.add_rule("/", IngressBackend.service(svc, port=HTTP), host="api.example.com")
    issued = pk.SecretEnv.from_name("wildcard-tls")  # a cert-manager Certificate's secret
    ing.add_tls(issued, hosts=["*.example.com"])
    assert by_name(synth(chart), "web-ingress")["spec"]["tls"] == [
        {"hosts": ["www.example.com", "api.example.com"], "secretName": "web-tls"},
        {"hosts": ["*.example.com"], "secretName": "wildcard-tls"},
    ]


def test_expose_via_ingress_creates_the_service_once(chart: pk.Chart) -> None:
    d = web(chart, [HTTP])
    ing = d.expose_via_ingress("/", host="www.example.com", ingress_class_name="nginx")
    d.expose_via_ingress("/api", host="www.example.com", ingress=ing)
    objs = synth(chart)
    assert [(o["kind"], o["metadata"]["name"]) for o in objs] == [
        ("Deployment", "web"),
        ("Service", "web"),
        ("Ingress", "web"),
    ]
    assert [p["path"] for p in by_name(objs, "web", "Ingress")["spec"]["rules"][0]["http"]["paths"]] == [
        "/",
        "/api",
    ]


def test_expose_via_ingress_writes_service_and_ingress_to_the_workloads_namespace(chart: pk.Chart) -> None:
    d = pk.Deployment(
        chart, "web", main=pk.Container(name="web", image="nginx:1.27", ports=[HTTP]), namespace="shop"
    )
    d.expose_via_ingress("/", host="www.example.com")
    assert [(o["kind"], o["metadata"].get("namespace")) for o in synth(chart)] == [
        ("Deployment", "shop"),
        ("Service", "shop"),
        ("Ingress", "shop"),
    ]


def test_expose_via_ingress_reuses_an_existing_service(chart: pk.Chart) -> None:
    d = web(chart)
    svc = d.expose(ports=[pk.ServicePort(HTTP, port=80), pk.ServicePort(ADMIN)], id="svc", name="web-svc")
    d.expose_via_ingress("/", port=HTTP)
    assert by_name(synth(chart), "web", "Ingress")["spec"]["rules"][0]["http"]["paths"][0]["backend"] == {
        "service": {"name": svc.name, "port": {"name": "http"}}
    }


def test_snapshot(chart: pk.Chart, snapshot_yaml: SnapshotAssertion) -> None:
    svc = service(chart)
    ing = Ingress(chart, "web-ingress", ingress_class_name="nginx", name="web")
    ing.add_rule("/", IngressBackend.service(svc, port=HTTP), host="www.example.com")
    ing.add_tls(pk.SecretEnv.from_name("web-tls", keys=["tls.crt", "tls.key"]))
    assert synth(chart) == snapshot_yaml


def test_works_in_a_plain_cdk8s_chart() -> None:
    chart = cdk8s.Testing.chart()
    d = pk.Deployment(chart, "web", main=pk.Container(name="web", image="nginx:1.27", ports=[HTTP]))
    d.expose_via_ingress("/")
    assert [o["kind"] for o in synth(chart)] == ["Deployment", "Service", "Ingress"]


# -- failures -------------------------------------------------------------------------------------
def test_fails_on_a_port_the_service_does_not_expose(chart: pk.Chart) -> None:
    svc = service(chart)
    with pytest.raises(
        pk.MissingReferenceError,
        match=r"Service 'test/web-service' has no port 8443 \(its ports: 80 \(http\), 9000 \(admin\)\)",
    ):
        IngressBackend.service(svc, port=8443)
    with pytest.raises(pk.MissingReferenceError, match="has no port 'metrics'"):
        IngressBackend.service(svc, port="metrics")


def test_fails_on_an_ambiguous_default_port(chart: pk.Chart) -> None:
    with pytest.raises(
        pk.PodkitError,
        match=r"Service 'test/web-service' has 2 ports \(80 \(http\), 9000 \(admin\)\); say which one",
    ):
        IngressBackend.service(service(chart))


def test_fails_on_a_service_name_string(chart: pk.Chart) -> None:
    with pytest.raises(pk.PodkitTypeError, match="service must be a podkit Service"):
        IngressBackend.service("web", port=80)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("path", "path_type", "message"),
    [
        (
            "api",
            PathType.PREFIX,
            "path 'api' must be an absolute path \\(starting with '/'\\) for pathType Prefix",
        ),
        ("/a//b", PathType.EXACT, "path '/a//b' must not contain '//' \\(pathType Exact\\)"),
        ("/a/..", PathType.PREFIX, "path '/a/..' cannot end with '/..' \\(pathType Prefix\\)"),
        (
            "x",
            PathType.IMPLEMENTATION_SPECIFIC,
            "path 'x' must be an absolute path \\(starting with '/'\\) or empty",
        ),
    ],
)
def test_fails_on_paths_the_api_server_refuses(
    chart: pk.Chart, path: str, path_type: PathType, message: str
) -> None:
    ing = Ingress(chart, "i")
    with pytest.raises(pk.PodkitError, match=message):
        ing.add_rule(path, IngressBackend.service(service(chart), port=HTTP), path_type=path_type)


def test_fails_on_bad_hosts(chart: pk.Chart) -> None:
    ing = Ingress(chart, "i")
    backend = IngressBackend.service(service(chart), port=HTTP)
    with pytest.raises(pk.PodkitError, match=r"host '10\.0\.0\.1' must be a DNS name, not an IP address"):
        ing.add_rule("/", backend, host="10.0.0.1")
    with pytest.raises(pk.PodkitError, match=r"host 'a\.\*\.com' is not a valid wildcard DNS-1123 subdomain"):
        ing.add_rule("/", backend, host="a.*.com")
    with pytest.raises(pk.PodkitError, match="host '' is empty: leave host out for every host"):
        ing.add_rule("/", backend, host="")


def test_fails_on_a_duplicate_route(chart: pk.Chart) -> None:
    ing = Ingress(chart, "i")
    backend = IngressBackend.service(service(chart), port=HTTP)
    ing.add_rule("/", backend, host="a.example.com")
    with pytest.raises(pk.DuplicateError, match=r"host 'a\.example\.com' already routes Prefix path '/'"):
        ing.add_rule("/", backend, host="a.example.com")


def test_fails_on_a_secret_that_is_not_tls(chart: pk.Chart) -> None:
    ing = Ingress(chart, "i")
    opaque = pk.SecretEnv(chart, "s", from_literal={"a": "b"})
    with pytest.raises(
        pk.PodkitError,
        match=r"Secret 'test/s' is of type Opaque, not kubernetes.io/tls; build it with SecretEnv.tls",
    ):
        ing.add_tls(opaque)
    with pytest.raises(pk.PodkitError, match=r"declared with keys \['ca.crt'\], without tls.crt and tls.key"):
        ing.add_tls(pk.SecretEnv.from_name("ca", keys=["ca.crt"]))


def test_fails_at_synth_on_a_tls_host_no_rule_serves(chart: pk.Chart) -> None:
    ing = Ingress(chart, "i")
    ing.add_rule("/", IngressBackend.service(service(chart), port=HTTP), host="www.example.com")
    ing.add_tls(pk.SecretEnv.from_name("t"), hosts=["api.example.com", "*.example.com"])
    assert synth_messages(chart) == [
        "TLS host 'api.example.com' (Secret 't') is not a host of any rule (rule hosts: www.example.com); "
        "the certificate would never be served"
    ]


def test_fails_at_synth_on_an_empty_ingress_and_hostless_tls(chart: pk.Chart) -> None:
    ing = Ingress(chart, "i")
    ing.add_tls(pk.SecretEnv.from_name("t"))
    assert synth_messages(chart) == [
        "the Ingress has no rules and no default backend",
        "TLS Secret 't' has no hosts: no rule names a host",
    ]


def test_fails_on_a_service_of_another_chart(app: pk.App) -> None:
    other = pk.Chart(app, "other")
    svc = service(other)
    with pytest.raises(pk.PodkitError, match="Service 'other/web-service' is in another chart"):
        Ingress(pk.Chart(app, "mine"), "i", default_backend=IngressBackend.service(svc, port=HTTP))


def web_in(chart: pk.Chart, namespace: str | None) -> pk.Service:
    d = pk.Deployment(
        chart, "web", main=pk.Container(name="web", image="nginx:1.27", ports=[HTTP]), namespace=namespace
    )
    return d.expose()


def tls_in(chart: pk.Chart, namespace: str | None) -> pk.SecretEnv:
    return pk.SecretEnv.tls(
        chart, "web-tls", cert_file=FIXTURES / "tls.crt", key_file=FIXTURES / "tls.key", namespace=namespace
    )


def test_fails_at_synth_on_a_service_of_another_namespace(chart: pk.Chart) -> None:
    backend = IngressBackend.service(web_in(chart, "a"), port=HTTP)
    Ingress(chart, "i", rules=[IngressRule("/api", backend)], default_backend=backend, namespace="b")
    # the Service is named once, though a rule and the default backend both route to it
    assert synth_problems(chart) == [
        (
            "test/i",
            "Service 'test/web-service' is in namespace 'a', the Ingress in 'b'; an Ingress only routes "
            "to Services of its namespace",
            "create the Ingress in the Service's namespace",
        )
    ]


def test_an_ingress_with_a_namespace_its_service_lacks_is_written_and_warned(app: pk.App) -> None:
    # it routes to the Service if the Service is applied to 'b' (kubectl -n b): no problem
    chart = pk.Chart(app, "test")
    backend = IngressBackend.service(web_in(chart, None), port=HTTP)
    created = sys._getframe().f_lineno + 1
    Ingress(chart, "i", rules=[IngressRule("/api", backend)], default_backend=backend, namespace="b")
    # once, though a rule and the default backend both route to it
    assert synth_warnings(app, pk.NamespaceReferenceWarning) == [
        (
            "[test/i] the Ingress is in namespace 'b' and its backend Service 'test/web-service' has none (the "
            "namespace it is applied to decides): it routes to the Service only if that is 'b'; give both the "
            "same namespace, or neither",
            __file__,
            created,
        )
    ]


def test_an_ingress_without_a_namespace_whose_service_has_one_is_written_and_warned(app: pk.App) -> None:
    chart = pk.Chart(app, "test")
    backend = IngressBackend.service(web_in(chart, "a"), port=HTTP)
    created = sys._getframe().f_lineno + 1
    Ingress(chart, "i", default_backend=backend)
    assert synth_warnings(app, pk.NamespaceReferenceWarning) == [
        (
            "[test/i] the Ingress has no namespace (the namespace it is applied to decides) and its backend "
            "Service 'test/web-service' is in namespace 'a': it routes to the Service only if that is 'a'; give "
            "both the same namespace, or neither",
            __file__,
            created,
        )
    ]


def test_an_ingress_and_its_service_both_without_a_namespace_are_not_warned(app: pk.App) -> None:
    chart = pk.Chart(app, "test")
    Ingress(chart, "i", default_backend=IngressBackend.service(web_in(chart, None), port=HTTP))
    assert synth_warnings(app, pk.NamespaceReferenceWarning) == []


def test_a_service_and_an_ingress_of_one_namespace(chart: pk.Chart) -> None:
    Ingress(chart, "i", default_backend=IngressBackend.service(web_in(chart, "a"), port=HTTP), namespace="a")
    assert [(o["kind"], o["metadata"].get("namespace")) for o in synth(chart)] == [
        ("Deployment", "a"),
        ("Service", "a"),
        ("Ingress", "a"),
    ]


def test_fails_at_synth_on_a_tls_secret_of_another_namespace(chart: pk.Chart) -> None:
    ing = Ingress(chart, "i", tls={tls_in(chart, "certs"): None}, namespace="a")
    ing.add_rule("/", IngressBackend.service(web_in(chart, "a"), port=HTTP), host="www.example.com")
    assert synth_problems(chart) == [
        (
            "test/i",
            "TLS Secret 'test/web-tls' is in namespace 'certs', the Ingress in 'a'; the controller reads it from "
            "the Ingress's namespace",
            "create the Secret in the Ingress's namespace",
        )
    ]


def test_a_tls_secret_of_the_ingress_namespace(chart: pk.Chart) -> None:
    ing = Ingress(chart, "i", tls={tls_in(chart, "a"): None}, namespace="a")
    ing.add_rule("/", IngressBackend.service(web_in(chart, "a"), port=HTTP), host="www.example.com")
    # a Secret given by name is looked up in the Ingress's namespace: nothing to compare
    ing.add_tls(pk.SecretEnv.from_name("issued-tls"), hosts=["www.example.com"])
    assert by_name(synth(chart), "i")["spec"]["tls"] == [
        {"hosts": ["www.example.com"], "secretName": "web-tls"},
        {"hosts": ["www.example.com"], "secretName": "issued-tls"},
    ]


def test_a_raw_ingress_to_a_service_of_another_namespace_is_not_checked(app: pk.App) -> None:
    # a cdk8s Ingress names its backend by string: no podkit object to compare namespaces with
    chart = pk.Chart(app, "test")
    web_in(chart, "a")
    k8s.KubeIngress(
        chart,
        "raw",
        metadata=k8s.ObjectMeta(name="raw", namespace="b"),
        spec=k8s.IngressSpec(
            default_backend=k8s.IngressBackend(
                service=k8s.IngressServiceBackend(name="web", port=k8s.ServiceBackendPort(name="http"))
            )
        ),
    )
    assert by_name(app.synth_documents()["test.k8s.yaml"], "raw")["metadata"] == {
        "name": "raw",
        "namespace": "b",
    }


def test_tls_from_a_cert_manager_certificate_object(chart: pk.Chart) -> None:
    from imports.cert_manager_io.v1 import Certificate

    cert = Certificate(
        chart,
        "shop-cert",
        spec={
            "secretName": "shop-tls",
            "dnsNames": ["shop.example.com"],
            "issuerRef": {"name": "acme", "kind": "ClusterIssuer"},
        },
    )
    ing = Ingress(chart, "shop", tls={cert: None})
    ing.add_rule("/", IngressBackend.service(service(chart), port=HTTP), host="shop.example.com")
    shop = next(o for o in chart.to_json() if o["kind"] == "Ingress")
    assert shop["spec"]["tls"] == [{"hosts": ["shop.example.com"], "secretName": "shop-tls"}]


def certificate(chart: pk.Chart, namespace: str | None) -> pk.CustomResource:
    from imports.cert_manager_io.v1 import Certificate

    cert: pk.CustomResource = Certificate(
        chart,
        "shop-cert",
        spec={"secretName": "shop-tls", "dnsNames": ["shop.example.com"], "issuerRef": {"name": "acme"}},
        namespace=namespace,
    )
    return cert


def test_fails_at_synth_on_a_certificate_of_another_namespace(chart: pk.Chart) -> None:
    # the Secret is the Certificate's, written to the Certificate's namespace
    ing = Ingress(chart, "shop", tls={certificate(chart, "certs"): None}, namespace="shop")
    ing.add_rule("/", IngressBackend.service(web_in(chart, "shop"), port=HTTP), host="shop.example.com")
    assert synth_problems(chart) == [
        (
            "test/shop",
            "TLS Secret 'shop-tls' of Certificate 'test/shop-cert' is in namespace 'certs', the Ingress in "
            "'shop'; the controller reads it from the Ingress's namespace",
            "create the Certificate in the Ingress's namespace",
        )
    ]


def test_an_ingress_with_a_namespace_its_certificate_lacks_is_written_and_warned(app: pk.App) -> None:
    # the controller finds the Secret if the Certificate is applied to 'shop': no problem
    chart = pk.Chart(app, "test")
    cert = certificate(chart, None)
    created = sys._getframe().f_lineno + 1
    ing = Ingress(chart, "shop", tls={cert: None}, namespace="shop")
    ing.add_rule("/", IngressBackend.service(web_in(chart, "shop"), port=HTTP), host="shop.example.com")
    assert synth_warnings(app, pk.NamespaceReferenceWarning) == [
        (
            "[test/shop] the Ingress is in namespace 'shop' and its TLS Secret 'shop-tls' of Certificate "
            "'test/shop-cert' has none (the namespace it is applied to decides): the controller finds the "
            "certificate only if that is 'shop'; give both the same namespace, or neither",
            __file__,
            created,
        )
    ]


def test_an_ingress_without_a_namespace_whose_tls_secret_has_one_is_written_and_warned(app: pk.App) -> None:
    chart = pk.Chart(app, "test")
    secret = tls_in(chart, "certs")
    created = sys._getframe().f_lineno + 1
    ing = Ingress(chart, "i", tls={secret: None})
    ing.add_rule("/", IngressBackend.service(web_in(chart, None), port=HTTP), host="www.example.com")
    assert synth_warnings(app, pk.NamespaceReferenceWarning) == [
        (
            "[test/i] the Ingress has no namespace (the namespace it is applied to decides) and its TLS Secret "
            "'test/web-tls' is in namespace 'certs': the controller finds the certificate only if that is "
            "'certs'; give both the same namespace, or neither",
            __file__,
            created,
        )
    ]


def test_an_ingress_and_its_tls_secret_both_without_a_namespace_are_not_warned(app: pk.App) -> None:
    chart = pk.Chart(app, "test")
    ing = Ingress(chart, "shop", tls={certificate(chart, None): None})
    ing.add_rule("/", IngressBackend.service(web_in(chart, None), port=HTTP), host="shop.example.com")
    assert synth_warnings(app, pk.NamespaceReferenceWarning) == []


def test_a_certificate_of_the_ingress_namespace(chart: pk.Chart) -> None:
    ing = Ingress(chart, "shop", tls={certificate(chart, "shop"): None}, namespace="shop")
    ing.add_rule("/", IngressBackend.service(web_in(chart, "shop"), port=HTTP), host="shop.example.com")
    shop = next(o for o in chart.to_json() if o["kind"] == "Ingress")
    assert shop["metadata"]["namespace"] == "shop"
    assert shop["spec"]["tls"] == [{"hosts": ["shop.example.com"], "secretName": "shop-tls"}]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda c: Ingress(c, "ing", rules="web"),  # type: ignore[arg-type]
            r"^\[test/ing\] rules must be a list or tuple, got str 'web'",
        ),
        (
            lambda c: pk.NetworkPolicy(c, "np", ingress={"a": 1}),  # type: ignore[arg-type]
            r"^\[test/np\] ingress must be a list or tuple, got dict",
        ),
        (
            lambda c: pk.NetworkPolicy(c, "np").add_ingress_rule(ports={"a": 1}),  # type: ignore[arg-type]
            r"^\[test/np\] ports must be a list or tuple, got dict",
        ),
        (
            lambda c: pk.Peer.ip_block("10.0.0.0/8", except_cidrs={"a": 1}),  # type: ignore[arg-type]
            r"^\[Peer.ip_block\] except_cidrs must be a list or tuple, got dict",
        ),
        (
            lambda c: pk.Gateway(c, "gw", gateway_class_name="eg", listeners="http"),  # type: ignore[arg-type]
            r"^\[test/gw\] listeners must be a list or tuple, got str 'http'",
        ),
        (
            lambda c: pk.Listener("web", 443, pk.GatewayProtocol.HTTPS, certificates={"a": 1}),  # type: ignore[arg-type]
            r"^\[listener 'web'\] certificates must be a list or tuple, got dict",
        ),
        (
            lambda c: pk.Listener("web", 80, pk.GatewayProtocol.HTTP, route_kinds={"HTTPRoute": 1}),  # type: ignore[arg-type]
            r"^\[listener 'web'\] route_kinds must be a list or tuple, got dict",
        ),
        (
            lambda c: pk.HTTPRoute(c, "r", parents=[]).add_rule(backends={"a": 1}),  # type: ignore[arg-type]
            r"^\[test/r\] backends must be a list or tuple, got dict",
        ),
        (
            lambda c: pk.HTTPFilter.request_headers(remove={"X-Debug": 1}),  # type: ignore[arg-type]
            r"^\[HTTPFilter\] remove must be a list or tuple, got dict",
        ),
    ],
)
def test_fails_a_list_argument_of_the_wrong_type_naming_argument_and_construct(
    chart: pk.Chart, make: object, message: str
) -> None:
    with pytest.raises(pk.PodkitTypeError, match=message):
        make(chart)  # type: ignore[operator]
