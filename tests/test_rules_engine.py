"""The rules engine as a whole (issue #20's "done when"): rules picked by (apiVersion, kind),
every problem of an object in one run with its field and upstream rule, cluster-scoped kinds."""

from __future__ import annotations

from typing import Any

import cdk8s
import pytest
import yaml

import podkit as pk
from podkit import _rules
from podkit._rules.registry import REGISTRY, rules_for

KNATIVE_SERVICE: dict[str, Any] = {
    "apiVersion": "serving.knative.dev/v1",
    "kind": "Service",
    "metadata": {"name": "hello"},
    "spec": {"template": {"spec": {"containers": [{"image": "ghcr.io/knative/helloworld-go:latest"}]}}},
}


def _raw(chart: cdk8s.Chart, id: str, doc: dict[str, Any]) -> cdk8s.ApiObject:
    """``doc`` as a user's raw ApiObject: its name as metadata, the rest by JSON patch."""
    obj = cdk8s.ApiObject(
        chart,
        id,
        api_version=doc["apiVersion"],
        kind=doc["kind"],
        metadata=cdk8s.ApiObjectMetadata(name=doc["metadata"]["name"]),
    )
    for key, value in doc.items():
        if key not in ("apiVersion", "kind", "metadata"):
            obj.add_json_patch(cdk8s.JsonPatch.add(f"/{key}", value))
    return obj


def test_rules_are_picked_by_api_version_and_kind_not_by_kind_alone() -> None:
    assert rules_for("v1", "Service") is not None
    assert rules_for("serving.knative.dev/v1", "Service") is None
    assert rules_for("apps/v1beta1", "Deployment") is None
    # a custom resource named like a core kind gets the metadata rules only
    assert _rules.check_object(KNATIVE_SERVICE, "c/hello") == []
    bad_name = {**KNATIVE_SERVICE, "metadata": {"name": "a/b"}}
    [problem] = _rules.check_object(bad_name, "c/hello")
    assert (problem.field, problem.rule) == ("metadata.name", "apiserver:ValidateObjectMeta")


def test_a_knative_service_synthesizes_in_a_chart() -> None:
    app = pk.App()
    chart = pk.Chart(app, "serving", namespace="apps")
    _raw(chart, "hello", KNATIVE_SERVICE)
    [doc] = [d for d in yaml.safe_load_all(app.synth_yaml()) if d]
    assert doc["kind"] == "Service" and doc["metadata"] == {"name": "hello", "namespace": "apps"}


def test_a_raw_namespace_in_a_namespaced_chart_is_written_without_a_namespace() -> None:
    # the API server ignores (clears) a namespace on a cluster-scoped object: podkit writes none
    app = pk.App()
    chart = pk.Chart(app, "base", namespace="shop")
    _raw(chart, "ns", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}})
    [doc] = [d for d in yaml.safe_load_all(app.synth_yaml()) if d]
    assert doc == {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}}


def test_every_problem_of_an_object_comes_in_one_synth_error() -> None:
    # GIVEN a restricted chart whose Pod gets an unknown field and a privileged container by patch
    app = pk.App()
    chart = pk.Chart(app, "sec", pod_security=pk.PodSecurity.RESTRICTED)
    pod = pk.SidecarPod(chart, "web", main=pk.Container(name="web", image="nginx:1.27"))
    cdk8s.ApiObject.of(pod).add_json_patch(
        cdk8s.JsonPatch.add("/spec/containerz", []),
        cdk8s.JsonPatch.add("/spec/containers/0/ports", [{"containerPort": 80, "name": "Web_Port"}]),
    )
    # WHEN it is synthesized  THEN the schema, the API server's rules and the level all report
    with pytest.raises(pk.SynthError) as caught:
        app.synth_yaml()
    families = {p.family for p in caught.value.problems}
    assert families == {"schema", "apiserver", "pod-security"}
    fields = {p.field for p in caught.value.problems if p.family != "pod-security"}
    assert "spec.containers[0].ports[0].name" in fields
    apiserver = [p for p in caught.value.problems if p.family == "apiserver"]
    assert [p.rule for p in apiserver] == ["apiserver:validateContainerPorts"]
    assert apiserver[0].field == "spec.containers[0].ports[0].name"


def test_a_schema_problem_does_not_repeat_as_a_rule_problem_on_the_same_field() -> None:
    doc = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web"},
        "spec": {
            "replicas": "three",
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "web", "image": "nginx"}]},
            },
        },
    }
    problems = _rules.check(doc, "c/web")
    assert [(p.family, p.field) for p in problems] == [("schema", "spec.replicas")]


def test_every_registered_kind_names_its_upstream_check() -> None:
    assert len(REGISTRY) >= 14
    for (api_version, kind), rules in REGISTRY.items():
        # a built-in kind ports its Validate<Kind>; an imported CRD's kind, apiextensions' validator
        assert rules.upstream.startswith("Validate") or rules.upstream == "CustomResourceValidator", (
            api_version,
            kind,
        )
    assert not rules_for("v1", "Namespace").namespaced  # type: ignore[union-attr]
    assert rules_for("v1", "Pod").namespaced  # type: ignore[union-attr]
