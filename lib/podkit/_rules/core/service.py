"""Services (core validation: ValidateService, and what the API server's Service REST storage
checks before it: NormalizeClusterIPs, the ClusterIP and NodePort allocators).

The API server defaults a v1 Service before validating it (``SetDefaults_Service``): ``type``
ClusterIP, ``sessionAffinity`` None (which drops ``sessionAffinityConfig``), a ClientIP
``timeoutSeconds`` of 10800, each port's ``protocol`` TCP and ``targetPort`` its ``port``,
``externalTrafficPolicy`` Cluster on externally reachable Services, ``internalTrafficPolicy``
Cluster and ``allocateLoadBalancerNodePorts`` true. The rules below read the object as written
and apply those defaults where they read a field, so nothing the server fills in is reported.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from typing import Any

from .._base import (
    PROTOCOLS,
    Report,
    as_dict,
    as_list,
    dns1035,
    is_int,
    label,
    port_name,
    port_ok,
    qualified,
    subdomain,
    upstream,
)
from ..meta import check_labels
from ..registry import kind

__all__ = ["cidr_error", "ip_error", "parse_ip"]

TYPES = ("ClusterIP", "NodePort", "LoadBalancer", "ExternalName")
AFFINITIES = ("ClientIP", "None")
TRAFFIC_POLICIES = ("Cluster", "Local")
IP_FAMILIES = ("IPv4", "IPv6")
IP_FAMILY_POLICIES = ("PreferDualStack", "RequireDualStack", "SingleStack")
MAX_AFFINITY_SECONDS = 86400  # core.MaxClientIPServiceAffinitySeconds
SOURCE_RANGES = "service.beta.kubernetes.io/load-balancer-source-ranges"
TOPOLOGY_HINTS = "service.kubernetes.io/topology-aware-hints"
TOPOLOGY_MODE = "service.kubernetes.io/topology-mode"

_IPV4 = re.compile(r"([0-9]+)\.([0-9]+)\.([0-9]+)\.([0-9]+)\Z")
_DIGITS = re.compile(r"[0-9]+\Z")
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def _key(value: object) -> object:
    """``value`` as a set/dict key: patched objects may hold lists or maps anywhere."""
    return value if value is None or isinstance(value, (str, int, float)) else repr(value)


# -- addresses, as k8s.io/utils/net reads them (ParseIPSloppy, ParseCIDRSloppy) ---------------
def _ipv4(text: str) -> ipaddress.IPv4Address | None:
    """Go's net.ParseIP on dotted IPv4, as Kubernetes forked it: leading zeros are allowed
    (and read as decimal, '010' is 10)."""
    m = _IPV4.match(text)
    if m is None:
        return None
    octets = [int(part) for part in m.groups()]
    if any(o > 255 for o in octets):
        return None
    return ipaddress.IPv4Address(bytes(octets))


def parse_ip(value: object) -> IPAddress | None:
    """The address ``value`` names (``ParseIPSloppy``), or ``None``. IPv4-mapped IPv6 addresses
    (``::ffff:1.2.3.4``) come back as IPv4, as Go's ``To4`` sees them; zones are refused."""
    if not isinstance(value, str) or not value or not value.isascii():
        return None
    if ":" not in value:
        return _ipv4(value)
    if "%" in value:
        return None
    head, _, tail = value.rpartition(":")
    if "." in tail:  # an embedded IPv4 tail, with the same sloppy octets
        v4 = _ipv4(tail)
        if v4 is None:
            return None
        value = f"{head}:{v4}"
    try:
        v6 = ipaddress.IPv6Address(value)
    except ValueError:
        return None
    mapped = v6.ipv4_mapped
    return mapped if mapped is not None else v6


def ip_error(where: str, value: object) -> str | None:
    """``validation.IsValidIP``."""
    if parse_ip(value) is not None:
        return None
    return f"{where} {value!r} is not a valid IP address: write one such as 10.9.8.7 or 2001:db8::ffff"


