"""Controllers over one pod definition: ``Deployment``, ``StatefulSet``, ``DaemonSet``, ``Job``, ``CronJob``.

A bare Pod is not rescheduled when its node dies, and its spec is immutable, so a config
change cannot roll out. A controller keeps a *pod template* and makes pods from it. Every
controller here is an :class:`~podkit._pod.AbstractPod` (containers, sidecars, volumes,
mounts and every pod check live there, shared with ``SidecarPod``) plus its own settings.

**Selector labels.** A controller finds its pods by label, and its ``spec.selector`` is
immutable in the cluster: a selector that changes when someone edits a label makes the next
``kubectl apply`` fail. So podkit derives the selector from what cannot change without
replacing the object anyway, its kind and its name::

    app.kubernetes.io/name: <metadata.name>
    podkit.dev/controller: <kind, lower case>   # a Deployment and a Job named alike never share pods

The pod template's labels are these plus ``pod_labels``; a ``pod_labels`` entry that would
change a selector label is an error. ``labels`` label the controller object itself.

**Config changes roll out.** A controller rolls its pods only when its pod template changes,
and a ConfigMap/Secret the pods read is not part of the template. Two known fixes:

* *Helm's checksum annotation* (podkit's default): the template gets
  ``podkit.dev/config-hash: <sha256 of the consumed ConfigMaps/Secrets' data>``, so a changed
  value changes the template and the controller rolls. Names stay stable
  (``kubectl get configmap web``), and there is one ConfigMap in the cluster, updated in
  place, so pods that have not rolled yet (or a rollback) see the *new* data.
* *kustomize's hash-suffixed names* (``content_hash=True`` on ``ConfigFromMap``/``SecretEnv``):
  a change makes a new object (``web-5f8c2d9b1a``) and every reference follows, so old pods
  keep reading the old data and a rollback gets it back; but old objects pile up until pruned
  (``kubectl apply --prune``), and outside consumers cannot know the name.

Only what podkit builds is hashed: a reference (``from_name``), an ExternalSecret or a sealed
secret contributes its name and known keys only (their values are not in the app), so a
change made in the cluster does not roll the pods. ``rollout_on_config_change=False`` turns
the annotation off.
"""

from __future__ import annotations

import enum
import zoneinfo
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any, Self, TypeVar, Unpack

import constructs

from . import _checks
from ._checks import enum_arg
from ._pod import RestartPolicy, sequence_of
from ._rules.batch import MAX_CRONJOB_NAME, NO_ZONE_DATABASE, schedule_error
from ._workload import WorkloadArgs, _Workload
from .chart import construct_path
from .container import Container, Port
from .errors import InvalidNameError, PodkitError, PodkitTypeError, Problem
from .ingress import Ingress, PathType, expose_via_ingress
from .resources import parse_quantity
from .service import Service, ServicePort, ServiceType
from .storage import AccessMode, claim_spec
from .volume import Volume

if TYPE_CHECKING:
    from .disruption import PodDisruptionBudget, UnhealthyPodEvictionPolicy

__all__ = [
    "AccessMode",
    "ConcurrencyPolicy",
    "CronJob",
    "DaemonSet",
    "DaemonSetUpdateStrategy",
    "Deployment",
    "DeploymentStrategy",
    "Job",
    "PodManagementPolicy",
    "StatefulSet",
    "StatefulSetUpdateStrategy",
    "VolumeClaimTemplate",
]

E = TypeVar("E", bound=enum.Enum)


# -- argument checks ----------------------------------------------------------------------
#: the few int64 fields (deadlines); every other int of a workload is an int32
_INT64_MAX = 2**63 - 1


def _int(path: str, what: str, value: object, low: int, high: int = _checks.INT32_MAX) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise PodkitTypeError(path, f"{what} must be an int, got {type(value).__name__} {value!r}")
    if value < low:
        raise PodkitError(path, f"{what} is {value}; expected an int >= {low}")
    if value > high:
        # the API server cannot decode it (replicas: 1099511627776 would be written)
        raise PodkitError(path, f"{what} is {value}; expected an int from {low} to {high}")
    return value


def _opt_int(path: str, what: str, value: object, low: int, high: int = _checks.INT32_MAX) -> int | None:
    return None if value is None else _int(path, what, value, low, high)


