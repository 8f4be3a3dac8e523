"""``AbstractPod``: everything a pod has, in one place, for ``SidecarPod`` and every controller.

Kubernetes nests the same ``PodSpec`` in a Pod, in a Deployment's ``spec.template``, in a
Job's, in a CronJob's ``jobTemplate``. podkit does the same: the containers (main, regular
sidecars, native sidecars, init containers), volumes, mounts, ports, probes, references to
ConfigMaps/Secrets and every check on them live here, and ``render_pod_spec`` renders them.
``SidecarPod`` renders the spec as a Pod; a controller (``workloads.py``) renders it inside
its template. A check added here holds for every kind of pod.

Containers are values (see ``container.py``): the pod never writes into them. What a pod adds
to a container's rendering (``restartPolicy: Always`` for a native sidecar) is added when the
pod renders, so one ``Container`` can serve in several pods.
"""

from __future__ import annotations

import enum
import functools
import ipaddress
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypedDict, TypeVar, Unpack, overload

import constructs

from . import _checks
from ._data import KeyedSource
from ._resource import PodkitResource, mapping_arg
from ._rules._base import PassedPodSpec, Report
from ._rules.core.pod import check_pod_spec, fit_meta
from .container import Container
from .env import EnvOverrideWarning
from .errors import (
    DuplicateError,
    MissingReferenceError,
    PodkitError,
    PodkitException,
    PodkitTypeError,
    Problem,
    warn_at,
)
from .scheduling import (
    LabelSelector,
    NodeAffinity,
    PodAffinity,
    Toleration,
    TopologySpreadConstraint,
    check_spread,
    check_tolerations,
)
from .security import PodSecurityContext
from .volume import Volume

if TYPE_CHECKING:
    from .namespace import ServiceAccount


class RestartPolicy(enum.Enum):
    """What the kubelet does when a container of the pod exits."""

    #: restart it whatever the exit code (Kubernetes' default)
    ALWAYS = "Always"
    #: restart it only after a non-zero exit (one-shot jobs like ``echo hello``)
    ON_FAILURE = "OnFailure"
    #: never restart it
    NEVER = "Never"


class DNSPolicy(enum.Enum):
    """How the pod resolves names (https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/)."""

    #: cluster DNS first, then the node's upstream (Kubernetes' default)
    CLUSTER_FIRST = "ClusterFirst"
    #: cluster DNS for a pod with ``host_network=True``
    CLUSTER_FIRST_WITH_HOST_NET = "ClusterFirstWithHostNet"
    #: the node's resolver configuration
    DEFAULT = "Default"
    #: only what ``dns_config`` says (it must then give a nameserver)
    NONE = "None"


class OSName(enum.Enum):
    """``spec.os.name``: the OS the pod's containers need; the API server then checks OS-specific fields."""

    LINUX = "linux"
    WINDOWS = "windows"


# Limits of the API server's validateReadinessGates/validatePodDNSConfig.
_MAX_NAMESERVERS = 3
_MAX_SEARCHES = 32
_MAX_SEARCH_CHARS = 2048


@dataclass(frozen=True, kw_only=True)
class DNSConfig(metaclass=_checks.ValueMeta):
    """Extra resolver settings, merged into what ``dns_policy`` generates.

    :param nameservers: up to 3 IP addresses. Default: none added.
    :param searches: up to 32 search domains. Default: none added.
    :param options: resolver options, name -> value (``None`` for flags such as ``edns0``).
    """

    nameservers: Sequence[str] = ()
    searches: Sequence[str] = ()
    options: Mapping[str, str | None] | None = None

    def __post_init__(self) -> None:
        servers = _checks.check_sequence("nameservers", self.nameservers, "nameservers=('1.1.1.1',)")
        if len(servers) > _MAX_NAMESERVERS:
            raise PodkitError(
                "", f"dns_config has {len(servers)} nameservers; the API server allows at most 3"
            )
        for server in servers:
            _ip("dns_config nameserver", server)
        searches = _checks.check_sequence("searches", self.searches, "searches=('ns1.svc.cluster.local',)")
        if len(searches) > _MAX_SEARCHES:
            raise PodkitError(
                "", f"dns_config has {len(searches)} searches; the API server allows at most 32"
            )
        for domain in searches:
            # a trailing dot (fully qualified) is allowed
            _checks.dns_subdomain(
                "", "dns_config search domain", _checks.check_str("", "search", domain).rstrip(".")
            )
        if len(" ".join(searches)) > _MAX_SEARCH_CHARS:
            raise PodkitError(
                "", "dns_config searches are longer than 2048 characters in total; shorten them"
            )
        if self.options is not None and not isinstance(self.options, Mapping):
            raise PodkitTypeError(
                "",
                f"dns_config options must be a mapping of name to value (e.g. {{'ndots': '2', 'edns0': None}}), "
                f"got {type(self.options).__name__} {self.options!r}",
            )
        options = dict(self.options or {})
        for name, value in options.items():
            if not isinstance(name, str) or not name:
                raise PodkitError(
                    "", f"dns_config option name {name!r} must be a non-empty str, e.g. 'ndots'"
                )
            if value is not None and not isinstance(value, str):
                raise PodkitTypeError(
                    "", f"dns_config option {name!r} value must be a str or None, got {value!r} (quote it)"
                )
        if not servers and not searches and not options:
            raise PodkitError("", "DNSConfig() sets nothing; give nameservers, searches or options")
        object.__setattr__(self, "nameservers", servers)
        object.__setattr__(self, "searches", searches)
        object.__setattr__(self, "options", options or None)

    def render(self) -> dict[str, Any]:
        return {
            "nameservers": list(self.nameservers) or None,
            "searches": list(self.searches) or None,
            "options": [{"name": k, "value": v} for k, v in (self.options or {}).items()] or None,
        }