def cidr_error(where: str, value: object) -> str | None:
    """``validation.IsValidCIDR`` (``ParseCIDRSloppy``)."""
    if isinstance(value, str):
        address, slash, bits = value.partition("/")
        ip = parse_ip(address) if slash else None
        if ip is not None and _DIGITS.match(bits):
            width = 32 if ":" not in address else 128
            if int(bits) <= width:
                return None
    return f"{where} {value!r} is not a valid CIDR: write one such as 10.9.8.0/24 or 2001:db8::/64"


def _special_ip(ip: IPAddress) -> str | None:
    """What ``ValidateNonSpecialIP`` refuses in a valid address."""
    if ip.is_unspecified:
        return "is unspecified"
    packed = ip.packed
    if isinstance(ip, ipaddress.IPv4Address):
        if packed[0] == 127:
            return "is in the loopback range (127.0.0.0/8, ::1/128)"
        if packed[:2] == b"\xa9\xfe":
            return "is in the link-local range (169.254.0.0/16, fe80::/10)"
        if packed[:3] == b"\xe0\x00\x00":
            return "is in the link-local multicast range (224.0.0.0/24, ff02::/10)"
        return None
    if ip.is_loopback:
        return "is in the loopback range (127.0.0.0/8, ::1/128)"
    if packed[0] == 0xFE and packed[1] & 0xC0 == 0x80:
        return "is in the link-local range (169.254.0.0/16, fe80::/10)"
    if packed[0] == 0xFF and packed[1] & 0x0F == 0x02:
        return "is in the link-local multicast range (224.0.0.0/24, ff02::/10)"
    return None


# -- the Service ---------------------------------------------------------------------------------
@kind("v1", "Service", name_rule=dns1035, upstream="ValidateService")
def _service(r: Report, doc: Mapping[str, Any], spec: Mapping[str, Any]) -> None:
    annotations = as_dict(as_dict(doc.get("metadata")).get("annotations"))
    written_type = spec.get("type")
    svc_type = written_type or "ClusterIP"  # v1 default
    ports: list[Mapping[str, Any]] = [as_dict(p) for p in as_list(spec.get("ports"))]
    ips = _cluster_ips(spec)
    headless = len(ips) == 1 and ips[0] == "None"

    _topology(r, annotations)
    if not ports and not headless and svc_type != "ExternalName":
        r.add("spec.ports is empty: list at least one port")
    _type_fields(r, spec, svc_type, ips, headless)
    _ports(r, ports)
    check_labels(r, spec.get("selector"), "spec.selector")
    _session_affinity(r, spec)
    if svc_type != "ExternalName":
        _cluster_ips_and_families(r, spec, ips, headless)
    _external_ips(r, spec)
    if written_type and written_type not in TYPES:  # "" is defaulted to ClusterIP
        r.add(f"spec.type {written_type!r} is not supported: use one of {', '.join(TYPES)}")
    _node_ports(r, spec, svc_type, ports)
    _source_ranges(r, spec, svc_type, annotations)
    if spec.get("allocateLoadBalancerNodePorts") is not None and svc_type != "LoadBalancer":
        r.add(
            f"spec.allocateLoadBalancerNodePorts is only allowed for type LoadBalancer, not {svc_type}: remove it"
        )
    _load_balancer_class(r, spec, svc_type)
    _traffic_policies(r, spec, svc_type)
    _internal_traffic_policy(r, spec)
    _traffic_distribution(r, spec)


def _cluster_ips(spec: Mapping[str, Any]) -> list[Any]:
    """``spec.clusterIPs`` as the API server validates it: filled from ``clusterIP`` when only that
    is written (NormalizeClusterIPs)."""
    ips = as_list(spec.get("clusterIPs"))
    cluster_ip = spec.get("clusterIP")
    if not ips and isinstance(cluster_ip, str) and cluster_ip:
        return [cluster_ip]
    return ips