def _int_or_percent(path: str, what: str, value: object) -> int | str | None:
    """An int >= 0 or a percentage ``'25%'`` (0-100), as maxSurge/maxUnavailable take."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise PodkitTypeError(
            path,
            f"{what} must be an int or a percentage str such as '25%', got {type(value).__name__} {value!r}",
        )
    if isinstance(value, int):
        return _int(path, what, value, 0)
    if not _checks.PERCENT.match(value) or int(value[:-1]) > 100:
        raise PodkitError(
            path, f"{what} {value!r} is not a percentage; expected 0%..100% (e.g. '25%') or an int such as 1"
        )
    return value


def _is_zero(value: int | str | None) -> bool:
    return value in (0, "0%")


# -- strategies -----------------------------------------------------------------------------
@dataclass(frozen=True)
class _Strategy:
    """A controller's update strategy: its ``type`` and, for RollingUpdate, its settings."""

    _type: str
    _rolling: Mapping[str, Any] | None = None

    @classmethod
    def _make(cls, *args: Any, **kwargs: Any) -> Self:
        """The dataclass constructor, for the factories (set by ``_checks.factory_built``)."""
        raise NotImplementedError

    def render(self) -> dict[str, Any]:
        return {"type": self._type, "rollingUpdate": dict(self._rolling) if self._rolling else None}


@_checks.factory_built
class DeploymentStrategy(_Strategy):
    """How a Deployment replaces old pods. Make one with :meth:`rolling_update` or :meth:`recreate`."""

    @staticmethod
    def rolling_update(
        *, max_surge: int | str | None = None, max_unavailable: int | str | None = None
    ) -> DeploymentStrategy:
        """Replace pods a few at a time.

        :param max_surge: pods above ``replicas`` during a rollout, an int or ``'25%'``.
            Default: not set (Kubernetes uses 25%).
        :param max_unavailable: pods below ``replicas`` during a rollout. Default: not set (25%).
        """
        surge = _int_or_percent("DeploymentStrategy", "max_surge", max_surge)
        unavailable = _int_or_percent("DeploymentStrategy", "max_unavailable", max_unavailable)
        if _is_zero(surge) and _is_zero(unavailable):
            raise PodkitError(
                "DeploymentStrategy",
                "max_surge and max_unavailable are both 0, so a rollout could never progress; raise one of them",
            )
        return DeploymentStrategy._make("RollingUpdate", {"maxSurge": surge, "maxUnavailable": unavailable})

    @staticmethod
    def recreate() -> DeploymentStrategy:
        """Stop every old pod before starting new ones (downtime; for apps that cannot run twice)."""
        return DeploymentStrategy._make("Recreate")


@_checks.factory_built
class StatefulSetUpdateStrategy(_Strategy):
    """How a StatefulSet replaces pods: :meth:`rolling_update` or :meth:`on_delete`."""

    @staticmethod
    def rolling_update(
        *, partition: int | None = None, max_unavailable: int | str | None = None
    ) -> StatefulSetUpdateStrategy:
        """Replace pods one ordinal at a time, highest first.

        :param partition: only pods with an ordinal >= this are updated (staged rollouts). Default: 0.
        :param max_unavailable: pods that may be down at once. Default: 1. In Kubernetes 1.33
            this is alpha (feature gate ``MaxUnavailableStatefulSet``, off by default; beta from
            1.35): a cluster without the gate drops the field and updates one pod at a time.
        """
        rolling = {
            "partition": _opt_int("StatefulSetUpdateStrategy", "partition", partition, 0),
            "maxUnavailable": _int_or_percent(
                "StatefulSetUpdateStrategy", "max_unavailable", max_unavailable
            ),
        }
        if _is_zero(rolling["maxUnavailable"]):
            raise PodkitError(
                "StatefulSetUpdateStrategy",
                "max_unavailable is 0, so a rollout could never progress; use >= 1",
            )
        return StatefulSetUpdateStrategy._make("RollingUpdate", rolling)

    @staticmethod
    def on_delete() -> StatefulSetUpdateStrategy:
        """Replace a pod only when someone deletes it."""
        return StatefulSetUpdateStrategy._make("OnDelete")


