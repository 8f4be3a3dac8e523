"""Gateway API: Gateway listeners, HTTPRoute and GRPCRoute from objects, checked against the CRDs."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cdk8s
import pytest
from syrupy.assertion import SnapshotAssertion

import podkit as pk
from podkit import gateway as gw
from podkit._crd_validate import RULES_NOT_CHECKED
from podkit.gateway import (
    BackendRef,
    Gateway,
    GatewayProtocol,
    GRPCMatch,
    GRPCRoute,
    HTTPFilter,
    HTTPMatch,
    HTTPRoute,
    Listener,
    ParentRef,
    RouteNamespaces,
    TLSMode,
)
from tests.k8s import synth_messages, synth_problems, synth_warnings

ROOT = Path(__file__).resolve().parent.parent
HTTP = pk.Port(8080, name="http")
GRPC = pk.Port(50051, name="grpc")
CERT = pk.SecretEnv.from_name("shop-tls", keys=["tls.crt", "tls.key"])


def edge(
    chart: pk.Chart, routes_from: RouteNamespaces = RouteNamespaces.ALL
) -> tuple[Gateway, Listener, Listener]:
    https = Listener(
        "https",
        443,
        GatewayProtocol.HTTPS,
        hostname="*.example.com",
        certificates=[CERT],
        routes_from=routes_from,
    )
    http = Listener("http", 80, GatewayProtocol.HTTP, routes_from=routes_from)
    return Gateway(chart, "edge", gateway_class_name="envoy", listeners=[https, http]), https, http


def service(chart: pk.Chart) -> pk.Service:
    web = pk.Deployment(chart, "web", main=pk.Container(name="web", image="nginx:1.27", ports=[HTTP, GRPC]))
    return web.expose(ports=[pk.ServicePort(HTTP, port=80), pk.ServicePort(GRPC)])


def docs(app: pk.App) -> list[dict[str, Any]]:
    return [d for ds in app.synth_documents().values() for d in ds]


def named(objs: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any]:
    return next(o for o in objs if o["kind"] == kind and o["metadata"]["name"] == name)


def test_gateway_exact(chart: pk.Chart) -> None:
    edge(chart, RouteNamespaces.SAME)
    assert chart.to_json()[0] == {
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "Gateway",
        "metadata": {"name": "edge"},
        "spec": {
            "gatewayClassName": "envoy",
            "listeners": [
                {
                    "name": "https",
                    "port": 443,
                    "protocol": "HTTPS",
                    "hostname": "*.example.com",
                    "tls": {"mode": "Terminate", "certificateRefs": [{"kind": "Secret", "name": "shop-tls"}]},
                },
                {"name": "http", "port": 80, "protocol": "HTTP"},
            ],
        },
    }


def test_http_route_across_namespaces_exact(app: pk.App) -> None:
    gateway, https, _ = edge(pk.Chart(app, "edge", namespace="edge"))
    prod = pk.Chart(app, "prod", namespace="prod")
    svc = service(prod)
    route = HTTPRoute(
        prod, "shop", parents=[ParentRef(gateway, section=https)], hostnames=["shop.example.com"]
    )
    route.add_rule(
        [BackendRef(svc, port=HTTP, weight=90), BackendRef(svc, port=80, weight=10)],
        matches=[HTTPMatch.prefix("/", headers={"x-canary": "no"}, method="GET")],
        filters=[HTTPFilter.request_headers(set={"x-env": "prod"}, remove=["x-debug"])],
    )
    assert named(docs(app), "HTTPRoute", "shop") == {
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "HTTPRoute",
        "metadata": {"name": "shop", "namespace": "prod"},
        "spec": {
            "parentRefs": [{"name": "edge", "namespace": "edge", "sectionName": "https"}],
            "hostnames": ["shop.example.com"],
            "rules": [
                {
                    "matches": [
                        {
                            "path": {"type": "PathPrefix", "value": "/"},
                            "headers": [{"name": "x-canary", "value": "no"}],
                            "method": "GET",
                        }
                    ],
                    "filters": [
                        {
                            "type": "RequestHeaderModifier",
                            "requestHeaderModifier": {
                                "set": [{"name": "x-env", "value": "prod"}],
                                "remove": ["x-debug"],
                            },
                        }
                    ],
                    "backendRefs": [
                        {"name": "web", "port": 80, "weight": 90},
                        {"name": "web", "port": 80, "weight": 10},
                    ],
                }
            ],
        },
    }


def test_redirect_rewrite_mirror_and_grpc(chart: pk.Chart) -> None:
    gateway, https, http = edge(chart)
    svc = service(chart)
    to_https = HTTPRoute(chart, "to-https", parents=[ParentRef(gateway, section=http)])
    to_https.add_rule(filters=HTTPFilter.redirect(scheme="https", status_code=301))
    api = HTTPRoute(
        chart, "api", parents=[ParentRef("shared-gateway", namespace="infra", section="https", port=443)]
    )
    api.add_rule([BackendRef(svc, port="http")], matches=HTTPMatch.prefix("/v1"),
                 filters=[HTTPFilter.rewrite(prefix="/"), HTTPFilter.mirror(BackendRef(svc, port=HTTP))])  # fmt: skip
    grpc = GRPCRoute(
        chart, "cart", parents=[ParentRef(gateway, section=https)], hostnames=["cart.example.com"]
    )
    grpc.add_rule(BackendRef(svc, port=GRPC), matches=GRPCMatch(service="shop.v1.Cart", method="Add"))
    objs = chart.to_json()
    assert named(objs, "HTTPRoute", "to-https")["spec"]["rules"] == [
        {"filters": [{"type": "RequestRedirect", "requestRedirect": {"scheme": "https", "statusCode": 301}}]}
    ]
    assert named(objs, "HTTPRoute", "api")["spec"] == {
        "parentRefs": [{"name": "shared-gateway", "namespace": "infra", "sectionName": "https", "port": 443}],
        "rules": [
            {
                "matches": [{"path": {"type": "PathPrefix", "value": "/v1"}}],
                "filters": [
                    {
                        "type": "URLRewrite",
                        "urlRewrite": {"path": {"type": "ReplacePrefixMatch", "replacePrefixMatch": "/"}},
                    },
                    {"type": "RequestMirror", "requestMirror": {"backendRef": {"name": "web", "port": 80}}},
                ],
                "backendRefs": [{"name": "web", "port": 80}],
            }
        ],
    }
    assert named(objs, "GRPCRoute", "cart")["spec"]["rules"] == [
        {
            "matches": [{"method": {"type": "Exact", "service": "shop.v1.Cart", "method": "Add"}}],
            "backendRefs": [{"name": "web", "port": 50051}],
        }
    ]


def test_snapshot(chart: pk.Chart, snapshot_yaml: SnapshotAssertion) -> None:
    gateway, https, _ = edge(chart)
    route = HTTPRoute(
        chart, "shop", parents=[ParentRef(gateway, section=https)], hostnames=["shop.example.com"]
    )
    route.add_rule(BackendRef(service(chart), port=HTTP))
    assert chart.to_json() == snapshot_yaml


def test_the_vendored_crds_are_the_ones_checked() -> None:
    vendored = json.loads(
        (ROOT / "imports" / "gateway_networking_k8s_io" / "crds.json").read_text(encoding="utf-8")
    )
    carried = json.loads((Path(gw.__file__).with_name("_gateway_api_crds.json")).read_text(encoding="utf-8"))
    assert carried == {k: v for k, v in vendored.items() if k.split(" ")[0].endswith("/v1")}


def test_raw_and_patched_objects_are_checked_against_the_crd(chart: pk.Chart) -> None:
    gateway, _, _ = edge(chart)
    cdk8s.ApiObject.of(gateway).add_json_patch(cdk8s.JsonPatch.add("/spec/bogus", 1))
    raw = cdk8s.ApiObject(
        chart, "raw", api_version="gateway.networking.k8s.io/v1", kind="HTTPRoute", metadata={"name": "raw"}
    )
    raw.add_json_patch(cdk8s.JsonPatch.add("/spec", {"rules": [{"name": "a"}, {"name": "a"}]}))
    with pytest.raises(pk.SynthError) as e:
        chart.to_json()
    assert [(p.field, p.message) for p in e.value.problems] == [
        ("spec.rules", "spec.rules: Rule name must be unique within the route"),
        (
            "spec.bogus",
            "spec.bogus is not a field of the CRD's schema (known here: addresses, allowedListeners, defaultScope, "
            "gatewayClassName, infrastructure, listeners, tls)",
        ),
        # the Gateway has upstream's CEL rules, which an unknown field keeps from running
        ("", RULES_NOT_CHECKED),
    ]


# -- failures ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Listener("web", 443, GatewayProtocol.HTTPS), "a HTTPS listener that terminates TLS needs certificates"),
        (lambda: Listener("web", 80, GatewayProtocol.HTTP, certificates=[CERT]), "a HTTP listener has no TLS"),
        (lambda: Listener("tcp", 5432, GatewayProtocol.TCP, hostname="db.example.com"), "hostname is not allowed on a TCP listener"),
        (lambda: Listener("tls", 443, GatewayProtocol.TLS, tls_mode=TLSMode.PASSTHROUGH, certificates=[CERT]), "a PASSTHROUGH listener forwards TLS untouched"),
        (lambda: Listener("web", 443, GatewayProtocol.HTTPS, tls_mode=TLSMode.PASSTHROUGH), "tls_mode PASSTHROUGH is for GatewayProtocol.TLS listeners only"),
        (lambda: Listener("Web", 80, GatewayProtocol.HTTP), "listener name 'Web' is not a valid DNS-1123 label"),
        (lambda: Listener("web", 80, GatewayProtocol.HTTP, hostname="10.0.0.1"), "hostname '10.0.0.1' is not a valid Gateway API hostname"),
        (lambda: Listener("web", 80, GatewayProtocol.HTTP, routes_from=RouteNamespaces.SELECTOR), "namespace_selector goes with routes_from=RouteNamespaces.SELECTOR"),
    ],
)  # fmt: skip
def test_fails_on_listener_rules(make: Any, message: str) -> None:
    with pytest.raises(pk.PodkitError, match=message):
        make()


def test_fails_on_duplicate_listeners(chart: pk.Chart) -> None:
    gateway, _, _ = edge(chart)
    with pytest.raises(pk.DuplicateError, match="listener name 'http' is used twice"):
        gateway.add_listener(Listener("http", 8080, GatewayProtocol.HTTP))
    with pytest.raises(pk.DuplicateError, match="listeners 'http' and 'http2' both serve HTTP on port 80"):
        gateway.add_listener(Listener("http2", 80, GatewayProtocol.HTTP))


def test_fails_on_a_listener_of_another_gateway_or_a_missing_one(chart: pk.Chart) -> None:
    gateway, _, _ = edge(chart)
    with pytest.raises(
        pk.PodkitError, match=r"Gateway 'test/edge' has no listener 'grpc' \(its listeners: https, http\)"
    ):
        ParentRef(gateway, section="grpc")
    with pytest.raises(pk.PodkitError, match="listener 'x' is not a listener of Gateway 'test/edge'"):
        ParentRef(gateway, section=Listener("x", 81, GatewayProtocol.HTTP))


def test_fails_on_a_backend_port_the_service_does_not_have(chart: pk.Chart) -> None:
    with pytest.raises(pk.MissingReferenceError, match=r"Service 'test/web-service' has no port 8443"):
        BackendRef(service(chart), port=8443)


def test_fails_at_synth_when_the_listener_does_not_admit_the_route(app: pk.App) -> None:
    gateway, https, _ = edge(pk.Chart(app, "edge", namespace="edge"), RouteNamespaces.SAME)
    prod = pk.Chart(app, "prod", namespace="prod")
    route = HTTPRoute(prod, "shop", parents=[ParentRef(gateway, section=https)], hostnames=["shop.other.org"])
    route.add_rule(BackendRef(service(prod), port=HTTP))
    assert synth_messages(app) == [
        "Gateway 'edge/edge' listener 'https' admits no HTTPRoute of namespace 'prod' with hostnames "
        "['shop.other.org'] (https: HTTPS *.example.com, routes from Same); the route would never attach"
    ]


def test_fails_at_synth_on_hostnames_no_listener_serves(chart: pk.Chart) -> None:
    gateway, https, _ = edge(chart)
    route = HTTPRoute(
        chart, "shop", parents=[ParentRef(gateway, section=https)], hostnames=["shop.other.org"]
    )
    route.add_rule(BackendRef(service(chart), port=HTTP))
    # no namespace on either: none named
    assert synth_messages(chart) == [
        "Gateway 'test/edge' listener 'https' admits no HTTPRoute with hostnames ['shop.other.org'] (https: "
        "HTTPS *.example.com, routes from All); the route would never attach"
    ]


# -- one side without a namespace: warned at the line that created the route (or Gateway) ----------------
def service_in(chart: pk.Chart, namespace: str | None) -> pk.Service:
    web = pk.Deployment(
        chart, "web", main=pk.Container(name="web", image="nginx:1.27", ports=[HTTP]), namespace=namespace
    )
    return web.expose(ports=[pk.ServicePort(HTTP, port=80)])


#: a Gateway another app owns: a route attached to it is not compared with any podkit Gateway
SHARED = ParentRef("shared-gateway", namespace="infra")


def test_fails_at_synth_on_a_backend_service_of_another_namespace(chart: pk.Chart) -> None:
    route = HTTPRoute(chart, "shop", parents=[SHARED], namespace="prod")
    svc = service_in(chart, "other")
    # each Service once, though a backend and a mirror reach it
    route.add_rule(BackendRef(svc, port=HTTP), filters=HTTPFilter.mirror(BackendRef(svc, port=HTTP)))
    assert synth_problems(chart) == [
        (
            "test/shop",
            "backend Service 'test/web-service' is in namespace 'other', the route in 'prod'",
            "create the route in the Service's namespace",
        )
    ]


def test_a_route_with_a_namespace_its_backend_service_lacks_is_written_and_warned(app: pk.App) -> None:
    # it routes to the Service if the Service is applied to 'prod': no problem
    chart = pk.Chart(app, "test")
    created = sys._getframe().f_lineno + 1
    route = HTTPRoute(chart, "shop", parents=[SHARED], namespace="prod")
    route.add_rule(BackendRef(service_in(chart, None), port=HTTP))
    assert synth_warnings(app, pk.NamespaceReferenceWarning) == [
        (
            "[test/shop] the HTTPRoute is in namespace 'prod' and its backend Service 'test/web-service' has "
            "none (the namespace it is applied to decides): it routes to the Service only if that is 'prod'; "
            "give both the same namespace, or neither",
            __file__,
            created,
        )
    ]


def test_a_route_without_a_namespace_whose_backend_service_has_one_is_written_and_warned(app: pk.App) -> None:
    chart = pk.Chart(app, "test")
    created = sys._getframe().f_lineno + 1
    route = GRPCRoute(chart, "shop", parents=[SHARED])
    route.add_rule(BackendRef(service_in(chart, "prod"), port=HTTP))
    assert synth_warnings(app, pk.NamespaceReferenceWarning) == [
        (
            "[test/shop] the GRPCRoute has no namespace (the namespace it is applied to decides) and its backend "
            "Service 'test/web-service' is in namespace 'prod': it routes to the Service only if that is "
            "'prod'; give both the same namespace, or neither",
            __file__,
            created,
        )
    ]


def test_a_route_with_a_namespace_its_gateway_lacks_is_written_and_warned(app: pk.App) -> None:
    # the parentRef names no namespace (the Gateway has none): the route's own, where the Gateway
    # is only if applied there, though its listeners admit routes of any namespace
    gateway, https, _ = edge(pk.Chart(app, "edge"))
    prod = pk.Chart(app, "prod", namespace="prod")
    created = sys._getframe().f_lineno + 1
    route = HTTPRoute(
        prod, "shop", parents=[ParentRef(gateway, section=https)], hostnames=["shop.example.com"]
    )
    route.add_rule(BackendRef(service(prod), port=HTTP))
    assert synth_warnings(app, pk.NamespaceReferenceWarning) == [
        (
            "[prod/shop] the HTTPRoute is in namespace 'prod' and its parent Gateway 'edge/edge' has none (the "
            "namespace it is applied to decides): it attaches to the Gateway only if that is 'prod'; give both "
            "the same namespace, or neither",
            __file__,
            created,
        )
    ]
    with pytest.warns(pk.NamespaceReferenceWarning):  # (the same warning, at this synth)
        objs = docs(app)
    assert named(objs, "HTTPRoute", "shop")["spec"]["parentRefs"] == [
        {"name": "edge", "sectionName": "https"}
    ]


def test_a_route_without_a_namespace_to_a_gateway_admitting_its_own_namespace_is_written_and_warned(
    app: pk.App,
) -> None:
    gateway, https, _ = edge(pk.Chart(app, "edge", namespace="edge"), RouteNamespaces.SAME)
    apps = pk.Chart(app, "apps")
    created = sys._getframe().f_lineno + 1
    route = HTTPRoute(
        apps, "shop", parents=[ParentRef(gateway, section=https)], hostnames=["shop.example.com"]
    )
    route.add_rule(BackendRef(service(apps), port=HTTP))
    assert synth_warnings(app, pk.NamespaceReferenceWarning) == [
        (
            "[apps/shop] the HTTPRoute has no namespace (the namespace it is applied to decides) and its parent "
            "Gateway 'edge/edge' listener 'https' admits routes of namespace 'edge' only: it attaches to the "
            "Gateway only if that is 'edge'; give both the same namespace, or neither",
            __file__,
            created,
        )
    ]


def test_a_route_without_a_namespace_to_a_gateway_admitting_any_namespace_is_not_warned(app: pk.App) -> None:
    # the parentRef names the Gateway's namespace, and its listeners take a route of any
    gateway, https, _ = edge(pk.Chart(app, "edge", namespace="edge"))
    apps = pk.Chart(app, "apps")
    route = HTTPRoute(
        apps, "shop", parents=[ParentRef(gateway, section=https)], hostnames=["shop.example.com"]
    )
    route.add_rule(BackendRef(service(apps), port=HTTP))
    assert synth_warnings(app, pk.NamespaceReferenceWarning) == []
    assert named(docs(app), "HTTPRoute", "shop")["spec"]["parentRefs"] == [
        {"name": "edge", "namespace": "edge", "sectionName": "https"}
    ]


def test_a_route_its_gateway_and_service_all_without_a_namespace_are_not_warned(app: pk.App) -> None:
    chart = pk.Chart(app, "test")
    gateway, https, _ = edge(chart, RouteNamespaces.SAME)
    route = HTTPRoute(
        chart, "shop", parents=[ParentRef(gateway, section=https)], hostnames=["shop.example.com"]
    )
    route.add_rule(BackendRef(service(chart), port=HTTP))
    assert synth_warnings(app, pk.NamespaceReferenceWarning) == []


def test_fails_on_bad_routes(chart: pk.Chart) -> None:
    gateway, https, _ = edge(chart)
    route = HTTPRoute(chart, "r", parents=[gateway])
    with pytest.raises(pk.PodkitError, match="a rule needs backends"):
        route.add_rule()
    with pytest.raises(pk.DuplicateError, match="attaches to the same Gateway twice"):
        route.add_parent(ParentRef(gateway, section=https))
    grpc = GRPCRoute(chart, "g", parents=[gateway])
    with pytest.raises(pk.PodkitError, match="a RequestRedirect filter is not supported in a GRPCRoute"):
        grpc.add_rule(filters=HTTPFilter.redirect(scheme="https"))
    with pytest.raises(pk.PodkitError, match="path 'api' must start with '/'"):
        HTTPMatch.prefix("api")
    with pytest.raises(pk.PodkitError, match="matches every call"):
        GRPCMatch()
    with pytest.raises(pk.PodkitError, match="weight -1 must be an int from 0 to 1000000"):
        BackendRef(service(chart), port=HTTP, weight=-1)


def test_fails_on_filters_the_upstream_route_crds_refuse(chart: pk.Chart) -> None:
    # the CEL rules of the upstream HTTPRoute CRD, which the vendored one lacks
    gateway, _, _ = edge(chart)
    svc = service(chart)
    route = HTTPRoute(chart, "r", parents=[gateway])
    redirect = HTTPFilter.redirect(scheme="https")
    with pytest.raises(pk.PodkitError) as e:
        route.add_rule([BackendRef(svc, port=HTTP)], filters=redirect)
    assert str(e.value) == (
        "[test/r] a RequestRedirect filter answers the request itself, so the rule takes no backends: remove "
        "the backends, or put the redirect in a rule of its own"
    )
    with pytest.raises(pk.PodkitError) as e:
        route.add_rule(filters=[redirect, HTTPFilter.redirect(port=8443)])
    assert str(e.value) == "[test/r] a rule has 2 RequestRedirect filters: merge them into one"
    with pytest.raises(pk.PodkitError) as e:
        route.add_rule(filters=[redirect, HTTPFilter.rewrite(hostname="www.example.com")])
    assert str(e.value) == (
        "[test/r] a rule may redirect or rewrite, not both: a redirect answers before any rewrite applies"
    )
    with pytest.raises(pk.PodkitError) as e:
        route.add_rule(
            BackendRef(svc, port=HTTP), matches=HTTPMatch.exact("/v1"), filters=HTTPFilter.rewrite(prefix="/")
        )
    assert str(e.value) == (
        "[test/r] a prefix rewrite replaces the matched prefix, so its rule needs exactly one PathPrefix match "
        "(HTTPMatch.prefix(...)), got [HTTPMatch(path_type='Exact', path='/v1', headers=None, query=None, "
        "method=None)]: split the rule, one per prefix"
    )
    route.add_rule(
        BackendRef(svc, port=HTTP), matches=HTTPMatch.prefix("/v1"), filters=HTTPFilter.rewrite(prefix="/")
    )
    route.add_rule(
        BackendRef(svc, port=HTTP), filters=HTTPFilter.rewrite(prefix="/app")
    )  # no match: the CRD's default '/' prefix


def test_fails_on_wrong_values_in_matches_and_filters() -> None:
    cases: list[tuple[Callable[[], object], str]] = [
        (lambda: HTTPMatch.prefix(3), "[HTTPMatch] path must be a str, got int 3"),  # type: ignore[arg-type]
        (
            lambda: HTTPMatch("Prefix", "/"),
            "[HTTPMatch] path_type 'Prefix' is not one of Exact, PathPrefix, RegularExpression: use "
            "HTTPMatch.prefix/exact/regex(...)",
        ),
        (
            lambda: HTTPMatch.exact("/a/.."),
            "[HTTPMatch] path '/a/..' must not contain '//', '/./', '/../', '%2f' or '#', nor end with '/..' "
            "or '/.'",
        ),
        (lambda: GRPCMatch(service=3), "[GRPCMatch] service must be a str, got int 3"),  # type: ignore[arg-type]
        (
            lambda: GRPCMatch(method="shop/Add"),
            "[GRPCMatch] method 'shop/Add' is not a gRPC method name: write one such as 'AddItem'",
        ),
        (
            lambda: HTTPFilter.request_headers(remove="X-Debug"),
            "[HTTPFilter] remove takes a list of header names: write ['X-Debug']",
        ),
        (
            lambda: HTTPFilter.mirror("web"),  # type: ignore[arg-type]
            "[HTTPFilter.mirror] backend must be a BackendRef or a podkit Service, got str 'web'",
        ),
    ]
    for make, message in cases:
        with pytest.raises(pk.PodkitException) as e:
            make()
        assert str(e.value) == message


def test_fails_on_a_mirror_to_a_service_of_another_namespace(app: pk.App) -> None:
    prod, other = pk.Chart(app, "prod", namespace="prod"), pk.Chart(app, "other", namespace="other")
    gateway, _, _ = edge(prod)
    route = HTTPRoute(prod, "r", parents=[gateway])
    with pytest.raises(pk.PodkitError, match=r"Service 'other/web-service' is in another chart"):
        route.add_rule(
            BackendRef(service(prod), port=HTTP),
            filters=HTTPFilter.mirror(BackendRef(service(other), port=HTTP)),
        )


def test_listener_certificate_from_a_cert_manager_certificate_object(chart: pk.Chart) -> None:
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
    https = Listener("https", 443, GatewayProtocol.HTTPS, certificates=[cert])
    Gateway(chart, "edge", gateway_class_name="envoy", listeners=[https])
    gateway = next(o for o in chart.to_json() if o["kind"] == "Gateway")
    assert gateway["spec"]["listeners"][0]["tls"] == {
        "mode": "Terminate",
        "certificateRefs": [{"kind": "Secret", "name": "shop-tls"}],
    }


def test_a_raw_httproute_is_checked_alike_whether_or_not_the_app_imports_podkit_gateway() -> None:
    # in a fresh process that never imports podkit.gateway, a raw HTTPRoute with an unknown field
    # is refused against the CRD podkit ships, as it is in an app using the Gateway constructs
    import subprocess
    import sys

    script = (
        "import sys, cdk8s, podkit as pk\n"
        "app = pk.App(); chart = pk.Chart(app, 'c')\n"
        "r = cdk8s.ApiObject(chart, 'r', api_version='gateway.networking.k8s.io/v1', kind='HTTPRoute',"
        " metadata={'name': 'r'})\n"
        "r.add_json_patch(cdk8s.JsonPatch.add('/spec', {'bogus': 1}))\n"
        "try:\n    app.synth_yaml()\nexcept pk.SynthError as e:\n"
        "    print('podkit.gateway' in sys.modules, [p.rule for p in e.problems], 'bogus' in str(e))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    # the unknown field, and (it blocks the CRD's CEL rules, as upstream) that the rules were not run
    expected = "False ['apiserver:CustomResourceValidator', 'apiserver:CustomResourceValidator'] True"
    assert out.stdout.strip() == expected, out.stdout + out.stderr


@pytest.mark.parametrize(
    ("listener", "route", "meet"),
    [
        ("shop.example.com", "shop.example.com", True),
        ("*.example.com", "shop.example.com", True),
        ("*.example.com", "a.shop.example.com", True),  # a Gateway API wildcard spans labels
        ("shop.example.com", "*.example.com", True),
        ("*.example.com", "*.shop.example.com", True),
        ("*.shop.example.com", "*.example.com", True),
        ("*.example.com", "example.com", False),
        ("*.example.com", "shop.example.org", False),
        ("shop.example.com", "cart.example.com", False),
        ("*.shop.example.com", "*.cart.example.com", False),
    ],
)
def test_hostnames_meet_as_gateway_api_wildcards(listener: str, route: str, meet: bool) -> None:
    from podkit.gateway import _hostnames_meet

    assert _hostnames_meet(listener, route) is meet
    assert _hostnames_meet(route, listener) is meet


def test_fails_on_a_listener_certificate_of_another_namespace(app: pk.App) -> None:
    """A Gateway reads a listener's certificate Secret from its own namespace: a Secret, or the
    Secret a cert-manager Certificate writes, of another namespace is never found."""
    from imports.cert_manager_io.v1 import Certificate

    prod, certs = pk.Chart(app, "prod", namespace="prod"), pk.Chart(app, "certs", namespace="certs")
    fixtures = ROOT / "tests" / "fixtures" / "sealed-secrets"
    secret = pk.SecretEnv.tls(certs, "tls", cert_file=fixtures / "tls.crt", key_file=fixtures / "tls.key")
    spec: Any = {
        "secretName": "shop-tls",
        "issuerRef": {"name": "acme", "kind": "ClusterIssuer"},
        "dnsNames": ["shop.example.com"],
    }
    cert = Certificate(certs, "shop-cert", spec=spec)
    listeners = [
        Listener("a", 443, GatewayProtocol.HTTPS, hostname="a.example.com", certificates=[secret]),
        Listener("b", 443, GatewayProtocol.HTTPS, hostname="b.example.com", certificates=[cert]),
    ]
    Gateway(prod, "edge", gateway_class_name="envoy", listeners=listeners)
    tail = "; a Gateway reads certificates of its own namespace (another needs a ReferenceGrant)"
    assert synth_problems(prod) == [
        (
            "prod/edge",
            "listener 'a': certificate Secret 'certs/tls' is in namespace 'certs', the Gateway in 'prod'"
            + tail,
            "create the Secret in the Gateway's namespace",
        ),
        (
            "prod/edge",
            "listener 'b': certificate Secret 'shop-tls' of Certificate 'certs/shop-cert' is in namespace "
            "'certs', the Gateway in 'prod'" + tail,
            "create the Certificate in the Gateway's namespace",
        ),
    ]


def tls_secret(chart: pk.Chart, namespace: str | None) -> pk.SecretEnv:
    fixtures = ROOT / "tests" / "fixtures" / "sealed-secrets"
    return pk.SecretEnv.tls(
        chart, "tls", cert_file=fixtures / "tls.crt", key_file=fixtures / "tls.key", namespace=namespace
    )


def test_a_gateway_with_a_namespace_its_certificate_lacks_is_written_and_warned(app: pk.App) -> None:
    # the Gateway finds the Secret if the Secret is applied to 'prod': no problem
    secret = tls_secret(pk.Chart(app, "certs"), None)
    https = Listener("https", 443, GatewayProtocol.HTTPS, certificates=[secret])
    created = sys._getframe().f_lineno + 1
    Gateway(pk.Chart(app, "prod", namespace="prod"), "edge", gateway_class_name="envoy", listeners=[https])
    assert synth_warnings(app, pk.NamespaceReferenceWarning) == [
        (
            "[prod/edge] the Gateway is in namespace 'prod' and the certificate Secret 'certs/tls' of its "
            "listener 'https' has none (the namespace it is applied to decides): it finds the certificate only "
            "if that is 'prod'; give both the same namespace, or neither",
            __file__,
            created,
        )
    ]


def test_a_gateway_without_a_namespace_whose_certificate_has_one_is_written_and_warned(app: pk.App) -> None:
    from imports.cert_manager_io.v1 import Certificate

    spec: Any = {"secretName": "shop-tls", "issuerRef": {"name": "acme"}, "dnsNames": ["shop.example.com"]}
    cert = Certificate(pk.Chart(app, "certs", namespace="certs"), "shop-cert", spec=spec)
    https = Listener("https", 443, GatewayProtocol.HTTPS, certificates=[cert])
    created = sys._getframe().f_lineno + 1
    Gateway(pk.Chart(app, "edge"), "edge", gateway_class_name="envoy", listeners=[https])
    assert synth_warnings(app, pk.NamespaceReferenceWarning) == [
        (
            "[edge/edge] the Gateway has no namespace (the namespace it is applied to decides) and the "
            "certificate Secret 'shop-tls' of Certificate 'certs/shop-cert' of its listener 'https' is in "
            "namespace 'certs': it finds the certificate only if that is 'certs'; give both the same namespace, "
            "or neither",
            __file__,
            created,
        )
    ]


def test_a_gateway_and_its_certificate_both_without_a_namespace_are_not_warned(app: pk.App) -> None:
    https = Listener(
        "https", 443, GatewayProtocol.HTTPS, certificates=[tls_secret(pk.Chart(app, "certs"), None)]
    )
    Gateway(pk.Chart(app, "edge"), "edge", gateway_class_name="envoy", listeners=[https])
    assert synth_warnings(app, pk.NamespaceReferenceWarning) == []


def test_a_listener_certificate_of_the_gateways_namespace_or_by_name_passes(app: pk.App) -> None:
    from imports.cert_manager_io.v1 import Certificate

    prod = pk.Chart(app, "prod", namespace="prod")
    spec: Any = {
        "secretName": "shop-tls",
        "issuerRef": {"name": "acme", "kind": "ClusterIssuer"},
        "dnsNames": ["shop.example.com"],
    }
    cert = Certificate(prod, "shop-cert", spec=spec)
    by_name = pk.SecretEnv.from_name("elsewhere-tls")
    listeners = [
        Listener("a", 443, GatewayProtocol.HTTPS, hostname="a.example.com", certificates=[cert]),
        Listener("b", 443, GatewayProtocol.HTTPS, hostname="b.example.com", certificates=[by_name]),
    ]
    Gateway(prod, "edge", gateway_class_name="envoy", listeners=listeners)
    gateway = next(o for o in prod.to_json() if o["kind"] == "Gateway")
    assert [listener["tls"]["certificateRefs"] for listener in gateway["spec"]["listeners"]] == [
        [{"kind": "Secret", "name": "shop-tls"}],
        [{"kind": "Secret", "name": "elsewhere-tls"}],
    ]
