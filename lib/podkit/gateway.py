"""Gateway API (``gateway.networking.k8s.io/v1``): ``Gateway``, ``HTTPRoute``, ``GRPCRoute``, from objects.

The successor of Ingress: a platform team runs a ``Gateway`` (its listeners: protocol, port,
hostname, TLS certificates, which routes may attach), and application teams attach routes to
it. podkit builds every reference from objects: a route's parent is the ``Gateway`` object
(and one of its ``Listener`` objects, as ``sectionName``) or a Gateway by name that another
app owns; a backend is a podkit ``Service`` and one of *its* ports, with a weight for canaries;
a listener's certificate is a ``kubernetes.io/tls`` Secret object.

Every object, typed, raw (``cdk8s.ApiObject``) or patched, is checked at synth against the
Gateway API CRD's structural schema and CEL rules, as the API server checks it: the v1 schemas
vendored by ``podkit import crd`` in ``imports/gateway_networking_k8s_io`` (podkit carries them
in ``_gateway_api_crds.json``, kept equal by a test), completed with the CEL rules and ``spec``
defaults of upstream's v1.5.1 experimental-channel CRDs, which the vendored package lacks
(``_gateway_api_rules.json``: listener names, TLS per protocol, hostnames on TCP and UDP, unique
port, protocol and hostname, addresses, filter types, redirect or rewrite, path values, gRPC
method names, timeouts ...). The constructs also check at the call what those rules say about
listeners (unique names; unique port, protocol and hostname; TLS certificates for HTTPS and
terminated TLS, none for HTTP, TCP and UDP; no hostname on TCP and UDP) and backend references
(a port for each Service), so such a mistake fails at the line that made it. Beyond the
CRD, at synth: a route's listener must exist, admit the route's kind and namespace, and share
a hostname with it; a backend Service must be in the route's namespace, a listener's certificate
in the Gateway's. Where one of two such objects has no namespace (kubectl's context or the GitOps
tool's destination decides it), they meet only if that is the other's: a
``NamespaceReferenceWarning``, never an error.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import constructs

from . import _checks, _crd, _crd_kinds
from ._app_objects import DESTINATION_DECIDES, between, namespace_of, never_meet
from ._checks import enum_arg
from ._data import KeyedSource
from ._resource import PodkitResource
from .container import Port
from .errors import DuplicateError, PodkitError, PodkitTypeError, Problem
from .ingress import service_port, tls_secret
from .service import Service, ServicePort

__all__ = [
    "BackendRef",
    "GRPCMatch",
    "GRPCRoute",
    "Gateway",
    "GatewayProtocol",
    "HTTPFilter",
    "HTTPMatch",
    "HTTPRoute",
    "Listener",
    "ParentRef",
    "RouteNamespaces",
    "TLSMode",
]

GROUP = "gateway.networking.k8s.io"
API_VERSION = f"{GROUP}/v1"

# the v1 kinds are checked against the vendored CRDs' schemas and CEL rules (_crd_kinds)
_crd_kinds.ensure_shipped(API_VERSION)


class GatewayProtocol(enum.Enum):
    """What a listener speaks."""

    HTTP = "HTTP"
    HTTPS = "HTTPS"
    TLS = "TLS"
    TCP = "TCP"
    UDP = "UDP"


class TLSMode(enum.Enum):
    """What a TLS listener does with the connection."""

    #: the Gateway terminates TLS with the listener's certificates (Gateway API's default)
    TERMINATE = "Terminate"
    #: the Gateway forwards the encrypted stream (TLS protocol only; no certificates)
    PASSTHROUGH = "Passthrough"


class RouteNamespaces(enum.Enum):
    """Which namespaces' routes may attach to a listener."""

    #: only routes of the Gateway's namespace (Gateway API's default)
    SAME = "Same"
    #: routes of any namespace
    ALL = "All"
    #: routes of the namespaces ``namespace_selector`` matches
    SELECTOR = "Selector"


_HOSTNAME_ERROR = (
    "hostname {value!r} is not a valid Gateway API hostname: a DNS name such as 'shop.example.com', or a "
    "wildcard '*.example.com' (no IP address, no port)"
)


def _hostname(where: str, value: object) -> str:
    from ._rules.core.service import parse_ip
    from ._rules.networking import host_error

    text = _checks.check_str(where, "hostname", value)
    if not text or parse_ip(text) is not None or host_error("hostname", text) is not None:
        raise PodkitError(where, _HOSTNAME_ERROR.format(value=text))
    return text


def _hostnames_meet(a: str, b: str) -> bool:
    """Whether two hostnames (either may be a wildcard) can name the same request host. A
    Gateway API wildcard matches any number of labels, so ``*.example.com`` meets
    ``a.b.example.com`` and ``*.shop.example.com``."""
    return a == b or (a.startswith("*.") and b.endswith(a[1:])) or (b.startswith("*.") and a.endswith(b[1:]))


