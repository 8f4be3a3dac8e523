"""``Service``: one stable address in front of a workload's pods, built from its named ports.

Pods come and go with new IPs; a Service gives them one name (``web.<namespace>.svc``) and
load-balances over the pods its selector matches. podkit builds the Service from the
workload object and the container ``Port`` objects it should expose, so the selector is the
workload's (never retyped) and each ``targetPort`` is the container port's *name* when it
has one: renumbering the container then needs no change here.

Types: ``CLUSTER_IP`` (inside the cluster; the default), ``NODE_PORT`` (also on every node's
IP), ``LOAD_BALANCER`` (a cloud load balancer) and ``HEADLESS`` (``clusterIP: None``: no
virtual IP, DNS returns the pod IPs; what a StatefulSet needs for per-pod names).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import constructs

from . import _checks
from ._app_objects import TARGET_NAMESPACE_FIX, namespace_of, target_namespace
from ._checks import enum_arg
from ._resource import PodkitResource
from ._workload import _Workload
from .container import Port
from .errors import MissingReferenceError, PodkitError, PodkitTypeError, Problem

__all__ = ["Service", "ServicePort", "ServiceType"]


class ServiceType(enum.Enum):
    """How a Service is reached."""

    #: a virtual IP inside the cluster (Kubernetes' default)
    CLUSTER_IP = "ClusterIP"
    #: also a port on every node (30000-32767)
    NODE_PORT = "NodePort"
    #: also an external load balancer (cloud providers)
    LOAD_BALANCER = "LoadBalancer"
    #: no virtual IP: DNS answers with the pods' IPs (StatefulSets' per-pod names)
    HEADLESS = "None"


@dataclass(frozen=True)
class ServicePort:
    """One port of a Service, forwarding to a container ``Port``.

    :param target: the container port (``Port``) traffic goes to; a pod must declare it.
    :param port: the Service's port. Default: the container port's number.
    :param node_port: a fixed node port (NodePort/LoadBalancer only). Default: one is picked.
    :param name: default: the container port's name. Required by Kubernetes when a Service
        has several ports, so name the container ports.
    """

    target: Port
    port: int | None = None
    node_port: int | None = None
    name: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.target, Port):
            raise PodkitTypeError(
                "ServicePort",
                f"target must be a container Port (e.g. Port(8080, name='http')), got {self.target!r}",
            )
        where = f"service port {self.number}"
        if self.port is not None:
            _checks.port_number(where, "port", self.port)
        if self.node_port is not None:
            _checks.port_number(where, "node_port", self.node_port)
        if self.name is not None:
            _checks.port_name(where, self.name)

    @property
    def number(self) -> int:
        """The Service's port number."""
        return self.port if self.port is not None else self.target.number

    def render(self) -> dict[str, Any]:
        target = self.target
        return {
            "name": self.name if self.name is not None else target.name,
            "port": self.number,
            # by name when the container port has one: renumbering the container needs no change here
            "targetPort": target.name if target.name is not None else target.number,
            "protocol": target.protocol.value if target.protocol.value != "TCP" else None,
            "nodePort": self.node_port,
        }