@dataclass(frozen=True)
class HostAlias(metaclass=_checks.ValueMeta):
    """Lines added to the pod's ``/etc/hosts``: ``HostAlias("10.1.2.3", ("db.local",))``.

    :param ip: the IPv4 or IPv6 address the names resolve to.
    :param hostnames: the names (DNS subdomains) for ``ip``; at least one.
    """

    ip: str
    hostnames: Sequence[str]

    def __post_init__(self) -> None:
        _ip("host alias ip", self.ip)
        names = _checks.check_sequence("hostnames", self.hostnames, "hostnames=('db.local',)")
        if not names:
            raise PodkitError("", f"host alias {self.ip!r} has no hostnames; give at least one")
        for name in names:
            _checks.dns_subdomain("", "host alias hostname", name)
        object.__setattr__(self, "hostnames", names)

    def render(self) -> dict[str, Any]:
        return {"ip": self.ip, "hostnames": list(self.hostnames)}


def _ip(what: str, value: object) -> str:
    text = _checks.check_str("", what, value)
    try:
        ipaddress.ip_address(text)
    except ValueError:
        raise PodkitError("", f"{what} {text!r} is not an IP address; use e.g. '10.0.0.10'") from None
    return text


class PodFields(TypedDict, total=False):
    """The opt-in pod settings every pod and controller takes as keyword arguments.

    Each is also a property of the pod (``pod.tolerations = [...]``), validated on assignment;
    left out, it is not rendered and Kubernetes' default applies.

    :param security_context: pod-wide security settings (UIDs, fsGroup, seccomp, sysctls); a
        container's own wins.
    :param node_affinity: which nodes the pod may / would rather run on.
    :param pod_affinity: run near pods matching these terms.
    :param pod_anti_affinity: run away from pods matching these terms (e.g. one replica per node).
    :param tolerations: taints the pod tolerates.
    :param topology_spread_constraints: how replicas spread over nodes/zones.
    :param priority_class_name: a PriorityClass name (preemption order).
    :param scheduler_name: the scheduler that places the pod. Default: ``default-scheduler``.
    :param runtime_class_name: a RuntimeClass name (gVisor, Kata, a GPU runtime).
    :param termination_grace_period_seconds: seconds between SIGTERM and SIGKILL. Default: 30.
    :param image_pull_secrets: registry credentials: ``SecretEnv`` of type DOCKER_CONFIG_JSON, or
        ``SecretEnv.from_name(...)``.
    :param host_network: use the node's network namespace.
    :param host_pid: use the node's PID namespace.
    :param host_ipc: use the node's IPC namespace.
    :param dns_policy: name resolution policy (:class:`DNSPolicy`). Default: ClusterFirst.
    :param dns_config: extra resolver settings (:class:`DNSConfig`).
    :param host_aliases: extra ``/etc/hosts`` lines (:class:`HostAlias`).
    :param hostname: the pod's hostname. Default: its name.
    :param subdomain: with ``hostname``, a DNS name under a headless Service of this name.
    :param automount_service_account_token: mount the service account token. Default: the
        service account's setting (true).
    :param share_process_namespace: containers see each other's processes.
    :param enable_service_links: env vars for every Service of the namespace. Default: true.
    :param os: the OS the containers need (:class:`OSName`); the API server then refuses fields
        of the other OS.
    """

    security_context: PodSecurityContext
    node_affinity: NodeAffinity
    pod_affinity: PodAffinity
    pod_anti_affinity: PodAffinity
    tolerations: Sequence[Toleration]
    topology_spread_constraints: Sequence[TopologySpreadConstraint]
    priority_class_name: str
    scheduler_name: str
    runtime_class_name: str
    termination_grace_period_seconds: int
    image_pull_secrets: Sequence[KeyedSource]
    host_network: bool
    host_pid: bool
    host_ipc: bool
    dns_policy: DNSPolicy
    dns_config: DNSConfig
    host_aliases: Sequence[HostAlias]
    hostname: str
    subdomain: str
    automount_service_account_token: bool
    share_process_namespace: bool
    enable_service_links: bool
    os: OSName


_T = TypeVar("_T")