# -- Gateway --------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Listener:
    """One port a Gateway listens on.

    :param name: unique in the Gateway (a DNS label); routes attach to it by object.
    :param port: 1-65535.
    :param protocol: ``GatewayProtocol``.
    :param hostname: the host names served (wildcard ``*.example.com`` allowed). Default: every
        host. Not allowed for TCP and UDP.
    :param certificates: ``kubernetes.io/tls`` Secrets (``SecretEnv.tls(...)``,
        ``SecretEnv.from_name(...)``) or cert-manager ``Certificate`` objects (the Secret each
        writes). Required for HTTPS and terminated TLS.
    :param tls_mode: default ``TLSMode.TERMINATE`` (written only for TLS listeners).
    :param routes_from: which namespaces' routes may attach. Default ``RouteNamespaces.SAME``.
    :param namespace_selector: the labels of those namespaces, with ``RouteNamespaces.SELECTOR``.
    :param route_kinds: the route kinds allowed (``"HTTPRoute"``, ``"GRPCRoute"``). Default: the
        kinds the protocol supports.
    """

    name: str
    port: int
    protocol: GatewayProtocol
    hostname: str | None = None
    certificates: Sequence[KeyedSource | _crd.CustomResource] = ()
    tls_mode: TLSMode = TLSMode.TERMINATE
    routes_from: RouteNamespaces = RouteNamespaces.SAME
    namespace_selector: Mapping[str, str] | None = None
    route_kinds: Sequence[str] = field(default=())
    #: the podkit object behind each of ``certificates`` (a Secret, or the cert-manager Certificate
    #: that writes it; None for a Secret given by name): whose namespace the Gateway compares
    _writers: tuple[PodkitResource | None, ...] = field(default=(), init=False, repr=False)

    def __post_init__(self) -> None:
        where = f"listener {self.name!r}"
        _checks.dns_label(where, "listener name", self.name)
        _checks.port_number(where, "port", self.port)
        enum_arg(where, "protocol", self.protocol, GatewayProtocol)
        enum_arg(where, "tls_mode", self.tls_mode, TLSMode)
        enum_arg(where, "routes_from", self.routes_from, RouteNamespaces)
        if self.hostname is not None:
            _hostname(where, self.hostname)
            if self.protocol in (GatewayProtocol.TCP, GatewayProtocol.UDP):
                raise PodkitError(
                    where, f"hostname is not allowed on a {self.protocol.value} listener: remove it"
                )
        if isinstance(self.certificates, KeyedSource):
            raise PodkitTypeError(where, "certificates takes a list: write [secret]")
        given = _checks.check_sequence("certificates", self.certificates, "[tls_secret]", path=where)
        certificates = tuple(tls_secret(where, secret) for secret in given)
        object.__setattr__(self, "certificates", certificates)
        # a Certificate becomes a reference to its Secret: keep the Certificate for its namespace
        object.__setattr__(
            self,
            "_writers",
            tuple(secret if isinstance(secret, PodkitResource) else None for secret in given),
        )
        terminates = self.protocol is GatewayProtocol.HTTPS or (
            self.protocol is GatewayProtocol.TLS and self.tls_mode is TLSMode.TERMINATE
        )
        if self.protocol in (GatewayProtocol.HTTP, GatewayProtocol.TCP, GatewayProtocol.UDP) and certificates:
            raise PodkitError(where, f"a {self.protocol.value} listener has no TLS: remove certificates")
        if self.tls_mode is TLSMode.PASSTHROUGH and self.protocol is not GatewayProtocol.TLS:
            raise PodkitError(where, "tls_mode PASSTHROUGH is for GatewayProtocol.TLS listeners only")
        if self.tls_mode is TLSMode.PASSTHROUGH and certificates:
            raise PodkitError(where, "a PASSTHROUGH listener forwards TLS untouched: remove certificates")
        if terminates and not certificates:
            raise PodkitError(
                where,
                f"a {self.protocol.value} listener that terminates TLS needs certificates=[...] (a kubernetes.io/tls "
                f"Secret such as SecretEnv.tls(...) or SecretEnv.from_name('...-tls'))",
            )
        selector = self.namespace_selector
        if (self.routes_from is RouteNamespaces.SELECTOR) != (selector is not None):
            raise PodkitError(
                where, "namespace_selector goes with routes_from=RouteNamespaces.SELECTOR, and it needs one"
            )
        if selector is not None:
            object.__setattr__(self, "namespace_selector", _checks.labels(where, selector))
        if isinstance(self.route_kinds, str):
            raise PodkitTypeError(where, f"route_kinds takes a list: write [{self.route_kinds!r}]")
        kinds = tuple(_checks.check_sequence("route_kinds", self.route_kinds, "['HTTPRoute']", path=where))
        for kind in kinds:
            if kind not in ("HTTPRoute", "GRPCRoute", "TLSRoute", "TCPRoute", "UDPRoute"):
                raise PodkitError(where, f"route kind {kind!r} is not a Gateway API route kind")
        object.__setattr__(self, "route_kinds", kinds)

    @property
    def terminates_tls(self) -> bool:
        return bool(self.certificates)

    def admits(self, kind: str) -> bool:
        """Whether routes of ``kind`` may attach (the explicit kinds, else the protocol's)."""
        if self.route_kinds:
            return kind in self.route_kinds
        by_protocol = {
            GatewayProtocol.HTTP: ("HTTPRoute", "GRPCRoute"),
            GatewayProtocol.HTTPS: ("HTTPRoute", "GRPCRoute"),
            GatewayProtocol.TLS: ("TLSRoute",),
            GatewayProtocol.TCP: ("TCPRoute",),
            GatewayProtocol.UDP: ("UDPRoute",),
        }
        return kind in by_protocol[self.protocol]

    def render(self) -> dict[str, Any]:
        tls = None
        if self.protocol in (GatewayProtocol.HTTPS, GatewayProtocol.TLS):
            tls = {
                "mode": self.tls_mode.value,
                "certificateRefs": [{"kind": "Secret", "name": s.name} for s in self.certificates] or None,
            }
        allowed: dict[str, Any] = {}
        if self.routes_from is not RouteNamespaces.SAME:
            allowed["namespaces"] = {
                "from": self.routes_from.value,
                "selector": {"matchLabels": dict(self.namespace_selector)}
                if self.namespace_selector
                else None,
            }
        if self.route_kinds:
            allowed["kinds"] = [{"group": GROUP, "kind": k} for k in self.route_kinds]
        return {
            "name": self.name,
            "port": self.port,
            "protocol": self.protocol.value,
            "hostname": self.hostname,
            "tls": tls,
            "allowedRoutes": allowed or None,
        }