@_checks.factory_built
class DaemonSetUpdateStrategy(_Strategy):
    """How a DaemonSet replaces pods: :meth:`rolling_update` or :meth:`on_delete`."""

    @staticmethod
    def rolling_update(
        *, max_surge: int | str | None = None, max_unavailable: int | str | None = None
    ) -> DaemonSetUpdateStrategy:
        """Replace pods node by node.

        :param max_surge: nodes that may run an old and a new pod at once. Default: not set (0).
        :param max_unavailable: nodes that may be without a pod at once. Default: not set (1).
        """
        surge = _int_or_percent("DaemonSetUpdateStrategy", "max_surge", max_surge)
        unavailable = _int_or_percent("DaemonSetUpdateStrategy", "max_unavailable", max_unavailable)
        if _is_zero(unavailable) and (surge is None or _is_zero(surge)):
            raise PodkitError(
                "DaemonSetUpdateStrategy",
                "max_unavailable is 0 and max_surge is 0 or unset, so a rollout could never progress; "
                "raise one of them",
            )
        return DaemonSetUpdateStrategy._make(
            "RollingUpdate", {"maxSurge": surge, "maxUnavailable": unavailable}
        )

    @staticmethod
    def on_delete() -> DaemonSetUpdateStrategy:
        """Replace a pod only when someone deletes it."""
        return DaemonSetUpdateStrategy._make("OnDelete")


class PodManagementPolicy(enum.Enum):
    """In which order a StatefulSet creates and deletes pods."""

    #: one at a time, each Ready before the next (Kubernetes' default)
    ORDERED_READY = "OrderedReady"
    #: all at once
    PARALLEL = "Parallel"


class ConcurrencyPolicy(enum.Enum):
    """What a CronJob does when a run is due while the previous one still runs."""

    #: run them side by side (Kubernetes' default)
    ALLOW = "Allow"
    #: skip the new run
    FORBID = "Forbid"
    #: stop the old run, start the new one
    REPLACE = "Replace"


@dataclass(frozen=True, eq=False)
class VolumeClaimTemplate:
    """A PersistentVolumeClaim a StatefulSet makes for each of its pods (``<name>-<pod>``).

    Mount it like a volume: ``db.mount(data.volume, at="/var/lib/postgresql/data")``.

    :param name: the claim's name, also the volume name in the pod (DNS-1123 label).
    :param size: storage to request, a quantity such as ``"10Gi"``.
    :param access_modes: default ``[AccessMode.READ_WRITE_ONCE]`` (one node at a time).
    :param storage_class: the StorageClass. Default: not set (the cluster's default class).
    """

    name: str
    size: str
    access_modes: Sequence[AccessMode] = (AccessMode.READ_WRITE_ONCE,)
    storage_class: str | None = None
    volume: Volume = field(init=False, repr=False)
    _spec: dict[str, Any] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        where = f"volume claim template {self.name!r}"
        _checks.dns_label(where, "volume claim template name", self.name)
        # the template's own messages first; claim_spec then applies every claim rule (the one
        # PersistentVolumeClaimSpec of PersistentVolumeClaim and ClaimTemplate) and renders the spec
        text, amount = parse_quantity(where, "size", self.size)
        if amount <= 0:
            raise PodkitError(where, f"size {self.size!r} is zero; request a size such as '10Gi'")
        modes = sequence_of(
            where, "access_modes", self.access_modes, AccessMode, "AccessMode.READ_WRITE_ONCE"
        )
        if not modes:
            raise PodkitError(where, "access_modes is empty; use e.g. [AccessMode.READ_WRITE_ONCE]")
        if self.storage_class is not None:
            # "" (no class) is refused here, unlike storage_class_name of the other claims
            _checks.dns_subdomain(where, "storage_class", self.storage_class)
        spec = claim_spec(
            where, size=self.size, access_modes=modes, storage_class_name=self.storage_class, volume_mode=None
        )
        object.__setattr__(self, "_spec", spec)
        object.__setattr__(self, "size", text)
        object.__setattr__(self, "access_modes", tuple(modes))
        # the pod sees the claim as a volume of this name; StatefulSet leaves it out of spec.volumes
        object.__setattr__(self, "volume", Volume(self.name))

    def render(self) -> dict[str, Any]:
        return {"metadata": {"name": self.name}, "spec": self._spec}


