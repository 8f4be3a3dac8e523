"""podkit's synth-time schema check: current with kubernetes-validate's 1.33 schema, and
agreeing with kubernetes-validate (strict) on what is valid."""

from __future__ import annotations

import copy
import sys
from pathlib import Path
from typing import Any

import pytest

from podkit._rules import schema as _schema
from tests.k8s import schema_errors

ROOT = Path(__file__).resolve().parent.parent

POD: dict[str, Any] = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "p", "labels": {"a": "b"}},
    "spec": {
        "containers": [
            {
                "name": "c",
                "image": "nginx",
                "ports": [{"containerPort": 80}],
                "resources": {"limits": {"cpu": "500m", "memory": 1024}},
                "livenessProbe": {"httpGet": {"path": "/", "port": "http"}},
            }
        ]
    },
}


def test_compact_schema_is_generated_from_kubernetes_validate() -> None:
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import gen_schema
    finally:
        sys.path.pop(0)
    committed = (ROOT / "lib" / "podkit" / "_k8s_schema.json").read_text(encoding="utf-8")
    assert committed == gen_schema.render("1.33.0"), "run .venv/bin/python tools/gen_schema.py"


def mutate(path: list[Any], value: Any) -> dict[str, Any]:
    obj = copy.deepcopy(POD)
    target: Any = obj
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return obj


CASES = [
    ("valid", POD),
    ("unknown top-level field", mutate(["spek"], {})),
    ("unknown nested field", mutate(["spec", "containers", 0, "imagee"], "x")),
    ("port as string", mutate(["spec", "containers", 0, "ports", 0, "containerPort"], "80")),
    ("missing container name", mutate(["spec", "containers", 0, "name"], KeyError)),
    ("missing containers", mutate(["spec", "containers"], KeyError)),
    ("bool for int", mutate(["spec", "containers", 0, "ports", 0, "containerPort"], True)),
    ("label value not a string", mutate(["metadata", "labels", "a"], 1)),
    ("int-or-string as list", mutate(["spec", "containers", 0, "livenessProbe", "httpGet", "port"], [80])),
    ("quantity as bool", mutate(["spec", "containers", 0, "resources", "limits", "cpu"], False)),
    ("restart policy enum", mutate(["spec", "restartPolicy"], "Sometimes")),
]


@pytest.mark.parametrize(("what", "obj"), CASES, ids=[c[0] for c in CASES])
def test_agrees_with_kubernetes_validate(what: str, obj: dict[str, Any]) -> None:
    oracle = schema_errors(obj)
    mine = _schema.validate_object(obj)
    assert bool(mine) == bool(oracle), f"podkit: {mine}; kubernetes-validate: {oracle}"


def test_messages_say_where() -> None:
    assert _schema.validate_object(CASES[3][1]) == [
        "spec.containers[0].ports[0].containerPort: expected integer, got str '80'"
    ]
    assert _schema.validate_object(CASES[1][1]) == ["(top level): unknown field 'spek' (strict schema)"]


def test_unknown_kinds_are_skipped() -> None:
    assert _schema.validate_object({"apiVersion": "example.com/v1", "kind": "Widget", "spec": {"x": 1}}) == []


def _crd(props: dict[str, Any]) -> dict[str, Any]:
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": "widgets.example.com"},
        "spec": {
            "group": "example.com",
            "names": {"kind": "Widget", "plural": "widgets"},
            "scope": "Namespaced",
            "versions": [
                {
                    "name": "v1",
                    "served": True,
                    "storage": True,
                    "schema": {"openAPIV3Schema": {"type": "object", "properties": props}},
                }
            ],
        },
    }


def test_recursive_definitions_and_repeated_checks_find_the_same() -> None:
    """A "$ref" child compiles on its first use and then replaces its stand-in in the parent:
    the verdicts are the same on the first check of a kind and on every later one, down a
    recursive definition (JSONSchemaProps holds JSONSchemaProps) and in lists of objects."""
    deep = {"spec": {"type": "object", "properties": {"size": {"type": "integer", "minimum": 1}}}}
    bad = {"spec": {"type": "object", "properties": {"size": {"type": "integer", "colour": "red"}}}}
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "p"},
        "spec": {"containers": [{"name": "a", "image": "nginx", "ports": [{"containerPort": "80"}]}]},
    }
    where = "spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.size"
    for _ in range(3):
        assert _schema.validate_object(_crd(deep)) == []
        assert _schema.validate_object(_crd(bad)) == [f"{where}: unknown field 'colour' (strict schema)"]
        assert _schema.validate_object(pod) == [
            "spec.containers[0].ports[0].containerPort: expected integer, got str '80'"
        ]


@pytest.mark.parametrize(
    ("port", "problems"),
    [
        (8080, []),
        ("http", []),
        (None, []),
        (True, ["spec.ports[0].targetPort: True matches none of the allowed forms"]),
        (1.5, ["spec.ports[0].targetPort: 1.5 matches none of the allowed forms"]),
        ([80], ["spec.ports[0].targetPort: [80] matches none of the allowed forms"]),
    ],
)
def test_int_or_string_takes_an_int_or_a_string_only(port: Any, problems: list[str]) -> None:
    service = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "s"},
        "spec": {"ports": [{"port": 80, "targetPort": port}]},
    }
    assert _schema.validate_object(service) == problems