class Gateway(PodkitResource):
    """A Gateway: listeners a GatewayClass's controller (Envoy Gateway, Istio, Cilium, a cloud
    load balancer) serves.

    :param gateway_class_name: the GatewayClass. Required (no default class exists).
    :param listeners: shortcuts for :meth:`add_listener`; at least one by synth.
    :param name: Kubernetes name. Default: ``id``.
    :param namespace: default: the chart's.
    :param labels: labels of the Gateway, added to the chart's (these win). Default: none.
    :param annotations: annotations of the Gateway. Default: none.
    """

    KIND = "Gateway"
    API_VERSION = API_VERSION

    def __init__(
        self,
        scope: constructs.Construct,
        id: str,
        *,
        gateway_class_name: str,
        listeners: Sequence[Listener] = (),
        labels: Mapping[str, str] | None = None,
        annotations: Mapping[str, str] | None = None,
        name: str | None = None,
        namespace: str | None = None,
    ) -> None:
        super().__init__(scope, id, name=name, labels=labels, annotations=annotations, namespace=namespace)
        self.gateway_class_name = _checks.dns_subdomain(self.path, "gateway_class_name", gateway_class_name)
        self._listeners: list[Listener] = []
        for listener in _checks.check_sequence(
            "listeners", listeners, "[Listener('http', 80, GatewayProtocol.HTTP)]", path=self.path
        ):
            self.add_listener(listener)

    @property
    def listeners(self) -> list[Listener]:
        return list(self._listeners)

    def add_listener(self, listener: Listener) -> Listener:
        """One more listener; its name, and its port/protocol/hostname, must be new here."""
        if not isinstance(listener, Listener):
            raise PodkitTypeError(
                self.path, f"listeners must be Listener objects, got {type(listener).__name__}"
            )
        for other in self._listeners:
            if other.name == listener.name:
                raise DuplicateError(
                    self.path, f"listener name {listener.name!r} is used twice; names are unique"
                )
            if (other.port, other.protocol, other.hostname) == (
                listener.port,
                listener.protocol,
                listener.hostname,
            ):
                raise DuplicateError(
                    self.path,
                    f"listeners {other.name!r} and {listener.name!r} both serve {listener.protocol.value} on port "
                    f"{listener.port} for hostname {listener.hostname or '(any)'!r}; give one another port or hostname",
                )
        if len(self._listeners) >= 64:
            raise PodkitError(self.path, "a Gateway has at most 64 listeners")
        self._listeners.append(listener)
        return listener

    def _check(self, problems: list[Problem]) -> None:
        if not self._listeners:
            problems.append(self._problem("the Gateway has no listeners", "pass listeners=[Listener(...)]"))
        mine = namespace_of(self)
        for listener in self._listeners:
            for secret, writer in zip(listener.certificates, listener._writers, strict=True):
                if writer is not None:  # a Secret given by name is read from the Gateway's namespace
                    self._check_certificate(problems, mine, listener.name, secret.name, writer)

    def _check_certificate(
        self,
        problems: list[Problem],
        mine: str | None,
        listener: str,
        secret: str,
        writer: PodkitResource,
    ) -> None:
        """A listener's certificate Secret (named ``secret``; ``writer`` the podkit object that
        writes it: the Secret, or a cert-manager Certificate) is read from the Gateway's namespace."""
        if writer.KIND == "Certificate":
            what, fix = f"Secret {secret!r} of Certificate {writer.path!r}", "Certificate"
        else:
            what, fix = f"Secret {writer.path!r}", "Secret"
        theirs = namespace_of(writer)
        if never_meet(
            self,
            mine,
            theirs,
            only_mine=lambda ns: (
                f"the Gateway is in namespace {ns!r} and the certificate {what} of its listener {listener!r} has "
                f"none ({DESTINATION_DECIDES})"
            ),
            only_theirs=lambda ns: (
                f"the Gateway has no namespace ({DESTINATION_DECIDES}) and the certificate {what} of its "
                f"listener {listener!r} is in namespace {ns!r}"
            ),
            outcome="it finds the certificate",
        ):
            problems.append(
                self._problem(
                    f"listener {listener!r}: certificate {what} is in namespace "
                    f"{theirs!r}, the Gateway in {mine!r}; a Gateway reads certificates "
                    f"of its own namespace (another needs a ReferenceGrant)",
                    f"create the {fix} in the Gateway's namespace",
                )
            )

    def _render_body(self, problems: list[Problem]) -> dict[str, Any]:
        return {
            "spec": {
                "gatewayClassName": self.gateway_class_name,
                "listeners": [listener.render() for listener in self._listeners],
            }
        }


