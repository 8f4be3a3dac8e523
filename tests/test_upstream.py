"""Kubernetes' own validation table tests, replayed as whole v1 objects (the oracle, both ways).

``tests/upstream/cases/*.yaml`` translate the success and error cases of
``pkg/apis/{core,apps,batch}/validation/validation_test.go`` (see ``tests/upstream/README.md``).
Every case runs through the checks podkit applies to every final object at synth
(``_validate.check_final``: schema, API-server rules); a valid case must give no problem (podkit
never refuses what the API server accepts), an invalid case at least one, on the upstream
error's field when the case names it. One test also writes every valid object through a real
cdk8s chart, as a user's raw ``ApiObject`` would be.
"""

from __future__ import annotations

import copy
import re
from functools import cache
from pathlib import Path
from typing import Any

import cdk8s
import pytest
import yaml

import podkit as pk
from podkit import _rules
from podkit._rules._base import Report
from podkit._rules.core import pod as pod_rules
from podkit._validate import check_final
from podkit.errors import Problem

CASES_DIR = Path(__file__).parent / "upstream" / "cases"
#: corrections to translated cases, each with its reason (``- case: file:id`` plus ``expect``/
#: ``field``/``object`` to replace, or ``drop: <why>``): what the API server really does with the
#: v1 object differs from the upstream test's internal-type verdict (defaulting, admission)
OVERRIDES_DIR = Path(__file__).parent / "upstream" / "overrides"
_REPEAT = re.compile(r"\$repeat:(.):(\d+)(=*)\Z")


def _expand(value: Any) -> Any:
    """Large upstream values are stored as ``$repeat:<char>:<count>[=...]`` and built here."""
    if isinstance(value, dict):
        return {k: _expand(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_expand(v) for v in value]
    if isinstance(value, str) and (m := _REPEAT.match(value)):
        return m.group(1) * int(m.group(2)) + m.group(3)
    return value


@cache
def _overrides() -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for path in sorted(OVERRIDES_DIR.glob("*.yaml")):
        for entry in _load(path) or []:
            assert entry["case"] not in out, f"{entry['case']} is overridden twice"
            assert entry.get("reason"), f"{path.name}: {entry['case']} needs a reason"
            out[entry["case"]] = entry
    return out


def _load(path: Path) -> Any:
    # libyaml: the case files are read at collection, by every xdist worker (3 s in pure Python)
    return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)


@cache
def _cases() -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    overrides = dict(_overrides())
    for path in sorted(CASES_DIR.glob("*.yaml")):
        for case in _load(path) or []:
            fix = overrides.pop(f"{path.stem}:{case['id']}", None)
            if fix is not None:
                if fix.get("drop"):
                    continue
                case = {**case, **{k: v for k, v in fix.items() if k in ("expect", "field", "object")}}
                case["note"] = f"{case.get('note', '')} [podkit: {fix['reason']}]".strip()
            out.append({**case, "file": path.stem, "object": _expand(case["object"])})
    assert not overrides, f"overrides for cases that do not exist: {sorted(overrides)}"
    return out


def _params(expect: str) -> list[Any]:
    return [
        pytest.param(case, id=f"{case['file']}:{case['id']}") for case in _cases() if case["expect"] == expect
    ]


def _norm(field: str) -> str:
    # map keys as data['k'], data[k] or data.k: compare as data.k
    return re.sub(r"\[['\"]?([^\]'\"]*[^\]'\"0-9][^\]'\"]*|)['\"]?\]", r".\1", field)


def _related(ours: str, theirs: str) -> bool:
    """Whether a problem on ``ours`` is about upstream's ``theirs``: the same field, or one inside
    the other (upstream sometimes reports the parent, sometimes the member)."""
    a, b = _norm(ours), _norm(theirs)
    return a == b or a.startswith((b + ".", b + "[")) or b.startswith((a + ".", a + "["))


def _problems(case: dict[str, Any]) -> list[Problem]:
    return check_final(case["object"], "upstream", chart=None)


def test_the_cases_are_many_and_well_formed() -> None:
    cases = _cases()
    ids = [(c["file"], c["id"]) for c in cases]
    assert len(ids) == len(set(ids))
    assert sum(c["expect"] == "valid" for c in cases) > 400
    assert sum(c["expect"] == "invalid" for c in cases) > 700
    assert {c["object"]["kind"] for c in cases} >= {
        "Pod",
        "Service",
        "ConfigMap",
        "Secret",
        "PersistentVolumeClaim",
        "Namespace",
        "Deployment",
        "StatefulSet",
        "DaemonSet",
        "ReplicaSet",
        "Job",
        "CronJob",
    }


@pytest.mark.parametrize("case", _params("valid"))
def test_accepts_what_the_api_server_accepts(case: dict[str, Any]) -> None:
    assert [str(p) for p in _problems(case)] == [], case.get("note", "")


@pytest.mark.parametrize("case", _params("invalid"))
def test_rejects_what_the_api_server_rejects(case: dict[str, Any]) -> None:
    problems = _problems(case)
    assert problems, f"podkit accepts it; upstream rejects {case.get('field', '')}: {case.get('note', '')}"
    field = case.get("field")
    if field:
        fields = [p.field for p in problems]
        assert any(_related(f, field) for f in fields), f"expected a problem on {field}, got {fields}"


