"""Health checks: liveness (restart when it fails), readiness (take traffic when it
passes) and startup (hold the other probes until the app has started).

An ``httpGet`` probe passes on any status from 200 to 399; ``exec`` passes when the
command exits 0; ``tcpSocket`` when the port accepts a connection. A probe on a port the
container does not declare is an error: it would fail forever.
https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Self

from . import _checks
from .errors import InvalidNameError, PodkitError, PodkitTypeError

__all__ = ["Probe", "Scheme"]


class Scheme(enum.Enum):
    """The scheme of an ``httpGet`` probe or hook: ``HTTP`` (Kubernetes' default) or ``HTTPS``
    (the kubelet does not verify the certificate)."""

    HTTP = "HTTP"
    HTTPS = "HTTPS"


@_checks.factory_built
@dataclass(frozen=True)
class Probe:
    """A probe. Build it with :meth:`http_get`, :meth:`exec`, :meth:`tcp_socket` or :meth:`grpc`.

    Timing arguments (all optional; Kubernetes' defaults apply when left out):
    ``initial_delay_seconds`` (0), ``period_seconds`` (10), ``timeout_seconds`` (1),
    ``failure_threshold`` (3), ``success_threshold`` (1).
    """

    _handler: dict[str, Any]
    _port: int | str | None
    _timings: dict[str, int]

    @classmethod
    def _make(cls, *args: Any, **kwargs: Any) -> Self:
        """The dataclass constructor, for the factories (set by ``_checks.factory_built``)."""
        raise NotImplementedError

    @staticmethod
    def http_get(
        path: str = "/",
        *,
        port: int | str,
        scheme: Scheme = Scheme.HTTP,
        headers: Mapping[str, str] | None = None,
        host: str | None = None,
        initial_delay_seconds: int | None = None,
        period_seconds: int | None = None,
        timeout_seconds: int | None = None,
        failure_threshold: int | None = None,
        success_threshold: int | None = None,
    ) -> Probe:
        """HTTP GET ``path`` on ``port`` (a number, or the name of a declared port)."""
        check_http_path("probe path", path)
        if not isinstance(scheme, Scheme):
            raise PodkitTypeError("", f"scheme must be a Scheme, got {scheme!r}")
        headers = _headers(headers)
        handler = http_get_action(path, check_port(port), scheme, host, headers)
        return Probe._make(handler, port, _timings(locals()))

    @staticmethod
    def exec(
        command: Sequence[str],
        *,
        initial_delay_seconds: int | None = None,
        period_seconds: int | None = None,
        timeout_seconds: int | None = None,
        failure_threshold: int | None = None,
        success_threshold: int | None = None,
    ) -> Probe:
        """Run ``command`` in the container; healthy when it exits 0."""
        command = check_exec_command("exec probe command", command, "['cat', '/tmp/ready']")
        return Probe._make({"exec": {"command": command}}, None, _timings(locals()))

    @staticmethod
    def tcp_socket(
        *,
        port: int | str,
        host: str | None = None,
        initial_delay_seconds: int | None = None,
        period_seconds: int | None = None,
        timeout_seconds: int | None = None,
        failure_threshold: int | None = None,
        success_threshold: int | None = None,
    ) -> Probe:
        """Healthy when a TCP connection to ``port`` succeeds."""
        action = _checks.set_only(port=check_port(port), host=host)
        return Probe._make({"tcpSocket": action}, port, _timings(locals()))

    @staticmethod
    def grpc(
        port: int,
        *,
        service: str | None = None,
        initial_delay_seconds: int | None = None,
        period_seconds: int | None = None,
        timeout_seconds: int | None = None,
        failure_threshold: int | None = None,
        success_threshold: int | None = None,
    ) -> Probe:
        """The gRPC health checking protocol (``grpc.health.v1.Health/Check``) on ``port``.

        :param port: a port number (the API has no named gRPC ports).
        :param service: the service name sent in the request. Default: empty (the server's overall health).
        """
        if isinstance(port, str):
            raise PodkitTypeError(
                "", f"grpc probe port must be a port number, got {port!r}: Kubernetes has no named gRPC ports"
            )
        _checks.port_number("", "grpc probe port", port)
        if service is not None:
            _checks.check_str("", "grpc probe service", service)
        return Probe._make({"grpc": _checks.set_only(port=port, service=service)}, port, _timings(locals()))

    @property
    def port(self) -> int | str | None:
        """The port probed (number or port name), or ``None`` for exec probes."""
        return self._port

    def render(self) -> dict[str, Any]:
        """The ``Probe`` object, without unset fields (a pod's rules read it as it is, at the call)."""
        return {**self._handler, **self._timings}


def http_get_action(
    path: str, port: int | str, scheme: Scheme, host: str | None, headers: Mapping[str, str]
) -> dict[str, Any]:
    """Kubernetes' ``HTTPGetAction`` (validated values), the same type in a probe and a lifecycle hook."""
    if host is not None:
        _checks.check_str("", "httpGet host", host)
    return {
        "httpGet": _checks.set_only(
            path=path,
            port=port,
            scheme=scheme.value if scheme is not Scheme.HTTP else None,
            host=host,
            httpHeaders=[{"name": k, "value": v} for k, v in headers.items()] or None,
        )
    }


_TIMING_KEYS = {
    "initial_delay_seconds": "initialDelaySeconds",
    "period_seconds": "periodSeconds",
    "timeout_seconds": "timeoutSeconds",
    "failure_threshold": "failureThreshold",
    "success_threshold": "successThreshold",
}


def _timings(args: Mapping[str, Any]) -> dict[str, int]:
    out = {}
    for py, k8s in _TIMING_KEYS.items():
        value = args.get(py)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise PodkitTypeError("", f"probe {py} must be a non-negative int, got {value!r}")
        if value > _checks.INT32_MAX:
            raise PodkitError(
                "", f"probe {py} {value} is out of range; use an int from 0 to {_checks.INT32_MAX}"
            )
        out[k8s] = value
    return out


def check_exec_command(what: str, command: Sequence[str], example: str) -> list[str]:
    """An ``exec`` command (probe or hook): a non-empty list of str, not one str."""
    items = list(command) if _checks.is_list(command) else []
    if not items or not all(isinstance(c, str) for c in items):
        raise PodkitTypeError("", f"{what} must be a non-empty list of str, e.g. {example}, got {command!r}")
    return items


def check_http_path(what: str, path: object) -> str:
    """An ``httpGet`` path (probe or hook): a str starting with '/'."""
    text = _checks.check_str("", what, path)
    if not text.startswith("/"):
        raise InvalidNameError("", f"{what} {text!r} must start with '/' (e.g. '/{text}')")
    return text


def check_http_headers(kind: str, headers: object) -> dict[str, str]:
    """``httpGet`` headers (probe or hook): HTTP header names (RFC 7230 tokens) to str values."""
    out = _checks.check_str_map("", f"{kind} headers", headers)
    for name in out:
        _checks.http_header_name("", name, what=f"{kind} header name")
    return out


def check_port(port: int | str, *, what: str = "probe port") -> int | str:
    """A port by number (``what`` names it in errors) or by the name of a declared port."""
    if isinstance(port, str):
        return _checks.port_name("", port)
    return _checks.port_number("", what, port)


def _headers(headers: object) -> dict[str, str]:
    """Probe headers; a probe refuses a non-mapping with an example of the mapping it takes."""
    if headers is None:
        return {}
    if not isinstance(headers, Mapping):
        _checks.fail_type(
            "", "probe headers", headers, "a mapping of header name to value, e.g. {'X-Probe': '1'}"
        )
    return check_http_headers("probe", headers)