# -- references -------------------------------------------------------------------------------------
class ParentRef:
    """Where a route attaches: a podkit ``Gateway`` (and one of its ``Listener``\\ s), or a
    Gateway by name that another app owns (``section`` a listener name, ``port`` a port).

    :param gateway: a podkit ``Gateway`` object, or the name of a Gateway another app owns.
    :param section: one listener: a ``Listener`` of the Gateway object, or a listener name.
        Default: every listener of the Gateway.
    :param port: attach only to the Gateway's listeners on this port. Default: any port.
    :param namespace: the namespace of a Gateway given by name (a Gateway object has its own).
        Default: the route's namespace.
    """

    def __init__(
        self,
        gateway: Gateway | str,
        *,
        section: Listener | str | None = None,
        port: int | None = None,
        namespace: str | None = None,
    ) -> None:
        where = "ParentRef"
        if isinstance(gateway, Gateway):
            if namespace is not None:
                raise PodkitError(
                    where, "namespace is the Gateway object's own; pass it only with a Gateway name"
                )
            if isinstance(section, Listener) and section not in gateway._listeners:
                raise PodkitError(
                    where,
                    f"listener {section.name!r} is not a listener of Gateway {gateway.path!r} (its listeners: "
                    f"{', '.join(x.name for x in gateway._listeners) or 'none'})",
                )
            if isinstance(section, str) and section not in {x.name for x in gateway._listeners}:
                raise PodkitError(
                    where,
                    f"Gateway {gateway.path!r} has no listener {section!r} (its listeners: "
                    f"{', '.join(x.name for x in gateway._listeners) or 'none'}); pass the Listener object",
                )
        elif isinstance(gateway, str):
            _checks.dns_subdomain(where, "Gateway name", gateway)
            if isinstance(section, Listener):
                raise PodkitTypeError(
                    where, "a Listener object goes with its Gateway object; by name, give its name"
                )
            if namespace is not None:
                _checks.dns_label(where, "namespace", namespace)
        else:
            raise PodkitTypeError(
                where,
                f"gateway must be a podkit Gateway or a Gateway name, got {type(gateway).__name__} {gateway!r}",
            )
        if section is not None and not isinstance(section, Listener):
            _checks.dns_label(where, "section", section)
        if port is not None:
            _checks.port_number(where, "port", port)
        self.gateway = gateway
        self.section = section
        self.port = port
        self.namespace = namespace

    @property
    def section_name(self) -> str | None:
        return self.section.name if isinstance(self.section, Listener) else self.section

    def listeners(self) -> list[Listener]:
        """The podkit Gateway's listeners this reference attaches to (none for a name)."""
        if not isinstance(self.gateway, Gateway):
            return []
        return [
            x
            for x in self.gateway._listeners
            if (self.section_name is None or x.name == self.section_name)
            and (self.port is None or x.port == self.port)
        ]

    def render(self, route_namespace: str | None) -> dict[str, Any]:
        if isinstance(self.gateway, Gateway):
            name, namespace = self.gateway.name, namespace_of(self.gateway)
            if namespace == route_namespace:
                namespace = None
        else:
            name, namespace = self.gateway, self.namespace
        return {"name": name, "namespace": namespace, "sectionName": self.section_name, "port": self.port}


@dataclass(frozen=True, eq=False)
class BackendRef:
    """A Service port traffic goes to: ``BackendRef(svc, port=http, weight=90)``.

    :param port: a ``ServicePort`` of ``service``, the container ``Port`` it forwards to, its
        number or name. Default: the Service's only port.
    :param weight: the share of the rule's traffic (relative to the other backends). Default:
        not set (1).
    """

    service: Service
    port: ServicePort | Port | int | str | None = None
    weight: int | None = None
    _port: ServicePort = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.service, Service):
            raise PodkitTypeError(
                "BackendRef",
                f"service must be a podkit Service, got {type(self.service).__name__} {self.service!r}",
            )
        object.__setattr__(self, "_port", service_port(self.service, self.port, "BackendRef"))
        if self.weight is not None and (
            isinstance(self.weight, bool)
            or not isinstance(self.weight, int)
            or not 0 <= self.weight <= 1_000_000
        ):
            raise PodkitError("BackendRef", f"weight {self.weight!r} must be an int from 0 to 1000000")

    @property
    def service_port(self) -> ServicePort:
        return self._port

    def render(self) -> dict[str, Any]:
        # Gateway API refers to the Service port by number (required for a Service backend)
        return {"name": self.service.name, "port": self._port.number, "weight": self.weight}


def _backends(where: str, value: object) -> list[BackendRef]:
    if isinstance(value, BackendRef | Service):
        value = [value]
    out = []
    for item in _checks.check_sequence("backends", value, "[BackendRef(svc, port=http)]", path=where):
        if isinstance(item, Service):
            item = BackendRef(item)
        if not isinstance(item, BackendRef):
            raise PodkitTypeError(where, f"backends must be BackendRef or Service objects, got {item!r}")
        out.append(item)
    return out