# -- the shared base: _workload._Workload, plus expose (a Service in front of the pods) --------
class _Exposable(_Workload):
    """A workload a Service can front (``expose``); ``service.py`` knows only ``_Workload``."""

    def expose_via_ingress(
        self,
        path: str = "/",
        *,
        host: str | None = None,
        path_type: PathType = PathType.PREFIX,
        port: ServicePort | Port | int | str | None = None,
        ingress: Ingress | None = None,
        ingress_class_name: str | None = None,
        id: str | None = None,
    ) -> Ingress:
        """Route ``host``/``path`` to these pods through an Ingress, as cdk8s-plus's ``exposeViaIngress``.

        Reuses this workload's Service (the first of the chart that targets it and has ``port``)
        or creates one with :meth:`expose`; adds the rule to ``ingress`` or to a new Ingress
        (id ``<id>-ingress``, named like this workload).

        :param port: the Service port (a ``ServicePort``, the container ``Port``, a number or a
            name). Default: the Service's only port.
        :param host: default: every host. :param path_type: default ``PathType.PREFIX``.
        :param ingress_class_name: for a new Ingress. Default: the cluster's default class.
        """
        return expose_via_ingress(
            self, path, host=host, path_type=path_type, port=port, ingress=ingress,
            ingress_class_name=ingress_class_name, id=id,
        )  # fmt: skip

    def expose(
        self,
        *,
        ports: Sequence[ServicePort | Port] | None = None,
        type: ServiceType | None = None,
        id: str | None = None,
        name: str | None = None,
        labels: Mapping[str, str] | None = None,
        annotations: Mapping[str, str] | None = None,
    ) -> Service:
        """A Service in front of these pods, like ``kubectl expose``.

        :param ports: container ports (``Port`` objects) or ``ServicePort``\\ s. Default: every
            port of the main container.
        :param type: default ``ServiceType.CLUSTER_IP``.
        :param id: construct id of the Service. Default: ``<id>-service``.
        :param name: Kubernetes name. Default: this controller's name (as ``kubectl expose``).
        """
        if ports is None:
            ports = list(self.main.ports)
            if not ports:
                raise PodkitError(
                    self.path,
                    f"cannot expose {self.KIND} {self.name!r}: main container {self.main.name!r} declares "
                    f"no ports; add ports=[...] to the container, or pass ports=[...] to expose",
                )
        return Service(
            self._scope,
            id if id is not None else f"{self._id}-service",
            target=self,
            ports=ports,
            type=type if type is not None else ServiceType.CLUSTER_IP,
            name=name if name is not None else self.name,
            labels=labels,
            annotations=annotations,
        )


S = TypeVar("S", bound=_Strategy)


def _strategy_arg(path: str, what: str, value: S | None, cls: type[S], hint: str = "") -> S | None:
    if value is not None and not isinstance(value, cls):
        raise PodkitTypeError(path, f"{what} must be a {cls.__name__}{hint}, got {value!r}")
    return value


class _AppsWorkload(_Exposable):
    """What Deployment, StatefulSet and DaemonSet (``apps/v1``) share around the pod template:
    the selector, an update strategy, ``revisionHistoryLimit`` and ``minReadySeconds``."""

    API_VERSION = "apps/v1"

    def _apps_settings(self, *, revision_history_limit: object, min_ready_seconds: object) -> None:
        self.revision_history_limit = _opt_int(self.path, "revision_history_limit", revision_history_limit, 0)
        self.min_ready_seconds = _opt_int(self.path, "min_ready_seconds", min_ready_seconds, 0)

    def _apps_spec(self, strategy_key: str, strategy: _Strategy | None) -> dict[str, Any]:
        """The spec fields all three render; each adds its own."""
        return {
            "selector": self._selector_spec(),
            strategy_key: strategy.render() if strategy else None,
            "revisionHistoryLimit": self.revision_history_limit,
            "minReadySeconds": self.min_ready_seconds,
            "template": self._template(),
        }

    def disruption_budget(
        self,
        *,
        min_available: int | str | None = None,
        max_unavailable: int | str | None = None,
        unhealthy_pod_eviction_policy: UnhealthyPodEvictionPolicy | None = None,
        allow_no_eviction: bool = False,
        id: str | None = None,
    ) -> PodDisruptionBudget:
        """A PodDisruptionBudget over this workload's pods (its own selector), in its chart and
        namespace: id ``<id>-pdb``, named like the workload. Exactly one of ``min_available`` and
        ``max_unavailable`` (an int or ``'N%'``); see :class:`podkit.PodDisruptionBudget`."""
        from .disruption import PodDisruptionBudget

        return PodDisruptionBudget(
            self._scope,
            id or f"{self._id}-pdb",
            target=self,
            min_available=min_available,
            max_unavailable=max_unavailable,
            unhealthy_pod_eviction_policy=unhealthy_pod_eviction_policy,
            allow_no_eviction=allow_no_eviction,
            name=self.name,
        )


