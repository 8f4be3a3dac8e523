"""``Ingress``: HTTP(S) routes from outside the cluster to Services, built from objects.

An Ingress controller (NGINX, Traefik, HAProxy, a cloud load balancer) reads Ingress objects
and routes each request by host and path to a Service port. podkit builds the routes from the
``Service`` object and one of *its* ports (a ``ServicePort``, the container ``Port`` it
forwards to, its number or its name), so a route can never name a Service or port that does
not exist: that is checked at the call, not discovered as a 503 in production. TLS comes from
a ``kubernetes.io/tls`` Secret object (``SecretEnv.tls(...)``, a sealed or external one, or
``SecretEnv.from_name(...)`` for a cert-manager Certificate's secret), and its hosts must be
hosts the rules serve.

``workload.expose_via_ingress("/", host=...)`` is the one-line form (as cdk8s-plus's
``exposeViaIngress``): it reuses the workload's Service or creates one, then adds the rule.

What podkit checks beyond the API server (stricter, at the call, in this construct only): the
backend port is one the Service exposes; two rules for the same host, path and path type (a
controller would pick one at random) are refused; a TLS host must be one of the rules' hosts;
the Service and the TLS Secret (a Certificate's: the Certificate) must be in the Ingress's
namespace (an Ingress cannot reach another namespace). Where one of the two has no namespace
(kubectl's context or the GitOps tool's destination decides it), they meet only if that is the
other's: a ``NamespaceReferenceWarning``, never an error. The API server's own Ingress rules are
in ``_rules/networking.py``.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Self

import constructs

from . import _checks
from ._app_objects import between, namespace_of, never_meet, target_namespace
from ._checks import enum_arg
from ._data import KeyedSource
from ._resource import PodkitResource
from ._rules.networking import host_error, ingress_path_error, wildcard_covers
from .container import Port
from .errors import DuplicateError, MissingReferenceError, PodkitError, PodkitTypeError, Problem
from .secret import SecretEnv, SecretRef, SecretType
from .service import Service, ServicePort

#: the keys of a kubernetes.io/tls Secret
TLS_KEYS = ("tls.crt", "tls.key")

if TYPE_CHECKING:
    from ._crd import CustomResource
    from ._workload import _Workload

__all__ = ["Ingress", "IngressBackend", "IngressRule", "PathType", "expose_via_ingress"]


class PathType(enum.Enum):
    """How a rule's path matches a request path."""

    #: by path element: ``/api`` matches ``/api`` and ``/api/v1``, not ``/apis``
    PREFIX = "Prefix"
    #: exactly this path (case-sensitive)
    EXACT = "Exact"
    #: as the Ingress controller (its IngressClass) defines it
    IMPLEMENTATION_SPECIFIC = "ImplementationSpecific"


@_checks.factory_built
class IngressBackend:
    """Where a rule sends traffic: a Service port (:meth:`service`) or another resource
    (:meth:`resource`, e.g. a bucket of static files some controllers serve)."""

    def __init__(self, *, _service: Service | None = None, _port: ServicePort | None = None,
                 _resource: Mapping[str, Any] | None = None) -> None:  # fmt: skip
        self._service = _service
        self._port = _port
        self._resource = dict(_resource) if _resource is not None else None

    @classmethod
    def _make(cls, *args: Any, **kwargs: Any) -> Self:
        """The constructor, for the factories (set by ``_checks.factory_built``)."""
        raise NotImplementedError

    @staticmethod
    def service(service: Service, *, port: ServicePort | Port | int | str | None = None) -> IngressBackend:
        """One port of a podkit ``Service``.

        :param port: the Service's ``ServicePort``, the container ``Port`` it forwards to, its
            port number or its name. Default: the Service's only port (an error when it has several).
        """
        if not isinstance(service, Service):
            raise PodkitTypeError(
                "IngressBackend.service",
                f"service must be a podkit Service (e.g. deployment.expose(...)), got {type(service).__name__} "
                f"{service!r}; for a Service podkit does not build, use a Service object of that app",
            )
        return IngressBackend._make(
            _service=service, _port=service_port(service, port, "IngressBackend.service")
        )

    @staticmethod
    def resource(*, kind: str, name: str, api_group: str | None = None) -> IngressBackend:
        """Another object in the Ingress's namespace (``apiGroup``/``kind``/``name``), which the
        Ingress controller must know how to serve."""
        where = "IngressBackend.resource"
        kind = _checks.check_str(where, "kind", kind)
        name = _checks.check_str(where, "name", name)
        for what, value in (("kind", kind), ("name", name)):
            if not value or value in (".", "..") or "/" in value or "%" in value:
                raise PodkitError(
                    where, f"{what} {value!r} must be non-empty, not '.' or '..', without '/' or '%'"
                )
        if api_group is not None:
            _checks.dns_subdomain(where, "api_group", api_group)
        return IngressBackend._make(_resource={"apiGroup": api_group, "kind": kind, "name": name})

    @property
    def target(self) -> Service | None:
        """The Service traffic goes to (``None`` for a resource backend)."""
        return self._service

    @property
    def port(self) -> ServicePort | None:
        """The Service port traffic goes to."""
        return self._port

    def render(self) -> dict[str, Any]:
        if self._service is None:
            return {"resource": self._resource}
        port = self._port
        assert port is not None
        name = port.render()["name"]
        # by name when the Service port has one: renumbering the Service needs no change here
        return {
            "service": {
                "name": self._service.name,
                "port": {"name": name} if name is not None else {"number": port.number},
            }
        }

    def __repr__(self) -> str:
        if self._service is None:
            return f"IngressBackend.resource({self._resource!r})"
        return f"IngressBackend.service({self._service!r}, port={self._port!r})"