def _primary(spec: Mapping[str, Any]) -> str:
    """The field a user wrote the primary cluster IP in: ``spec.clusterIP`` when set."""
    return "spec.clusterIP" if spec.get("clusterIP") else "spec.clusterIPs[0]"


def _ip_field(spec: Mapping[str, Any], i: int) -> str:
    """Where ``clusterIPs[i]`` was written (``clusterIP`` when the list was not)."""
    return f"spec.clusterIPs[{i}]" if as_list(spec.get("clusterIPs")) else "spec.clusterIP"


@upstream("ValidateService")
def _topology(r: Report, annotations: Mapping[str, Any]) -> None:
    if TOPOLOGY_MODE in annotations and TOPOLOGY_HINTS in annotations:
        mode, hints = annotations[TOPOLOGY_MODE], annotations[TOPOLOGY_HINTS]
        if mode != hints:
            r.add(
                f"metadata.annotations['{TOPOLOGY_MODE}'] {mode!r} differs from "
                f"metadata.annotations['{TOPOLOGY_HINTS}'] {hints!r}: set both to the same value, "
                f"or drop the deprecated {TOPOLOGY_HINTS}"
            )


@upstream("ValidateService")
def _type_fields(r: Report, spec: Mapping[str, Any], svc_type: str, ips: list[Any], headless: bool) -> None:
    if svc_type in ("LoadBalancer", "NodePort") and headless:
        r.add(
            f"{_primary(spec)} 'None' (headless) is only allowed for type ClusterIP, not {svc_type}: "
            f"remove clusterIP or the type"
        )
    if svc_type != "ExternalName":
        return
    if ips:
        where = "spec.clusterIP" if spec.get("clusterIP") else "spec.clusterIPs"
        shown = spec.get("clusterIP") or ips
        r.add(f"{where} {shown!r} is not allowed for type ExternalName: remove clusterIP and clusterIPs")
    if as_list(spec.get("ipFamilies")):
        r.add("spec.ipFamilies is not allowed for type ExternalName: remove it")
    if spec.get("ipFamilyPolicy") is not None:
        r.add("spec.ipFamilyPolicy is not allowed for type ExternalName: remove it")
    external = spec.get("externalName")
    cname = external.removesuffix(".") if isinstance(external, str) else ""
    if not cname:
        r.add("spec.externalName is missing: an ExternalName Service needs the DNS name it points to")
    else:
        r.add(subdomain("spec.externalName", cname))


@upstream("validateServicePort")
def _ports(r: Report, ports: list[Mapping[str, Any]]) -> None:
    names: set[str] = set()
    seen: set[tuple[object, object]] = set()
    for i, port in enumerate(ports):
        at = f"spec.ports[{i}]"
        name = port.get("name")
        if not name:
            if len(ports) > 1:
                r.add(f"{at}.name is missing: a Service with several ports must name each one")
        elif isinstance(name, str):
            r.add(label(f"{at}.name", name))
            if name in names:
                r.add(f"{at}.name {name!r} is used by another port: give each port its own name")
            names.add(name)
        number = port.get("port")
        if not port_ok(number):
            r.add(f"{at}.port {number!r} is out of range: use a port between 1 and 65535")
        protocol = port.get("protocol") or "TCP"  # v1 default
        if protocol not in PROTOCOLS:
            r.add(f"{at}.protocol {protocol!r} is not supported: use one of {', '.join(PROTOCOLS)}")
        target = port.get("targetPort")
        if isinstance(target, str) and target:
            r.add(port_name(f"{at}.targetPort", target))
        elif is_int(target) and target != 0 and not port_ok(target):
            r.add(
                f"{at}.targetPort {target!r} is out of range: use a port between 1 and 65535 or a port name"
            )
        app_protocol = port.get("appProtocol")
        if isinstance(app_protocol, str):
            r.add(qualified(f"{at}.appProtocol", app_protocol))
        key = (_key(protocol), _key(number))
        if key in seen:
            r.add(
                f"{at} repeats port {number!r}/{protocol} of an earlier port: each port and protocol "
                f"pair may appear once; remove it or change its port"
            )
        seen.add(key)