class Deployment(_AppsWorkload):
    """Stateless replicas that are replaced, rolled and rescheduled by the Deployment controller.

    ``Deployment(chart, "web", main=Container(name="web", image="nginx:1.27", ports=[Port(80, name="http")]), replicas=3)``

    The pod arguments: ``main`` (as ``SidecarPod``'s) and :class:`WorkloadArgs` (``sidecars``,
    ``volumes``, ``service_account``, ``pod_labels``, ``name``, ...). Selector labels, config
    rollout and the content-hash alternative: see the module docs.

    :param replicas: pods to run. Default: not set (Kubernetes runs 1; leave it out when an
        autoscaler owns the count, so ``kubectl apply`` does not reset it).
    :param strategy: ``DeploymentStrategy.rolling_update(...)`` or ``.recreate()``. Default: not
        set (RollingUpdate, 25% / 25%).
    :param revision_history_limit: old ReplicaSets kept for rollback. Default: not set (10).
    :param min_ready_seconds: a new pod counts as available after being Ready this long. Default: not set (0).
    """

    KIND = "Deployment"

    def __init__(
        self,
        scope: constructs.Construct,
        id: str,
        *,
        main: Container,
        replicas: int | None = None,
        strategy: DeploymentStrategy | None = None,
        revision_history_limit: int | None = None,
        min_ready_seconds: int | None = None,
        **pod: Unpack[WorkloadArgs],
    ) -> None:
        super().__init__(scope, id, main=main, restart_policy=None, **pod)
        self.replicas = _opt_int(self.path, "replicas", replicas, 0)
        self.strategy = _strategy_arg(
            self.path,
            "strategy",
            strategy,
            DeploymentStrategy,
            " (DeploymentStrategy.rolling_update(...) or .recreate())",
        )
        self._apps_settings(
            revision_history_limit=revision_history_limit, min_ready_seconds=min_ready_seconds
        )

    def _render_body(self, problems: list[Problem]) -> dict[str, Any]:
        return {"spec": {**self._apps_spec("strategy", self.strategy), "replicas": self.replicas}}


class StatefulSet(_AppsWorkload):
    """Pods with stable names (``db-0``, ``db-1``), stable DNS and their own volumes.

    Each pod gets a DNS name ``<pod>.<service>`` from a *headless* Service (``clusterIP: None``).
    Leave ``service`` out and podkit creates that Service (``<id>-headless``, selecting these
    pods, every port of the main container); pass a ``Service`` to use your own.

    Pod arguments, selector labels and config rollout: as :class:`Deployment`.

    :param service: the governing Service. Default: a headless Service created alongside.
    :param replicas: default: not set (1).
    :param pod_management_policy: default: not set (``OrderedReady``).
    :param volume_claim_templates: a PersistentVolumeClaim per pod; mount ``template.volume``.
    :param update_strategy: ``StatefulSetUpdateStrategy...``. Default: not set (RollingUpdate).
    :param revision_history_limit: default: not set (10).
    :param min_ready_seconds: default: not set (0).
    """

    KIND = "StatefulSet"

    def __init__(
        self,
        scope: constructs.Construct,
        id: str,
        *,
        main: Container,
        service: Service | None = None,
        replicas: int | None = None,
        pod_management_policy: PodManagementPolicy | None = None,
        volume_claim_templates: Sequence[VolumeClaimTemplate] = (),
        update_strategy: StatefulSetUpdateStrategy | None = None,
        revision_history_limit: int | None = None,
        min_ready_seconds: int | None = None,
        **pod: Unpack[WorkloadArgs],
    ) -> None:

        where = construct_path(scope, id)
        claims = sequence_of(
            where, "volume_claim_templates", volume_claim_templates, VolumeClaimTemplate, "template"
        )
        volumes = sequence_of(where, "volumes", pod.get("volumes", ()), Volume, "volume")
        # claim volumes join the pod first, so containers may mount them
        pod["volumes"] = [*(c.volume for c in claims), *volumes]
        super().__init__(scope, id, main=main, restart_policy=None, **pod)
        self._claims = claims
        self.replicas = _opt_int(self.path, "replicas", replicas, 0)
        self.pod_management_policy = (
            enum_arg(self.path, "pod_management_policy", pod_management_policy, PodManagementPolicy)
            if pod_management_policy is not None
            else None
        )
        self.update_strategy = _strategy_arg(
            self.path, "update_strategy", update_strategy, StatefulSetUpdateStrategy
        )
        self._apps_settings(
            revision_history_limit=revision_history_limit, min_ready_seconds=min_ready_seconds
        )
        if service is not None:
            if not isinstance(service, Service):
                raise PodkitTypeError(self.path, f"service must be a Service, got {type(service).__name__}")
            self.service = service
        else:
            # every port of the main container, even none (a headless Service may have no ports)
            self.service = self.expose(
                ports=list(self.main.ports),
                type=ServiceType.HEADLESS,
                id=f"{id}-headless",
                name=f"{self.name}-headless",
            )

    @property
    def volume_claim_templates(self) -> list[VolumeClaimTemplate]:
        return list(self._claims)

    def render_pod_spec(self) -> dict[str, Any]:
        spec = super().render_pod_spec()
        claim_volumes = {c.name for c in self._claims}
        volumes = [v for v in spec["volumes"] or [] if v["name"] not in claim_volumes]
        return {**spec, "volumes": volumes or None}

    def _check(self, problems: list[Problem]) -> None:
        super()._check(problems)
        if _checks.dns_label_error("", self.service.name) is not None:
            problems.append(self._problem(f"service {self.service.name!r} is not a DNS label", "shorten it"))

    def _render_body(self, problems: list[Problem]) -> dict[str, Any]:
        return {
            "spec": {
                **self._apps_spec("updateStrategy", self.update_strategy),
                "serviceName": self.service.name,
                "replicas": self.replicas,
                "podManagementPolicy": self.pod_management_policy.value
                if self.pod_management_policy
                else None,
                "volumeClaimTemplates": [c.render() for c in self._claims] or None,
            }
        }


