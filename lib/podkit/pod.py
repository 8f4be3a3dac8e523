"""``SidecarPod``: a Pod with one main container, sidecars and init containers.

A Pod is Kubernetes' smallest unit of work: its containers run on one node, share one IP
(they talk over ``localhost``, so each needs its own ports) and one lifecycle, and can
share volumes. The *sidecar pattern* adds helpers next to the main container, such as a
log shipper reading the main container's log directory from a shared ``emptyDir``.

Start order, as the notes point out: Kubernetes starts regular containers in no
guaranteed order, so a regular sidecar may start after the main container (and miss its
first log lines) and may be killed before it. *Native* sidecars (``native_sidecars=``,
Kubernetes >= 1.29) are init containers with ``restartPolicy: Always``: each one is started,
in order, before the main container, keeps running next to it, and is stopped after it.
Init containers run to completion, one after another, before anything else starts
(e.g. ``alpine/git`` cloning a repository into a shared volume).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import constructs

from . import _checks
from ._data import KeyedSource
from ._resource import PodkitResource
from .container import Container
from .errors import DuplicateError, MissingReferenceError, PodkitError, PodkitTypeError
from .volume import Volume


class RestartPolicy(enum.Enum):
    """What the kubelet does when a container of the pod exits."""

    #: restart it whatever the exit code (Kubernetes' default)
    ALWAYS = "Always"
    #: restart it only after a non-zero exit (one-shot jobs like ``echo hello``)
    ON_FAILURE = "OnFailure"
    #: never restart it
    NEVER = "Never"


class SidecarPod(PodkitResource):
    """A Pod: a main container plus optional sidecars, native sidecars and init containers.

    A plain pod is one call: ``SidecarPod(chart, "nginx", main=Container(name="nginx", image="nginx:1.14.2"))``.

    :param scope: the chart (or a construct in it).
    :param id: construct id, also the pod's name unless ``name`` is given (DNS-1123 subdomain).
    :param main: the main container, listed first (``kubectl logs`` and ``exec`` default to it).
    :param sidecars: regular helper containers, started in no guaranteed order with ``main``.
    :param native_sidecars: helpers started before ``main`` in order and stopped after it
        (init containers with ``restartPolicy: Always``; Kubernetes >= 1.29).
    :param init_containers: run to completion in order before the other containers. Listed
        before ``native_sidecars`` in ``initContainers``; use :meth:`add_native_sidecar` /
        :meth:`add_init_container` to interleave differently.
    :param volumes: volumes of the pod. ``mount`` adds volumes by itself.
    :param labels: labels of the pod.
    :param run_label: add ``run: <name>`` as ``kubectl run`` does. Default: true.
    :param node_selector: run only on nodes with all these labels. Default: any node.
    :param restart_policy: default: not emitted, which Kubernetes treats as ``Always``.
    :param service_account_name: default: the namespace's ``default`` service account.
    :param annotations: annotations of the pod.
    :param name: Kubernetes name. Default: ``id``.
    :param namespace: default: the chart's namespace, if any.
    """

    KIND = "Pod"

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
        labels: Mapping[str, str] | None = None,
        run_label: bool = True,
        node_selector: Mapping[str, str] | None = None,
        restart_policy: RestartPolicy | None = None,
        service_account_name: str | None = None,
        annotations: Mapping[str, str] | None = None,
        name: str | None = None,
        namespace: str | None = None,
    ) -> None:
        super().__init__(scope, id, name=name, labels=labels, annotations=annotations, namespace=namespace)
        if run_label and "run" not in self._labels:
            self.add_label("run", self.name)
        if restart_policy is not None and not isinstance(restart_policy, RestartPolicy):
            raise PodkitTypeError(
                self.path,
                f"restart_policy must be a RestartPolicy (ALWAYS, ON_FAILURE, NEVER), got {restart_policy!r}",
            )
        self.restart_policy = restart_policy
        self._node_selector = {
            _checks.label_key(self.path, k, what="node_selector key"): _checks.label_value(self.path, k, v)
            for k, v in (node_selector or {}).items()
        }
        self.service_account_name = (
            _checks.dns_subdomain(self.path, "service account name", service_account_name)
            if service_account_name is not None
            else None
        )
        self._volumes: list[Volume] = []
        self._containers: list[Container] = []
        # init containers and native sidecars share one ordered list, as in the pod spec
        self._init: list[Container] = []
        for v in volumes:
            self.add_volume(v)
        if not isinstance(main, Container):
            raise PodkitTypeError(self.path, f"main must be a Container, got {type(main).__name__}")
        self.main = main
        self._add(main, self._containers)
        for c in sidecars:
            self.add_sidecar(c)
        for c in init_containers:
            self.add_init_container(c)
        for c in native_sidecars:
            self.add_native_sidecar(c)

    # -- containers ------------------------------------------------------------------------
    @property
    def sidecars(self) -> list[Container]:
        """Regular sidecars (``spec.containers`` after the main one)."""
        return self._containers[1:]

    @property
    def init_containers(self) -> list[Container]:
        """``spec.initContainers`` in order: init containers and native sidecars."""
        return list(self._init)

    @property
    def containers(self) -> list[Container]:
        """Every container: main, sidecars, then init containers and native sidecars."""
        return self._containers + self._init

    def add_sidecar(self, container: Container) -> None:
        """Add a regular sidecar container (no start-order guarantee, see module docs)."""
        self._add(container, self._containers)

    def add_native_sidecar(self, container: Container) -> None:
        """Add a native sidecar: started before the main container and kept running."""
        self._add(container, self._init, native=True)

    def add_init_container(self, container: Container) -> None:
        """Add an init container: runs to completion before the app containers start."""
        if container.liveness or container.readiness or container.startup:
            raise PodkitError(
                self.path,
                f"init container {container.name!r} has probes, which Kubernetes rejects for init "
                f"containers; remove them, or use add_native_sidecar for a long-running helper",
            )
        self._add(container, self._init)

    def _add(self, container: Container, into: list[Container], *, native: bool = False) -> None:
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
        if into is self._containers or native:
            # a plain init container exits before the others listen, so only these conflict
            self._check_ports(container)
        self._check_mounts(container)
        self._check_sources(container)
        if native:
            container.restart_policy = "Always"
        # from now on the container's own errors name the pod it belongs to
        container._where = f"{self.path}: container {container.name!r}"
        into.append(container)

    def _check_ports(self, container: Container) -> None:
        running = self._containers + [c for c in self._init if c.restart_policy == "Always"]
        for other in running:
            for p in container.ports:
                for q in other.ports:
                    if p.number == q.number and p.protocol == q.protocol:
                        raise DuplicateError(
                            self.path,
                            f"containers {other.name!r} and {container.name!r} both declare port {p.number}; "
                            f"containers of a pod share one IP, so give each its own port",
                        )

    def _unmounted(self, container: Container) -> list[str]:
        """Messages for mounts of volumes this pod does not have."""
        return [
            f"container {container.name!r} mounts volume {m.volume.name!r}, which the pod does not "
            f"have; add it with volumes=[...] / pod.add_volume(...), or mount it with pod.mount(...)"
            for m in container.mounts
            if not any(v is m.volume for v in self._volumes)
        ]

    def _check_mounts(self, container: Container) -> None:
        for message in self._unmounted(container):
            raise MissingReferenceError(self.path, message)

    def _check_sources(self, container: Container) -> None:
        for source, _key in container.sources():
            self._same_chart(source, f"container {container.name!r}")

    def _same_chart(self, source: KeyedSource, who: str) -> None:
        other = source.owning_chart
        if other is not None and self._chart is not None and other is not self._chart:
            where = "another app" if other.node.root is not self._chart.node.root else "another chart"
            raise PodkitError(
                self.path,
                f"{who} uses {source.KIND} {source.path!r} from {where}; a pod can only use "
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
        self.add_volume(volume)
        targets = list(containers) if containers is not None else list(self._containers)
        for c in targets:
            if not any(c is x for x in self.containers):
                raise MissingReferenceError(
                    self.path, f"container {c.name!r} is not in this pod; add it first (add_sidecar, ...)"
                )
            c.mount(volume, at=at, read_only=read_only, sub_path=sub_path)

    @property
    def node_selector(self) -> dict[str, str]:
        return dict(self._node_selector)

    # -- synth -------------------------------------------------------------------------------
    def _check(self, problems: list[str]) -> None:
        for c in self.containers:
            for source, key in c.sources():
                if key is not None:
                    missing = source._missing_key_problem(key, f"{self.path}: container {c.name!r}")
                    if missing:
                        problems.append(missing)
            # a mount added to a container after it joined the pod
            problems.extend(f"[{self.path}] {message}" for message in self._unmounted(c))
        for v in self._volumes:
            if v.source is not None:
                for key in v.referenced_keys():
                    missing = v.source._missing_key_problem(key, f"{self.path}: volume {v.name!r}")
                    if missing:
                        problems.append(missing)

    def _render_body(self, problems: list[str]) -> dict[str, Any]:
        return {
            "spec": {
                "containers": [c.render() for c in self._containers],
                "initContainers": [c.render() for c in self._init] or None,
                "volumes": [v.render() for v in self._volumes] or None,
                "nodeSelector": self._node_selector or None,
                "restartPolicy": self.restart_policy.value if self.restart_policy else None,
                "serviceAccountName": self.service_account_name,
            }
        }
