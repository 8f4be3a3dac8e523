"""Scheduling: where a pod may run (node affinity, tolerations), next to or away from which
pods (pod affinity and anti-affinity), and how its replicas spread (topology spread).

Every value here is immutable and validated when it is built, with the rules the API server
applies (``ValidatePodSpec``: node selector operators and their values, toleration operators
and effects, affinity weights, spread skew), so a mistake fails at the line that made it.
Nothing is rendered unless the pod is given one of these values.
https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/

A pod affinity term selects pods by label. Refer to a podkit pod or workload *by object*
(``LabelSelector.of(web)``): its labels are read when the chart renders, so they cannot drift.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from . import _checks
from .errors import DuplicateError, PodkitError, PodkitTypeError

__all__ = [
    "LabelRequirement",
    "LabelSelector",
    "LabelSelectorOperator",
    "NodeAffinity",
    "NodeAffinityPolicy",
    "NodeRequirement",
    "NodeSelectorOperator",
    "NodeSelectorTerm",
    "PodAffinity",
    "PodAffinityTerm",
    "TaintEffect",
    "Toleration",
    "TolerationOperator",
    "TopologySpreadConstraint",
    "WeightedNodeSelectorTerm",
    "WeightedPodAffinityTerm",
    "WhenUnsatisfiable",
]


class NodeSelectorOperator(enum.Enum):
    """How a node affinity requirement compares a node label with its values."""

    IN = "In"
    NOT_IN = "NotIn"
    EXISTS = "Exists"
    DOES_NOT_EXIST = "DoesNotExist"
    #: the label, read as an integer, is greater than the one value
    GT = "Gt"
    #: the label, read as an integer, is less than the one value
    LT = "Lt"


class LabelSelectorOperator(enum.Enum):
    """How a label selector requirement compares a pod label with its values."""

    IN = "In"
    NOT_IN = "NotIn"
    EXISTS = "Exists"
    DOES_NOT_EXIST = "DoesNotExist"


class TolerationOperator(enum.Enum):
    """``Equal`` matches a taint with the same key and value; ``Exists`` any value of the key."""

    EQUAL = "Equal"
    EXISTS = "Exists"


class TaintEffect(enum.Enum):
    """What a taint does to pods that do not tolerate it."""

    #: new pods are not scheduled on the node
    NO_SCHEDULE = "NoSchedule"
    #: the scheduler avoids the node when it can
    PREFER_NO_SCHEDULE = "PreferNoSchedule"
    #: running pods are evicted too (after ``toleration_seconds`` for pods that tolerate it)
    NO_EXECUTE = "NoExecute"


class WhenUnsatisfiable(enum.Enum):
    """What the scheduler does when a spread constraint cannot be met."""

    DO_NOT_SCHEDULE = "DoNotSchedule"
    SCHEDULE_ANYWAY = "ScheduleAnyway"


class NodeAffinityPolicy(enum.Enum):
    """Whether a spread constraint counts only nodes the pod's node affinity / taints allow."""

    HONOR = "Honor"
    IGNORE = "Ignore"


# Weights of preferred terms: the API server accepts 1..100.
_MIN_WEIGHT, _MAX_WEIGHT = 1, 100