class DaemonSet(_AppsWorkload):
    """One pod per node (log shippers, node agents); ``node_selector`` narrows the nodes.

    Pod arguments, selector labels and config rollout: as :class:`Deployment`.

    :param update_strategy: ``DaemonSetUpdateStrategy...``. Default: not set (RollingUpdate).
    :param revision_history_limit: default: not set (10).
    :param min_ready_seconds: default: not set (0).
    """

    KIND = "DaemonSet"

    def __init__(
        self,
        scope: constructs.Construct,
        id: str,
        *,
        main: Container,
        update_strategy: DaemonSetUpdateStrategy | None = None,
        revision_history_limit: int | None = None,
        min_ready_seconds: int | None = None,
        **pod: Unpack[WorkloadArgs],
    ) -> None:
        super().__init__(scope, id, main=main, restart_policy=None, **pod)
        self.update_strategy = _strategy_arg(
            self.path, "update_strategy", update_strategy, DaemonSetUpdateStrategy
        )
        self._apps_settings(
            revision_history_limit=revision_history_limit, min_ready_seconds=min_ready_seconds
        )

    def _render_body(self, problems: list[Problem]) -> dict[str, Any]:
        return {"spec": self._apps_spec("updateStrategy", self.update_strategy)}


class _JobWorkload(_Exposable):
    """What a Job and a CronJob's job template share: the restart policies a Job allows and the
    ``JobSpec`` around the pod template."""

    API_VERSION = "batch/v1"
    _RESTART_POLICIES = (RestartPolicy.ON_FAILURE, RestartPolicy.NEVER)

    def _job_settings(
        self,
        *,
        completions: object,
        parallelism: object,
        backoff_limit: object,
        active_deadline_seconds: object,
        ttl_seconds_after_finished: object,
    ) -> None:
        self.completions = _opt_int(self.path, "completions", completions, 0)
        self.parallelism = _opt_int(self.path, "parallelism", parallelism, 0)
        self.backoff_limit = _opt_int(self.path, "backoff_limit", backoff_limit, 0)
        self.active_deadline_seconds = _opt_int(
            self.path, "active_deadline_seconds", active_deadline_seconds, 1, _INT64_MAX
        )
        self.ttl_seconds_after_finished = _opt_int(
            self.path, "ttl_seconds_after_finished", ttl_seconds_after_finished, 0
        )

    def _job_spec(self) -> dict[str, Any]:
        # no selector: the Job controller generates a unique one (manualSelector is for experts)
        return {
            "completions": self.completions,
            "parallelism": self.parallelism,
            "backoffLimit": self.backoff_limit,
            "activeDeadlineSeconds": self.active_deadline_seconds,
            "ttlSecondsAfterFinished": self.ttl_seconds_after_finished,
            "template": self._template(),
        }


_JOB_RESTART = (
    "a Job's pods must end, so Kubernetes requires restart_policy OnFailure or Never "
    "(Always, the Pod default, is rejected)"
)