def test_every_valid_case_synthesizes_through_a_real_chart() -> None:
    """The same objects as a user's raw ``cdk8s.ApiObject`` s (fields set by JSON patch, the
    escape hatch), synthesized by podkit's App: nothing the API server accepts is refused."""
    app = pk.App()
    chart = pk.Chart(app, "upstream")
    valid = [c for c in _cases() if c["expect"] == "valid"]
    for i, case in enumerate(valid):
        # each in a namespace of its own (Namespaces: a name of their own): cases reuse names
        obj = copy.deepcopy(case["object"])
        meta = obj.setdefault("metadata", {})
        if obj["kind"] == "Namespace":
            meta["name"] = f"u{i}"
        else:
            meta["namespace"] = f"u{i}"
        api = cdk8s.ApiObject(chart, f"o{i}", api_version=obj["apiVersion"], kind=obj["kind"])
        for key, value in obj.items():
            if key not in ("apiVersion", "kind"):
                api.add_json_patch(cdk8s.JsonPatch.add(f"/{key}", value))
    docs = [d for d in yaml.safe_load_all(app.synth_yaml()) if d]
    assert len(docs) == len(valid)


def _pod_spec_asks(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The pod specs the rules check in ``doc`` (a Pod's, a template's), with the arguments
    ``check_pod_spec`` gets for each, recorded while the object is checked."""
    asks: list[dict[str, Any]] = []
    original = pod_rules.check_pod_spec

    def spy(r: Any, spec: Any, where: str, restart: tuple[str, ...], *args: Any, **kwargs: Any) -> None:
        asks.append({"spec": spec, "where": where, "restart": restart, **kwargs})
        original(r, spec, where, restart, *args, **kwargs)

    pod_rules.check_pod_spec = spy
    try:
        _rules.check_object(doc, "upstream")
    finally:
        pod_rules.check_pod_spec = original
    return [ask for ask in asks if isinstance(ask["spec"], dict)]


def _fit_problems(ask: dict[str, Any], spec: dict[str, Any]) -> list[tuple[str, str]]:
    """The problems the rules asked at a typed pod's call find in ``spec`` (each_container=False),
    but the volumes' (asked again on every object)."""
    report = Report("upstream")
    pod_rules.check_pod_spec(
        report,
        spec,
        ask["where"],
        ask["restart"],
        meta=ask.get("meta", {}),
        is_pod=ask.get("is_pod", False),
        each_container=False,
    )
    volumes = (f"{ask['where']}.volumes[", f"{ask['where']}.volumes.")
    return [(p.field, p.message) for p in report.problems if not p.field.startswith(volumes)]


_POD_KINDS = ("Pod", "PodTemplate", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob")


def test_the_rules_asked_at_the_call_read_no_container_own_field() -> None:
    """``fit_view`` leaves out the volumes and each container's own fields (image, env, mounts,
    resources, ...): the rules a typed pod asks at the call find the same without them, so a
    final spec whose fit view is unchanged since the call need not be asked again. (One test
    for every pod case: the check is quick, a test each would cost more than it.)"""
    asked = differ = 0
    for case in _cases():
        if case["object"].get("kind") not in _POD_KINDS:
            continue
        for ask in _pod_spec_asks(case["object"]):
            spec = ask["spec"]
            view = pod_rules.fit_view(spec)
            if "volumes" in spec:
                view["volumes"] = spec["volumes"]
            asked += 1
            differ += _fit_problems(ask, view) != _fit_problems(ask, spec)
    assert (asked > 900, differ) == (True, 0)


def test_the_rules_asked_at_the_call_read_only_the_annotations_fit_meta_keeps() -> None:
    """``fit_meta`` keeps of the annotations only those the pod-spec rules read (seccomp, AppArmor,
    the mirror-pod mark, the tolerations annotation): with the others left out, every verdict of
    the rules asked at the call is the same, on every pod case with annotations and on the same
    cases with an annotation no rule reads added."""
    asked = differ = 0
    for case in _cases():
        if case["object"].get("kind") not in _POD_KINDS:
            continue
        for ask in _pod_spec_asks(case["object"]):
            meta = ask.get("meta", {})
            annotations = meta.get("annotations")
            if not isinstance(annotations, dict):
                annotations = {}
            extra = {**meta, "annotations": {**annotations, "podkit.dev/config-hash": "abc", "x/y": "z"}}
            for full in (meta, extra) if annotations else (extra,):
                asked += 1
                kept = {**ask, "meta": pod_rules.fit_meta(full)}
                differ += _fit_problems(kept, ask["spec"]) != _fit_problems(
                    {**ask, "meta": full}, ask["spec"]
                )
    assert (asked > 1000, differ) == (True, 0)


def test_a_pod_spec_that_passed_at_the_call_gets_the_same_problems() -> None:
    """The synth-time check of a pod spec the rules passed at the call (``PassedPodSpec``) asks
    only its volumes and each container's own fields, and finds exactly what a full check finds."""
    differ: list[str] = []
    skipped = 0
    for case in _cases():
        doc = case["object"]
        if doc.get("kind") not in _POD_KINDS:
            continue
        full = [(p.field, p.message, p.rule) for p in _rules.check_object(doc, "upstream")]
        for ask in _pod_spec_asks(doc):
            spec = ask["spec"]
            if _fit_problems(ask, spec):
                continue
            meta = pod_rules.fit_meta(ask.get("meta", {}))
            passed = _rules.PassedPodSpec(ask["where"], ask["restart"], pod_rules.fit_view(spec), meta)
            again = [
                (p.field, p.message, p.rule) for p in _rules.check_object(doc, "upstream", passed=passed)
            ]
            skipped += 1
            if again != full:
                differ.append(f"{case['file']}:{case['id']}")
    assert (skipped > 500, differ) == (True, [])
