"""The machinery every podkit construct shares: Python-side state, lazy jsii objects.

Why this exists: in Python, every jsii round trip to Node costs about 0.2 ms, and a
construct that is a real Node object costs two or three of them (create it, and call
back into Python for ``toJson`` at synth). For a 3,000-object app that is most of the
synth time. So a podkit construct keeps its state in Python and is *not* created in
Node, until something needs it there:

* rendering goes through :class:`podkit.Chart`, whose ``to_json`` override Node calls
  once per chart; it renders every podkit object of the chart in Python, in one go;
* anything that hands the construct to jsii (``cdk8s.ApiObject.of(pod)``,
  ``pod.node``, using it as the scope of another construct, a dependency) reads its
  ``__jsii_ref__``, which materializes it on the spot: a real ``constructs.Construct``
  at the same path with a ``Resource`` child (a ``cdk8s.ApiObject`` that renders from
  the Python state at synth, so later additions are never lost, and applies every
  JSON patch added through the escape hatch);
* in a plain ``cdk8s.Chart`` (not a podkit one) constructs materialize at once, so
  podkit works in any cdk8s chart, just without the speed-up.
"""

from __future__ import annotations

import typing
from collections.abc import Mapping
from typing import Any, ClassVar

import cdk8s
import constructs
import jsii

from . import _checks
from .errors import PodkitTypeError

if typing.TYPE_CHECKING:
    from .chart import Chart


class _LazyMeta(jsii.JSIIMeta):
    """Metaclass that skips jsii's post-``__init__`` registration for podkit constructs.

    ``JSIIMeta.__call__`` registers every new instance with jsii by reading its
    ``__jsii_ref__``; for a podkit construct that read would create the Node object
    immediately, which is exactly what we defer. Registration happens in
    ``Construct.__init__`` when the construct materializes.
    """

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        return type.__call__(cls, *args, **kwargs)


def _ref_get(self: PodkitResource) -> Any:
    ref = self.__dict__.get("_podkit_jsii_ref")
    if ref is None:
        self._materialize()
        ref = self.__dict__["_podkit_jsii_ref"]
    return ref


def _ref_set(self: PodkitResource, value: Any) -> None:
    self.__dict__["_podkit_jsii_ref"] = value