def _weight(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise PodkitTypeError(
            "", f"weight must be an int from 1 to 100, got {type(value).__name__} {value!r}"
        )
    if not _MIN_WEIGHT <= value <= _MAX_WEIGHT:
        raise PodkitError("", f"weight {value} is out of range; the API server accepts 1 to 100")
    return value


def _values(what: str, values: object) -> tuple[str, ...]:
    items = _checks.check_sequence(what, values, f"{what}=('a', 'b')")
    for v in items:
        if not isinstance(v, str):
            raise PodkitTypeError("", f"{what} must be str values, got {type(v).__name__} {v!r}")
    return items


def _typed_list(what: str, value: object, item: type[Any], example: str) -> tuple[Any, ...]:
    items = _checks.check_sequence(what, value, example)
    for v in items:
        if not isinstance(v, item):
            raise PodkitTypeError(
                "",
                f"{what} must contain {item.__name__} values, got {type(v).__name__} {v!r}; e.g. {example}",
            )
    return items


# -- node affinity ---------------------------------------------------------------------------
@dataclass(frozen=True)
class NodeRequirement(metaclass=_checks.ValueMeta):
    """One node label requirement: ``NodeRequirement("kubernetes.io/arch", NodeSelectorOperator.IN, ("amd64",))``.

    ``In``/``NotIn`` need at least one value, ``Exists``/``DoesNotExist`` none, and ``Gt``/``Lt``
    exactly one integer, as the API server requires.

    :param key: the node label key.
    :param operator: a ``NodeSelectorOperator``.
    :param values: the label values (as strs, an integer's digits for ``Gt``/``Lt``). Default:
        none (what ``Exists``/``DoesNotExist`` take).
    """

    key: str
    operator: NodeSelectorOperator
    values: Sequence[str] = ()

    def __post_init__(self) -> None:
        _checks.label_key("", self.key, what="node requirement key")
        op = _checks.check_enum("node requirement operator", self.operator, NodeSelectorOperator)
        values = _values("node requirement values", self.values)
        object.__setattr__(self, "values", values)
        where = f"node requirement {self.key!r} {op.value}"
        if op in (NodeSelectorOperator.GT, NodeSelectorOperator.LT):
            if len(values) != 1 or not _is_integer(values[0]):
                raise PodkitError(
                    "",
                    f"{where} has values {list(values)!r}; {op.value} takes exactly one integer value, "
                    f"e.g. ('4',)",
                )
        else:
            _check_set_values(where, self.key, op.value, values)

    def render(self) -> dict[str, Any]:
        return {"key": self.key, "operator": self.operator.value, "values": list(self.values) or None}


def _check_set_values(where: str, key: str, operator: str, values: tuple[str, ...]) -> None:
    """``In``/``NotIn`` need label values, ``Exists``/``DoesNotExist`` none (node and pod selectors alike)."""
    if operator in ("In", "NotIn"):
        if not values:
            raise PodkitError("", f"{where} has no values; {operator} needs at least one value")
        for v in values:
            _checks.label_value("", key, v)
    elif values:
        raise PodkitError("", f"{where} has values {list(values)!r}; {operator} takes no values: remove them")


def _is_integer(text: str) -> bool:
    try:
        int(text, 10)
    except ValueError:
        return False
    return text.strip() == text


@dataclass(frozen=True)
class NodeSelectorTerm(metaclass=_checks.ValueMeta):
    """Requirements that must all hold on a node (the terms of a node affinity are OR-ed).

    :param match_expressions: the ``NodeRequirement`` s, at least one (an empty term matches
        no node).
    """

    match_expressions: Sequence[NodeRequirement]

    def __post_init__(self) -> None:
        items = _typed_list(
            "match_expressions",
            self.match_expressions,
            NodeRequirement,
            "(NodeRequirement('disktype', NodeSelectorOperator.IN, ('ssd',)),)",
        )
        if not items:
            # the API server accepts an empty term, which matches no node at all
            raise PodkitError(
                "", "NodeSelectorTerm has no match_expressions and would match no node; add a NodeRequirement"
            )
        object.__setattr__(self, "match_expressions", items)

    def render(self) -> dict[str, Any]:
        return {"matchExpressions": [r.render() for r in self.match_expressions]}


@dataclass(frozen=True)
class WeightedNodeSelectorTerm(metaclass=_checks.ValueMeta):
    """A preferred node term: nodes matching it score ``weight`` (1-100) more."""

    weight: int
    term: NodeSelectorTerm

    def __post_init__(self) -> None:
        _weight(self.weight)
        if not isinstance(self.term, NodeSelectorTerm):
            raise PodkitTypeError("", f"term must be a NodeSelectorTerm, got {type(self.term).__name__}")

    def render(self) -> dict[str, Any]:
        return {"weight": self.weight, "preference": self.term.render()}


@dataclass(frozen=True, kw_only=True)
class NodeAffinity(metaclass=_checks.ValueMeta):
    """Which nodes the pod may (``required``) and would rather (``preferred``) run on.

    :param required: the pod runs only on a node matching at least one term. Default: any node.
    :param preferred: the scheduler favours nodes matching these terms. Default: no preference.
    """

    required: Sequence[NodeSelectorTerm] = ()
    preferred: Sequence[WeightedNodeSelectorTerm] = ()

    def __post_init__(self) -> None:
        required = _typed_list(
            "required", self.required, NodeSelectorTerm, "(NodeSelectorTerm((NodeRequirement(...),)),)"
        )
        preferred = _typed_list(
            "preferred", self.preferred, WeightedNodeSelectorTerm, "(WeightedNodeSelectorTerm(50, term),)"
        )
        if not required and not preferred:
            raise PodkitError("", "NodeAffinity() sets nothing; give required or preferred terms")
        object.__setattr__(self, "required", required)
        object.__setattr__(self, "preferred", preferred)

    def render(self) -> dict[str, Any]:
        return {
            "requiredDuringSchedulingIgnoredDuringExecution": (
                {"nodeSelectorTerms": [t.render() for t in self.required]} if self.required else None
            ),
            "preferredDuringSchedulingIgnoredDuringExecution": [t.render() for t in self.preferred] or None,
        }


# -- label selectors and pod affinity -------------------------------------------------------------
@dataclass(frozen=True)
class LabelRequirement(metaclass=_checks.ValueMeta):
    """One label requirement of a selector: ``In``/``NotIn`` need values, ``Exists``/``DoesNotExist`` none.

    :param key: the label key.
    :param operator: a ``LabelSelectorOperator``.
    :param values: the label values. Default: none (what ``Exists``/``DoesNotExist`` take).
    """

    key: str
    operator: LabelSelectorOperator
    values: Sequence[str] = ()

    def __post_init__(self) -> None:
        _checks.label_key("", self.key, what="label requirement key")
        op = _checks.check_enum("label requirement operator", self.operator, LabelSelectorOperator)
        values = _values("label requirement values", self.values)
        object.__setattr__(self, "values", values)
        _check_set_values(f"label requirement {self.key!r} {op.value}", self.key, op.value, values)

    def render(self) -> dict[str, Any]:
        return {"key": self.key, "operator": self.operator.value, "values": list(self.values) or None}


class LabelSelector(metaclass=_checks.ValueMeta):
    """Which pods a term or spread constraint counts: labels and/or requirements.

    Build it from labels (``LabelSelector(match_labels={"app": "web"})``) or from a podkit pod
    or workload with :meth:`of`; an empty selector would select every pod, so it is refused.

    :param match_labels: labels a pod must all carry. Default: none.
    :param match_expressions: ``LabelRequirement`` s a pod must all meet. Default: none (give
        this or ``match_labels``).
    """

    def __init__(
        self,
        *,
        match_labels: Mapping[str, str] | None = None,
        match_expressions: Sequence[LabelRequirement] = (),
    ) -> None:
        self._labels = _checks.labels("", match_labels) if match_labels is not None else {}
        self._expressions = _typed_list(
            "match_expressions",
            match_expressions,
            LabelRequirement,
            "(LabelRequirement('tier', LabelSelectorOperator.IN, ('web',)),)",
        )
        self._target: object = None
        if not self._labels and not self._expressions:
            raise PodkitError(
                "",
                "LabelSelector() selects nothing in particular (an empty selector matches every pod); "
                "give match_labels or match_expressions, or use LabelSelector.of(pod)",
            )

    @staticmethod
    def of(target: object, *, match_expressions: Sequence[LabelRequirement] = ()) -> LabelSelector:
        """The pods of a podkit pod or workload, by object.

        A workload contributes its ``selector_labels`` (the labels its own selector uses); a pod
        its labels. They are read when the chart renders, so labels added later count.
        """
        if not (_has_labels(target, "selector_labels") or _has_labels(target, "labels")):
            raise PodkitTypeError(
                "",
                f"LabelSelector.of needs a podkit pod or workload (with labels), got {type(target).__name__}; "
                f"for plain labels use LabelSelector(match_labels={{...}})",
            )
        selector = LabelSelector.__new__(LabelSelector)
        selector._labels = {}
        selector._expressions = _typed_list(
            "match_expressions", match_expressions, LabelRequirement, "(LabelRequirement(...),)"
        )
        selector._target = target
        return selector

    @property
    def target(self) -> object:
        """The pod or workload this selector was built from, if any."""
        return self._target

    def match_labels(self) -> dict[str, str]:
        """The labels matched, read now from the target when there is one."""
        if self._target is None:
            return dict(self._labels)
        if _has_labels(self._target, "selector_labels"):
            return dict(self._target.selector_labels)  # type: ignore[attr-defined]
        return dict(self._target.labels)  # type: ignore[attr-defined]

    def render(self) -> dict[str, Any]:
        return {
            "matchLabels": self.match_labels() or None,
            "matchExpressions": [e.render() for e in self._expressions] or None,
        }

    def __repr__(self) -> str:
        if self._target is not None:
            return f"LabelSelector.of({self._target!r})"
        return f"LabelSelector(match_labels={self._labels!r}, match_expressions={self._expressions!r})"


def _has_labels(target: object, attr: str) -> bool:
    return isinstance(getattr(target, attr, None), Mapping)


@dataclass(frozen=True, kw_only=True)
class PodAffinityTerm(metaclass=_checks.ValueMeta):
    """Pods matching ``selector``, counted per ``topology_key`` domain (a node, a zone).

    :param topology_key: the node label whose values form the domains, e.g.
        ``"kubernetes.io/hostname"`` (same node) or ``"topology.kubernetes.io/zone"``.
    :param selector: the pods; ``LabelSelector.of(web)`` for a podkit pod or workload.
    :param namespaces: namespaces to look in. Default: the pod's own namespace.
    :param namespace_selector: namespaces by label, in addition to ``namespaces``. Default: none.
    """

    topology_key: str
    selector: LabelSelector
    namespaces: Sequence[str] = ()
    namespace_selector: LabelSelector | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.topology_key, str) or not self.topology_key:
            raise PodkitError(
                "",
                f"topology_key {self.topology_key!r} must be a node label key, e.g. 'kubernetes.io/hostname'",
            )
        _checks.label_key("", self.topology_key, what="topology_key")
        if not isinstance(self.selector, LabelSelector):
            raise PodkitTypeError(
                "", f"selector must be a LabelSelector (e.g. LabelSelector.of(web)), got {self.selector!r}"
            )
        namespaces = _values("namespaces", self.namespaces)
        for ns in namespaces:
            _checks.dns_label("", "namespace", ns)
        object.__setattr__(self, "namespaces", namespaces)
        if self.namespace_selector is not None and not isinstance(self.namespace_selector, LabelSelector):
            raise PodkitTypeError(
                "",
                f"namespace_selector must be a LabelSelector, got {type(self.namespace_selector).__name__}",
            )

    def render(self) -> dict[str, Any]:
        return {
            "topologyKey": self.topology_key,
            "labelSelector": self.selector.render(),
            "namespaces": list(self.namespaces) or None,
            "namespaceSelector": self.namespace_selector.render() if self.namespace_selector else None,
        }


