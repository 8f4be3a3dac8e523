"""Upstream's CEL rules and spec defaults on every Gateway API v1 object (``_gateway_api_rules.json``,
made by ``tools/gateway_api_rules.py``, added by ``podkit._crd_kinds``): the data is what the
tool takes from CRDs that carry it, every rule compiles, a raw object breaking an important rule
fails at synth with upstream's message at the right field and passes once fixed, a defaulted
field reads as the API server fills it in, and nothing is loaded before the first check."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import cdk8s
import pytest
import yaml

import podkit as pk
from podkit import _cel, _crd_kinds
from podkit._crd_validate import CrdValidator

ROOT = Path(__file__).resolve().parent.parent
DATA = json.loads((ROOT / "lib" / "podkit" / "_gateway_api_rules.json").read_text(encoding="utf-8"))
SHIPPED = json.loads((ROOT / "lib" / "podkit" / "_gateway_api_crds.json").read_text(encoding="utf-8"))
VENDORED = json.loads(
    (ROOT / "imports" / "gateway_networking_k8s_io" / "crds.json").read_text(encoding="utf-8")
)
V1 = "gateway.networking.k8s.io/v1"
KEYS = [f"{V1} GRPCRoute", f"{V1} Gateway", f"{V1} HTTPRoute"]
COPY = "traefik/traefik@9df8b81cc4c531e2f5af70ffe7047cbafd04312a:integration/fixtures/k8s/00-experimental-v1.5.1.yml"


@pytest.fixture(scope="module")
def tool() -> Iterator[ModuleType]:
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import gateway_api_rules
    finally:
        sys.path.pop(0)
    yield gateway_api_rules


def _rules(node: Any) -> Iterator[dict[str, Any]]:
    """Every x-kubernetes-validations entry of a schema."""
    if isinstance(node, dict):
        yield from node.get("x-kubernetes-validations") or []
        for key, sub in node.items():
            if key == "properties":
                for child in sub.values():
                    yield from _rules(child)
            elif key in ("items", "additionalProperties"):
                yield from _rules(sub)


def _bare(schema: dict[str, Any]) -> dict[str, Any]:
    """The shipped schema without its rules."""
    out = copy.deepcopy(schema)
    stack: list[Any] = [out]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            node.pop("x-kubernetes-validations", None)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return out


def _upstream_crds() -> list[dict[str, Any]]:
    """CRDs shaped as upstream's: the shipped schemas' fields with the data's rules and defaults
    at their places, the release's annotations."""
    docs = []
    for key in KEYS:
        schema = _bare(SHIPPED[key])
        for entry in DATA["rules"][key]:
            rule = {k: v for k, v in entry.items() if k != "at"}
            _crd_kinds.schema_node(schema, entry["at"]).setdefault("x-kubernetes-validations", []).append(
                rule
            )
        for entry in DATA["defaults"][key]:
            _crd_kinds.schema_node(schema, entry["at"])["default"] = entry["default"]
        kind = key.split(" ")[1]
        plural = {"GRPCRoute": "grpcroutes", "Gateway": "gateways", "HTTPRoute": "httproutes"}[kind]
        annotations = {
            "gateway.networking.k8s.io/bundle-version": "v1.5.1",
            "gateway.networking.k8s.io/channel": "experimental",
        }
        docs.append(
            {
                "apiVersion": "apiextensions.k8s.io/v1",
                "kind": "CustomResourceDefinition",
                "metadata": {"name": f"{plural}.gateway.networking.k8s.io", "annotations": annotations},
                "spec": {
                    "group": "gateway.networking.k8s.io",
                    "names": {"kind": kind, "plural": plural},
                    "versions": [
                        {"name": "v1beta1", "schema": {"openAPIV3Schema": {}}},
                        {"name": "v1", "schema": {"openAPIV3Schema": schema}},
                    ],
                },
            }
        )
    return docs


# -- the data ----------------------------------------------------------------------------------


