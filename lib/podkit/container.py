"""Containers: image, command/args, ports, env, resources, probes and volume mounts.

``command`` replaces the image's ENTRYPOINT and ``args`` its CMD. Containers of one pod
share its IP and reach each other on ``localhost``, so two containers of a pod may not
declare the same port.

podkit rules: a few checks here are stricter than the API server, on purpose, and their
messages begin with "podkit rule:": an image must be a pullable reference (the server accepts
any non-empty string, and the kubelet then fails to pull it), a mount path must be absolute
(the server resolves a relative one against the root), a probe or hook must use a port the
container declares (the server accepts any; the probe would then fail forever), and two
containers of a pod may not declare the same port (the server only refuses a shared hostPort).
Raw and patched objects are judged by the API server's rules alone.

A ``Container`` is a value: a pod reads it when it renders and never writes into it, so one
container can serve in several pods (a native sidecar in one, ``main`` in another). Its
settings can be changed after construction (``container.resources = ...``); every assignment
is validated at once and the change is in the next synth.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import _checks
from .env import EnvValue
from .errors import DuplicateError, InvalidNameError, MissingReferenceError, PodkitError, PodkitTypeError
from .lifecycle import Lifecycle, TerminationMessagePolicy
from .probe import Probe
from .resources import Resources
from .security import SecurityContext
from .volume import Volume

if TYPE_CHECKING:
    from ._data import KeyedSource

__all__ = ["Container", "EnvFrom", "ImagePullPolicy", "Mount", "Port", "Protocol"]


class Protocol(enum.Enum):
    """The protocol of a port. Default: ``TCP``."""

    TCP = "TCP"
    UDP = "UDP"
    SCTP = "SCTP"


class ImagePullPolicy(enum.Enum):
    """When the kubelet pulls the image. Default: ``ALWAYS`` for ``:latest`` (or no tag), else
    ``IF_NOT_PRESENT``."""

    ALWAYS = "Always"
    IF_NOT_PRESENT = "IfNotPresent"
    NEVER = "Never"


@dataclass(frozen=True)
class Port(metaclass=_checks.ValueMeta):
    """A port the container listens on. ``name`` lets probes and Services refer to it.

    :param number: the port the container listens on (``containerPort``), 1-65535.
    :param name: an IANA service name (at most 15 lower-case letters, digits and ``-``, with a
        letter) that probes, Services and network policies use instead of the number. Default:
        unnamed.
    :param protocol: ``Protocol.TCP``, ``UDP`` or ``SCTP``. Default: ``Protocol.TCP`` (not
        written out: Kubernetes' default).
    :param host_port: also expose the port on the node's IP at this number (one pod per node
        can hold it). Default: not exposed on the node.
    """

    number: int
    name: str | None = None
    protocol: Protocol = Protocol.TCP
    host_port: int | None = None

    def __post_init__(self) -> None:
        where = f"port {self.number!r}"
        _checks.port_number(where, "port", self.number)
        if self.name is not None:
            _checks.port_name(where, self.name)
        if not isinstance(self.protocol, Protocol):
            member = next((m for m in Protocol if m.value == str(self.protocol).upper()), None)
            hint = f" (use Protocol.{member.name})" if member else ""
            raise PodkitTypeError(
                where, f"protocol must be a Protocol (TCP, UDP, SCTP), got {self.protocol!r}{hint}"
            )
        if self.host_port is not None:
            _checks.port_number(where, "host_port", self.host_port)

    def render(self) -> dict[str, Any]:
        return _checks.set_only(
            containerPort=self.number,
            name=self.name,
            protocol=self.protocol.value if self.protocol is not Protocol.TCP else None,
            hostPort=self.host_port,
        )


@dataclass(frozen=True)
class EnvFrom(metaclass=_checks.ValueMeta):
    """Every key of a ConfigMap/Secret as env vars (``envFrom``), optionally prefixed.

    :param source: the ConfigMap or Secret (a construct of this app or a ``from_name``
        reference) whose keys become env vars.
    :param prefix: put before every key to make the variable name (e.g. ``"DB_"``). Default:
        no prefix (the variable is named as the key).
    :param optional: ``True`` starts the container even when the source does not exist.
        Default: not set (Kubernetes' ``false``: the container does not start while the
        source is missing).
    """

    source: KeyedSource
    prefix: str | None = None
    optional: bool | None = None

    def __post_init__(self) -> None:
        _checks.optional_bool("", "EnvFrom optional", self.optional)


@dataclass(frozen=True)
class Mount(metaclass=_checks.ValueMeta):
    volume: Volume
    path: str
    read_only: bool = False
    sub_path: str | None = None
    #: like ``sub_path``, with ``$(VAR)`` expanded from the container's env (e.g. ``$(POD_NAME)``)
    sub_path_expr: str | None = None

    def __post_init__(self) -> None:
        # any truthy value would be written as readOnly: true ("false", "no", 2)
        _checks.check_bool("", f"mount {self.path!r} read_only", self.read_only)

    def render(self) -> dict[str, Any]:
        out = {
            "name": self.volume.name,
            "mountPath": self.path,
            "readOnly": True if self.read_only else None,
            "subPath": self.sub_path,
        }
        if self.sub_path_expr is not None:
            out["subPathExpr"] = self.sub_path_expr
        return out


class Container(metaclass=_checks.ValueMeta):
    """One container of a pod.

    :param name: DNS-1123 label, unique in the pod (``kubectl logs POD -c NAME``).
    :param image: image reference, e.g. ``"nginx:1.14.2"``.
    :param command: replaces the image ENTRYPOINT. Default: the image's.
    :param args: replaces the image CMD. Default: the image's.
    :param ports: ports it listens on (numbers or :class:`Port`). Default: none.
    :param env: env vars: plain strings or :class:`EnvValue` (pod fields, ConfigMap/Secret
        keys, resources). Default: none. Order is kept.
    :param env_from: ConfigMaps/Secrets whose every key becomes an env var.
    :param resources: requests/limits. Default: none (nothing is injected).
    :param liveness: restart the container when this probe fails. Default: none.
    :param readiness: send traffic only while this probe passes. Default: none.
    :param startup: hold liveness/readiness until this passes. Default: none.
    :param working_dir: default: the image's.
    :param image_pull_policy: default: Kubernetes' (``Always`` for ``:latest``, else ``IfNotPresent``).
    :param security_context: user, capabilities, seccomp, ... (``SecurityContext.restricted()``
        passes the restricted Pod Security level). Default: none; the pod's and the runtime's apply.
    :param lifecycle: ``post_start``/``pre_stop`` hooks. Default: none.
    :param termination_message_policy: default: Kubernetes' ``File``.
    :param termination_message_path: absolute path of the termination message file.
        Default: Kubernetes' ``/dev/termination-log``.
    :param stdin: keep stdin open (``kubectl attach``). Default: false.
    :param tty: allocate a TTY (with ``stdin``). Default: false.
    """

    def __init__(
        self,
        *,
        name: str,
        image: str,
        command: Sequence[str] | None = None,
        args: Sequence[str] | None = None,
        ports: Sequence[int | Port] = (),
        env: Mapping[str, str | EnvValue] | None = None,
        env_from: Sequence[KeyedSource | EnvFrom] = (),
        resources: Resources | None = None,
        liveness: Probe | None = None,
        readiness: Probe | None = None,
        startup: Probe | None = None,
        working_dir: str | None = None,
        image_pull_policy: ImagePullPolicy | None = None,
        security_context: SecurityContext | None = None,
        lifecycle: Lifecycle | None = None,
        termination_message_policy: TerminationMessagePolicy | None = None,
        termination_message_path: str | None = None,
        stdin: bool | None = None,
        tty: bool | None = None,
    ) -> None:
        self._where = f"container {name!r}"
        self.name = _checks.dns_label(self._where, "container name", name)
        # opt-in fields, rendered when set (spec key -> JSON); unset ones cost nothing at render
        self._extra: dict[str, Any] = {}
        self.image = image
        # an unset setting keeps the None stored below, as its setter would store it, without the
        # call (most are unset, and a setter call costs ~0.1 us); a subclass may override setters,
        # so it gets every call
        each = type(self) is not Container
        self.command = command
        self.args = args
        self._working_dir: str | None = None
        self._image_pull_policy: ImagePullPolicy | None = None
        self._resources_json: dict[str, Any] | None = None
        self._resources: Resources | None = None
        if each or working_dir is not None:
            self.working_dir = working_dir
        if each or image_pull_policy is not None:
            self.image_pull_policy = image_pull_policy
        if each or resources is not None:
            self.resources = resources
        self._ports: list[Port] = []
        self._env: dict[str, EnvValue] = {}
        self._env_from: list[EnvFrom] = []
        self._mounts: list[Mount] = []
        self._probes: dict[str, Probe] = {}
        if isinstance(ports, int | Port | str):
            raise PodkitTypeError(self._where, f"ports takes a list, got {ports!r}: write ports=[{ports!r}]")
        for p in _iterable(self._where, "ports", ports):
            self.add_port(p)
        if env is not None and not isinstance(env, Mapping):
            raise PodkitTypeError(
                self._where,
                f"env must be a mapping of name to value (e.g. {{'MODE': 'prod'}}), got {type(env).__name__}",
            )
        for k, v in (env or {}).items():
            self.add_env(k, v)
        for source in _iterable(self._where, "env_from", env_from):
            if isinstance(source, EnvFrom):
                self.add_env_from(source.source, prefix=source.prefix, optional=source.optional)
            else:
                self.add_env_from(source)
        self._security_context: SecurityContext | None = None
        self._lifecycle: Lifecycle | None = None
        self._termination_message_policy: TerminationMessagePolicy | None = None
        # (an unset probe or _extra setting: no key, and both start empty)
        if each or liveness is not None:
            self.liveness = liveness
        if each or readiness is not None:
            self.readiness = readiness
        if each or startup is not None:
            self.startup = startup
        if each or security_context is not None:
            self.security_context = security_context
        if each or lifecycle is not None:
            self.lifecycle = lifecycle
        if each or termination_message_policy is not None:
            self.termination_message_policy = termination_message_policy
        if each or termination_message_path is not None:
            self.termination_message_path = termination_message_path
        if each or stdin is not None:
            self.stdin = stdin
        if each or tty is not None:
            self.tty = tty

    # -- settings: validated on every assignment, rendered at synth ------------------------
    @property
    def image(self) -> str:
        """The image reference, e.g. ``"nginx:1.27"``."""
        return self._image

    @image.setter
    def image(self, value: str) -> None:
        self._image = _checks.image_ref(self._where, value)

    @property
    def command(self) -> list[str] | None:
        """Replaces the image ENTRYPOINT (``None``: the image's)."""
        return None if self._command is None else list(self._command)

    @command.setter
    def command(self, value: Sequence[str] | None) -> None:
        self._command = _str_list(self._where, "command", value)

    @property
    def args(self) -> list[str] | None:
        """Replaces the image CMD (``None``: the image's)."""
        return None if self._args is None else list(self._args)

    @args.setter
    def args(self, value: Sequence[str] | None) -> None:
        self._args = _str_list(self._where, "args", value)

    @property
    def working_dir(self) -> str | None:
        return self._working_dir

    @working_dir.setter
    def working_dir(self, value: str | None) -> None:
        if value is not None:
            _checks.check_str(self._where, "working_dir", value)
            if not value.startswith("/"):
                raise InvalidNameError(
                    self._where, f"working_dir {value!r} must be an absolute path (start with '/')"
                )
        self._working_dir = value

    @property
    def image_pull_policy(self) -> ImagePullPolicy | None:
        return self._image_pull_policy

    @image_pull_policy.setter
    def image_pull_policy(self, value: ImagePullPolicy | None) -> None:
        if value is not None and not isinstance(value, ImagePullPolicy):
            member = next((m for m in ImagePullPolicy if m.value == value), None)
            hint = f" (use ImagePullPolicy.{member.name})" if member else ""
            raise PodkitTypeError(
                self._where,
                f"image_pull_policy must be an ImagePullPolicy (ALWAYS, IF_NOT_PRESENT, NEVER), got {value!r}{hint}",
            )
        self._image_pull_policy = value

    @property
    def resources(self) -> Resources | None:
        """Requests and limits (``None``: nothing is set, nothing is injected)."""
        return self._resources

    @resources.setter
    def resources(self, value: Resources | None) -> None:
        if value is not None and not isinstance(value, Resources):
            raise PodkitTypeError(self._where, f"resources must be a Resources, got {type(value).__name__}")
        # validate now (quantities, requests <= limits), so a bad value fails where it is set
        self._resources_json = value.render(self._where) if value is not None else None
        self._resources = value

    @property
    def security_context(self) -> SecurityContext | None:
        """The container's ``securityContext`` (``None``: not rendered, nothing injected)."""
        return self._security_context

    @security_context.setter
    def security_context(self, value: SecurityContext | None) -> None:
        if value is not None and not isinstance(value, SecurityContext):
            raise PodkitTypeError(
                self._where,
                f"security_context must be a SecurityContext (e.g. SecurityContext.restricted()), "
                f"got {type(value).__name__}",
            )
        self._security_context = value
        # without its unset fields: the pod's rules read this at the call as it is (_fit_view)
        self._set_extra(
            "securityContext", _checks.without_none(value.render()) if value is not None else None
        )

    @property
    def lifecycle(self) -> Lifecycle | None:
        """``post_start``/``pre_stop`` hooks."""
        return self._lifecycle

    @lifecycle.setter
    def lifecycle(self, value: Lifecycle | None) -> None:
        if value is not None:
            if not isinstance(value, Lifecycle):
                raise PodkitTypeError(
                    self._where,
                    f"lifecycle must be a Lifecycle (e.g. Lifecycle(pre_stop=LifecycleHandler.sleep(5))), "
                    f"got {type(value).__name__}",
                )
            for hook, handler in value.handlers():
                if handler.port is not None:
                    self._check_port_declared(f"{hook} hook", handler.port)
        self._lifecycle = value
        self._set_extra("lifecycle", value.render() if value is not None else None)

    @property
    def termination_message_policy(self) -> TerminationMessagePolicy | None:
        return self._termination_message_policy

    @termination_message_policy.setter
    def termination_message_policy(self, value: TerminationMessagePolicy | None) -> None:
        if value is not None and not isinstance(value, TerminationMessagePolicy):
            member = next((m for m in TerminationMessagePolicy if m.value == value), None)
            hint = f" (use TerminationMessagePolicy.{member.name})" if member else ""
            raise PodkitTypeError(
                self._where,
                f"termination_message_policy must be a TerminationMessagePolicy (FILE, "
                f"FALLBACK_TO_LOGS_ON_ERROR), got {value!r}{hint}",
            )
        self._termination_message_policy = value
        self._set_extra("terminationMessagePolicy", value.value if value is not None else None)

    @property
    def termination_message_path(self) -> str | None:
        return self._extra.get("terminationMessagePath")

    @termination_message_path.setter
    def termination_message_path(self, value: str | None) -> None:
        if value is not None:
            _checks.mount_path(self._where, value, what="termination_message_path")
            if len(value) > 4096:
                raise InvalidNameError(self._where, "termination_message_path is longer than 4096 characters")
        self._set_extra("terminationMessagePath", value)

    @property
    def stdin(self) -> bool | None:
        return self._extra.get("stdin")

    @stdin.setter
    def stdin(self, value: bool | None) -> None:
        self._set_extra("stdin", _checks.optional_bool(self._where, "stdin", value))

    @property
    def tty(self) -> bool | None:
        return self._extra.get("tty")

    @tty.setter
    def tty(self, value: bool | None) -> None:
        self._set_extra("tty", _checks.optional_bool(self._where, "tty", value))

    def _set_extra(self, key: str, rendered: Any) -> None:
        if rendered is None:
            self._extra.pop(key, None)
        else:
            self._extra[key] = rendered

    # -- ports ---------------------------------------------------------------------------
    @property
    def ports(self) -> list[Port]:
        return list(self._ports)

    def add_port(self, port: int | Port) -> Port:
        """Declare a port (number or :class:`Port`). Duplicates in the container are errors."""
        # a Port checked its number and name when it was made
        p = port if isinstance(port, Port) else Port(_checks.port_number(self._where, "port", port))
        for q in self._ports:
            if q.number == p.number and q.protocol == p.protocol:
                raise DuplicateError(self._where, f"port {p.number}/{p.protocol.value} is declared twice")
            if p.name is not None and q.name == p.name:
                raise DuplicateError(
                    self._where, f"port name {p.name!r} is used twice; port names must be unique"
                )
        self._ports.append(p)
        return p

    # -- env -----------------------------------------------------------------------------
    @property
    def env(self) -> dict[str, EnvValue]:
        return dict(self._env)

    def add_env(self, name: str, value: str | EnvValue) -> None:
        """Set env var ``name``. Setting the same name twice is an error."""
        _checks.env_name(self._where, name)
        if name in self._env:
            raise DuplicateError(self._where, f"env var {name!r} is set twice; set it once")
        if isinstance(value, str):
            value = EnvValue.of(value)
        elif not isinstance(value, EnvValue):
            raise PodkitTypeError(
                self._where,
                f"env var {name!r} must be a str or EnvValue, got {type(value).__name__} {value!r} "
                f"(quote numbers: {str(value)!r})",
            )
        self._env[name] = value

    def add_env_from(
        self, source: KeyedSource, *, prefix: str | None = None, optional: bool | None = None
    ) -> None:
        """Every key of ``source`` (a ConfigMap or Secret) as an env var, named ``prefix + key``."""
        from ._data import KeyedSource

        _checks.optional_bool(self._where, "env_from optional", optional)
        if not isinstance(source, KeyedSource):
            raise PodkitTypeError(self._where, f"env_from needs a ConfigFromMap/SecretEnv, got {source!r}")
        if prefix is not None:
            _checks.env_name(self._where, prefix)
        self._env_from.append(EnvFrom(source, prefix, optional))

    # -- probes --------------------------------------------------------------------------
    def _set_probe(self, kind: str, probe: Probe | None) -> None:
        if probe is None:
            self._probes.pop(kind, None)
            return
        if not isinstance(probe, Probe):
            raise PodkitTypeError(self._where, f"{kind} must be a Probe, got {type(probe).__name__}")
        if probe.port is not None:
            self._check_port_declared(f"{kind} probe", probe.port)
        self._probes[kind] = probe

    def _check_port_declared(self, who: str, port: int | str) -> None:
        declared = [p.number for p in self._ports] if isinstance(port, int) else [p.name for p in self._ports]
        if port not in declared:
            shown = (
                ", ".join(str(p.number) + (f" ({p.name})" if p.name else "") for p in self._ports) or "none"
            )
            raise MissingReferenceError(
                self._where,
                f"{_checks.PODKIT_RULE}{who} uses port {port!r}, which the container does not declare (declared: {shown}); "
                f"add it to ports=[...] or use a declared port",
            )

    @property
    def liveness(self) -> Probe | None:
        """Restart the container when this probe fails."""
        return self._probes.get("liveness")

    @liveness.setter
    def liveness(self, probe: Probe | None) -> None:
        self._set_probe("liveness", probe)

    @property
    def readiness(self) -> Probe | None:
        """Send traffic only while this probe passes."""
        return self._probes.get("readiness")

    @readiness.setter
    def readiness(self, probe: Probe | None) -> None:
        self._set_probe("readiness", probe)

    @property
    def startup(self) -> Probe | None:
        """Hold liveness/readiness until this probe passes."""
        return self._probes.get("startup")

    @startup.setter
    def startup(self, probe: Probe | None) -> None:
        self._set_probe("startup", probe)

    # -- mounts --------------------------------------------------------------------------
    @property
    def mounts(self) -> list[Mount]:
        return list(self._mounts)

    def mount(
        self,
        volume: Volume,
        *,
        at: str,
        read_only: bool = False,
        sub_path: str | None = None,
        sub_path_expr: str | None = None,
    ) -> None:
        """Mount ``volume`` at path ``at``. The pod must have the volume (``pod.add_volume``),
        or use ``pod.mount(volume, at=..., containers=[...])`` which adds it.

        :param sub_path: mount only this path of the volume. Default: its root.
        :param sub_path_expr: like ``sub_path`` with ``$(VAR)`` expanded from the container's env,
            e.g. ``"logs/$(POD_NAME)"``; not together with ``sub_path``.
        """
        if sub_path is not None and sub_path_expr is not None:
            raise PodkitError(
                self._where,
                f"mount at {at!r} sets both sub_path {sub_path!r} and sub_path_expr {sub_path_expr!r}; "
                f"the API server allows one: keep sub_path_expr for $(VAR) expansion, else sub_path",
            )
        if sub_path is not None:
            _checks.sub_path(self._where, sub_path)
        if sub_path_expr is not None:
            # the expanded path must stay relative: check the template's shape the same way
            _checks.sub_path(self._where, sub_path_expr, what="sub_path_expr")
        if not isinstance(volume, Volume):
            raise PodkitTypeError(self._where, f"mount needs a Volume, got {volume!r}")
        _checks.mount_path(self._where, at, what="mount path", podkit=True)
        for m in self._mounts:
            if m.path == at:
                raise DuplicateError(
                    self._where, f"two volumes are mounted at {at!r} ({m.volume.name!r} and {volume.name!r})"
                )
        self._mounts.append(Mount(volume, at, read_only, sub_path, sub_path_expr))

    # -- rendering -------------------------------------------------------------------------
    def render(self) -> dict[str, Any]:
        """This container as a pod spec entry (``None`` for unset fields)."""
        return {
            "name": self.name,
            "image": self._image,
            "command": self._command,
            "args": self._args,
            "workingDir": self._working_dir,
            "imagePullPolicy": self.image_pull_policy.value if self.image_pull_policy else None,
            "ports": [p.render() for p in self._ports] or None,
            "env": [{"name": k, **v.render()} for k, v in self._env.items()] or None,
            "envFrom": [{**e.source._env_from_source(e.optional), "prefix": e.prefix} for e in self._env_from]
            or None,
            "resources": self._resources_json,
            "livenessProbe": self._probes["liveness"].render() if "liveness" in self._probes else None,
            "readinessProbe": self._probes["readiness"].render() if "readiness" in self._probes else None,
            "startupProbe": self._probes["startup"].render() if "startup" in self._probes else None,
            "volumeMounts": [m.render() for m in self._mounts] or None,
            **self._extra,
        }

    def _fit_view(self) -> dict[str, Any]:
        """What a pod's rules asked at the call read of this container: how it fits the pod
        (its name, ports, probes, hooks, security context, restart policy) as :meth:`render`
        writes them, without unset fields (ports, probes and extras render none: the view is read
        as it is); not its image, env, mounts or resources (checked when they were given)."""
        view: dict[str, Any] = {"name": self.name}
        if self._ports:
            view["ports"] = [p.render() for p in self._ports]
        for kind, key in _PROBE_FIELDS:
            probe = self._probes.get(kind)
            if probe is not None:
                view[key] = probe.render()  # written without unset fields
        view.update(self._extra)
        return view

    def sources(self) -> list[tuple[KeyedSource, str | None]]:
        """Every ConfigMap/Secret this container reads, with the key (``None``: all keys)."""
        out: list[tuple[KeyedSource, str | None]] = []
        for v in self._env.values():
            if v.source is not None:
                out.append((v.source, v.key))
        out.extend((e.source, None) for e in self._env_from)
        return out

    def __repr__(self) -> str:
        return f"<Container {self.name} {self.image}>"


_PROBE_FIELDS = (("liveness", "livenessProbe"), ("readiness", "readinessProbe"), ("startup", "startupProbe"))


def _iterable(where: str, what: str, value: object) -> list[Any]:
    if not _checks.is_list(value):
        raise PodkitTypeError(where, f"{what} must be a list, got {type(value).__name__} {value!r}")
    return list(value)


def _str_list(where: str, what: str, value: Sequence[str] | None) -> list[str] | None:
    if value is None:
        return None
    items = list(value) if _checks.is_list(value) else None
    if items is None or not all(isinstance(v, str) for v in items):
        raise PodkitTypeError(
            where, f"{what} must be a list of str (e.g. ['sh', '-c', '...']), got {value!r}"
        )
    return items