@dataclass(frozen=True)
class WeightedPodAffinityTerm(metaclass=_checks.ValueMeta):
    """A preferred pod affinity term: nodes in matching domains score ``weight`` (1-100) more."""

    weight: int
    term: PodAffinityTerm

    def __post_init__(self) -> None:
        _weight(self.weight)
        if not isinstance(self.term, PodAffinityTerm):
            raise PodkitTypeError("", f"term must be a PodAffinityTerm, got {type(self.term).__name__}")

    def render(self) -> dict[str, Any]:
        return {"weight": self.weight, "podAffinityTerm": self.term.render()}


@dataclass(frozen=True, kw_only=True)
class PodAffinity(metaclass=_checks.ValueMeta):
    """Pod affinity (``pod_affinity=``: run near these pods) or anti-affinity
    (``pod_anti_affinity=``: run away from them); the same shape serves both.

    :param required: terms that must hold. Default: none.
    :param preferred: terms the scheduler favours. Default: none.
    """

    required: Sequence[PodAffinityTerm] = ()
    preferred: Sequence[WeightedPodAffinityTerm] = ()

    def __post_init__(self) -> None:
        required = _typed_list(
            "required", self.required, PodAffinityTerm, "(PodAffinityTerm(topology_key=..., selector=...),)"
        )
        preferred = _typed_list(
            "preferred", self.preferred, WeightedPodAffinityTerm, "(WeightedPodAffinityTerm(50, term),)"
        )
        if not required and not preferred:
            raise PodkitError("", "PodAffinity() sets nothing; give required or preferred terms")
        object.__setattr__(self, "required", required)
        object.__setattr__(self, "preferred", preferred)

    def selectors(self) -> list[LabelSelector]:
        return [t.selector for t in self.required] + [w.term.selector for w in self.preferred]

    def render(self) -> dict[str, Any]:
        return {
            "requiredDuringSchedulingIgnoredDuringExecution": [t.render() for t in self.required] or None,
            "preferredDuringSchedulingIgnoredDuringExecution": [t.render() for t in self.preferred] or None,
        }


