"""References by object for the vendored custom resources (cert-manager, prometheus-operator).

A generated construct takes names where its schema holds names; these small hand-written
helpers give those names (and the small structures around them) from podkit objects, so that
they cannot drift: the Secret a ``Certificate`` writes, the ``issuerRef`` of an ``Issuer`` or
``ClusterIssuer``, a ``ServiceMonitor``'s selector and endpoint for a podkit ``Service`` port.
They read the objects' state as it will be written (the name, the labels and namespace the
chart gives, ``fields``), and raise at the call, naming the object and the fix, when the object
cannot be referred to that way.
"""

from __future__ import annotations

from typing import Any

from ._crd import CustomResource
from ._resource import PodkitResource
from .container import Port
from .errors import PodkitError, PodkitTypeError
from .service import Service, ServicePort

__all__ = ["certificate_secret", "issuer_ref", "secret_name", "service_monitor_spec"]


def secret_name(source: object) -> str:
    """The name of a Secret: a podkit Secret (``SecretEnv``, ``SealedSecret``, ``ExternalSecret``,
    ``SecretEnv.from_name(...)``), or the Secret a cert-manager ``Certificate`` writes
    (its ``spec.secretName``)."""
    if isinstance(source, CustomResource) and source.KIND == "Certificate":
        name = (source.fields.get("spec") or {}).get("secretName")
        if not isinstance(name, str) or not name:
            raise PodkitError(
                source.path, "the Certificate has no spec.secretName: set it to name the Secret it writes"
            )
        return name
    if isinstance(source, PodkitResource) and source.KIND == "Secret":
        return source.name
    name = getattr(source, "name", None)
    if type(source).__name__ == "SecretRef" and isinstance(name, str):
        return name
    raise PodkitTypeError(
        "",
        f"expected a Secret (SecretEnv, SealedSecret, ExternalSecret, SecretEnv.from_name(...)) or a "
        f"cert-manager Certificate, got {type(source).__name__}",
    )


def certificate_secret(certificate: CustomResource) -> Any:
    """The ``kubernetes.io/tls`` Secret a cert-manager ``Certificate`` writes, as a podkit Secret
    reference (``SecretEnv.from_name(..., keys=["tls.crt", "tls.key", "ca.crt"])``: the keys
    cert-manager writes, ``ca.crt`` when the issuer knows its CA) to mount or hand to an Ingress;
    the name comes from the Certificate, so the two cannot drift."""
    from .secret import SecretEnv

    if not (isinstance(certificate, CustomResource) and certificate.KIND == "Certificate"):
        raise PodkitTypeError("", f"expected a cert-manager Certificate, got {type(certificate).__name__}")
    return SecretEnv.from_name(secret_name(certificate), keys=["tls.crt", "tls.key", "ca.crt"])


def issuer_ref(issuer: CustomResource) -> Any:
    """``{"name", "kind", "group"}`` of a cert-manager ``Issuer`` or ``ClusterIssuer``, for a
    Certificate's ``spec.issuerRef`` (a plain dict, typed ``Any`` so that it fits the generated
    ``TypedDict``)."""
    if not (isinstance(issuer, CustomResource) and issuer.KIND in ("Issuer", "ClusterIssuer")):
        raise PodkitTypeError(
            "", f"expected a cert-manager Issuer or ClusterIssuer, got {type(issuer).__name__}"
        )
    return {"name": issuer.name, "kind": issuer.KIND, "group": issuer.API_VERSION.split("/", 1)[0]}


def service_monitor_spec(
    service: Service, *, port: ServicePort | Port | str, path: str = "/metrics", interval: str | None = None
) -> Any:
    """A ``ServiceMonitor`` ``spec`` (a plain dict, typed ``Any`` so that it fits the generated
    ``TypedDict``) scraping one port of a podkit ``Service``: the selector is the
    Service's own labels (give it some: ``Service(..., labels={...})`` or the chart's), the
    endpoint names the Service port (ports must be named), and the namespace is the Service's.

    :param port: a ``ServicePort`` of the Service, the container ``Port`` one of them forwards
        to, or the Service port's name.
    :param path: the HTTP path of the metrics. Default ``/metrics``.
    :param interval: the scrape interval (``"30s"``). Default: Prometheus' own.
    """
    if not isinstance(service, Service):
        raise PodkitTypeError("", f"service must be a podkit Service, got {type(service).__name__}")
    names = [p.render()["name"] for p in service.ports]
    if isinstance(port, Port):
        forwarding = [sp for sp in service.ports if sp.target == port]
        if not forwarding:
            raise PodkitError(
                service.path,
                f"no port of this Service forwards to the container port {port.number}"
                f"{f' ({port.name!r})' if port.name else ''}: expose it (Service(..., ports=[port]))",
            )
        port = forwarding[0]
    if isinstance(port, ServicePort):
        if port not in service.ports:
            raise PodkitError(service.path, f"port {port.number} is not a port of this Service: add it first")
        name = port.render()["name"]
    else:
        name = port
    if not isinstance(name, str) or name not in names:
        known = ", ".join(repr(n) for n in names if n) or "none"
        raise PodkitError(
            service.path,
            f"a ServiceMonitor scrapes a Service port by name; {name!r} is not a named port of the Service "
            f"(named ports: {known}): name the container Port (Port(9090, name='metrics'))",
        )
    labels, namespace = service._metadata()["labels"], service._metadata()["namespace"]
    if not labels:
        raise PodkitError(
            service.path,
            "a ServiceMonitor selects Services by label and this Service has none: "
            "give it labels (Service(..., labels={'app': 'web'})) or give the chart labels",
        )
    endpoint: dict[str, Any] = {"port": name, "path": path}
    if interval is not None:
        endpoint["interval"] = interval
    spec: dict[str, Any] = {"selector": {"matchLabels": dict(labels)}, "endpoints": [endpoint]}
    if namespace:
        spec["namespaceSelector"] = {"matchNames": [namespace]}
    return spec