class Service(PodkitResource):
    """A Service selecting a workload's pods.

    ``Service(chart, "web", target=deployment, ports=[ServicePort(http, port=80)])``

    :param target: the workload (``Deployment``, ``StatefulSet``, ...); the selector is its
        selector labels.
    :param ports: ``ServicePort``\\ s, or container ``Port``\\ s (same number on the Service).
        Each must be a port declared by the target's containers. May be empty only for HEADLESS.
    :param type: default ``ServiceType.CLUSTER_IP`` (not written out: Kubernetes' default).
    :param name: Kubernetes name (a DNS-1035 label: starts with a letter). Default: ``id``.
    :param namespace: default: the target's namespace, else the chart's. Another namespace
        than the target's fails at synth: the Service would select none of its pods. A namespace
        here and none on the target, or the reverse, is not refused: it works if the one without
        is applied to that namespace (the app's reference check warns:
        ``NamespaceReferenceWarning``).
    :param annotations: annotations of the Service (e.g. a cloud load balancer's settings).
        Default: none.
    """

    KIND = "Service"

    def __init__(
        self,
        scope: constructs.Construct,
        id: str,
        *,
        target: _Workload,
        ports: Sequence[ServicePort | Port] = (),
        type: ServiceType = ServiceType.CLUSTER_IP,
        labels: Mapping[str, str] | None = None,
        annotations: Mapping[str, str] | None = None,
        name: str | None = None,
        namespace: str | None = None,
    ) -> None:
        namespace = target_namespace(namespace, target)
        super().__init__(scope, id, name=name, labels=labels, annotations=annotations, namespace=namespace)
        error = _checks.dns1035_label_error("Service name", self.name)
        if error:
            raise PodkitError(self.path, error)
        if not isinstance(target, _Workload):
            raise PodkitTypeError(
                self.path,
                f"target must be a workload (Deployment, StatefulSet, DaemonSet, ...), got {target.__class__.__name__}",
            )
        self._in_my_chart(
            target,
            "target",
            "a Service selects pods of its own namespace",
            "create the Service in the chart of its target",
        )
        self.type = enum_arg(self.path, "type", type, ServiceType)
        self.target = target
        self._ports: list[ServicePort] = []
        if isinstance(ports, ServicePort | Port | str | bytes) or not isinstance(ports, Iterable):
            raise PodkitTypeError(self.path, f"ports takes a list, got a single {ports!r}: write [port]")
        for p in ports:
            self.add_port(p)

    @property
    def ports(self) -> list[ServicePort]:
        return list(self._ports)

    def add_port(self, port: ServicePort | Port) -> ServicePort:
        """Expose one more container port. A ``Port`` is exposed under its own number."""
        if isinstance(port, Port):
            port = ServicePort(port)
        if not isinstance(port, ServicePort):
            raise PodkitTypeError(
                self.path,
                f"ports must be ServicePort or container Port objects, got {port.__class__.__name__} {port!r}",
            )
        missing = self._undeclared(port)
        if missing:
            raise MissingReferenceError(self.path, missing)
        if port.node_port is not None and self.type not in (ServiceType.NODE_PORT, ServiceType.LOAD_BALANCER):
            raise PodkitError(
                self.path,
                f"port {port.number}: node_port {port.node_port} is only allowed for ServiceType.NODE_PORT or "
                f"LOAD_BALANCER, not {self.type.name}; remove node_port or change the type",
            )
        for other in self._ports:
            if other.number == port.number and other.target.protocol == port.target.protocol:
                raise PodkitError(
                    self.path, f"port {port.number} is exposed twice; give each ServicePort its own port="
                )
        self._ports.append(port)
        return port

    def _undeclared(self, port: ServicePort) -> str | None:
        # identity, or an equal Port (frozen dataclass): the port the pod really declares
        declared = [p for c in self.target.containers for p in c.ports]
        if any(p == port.target for p in declared):
            return None
        shown = ", ".join(str(p.number) + (f" ({p.name})" if p.name else "") for p in declared) or "none"
        return (
            f"port {port.target.number}{f' ({port.target.name})' if port.target.name else ''} is not declared "
            f"by any container of {self.target.KIND} {self.target.path!r} (declared: {shown}); add it to a "
            f"container's ports=[...] first, or expose one of those"
        )

    def _check(self, problems: list[Problem]) -> None:
        target = self.target
        mine, theirs = namespace_of(self), namespace_of(target)
        # Only two written namespaces can differ for sure. With one side without a namespace the
        # Service has the target's pods only if that side is applied to the other's namespace:
        # the app-wide reference check warns about that pair from the final objects (patches
        # included; _references), so this check adds no second warning of its own.
        if mine is not None and theirs is not None and mine != theirs:
            # the API server accepts it, and the Service has no endpoints: a selector matches only
            # pods of the Service's own namespace
            # (https://kubernetes.io/docs/concepts/services-networking/service/#services-in-kubernetes)
            given = self._namespace is not None and self._namespace != target._namespace
            problems.append(
                self._problem(
                    f"the Service is in namespace {mine!r} and its target {target.KIND} "
                    f"{target.path!r} in {theirs!r}: a Service selects pods of its own "
                    f"namespace, so it selects none of the target's",
                    TARGET_NAMESPACE_FIX if given else "create the Service in the chart of its target",
                )
            )
        # containers are values that may have changed since the Service was built
        for port in self._ports:
            missing = self._undeclared(port)
            if missing:
                problems.append(self._problem(missing))
        if not self._ports and self.type is not ServiceType.HEADLESS:
            problems.append(self._problem("the Service exposes no ports", "pass ports=[...]"))
        if len(self._ports) > 1:
            for p in self._ports:
                if p.render()["name"] is None:
                    problems.append(
                        self._problem(
                            f"port {p.number} has no name, and a Service with several ports must name each one",
                            "name the container Port (Port(8080, name='http')) or pass ServicePort(..., name=...)",
                        )
                    )

    def _render_body(self, problems: list[Problem]) -> dict[str, Any]:
        headless = self.type is ServiceType.HEADLESS
        return {
            "spec": {
                "type": None
                if self.type in (ServiceType.CLUSTER_IP, ServiceType.HEADLESS)
                else self.type.value,
                "clusterIP": "None" if headless else None,
                "selector": self.target.selector_labels,
                "ports": [p.render() for p in self._ports] or None,
            }
        }