# -- tolerations ---------------------------------------------------------------------------
@dataclass(frozen=True, kw_only=True)
class Toleration(metaclass=_checks.ValueMeta):
    """Lets the pod run on nodes with a matching taint. Prefer the factories :meth:`equal`
    and :meth:`exists`.

    :param key: the taint key; left out (with ``Exists``) it tolerates every taint.
    :param operator: ``Equal`` (Kubernetes' default) or ``Exists``.
    :param value: the taint value, with ``Equal`` only.
    :param effect: the taint effect tolerated. Default: every effect.
    :param toleration_seconds: with ``NoExecute`` only: how long the pod stays on a node
        after the taint appears. Default: forever.
    """

    key: str | None = None
    operator: TolerationOperator = TolerationOperator.EQUAL
    value: str | None = None
    effect: TaintEffect | None = None
    toleration_seconds: int | None = None

    def __post_init__(self) -> None:
        op = _checks.check_enum("toleration operator", self.operator, TolerationOperator)
        _checks.check_optional_enum("toleration effect", self.effect, TaintEffect)
        if self.key is not None:
            _checks.label_key("", self.key, what="toleration key")
        elif op is TolerationOperator.EQUAL:
            raise PodkitError(
                "",
                "a toleration without a key must use operator Exists (it tolerates every taint); "
                "give a key, or use Toleration.exists()",
            )
        if self.value is not None:
            if op is TolerationOperator.EXISTS:
                raise PodkitError(
                    "",
                    f"toleration {self.key!r} uses Exists with value {self.value!r}; Exists matches any "
                    f"value: remove the value, or use Toleration.equal",
                )
            _checks.label_value("", self.key or "", self.value)
        if self.toleration_seconds is not None:
            if isinstance(self.toleration_seconds, bool) or not isinstance(self.toleration_seconds, int):
                raise PodkitTypeError(
                    "", f"toleration_seconds must be an int, got {type(self.toleration_seconds).__name__}"
                )
            if self.effect is not TaintEffect.NO_EXECUTE:
                raise PodkitError(
                    "",
                    f"toleration {self.key!r} sets toleration_seconds={self.toleration_seconds} with effect "
                    f"{self.effect.value if self.effect else 'unset'}; the API server allows it only with "
                    f"effect=TaintEffect.NO_EXECUTE",
                )

    @staticmethod
    def equal(
        key: str, value: str, *, effect: TaintEffect | None = None, toleration_seconds: int | None = None
    ) -> Toleration:
        """Tolerate taint ``key=value`` (with ``effect``, or every effect)."""
        return Toleration(key=key, value=value, effect=effect, toleration_seconds=toleration_seconds)

    @staticmethod
    def exists(
        key: str | None = None, *, effect: TaintEffect | None = None, toleration_seconds: int | None = None
    ) -> Toleration:
        """Tolerate taint ``key`` whatever its value; without ``key``, every taint."""
        return Toleration(
            key=key,
            operator=TolerationOperator.EXISTS,
            effect=effect,
            toleration_seconds=toleration_seconds,
        )

    def render(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "operator": self.operator.value,
            "value": self.value,
            "effect": self.effect.value if self.effect else None,
            "tolerationSeconds": self.toleration_seconds,
        }