@upstream("validateClientIPAffinityConfig")
def _session_affinity(r: Report, spec: Mapping[str, Any]) -> None:
    affinity = spec.get("sessionAffinity") or "None"  # v1 default
    if affinity not in AFFINITIES:
        r.add(f"spec.sessionAffinity {affinity!r} is not supported: use ClientIP or None")
        return
    if affinity != "ClientIP":
        return  # v1 defaulting drops sessionAffinityConfig when the affinity is None
    timeout = as_dict(as_dict(spec.get("sessionAffinityConfig")).get("clientIP")).get("timeoutSeconds")
    if timeout is not None and (not is_int(timeout) or not 0 < timeout <= MAX_AFFINITY_SECONDS):
        r.add(
            f"spec.sessionAffinityConfig.clientIP.timeoutSeconds {timeout!r} is out of range: use "
            f"1 to {MAX_AFFINITY_SECONDS} seconds (or leave it out for 10800)"
        )


@upstream("ValidateServiceClusterIPsRelatedFields")
def _cluster_ips_and_families(r: Report, spec: Mapping[str, Any], ips: list[Any], headless: bool) -> None:
    cluster_ip = spec.get("clusterIP")
    written = as_list(spec.get("clusterIPs"))
    if cluster_ip and written and written[0] != cluster_ip:
        r.add(
            f"spec.clusterIPs {written!r} must begin with spec.clusterIP {cluster_ip!r}: make the first "
            f"entry the same, or write only one of them"
        )
    elif not cluster_ip and written:
        r.add(f"spec.clusterIPs {written!r} is set without spec.clusterIP: set clusterIP to its first entry")

    families = as_list(spec.get("ipFamilies"))
    seen: set[object] = set()
    for i, family in enumerate(families):
        if family not in IP_FAMILIES:
            r.add(f"spec.ipFamilies[{i}] {family!r} is not supported: use IPv4 or IPv6")
        elif family in seen:
            r.add(f"spec.ipFamilies[{i}] {family!r} is listed twice: list each IP family once")
        seen.add(_key(family))
    if len(families) > 2:
        r.add(f"spec.ipFamilies {families!r} has more than two entries: list IPv4, IPv6 or both")
    policy = spec.get("ipFamilyPolicy")
    if policy is not None and policy not in IP_FAMILY_POLICIES:
        r.add(f"spec.ipFamilyPolicy {policy!r} is not supported: use one of {', '.join(IP_FAMILY_POLICIES)}")

    invalid = False
    parsed: list[IPAddress | None] = []
    for i, ip in enumerate(ips):
        if i == 0 and ip == "None":
            if len(ips) > 1:
                invalid = True
                r.add(f"spec.clusterIPs {ips!r}: 'None' (headless) must be the only entry; remove the others")
            parsed.append(None)
            continue
        error = ip_error(_ip_field(spec, i), ip)
        if error is not None:
            invalid = True
            r.add(error)
        parsed.append(parse_ip(ip))
    if len(ips) > 2:
        r.add(
            f"spec.clusterIPs {ips!r} has more than two entries: give at most one IPv4 and one IPv6 address"
        )
    if invalid:
        return
    if len(ips) > 1 and len({type(ip) for ip in parsed}) != len(parsed):
        r.add(f"spec.clusterIPs {ips!r} repeats an IP family: give at most one IPv4 and one IPv6 address")
    if not headless and ips and families:
        for i, ip in enumerate(parsed[: len(families)]):
            v6 = isinstance(ip, ipaddress.IPv6Address)
            if families[i] == "IPv4" and v6:
                r.add(
                    f"{_ip_field(spec, i)} {ips[i]!r} is IPv6 but spec.ipFamilies[{i}] is IPv4: make them match"
                )
            elif families[i] == "IPv6" and not v6:
                r.add(
                    f"{_ip_field(spec, i)} {ips[i]!r} is IPv4 but spec.ipFamilies[{i}] is IPv6: make them match"
                )
    # the IP allocator (initIPFamilyFields), whatever the cluster: SingleStack means one family
    if policy == "SingleStack":
        if len(ips) > 1:
            r.add(
                f"spec.ipFamilyPolicy 'SingleStack' cannot have two spec.clusterIPs {ips!r}: use "
                f"PreferDualStack or RequireDualStack, or give one address"
            )
        if len(families) > 1:
            r.add(
                f"spec.ipFamilyPolicy 'SingleStack' cannot have two spec.ipFamilies {families!r}: use "
                f"PreferDualStack or RequireDualStack, or list one family"
            )