def _job_restart(path: str, kind: str, policy: object) -> RestartPolicy:
    if policy is None or policy is RestartPolicy.ALWAYS:
        got = "None" if policy is None else "RestartPolicy.ALWAYS"
        raise PodkitError(
            path,
            f"restart_policy {got} is not allowed for a {kind}: {_JOB_RESTART}; use RestartPolicy.NEVER "
            f"(a failed pod is replaced by a new one; the default) or RestartPolicy.ON_FAILURE (the "
            f"container restarts in place)",
        )
    return enum_arg(path, "restart_policy", policy, RestartPolicy)


class Job(_JobWorkload):
    """Pods that run to completion (a migration, a batch step).

    Pod arguments and config rollout: as :class:`Deployment` (selector labels are only the
    pods' labels: the Job controller makes its own selector).

    :param restart_policy: ``RestartPolicy.NEVER`` (default, written out: Kubernetes has no
        default for Jobs) or ``RestartPolicy.ON_FAILURE``; ``ALWAYS`` is an error.
    :param completions: successful pods needed. Default: not set (1).
    :param parallelism: pods at once. Default: not set (1).
    :param backoff_limit: retries before the Job fails. Default: not set (6).
    :param active_deadline_seconds: the Job fails after this long. Default: no limit.
    :param ttl_seconds_after_finished: delete the finished Job after this long. Default: kept.
    """

    KIND = "Job"

    def __init__(
        self,
        scope: constructs.Construct,
        id: str,
        *,
        main: Container,
        restart_policy: RestartPolicy = RestartPolicy.NEVER,
        completions: int | None = None,
        parallelism: int | None = None,
        backoff_limit: int | None = None,
        active_deadline_seconds: int | None = None,
        ttl_seconds_after_finished: int | None = None,
        **pod: Unpack[WorkloadArgs],
    ) -> None:
        super().__init__(
            scope,
            id,
            main=main,
            restart_policy=_job_restart(construct_path(scope, id), self.KIND, restart_policy),
            **pod,
        )
        self._job_settings(
            completions=completions,
            parallelism=parallelism,
            backoff_limit=backoff_limit,
            active_deadline_seconds=active_deadline_seconds,
            ttl_seconds_after_finished=ttl_seconds_after_finished,
        )

    def _render_body(self, problems: list[Problem]) -> dict[str, Any]:
        return {"spec": self._job_spec()}


@cache
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


