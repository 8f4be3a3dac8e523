"""Container lifecycle: hooks that run right after a container starts and before it stops,
and how its termination message is kept.

``post_start`` runs right after the container is created (in parallel with its entrypoint;
the container is not ``Running`` until the hook returns). ``pre_stop`` runs before the
container gets SIGTERM: the usual use is a short ``sleep`` so that load balancers stop sending
traffic before the server shuts down. Both count against the pod's
``terminationGracePeriodSeconds`` (30 s when left out).
https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Self

from . import _checks
from .errors import PodkitError, PodkitTypeError
from .probe import (
    Scheme,
    check_exec_command,
    check_http_headers,
    check_http_path,
    check_port,
    http_get_action,
)

__all__ = ["Lifecycle", "LifecycleHandler", "TerminationMessagePolicy"]


class TerminationMessagePolicy(enum.Enum):
    """Where the kubelet reads a container's termination message from."""

    #: the file at ``termination_message_path`` (Kubernetes' default)
    FILE = "File"
    #: the file, or the last log lines when the file is empty and the container failed
    FALLBACK_TO_LOGS_ON_ERROR = "FallbackToLogsOnError"


@_checks.factory_built
@dataclass(frozen=True)
class LifecycleHandler:
    """What a hook does. Build it with :meth:`exec`, :meth:`http_get` or :meth:`sleep`."""

    _handler: dict[str, Any]
    _port: int | str | None = None

    @classmethod
    def _make(cls, *args: Any, **kwargs: Any) -> Self:
        """The dataclass constructor, for the factories (set by ``_checks.factory_built``)."""
        raise NotImplementedError

    @staticmethod
    def exec(command: Sequence[str]) -> LifecycleHandler:
        """Run ``command`` in the container (no shell: use ``['sh', '-c', '...']`` for one)."""
        command = check_exec_command("exec hook command", command, "['nginx', '-s', 'quit']")
        return LifecycleHandler._make({"exec": {"command": command}})

    @staticmethod
    def http_get(
        path: str = "/",
        *,
        port: int | str,
        scheme: Scheme = Scheme.HTTP,
        host: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> LifecycleHandler:
        """HTTP GET ``path`` on ``port`` (a number, or the name of a port the container declares)."""
        check_http_path("hook path", path)
        if not isinstance(scheme, Scheme):
            raise PodkitTypeError("", f"scheme must be a Scheme (Scheme.HTTP, Scheme.HTTPS), got {scheme!r}")
        check_port(port, what="hook port")
        if host is not None:
            _checks.check_str("", "hook host", host)
        header_map = check_http_headers("hook", headers) if headers is not None else {}
        return LifecycleHandler._make(http_get_action(path, port, scheme, host, header_map), port)

    @staticmethod
    def sleep(seconds: int) -> LifecycleHandler:
        """Sleep ``seconds`` (no binary needed in the image). The pod's termination grace period
        (30 s when left out) must be at least this long; podkit checks it at synth."""
        if isinstance(seconds, bool) or not isinstance(seconds, int):
            raise PodkitTypeError(
                "", f"sleep seconds must be an int, got {type(seconds).__name__} {seconds!r}"
            )
        if seconds < 0:
            raise PodkitError("", f"sleep seconds {seconds} is negative; use 0 or more")
        return LifecycleHandler._make({"sleep": {"seconds": seconds}})

    @property
    def port(self) -> int | str | None:
        """The port an ``http_get`` hook calls, else ``None``."""
        return self._port

    @property
    def sleep_seconds(self) -> int | None:
        """The seconds a ``sleep`` hook sleeps, else ``None``."""
        sleep = self._handler.get("sleep")
        return None if sleep is None else int(sleep["seconds"])

    def render(self) -> dict[str, Any]:
        return self._handler


@dataclass(frozen=True, kw_only=True)
class Lifecycle(metaclass=_checks.ValueMeta):
    """A container's ``lifecycle``: ``Lifecycle(pre_stop=LifecycleHandler.sleep(5))``.

    :param post_start: runs right after the container is created. Default: nothing.
    :param pre_stop: runs before the container gets SIGTERM. Default: nothing.
    """

    post_start: LifecycleHandler | None = None
    pre_stop: LifecycleHandler | None = None

    def __post_init__(self) -> None:
        for attr in ("post_start", "pre_stop"):
            value = getattr(self, attr)
            if value is not None and not isinstance(value, LifecycleHandler):
                raise PodkitTypeError(
                    "",
                    f"{attr} must be a LifecycleHandler (e.g. LifecycleHandler.sleep(5)), "
                    f"got {type(value).__name__} {value!r}",
                )
        if self.post_start is None and self.pre_stop is None:
            raise PodkitError(
                "", "Lifecycle() sets nothing; give post_start or pre_stop, or leave lifecycle out"
            )

    def handlers(self) -> list[tuple[str, LifecycleHandler]]:
        return [
            (k, h) for k, h in (("postStart", self.post_start), ("preStop", self.pre_stop)) if h is not None
        ]

    def render(self) -> dict[str, Any]:
        return {k: h.render() for k, h in self.handlers()}
