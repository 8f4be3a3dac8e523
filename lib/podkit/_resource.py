"""``PodkitResource``: one Kubernetes object, kept in Python, rendered by one path.

The shape, in the order things happen:

1. **Build.** A construct's ``__init__`` validates its arguments and keeps plain Python state
   (containers, keys, labels). It is not created in Node (see ``_jsii.py``: that is what makes
   podkit fast), and it joins its chart only once ``__init__`` has returned, so a constructor
   that raises leaves nothing behind.
2. **Render.** :meth:`PodkitResource.render` is the only way a podkit object becomes a dict:
   synth-time checks (``_check``), the body (``_render_body``), metadata, then the escape-hatch
   JSON patches (``ApiObject.of(obj).add_json_patch(...)``, kept in one list here). It is called
   by ``podkit.Chart.to_json`` for every podkit object of the chart, and by the ``Resource``
   child when Node asks for it (a materialized object in a plain ``cdk8s.Chart``).
3. **Check.** ``_validate.check_final`` runs on each final object, podkit's and any other cdk8s
   construct's: the strict 1.33 schema, the API server's own rules, the Pod Security level.
   Every problem of every chart ends up in one :class:`SynthError`.

In a ``podkit.Chart`` Node never renders podkit objects: a materialized object's ``Resource``
answers Node's ``toJson`` with a *slot* marker that the chart swaps for the Python render.
"""

from __future__ import annotations

import dataclasses
import sys
import typing
from collections.abc import Mapping
from typing import Any, ClassVar

import cdk8s
import constructs

from . import _checks, _jsii
from .chart import SLOT_API_VERSION, ChartMember, chart_of, construct_path, id_clash, is_slot
from .errors import (
    DuplicateError,
    PodkitError,
    PodkitTypeError,
    Problem,
    SynthError,
    UserSite,
    user_site,
)

if typing.TYPE_CHECKING:
    from ._rules import PassedPodSpec
    from .chart import Chart

__all__ = ["SLOT_API_VERSION", "PodkitResource", "is_slot", "mapping_arg"]