def test_the_data_is_what_the_tool_takes_from_crds_that_carry_it(tool: ModuleType, tmp_path: Path) -> None:
    one_file = tmp_path / "experimental-install.yaml"
    one_file.write_text(
        yaml.safe_dump_all([{"apiVersion": "v1", "kind": "Namespace"}, *_upstream_crds()], sort_keys=False),
        encoding="utf-8",
    )
    committed = (ROOT / "lib" / "podkit" / "_gateway_api_rules.json").read_text(encoding="utf-8")
    assert tool.render(tool.build(tool.read_crds(one_file), copy=COPY)) == committed
    # a folder of one CRD per file gives the same bytes
    folder = tmp_path / "crd"
    folder.mkdir()
    for doc in _upstream_crds():
        (folder / f"{doc['metadata']['name']}.yaml").write_text(yaml.safe_dump(doc), encoding="utf-8")
    assert tool.render(tool.build(tool.read_crds(folder), copy=COPY)) == committed


def test_the_data_names_its_source() -> None:
    assert DATA["source"][f"{V1} Gateway"] == {
        "repository": "kubernetes-sigs/gateway-api",
        "path": "config/crd/experimental/gateway.networking.k8s.io_gateways.yaml",
        "bundle-version": "v1.5.1",
        "channel": "experimental",
        "commit": None,
        "copy": COPY,
    }
    assert {k: v["path"].rsplit("/", 1)[1] for k, v in DATA["source"].items()} == {
        f"{V1} GRPCRoute": "gateway.networking.k8s.io_grpcroutes.yaml",
        f"{V1} Gateway": "gateway.networking.k8s.io_gateways.yaml",
        f"{V1} HTTPRoute": "gateway.networking.k8s.io_httproutes.yaml",
    }


def test_every_rule_and_default_has_a_place_in_the_shipped_schema_once() -> None:
    assert {k: len(v) for k, v in DATA["rules"].items()} == {
        f"{V1} GRPCRoute": 36,
        f"{V1} Gateway": 16,
        f"{V1} HTTPRoute": 106,
    }
    assert {k: len(v) for k, v in DATA["defaults"].items()} == {
        f"{V1} GRPCRoute": 15,
        f"{V1} Gateway": 14,
        f"{V1} HTTPRoute": 28,
    }
    for key in KEYS:
        placed = [(e["at"], e["rule"]) for e in DATA["rules"][key]]
        assert len(placed) == len(set(placed)), key
        for entry in DATA["rules"][key]:
            assert set(entry) == {"at", "rule", "message"}, (
                entry
            )  # no messageExpression, fieldPath, reason upstream
            assert _crd_kinds.schema_node(SHIPPED[key], entry["at"]) is not None, (key, entry["at"])
        for entry in DATA["defaults"][key]:
            assert entry["at"].startswith("spec."), entry
            node = _crd_kinds.schema_node(SHIPPED[key], entry["at"])
            assert node is not None and "default" not in node, (key, entry["at"])


def test_the_packages_rules_are_upstreams_and_are_not_doubled() -> None:
    for key in KEYS:
        own = [(r["rule"], r["message"]) for r in _rules(SHIPPED[key])]
        upstream = [(e["rule"], e["message"]) for e in DATA["rules"][key]]
        assert set(own) <= set(upstream), key
        supplemented = [r["rule"] for r in _rules(_crd_kinds.with_upstream_rules(key, SHIPPED[key]))]
        assert sorted(supplemented) == sorted(e["rule"] for e in DATA["rules"][key])
    assert [len(list(_rules(SHIPPED[k]))) for k in KEYS] == [3, 0, 7]