def service_port(service: Service, port: object, where: str) -> ServicePort:
    """The ``ServicePort`` of ``service`` that ``port`` names: the ServicePort itself, the
    container ``Port`` it forwards to, its number or its name; ``None``: its only port."""
    ports = service.ports

    def shown() -> str:  # only for a message: the valid path renders no port
        names = [(p.number, p.render()["name"]) for p in ports]
        return ", ".join(f"{number}" + (f" ({name})" if name else "") for number, name in names) or "none"

    if port is None:
        if len(ports) == 1:
            return ports[0]
        raise PodkitError(
            where,
            f"Service {service.path!r} has {len(ports)} ports ({shown()}); say which one: port=<ServicePort, "
            f"container Port, number or name>",
        )
    if isinstance(port, bool) or not isinstance(port, ServicePort | Port | int | str):
        raise PodkitTypeError(
            where,
            f"port must be a ServicePort, a container Port, a port number or a port name, got "
            f"{type(port).__name__} {port!r}",
        )
    if isinstance(port, ServicePort):
        found = [p for p in ports if p == port]
    elif isinstance(port, Port):
        found = [p for p in ports if p.target == port]
    elif isinstance(port, int):
        found = [p for p in ports if p.number == port]
    else:
        found = [p for p in ports if p.render()["name"] == port]
    if not found:
        raise MissingReferenceError(
            where,
            f"Service {service.path!r} has no port {port!r} (its ports: {shown()}); use one of those, "
            f"or add the port to the Service first (service.add_port(...))",
        )
    if len(found) > 1:
        raise PodkitError(
            where,
            f"container port {port!r} is exposed by {len(found)} ports of Service {service.path!r} "
            f"({shown()}); pass the ServicePort or its number instead",
        )
    return found[0]


@dataclass(frozen=True)
class IngressRule:
    """One route: requests for ``host`` (every host when ``None``) whose path matches ``path``
    go to ``backend``. ``path_type`` default: ``PathType.PREFIX``."""

    path: str
    backend: IngressBackend
    host: str | None = None
    path_type: PathType = PathType.PREFIX