# -- matches and filters ------------------------------------------------------------------------------
@dataclass(frozen=True)
class HTTPMatch:
    """Which requests a rule takes: by path (:meth:`prefix`, :meth:`exact`, :meth:`regex`),
    and headers, query parameters and method (all must match).

    :param path_type: ``"Exact"``, ``"PathPrefix"`` or ``"RegularExpression"`` (the path
        factories set it). Default: not set (with a ``path``, the Gateway API's ``PathPrefix``).
    :param path: the path, starting with ``/``. Default: any path.
    :param headers: header name -> exact value, all required. Default: any headers.
    :param query: query parameter -> exact value, all required. Default: any query.
    :param method: an HTTP method (``"GET"``). Default: any method.
    """

    path_type: str | None = None
    path: str | None = None
    headers: Mapping[str, str] | None = None
    query: Mapping[str, str] | None = None
    method: str | None = None

    METHODS: ClassVar[tuple[str, ...]] = (
        "GET",
        "HEAD",
        "POST",
        "PUT",
        "DELETE",
        "CONNECT",
        "OPTIONS",
        "TRACE",
        "PATCH",
    )

    PATH_TYPES: ClassVar[tuple[str, ...]] = ("Exact", "PathPrefix", "RegularExpression")

    def __post_init__(self) -> None:
        # the HTTPPathMatch CEL rules of the upstream CRD (the vendored one lacks them)
        if self.path_type is not None and self.path_type not in self.PATH_TYPES:
            raise PodkitError(
                "HTTPMatch",
                f"path_type {self.path_type!r} is not one of {', '.join(self.PATH_TYPES)}: use "
                f"HTTPMatch.prefix/exact/regex(...)",
            )
        if self.path is not None:
            _checks.check_str("HTTPMatch", "path", self.path)
            if not self.path.startswith("/"):
                raise PodkitError("HTTPMatch", f"path {self.path!r} must start with '/'")
            # no type: the CRD defaults it to PathPrefix
            if self.path_type in ("PathPrefix", "Exact", None) and (
                any(s in self.path for s in ("//", "/./", "/../", "%2f", "%2F", "#"))
                or self.path.endswith(("/..", "/."))
            ):
                raise PodkitError(
                    "HTTPMatch",
                    f"path {self.path!r} must not contain '//', '/./', '/../', '%2f' or '#', nor end with "
                    f"'/..' or '/.'",
                )
        if self.method is not None and self.method not in self.METHODS:
            raise PodkitError("HTTPMatch", f"method {self.method!r} is not one of {', '.join(self.METHODS)}")
        for what, mapping in (("headers", self.headers), ("query", self.query)):
            if mapping is not None:
                _checks.check_str_map("HTTPMatch", what, mapping)

    @staticmethod
    def prefix(path: str, **kw: Any) -> HTTPMatch:
        """Paths under ``path``, element by element (``/api`` takes ``/api/v1``, not ``/apis``)."""
        return HTTPMatch("PathPrefix", path, **kw)

    @staticmethod
    def exact(path: str, **kw: Any) -> HTTPMatch:
        return HTTPMatch("Exact", path, **kw)

    @staticmethod
    def regex(path: str, **kw: Any) -> HTTPMatch:
        """A regular expression, in the implementation's dialect."""
        return HTTPMatch("RegularExpression", path, **kw)

    def render(self) -> dict[str, Any]:
        return {
            "path": {"type": self.path_type, "value": self.path} if self.path is not None else None,
            "headers": [{"name": k, "value": v} for k, v in (self.headers or {}).items()] or None,
            "queryParams": [{"name": k, "value": v} for k, v in (self.query or {}).items()] or None,
            "method": self.method,
        }


_GRPC_SERVICE = re.compile(r"\.?[a-zA-Z_][a-zA-Z_0-9]*(\.[a-zA-Z_][a-zA-Z_0-9]*)*")
_GRPC_METHOD = re.compile(r"[A-Za-z_][A-Za-z_0-9]*")


@dataclass(frozen=True)
class GRPCMatch:
    """Which gRPC calls a rule takes: by ``service`` and/or ``method``, and headers."""

    service: str | None = None
    method: str | None = None
    headers: Mapping[str, str] | None = None

    def __post_init__(self) -> None:
        if self.service is None and self.method is None and not self.headers:
            raise PodkitError("GRPCMatch", "GRPCMatch() matches every call: give service, method or headers")
        # the GRPCMethodMatch patterns of the upstream CRD
        for what, value, pattern, example in (
            ("service", self.service, _GRPC_SERVICE, "'shop.v1.Cart'"),
            ("method", self.method, _GRPC_METHOD, "'AddItem'"),
        ):
            if value is not None and not pattern.fullmatch(_checks.check_str("GRPCMatch", what, value)):
                raise PodkitError(
                    "GRPCMatch", f"{what} {value!r} is not a gRPC {what} name: write one such as {example}"
                )
        if self.headers is not None:
            _checks.check_str_map("GRPCMatch", "headers", self.headers)

    def render(self) -> dict[str, Any]:
        method = None
        if self.service is not None or self.method is not None:
            method = {"type": "Exact", "service": self.service, "method": self.method}
        return {
            "method": method,
            "headers": [{"name": k, "value": v} for k, v in (self.headers or {}).items()] or None,
        }


