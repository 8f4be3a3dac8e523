"""What a construct is checked against beyond its own arguments: the other podkit objects of
its app (at synth) and the API server's rules for its kind (at the call).

A budget against its workload's replicas, an autoscaler against a budget, a quota against the
pods of its namespace: each construct's ``_check`` asks here for the other objects of the app
(every ``podkit.Chart`` under the same root) or those of one namespace, and for an object's
effective namespace (its own, else its chart's), which is what decides whether two objects meet
in the cluster. A quota's amounts or a priority class's value are asked of the kind's rules
when the construct is built (:func:`raise_rule_problem`), so a bad value fails at its line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar

from ._resource import PodkitResource
from ._rules._base import Report
from .errors import PodkitError

__all__ = [
    "TARGET_NAMESPACE_FIX",
    "app_objects",
    "namespace_of",
    "objects_in_namespace",
    "raise_rule_problem",
    "target_namespace",
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
