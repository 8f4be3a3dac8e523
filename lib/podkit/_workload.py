"""The base every controller shares: a pod template under a controller, its selector labels,
pod labels and annotations, and the config-hash annotation (see ``workloads`` for the kinds).

Its own module so that ``service.py`` can take any workload as a target without importing the
controllers (which import ``service`` to ``expose`` themselves): imports point one way.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Unpack

import constructs

from . import _checks
from ._data import KeyedSource
from ._pod import AbstractPod, PodFields, RestartPolicy
from ._resource import mapping_arg
from .container import Container
from .errors import InvalidNameError, PodkitError, PodkitTypeError
from .volume import Volume

if TYPE_CHECKING:
    from .namespace import ServiceAccount
    from .network_policy import Connections

__all__ = ["CONFIG_HASH_ANNOTATION", "CONTROLLER_LABEL", "NAME_LABEL", "WorkloadArgs"]

#: selector label keys (see the module docs)
NAME_LABEL = "app.kubernetes.io/name"
CONTROLLER_LABEL = "podkit.dev/controller"
#: template annotation holding the hash of the consumed ConfigMaps/Secrets
CONFIG_HASH_ANNOTATION = "podkit.dev/config-hash"


# -- the shared base ------------------------------------------------------------------------
class _PodArgs(PodFields, total=False):
    """``AbstractPod``'s own arguments besides ``main`` and ``restart_policy``, which a
    controller passes through unchanged."""

    sidecars: Sequence[Container]
    native_sidecars: Sequence[Container]
    init_containers: Sequence[Container]
    volumes: Sequence[Volume]
    node_selector: Mapping[str, str] | None
    service_account: ServiceAccount | str | None
    labels: Mapping[str, str] | None
    annotations: Mapping[str, str] | None
    name: str | None
    namespace: str | None


class WorkloadArgs(_PodArgs, total=False):
    """The pod-template arguments every controller takes, besides ``main`` and its own settings:
    these and every opt-in pod field of ``PodFields`` (security context, scheduling, DNS, ...).

    :param sidecars: regular helper containers, as ``SidecarPod``'s. Default: none.
    :param native_sidecars: helpers started before ``main`` and kept running. Default: none.
    :param init_containers: run to completion before the other containers. Default: none.
    :param volumes: volumes of the pods (``mount`` adds volumes by itself). Default: none.
    :param node_selector: run only on nodes with all these labels. Default: any node.
    :param service_account: a ``ServiceAccount`` (or its name). Default: the namespace's ``default``.
    :param pod_labels: extra labels of the pods (the selector labels are always there).
    :param pod_annotations: annotations of the pods.
    :param rollout_on_config_change: add the ``podkit.dev/config-hash`` annotation to the pod
        template. Default: true.
    :param labels: labels of the controller object itself.
    :param annotations: annotations of the controller object itself.
    :param name: Kubernetes name. Default: ``id`` (at most 63 characters: it is a label value).
    :param namespace: default: the chart's namespace, if any.
    """

    pod_labels: Mapping[str, str] | None
    pod_annotations: Mapping[str, str] | None
    rollout_on_config_change: bool


class _Workload(AbstractPod):
    """A pod template under a controller: selector labels, template labels and annotations,
    and the config-hash annotation. Subclasses put :meth:`_template` where their kind wants it."""

    _RESTART_POLICIES: tuple[RestartPolicy, ...] = (RestartPolicy.ALWAYS,)
    _POD_SPEC_AT = "spec.template.spec"

    def _pod_meta(self) -> dict[str, Any]:
        return {"labels": self.pod_labels, "annotations": self._pod_annotations or None}

    def __init__(
        self,
        scope: constructs.Construct,
        id: str,
        *,
        main: Container,
        restart_policy: RestartPolicy | None,
        pod_labels: Mapping[str, str] | None = None,
        pod_annotations: Mapping[str, str] | None = None,
        rollout_on_config_change: bool = True,
        **pod: Unpack[_PodArgs],
    ) -> None:
        super().__init__(scope, id, main=main, restart_policy=restart_policy, **pod)
        if _checks.label_value_error("", self.name) is not None:
            raise InvalidNameError(
                self.path,
                f"{self.KIND} name {self.name!r} is {len(self.name)} characters; a workload's name is its "
                f"selector label value (app.kubernetes.io/name), which may have at most 63: shorten it",
            )
        self._selector = {NAME_LABEL: self.name, CONTROLLER_LABEL: self.KIND.lower()}
        self._pod_labels: dict[str, str] = {}
        self._pod_annotations: dict[str, str] = {}
        for k, v in mapping_arg(self.path, "pod_labels", pod_labels).items():
            self.add_pod_label(k, v)
        for k, v in mapping_arg(self.path, "pod_annotations", pod_annotations).items():
            self.add_pod_annotation(k, v)
        if not isinstance(rollout_on_config_change, bool):
            raise PodkitTypeError(
                self.path,
                f"rollout_on_config_change must be a bool, got {type(rollout_on_config_change).__name__}",
            )
        self.rollout_on_config_change = rollout_on_config_change

    # -- labels ---------------------------------------------------------------------------
    @property
    def selector_labels(self) -> dict[str, str]:
        """The labels the controller (and a Service) selects its pods by; derived, never edited."""
        return dict(self._selector)

    @property
    def pod_labels(self) -> dict[str, str]:
        """The pod template's labels: the selector labels plus ``pod_labels``."""
        return {**self._selector, **self._pod_labels}

    def add_pod_label(self, key: str, value: str) -> None:
        """Label the pods (not the controller). A selector label cannot be changed."""
        key = _checks.label_key(self.path, key, what="pod label key")
        value = _checks.label_value(self.path, key, value)
        if key in self._selector:
            raise PodkitError(
                self.path,
                f"pod label {key!r}={value!r} would change selector label {key}={self._selector[key]!r}; "
                f"selectors are immutable in the cluster and derived from the {self.KIND}'s name: "
                f"use another label key, or change the name",
            )
        self._pod_labels[key] = value

    def add_pod_annotation(self, key: str, value: str) -> None:
        """Annotate the pods (not the controller)."""
        key = _checks.label_key(self.path, key, what="pod annotation key")
        if key == CONFIG_HASH_ANNOTATION:
            raise PodkitError(
                self.path,
                f"pod annotation {key!r} is podkit's config hash; use another key "
                f"(rollout_on_config_change=False turns the hash off)",
            )
        self._pod_annotations[key] = _checks.check_str(self.path, f"pod annotation {key!r}", value)

    # -- network policies ----------------------------------------------------------------------
    @property
    def connections(self) -> Connections:
        """This workload's flows as NetworkPolicies: ``web.connections.allow_from(gateway, port=http)``
        writes web's ingress policy and gateway's egress policy (see ``network_policy``)."""
        from .network_policy import Connections

        return Connections(self)

    # -- rollout on config change -----------------------------------------------------------
    def config_hash(self) -> str | None:
        """sha256 of what the pods consume (see the module docs), or ``None`` if they consume nothing."""
        sources = self.sources()
        if not sources:
            return None
        entries = [_source_digest(s) for s in sources]
        import hashlib  # loaded at the first config hash, not by every import podkit

        return hashlib.sha256(json.dumps(entries, sort_keys=True).encode("utf-8")).hexdigest()

    # -- rendering --------------------------------------------------------------------------
    def _template(self) -> dict[str, Any]:
        annotations = dict(self._pod_annotations)
        if self.rollout_on_config_change:
            digest = self.config_hash()
            if digest is not None:
                annotations[CONFIG_HASH_ANNOTATION] = digest
        return {
            "metadata": {"labels": self.pod_labels, "annotations": annotations or None},
            "spec": self.render_pod_spec(),
        }

    def _selector_spec(self) -> dict[str, Any]:
        return {"matchLabels": dict(self._selector)}


def _source_digest(source: KeyedSource) -> dict[str, Any]:
    """What of one ConfigMap/Secret goes into the config hash (values only if podkit builds them)."""
    return {"kind": source.KIND, "name": source.name, **source.rollout_digest()}