@upstream("ValidateNonSpecialIP")
def _external_ips(r: Report, spec: Mapping[str, Any]) -> None:
    for i, value in enumerate(as_list(spec.get("externalIPs"))):
        where = f"spec.externalIPs[{i}]"
        ip = parse_ip(value)
        if ip is None:
            r.add(ip_error(where, value))
            continue
        special = _special_ip(ip)
        if special is not None:
            r.add(f"{where} {value!r} {special}: use an address that routes to the cluster's nodes")


@upstream("ValidateService")
def _node_ports(r: Report, spec: Mapping[str, Any], svc_type: str, ports: list[Mapping[str, Any]]) -> None:
    duplicates: set[int] = set()
    seen: set[tuple[object, object]] = set()
    for i, port in enumerate(ports):
        node_port = port.get("nodePort")
        if node_port is None or node_port == 0:
            continue
        if svc_type == "ClusterIP":
            r.add(
                f"spec.ports[{i}].nodePort {node_port!r} is only allowed for type NodePort or "
                f"LoadBalancer: remove it"
            )
        key = (_key(port.get("protocol") or "TCP"), _key(node_port))
        if key in seen:
            duplicates.add(i)
            r.add(
                f"spec.ports[{i}].nodePort {node_port!r} is used by another {key[0]} port: give each "
                f"port its own nodePort, or leave it out to have one allocated"
            )
        seen.add(key)
    if svc_type in ("NodePort", "LoadBalancer"):
        _allocate_node_ports(r, spec, ports, duplicates)


@upstream("initNodePorts")
def _allocate_node_ports(
    r: Report, spec: Mapping[str, Any], ports: list[Mapping[str, Any]], duplicates: set[int]
) -> None:
    """The NodePort allocator: each requested nodePort must lie in the cluster's range and be
    free; ports of the same port number share one nodePort (initNodePorts)."""
    low, high = r.settings.node_port_range
    allocated: set[object] = set()
    by_port: dict[object, object] = {}

    def allocate(i: int, node_port: object) -> None:
        if not is_int(node_port) or not low <= node_port <= high:  # type: ignore[operator]
            r.add(
                f"spec.ports[{i}].nodePort {node_port!r} is outside the cluster's NodePort range "
                f"{low}-{high}: pick one in the range, or leave it out to have one allocated"
            )
        elif node_port in allocated and i not in duplicates:
            r.add(
                f"spec.ports[{i}].nodePort {node_port!r} is already used by a port of another port "
                f"number: give each port number its own nodePort"
            )
        allocated.add(node_port)

    for i, port in enumerate(ports):
        node_port = _key(port.get("nodePort") or 0)
        number = _key(port.get("port"))
        if number not in by_port:
            # the first nodePort requested for this port number, by this entry or a later one
            requested = next(
                (
                    _key(p.get("nodePort"))
                    for p in ports
                    if _key(p.get("port")) == number and p.get("nodePort")
                ),
                0,
            )
            by_port[number] = requested
            if requested:
                allocate(i, requested)
        elif node_port and node_port != by_port[number]:
            allocate(i, node_port)
    health = spec.get("healthCheckNodePort")
    if health and spec.get("type") == "LoadBalancer" and spec.get("externalTrafficPolicy") == "Local":
        if port_ok(health) and not low <= health <= high:
            r.add(
                f"spec.healthCheckNodePort {health!r} is outside the cluster's NodePort range "
                f"{low}-{high}: pick one in the range, or leave it out to have one allocated"
            )
        elif _key(health) in allocated:
            r.add(
                f"spec.healthCheckNodePort {health!r} is already a nodePort of this Service: pick "
                f"another, or leave it out to have one allocated"
            )


