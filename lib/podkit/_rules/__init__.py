"""podkit's rules: what the Kubernetes 1.33 API server (and, when asked, Pod Security admission)
would reject, checked on every final object, organised as the API server is.

* :mod:`.registry` picks the rules of an object by ``(apiVersion, kind)``; an unknown group,
  version or kind gets the metadata rules and its CRD schema only, never a core kind's rules.
* one module per API group: :mod:`.meta` (object metadata, label selectors), :mod:`.core`
  (pod, container, volume, service, configmap, secret, pvc, namespace), :mod:`.apps`,
  :mod:`.batch`; beside them :mod:`.pod_security` (Pod Security Standards) and :mod:`.schema`
  (the strict OpenAPI schema);
* :mod:`.names` and :mod:`.quantity`: the value rules (names, keys, paths, images, quantities)
  that the constructs also call where a value arrives, so both paths say the same thing.

Every rule is a function of the rendered object (a dict, after patches) and a field path that
reports structured :class:`~podkit.errors.Problem` s (``field``: the JSON path; ``rule``: the
upstream check, ``apiserver:ValidateService``). This package imports nothing from podkit but
:mod:`podkit.errors`, and knows no construct: a test reads its imports.

Rules run on every object of every synth, and most fields are unset or valid: read what an object
has (a lookup), and call a sub-rule or format a field path only for a field that is set or a value
to report (``core.container._common``); a rule that judges many equal values remembers the ones it
accepted (``names.remember_valid``). A typed pod asks the pod-spec rules at its call without each
container's own fields, and a final spec still holding what passed there is not asked them again
(``Report.passed``, ``core.pod.check_pod_spec``): a rule those rules call may read a container's
own fields (``core.pod.OWN_FIELDS``) or the volumes only from ``validateContainerCommon`` and the
volume rules, which run on every object (``tests/test_upstream.py`` checks it on every pod case).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from ..errors import Problem
from . import (  # noqa: F401 - registers their kinds (apps/v1, autoscaling/v2, batch/v1, policy/v1, rbac, ...)
    apps,
    autoscaling,
    batch,
    crd,
    networking,
    policy,
    rbac,
    scheduling_k8s,
    schema,
)
from ._base import DEFAULT_SETTINGS, ClusterSettings, PassedPodSpec, Report, as_dict
from .core import (  # noqa: F401 - registers the v1 kinds
    configmap,
    namespace,
    pod,
    pvc,
    quota,
    secret,
    service,
)
from .meta import check_metadata
from .pod_security import PodSecurity, check_pod_security
from .registry import rules_for

__all__ = [
    "ClusterSettings",
    "PassedPodSpec",
    "PodSecurity",
    "SchemaCheck",
    "check",
    "check_object",
    "is_cluster_scoped",
    "schema_problems",
]


def check_object(
    doc: Mapping[str, Any],
    path: str,
    settings: ClusterSettings = DEFAULT_SETTINGS,
    passed: PassedPodSpec | None = None,
) -> list[Problem]:
    """The API server's validation problems of one final object (empty when it would be accepted).

    :param doc: the object as it will be written (``apiVersion``, ``kind``, ``metadata``, ...).
    :param path: the construct path to report problems under.
    :param settings: the cluster's settings some rules depend on (the NodePort range).
    :param passed: a pod spec the rules asked at the call passed: if ``doc`` holds it unchanged,
        those rules are not asked again (the problems are the same either way).
    """
    meta = as_dict(doc.get("metadata"))
    rules = rules_for(doc.get("apiVersion"), doc.get("kind"))
    if rules is None:
        report = Report(path, "apiserver:ValidateObjectMeta", settings)
        check_metadata(report, meta, "metadata", None)
        return report.problems
    report = Report(path, rules.rule, settings, passed)
    check_metadata(report, meta, "metadata", rules.name_rule, namespaced=rules.namespaced)
    rules.check(report, doc, as_dict(doc.get("spec")))
    return report.problems


def is_cluster_scoped(doc: Mapping[str, Any]) -> bool:
    """Whether ``doc`` is of a kind podkit knows to be cluster-scoped (a Namespace): the API
    server ignores a namespace written on such an object, so podkit writes none."""
    rules = rules_for(doc.get("apiVersion"), doc.get("kind"))
    return rules is not None and not rules.namespaced


def schema_problems(doc: Mapping[str, Any], path: str) -> list[Problem]:
    """Strict schema problems of one object (Kubernetes 1.33, or the CRD's for custom kinds);
    a Secret's values are checked without being shown."""
    messages = _schema_messages(doc)
    if not messages:
        return []  # (the common case: what names the object is made only for a problem)
    meta = as_dict(doc.get("metadata"))
    what = f"{doc.get('kind')} {meta.get('name')!r} does not match the {schema.schema_label(doc)} schema"
    return [Problem(path, f"{what}: {message}", "", "schema", _schema_field(message)) for message in messages]


def _schema_field(message: str) -> str:
    """The field a schema message is about: an unknown or missing field is itself the field
    (``spec: unknown field 'containerz'`` is about ``spec.containerz``), so it hides no rule
    problem of its siblings."""
    where, _, what = message.partition(": ")
    for marker in ("unknown field ", "required field "):
        if what.startswith(marker):
            name = what[len(marker) :].split(" ", 1)[0].strip("'\"")
            return name if where == "(top level)" else f"{where}.{name}"
    return where


def _schema_messages(doc: Mapping[str, Any]) -> list[str]:
    if not secret.is_secret(doc):
        return schema.validate_object(dict(doc))
    hidden = {f: doc[f] for f in secret.SECRET_FIELDS if f in doc}
    messages = schema.validate_object({k: v for k, v in doc.items() if k not in hidden})
    for field, values in hidden.items():
        if values is None:
            continue
        if not isinstance(values, dict):
            messages.append(f"{field}: expected object, got {type(values).__name__} (value not shown)")
            continue
        # the schema says map of string to string; check that, naming the key, never the value
        messages.extend(
            f"{field}.{key}: expected string, got {type(value).__name__} (value not shown)"
            for key, value in values.items()
            if value is not None and not isinstance(value, str)
        )
    return messages


#: a schema check: ``schema(doc, path)`` -> its problems
SchemaCheck = Callable[[Mapping[str, Any], str], list[Problem]]


def check(
    doc: Mapping[str, Any],
    path: str,
    *,
    schema: SchemaCheck | None = schema_problems,
    pod_security: PodSecurity | None = None,
    settings: ClusterSettings = DEFAULT_SETTINGS,
    passed: PassedPodSpec | None = None,
) -> list[Problem]:
    """Every problem of one final object, all in one list: the schema's (``schema``; ``None``
    for none), the API server's rules' and (with ``pod_security``) the Pod Security level's.

    A schema problem does not hide the rest: the rules still run (they read through wrong
    types), and only a rule problem on a field the schema already reported is left out, so
    each mistake is named once.
    """
    problems = schema(doc, path) if schema is not None else []
    typed = tuple(p.field for p in problems)
    for problem in check_object(doc, path, settings, passed):
        if not any(_under(problem.field, field) for field in typed):
            problems.append(problem)
    if pod_security is not None:
        problems.extend(check_pod_security(doc, pod_security, path))
    return problems


def _under(field: str, parent: str) -> bool:
    # map keys are written data['key'] by the rules and data.key by the schema: compare both as the latter
    field, parent = _KEY.sub(r".\1", field), _KEY.sub(r".\1", parent)
    return field == parent or field.startswith((parent + ".", parent + "["))


_KEY = re.compile(r"\['([^']*)'\]")