class PodkitResource(constructs.Construct, metaclass=_LazyMeta):
    """Base class of podkit's constructs: one Kubernetes object each.

    Subclasses set ``KIND`` and ``API_VERSION`` and implement ``_render_body`` (everything
    but ``apiVersion``/``kind``/``metadata``). The Kubernetes name is the construct ``id``
    unless a ``name`` is given; construct ids are part of the public contract.
    """

    KIND: ClassVar[str]
    API_VERSION: ClassVar[str] = "v1"

    # jsii reads and writes this attribute; reading it materializes the Node object.
    __jsii_ref__ = property(_ref_get, _ref_set)

    def __init__(
        self,
        scope: constructs.Construct,
        id: str,
        *,
        name: str | None = None,
        labels: Mapping[str, str] | None = None,
        annotations: Mapping[str, str] | None = None,
        namespace: str | None = None,
    ) -> None:
        # constructs.Construct.__init__ is deliberately not called here (see module doc).
        if not isinstance(scope, constructs.Construct):
            raise PodkitTypeError(
                "", f"scope must be a construct (a cdk8s Chart), got {type(scope).__name__}"
            )
        if not isinstance(id, str) or not id:
            raise PodkitTypeError("", f"id must be a non-empty str, got {id!r}")
        from .chart import chart_of, scope_path

        self._scope = scope
        self._id = id
        self._chart: Chart | None
        self._chart, parent_path = chart_of(scope), scope_path(scope)
        self._path = f"{parent_path}/{id}" if parent_path else id
        self._name = _checks.dns_subdomain(self._path, f"{self.KIND} name", name if name is not None else id)
        self._labels: dict[str, str] = {}
        self._annotations: dict[str, str] = {}
        self._namespace = (
            _checks.dns_label(self._path, "namespace", namespace) if namespace is not None else None
        )
        self._resource: _Resource | None = None
        for k, v in (labels or {}).items():
            self.add_label(k, v)
        for k, v in (annotations or {}).items():
            self.add_annotation(k, v)
        if self._chart is not None:
            self._chart._register(self, scope, id)
        else:
            # Not in a podkit Chart: become a regular cdk8s construct straight away.
            self._materialize()

    # -- identity -----------------------------------------------------------------
    @property
    def name(self) -> str:
        """The Kubernetes ``metadata.name`` of this object."""
        return self._name

    @property
    def path(self) -> str:
        """The construct path (``chart/id``), as used in error messages."""
        return self._path

    @property
    def chart(self) -> cdk8s.Chart:
        """The cdk8s chart this object is written to."""
        return self._chart if self._chart is not None else cdk8s.Chart.of(self)

    @property
    def labels(self) -> dict[str, str]:
        """A copy of this object's labels (``metadata.labels``)."""
        return dict(self._labels)

    @property
    def annotations(self) -> dict[str, str]:
        """A copy of this object's annotations."""
        return dict(self._annotations)

    def add_label(self, key: str, value: str) -> None:
        """Add a label. Raises :class:`InvalidNameError` for keys/values Kubernetes rejects."""
        key = _checks.label_key(self._path, key)
        self._labels[key] = _checks.label_value(self._path, key, value)

    def add_annotation(self, key: str, value: str) -> None:
        """Add an annotation (any string value)."""
        key = _checks.label_key(self._path, key, what="annotation key")
        self._annotations[key] = _checks.check_str(self._path, f"annotation {key!r}", value)

    # -- rendering ----------------------------------------------------------------
    def _render_body(self, problems: list[str]) -> dict[str, Any]:
        raise NotImplementedError

    def _check(self, problems: list[str]) -> None:
        """Synth-time checks that could not be made earlier; append messages to ``problems``."""

    def _metadata(self) -> dict[str, Any]:
        labels = self._labels
        chart_labels, chart_namespace = self._chart_defaults()
        if chart_labels:
            labels = {**chart_labels, **labels}
        namespace = self._namespace or chart_namespace
        return {
            "name": self._name,
            "namespace": namespace,
            "labels": labels or None,
            "annotations": self._annotations or None,
        }

    def _chart_defaults(self) -> tuple[dict[str, str], str | None]:
        """The chart's labels and namespace, which every object of the chart gets."""
        if self._chart is not None:
            return self._chart._defaults()
        # a plain cdk8s chart: ask Node once (this object is materialized anyway)
        cached: tuple[dict[str, str], str | None] | None = self.__dict__.get("_podkit_chart_defaults")
        if cached is None:
            chart = cdk8s.Chart.of(self)
            cached = self.__dict__["_podkit_chart_defaults"] = (dict(chart.labels or {}), chart.namespace)
        return cached

    def _to_manifest(self, problems: list[str] | None = None) -> dict[str, Any]:
        """The finished Kubernetes object: sorted keys, apiVersion/kind/metadata first."""
        local: list[str] = [] if problems is None else problems
        self._check(local)
        body = self._render_body(local)
        if problems is None and local:
            from .errors import SynthError

            raise SynthError(local)
        doc: dict[str, Any] = {
            "apiVersion": self.API_VERSION,
            "kind": self.KIND,
            "metadata": _checks.jsonable(self._metadata()),
        }
        doc.update(_checks.jsonable(body))
        return doc

    # -- materialization (escape hatch) ----------------------------------------------
    @property
    def is_materialized(self) -> bool:
        """Whether this construct also exists as a Node object (see module docs)."""
        return "_podkit_jsii_ref" in self.__dict__

    def _materialize(self) -> None:
        if self.is_materialized:
            return
        constructs.Construct.__init__(self, self._scope, self._id)
        self._resource = _Resource(self, "Resource", owner=self)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._path}>"


class _Resource(cdk8s.ApiObject):
    """The ``Resource`` child of a materialized podkit construct: the escape hatch.

    ``cdk8s.ApiObject.of(construct)`` returns it. Its JSON is rendered from the owner's
    Python state at synth, then every JSON patch added with ``add_json_patch`` is applied,
    so patches with real Kubernetes keys always land in the output.
    """

    def __init__(self, scope: constructs.Construct, id: str, *, owner: PodkitResource) -> None:
        super().__init__(
            scope,
            id,
            api_version=owner.API_VERSION,
            kind=owner.KIND,
            metadata=cdk8s.ApiObjectMetadata(name=owner.name),
        )
        self._owner = owner
        self._patches: list[cdk8s.JsonPatch] = []
        self.last_doc: dict[str, Any] | None = None

    def add_json_patch(self, *ops: cdk8s.JsonPatch) -> None:
        self._patches.extend(ops)
        super().add_json_patch(*ops)

    def to_json(self) -> Any:
        doc = self._owner._to_manifest()
        if self._patches:
            patched = cdk8s.JsonPatch.apply(doc, *self._patches)
            # keep cdk8s's order: apiVersion, kind, metadata first
            head = [k for k in ("apiVersion", "kind", "metadata") if k in patched]
            doc = {**{k: patched[k] for k in head}, **{k: v for k, v in patched.items() if k not in head}}
        self.last_doc = doc
        return doc
