"""The networking.k8s.io/v1 kinds: Ingress and NetworkPolicy (pkg/apis/networking/validation,
ValidateIngressCreate and ValidateNetworkPolicy, Kubernetes 1.33).

What the API server does before validating, read here where a rule reads a field:

* a v1 NetworkPolicy gets ``policyTypes: [Ingress]`` (plus ``Egress`` when it has egress
  rules) when it has none, and each port's ``protocol`` defaults to TCP; nothing here
  reports what those defaults fill in.
* an Ingress is not defaulted. Its backend Service name is a DNS-1035 label in 1.33 (the
  ``RelaxedServiceNameValidation`` gate that accepts DNS-1123 labels arrives in 1.34); rule
  values under a wildcard host are checked like any other (``AllowInvalidWildcardHostRule`` is
  only ever set on update).
* CIDRs are read as the 1.33 server reads a legacy field (``StrictIPCIDRValidation`` is off):
  ``ParseCIDRSloppy``, so leading zeros and a host part are accepted.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any

from ._base import (
    PROTOCOLS,
    Report,
    as_dict,
    as_list,
    dns1035,
    is_int,
    port_name,
    port_ok,
    subdomain,
    upstream,
)
from .core.service import cidr_error, parse_ip
from .meta import any_name, check_label_selector
from .names import DNS1123_SUBDOMAIN, MAX_SUBDOMAIN
from .registry import kind

__all__ = [
    "INGRESS_CLASS_ANNOTATION",
    "PATH_TYPES",
    "POLICY_TYPES",
    "cidr_network",
    "except_error",
    "host_error",
    "ingress_path_error",
    "wildcard_covers",
]

GROUP_VERSION = "networking.k8s.io/v1"
INGRESS_CLASS_ANNOTATION = "kubernetes.io/ingress.class"
PATH_TYPES = ("Exact", "ImplementationSpecific", "Prefix")
POLICY_TYPES = ("Ingress", "Egress")
_INVALID_SEQUENCES = ("//", "/./", "/../", "%2f", "%2F")
_INVALID_SUFFIXES = ("/..", "/.")


# -- value rules, shared with podkit.ingress and podkit.network_policy --------------------------
def host_error(where: str, host: str) -> str | None:
    """An Ingress rule's (or TLS entry's) host: a DNS-1123 subdomain, or a wildcard one
    (``*.example.com``: ``IsWildcardDNS1123Subdomain``), and, for rules, not an IP address."""
    if parse_ip(host) is not None:
        return f"{where} {host!r} must be a DNS name, not an IP address: use a host name such as 'www.example.com'"
    if "*" in host:
        rest = host[2:] if host.startswith("*.") else None
        if rest is not None and len(host) <= MAX_SUBDOMAIN and DNS1123_SUBDOMAIN.match(rest):
            return None
        return (
            f"{where} {host!r} is not a valid wildcard DNS-1123 subdomain: a wildcard is '*.' followed by a "
            f"DNS subdomain, such as '*.example.com' ('*' only as the whole first label)"
        )
    return subdomain(where, host)


def wildcard_covers(pattern: str, host: str) -> bool:
    """Whether TLS host ``pattern`` (maybe ``*.example.com``) covers ``host``: a wildcard matches
    exactly one label, as certificates and Ingress controllers read it (RFC 6125)."""
    if pattern == host:
        return True
    if pattern.startswith("*."):
        first, dot, rest = host.partition(".")
        return bool(dot) and first != "*" and rest == pattern[2:]
    return False


def ingress_path_error(where: str, path_type: str, path: str) -> list[str]:
    """What ``validateHTTPIngressPath`` says about ``path`` under ``path_type`` (Exact and Prefix:
    absolute, without ``//``, ``/./``, ``/../``, ``%2f`` and not ending in ``/..`` or ``/.``;
    ImplementationSpecific: absolute or empty)."""
    out: list[str] = []
    if path_type in ("Exact", "Prefix"):
        if not path.startswith("/"):
            out.append(
                f"{where} {path!r} must be an absolute path (starting with '/') for pathType {path_type}"
            )
        for seq in _INVALID_SEQUENCES:
            if seq in path:
                out.append(f"{where} {path!r} must not contain {seq!r} (pathType {path_type})")
        for suffix in _INVALID_SUFFIXES:
            if path.endswith(suffix):
                out.append(f"{where} {path!r} cannot end with {suffix!r} (pathType {path_type})")
    elif path_type == "ImplementationSpecific" and path and not path.startswith("/"):
        out.append(f"{where} {path!r} must be an absolute path (starting with '/') or empty")
    return out


def cidr_network(value: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    """The network a valid CIDR names (``ParseCIDRSloppy``: host bits masked), or ``None``."""
    if cidr_error("", value) is not None:
        return None
    address, _, bits = value.partition("/")
    ip = parse_ip(address)
    if ip is None:
        return None
    return ipaddress.ip_network(f"{ip}/{int(bits)}", strict=False)


def except_error(where: str, cidr: str, excepted: str) -> str | None:
    """``ValidateIPBlock``: an ``except`` CIDR must be a strict subset of ``cidr``."""
    outer, inner = cidr_network(cidr), cidr_network(excepted)
    if outer is None or inner is None:
        return None  # an invalid CIDR is reported on its own
    if (
        outer.version != inner.version
        or inner.network_address not in outer
        or outer.prefixlen >= inner.prefixlen
    ):
        return f"{where} {excepted!r} must be a strict subset of cidr {cidr!r}: use a longer prefix inside it"
    return None


# -- Ingress ---------------------------------------------------------------------------------------
@kind(GROUP_VERSION, "Ingress", name_rule=subdomain, upstream="ValidateIngressCreate")
def _ingress(r: Report, doc: Mapping[str, Any], spec: Mapping[str, Any]) -> None:
    rules = as_list(spec.get("rules"))
    default = spec.get("defaultBackend")
    if not rules and default is None:
        r.add("spec has neither defaultBackend nor rules: add a rule or a default backend", field="spec")
    if default is not None:
        _backend(r, as_dict(default), "spec.defaultBackend")
    for i, rule in enumerate(rules):
        _rule(r, as_dict(rule), f"spec.rules[{i}]")
    _tls(r, spec)
    class_name = spec.get("ingressClassName")
    if isinstance(class_name, str):
        r.add(subdomain("spec.ingressClassName", class_name))
    annotation = as_dict(as_dict(doc.get("metadata")).get("annotations")).get(INGRESS_CLASS_ANNOTATION)
    if isinstance(annotation, str) and isinstance(class_name, str) and annotation != class_name:
        r.add(
            f"metadata.annotations['{INGRESS_CLASS_ANNOTATION}'] {annotation!r} must match "
            f"spec.ingressClassName {class_name!r} when both are set: drop the (deprecated) annotation"
        )


@upstream("validateIngressRules")
def _rule(r: Report, rule: Mapping[str, Any], at: str) -> None:
    host = rule.get("host")
    if isinstance(host, str) and host:
        r.add(host_error(f"{at}.host", host))
    http = rule.get("http")
    if isinstance(http, dict):
        paths = as_list(http.get("paths"))
        if not paths:
            r.add(f"{at}.http.paths is empty: add at least one path, or leave http out")
        for j, path in enumerate(paths):
            _path(r, as_dict(path), f"{at}.http.paths[{j}]")


@upstream("validateHTTPIngressPath")
def _path(r: Report, path: Mapping[str, Any], at: str) -> None:
    path_type = path.get("pathType")
    if path_type is None:
        r.add(f"{at}.pathType is missing: use one of {', '.join(PATH_TYPES)}")
        return
    if path_type not in PATH_TYPES:
        r.add(f"{at}.pathType {path_type!r} is not supported: use one of {', '.join(PATH_TYPES)}")
    else:
        value = path.get("path")
        for message in ingress_path_error(f"{at}.path", path_type, value if isinstance(value, str) else ""):
            r.add(message)
    _backend(r, as_dict(path.get("backend")), f"{at}.backend")


@upstream("validateIngressBackend")
def _backend(r: Report, backend: Mapping[str, Any], at: str) -> None:
    resource, service = backend.get("resource"), backend.get("service")
    if resource is not None and service is not None:
        r.add(f"{at} sets both resource and service: a backend is one or the other", field=at)
        return
    if resource is not None:
        res = as_dict(resource)
        group = res.get("apiGroup")
        if isinstance(group, str):
            r.add(subdomain(f"{at}.resource.apiGroup", group))
        for key in ("kind", "name"):
            value = res.get(key)
            if not value:
                r.add(f"{at}.resource.{key} is missing: name the {key} of the backend resource")
            elif isinstance(value, str):
                r.add(any_name(f"{at}.resource.{key}", value))  # IsValidPathSegmentName
        return
    if service is None:
        r.add(f"{at} has neither service nor resource: a backend needs one", field=at)
        return
    svc = as_dict(service)
    name = svc.get("name")
    if not name:
        r.add(f"{at}.service.name is missing: name the Service traffic goes to")
    elif isinstance(name, str):
        r.add(dns1035(f"{at}.service.name", name))
    port = as_dict(svc.get("port"))
    port_name_value, number = port.get("name"), port.get("number")
    has_name, has_number = bool(port_name_value), number not in (None, 0)
    if has_name and has_number:
        r.add(f"{at}.service.port sets both name and number: keep one", field=at)
    elif has_name:
        if isinstance(port_name_value, str):
            r.add(port_name(f"{at}.service.port.name", port_name_value))
    elif has_number:
        if is_int(number) and not port_ok(number):
            r.add(f"{at}.service.port.number {number} is out of range: use 1 to 65535")
    else:
        r.add(f"{at}.service.port is missing: give the Service port's name or number", field=at)


@upstream("validateIngressTLS")
def _tls(r: Report, spec: Mapping[str, Any]) -> None:
    for i, entry in enumerate(as_list(spec.get("tls"))):
        tls = as_dict(entry)
        for j, host in enumerate(as_list(tls.get("hosts"))):
            if isinstance(host, str):
                # TLS hosts may be IP addresses as far as the server is concerned: only the format
                where = f"spec.tls[{i}].hosts[{j}]"
                r.add(host_error(where, host) if "*" in host else subdomain(where, host))
        secret = tls.get("secretName")
        if isinstance(secret, str) and secret:
            r.add(subdomain(f"spec.tls[{i}].secretName", secret))


# -- NetworkPolicy -------------------------------------------------------------------------------
@kind(GROUP_VERSION, "NetworkPolicy", name_rule=subdomain, upstream="ValidateNetworkPolicy")
def _network_policy(r: Report, doc: Mapping[str, Any], spec: Mapping[str, Any]) -> None:
    selector = spec.get("podSelector")
    if isinstance(selector, dict):
        check_label_selector(r, selector, "spec.podSelector")
    for direction, peers_key in (("ingress", "from"), ("egress", "to")):
        for i, rule in enumerate(as_list(spec.get(direction))):
            at = f"spec.{direction}[{i}]"
            rule = as_dict(rule)
            for j, port in enumerate(as_list(rule.get("ports"))):
                _policy_port(r, as_dict(port), f"{at}.ports[{j}]")
            for j, peer in enumerate(as_list(rule.get(peers_key))):
                _peer(r, as_dict(peer), f"{at}.{peers_key}[{j}]")
    types = spec.get("policyTypes")
    if isinstance(types, list):
        if len(types) > 2:
            r.add(f"spec.policyTypes {types!r} has more than two entries: use Ingress, Egress or both")
            return
        for i, value in enumerate(types):
            if value not in POLICY_TYPES:
                r.add(f"spec.policyTypes[{i}] {value!r} is not supported: use Ingress or Egress")


@upstream("ValidateNetworkPolicyPort")
def _policy_port(r: Report, port: Mapping[str, Any], at: str) -> None:
    protocol = port.get("protocol")
    if protocol is not None and protocol not in PROTOCOLS:
        r.add(f"{at}.protocol {protocol!r} is not supported: use TCP, UDP or SCTP")
    value, end = port.get("port"), port.get("endPort")
    if value is None:
        if end is not None:
            r.add(f"{at}.endPort {end!r} may not be set without port: add port (the range's start)")
        return
    if is_int(value):
        if not 1 <= value <= 65535:
            r.add(f"{at}.port {value} is out of range: use 1 to 65535")
        if is_int(end):
            if end < value:
                r.add(f"{at}.endPort {end} must be greater than or equal to port {value}")
            if not port_ok(end):
                r.add(f"{at}.endPort {end} is out of range: use 1 to 65535")
    elif isinstance(value, str):
        if end is not None:
            r.add(f"{at}.endPort {end!r} may not be set when port {value!r} is a name: use a port number")
        r.add(port_name(f"{at}.port", value))


@upstream("ValidateNetworkPolicyPeer")
def _peer(r: Report, peer: Mapping[str, Any], at: str) -> None:
    count = 0
    for key in ("podSelector", "namespaceSelector"):
        selector = peer.get(key)
        if selector is not None:
            count += 1
            if isinstance(selector, dict):
                check_label_selector(r, selector, f"{at}.{key}")
    block = peer.get("ipBlock")
    if block is not None:
        count += 1
        _ip_block(r, as_dict(block), f"{at}.ipBlock")
    if count == 0:
        r.add(f"{at} names no peer: set podSelector, namespaceSelector or ipBlock", field=at)
    elif count > 1 and block is not None:
        r.add(f"{at} sets ipBlock and another peer: an ipBlock peer stands alone, split it in two", field=at)


@upstream("ValidateIPBlock")
def _ip_block(r: Report, block: Mapping[str, Any], at: str) -> None:
    cidr = block.get("cidr")
    if not cidr:
        r.add(f"{at}.cidr is missing: give a CIDR such as 10.0.0.0/8")
        return
    if not isinstance(cidr, str):
        return
    error = cidr_error(f"{at}.cidr", cidr)
    if error is not None:
        r.add(error)
        return
    for i, excepted in enumerate(as_list(block.get("except"))):
        if not isinstance(excepted, str):
            continue
        where = f"{at}.except[{i}]"
        r.add(cidr_error(where, excepted) or except_error(where, cidr, excepted))