@upstream("ValidateService")
def _source_ranges(r: Report, spec: Mapping[str, Any], svc_type: str, annotations: Mapping[str, Any]) -> None:
    ranges = as_list(spec.get("loadBalancerSourceRanges"))
    if ranges:
        if svc_type != "LoadBalancer":
            r.add(
                f"spec.loadBalancerSourceRanges is only allowed for type LoadBalancer, not {svc_type}: remove it"
            )
        for i, value in enumerate(ranges):
            text = value.strip() if isinstance(value, str) else value
            r.add(cidr_error(f"spec.loadBalancerSourceRanges[{i}]", text))
        return
    if SOURCE_RANGES not in annotations:
        return
    where = f"metadata.annotations['{SOURCE_RANGES}']"
    if svc_type != "LoadBalancer":
        r.add(f"{where} is only allowed for type LoadBalancer, not {svc_type}: remove the annotation")
    value = annotations[SOURCE_RANGES]
    text = value.strip() if isinstance(value, str) else ""
    if text:
        for part in text.split(","):
            r.add(cidr_error(where, part.strip()))


@upstream("validateLoadBalancerClassField")
def _load_balancer_class(r: Report, spec: Mapping[str, Any], svc_type: str) -> None:
    lb_class = spec.get("loadBalancerClass")
    if lb_class is None:
        return
    if svc_type != "LoadBalancer":
        r.add(f"spec.loadBalancerClass is only allowed for type LoadBalancer, not {svc_type}: remove it")
    elif isinstance(lb_class, str):
        r.add(qualified("spec.loadBalancerClass", lb_class))


@upstream("validateServiceExternalTrafficPolicy")
def _traffic_policies(r: Report, spec: Mapping[str, Any], svc_type: str) -> None:
    reachable = svc_type in ("LoadBalancer", "NodePort") or (
        svc_type == "ClusterIP" and bool(as_list(spec.get("externalIPs")))
    )
    external = spec.get("externalTrafficPolicy")
    if not reachable:
        if external:
            r.add(
                f"spec.externalTrafficPolicy {external!r} is only allowed for a NodePort or "
                f"LoadBalancer Service, or one with externalIPs: remove it"
            )
    elif external and external not in TRAFFIC_POLICIES:
        r.add(f"spec.externalTrafficPolicy {external!r} is not supported: use Cluster or Local")
    health = spec.get("healthCheckNodePort")
    needs_health = svc_type == "LoadBalancer" and external == "Local"
    if health is not None and health != 0:
        if not needs_health:
            r.add(
                f"spec.healthCheckNodePort {health!r} is only allowed for type LoadBalancer with "
                f"externalTrafficPolicy Local: remove it"
            )
        elif not port_ok(health):
            r.add(f"spec.healthCheckNodePort {health!r} is out of range: use a port between 1 and 65535")


@upstream("validateServiceInternalTrafficFieldsValue")
def _internal_traffic_policy(r: Report, spec: Mapping[str, Any]) -> None:
    internal = spec.get("internalTrafficPolicy")
    if internal is not None and internal not in TRAFFIC_POLICIES:
        r.add(f"spec.internalTrafficPolicy {internal!r} is not supported: use Cluster or Local")


@upstream("validateServiceTrafficDistribution")
def _traffic_distribution(r: Report, spec: Mapping[str, Any]) -> None:
    distribution = spec.get("trafficDistribution")
    if distribution is not None and distribution != "PreferClose":
        r.add(f"spec.trafficDistribution {distribution!r} is not supported: use PreferClose")