class HTTPFilter:
    """What a rule does to a request on the way: make one with a static method.

    :param body: the filter as the Gateway API writes it (``{"type": ..., ...}``); the static
        methods build and check it.
    :param grpc: the filter is also valid in a ``GRPCRoute`` (a GRPCRoute refuses one that is
        not). Default: ``True``.
    """

    def __init__(self, body: Mapping[str, Any], *, grpc: bool = True) -> None:
        self._body = dict(body)
        self.grpc = grpc  # also valid in a GRPCRoute
        self._mirror: BackendRef | None = (
            None  # the Service a RequestMirror copies to, checked like a backend
        )

    @staticmethod
    def request_headers(
        *,
        set: Mapping[str, str] | None = None,
        add: Mapping[str, str] | None = None,
        remove: Sequence[str] = (),
    ) -> HTTPFilter:
        return HTTPFilter(
            {"type": "RequestHeaderModifier", "requestHeaderModifier": _headers(set, add, remove)}
        )

    @staticmethod
    def response_headers(
        *,
        set: Mapping[str, str] | None = None,
        add: Mapping[str, str] | None = None,
        remove: Sequence[str] = (),
    ) -> HTTPFilter:
        return HTTPFilter(
            {"type": "ResponseHeaderModifier", "responseHeaderModifier": _headers(set, add, remove)}
        )

    @staticmethod
    def redirect(
        *,
        scheme: str | None = None,
        hostname: str | None = None,
        port: int | None = None,
        status_code: int = 302,
    ) -> HTTPFilter:
        """Answer with a redirect (``scheme="https"``, ``status_code=301`` for HTTP -> HTTPS)."""
        if status_code not in (301, 302, 303, 307, 308):
            raise PodkitError(
                "HTTPFilter.redirect", f"status_code {status_code!r} must be 301, 302, 303, 307 or 308"
            )
        if scheme is not None and scheme not in ("http", "https"):
            raise PodkitError("HTTPFilter.redirect", f"scheme {scheme!r} must be 'http' or 'https'")
        return HTTPFilter(
            {
                "type": "RequestRedirect",
                "requestRedirect": {
                    "scheme": scheme,
                    "hostname": hostname,
                    "port": port,
                    "statusCode": status_code,
                },
            },
            grpc=False,
        )

    @staticmethod
    def rewrite(
        *, hostname: str | None = None, prefix: str | None = None, path: str | None = None
    ) -> HTTPFilter:
        """Rewrite the host and/or the path (``prefix``: the matched prefix; ``path``: all of it)."""
        if prefix is not None and path is not None:
            raise PodkitError("HTTPFilter.rewrite", "give prefix or path, not both")
        rewrite_path = None
        if prefix is not None:
            rewrite_path = {"type": "ReplacePrefixMatch", "replacePrefixMatch": prefix}
        elif path is not None:
            rewrite_path = {"type": "ReplaceFullPath", "replaceFullPath": path}
        return HTTPFilter(
            {"type": "URLRewrite", "urlRewrite": {"hostname": hostname, "path": rewrite_path}}, grpc=False
        )

    @staticmethod
    def mirror(backend: BackendRef | Service) -> HTTPFilter:
        """Send a copy of each request to ``backend`` (answers are dropped)."""
        if not isinstance(backend, BackendRef | Service):
            raise PodkitTypeError(
                "HTTPFilter.mirror",
                f"backend must be a BackendRef or a podkit Service, got {type(backend).__name__} {backend!r}",
            )
        ref = _backends("HTTPFilter.mirror", backend)[0]
        body = ref.render()
        body.pop("weight")
        mirror = HTTPFilter({"type": "RequestMirror", "requestMirror": {"backendRef": body}})
        mirror._mirror = ref
        return mirror

    @property
    def kind(self) -> str:
        return str(self._body["type"])

    def render(self) -> dict[str, Any]:
        return dict(self._body)


def _headers(
    set: Mapping[str, str] | None, add: Mapping[str, str] | None, remove: Sequence[str]
) -> dict[str, Any]:
    if not (set or add or remove):
        raise PodkitError("HTTPFilter", "a header filter needs set=, add= or remove=")
    return {
        "set": [
            {"name": k, "value": v} for k, v in _checks.check_str_map("HTTPFilter", "set", set or {}).items()
        ]
        or None,
        "add": [
            {"name": k, "value": v} for k, v in _checks.check_str_map("HTTPFilter", "add", add or {}).items()
        ]
        or None,
        "remove": list(_remove(remove)) or None,
    }


def _remove(remove: object) -> tuple[str, ...]:
    if isinstance(remove, str):  # a list of one header, not its characters
        raise PodkitTypeError("HTTPFilter", f"remove takes a list of header names: write [{remove!r}]")
    names = _checks.check_sequence("remove", remove, "remove=['X-Debug']", path="HTTPFilter")
    return tuple(_checks.check_str("HTTPFilter", "remove", name) for name in names)


#: the filter types the upstream HTTPRoute/GRPCRoute CRDs allow once per rule (their CEL rules)
_ONCE = ("RequestHeaderModifier", "ResponseHeaderModifier", "RequestRedirect", "URLRewrite")


def _filter_rules(
    where: str, filters: Sequence[HTTPFilter], matches: Sequence[object], *, has_backends: bool
) -> None:
    """The CEL rules of the upstream route CRDs on a rule's filters (the vendored CRDs lack them):
    each of ``_ONCE`` at most once; a redirect neither with a rewrite nor with backends; a prefix
    rewrite with exactly one PathPrefix match (no match: the CRD's default ``/`` prefix)."""
    kinds = [f.kind for f in filters]
    prefix_rewrite = any(
        ((f.render().get("urlRewrite") or {}).get("path") or {}).get("type") == "ReplacePrefixMatch"
        for f in filters
    )
    if prefix_rewrite and matches:
        prefixes = [m for m in matches if isinstance(m, HTTPMatch) and m.path_type in ("PathPrefix", None)]
        if len(matches) != 1 or not prefixes:
            raise PodkitError(
                where,
                f"a prefix rewrite replaces the matched prefix, so its rule needs exactly one PathPrefix match "
                f"(HTTPMatch.prefix(...)), got {list(matches)!r}: split the rule, one per prefix",
            )
    for kind in _ONCE:
        if kinds.count(kind) > 1:
            raise PodkitError(where, f"a rule has {kinds.count(kind)} {kind} filters: merge them into one")
    if "RequestRedirect" in kinds and "URLRewrite" in kinds:
        raise PodkitError(
            where, "a rule may redirect or rewrite, not both: a redirect answers before any rewrite applies"
        )
    if "RequestRedirect" in kinds and has_backends:
        raise PodkitError(
            where,
            "a RequestRedirect filter answers the request itself, so the rule takes no backends: remove the "
            "backends, or put the redirect in a rule of its own",
        )


