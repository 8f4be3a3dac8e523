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
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import constructs

from . import _checks
from ._data import KeyedSource
from ._resource import PodkitResource, mapping_arg
from .container import Container
from .errors import DuplicateError, MissingReferenceError, PodkitError, PodkitTypeError, Problem
from .volume import Volume


class RestartPolicy(enum.Enum):
    """What the kubelet does when a container of the pod exits."""

    #: restart it whatever the exit code (Kubernetes' default)
    ALWAYS = "Always"
    #: restart it only after a non-zero exit (one-shot jobs like ``echo hello``)
    ON_FAILURE = "OnFailure"
    #: never restart it
    NEVER = "Never"


def sequence_of(path: str, what: str, value: object, item: type, example: str) -> list[Any]:
    """A list/tuple of ``item``; a single item or a str is a type error that shows the fix."""
    if isinstance(value, item):
        raise PodkitTypeError(path, f"{what} takes a list, got a single {item.__name__}: write [{example}]")
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
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


class AbstractPod(PodkitResource):
    """A pod definition: containers, volumes and the pod-level settings.

    Not used directly: see ``SidecarPod`` and the controllers. Subclasses say which restart
    policies they allow (``_RESTART_POLICIES``) and where the spec goes (``_render_body``).
    """

    #: restart policies this kind of pod accepts (Jobs: OnFailure/Never; Deployments: Always)
    _RESTART_POLICIES: tuple[RestartPolicy, ...] = tuple(RestartPolicy)

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
        service_account_name: str | None = None,
        labels: Mapping[str, str] | None = None,
        annotations: Mapping[str, str] | None = None,
        name: str | None = None,
        namespace: str | None = None,
    ) -> None:
        super().__init__(scope, id, name=name, labels=labels, annotations=annotations, namespace=namespace)
        self._set_restart_policy(restart_policy)
        self._node_selector = {
            _checks.label_key(self.path, k, what="node_selector key"): _checks.label_value(self.path, k, v)
            for k, v in mapping_arg(self.path, "node_selector", node_selector).items()
        }
        self.service_account_name = (
            _checks.dns_subdomain(self.path, "service account name", service_account_name)
            if service_account_name is not None
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
        if init:
            self._init.append((container, native))
        else:
            self._containers.append(container)

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
                            f"containers {other.name!r} and {container.name!r} both declare port {p.number}; "
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
        if volume.source is not None:
            self._same_chart(volume.source, f"volume {volume.name!r}")
        self._volumes.append(volume)

    def mount(
        self,
        volume: Volume,
        *,
        at: str,
        containers: Iterable[Container] | None = None,
        read_only: bool = False,
        sub_path: str | None = None,
    ) -> None:
        """Mount ``volume`` at ``at`` in several containers at once, adding it to the pod.

        :param containers: default: the main container and the regular sidecars.
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
        self.add_volume(volume)
        for c in targets:
            c.mount(volume, at=at, read_only=read_only, sub_path=sub_path)

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
            if v.source is not None and not any(v.source is s for s in out):
                out.append(v.source)
        return out

    # -- synth -------------------------------------------------------------------------------
    def _check(self, problems: list[Problem]) -> None:
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
            if v.source is not None:
                for key in v.referenced_keys():
                    missing = v.source._missing_key_problem(key, f"{self.path}: volume {v.name!r}")
                    if missing:
                        problems.append(missing)

    def render_pod_spec(self) -> dict[str, Any]:
        """The ``PodSpec`` (with ``None`` for unset fields; the render path drops them)."""
        return {
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