class _SpecField(Generic[_T]):
    """One opt-in ``PodSpec`` field as a validated property.

    ``check`` validates (and may normalize) a value when it is assigned; ``render`` turns it
    into JSON when the pod renders (late, so objects referenced by it, such as the labels of a
    pod selected by affinity, are read at synth). Unset fields are not stored: they cost nothing.
    """

    def __init__(
        self,
        key: str,
        check: Callable[[AbstractPod, str, Any], _T],
        render: Callable[[_T], Any] = lambda v: v,
    ) -> None:
        self.key = key
        self.check = check
        self.render = render
        self.name = key

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, obj: None, objtype: type | None = None) -> _SpecField[_T]: ...
    @overload
    def __get__(self, obj: AbstractPod, objtype: type | None = None) -> _T | None: ...
    def __get__(self, obj: AbstractPod | None, objtype: type | None = None) -> _T | _SpecField[_T] | None:
        if obj is None:
            return self
        entry = obj._spec_fields.get(self.name)
        return None if entry is None else entry[1]

    def __set__(self, obj: AbstractPod, value: _T | None) -> None:
        if value is None:
            obj._spec_fields.pop(self.name, None)
            return
        try:
            checked = self.check(obj, self.name, value)
        except PodkitException as e:
            if e.path:
                raise
            # checks shared with the value classes (scheduling, security) carry no construct
            # path; the pod that received the value names itself
            raise type(e)(obj.path, e.detail) from None
        if not obj._built:
            obj._spec_fields[self.name] = (self, checked)
            return
        # a built pod: the assignment must not create a problem the API server would refuse
        before = obj._rule_problems()
        previous = obj._spec_fields.get(self.name)
        obj._spec_fields[self.name] = (self, checked)
        try:
            obj._raise_new_problems(before)
        except PodkitError:
            if previous is None:
                obj._spec_fields.pop(self.name, None)
            else:
                obj._spec_fields[self.name] = previous
            raise


def _bool(pod: AbstractPod, name: str, value: object) -> bool | None:
    return _checks.optional_bool(pod.path, name, value)


def _subdomain(pod: AbstractPod, name: str, value: object) -> str:
    return _checks.dns_subdomain(pod.path, name, value)


def _label(pod: AbstractPod, name: str, value: object) -> str:
    return _checks.dns_label(pod.path, name, value)


def _instance(cls: type[_T], example: str) -> Callable[[AbstractPod, str, Any], _T]:
    def check(pod: AbstractPod, name: str, value: object) -> _T:
        if not isinstance(value, cls):
            raise PodkitTypeError(
                pod.path,
                f"{name} must be a {cls.__name__} (e.g. {example}), got {type(value).__name__} {value!r}",
            )
        return value

    return check


def _member(cls: type[_T]) -> Callable[[AbstractPod, str, Any], _T]:
    def check(pod: AbstractPod, name: str, value: object) -> _T:
        return _checks.check_enum(name, value, cls)  # type: ignore[type-var]

    return check