def test_the_vendored_copy_gets_the_same_rules_and_the_read_schema_is_not_changed() -> None:
    before = copy.deepcopy(SHIPPED)
    for key in KEYS:
        assert _crd_kinds.with_upstream_rules(key, VENDORED[key]) == _crd_kinds.with_upstream_rules(
            key, SHIPPED[key]
        )
    assert before == SHIPPED
    # v1beta1 and other CRDs' schemas are left as they are
    beta = VENDORED["gateway.networking.k8s.io/v1beta1 HTTPRoute"]
    assert _crd_kinds.with_upstream_rules("gateway.networking.k8s.io/v1beta1 HTTPRoute", beta) is beta


def test_every_rule_compiles() -> None:
    for key in KEYS:
        for entry in DATA["rules"][key]:
            _cel.compile_rule(entry["rule"])  # raises CelError on a rule podkit's CEL cannot run
        validator = CrdValidator(_crd_kinds.with_upstream_rules(key, SHIPPED[key]))
        assert validator.lenient is True  # a default upstream has and the data lacks is still not judged


def test_nothing_is_read_before_the_first_gateway_object_is_checked() -> None:
    code = (
        "import podkit as pk, podkit.gateway\n"
        "from podkit import _crd_kinds\n"
        "print(_crd_kinds._upstream.cache_info().currsize)\n"
        "app = pk.App(); chart = pk.Chart(app, 'c')\n"
        "pk.ConfigFromMap(chart, 'cfg', from_literal={'a': 'b'}); chart.to_json()\n"
        "print(_crd_kinds._upstream.cache_info().currsize)\n"
        "import cdk8s\n"
        "cdk8s.ApiObject(chart, 'g', api_version='gateway.networking.k8s.io/v1', kind='Gateway',\n"
        "    metadata={'name': 'g'}).add_json_patch(cdk8s.JsonPatch.add('/spec', {'gatewayClassName': 'c',\n"
        "    'listeners': [{'name': 'http', 'port': 80, 'protocol': 'HTTP'}]}))\n"
        "chart.to_json()\n"
        "print(_crd_kinds._upstream.cache_info().currsize)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.split() == ["0", "0", "1"]


# -- raw objects: the important rules, broken and fixed -----------------------------------------


def _problems(chart: pk.Chart, kind: str, spec: dict[str, Any]) -> list[tuple[str, str]]:
    obj = cdk8s.ApiObject(chart, "raw", api_version=V1, kind=kind, metadata={"name": "raw"})
    obj.add_json_patch(cdk8s.JsonPatch.add("/spec", spec))
    try:
        chart.to_json()
    except pk.SynthError as e:
        return [(p.field, p.message) for p in e.problems]
    return []


def _listener(**fields: Any) -> dict[str, Any]:
    return {"name": "web", "port": 80, "protocol": "HTTP", **fields}


CERT = {"certificateRefs": [{"name": "cert"}]}
PARENT = {"name": "edge"}
BACKEND = {"name": "web", "port": 80}


def _gateway(*listeners: dict[str, Any], **spec: Any) -> dict[str, Any]:
    return {"gatewayClassName": "edge", "listeners": list(listeners), **spec}


def _route(*rules: dict[str, Any]) -> dict[str, Any]:
    return {"parentRefs": [PARENT], "rules": list(rules)}


def _rewrite(prefix: str = "/v2") -> dict[str, Any]:
    return {
        "type": "URLRewrite",
        "urlRewrite": {"path": {"type": "ReplacePrefixMatch", "replacePrefixMatch": prefix}},
    }


REDIRECT = {"type": "RequestRedirect", "requestRedirect": {"scheme": "https"}}
HEADER = {"type": "RequestHeaderModifier", "requestHeaderModifier": {"set": [{"name": "x", "value": "1"}]}}

#: (kind, spec breaking the rule, the same spec fixed, the field, upstream's message)
CASES: list[tuple[str, dict[str, Any], dict[str, Any], str, str]] = [
    (
        "Gateway",
        _gateway(_listener(tls=CERT)),
        _gateway(_listener()),
        "spec.listeners",
        "tls must not be specified for protocols ['HTTP', 'TCP', 'UDP']",
    ),
    (
        "Gateway",
        _gateway(_listener(port=443, protocol="HTTPS", tls={"mode": "Passthrough"})),
        _gateway(_listener(port=443, protocol="HTTPS", tls={"mode": "Terminate", **CERT})),
        "spec.listeners",
        "tls mode must be Terminate for protocol HTTPS",
    ),
    (
        "Gateway",
        _gateway(_listener(port=443, protocol="TLS")),
        _gateway(_listener(port=443, protocol="TLS", tls={"mode": "Passthrough"})),
        "spec.listeners",
        "tls mode must be set for protocol TLS",
    ),
    (
        "Gateway",
        _gateway(_listener(port=5432, protocol="TCP", hostname="db.example.com")),
        _gateway(_listener(port=5432, protocol="TCP")),
        "spec.listeners",
        "hostname must not be specified for protocols ['TCP', 'UDP']",
    ),
    (
        "Gateway",
        _gateway(_listener(), _listener(port=8080)),
        _gateway(_listener(), _listener(name="alt", port=8080)),
        "spec.listeners",
        "Listener name must be unique within the Gateway",
    ),
    (
        "Gateway",
        _gateway(_listener(hostname="a.example.com"), _listener(name="alt", hostname="a.example.com")),
        _gateway(_listener(hostname="a.example.com"), _listener(name="alt", hostname="b.example.com")),
        "spec.listeners",
        "Combination of port, protocol and hostname must be unique for each listener",
    ),
    (
        "Gateway",
        _gateway(_listener(port=443, protocol="HTTPS", tls={"certificateRefs": [], "options": {}})),
        _gateway(_listener(port=443, protocol="HTTPS", tls=CERT)),
        "spec.listeners[0].tls",
        "certificateRefs or options must be specified when mode is Terminate",
    ),
    (
        "Gateway",
        _gateway(_listener(), addresses=[{"value": "10.0.0.1"}, {"type": "IPAddress", "value": "10.0.0.1"}]),
        _gateway(_listener(), addresses=[{"value": "10.0.0.1"}, {"value": "10.0.0.2"}]),
        "spec.addresses",
        "IPAddress values must be unique",
    ),
    (
        "Gateway",
        _gateway(_listener(), infrastructure={"labels": {"-bad": "x"}}),
        _gateway(_listener(), infrastructure={"labels": {"team": "x"}}),
        "spec.infrastructure.labels",
        "Label keys must be in the form of an optional DNS subdomain prefix followed by a required name "
        "segment of up to 63 characters.",
    ),
    (
        "HTTPRoute",
        _route({"filters": [{"type": "RequestRedirect"}]}),
        _route({"filters": [REDIRECT]}),
        "spec.rules[0].filters[0]",
        "filter.requestRedirect must be specified for RequestRedirect filter.type",
    ),
    (
        "HTTPRoute",
        _route({"filters": [{**REDIRECT, "requestHeaderModifier": HEADER["requestHeaderModifier"]}]}),
        _route({"filters": [REDIRECT]}),
        "spec.rules[0].filters[0]",
        "filter.requestHeaderModifier must be nil if the filter.type is not RequestHeaderModifier",
    ),
    (
        "HTTPRoute",
        _route({"filters": [REDIRECT, _rewrite()]}),
        _route({"filters": [REDIRECT]}),
        "spec.rules[0].filters",
        "May specify either httpRouteFilterRequestRedirect or httpRouteFilterRequestRewrite, but not both",
    ),
    (
        "HTTPRoute",
        _route({"filters": [HEADER, HEADER]}),
        _route({"filters": [HEADER]}),
        "spec.rules[0].filters",
        "RequestHeaderModifier filter cannot be repeated",
    ),
    (
        "HTTPRoute",
        _route({"matches": [{"path": {"type": "PathPrefix", "value": "api"}}]}),
        _route({"matches": [{"path": {"type": "PathPrefix", "value": "/api"}}]}),
        "spec.rules[0].matches[0].path",
        "value must be an absolute path and start with '/' when type one of ['Exact', 'PathPrefix']",
    ),
    (
        "HTTPRoute",
        _route({"matches": [{"path": {"type": "Exact", "value": "/a//b"}}]}),
        _route({"matches": [{"path": {"type": "Exact", "value": "/a/b"}}]}),
        "spec.rules[0].matches[0].path",
        "must not contain '//' when type one of ['Exact', 'PathPrefix']",
    ),
    (
        "HTTPRoute",
        _route({"matches": [{"path": {"type": "Exact", "value": "/a"}}], "filters": [_rewrite()]}),
        _route({"matches": [{"path": {"type": "PathPrefix", "value": "/a"}}], "filters": [_rewrite()]}),
        "spec.rules[0]",
        "When using URLRewrite filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified",
    ),
    (
        "HTTPRoute",
        _route({"filters": [REDIRECT], "backendRefs": [BACKEND]}),
        _route({"filters": [REDIRECT]}),
        "spec.rules[0]",
        "RequestRedirect filter must not be used together with backendRefs",
    ),
    (
        "HTTPRoute",
        _route({"backendRefs": [{"name": "web"}]}),
        _route({"backendRefs": [BACKEND]}),
        "spec.rules[0].backendRefs[0]",
        "Must have port for Service reference",
    ),
    (
        "HTTPRoute",
        _route({"timeouts": {"request": "5s", "backendRequest": "10s"}}),
        _route({"timeouts": {"request": "10s", "backendRequest": "5s"}}),
        "spec.rules[0].timeouts",
        "backendRequest timeout cannot be longer than request timeout",
    ),
    (
        "HTTPRoute",
        _route({"filters": [{"type": "CORS", "cors": {"allowOrigins": ["*", "https://a.example.com"]}}]}),
        _route({"filters": [{"type": "CORS", "cors": {"allowOrigins": ["https://a.example.com"]}}]}),
        "spec.rules[0].filters[0].cors.allowOrigins",
        "AllowOrigins cannot contain '*' alongside other origins",
    ),
    (
        "GRPCRoute",
        _route({"matches": [{"method": {"service": "foo.Bar", "method": "Get/All"}}]}),
        _route({"matches": [{"method": {"service": "foo.Bar", "method": "GetAll"}}]}),
        "spec.rules[0].matches[0].method",
        "method must only contain valid characters (matching ^[A-Za-z_][A-Za-z_0-9]*$)",
    ),
    (
        "GRPCRoute",
        _route({"matches": [{"method": {"service": "foo/Bar"}}]}),
        _route({"matches": [{"method": {"service": "foo.Bar"}}]}),
        "spec.rules[0].matches[0].method",
        "service must only contain valid characters (matching ^(?i)\\.?[a-z_][a-z_0-9]*(\\.[a-z_][a-z_0-9]*)*$)",
    ),
    (
        "GRPCRoute",
        _route({"matches": [{"method": {"type": "Exact"}}]}),
        _route({"matches": [{"method": {"type": "Exact", "service": "foo.Bar"}}]}),
        "spec.rules[0].matches[0].method",
        "One or both of 'service' or 'method' must be specified",
    ),
    (
        "GRPCRoute",
        _route({"filters": [{"type": "RequestMirror"}]}),
        _route({"filters": [{"type": "RequestMirror", "requestMirror": {"backendRef": BACKEND}}]}),
        "spec.rules[0].filters[0]",
        "filter.requestMirror must be specified for RequestMirror filter.type",
    ),
]


@pytest.mark.parametrize(
    ("kind", "bad", "good", "field", "message"), CASES, ids=[f"{c[0]}-{c[4][:40]}" for c in CASES]
)
def test_fails_on_each_important_upstream_rule_and_passes_fixed(
    kind: str, bad: dict[str, Any], good: dict[str, Any], field: str, message: str, app: pk.App
) -> None:
    assert _problems(pk.Chart(app, "bad"), kind, bad) == [(field, f"{field}: {message}")]
    assert _problems(pk.Chart(app, "good"), kind, good) == []


def test_every_gateway_listener_rule_has_a_case() -> None:
    listener_rules = {
        e["message"] for e in DATA["rules"][f"{V1} Gateway"] if e["at"].startswith("spec.listeners")
    }
    assert len(listener_rules) == 7  # six on the list, one on a listener's tls
    assert listener_rules <= {message for kind, _, _, _, message in CASES if kind == "Gateway"}


# -- defaults: read as the API server fills them in -----------------------------------------------


@pytest.mark.parametrize(
    ("kind", "spec"),
    [
        # tls.mode defaults to Terminate: "tls mode must be set for protocol TLS" holds
        ("Gateway", _gateway(_listener(port=443, protocol="TLS", tls=CERT))),
        # a match's path defaults to PathPrefix "/": the replacePrefixMatch rule holds
        (
            "HTTPRoute",
            _route({"matches": [{"headers": [{"name": "x", "value": "1"}]}], "filters": [_rewrite()]}),
        ),
        ("HTTPRoute", _route({"matches": [{"path": {"value": "/a"}}], "filters": [_rewrite()]})),
        ("HTTPRoute", _route({"filters": [_rewrite()]})),
        # parentRefs' group and kind default to the Gateway kind: distinct sections pass
        ("HTTPRoute", {"parentRefs": [{**PARENT, "sectionName": "a"}, {**PARENT, "sectionName": "b"}]}),
        # a mirror's fraction denominator defaults to 100
        (
            "HTTPRoute",
            _route(
                {
                    "filters": [
                        {
                            "type": "RequestMirror",
                            "requestMirror": {"backendRef": BACKEND, "fraction": {"numerator": 50}},
                        }
                    ]
                }
            ),
        ),
    ],
    ids=["tls-mode", "headers-only-match", "path-without-type", "no-matches", "sections", "fraction"],
)
def test_a_valid_object_is_not_refused_for_a_default_the_package_lacks(
    kind: str, spec: dict[str, Any], chart: pk.Chart
) -> None:
    assert _problems(chart, kind, spec) == []


@pytest.mark.parametrize(
    ("kind", "spec", "problem"),
    [
        (
            "HTTPRoute",
            {"parentRefs": [PARENT, PARENT]},
            (
                "spec.parentRefs",
                "spec.parentRefs: sectionName or port must be unique when parentRefs includes 2 or more "
                "references to the same parent",
            ),
        ),
        (
            "HTTPRoute",
            _route(
                {
                    "filters": [
                        {
                            "type": "RequestMirror",
                            "requestMirror": {"backendRef": BACKEND, "fraction": {"numerator": 150}},
                        }
                    ]
                }
            ),
            (
                "spec.rules[0].filters[0].requestMirror.fraction",
                "spec.rules[0].filters[0].requestMirror.fraction: numerator must be less than or equal to denominator",
            ),
        ),
    ],
    ids=["same-parent-twice", "fraction-over-100"],
)
def test_a_defaulted_field_is_judged_as_the_api_server_fills_it_in(
    kind: str, spec: dict[str, Any], problem: tuple[str, str], chart: pk.Chart
) -> None:
    assert _problems(chart, kind, spec) == [problem]


def test_the_written_object_keeps_no_default(chart: pk.Chart) -> None:
    spec = _route({"backendRefs": [BACKEND]})
    cdk8s.ApiObject(chart, "raw", api_version=V1, kind="HTTPRoute", metadata={"name": "raw"}).add_json_patch(
        cdk8s.JsonPatch.add("/spec", copy.deepcopy(spec))
    )
    (doc,) = chart.to_json()
    assert doc["spec"] == spec
