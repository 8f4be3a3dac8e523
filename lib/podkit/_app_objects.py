"""What a construct is checked against beyond its own arguments: the other podkit objects of
its app (at synth) and the API server's rules for its kind (at the call).

A budget against its workload's replicas, an autoscaler against a budget, a quota against the
pods of its namespace: each construct's ``_check`` asks here for the other objects of the app
(every ``podkit.Chart`` under the same root) or those of one namespace, and for an object's
effective namespace (its own, else its chart's), which is what decides whether two objects meet
in the cluster (where one of two objects has none, kubectl's context or the GitOps tool's
destination decides it: :func:`never_meet` and :func:`warn_namespace` say so, one way for every
construct). A quota's amounts or a priority class's value are asked of the kind's rules
when the construct is built (:func:`raise_rule_problem`), so a bad value fails at its line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

from ._references import NamespaceReferenceWarning
from ._resource import PodkitResource
from ._rules._base import Report
from .errors import PodkitError, warn_at

__all__ = [
    "DESTINATION_DECIDES",
    "TARGET_NAMESPACE_FIX",
    "app_objects",
    "between",
    "namespace_of",
    "never_meet",
    "objects_in_namespace",
    "objects_met_by_destination",
    "raise_rule_problem",
    "target_namespace",
    "warn_namespace",
]

R = TypeVar("R", bound=PodkitResource)


def app_objects(obj: PodkitResource, kind: type[R]) -> Iterator[R]:
    """Every podkit object of ``kind`` in the app ``obj`` belongs to (all its podkit charts)."""
    import cdk8s

    from .chart import Chart

    chart = obj.chart
    root = chart.node.root
    charts = list(root.charts) if isinstance(root, cdk8s.App) else [chart]
    seen: set[int] = set()
    for c in charts:
        # a plain cdk8s chart (cdk8s.Testing.chart()) holds podkit objects as its constructs
        members = (
            c.podkit_objects
            if isinstance(c, Chart)
            else [m for m in c.node.find_all() if isinstance(m, PodkitResource)]
        )
        for member in members:
            if isinstance(member, kind) and id(member) not in seen:
                seen.add(id(member))
                yield member


def objects_in_namespace(obj: PodkitResource, kind: type[R], namespace: str | None) -> Iterator[R]:
    """Every podkit object of ``kind`` in ``obj``'s app written to ``namespace`` (``None``: the
    kubectl context's): the objects that meet ``obj`` there, such as the pods a quota counts."""
    return (o for o in app_objects(obj, kind) if namespace_of(o) == namespace)


def objects_met_by_destination(obj: PodkitResource, kind: type[R], namespace: str | None) -> Iterator[R]:
    """Every podkit object of ``kind`` in ``obj``'s app that meets an object of ``namespace`` only
    if the namespace it is applied to makes it so: with ``namespace`` ``None``, the objects of any
    written namespace; else those without one (the objects a selector of ``obj`` may reach, to
    warn about with :func:`warn_namespace`, never to refuse)."""
    return (o for o in app_objects(obj, kind) if (namespace_of(o) is None) != (namespace is None))


def namespace_of(obj: PodkitResource) -> str | None:
    """The namespace ``obj`` is written to (``None``: the kubectl context's)."""
    namespace = obj._metadata().get("namespace")
    return namespace if isinstance(namespace, str) else None


def target_namespace(namespace: str | None, target: object) -> str | None:
    """The namespace given to a construct built from ``target`` (the workload an autoscaler
    scales, a budget protects, a connection's policy isolates): ``namespace`` when given, else
    the target's own, so the two meet in the cluster (``None``: the chart's, for both)."""
    if namespace is None and isinstance(target, PodkitResource):
        return target._namespace
    return namespace


#: the fix of a construct written to another namespace than its target (see target_namespace)
TARGET_NAMESPACE_FIX = "leave namespace= unset (it defaults to the target's)"


#: said of the side without a namespace in every NamespaceReferenceWarning of a construct
DESTINATION_DECIDES = "the namespace it is applied to decides"


def warn_namespace(obj: PodkitResource, situation: str, outcome: str, namespaces: Sequence[str]) -> None:
    """Warn (:class:`NamespaceReferenceWarning`, at the line that created ``obj``) that ``obj``
    and what it connects to meet only in the namespace the side without one is applied to:
    ``situation`` says which side has which namespace (:data:`DESTINATION_DECIDES` in brackets
    after the side without), ``outcome`` what then works (``"it scales the target"``), and
    ``namespaces`` the namespace(s) it works in. One wording for every construct:
    ``[path] {situation}: {outcome} only if that is 'a'; give both the same namespace, or neither``."""
    where = repr(namespaces[0]) if len(namespaces) == 1 else "one of " + ", ".join(map(repr, namespaces))
    warn_at(
        f"[{obj.path}] {situation}: {outcome} only if that is {where}; give both the same namespace, or neither",
        NamespaceReferenceWarning,
        obj._source,
    )


def between(me: str, its: str) -> dict[str, Callable[[str], str]]:
    """The two situations of :func:`never_meet` as most constructs word them: ``me`` the
    construct ("Ingress"), ``its`` what it connects to ("backend Service 'c/web'"):
    ``the Ingress is in namespace 'a' and its backend Service 'c/web' has none (...)``, and
    ``the Ingress has no namespace (...) and its backend Service 'c/web' is in namespace 'a'``."""
    return {
        "only_mine": lambda ns: (
            f"the {me} is in namespace {ns!r} and its {its} has none ({DESTINATION_DECIDES})"
        ),
        "only_theirs": lambda ns: (
            f"the {me} has no namespace ({DESTINATION_DECIDES}) and its {its} is in namespace {ns!r}"
        ),
    }


def never_meet(
    obj: PodkitResource,
    mine: str | None,
    theirs: str | None,
    *,
    only_mine: Callable[[str], str],
    only_theirs: Callable[[str], str],
    outcome: str,
) -> bool:
    """Compare the namespace of ``obj`` (``mine``) with that of the object it connects to
    (``theirs``; ``None``: not written): whether the two never meet in the cluster, both written
    and different (the caller refuses, with its own problem). Where exactly one is written, the
    other's is kubectl's context or the GitOps tool's destination, and the pair works if that is
    the written one: :func:`warn_namespace`, never a refusal, with the situation
    ``only_mine(mine)`` (only ``obj`` has one) or ``only_theirs(theirs)``. Neither written:
    nothing (applied together, they share the destination).

    The situations are functions of the written namespace, so no text ever shows ``None``."""
    if mine is not None and theirs is not None:
        return mine != theirs
    if mine is not None:
        warn_namespace(obj, only_mine(mine), outcome, [mine])
    elif theirs is not None:
        warn_namespace(obj, only_theirs(theirs), outcome, [theirs])
    return False


#: a kind's rules function (``_rules``): reports the problems of ``doc`` (its ``spec``)
KindRules = Callable[[Report, Mapping[str, Any], Mapping[str, Any]], None]


def raise_rule_problem(path: str, rules: KindRules, doc: Mapping[str, Any], spec: Mapping[str, Any]) -> None:
    """Ask ``rules`` about ``doc`` as the construct at ``path`` built it, and raise the first
    problem they report, so a bad value fails at the call that wrote it (at synth the same rules
    read the final object again)."""
    report = Report(path)
    rules(report, doc, spec)
    if report.problems:
        raise PodkitError(path, report.problems[0].message)
