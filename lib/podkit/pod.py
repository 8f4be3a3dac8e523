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

Everything a pod has lives in ``AbstractPod`` (``_pod.py``), shared with the controllers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Unpack

import constructs

from ._pod import AbstractPod, PodFields, RestartPolicy
from .chart import construct_path
from .container import Container
from .errors import PodkitError, PodkitTypeError, Problem
from .volume import Volume

if TYPE_CHECKING:
    from .namespace import ServiceAccount

__all__ = ["RestartPolicy", "SidecarPod"]


class SidecarPod(AbstractPod):
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
    :param service_account: a ``ServiceAccount`` (or its name). Default: the namespace's
        ``default`` service account.
    :param service_account_name: the same as a name (the older spelling); give one of the two.
    :param annotations: annotations of the pod.
    :param name: Kubernetes name. Default: ``id``.
    :param namespace: default: the chart's namespace, if any.
    :param pod_fields: the opt-in pod settings (security context, scheduling, DNS, host
        namespaces, image pull secrets, ...): see ``PodFields``. Default: none set.
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
        service_account: ServiceAccount | str | None = None,
        service_account_name: str | None = None,
        annotations: Mapping[str, str] | None = None,
        name: str | None = None,
        namespace: str | None = None,
        **pod_fields: Unpack[PodFields],
    ) -> None:
        if service_account is not None and service_account_name is not None:
            raise PodkitError(
                construct_path(scope, id),
                "service_account and service_account_name both given: pass the ServiceAccount (or "
                "its name) as service_account only",
            )
        super().__init__(
            scope,
            id,
            main=main,
            sidecars=sidecars,
            native_sidecars=native_sidecars,
            init_containers=init_containers,
            volumes=volumes,
            node_selector=node_selector,
            restart_policy=restart_policy,
            service_account=service_account if service_account is not None else service_account_name,
            labels=labels,
            annotations=annotations,
            name=name,
            namespace=namespace,
            **pod_fields,
        )
        if not isinstance(run_label, bool):
            raise PodkitTypeError(self.path, f"run_label must be a bool, got {type(run_label).__name__}")
        if run_label and "run" not in self._labels:
            self.add_label("run", self.name)

    def _render_body(self, problems: list[Problem]) -> dict[str, Any]:
        return {"spec": self.render_pod_spec()}