def _grace(pod: AbstractPod, name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise PodkitTypeError(
            pod.path, f"{name} must be an int (seconds), got {type(value).__name__} {value!r}"
        )
    if value < 0:
        raise PodkitError(pod.path, f"{name} {value} is negative; use 0 (kill at once) or more seconds")
    return value


def _tolerations(pod: AbstractPod, name: str, value: object) -> Sequence[Toleration]:
    return check_tolerations(value)  # type: ignore[arg-type]


def _spread(pod: AbstractPod, name: str, value: object) -> Sequence[TopologySpreadConstraint]:
    return check_spread(value)  # type: ignore[arg-type]


def _host_aliases(pod: AbstractPod, name: str, value: object) -> Sequence[HostAlias]:
    return tuple(sequence_of(pod.path, name, value, HostAlias, "HostAlias('10.0.0.5', ('db.local',))"))


def _pull_secrets(pod: AbstractPod, name: str, value: object) -> Sequence[KeyedSource]:
    from .secret import PULL_SECRET_TYPES, SecretEnv

    secrets = sequence_of(pod.path, name, value, KeyedSource, "SecretEnv.from_name('regcred')")
    for i, secret in enumerate(secrets):
        if secret.SOURCE_KIND != "Secret":
            raise PodkitTypeError(
                pod.path,
                f"image_pull_secrets takes Secrets, got {secret.SOURCE_KIND} {secret.path!r}; "
                f"use a SecretEnv of type DOCKER_CONFIG_JSON or SecretEnv.from_name(...)",
            )
        if isinstance(secret, SecretEnv) and secret.type not in PULL_SECRET_TYPES:
            raise PodkitError(
                pod.path,
                f"image pull secret {secret.path!r} has type {secret.type.value}; the kubelet reads only "
                f"kubernetes.io/dockerconfigjson (or dockercfg) Secrets: create it with "
                f"type=SecretType.DOCKER_CONFIG_JSON",
            )
        if any(s is secret or s.name == secret.name for s in secrets[:i]):
            raise DuplicateError(pod.path, f"image pull secret {secret.name!r} is listed twice; list it once")
        pod._same_chart(secret, "image_pull_secrets")
    return tuple(secrets)


def _render_list(values: Sequence[Any]) -> list[Any] | None:
    return [v.render() for v in values] or None


def sequence_of(path: str, what: str, value: object, item: type, example: str) -> list[Any]:
    """A list/tuple of ``item``; a single item or a str is a type error that shows the fix."""
    if isinstance(value, item):
        raise PodkitTypeError(path, f"{what} takes a list, got a single {item.__name__}: write [{example}]")
    if not _checks.is_list(value):
        raise PodkitTypeError(
            path, f"{what} must be a list of {item.__name__}, got {type(value).__name__} {value!r}"
        )
    out = list(value)
    for v in out:
        if not isinstance(v, item):
            raise PodkitTypeError(
                path,
                f"{what} must be a list of {item.__name__}, got an item of type {type(v).__name__}: {v!r}",
            )
    return out


# the container a rule's field path is in: containers[1].ports[0].hostPort
_CONTAINER_FIELD = re.compile(r"(containers|initContainers)\[(\d+)\](.*)\Z")
_CAMEL = re.compile(r"(?<=[a-z0-9])([A-Z])")
#: Kubernetes field names whose Python argument is named otherwise
_PYTHON_NAMES = {
    "livenessProbe": "liveness",
    "readinessProbe": "readiness",
    "startupProbe": "startup",
    "volumeMounts": "mounts",
    "mountPath": "at",
    "containerPort": "number",
    "nodeAffinity": "node_affinity",
    "podAffinity": "pod_affinity",
    "podAntiAffinity": "pod_anti_affinity",
    "hostPID": "host_pid",
    "hostIPC": "host_ipc",
    "imagePullSecrets": "image_pull_secrets",
    "serviceAccountName": "service_account",
}


def _source_name(source: KeyedSource) -> str:
    return f"{source.SOURCE_KIND} {source.name!r}"


def _snake_path(path: str) -> str:
    """``dnsConfig.nameservers[0]`` -> ``dns_config.nameservers[0]``; ``affinity.`` is dropped
    (the three affinities are arguments of their own)."""
    parts = []
    for part in path.removeprefix("affinity.").split("."):
        name, bracket, index = part.partition("[")
        name = _PYTHON_NAMES.get(name) or _CAMEL.sub(r"_\1", name).lower()
        parts.append(name + bracket + index)
    return ".".join(p for p in parts if p)


@functools.cache
def _restart_values(cls: type[AbstractPod]) -> tuple[str, ...]:
    """The restartPolicy values a kind of pod allows, as the rules take them (made once a class)."""
    return tuple(p.value for p in cls._RESTART_POLICIES)


class AbstractPod(PodkitResource):
    """A pod definition: containers, volumes and the pod-level settings.

    Not used directly: see ``SidecarPod`` and the controllers. Subclasses say which restart
    policies they allow (``_RESTART_POLICIES``) and where the spec goes (``_render_body``).
    """

    #: restart policies this kind of pod accepts (Jobs: OnFailure/Never; Deployments: Always)
    _RESTART_POLICIES: tuple[RestartPolicy, ...] = tuple(RestartPolicy)
    #: where the pod spec sits in this kind's object (the field paths the rules report)
    _POD_SPEC_AT: ClassVar[str] = "spec"
    #: whether the constructor has returned (then each change asks the rules at once)
    _built = False
    #: what the rules asked at the last call passed (see ``_passed_at_call``)
    _passed: PassedPodSpec | None = None

    # -- opt-in pod settings (PodFields): validated on assignment, rendered only when set ------
    #: pod-wide security settings (UIDs, fsGroup, seccomp, sysctls); a container's own wins
    security_context = _SpecField(
        "securityContext",
        _instance(PodSecurityContext, "PodSecurityContext(run_as_non_root=True)"),
        lambda v: v.render(),
    )
    #: which nodes the pod may / would rather run on
    node_affinity = _SpecField(
        "affinity.nodeAffinity", _instance(NodeAffinity, "NodeAffinity(required=[...])"), lambda v: v.render()
    )
    #: run near pods matching these terms
    pod_affinity = _SpecField(
        "affinity.podAffinity", _instance(PodAffinity, "PodAffinity(required=[...])"), lambda v: v.render()
    )
    #: run away from pods matching these terms (e.g. one replica per node)
    pod_anti_affinity = _SpecField(
        "affinity.podAntiAffinity",
        _instance(PodAffinity, "PodAffinity(preferred=[...])"),
        lambda v: v.render(),
    )
    #: taints the pod tolerates
    tolerations = _SpecField("tolerations", _tolerations, _render_list)
    #: how replicas spread over nodes/zones
    topology_spread_constraints = _SpecField("topologySpreadConstraints", _spread, _render_list)
    #: a PriorityClass name (preemption order)
    priority_class_name = _SpecField("priorityClassName", _subdomain)
    #: the scheduler that places the pod. Default: ``default-scheduler``
    scheduler_name = _SpecField("schedulerName", _subdomain)
    #: a RuntimeClass name (gVisor, Kata, a GPU runtime)
    runtime_class_name = _SpecField("runtimeClassName", _subdomain)
    #: seconds between SIGTERM and SIGKILL. Default: Kubernetes' 30
    termination_grace_period_seconds = _SpecField("terminationGracePeriodSeconds", _grace)
    #: registry credentials: ``SecretEnv`` of type DOCKER_CONFIG_JSON, or ``SecretEnv.from_name(...)``
    image_pull_secrets = _SpecField(
        "imagePullSecrets", _pull_secrets, lambda secrets: [{"name": s.name} for s in secrets]
    )
    #: use the node's network namespace
    host_network = _SpecField("hostNetwork", _bool)
    #: use the node's PID namespace
    host_pid = _SpecField("hostPID", _bool)
    #: use the node's IPC namespace
    host_ipc = _SpecField("hostIPC", _bool)
    #: name resolution policy. Default: Kubernetes' ClusterFirst
    dns_policy = _SpecField("dnsPolicy", _member(DNSPolicy), lambda v: v.value)
    #: extra resolver settings
    dns_config = _SpecField(
        "dnsConfig", _instance(DNSConfig, "DNSConfig(nameservers=('1.1.1.1',))"), lambda v: v.render()
    )
    #: extra ``/etc/hosts`` lines
    host_aliases = _SpecField("hostAliases", _host_aliases, _render_list)
    #: the pod's hostname. Default: its name
    hostname = _SpecField("hostname", _label)
    #: with ``hostname``, gives the pod a DNS name under a headless Service of this name
    subdomain = _SpecField("subdomain", _label)
    #: mount the service account token. Default: the service account's setting (true)
    automount_service_account_token = _SpecField("automountServiceAccountToken", _bool)
    #: containers see each other's processes (signals, debugging)
    share_process_namespace = _SpecField("shareProcessNamespace", _bool)
    #: env vars for every Service of the namespace. Default: Kubernetes' true
    enable_service_links = _SpecField("enableServiceLinks", _bool)
    #: the OS the containers need; the API server then refuses fields of the other OS
    os = _SpecField("os", _member(OSName), lambda v: {"name": v.value})

    def __init__(
        self,
        scope: constructs.Construct,
        id: str,
        *,
        main: Container,
        sidecars: Sequence[Container] = (),
        native_sidecars: Sequence[Container] = (),
        init_containers: Sequence[Container] = (),
        volumes: Sequence[Volume] = (),
        node_selector: Mapping[str, str] | None = None,
        restart_policy: RestartPolicy | None = None,
        service_account: ServiceAccount | str | None = None,
        labels: Mapping[str, str] | None = None,
        annotations: Mapping[str, str] | None = None,
        name: str | None = None,
        namespace: str | None = None,
        **fields: Unpack[PodFields],
    ) -> None:
        super().__init__(scope, id, name=name, labels=labels, annotations=annotations, namespace=namespace)
        self._spec_fields: dict[str, tuple[_SpecField[Any], Any]] = {}
        for key, value in fields.items():
            if key not in PodFields.__annotations__:
                raise PodkitTypeError(self.path, _checks.unexpected_keywords(type(self), [key]))
            setattr(self, key, value)
        self._set_restart_policy(restart_policy)
        self._node_selector = {
            _checks.label_key(self.path, k, what="node_selector key"): _checks.label_value(self.path, k, v)
            for k, v in mapping_arg(self.path, "node_selector", node_selector).items()
        }
        from .namespace import ServiceAccount

        # the object's name (the one place that resolves it, for SidecarPod and every controller)
        self.service_account_name = (
            service_account.name
            if isinstance(service_account, ServiceAccount)
            else _checks.dns_subdomain(self.path, "service account name", service_account)
            if service_account is not None
            else None
        )
        self._volumes: list[Volume] = []
        self._containers: list[Container] = []
        # init containers and native sidecars share one ordered list, as in the pod spec;
        # the flag marks native sidecars (rendered with restartPolicy: Always)
        self._init: list[tuple[Container, bool]] = []
        for v in sequence_of(self.path, "volumes", volumes, Volume, "volume"):
            self.add_volume(v)
        if not isinstance(main, Container):
            raise PodkitTypeError(self.path, f"main must be a Container, got {type(main).__name__}")
        self._main = main
        self._add(main, main=True)
        for c in sequence_of(self.path, "sidecars", sidecars, Container, "container"):
            self.add_sidecar(c)
        for c in sequence_of(self.path, "init_containers", init_containers, Container, "container"):
            self.add_init_container(c)
        for c in sequence_of(self.path, "native_sidecars", native_sidecars, Container, "container"):
            self.add_native_sidecar(c)

    @classmethod
    def _unexpected_keyword(cls, key: str) -> str | None:
        """``restart_policy=`` given to a kind whose restart policy is fixed (a Deployment's)."""
        if key != "restart_policy":
            return None
        allowed = " or ".join(p.value for p in cls._RESTART_POLICIES)
        return (
            f"{cls.__name__}() takes no restart_policy: a {cls.KIND}'s pods always use restart policy "
            f"{allowed}, the only one Kubernetes allows for a {cls.KIND} (it keeps its pods running); "
            f"remove restart_policy=, or use a Job for pods that run to completion"
        )

    def _set_restart_policy(self, policy: object) -> None:
        if policy is not None and not isinstance(policy, RestartPolicy):
            members = ", ".join(f"RestartPolicy.{p.name}" for p in self._RESTART_POLICIES)
            hint = next((f" (use RestartPolicy.{p.name})" for p in RestartPolicy if p.value == policy), "")
            raise PodkitTypeError(
                self.path, f"restart_policy must be a RestartPolicy ({members}), got {policy!r}{hint}"
            )
        if policy is not None and policy not in self._RESTART_POLICIES:
            allowed = " or ".join(f"RestartPolicy.{p.name}" for p in self._RESTART_POLICIES)
            raise PodkitError(
                self.path,
                f"restart_policy {policy.name} is not allowed for a {self.KIND}; use {allowed}",
            )
        self.restart_policy: RestartPolicy | None = policy

    # -- containers ------------------------------------------------------------------------
    @property
    def main(self) -> Container:
        """The main container, listed first (``kubectl logs`` and ``exec`` default to it)."""
        return self._main

    @property
    def sidecars(self) -> list[Container]:
        """Regular sidecars (``spec.containers`` after the main one)."""
        return self._containers[1:]

    @property
    def init_containers(self) -> list[Container]:
        """``spec.initContainers`` in order: init containers and native sidecars."""
        return [c for c, _ in self._init]

    @property
    def native_sidecars(self) -> list[Container]:
        """The native sidecars (init containers that keep running), in order."""
        return [c for c, native in self._init if native]

    @property
    def containers(self) -> list[Container]:
        """Every container: main, sidecars, then init containers and native sidecars."""
        return self._containers + [c for c, _ in self._init]

    def add_sidecar(self, container: Container) -> None:
        """Add a regular sidecar container (no start-order guarantee, see module docs)."""
        self._add(container)

    def add_native_sidecar(self, container: Container) -> None:
        """Add a native sidecar: started before the main container and kept running."""
        self._add(container, init=True, native=True)

    def add_init_container(self, container: Container) -> None:
        """Add an init container: runs to completion before the app containers start."""
        if isinstance(container, Container) and (
            container.liveness or container.readiness or container.startup
        ):
            raise PodkitError(
                self.path,
                f"init container {container.name!r} has probes, which Kubernetes rejects for init "
                f"containers; remove them, or use add_native_sidecar for a long-running helper",
            )
        self._add(container, init=True)

    def _add(
        self, container: Container, *, main: bool = False, init: bool = False, native: bool = False
    ) -> None:
        if not isinstance(container, Container):
            raise PodkitTypeError(
                self.path, f"expected a Container, got {type(container).__name__} {container!r}"
            )
        for other in self.containers:
            if other is container:
                raise DuplicateError(self.path, f"container {container.name!r} is added twice")
            if other.name == container.name:
                raise DuplicateError(
                    self.path,
                    f"two containers are named {container.name!r} (names are unique across containers and "
                    f"init containers); rename one",
                )
        if not init or native:
            # a plain init container exits before the others listen, so only these conflict
            for message in self._port_conflicts(container, self._running()):
                raise DuplicateError(self.path, message)
        for message in self._unmounted(container):
            raise MissingReferenceError(self.path, message)
        for source, _key in container.sources():
            self._same_chart(source, f"container {container.name!r}")
        before = self._rule_problems() if self._built else None
        if init:
            self._init.append((container, native))
        else:
            self._containers.append(container)
        if before is not None:
            try:
                self._raise_new_problems(before)
            except PodkitError:
                if init:
                    self._init.pop()
                else:
                    self._containers.pop()
                raise

    def _running(self) -> list[Container]:
        """Containers that run side by side (and so share the pod's ports)."""
        return self._containers + [c for c, native in self._init if native]

    def _port_conflicts(self, container: Container, others: Iterable[Container]) -> list[str]:
        out = []
        for other in others:
            if other is container:
                continue
            for p in container.ports:
                for q in other.ports:
                    if p.number == q.number and p.protocol == q.protocol:
                        out.append(
                            f"{_checks.PODKIT_RULE}containers {other.name!r} and {container.name!r} both declare "
                            f"port {p.number}; "
                            f"containers of a pod share one IP, so give each its own port"
                        )
        return out

    def _unmounted(self, container: Container) -> list[str]:
        """Messages for mounts of volumes this pod does not have."""
        return [
            f"container {container.name!r} mounts volume {m.volume.name!r}, which the pod does not "
            f"have; add it with volumes=[...] / pod.add_volume(...), or mount it with pod.mount(...)"
            for m in container.mounts
            if not any(v is m.volume for v in self._volumes)
        ]

    def _same_chart(self, source: KeyedSource, who: str) -> None:
        other = source.owning_chart
        if other is not None and self._chart is not None and other is not self._chart:
            where = "another app" if other.node.root is not self._chart.node.root else "another chart"
            raise PodkitError(
                self.path,
                f"{who} uses {source.SOURCE_KIND} {source.path!r} from {where}; a pod can only use "
                f"ConfigMaps/Secrets of its own chart (they must be applied to the same namespace): create it "
                f"in this chart, or refer to it by name with {type(source).__name__}.from_name(...)",
            )

    # -- volumes ----------------------------------------------------------------------------
    @property
    def volumes(self) -> list[Volume]:
        return list(self._volumes)

    def add_volume(self, volume: Volume) -> None:
        """Add a volume to the pod (a no-op if this very volume is already there)."""
        if not isinstance(volume, Volume):
            raise PodkitTypeError(self.path, f"expected a Volume, got {type(volume).__name__}")
        for v in self._volumes:
            if v is volume:
                return
            if v.name == volume.name:
                raise DuplicateError(
                    self.path, f"two different volumes are named {volume.name!r}; give each a unique name"
                )
        for source in volume.sources():
            self._same_chart(source, f"volume {volume.name!r}")
        # A volume brings no pod-level conflict the rules could name at this call (its own rules
        # ran when it was made, its name is unique here); the whole pod is checked at synth. Not
        # asking the pod-spec rules again keeps pod.mount(...) cheap: apps mount thousands.
        self._volumes.append(volume)

    def mount(
        self,
        volume: Volume,
        *,
        at: str,
        containers: Iterable[Container] | None = None,
        read_only: bool = False,
        sub_path: str | None = None,
        sub_path_expr: str | None = None,
    ) -> None:
        """Mount ``volume`` at ``at`` in several containers at once, adding it to the pod.

        :param containers: default: the main container and the regular sidecars.
        :param sub_path_expr: a sub path with ``$(VAR)`` expanded from each container's env.
        """
        targets = (
            sequence_of(self.path, "containers", containers, Container, "container")
            if containers is not None
            else list(self._containers)
        )
        for c in targets:
            if not any(c is x for x in self.containers):
                raise MissingReferenceError(
                    self.path, f"container {c.name!r} is not in this pod; add it first (add_sidecar, ...)"
                )
        for c in targets:
            taken = next((m for m in c.mounts if m.path == at), None)
            if taken is not None:
                raise DuplicateError(
                    self.path,
                    f"container {c.name!r} already mounts volume {taken.volume.name!r} at {at!r}, so volume "
                    f"{volume.name!r} cannot be mounted there too; mount it at another path (at=...), or "
                    f"mount one volume with sub_path=... per file if both should appear under {at!r}",
                )
        self.add_volume(volume)
        for c in targets:
            c.mount(volume, at=at, read_only=read_only, sub_path=sub_path, sub_path_expr=sub_path_expr)

    @property
    def node_selector(self) -> dict[str, str]:
        return dict(self._node_selector)

    def sources(self) -> list[KeyedSource]:
        """Every ConfigMap/Secret the pod consumes (env, envFrom, volumes), each once, in order."""
        out: list[KeyedSource] = []
        for c in self.containers:
            for source, _key in c.sources():
                if not any(source is s for s in out):
                    out.append(source)
        for v in self._volumes:
            for source in v.sources():
                if not any(source is s for s in out):
                    out.append(source)
        return out

    # -- the API server's rules, asked at the call -----------------------------------------------
    def _podkit_built(self) -> None:
        """Called once the outermost constructor returned (``_jsii.LazyMeta``): the pod as built
        must pass the API server's pod-spec rules, and from now on every change is checked."""
        self._raise_new_problems(())
        self._built = True

    def _pod_meta(self) -> dict[str, Any]:
        """The metadata the pod's own rules read (a bare Pod's; a controller's pod template's)."""
        return {"name": self.name, "labels": self._labels or None, "annotations": self._annotations or None}

    def _rule_problems(self) -> list[Problem]:
        """What the API server's pod-spec rules (``_rules.core.pod.check_pod_spec``, the rules
        every final object passes) find in this pod as it is now, at the fields it will have."""
        return self._ask_rules()[0]

    def _ask_rules(self) -> tuple[list[Problem], PassedPodSpec]:
        """:meth:`_rule_problems`, and what the rules read (a snapshot: later changes to the pod
        do not show in it)."""
        spec = self._fit_spec()
        meta = {
            k: dict(v) if isinstance(v, dict) else v for k, v in self._pod_meta().items() if v is not None
        }
        # as check_pod_spec compares it at synth (fit_view): the volumes are asked there anyway
        without_volumes = {k: v for k, v in spec.items() if k != "volumes"}
        asked = PassedPodSpec(self._POD_SPEC_AT, _restart_values(type(self)), without_volumes, fit_meta(meta))
        report = Report(self._path)
        check_pod_spec(
            report,
            spec,
            asked.where,
            asked.restart,
            meta=meta,
            is_pod=asked.where == "spec",
            # each Container checked its own fields at its call; the pod asks how they fit together
            # (and every field is checked again on the final object at synth)
            each_container=False,
        )
        return report.problems, asked

    def _passed_at_call(self) -> PassedPodSpec | None:
        # the pod as the rules last passed it at a call: its synth-time check does not ask them
        # again about a final spec that is still the same (``_rules.core.pod.check_pod_spec``)
        return self._passed

    def _raise_new_problems(self, before: Iterable[Problem]) -> None:
        """Raise the first rule problem that is not in ``before``, naming the Python argument
        (and, when there is none at all, remember what passed: :meth:`_passed_at_call`)."""
        known = {(p.field, p.message) for p in before}
        problems, asked = self._ask_rules()
        self._passed = None if problems else asked
        for problem in problems:
            if (problem.field, problem.message) not in known:
                fix = f"; {problem.fix}" if problem.fix else ""
                raise PodkitError(self.path, f"{self._argument(problem.field)}: {problem.message}{fix}")

    def _argument(self, field: str) -> str:
        """The Python argument a rule's field path stands for: ``spec.containers[1].ports[0].hostPort``
        is ``container 'shipper' ports[0].host_port``, ``spec.shareProcessNamespace`` is
        ``share_process_namespace`` (camelCase to snake_case; containers by name)."""
        if field != self._POD_SPEC_AT and not field.startswith(
            (self._POD_SPEC_AT + ".", self._POD_SPEC_AT + "[")
        ):
            # a field of the pod's metadata (a controller's: of its pod template)
            rest = field.rpartition("metadata.")[2] if "metadata." in field else ""
            prefix = "" if self._POD_SPEC_AT == "spec" else "pod_"
            return prefix + _snake_path(rest) if rest else "metadata"
        rest = field[len(self._POD_SPEC_AT) :].lstrip(".")
        match = _CONTAINER_FIELD.match(rest)
        if match is None:
            return _snake_path(rest) or "the pod"
        kind, index, inner = match.group(1), int(match.group(2)), match.group(3)
        listed = self._containers if kind == "containers" else [c for c, _ in self._init]
        natives = {id(c) for c, native in self._init if native}
        if index < len(listed):
            container = listed[index]
            who = (
                "container"
                if kind == "containers"
                else "native sidecar"
                if id(container) in natives
                else "init container"
            )
            name = f"{who} {container.name!r}"
        else:
            name = f"{kind}[{index}]"
        inner = _snake_path(inner.lstrip("."))
        return f"{name} {inner}" if inner else name

    def _spec_problems(self, problems: list[Problem]) -> None:
        """Synth-time checks of the opt-in settings that need other objects (the API server's
        own rules run on the final object, see ``_validate``)."""
        if not self._spec_fields:
            return
        selectors: list[LabelSelector] = []
        for affinity in (self.pod_affinity, self.pod_anti_affinity):
            if affinity is not None:
                selectors.extend(affinity.selectors())
        selectors.extend(c.selector for c in self.topology_spread_constraints or ())
        for selector in selectors:
            if selector.target is not None and not selector.match_labels():
                problems.append(
                    self._problem(
                        f"a label selector refers to {selector.target!r}, which has no labels to select it by "
                        f"(the selector would match every pod)",
                        "give it labels, or use LabelSelector(match_labels={...})",
                    )
                )

    def _warn_env_overrides(self) -> None:
        """Warn when two ``env_from`` sources of a container give the same env var (the later
        silently wins in Kubernetes: the earlier value is lost)."""
        for c in self.containers:
            if len(c._env_from) < 2:
                continue
            seen: dict[str, KeyedSource] = {}
            for entry in c._env_from:
                keys = entry.source.known_keys() or set()
                for key in sorted(keys):
                    name = (entry.prefix or "") + key
                    first = seen.get(name)
                    if first is not None and first is not entry.source:
                        # at the line that created this pod: a container is a value that may
                        # join several pods, and the pod is what the message names
                        warn_at(
                            f"[{self.path}] container {c.name!r} gets env var {name!r} from both "
                            f"{_source_name(first)} and {_source_name(entry.source)} (env_from): the later, "
                            f"{_source_name(entry.source)}, wins and the value from {_source_name(first)} is "
                            f"lost; rename the key in one of them, or give one a prefix "
                            f"(EnvFrom(source, prefix='...'))",
                            EnvOverrideWarning,
                            self._source,
                        )
                    seen[name] = entry.source

    # -- synth -------------------------------------------------------------------------------
    def _check(self, problems: list[Problem]) -> None:
        self._spec_problems(problems)
        self._warn_env_overrides()
        # containers are values that may have changed since they joined: check them again
        for c in self.containers:
            where = f"{self.path}: container {c.name!r}"
            for source, key in c.sources():
                if key is not None:
                    missing = source._missing_key_problem(key, where)
                    if missing:
                        problems.append(missing)
            problems.extend(self._problem(m) for m in self._unmounted(c))
        running = self._running()
        for i, c in enumerate(running):
            problems.extend(self._problem(m) for m in self._port_conflicts(c, running[:i]))
        for v in self._volumes:
            for source, key in v.key_references():
                missing = source._missing_key_problem(key, f"{self.path}: volume {v.name!r}")
                if missing:
                    problems.append(missing)

    def render_pod_spec(self) -> dict[str, Any]:
        """The ``PodSpec`` (with ``None`` for unset fields; the render path drops them)."""
        spec = {
            "containers": [c.render() for c in self._containers],
            "initContainers": [
                {**c.render(), "restartPolicy": "Always" if native else None} for c, native in self._init
            ]
            or None,
            "volumes": [v.render() for v in self._volumes] or None,
            "nodeSelector": self._node_selector or None,
            "restartPolicy": self.restart_policy.value if self.restart_policy else None,
            "serviceAccountName": self.service_account_name,
        }
        self._render_fields(spec, strip=False)
        return spec

    def _fit_spec(self) -> dict[str, Any]:
        """The pod spec as the rules asked at the call read it (``_rule_problems``): what
        :meth:`render_pod_spec` writes, without unset fields, and of each container only how it
        fits the pod (``Container._fit_view``: not its env, mounts or resources, which cost the
        most to render and which the Container checked at its own call). Built without ``None``
        where podkit's renders write none (containers, ports, probes), stripped elsewhere."""
        spec: dict[str, Any] = {"containers": [c._fit_view() for c in self._containers]}
        if self._init:
            spec["initContainers"] = [
                {**c._fit_view(), "restartPolicy": "Always"} if native else c._fit_view()
                for c, native in self._init
            ]
        if self._volumes:
            spec["volumes"] = [_checks.without_none(v.render()) for v in self._volumes]
        if self._node_selector:
            spec["nodeSelector"] = dict(self._node_selector)
        if self.restart_policy:
            spec["restartPolicy"] = self.restart_policy.value
        if self.service_account_name is not None:
            spec["serviceAccountName"] = self.service_account_name
        self._render_fields(spec, strip=True)
        return spec

    def _render_fields(self, spec: dict[str, Any], *, strip: bool) -> None:
        """Add the opt-in pod settings that are set to ``spec`` (``strip``: without ``None``)."""
        for field, value in self._spec_fields.values():
            rendered = field.render(value)
            if strip:
                rendered = _checks.without_none(rendered)
            key, _, inner = field.key.partition(".")
            if inner:  # the three kinds of affinity share one 'affinity' object
                spec.setdefault(key, {})[inner] = rendered
            else:
                spec[key] = rendered