# -- routes -----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Rule:
    matches: tuple[Any, ...]
    filters: tuple[HTTPFilter, ...]
    backends: tuple[BackendRef, ...]


class _Route(PodkitResource):
    API_VERSION = API_VERSION
    _MATCH: ClassVar[type]

    def __init__(
        self,
        scope: constructs.Construct,
        id: str,
        *,
        parents: Sequence[Gateway | ParentRef],
        hostnames: Sequence[str] = (),
        labels: Mapping[str, str] | None = None,
        annotations: Mapping[str, str] | None = None,
        name: str | None = None,
        namespace: str | None = None,
    ) -> None:
        super().__init__(scope, id, name=name, labels=labels, annotations=annotations, namespace=namespace)
        if isinstance(parents, Gateway | ParentRef):
            parents = [parents]
        self._parents: list[ParentRef] = []
        for parent in _checks.check_sequence("parents", parents, "[gateway]", path=self.path):
            self.add_parent(parent)
        if isinstance(hostnames, str):
            raise PodkitTypeError(self.path, f"hostnames takes a list: write [{hostnames!r}]")
        self.hostnames = [
            _hostname(self.path, h)
            for h in _checks.check_sequence("hostnames", hostnames, "['shop.example.com']", path=self.path)
        ]
        if len(set(self.hostnames)) != len(self.hostnames):
            raise DuplicateError(self.path, f"hostnames {self.hostnames} names a host twice")
        self._rules: list[_Rule] = []

    def add_parent(self, parent: Gateway | ParentRef) -> None:
        """Attach to one more Gateway (or listener of one)."""
        if isinstance(parent, Gateway):
            parent = ParentRef(parent)
        if not isinstance(parent, ParentRef):
            raise PodkitTypeError(self.path, f"parents must be Gateway or ParentRef objects, got {parent!r}")

        def target(ref: ParentRef) -> tuple[object, str | None]:
            return (ref.gateway if isinstance(ref.gateway, str) else id(ref.gateway), ref.namespace)

        for other in self._parents:
            same_parent = target(other) == target(parent)
            if same_parent and (
                (other.section_name, other.port) == (parent.section_name, parent.port)
                or not (other.section_name or other.port)
                or not (parent.section_name or parent.port)
            ):
                raise DuplicateError(
                    self.path,
                    "the route attaches to the same Gateway twice: each reference needs its own section (listener) "
                    "or port",
                )
        self._parents.append(parent)

    def _add(self, backends: object, matches: object, filters: object) -> None:
        checked = _backends(self.path, backends)
        if isinstance(matches, self._MATCH):
            matches = [matches]
        found = tuple(
            _checks.check_sequence("matches", matches, f"[{self._MATCH.__name__}(...)]", path=self.path)
        )
        for m in found:
            if not isinstance(m, self._MATCH):
                raise PodkitTypeError(self.path, f"matches must be {self._MATCH.__name__} objects, got {m!r}")
        if isinstance(filters, HTTPFilter):
            filters = [filters]
        fs = tuple(
            _checks.check_sequence("filters", filters, "[HTTPFilter.request_headers(...)]", path=self.path)
        )
        for f in fs:
            if not isinstance(f, HTTPFilter):
                raise PodkitTypeError(self.path, f"filters must be HTTPFilter objects, got {f!r}")
            if self.KIND == "GRPCRoute" and not f.grpc:
                raise PodkitError(self.path, f"a {f.kind} filter is not supported in a GRPCRoute")
        if not checked and not any(f.kind == "RequestRedirect" for f in fs):
            raise PodkitError(self.path, "a rule needs backends (or a redirect filter)")
        _filter_rules(self.path, fs, found, has_backends=bool(checked))
        for backend in checked + [f._mirror for f in fs if f._mirror is not None]:
            svc = backend.service
            self._in_my_chart(
                svc,
                "Service",
                "a route reaches Services of its own namespace (another needs a ReferenceGrant)",
                "create the route in the Service's chart",
            )
        self._rules.append(_Rule(found, fs, tuple(checked)))

    def _check(self, problems: list[Problem]) -> None:
        mine = namespace_of(self)
        if not self._parents:
            problems.append(self._problem("the route attaches to no Gateway", "pass parents=[gateway]"))
        if not self._rules:
            problems.append(self._problem("the route has no rules", "add_rule(...)"))
        # each Service once, however many backends and mirrors reach it
        services = {
            id(b.service): b.service
            for rule in self._rules
            for b in list(rule.backends) + [f._mirror for f in rule.filters if f._mirror is not None]
        }
        for svc in services.values():
            self._check_backend(problems, mine, svc)
        for parent in self._parents:
            self._check_parent(problems, mine, parent)

    def _check_backend(self, problems: list[Problem], mine: str | None, svc: Service) -> None:
        """A backend Service (no namespace in the backendRef) is looked up in the route's namespace."""
        theirs = namespace_of(svc)
        if never_meet(
            self,
            mine,
            theirs,
            **between(self.KIND, f"backend Service {svc.path!r}"),
            outcome="it routes to the Service",
        ):
            problems.append(
                self._problem(
                    f"backend Service {svc.path!r} is in namespace {theirs!r}, the route in {mine!r}",
                    "create the route in the Service's namespace",
                )
            )

    def _check_parent(self, problems: list[Problem], mine: str | None, parent: ParentRef) -> None:
        """A podkit Gateway must have a listener that admits the route: its kind, its hostnames,
        and (``RouteNamespaces.SAME``) its namespace."""
        gateway = parent.gateway
        if not isinstance(gateway, Gateway):
            return  # a Gateway by name is another app's: nothing to compare
        listeners = parent.listeners()
        where = f"Gateway {gateway.path!r}" + (
            f" listener {parent.section_name!r}" if parent.section_name else ""
        )
        if not listeners:
            problems.append(self._problem(f"{where} has no listener on port {parent.port}", "fix port="))
            return
        theirs = namespace_of(gateway)
        fitting = []
        for listener in listeners:
            if not listener.admits(self.KIND):
                continue
            # a namespace left to the destination may be the Gateway's: warned below, not refused
            if (
                listener.routes_from is RouteNamespaces.SAME
                and mine is not None
                and theirs is not None
                and theirs != mine
            ):
                continue
            if (
                listener.routes_from is RouteNamespaces.SELECTOR
                or listener.hostname is None
                or not self.hostnames
                or any(_hostnames_meet(listener.hostname, h) for h in self.hostnames)
            ):
                fitting.append(listener)
        if not fitting:
            shown = "; ".join(
                f"{x.name}: {x.protocol.value} {x.hostname or '(any host)'}, routes from {x.routes_from.value}"
                for x in listeners
            )
            of = f" of namespace {mine!r}" if mine is not None else ""
            problems.append(
                self._problem(
                    f"{where} admits no {self.KIND}{of} with hostnames "
                    f"{self.hostnames or '(any)'} ({shown}); the route would never attach",
                    "attach to a listener whose protocol, hostname and allowed namespaces fit the route",
                )
            )
            return
        # One side without a namespace: a Gateway without one is looked up in the route's (the
        # parentRef names no other); a route without one is admitted by listeners of their own
        # namespace only if it is applied there (a listener admitting any namespace takes it as is).
        # Both written: judged above.
        if theirs is None or all(x.routes_from is RouteNamespaces.SAME for x in fitting):
            never_meet(
                self,
                mine,
                theirs,
                only_mine=lambda ns: (
                    f"the {self.KIND} is in namespace {ns!r} and its parent Gateway {gateway.path!r} has none "
                    f"({DESTINATION_DECIDES})"
                ),
                only_theirs=lambda ns: (
                    f"the {self.KIND} has no namespace ({DESTINATION_DECIDES}) and its parent {where} admits "
                    f"routes of namespace {ns!r} only"
                ),
                outcome="it attaches to the Gateway",
            )

    def _render_body(self, problems: list[Problem]) -> dict[str, Any]:
        namespace = namespace_of(self)
        return {
            "spec": {
                "parentRefs": [p.render(namespace) for p in self._parents],
                "hostnames": list(self.hostnames) or None,
                "rules": [
                    {
                        "matches": [m.render() for m in rule.matches] or None,
                        "filters": [f.render() for f in rule.filters] or None,
                        "backendRefs": [b.render() for b in rule.backends] or None,
                    }
                    for rule in self._rules
                ],
            }
        }