class PodkitResource(_jsii.LazyConstruct, ChartMember):
    """Base class of podkit's constructs: one Kubernetes object each.

    Subclasses set ``KIND`` and ``API_VERSION`` and implement ``_render_body`` (everything
    but ``apiVersion``/``kind``/``metadata``) and, for what can only be checked at synth,
    ``_check``. The Kubernetes name is the construct ``id`` unless a ``name`` is given;
    construct ids are part of the public contract.
    """

    KIND: ClassVar[str]
    API_VERSION: ClassVar[str] = "v1"

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
        if not isinstance(scope, constructs.Construct):
            raise PodkitTypeError(
                "", f"scope must be a construct (a cdk8s Chart), got {type(scope).__name__}"
            )
        if not isinstance(id, str) or not id:
            raise PodkitTypeError("", f"id must be a non-empty str, got {id!r}")
        # the user's line that created this object, named by its synth-time problems (one
        # frame walk; code and offset only, never the frame and its locals; the line is worked
        # out only if a problem names it)
        self._source: UserSite | None = user_site(sys._getframe(1))
        self._scope = scope
        self._id = id
        self._chart: Chart | None = chart_of(scope)
        self._path = construct_path(scope, id)
        self._name = _checks.dns_subdomain(self._path, f"{self.KIND} name", name if name is not None else id)
        self._labels: dict[str, str] = {}
        self._annotations: dict[str, str] = {}
        self._namespace = (
            _checks.dns_label(self._path, "namespace", namespace) if namespace is not None else None
        )
        self._patches: list[cdk8s.JsonPatch] = []
        for k, v in mapping_arg(self._path, "labels", labels).items():
            self.add_label(k, v)
        for k, v in mapping_arg(self._path, "annotations", annotations).items():
            self.add_annotation(k, v)

    def _podkit_attach(self) -> None:
        """Join the chart (a podkit Chart), or become a Node construct now (any other chart)."""
        if self._chart is not None:
            self._chart._register(self, self._scope, self._id)
            return
        existing = self._scope.node.try_find_child(self._id)
        if existing is not None:
            raise DuplicateError(self._path, id_clash(self._scope.node.path, self._id, self, existing))
        self._materialize()

    def _materialize(self) -> None:
        if self.is_materialized:
            return
        self._before_node()
        super()._materialize()
        if self._chart is None:
            # rendered by a plain cdk8s chart: check before cdk8s.App writes any file
            self.node.add_validation(_jsii.ChecksBeforeWriting(self.to_manifest))

    def _in_my_chart(self, other: PodkitResource, what: str, why: str, fix: str) -> None:
        """Refuse ``other`` (named ``what``: "target", "Service") when it is in another podkit
        chart: ``why`` says what this object reaches only in its own namespace, ``fix`` how to
        connect them. One message shape for every construct that takes another by object."""
        if other._chart is not None and self._chart is not None and other._chart is not self._chart:
            raise PodkitError(self.path, f"{what} {other.path!r} is in another chart; {why}: {fix}")

    def _before_node(self) -> None:
        """Called right before jsii creates this object in Node (a ConfigMap or Secret declares
        its cdk8s-plus interface there: ``_kplus.KplusMembers``). Default: nothing."""

    def _make_default_child(self) -> None:
        _Resource(self, "Resource", owner=self)

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
    def _render_body(self, problems: list[Problem]) -> dict[str, Any]:
        raise NotImplementedError

    def _check(self, problems: list[Problem]) -> None:
        """Synth-time checks that could not be made earlier; append to ``problems``."""

    def _problem(self, message: str, fix: str = "", rule: str = "reference") -> Problem:
        return Problem(self._path, message, fix, rule)

    def _metadata(self) -> dict[str, Any]:
        labels = self._labels
        chart_labels, chart_namespace = self._chart_defaults()
        if chart_labels:
            labels = {**chart_labels, **labels}
        return {
            "name": self._name,
            "namespace": self._namespace or chart_namespace,
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

    def render(self) -> tuple[dict[str, Any], list[Problem]]:
        """The finished object (keys sorted, apiVersion/kind/metadata first, patches applied)
        and the problems found while rendering it. The one render path of every podkit object."""
        problems: list[Problem] = []
        self._check(problems)
        body = self._render_body(problems)
        doc: dict[str, Any] = {
            "apiVersion": self.API_VERSION,
            "kind": self.KIND,
            "metadata": _checks.jsonable(self._metadata()),
        }
        doc.update(_checks.jsonable(body))
        if self._patches:
            try:
                doc = _jsii.apply_json_patches(doc, self._patches)
            except _jsii.PatchError as e:
                problems.append(
                    self._problem(
                        f"{self.KIND} {self._name!r}: {e.reason}",
                        "fix the patch added with ApiObject.of(...).add_json_patch(...)",
                        "patch",
                    )
                )
        return doc, self._sourced(problems)

    def checked(self) -> tuple[dict[str, Any], list[Problem]]:
        """:meth:`render`, then, if that found nothing, the checks on the final object
        (``_validate.check_final``: schema, API-server rules, Pod Security)."""
        from . import _validate

        doc, problems = self.render()
        if not problems:
            found = _validate.check_final(doc, self._path, chart=self._chart, passed=self._passed_at_call())
            problems = self._sourced(found)
        return doc, problems

    def _passed_at_call(self) -> PassedPodSpec | None:
        """What the rules asked at a call already passed in this object (a pod's spec, see
        ``_pod``), for its synth-time check; ``None``: nothing (every rule runs at synth)."""
        return None

    def _sourced(self, problems: list[Problem]) -> list[Problem]:
        """``problems``, each naming the line that created this object (unless it names one)."""
        source = self._source
        if source is None or not problems:
            return problems
        where = source.resolve().location()
        return [p if p.source else dataclasses.replace(p, source=where) for p in problems]

    def to_manifest(self) -> dict[str, Any]:
        """The finished object, fully checked; raises :class:`SynthError` listing every problem."""
        doc, problems = self.checked()
        if problems:
            raise SynthError(problems)
        return doc

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._path}>"


def mapping_arg(path: str, what: str, value: object) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise PodkitTypeError(
            path,
            f"{what} must be a mapping of str to str (e.g. {{'app': 'web'}}), got {type(value).__name__}",
        )
    return value


class _Resource(cdk8s.ApiObject):
    """The ``Resource`` child of a materialized podkit construct: the escape hatch.

    ``cdk8s.ApiObject.of(construct)`` returns it. Patches added to it are kept in the owner's
    one patch list and applied by :meth:`PodkitResource.render`.
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

    @property
    def owner(self) -> PodkitResource:
        return self._owner

    def add_json_patch(self, *ops: cdk8s.JsonPatch) -> None:
        self._owner._patches.extend(ops)

    def to_json(self) -> Any:
        owner = self._owner
        if owner._chart is not None and owner._chart._podkit_rendering:
            # inside podkit.Chart.to_json: the chart renders this object itself, in order
            return {"apiVersion": SLOT_API_VERSION, "kind": "Slot", "metadata": {"name": owner.path}}
        return owner.to_manifest()