class Ingress(PodkitResource):
    """An Ingress: rules by host and path to Service ports, a default backend, TLS.

    ``Ingress(chart, "web", rules=[IngressRule("/", IngressBackend.service(svc), host="www.example.com")])``

    :param rules: shortcuts for :meth:`add_rule`. Default: none.
    :param default_backend: where requests no rule matches go. Default: none (the controller's
        own default, usually a 404 page).
    :param ingress_class_name: the IngressClass (which controller serves this Ingress).
        Default: not set (the cluster's default IngressClass).
    :param tls: ``{secret: [hosts]}`` shortcuts for :meth:`add_tls`. Default: no TLS.
    :param name: Kubernetes name (a DNS-1123 subdomain). Default: ``id``.
    :param namespace: default: the chart's namespace.
    :param labels: labels of the Ingress, added to the chart's (these win). Default: none.
    :param annotations: annotations of the Ingress. Default: none.
    """

    KIND = "Ingress"
    API_VERSION = "networking.k8s.io/v1"

    def __init__(
        self,
        scope: constructs.Construct,
        id: str,
        *,
        rules: Sequence[IngressRule] = (),
        default_backend: IngressBackend | None = None,
        ingress_class_name: str | None = None,
        tls: Mapping[KeyedSource | CustomResource, Sequence[str] | None] | None = None,
        labels: Mapping[str, str] | None = None,
        annotations: Mapping[str, str] | None = None,
        name: str | None = None,
        namespace: str | None = None,
    ) -> None:
        super().__init__(scope, id, name=name, labels=labels, annotations=annotations, namespace=namespace)
        self.ingress_class_name = (
            None if ingress_class_name is None else _checks.dns_subdomain(self.path, "ingress_class_name", ingress_class_name)
        )  # fmt: skip
        self._rules: list[IngressRule] = []
        self._default: IngressBackend | None = None
        # (Secret, its hosts, the podkit object that writes the Secret to its namespace: the Secret
        # itself, or a cert-manager Certificate; None for a Secret given by name)
        self._tls: list[tuple[KeyedSource, tuple[str, ...] | None, PodkitResource | None]] = []
        for rule in _checks.check_sequence("rules", rules, "[IngressRule('/', backend)]", path=self.path):
            if not isinstance(rule, IngressRule):
                raise PodkitTypeError(
                    self.path, f"rules must be IngressRule objects, got {type(rule).__name__} {rule!r}"
                )
            self.add_rule(rule.path, rule.backend, host=rule.host, path_type=rule.path_type)
        if default_backend is not None:
            self.add_default_backend(default_backend)
        if tls is not None:
            if not isinstance(tls, Mapping):
                raise PodkitTypeError(self.path, f"tls must be a mapping {{secret: [hosts]}}, got {tls!r}")
            for secret, hosts in tls.items():
                self.add_tls(secret, hosts=hosts)

    # -- building -------------------------------------------------------------------------
    @property
    def rules(self) -> list[IngressRule]:
        return list(self._rules)

    @property
    def default_backend(self) -> IngressBackend | None:
        return self._default

    @property
    def hosts(self) -> list[str]:
        """The rules' hosts, in order, each once."""
        return list(dict.fromkeys(r.host for r in self._rules if r.host is not None))

    def add_rule(
        self,
        path: str,
        backend: IngressBackend,
        *,
        host: str | None = None,
        path_type: PathType = PathType.PREFIX,
    ) -> IngressRule:
        """Route requests for ``host`` (default: every host) whose path matches ``path`` to ``backend``."""
        path = _checks.check_str(self.path, "path", path)
        path_type = enum_arg(self.path, "path_type", path_type, PathType)
        for message in ingress_path_error("path", path_type.value, path):
            raise PodkitError(self.path, message)
        if host is not None:
            host = _checks.check_str(self.path, "host", host)
            error = host_error("host", host) if host else "host '' is empty: leave host out for every host"
            if error:
                raise PodkitError(self.path, error)
        self._backend_arg(backend)
        for other in self._rules:
            if (other.host, other.path, other.path_type) == (host, path, path_type):
                raise DuplicateError(
                    self.path,
                    f"host {host or '(any)'!r} already routes {path_type.value} path {path!r}; the controller "
                    f"would pick one of the two: remove one, or use another path",
                )
        rule = IngressRule(path, backend, host, path_type)
        self._rules.append(rule)
        return rule

    def add_default_backend(self, backend: IngressBackend) -> None:
        """Where requests no rule matches go (one per Ingress)."""
        self._backend_arg(backend)
        if self._default is not None:
            raise DuplicateError(self.path, f"the Ingress already has a default backend ({self._default!r})")
        self._default = backend

    def add_tls(self, secret: KeyedSource | CustomResource, *, hosts: Sequence[str] | None = None) -> None:
        """Serve ``hosts`` over HTTPS with the certificate of ``secret``.

        :param secret: a ``kubernetes.io/tls`` Secret: ``SecretEnv.tls(...)``, a ``SealedSecret`` or
            ``ExternalSecret`` of that type, ``SecretEnv.from_name(...)``, or a cert-manager
            ``Certificate`` object (the Secret it writes). An object of another namespace than the
            Ingress's fails at synth: the controller reads the Secret from the Ingress's.
        :param hosts: the hosts the certificate covers, each one a host of the rules (checked at
            synth). Default: every host of the rules.
        """
        # a Certificate becomes a reference to its Secret: keep the Certificate for its namespace
        writer = secret if isinstance(secret, PodkitResource) else None
        secret = tls_secret(self.path, secret)
        checked: tuple[str, ...] | None = None
        if hosts is not None:
            if isinstance(hosts, str):
                raise PodkitTypeError(
                    self.path, f"hosts takes a list, got a single {hosts!r}: write [{hosts!r}]"
                )
            checked = tuple(_checks.check_sequence("hosts", hosts, "['www.example.com']", path=self.path))
            for host in checked:
                host = _checks.check_str(self.path, "TLS host", host)
                error = host_error("TLS host", host)
                if error:
                    raise PodkitError(self.path, error)
        for other, _, _ in self._tls:
            if other is secret:
                raise DuplicateError(
                    self.path, f"TLS secret {secret.name!r} is added twice; pass all its hosts at once"
                )
        self._tls.append((secret, checked, writer))

    def _backend_arg(self, backend: object) -> None:
        if not isinstance(backend, IngressBackend):
            raise PodkitTypeError(
                self.path,
                f"backend must be an IngressBackend (IngressBackend.service(svc, port=...)), got "
                f"{type(backend).__name__} {backend!r}",
            )
        svc = backend.target
        if svc is not None:
            self._in_my_chart(
                svc,
                "Service",
                "an Ingress routes only to Services of its own namespace",
                "create the Ingress in the Service's chart",
            )

    # -- synth -----------------------------------------------------------------------------
    def _check_service(self, problems: list[Problem], mine: str | None, svc: Service) -> None:
        """A backend Service is looked up in the Ingress's namespace."""
        theirs = namespace_of(svc)
        if never_meet(
            self,
            mine,
            theirs,
            **between("Ingress", f"backend Service {svc.path!r}"),
            outcome="it routes to the Service",
        ):
            problems.append(
                self._problem(
                    f"Service {svc.path!r} is in namespace {theirs!r}, the Ingress in "
                    f"{mine!r}; an Ingress only routes to Services of its namespace",
                    "create the Ingress in the Service's namespace",
                )
            )

    def _check_tls_writer(
        self, problems: list[Problem], mine: str | None, secret: KeyedSource, writer: PodkitResource
    ) -> None:
        """A TLS Secret (the podkit object that writes it: the Secret, or a cert-manager
        Certificate) is read from the Ingress's namespace."""
        made = f"{secret.name!r} of Certificate " if writer.KIND == "Certificate" else ""
        theirs = namespace_of(writer)
        if never_meet(
            self,
            mine,
            theirs,
            **between("Ingress", f"TLS Secret {made}{writer.path!r}"),
            outcome="the controller finds the certificate",
        ):
            # the API server accepts it; the controller finds no Secret and serves its default
            # certificate (https://kubernetes.io/docs/concepts/services-networking/ingress/#tls)
            problems.append(
                self._problem(
                    f"TLS Secret {made}{writer.path!r} is in namespace {theirs!r}, the Ingress in "
                    f"{mine!r}; the controller reads it from the Ingress's namespace",
                    f"create the {'Certificate' if made else 'Secret'} in the Ingress's namespace",
                )
            )

    def _check(self, problems: list[Problem]) -> None:
        mine = namespace_of(self)
        backends = [r.backend for r in self._rules] + ([self._default] if self._default else [])
        # each Service once, however many rules route to it
        services = {id(b.target): b.target for b in backends if b.target is not None}
        for svc in services.values():
            self._check_service(problems, mine, svc)
        if not self._rules and self._default is None:
            problems.append(
                self._problem(
                    "the Ingress has no rules and no default backend", "add_rule(...) or default_backend=..."
                )
            )
        rule_hosts = self.hosts
        for secret, hosts, writer in self._tls:
            if writer is not None:
                self._check_tls_writer(problems, mine, secret, writer)
            if hosts is None:
                if not rule_hosts:
                    problems.append(
                        self._problem(
                            f"TLS Secret {secret.name!r} has no hosts: no rule names a host",
                            "pass hosts=[...] to add_tls, or give the rules a host",
                        )
                    )
                continue
            for host in hosts:
                if not any(wildcard_covers(host, h) for h in rule_hosts):
                    problems.append(
                        self._problem(
                            f"TLS host {host!r} (Secret {secret.name!r}) is not a host of any rule "
                            f"(rule hosts: {', '.join(rule_hosts) or 'none'}); the certificate would never be served",
                            "add a rule for that host, or fix the TLS host",
                        )
                    )

    def _render_body(self, problems: list[Problem]) -> dict[str, Any]:
        rules: dict[str | None, list[dict[str, Any]]] = {}
        for rule in self._rules:
            rules.setdefault(rule.host, []).append(
                {"path": rule.path, "pathType": rule.path_type.value, "backend": rule.backend.render()}
            )
        tls = [
            {"hosts": list(hosts) if hosts is not None else self.hosts, "secretName": secret.name}
            for secret, hosts, _ in self._tls
        ]
        return {
            "spec": {
                "ingressClassName": self.ingress_class_name,
                "defaultBackend": self._default.render() if self._default else None,
                "rules": [{"host": host, "http": {"paths": paths}} for host, paths in rules.items()] or None,
                "tls": tls or None,
            }
        }


