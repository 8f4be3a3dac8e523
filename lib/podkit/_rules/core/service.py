"""Services (core validation: ValidateService)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._base import PROTOCOLS, Report, dns1035, label, port_name, port_ok, subdomain
from ..meta import check_labels
from ..registry import kind

__all__: list[str] = []


@kind("v1", "Service", name_rule=dns1035, upstream="ValidateService")
def _service(r: Report, doc: Mapping[str, Any], spec: Mapping[str, Any]) -> None:
    kind = spec.get("type") or "ClusterIP"
    r.enum("spec.type", spec.get("type"), ("ClusterIP", "NodePort", "LoadBalancer", "ExternalName"))
    cluster_ip = spec.get("clusterIP")
    headless = cluster_ip == "None"
    if headless and kind != "ClusterIP":
        r.add(
            f"spec.clusterIP 'None' (headless) is only allowed for type ClusterIP, not {kind}: remove clusterIP or the type"
        )
    if kind == "ExternalName":
        external = spec.get("externalName")
        if not isinstance(external, str) or not external:
            r.add("spec.externalName is missing: an ExternalName Service needs the DNS name it points to")
        else:
            r.add(subdomain("spec.externalName", external.rstrip(".").lower()))
    ports = spec.get("ports")
    ports = ports if isinstance(ports, list) else []
    if not ports and kind != "ExternalName" and not headless:
        r.add("spec.ports is empty: list at least one port")
    names: set[str] = set()
    # an unknown type is reported above; judging nodePort against it would say it twice
    node_ports = kind in ("NodePort", "LoadBalancer") or kind not in ("ClusterIP", "ExternalName")
    for i, port in enumerate(ports):
        if not isinstance(port, dict):
            continue
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
        r.enum(f"{at}.protocol", port.get("protocol"), PROTOCOLS)
        target = port.get("targetPort")
        if isinstance(target, str):
            r.add(port_name(f"{at}.targetPort", target))
        elif target is not None and target != 0 and (not port_ok(target)):
            r.add(
                f"{at}.targetPort {target!r} is out of range: use a port between 1 and 65535 or a port name"
            )
        node_port = port.get("nodePort")
        if node_port is not None and node_port != 0:
            if not node_ports:
                r.add(
                    f"{at}.nodePort {node_port!r} is only allowed for type NodePort or LoadBalancer: remove it"
                )
            elif not port_ok(node_port):
                r.add(f"{at}.nodePort {node_port!r} is out of range: use a port between 1 and 65535")
    check_labels(r, spec.get("selector"), "spec.selector")
    r.enum("spec.sessionAffinity", spec.get("sessionAffinity"), ("ClientIP", "None"))
