"""Test helpers: synthesize a chart and check every object against Kubernetes 1.33.

The schema check uses kubernetes-validate itself (the oracle), in strict mode. Its
``validate()`` rebuilds a validator on every call (~11 ms); here one validator per kind
is built once per test session, which finds the same errors.
"""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Callable
from functools import cache
from typing import Any

import cdk8s
import constructs
import jsonschema
import kubernetes_validate
import pytest
from hypothesis import settings
from kubernetes_validate import utils as kv_utils
from referencing import Registry, Resource

import podkit as pk
from podkit._rules import check_object
from podkit._rules import schema as _schema
from podkit._rules.crd import crd_kind

#: Property tests: random locally, the same examples on every CI run (CI=true), so CI never
#: goes red at random; every example a run finds is then kept with @example as a regression case.
PROPERTY_SETTINGS = settings(max_examples=200, deadline=None, derandomize=bool(os.environ.get("CI")))

VERSION = "1.33.0"


@cache
def _definitions() -> Resource:  # type: ignore[type-arg,unused-ignore]
    defs = kv_utils.schema_contents(
        f"kubernetes-json-schema/v{VERSION}-local-strict/_definitions.json", VERSION
    )
    return Resource.from_contents(defs)


@cache
def _validator(api_version: str, kind: str) -> jsonschema.protocols.Validator:
    group_version = api_version.split("/")
    short = (
        group_version[0].split(".")[0] + "-" + group_version[1] if len(group_version) == 2 else api_version
    )
    schema = kv_utils.schema_contents(
        f"kubernetes-json-schema/v{VERSION}-local-strict/{kind.lower()}-{short}.json", VERSION
    )
    registry: Registry = Resource.from_contents(schema) @ Registry()  # type: ignore[type-arg,unused-ignore]
    registry = _definitions() @ registry
    return jsonschema.validators.Draft202012Validator(schema, registry=registry)


def schema_errors(obj: dict[str, Any]) -> list[str]:
    """Strict 1.33 schema errors of one object (kubernetes-validate's schema)."""
    validator = _validator(obj["apiVersion"], obj["kind"])
    return [f"{'.'.join(str(p) for p in e.absolute_path)}: {e.message}" for e in validator.iter_errors(obj)]


#: custom resources podkit writes; kubernetes-validate has no schema for them, podkit checks them
#: against their CRDs (tests/test_crd_schema.py)
CRD_KINDS = {("bitnami.com/v1alpha1", "SealedSecret"), ("external-secrets.io/v1", "ExternalSecret")}


def assert_valid(objs: list[dict[str, Any]]) -> None:
    for obj in objs:
        if (obj["apiVersion"], obj["kind"]) in CRD_KINDS:
            assert not _schema.validate_object(obj), _schema.validate_object(obj)
            continue
        if crd_kind(obj["apiVersion"], obj["kind"]) is not None:
            # a CRD podkit registered (Gateway API): its structural schema and CEL rules
            problems = [p.message for p in check_object(obj, "test")]
            assert not problems, problems
            continue
        errors = schema_errors(obj)
        assert not errors, (
            f"{obj['kind']} {obj['metadata'].get('name')!r} is not valid Kubernetes {VERSION} "
            f"(strict): {errors}"
        )


def synth(chart: cdk8s.Chart) -> list[dict[str, Any]]:
    """The chart's objects (as ``dist/`` would hold them), schema-checked."""
    objs: list[dict[str, Any]] = json.loads(json.dumps(cdk8s.Testing.synth(chart)))
    assert_valid(objs)
    return objs


def by_name(objs: list[dict[str, Any]], name: str, kind: str | None = None) -> dict[str, Any]:
    found = [o for o in objs if o["metadata"]["name"] == name and (kind is None or o["kind"] == kind)]
    assert len(found) == 1, f"expected one object named {name!r}, found {len(found)}"
    return found[0]


def synth_problems(target: cdk8s.Chart | pk.App) -> list[tuple[str, str, str]]:
    """The problems synth refuses ``target`` with, as ``(path, message, fix)``, in their order.

    A chart is rendered alone (``to_json``); a podkit.App with its app-wide checks too
    (``synth_documents``). The test fails if synth passes.
    """
    with pytest.raises(pk.SynthError) as e:
        if isinstance(target, pk.App):
            target.synth_documents()
        else:
            target.to_json()
    return [(p.path, p.message, p.fix) for p in e.value.problems]


def synth_messages(target: cdk8s.Chart | pk.App) -> list[str]:
    """The messages of :func:`synth_problems`, for a test about the message alone."""
    return [message for _, message, _ in synth_problems(target)]


def synth_warnings(target: cdk8s.Chart | pk.App, category: type[Warning]) -> list[tuple[str, str, int]]:
    """The warnings of exactly ``category`` (not its subclasses) a synth of ``target`` that
    succeeds raises, as ``(message, filename, lineno)``, in their order; every one (no
    once-per-line filter). A chart is rendered alone (``to_json``), a podkit.App with its
    app-wide checks too (``synth_documents``). A construct's warning names the line that created
    it; an app-wide check's names the line that ran synth: :data:`SYNTH_SITE`."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _run_synth(target)
    return [(str(w.message), w.filename, w.lineno) for w in caught if w.category is category]


def _run_synth(target: cdk8s.Chart | pk.App) -> None:
    (target.synth_documents if isinstance(target, pk.App) else target.to_json)()


#: ``(filename, lineno)`` of the line that runs synth in :func:`synth_warnings` (the user's line
#: an app-wide check warns at): the first line of ``_run_synth``'s body
SYNTH_SITE = (
    __file__,
    min(
        n
        for _, _, n in _run_synth.__code__.co_lines()
        if n is not None and n > _run_synth.__code__.co_firstlineno
    ),
)


__all__ = [
    "SYNTH_SITE",
    "assert_valid",
    "by_name",
    "kubernetes_validate",
    "schema_errors",
    "synth",
    "synth_messages",
    "synth_problems",
    "synth_warnings",
]


def _podkit_chart() -> constructs.Construct:
    return pk.Chart(pk.App(), "chart")


def _cdk8s_chart() -> constructs.Construct:
    return cdk8s.Chart(cdk8s.App(), "chart")


def _nested() -> constructs.Construct:
    return constructs.Construct(pk.Chart(pk.App(), "chart"), "group")


#: every kind of scope a podkit construct must work in (issue #12): a scope factory per name
SCOPES: dict[str, Callable[[], constructs.Construct]] = {
    "podkit.Chart": _podkit_chart,
    "cdk8s.Chart": _cdk8s_chart,
    "Testing.chart": cdk8s.Testing.chart,
    "nested Construct": _nested,
}