# -- topology spread ------------------------------------------------------------------------
@dataclass(frozen=True, kw_only=True)
class TopologySpreadConstraint(metaclass=_checks.ValueMeta):
    """Spread the pods matching ``selector`` evenly over the ``topology_key`` domains.

    :param max_skew: the largest allowed difference in matching pods between two domains (>= 1).
    :param topology_key: node label forming the domains, e.g. ``"topology.kubernetes.io/zone"``.
    :param selector: the pods counted; usually ``LabelSelector.of(this_workload)``.
    :param when_unsatisfiable: ``DO_NOT_SCHEDULE`` (Kubernetes' default) or ``SCHEDULE_ANYWAY``.
    :param min_domains: with ``DO_NOT_SCHEDULE`` only: count at least this many domains (>= 1).
    :param node_affinity_policy: count only nodes the pod's node affinity allows (``Honor``,
        Kubernetes' default) or all nodes.
    :param node_taints_policy: count only nodes whose taints the pod tolerates (``Honor``) or
        all nodes (``Ignore``, Kubernetes' default).
    """

    max_skew: int
    topology_key: str
    selector: LabelSelector
    when_unsatisfiable: WhenUnsatisfiable = WhenUnsatisfiable.DO_NOT_SCHEDULE
    min_domains: int | None = None
    node_affinity_policy: NodeAffinityPolicy | None = None
    node_taints_policy: NodeAffinityPolicy | None = None

    def __post_init__(self) -> None:
        if isinstance(self.max_skew, bool) or not isinstance(self.max_skew, int):
            raise PodkitTypeError("", f"max_skew must be an int >= 1, got {type(self.max_skew).__name__}")
        if self.max_skew < 1:
            raise PodkitError("", f"max_skew {self.max_skew} must be at least 1")
        if not isinstance(self.topology_key, str) or not self.topology_key:
            raise PodkitError(
                "", "topology_key is empty; use a node label key, e.g. 'topology.kubernetes.io/zone'"
            )
        _checks.label_key("", self.topology_key, what="topology_key")
        if not isinstance(self.selector, LabelSelector):
            raise PodkitTypeError("", f"selector must be a LabelSelector, got {type(self.selector).__name__}")
        when = _checks.check_enum("when_unsatisfiable", self.when_unsatisfiable, WhenUnsatisfiable)
        if self.min_domains is not None:
            if isinstance(self.min_domains, bool) or not isinstance(self.min_domains, int):
                raise PodkitTypeError(
                    "", f"min_domains must be an int, got {type(self.min_domains).__name__}"
                )
            if self.min_domains < 1:
                raise PodkitError("", f"min_domains {self.min_domains} must be at least 1")
            if when is not WhenUnsatisfiable.DO_NOT_SCHEDULE:
                raise PodkitError(
                    "",
                    "min_domains is only allowed with when_unsatisfiable=WhenUnsatisfiable.DO_NOT_SCHEDULE; "
                    "remove it or change when_unsatisfiable",
                )
        for attr in ("node_affinity_policy", "node_taints_policy"):
            _checks.check_optional_enum(attr, getattr(self, attr), NodeAffinityPolicy)

    def render(self) -> dict[str, Any]:
        return {
            "maxSkew": self.max_skew,
            "topologyKey": self.topology_key,
            "whenUnsatisfiable": self.when_unsatisfiable.value,
            "labelSelector": self.selector.render(),
            "minDomains": self.min_domains,
            "nodeAffinityPolicy": self.node_affinity_policy.value if self.node_affinity_policy else None,
            "nodeTaintsPolicy": self.node_taints_policy.value if self.node_taints_policy else None,
        }


def check_spread(constraints: Sequence[TopologySpreadConstraint]) -> tuple[TopologySpreadConstraint, ...]:
    """The pod's constraints; the API server refuses two with the same key and action."""
    items = _typed_list(
        "topology_spread_constraints",
        constraints,
        TopologySpreadConstraint,
        "(TopologySpreadConstraint(max_skew=1, topology_key=..., selector=...),)",
    )
    seen: set[tuple[str, WhenUnsatisfiable]] = set()
    for c in items:
        pair = (c.topology_key, c.when_unsatisfiable)
        if pair in seen:
            raise DuplicateError(
                "",
                f"two topology spread constraints use topology_key {c.topology_key!r} with "
                f"{c.when_unsatisfiable.value}; the API server allows one per pair: merge them",
            )
        seen.add(pair)
    return items


def check_tolerations(tolerations: Sequence[Toleration]) -> tuple[Toleration, ...]:
    return _typed_list("tolerations", tolerations, Toleration, "(Toleration.exists('gpu'),)")