class HTTPRoute(_Route):
    """HTTP routes from a Gateway's listeners to Service ports.

    ``HTTPRoute(chart, "shop", parents=[gateway], hostnames=["shop.example.com"])`` then
    ``route.add_rule([BackendRef(svc, port=http)], matches=[HTTPMatch.prefix("/")])``.

    :param parents: ``Gateway`` objects or ``ParentRef``\\ s (a listener, a Gateway by name).
    :param hostnames: the hosts this route serves. Default: every host the listener serves.
    :param labels: labels of the HTTPRoute, added to the chart's (these win). Default: none.
    :param annotations: annotations of the HTTPRoute. Default: none.
    :param name: Kubernetes name. Default: ``id``.
    :param namespace: default: the chart's namespace, if any.
    """

    KIND = "HTTPRoute"
    _MATCH = HTTPMatch

    def add_rule(
        self,
        backends: Sequence[BackendRef | Service] | BackendRef | Service = (),
        *,
        matches: Sequence[HTTPMatch] | HTTPMatch = (),
        filters: Sequence[HTTPFilter] | HTTPFilter = (),
    ) -> None:
        """Send requests matching any of ``matches`` (default: every request, ``/`` prefix) to
        ``backends``, split by their weights, after ``filters``."""
        self._add(backends, matches, filters)


class GRPCRoute(_Route):
    """gRPC routes from a Gateway's HTTP/HTTPS listeners to Service ports (by service/method).

    :param parents: ``Gateway`` objects or ``ParentRef``\\ s (a listener, a Gateway by name).
    :param hostnames: the hosts this route serves. Default: every host the listener serves.
    :param labels: labels of the GRPCRoute, added to the chart's (these win). Default: none.
    :param annotations: annotations of the GRPCRoute. Default: none.
    :param name: Kubernetes name. Default: ``id``.
    :param namespace: default: the chart's namespace, if any.
    """

    KIND = "GRPCRoute"
    _MATCH = GRPCMatch

    def add_rule(
        self,
        backends: Sequence[BackendRef | Service] | BackendRef | Service = (),
        *,
        matches: Sequence[GRPCMatch] | GRPCMatch = (),
        filters: Sequence[HTTPFilter] | HTTPFilter = (),
    ) -> None:
        """Send calls matching any of ``matches`` (default: every call) to ``backends``."""
        self._add(backends, matches, filters)