def tls_secret(where: str, secret: object) -> KeyedSource:
    """``secret`` if it can hold a TLS certificate: a ``kubernetes.io/tls`` podkit Secret (built,
    sealed or external) or a reference whose declared keys, if any, include tls.crt and tls.key;
    for a cert-manager ``Certificate`` object, a reference to the Secret it writes."""
    from ._crd import CustomResource
    from ._crd_refs import certificate_secret
    from .external_secret import ExternalSecret

    if isinstance(secret, CustomResource) and secret.KIND == "Certificate":
        ref: KeyedSource = certificate_secret(secret)
        return ref

    if isinstance(secret, SecretEnv):
        if secret.type is not SecretType.TLS:
            raise PodkitError(
                where,
                f"Secret {secret.path!r} is of type {secret.type.value}, not kubernetes.io/tls; build it with "
                f"SecretEnv.tls(...) (or type=SecretType.TLS)",
            )
        return secret
    if isinstance(secret, ExternalSecret):
        if secret.secret_type is not SecretType.TLS:
            raise PodkitError(
                where,
                f"ExternalSecret {secret.path!r} does not make a kubernetes.io/tls Secret; pass "
                f"secret_type=SecretType.TLS with keys tls.crt and tls.key",
            )
        return secret
    if isinstance(secret, SecretRef):
        keys = secret.known_keys()
        if keys is not None and not set(TLS_KEYS) <= keys:
            raise PodkitError(
                where,
                f"Secret {secret.name!r} is declared with keys {sorted(keys)}, without {' and '.join(TLS_KEYS)}; "
                f"a TLS Secret has both (cert-manager writes them)",
            )
        return secret
    raise PodkitTypeError(
        where,
        f"secret must be a kubernetes.io/tls Secret (SecretEnv.tls(...), SecretEnv.from_name(...)), got "
        f"{type(secret).__name__} {secret!r}",
    )