class CronJob(_JobWorkload):
    """A Job on a schedule (backups, reports).

    Pod arguments, config rollout and the Job settings: as :class:`Job`.

    :param schedule: cron syntax, five fields (minute hour day-of-month month day-of-week),
        with lists, ranges, steps and names (``'*/15 9-17 * * MON-FRI'``), or a macro
        (``@hourly``, ``@daily``, ``@weekly``, ``@monthly``, ``@yearly``). Required.
    :param time_zone: an IANA name such as ``'Europe/Paris'``. Default: not set (the
        controller's zone, usually UTC).
    :param concurrency_policy: default: not set (``ConcurrencyPolicy.ALLOW``).
    :param suspend: pause the schedule. Default: not set (false).
    :param successful_jobs_history_limit: default: not set (3).
    :param failed_jobs_history_limit: default: not set (1).
    :param starting_deadline_seconds: skip a run that could not start within this. Default: no limit.
    :param name: at most 52 characters (Jobs add an 11-character suffix).
    :param restart_policy: as :class:`Job`'s. Default: ``RestartPolicy.NEVER``.
    :param completions: as :class:`Job`'s.
    :param parallelism: as :class:`Job`'s.
    :param backoff_limit: as :class:`Job`'s.
    :param active_deadline_seconds: as :class:`Job`'s.
    :param ttl_seconds_after_finished: as :class:`Job`'s.
    """

    KIND = "CronJob"
    _POD_SPEC_AT = "spec.jobTemplate.spec.template.spec"

    def __init__(
        self,
        scope: constructs.Construct,
        id: str,
        *,
        schedule: str,
        main: Container,
        time_zone: str | None = None,
        concurrency_policy: ConcurrencyPolicy | None = None,
        suspend: bool | None = None,
        successful_jobs_history_limit: int | None = None,
        failed_jobs_history_limit: int | None = None,
        starting_deadline_seconds: int | None = None,
        restart_policy: RestartPolicy = RestartPolicy.NEVER,
        completions: int | None = None,
        parallelism: int | None = None,
        backoff_limit: int | None = None,
        active_deadline_seconds: int | None = None,
        ttl_seconds_after_finished: int | None = None,
        **pod: Unpack[WorkloadArgs],
    ) -> None:
        super().__init__(
            scope,
            id,
            main=main,
            restart_policy=_job_restart(construct_path(scope, id), self.KIND, restart_policy),
            **pod,
        )
        if len(self.name) > MAX_CRONJOB_NAME:
            raise InvalidNameError(
                self.path,
                f"CronJob name {self.name!r} is {len(self.name)} characters; at most {MAX_CRONJOB_NAME}, "
                f"since its Jobs add an 11-character suffix: shorten it",
            )
        self.schedule = _schedule(self.path, schedule)
        self.time_zone = _time_zone(self.path, time_zone)
        self.concurrency_policy = (
            enum_arg(self.path, "concurrency_policy", concurrency_policy, ConcurrencyPolicy)
            if concurrency_policy is not None
            else None
        )
        self.suspend = None if suspend is None else _checks.check_bool(self.path, "suspend", suspend)
        self.successful_jobs_history_limit = _opt_int(
            self.path, "successful_jobs_history_limit", successful_jobs_history_limit, 0
        )
        self.failed_jobs_history_limit = _opt_int(
            self.path, "failed_jobs_history_limit", failed_jobs_history_limit, 0
        )
        self.starting_deadline_seconds = _opt_int(
            self.path, "starting_deadline_seconds", starting_deadline_seconds, 0, _INT64_MAX
        )
        self._job_settings(
            completions=completions,
            parallelism=parallelism,
            backoff_limit=backoff_limit,
            active_deadline_seconds=active_deadline_seconds,
            ttl_seconds_after_finished=ttl_seconds_after_finished,
        )

    def _render_body(self, problems: list[Problem]) -> dict[str, Any]:
        return {
            "spec": {
                "schedule": self.schedule,
                "timeZone": self.time_zone,
                "concurrencyPolicy": self.concurrency_policy.value if self.concurrency_policy else None,
                "suspend": self.suspend,
                "successfulJobsHistoryLimit": self.successful_jobs_history_limit,
                "failedJobsHistoryLimit": self.failed_jobs_history_limit,
                "startingDeadlineSeconds": self.starting_deadline_seconds,
                "jobTemplate": {"spec": self._job_spec()},
            }
        }


def _schedule(path: str, schedule: object) -> str:
    if not isinstance(schedule, str):
        raise PodkitTypeError(
            path,
            f"schedule must be a cron str such as '*/5 * * * *', got {type(schedule).__name__} {schedule!r}",
        )
    if schedule != schedule.strip():
        # the controller would trim it, but the manifest would carry "0 3 * * *\n" as a block scalar
        raise PodkitError(
            path,
            f"schedule {schedule!r} has surrounding whitespace (a trailing newline?): use {schedule.strip()!r}",
        )
    # one parser for the early check and the synth check: the API server's (robfig/cron's rules)
    error = schedule_error(schedule) if schedule.strip() else "spec.schedule is empty"
    if error is None:
        return schedule
    detail = error.removeprefix("spec.schedule ")
    raise PodkitError(
        path,
        f"schedule {detail}; expected five fields (minute 0-59, hour 0-23, day of month 1-31, month 1-12 "
        f"or JAN-DEC, day of week 0-6 or SUN-SAT) with lists (1,5), ranges (1-5) and steps (*/15), or "
        f"@yearly/@monthly/@weekly/@daily/@hourly",
    )


def _time_zone(path: str, zone: object) -> str | None:
    if zone is None:
        return None
    if not isinstance(zone, str):
        raise PodkitTypeError(
            path, f"time_zone must be an IANA name str such as 'Europe/Paris', got {zone!r}"
        )
    zones = _time_zones()
    if not zones:
        # without a database any typo would pass unchecked: fail instead
        raise PodkitError(path, f"time_zone {zone!r} cannot be checked: {NO_ZONE_DATABASE}")
    if zone not in zones:
        close = next((z for z in sorted(zones) if z.lower() == zone.lower()), None)
        hint = f" (did you mean {close!r}?)" if close else ""
        raise PodkitError(
            path,
            f"time_zone {zone!r} is not an IANA time zone name{hint}; expected a name such as 'Europe/Paris' "
            f"or 'Etc/UTC' (see zoneinfo.available_timezones())",
        )
    return zone