def expose_via_ingress(
    workload: _Workload,
    path: str = "/",
    *,
    host: str | None = None,
    path_type: PathType = PathType.PREFIX,
    port: ServicePort | Port | int | str | None = None,
    ingress: Ingress | None = None,
    ingress_class_name: str | None = None,
    id: str | None = None,
) -> Ingress:
    """The body of ``workload.expose_via_ingress``: reuse the workload's Service (the first one of
    its chart that targets it, and exposes ``port`` if given) or create one with ``expose()``,
    then add the rule to ``ingress`` or to a new Ingress ``<id>-ingress``."""
    services = []
    if workload._chart is not None:
        services = [s for s in workload._chart.select(kind=Service) if s.target is workload]
    service: Service | None = None
    for candidate in services:
        try:
            service_port(candidate, port, workload.path)
        except PodkitError:
            continue
        service = candidate
        break
    if service is None:
        ports: list[ServicePort | Port] | None = None
        if isinstance(port, ServicePort | Port):
            ports = [port]
        service = workload.expose(ports=ports)  # type: ignore[attr-defined]
    backend = IngressBackend.service(service, port=port)
    if ingress is None:
        ingress = Ingress(
            workload._scope,
            id if id is not None else f"{workload._id}-ingress",
            ingress_class_name=ingress_class_name,
            name=workload.name if id is None else None,
            namespace=target_namespace(None, workload),
        )
    elif not isinstance(ingress, Ingress):
        raise PodkitTypeError(
            workload.path, f"ingress must be an Ingress, got {type(ingress).__name__} {ingress!r}"
        )
    elif ingress_class_name is not None:
        raise PodkitError(
            workload.path, "ingress_class_name is for a new Ingress; the given ingress has its own class"
        )
    ingress.add_rule(path, backend, host=host, path_type=path_type)
    return ingress
