"""podkit import crd on a synthetic CRD built to hit every failure of cdk8s import for Python
(reserved words, dropped x-kubernetes-preserve-unknown-fields, duplicate identifiers,
int-or-string, enums) plus what the API server does with custom resources (defaults, CEL rules
with messageExpression and fieldPath, list-map keys, multi-version with a deprecated version,
cluster scope), and the Knative Service case: a custom kind named like a core one."""

from __future__ import annotations

import importlib
import re
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import cdk8s
import pytest

import podkit as pk
from podkit import _crd_import
from podkit._rules import crd as rules_crd
from podkit.cli import main
from tests.k8s import synth_messages

SYNTHETIC = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.podkit.dev}
spec:
  group: example.podkit.dev
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        description: A widget.
        type: object
        properties:
          apiVersion: {type: string}
          kind: {type: string}
          metadata: {type: object}
          from: {type: string, description: A top-level field named like a keyword.}
          name: {type: string, description: Clashes with the constructor's name.}
          x-y: {type: integer}
          x_y: {type: integer}
          spec:
            type: object
            required: [mode]
            x-kubernetes-validations:
            - rule: "self.replicas >= 1"
              message: replicas must be at least 1
            - rule: "!has(self.ports) || self.ports.all(p, p.number < 30000)"
              messageExpression: "'ports must be below 30000, got ' + string(self.ports.map(p, p.number).max())"
            - rule: "self.mode != 'B' || has(self.__class__)"
              message: mode B needs a class
              fieldPath: .mode
            - rule: "self == oldSelf"
              message: immutable (a transition rule, not run on create)
            properties:
              class: {type: string, description: A Python keyword.}
              import: {type: string}
              x-forwarded-for: {type: string}
              $ref: {type: string}
              mode: {type: string, enum: [A, B], description: An enum.}
              replicas: {type: integer, default: 1}
              port: {x-kubernetes-int-or-string: true}
              labels: {type: object, additionalProperties: {type: string}}
              config: {type: object, x-kubernetes-preserve-unknown-fields: true}
              raw: {x-kubernetes-preserve-unknown-fields: true}
              fooBar: {type: object, properties: {a: {type: string}}}
              foo-bar: {type: object, properties: {b: {type: integer}}}
              ports:
                type: array
                maxItems: 3
                x-kubernetes-list-type: map
                x-kubernetes-list-map-keys: [name]
                items:
                  type: object
                  required: [name, number]
                  properties:
                    name: {type: string, pattern: "^[a-z]+$"}
                    number: {type: integer, minimum: 1, maximum: 65535}
  - name: v1beta1
    served: true
    storage: false
    deprecated: true
    deprecationWarning: example.podkit.dev/v1beta1 Widget is deprecated; use example.podkit.dev/v1
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec: {type: object, properties: {mode: {type: string}}}
  - name: v1alpha1
    served: false
    storage: false
    schema:
      openAPIV3Schema: {type: object}
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: clusterwidgets.example.podkit.dev}
spec:
  group: example.podkit.dev
  names: {kind: ClusterWidget, plural: clusterwidgets}
  scope: Cluster
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec: {type: object, properties: {size: {type: integer}}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: not-a-crd}
"""

KNATIVE = {
    "apiVersion": "apiextensions.k8s.io/v1",
    "kind": "CustomResourceDefinition",
    "metadata": {"name": "services.serving.knative.dev"},
    "spec": {
        "group": "serving.knative.dev",
        "names": {"kind": "Service", "plural": "services"},
        "scope": "Namespaced",
        "versions": [
            {
                "name": "v1",
                "served": True,
                "storage": True,
                "schema": {
                    "openAPIV3Schema": {
                        "type": "object",
                        "properties": {
                            "spec": {
                                "type": "object",
                                "x-kubernetes-validations": [
                                    {
                                        "rule": "!has(self.traffic) || self.traffic.map(t, t.percent).sum() == 100",
                                        "messageExpression": "'traffic adds up to ' + string(self.traffic.map(t, t.percent).sum()) + '%, not 100%'",
                                    }
                                ],
                                "properties": {
                                    "template": {
                                        "type": "object",
                                        "x-kubernetes-preserve-unknown-fields": True,
                                    },
                                    "traffic": {
                                        "type": "array",
                                        "items": {
                                            "type": "object",
                                            "properties": {
                                                "percent": {"type": "integer"},
                                                "tag": {"type": "string"},
                                            },
                                        },
                                    },
                                },
                            }
                        },
                    }
                },
            }
        ],
    },
}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("crd-import")
    (root / "widgets.yaml").write_text(SYNTHETIC, encoding="utf-8")
    _crd_import.import_crds([str(root / "widgets.yaml")], root / "out")
    return root


@pytest.fixture(scope="module")
def v1(generated: Path) -> Iterator[ModuleType]:
    sys.path.insert(0, str(generated / "out"))
    try:
        yield importlib.import_module("example_podkit_dev.v1")
    finally:
        sys.path.remove(str(generated / "out"))
        for key in ("Widget", "ClusterWidget"):
            for version in ("v1", "v1beta1"):
                rules_crd.unregister_crd_kind(f"example.podkit.dev/{version}", key)
        for name in [m for m in sys.modules if m.startswith("example_podkit_dev")]:
            del sys.modules[name]


def source(generated: Path, name: str) -> str:
    return (generated / "out" / "example_podkit_dev" / name).read_text(encoding="utf-8")


def synth(chart: pk.Chart) -> list[dict[str, Any]]:
    return list(chart.to_json())


# -- the generated files ---------------------------------------------------------------------


def test_one_package_per_group_one_module_per_served_version(generated: Path) -> None:
    files = sorted(p.name for p in (generated / "out" / "example_podkit_dev").iterdir() if p.is_file())
    assert files == ["__init__.py", "_v1_types.py", "_v1beta1_types.py", "crds.json", "v1.py", "v1beta1.py"]


def test_regenerating_is_byte_identical(generated: Path, tmp_path: Path) -> None:
    _crd_import.import_crds([str(generated / "widgets.yaml")], tmp_path)
    for path in sorted((generated / "out" / "example_podkit_dev").glob("*.*")):
        assert (tmp_path / "example_podkit_dev" / path.name).read_bytes() == path.read_bytes(), path.name


def test_the_cli_writes_the_same_files(generated: Path, tmp_path: Path) -> None:
    assert main(["import", "crd", str(generated / "widgets.yaml"), "--out", str(tmp_path)]) == 0
    assert (tmp_path / "example_podkit_dev" / "v1.py").read_bytes() == (
        generated / "out" / "example_podkit_dev" / "v1.py"
    ).read_bytes()


def test_reserved_words_and_odd_names_stay_json_names_in_typed_dicts(generated: Path) -> None:
    types = source(generated, "_v1_types.py")
    assert "WidgetSpec = _t.TypedDict(" in types  # functional form: its keys are not all identifiers
    for key in ('"class": "str"', '"import": "str"', '"x-forwarded-for": "str"', '"$ref": "str"'):
        assert key in types


def test_construct_arguments_are_escaped_predictably(generated: Path) -> None:
    text = source(generated, "v1.py")
    assert "        from_: str | None = None," in text  # a keyword
    assert "        name_: str | None = None," in text  # the constructor's own name
    assert "        x_y: int | None = None," in text
    assert "        x_y_: int | None = None," in text  # x-y and x_y both want x_y
    assert 'fields={"spec": spec, "from": from_, "name": name_, "x-y": x_y, "x_y": x_y_}' in text


def test_duplicate_type_names_get_numbers(generated: Path) -> None:
    types = source(generated, "_v1_types.py")
    assert "class WidgetSpecFooBar(_t.TypedDict, total=False):" in types
    assert "class WidgetSpecFooBar2(_t.TypedDict, total=False):" in types


def test_enums_int_or_string_maps_and_preserved_fields_are_kept(generated: Path) -> None:
    types = source(generated, "_v1_types.py")
    assert '"mode": "_t.Required[_t.Literal[\\"A\\", \\"B\\"]]"' in types
    assert '"port": "int | str"' in types
    assert '"labels": "dict[str, str]"' in types
    assert '"config": "dict[str, _t.Any]"' in types
    assert '"raw": "_t.Any"' in types


def test_docstrings_come_from_the_schema(generated: Path) -> None:
    text = source(generated, "v1.py")
    assert '    """A widget.\n\n    example.podkit.dev/v1 Widget, namespaced.\n    """' in text
    assert ":param from_: ``from``. A top-level field named like a keyword." in text


def test_descriptions_with_quotes_and_backslashes_make_valid_docstrings(tmp_path: Path) -> None:
    crd = SYNTHETIC.split("---")[1].replace(
        "spec: {type: object, properties: {size: {type: integer}}}",
        "spec: {type: object, description: 'Named \"big\"', properties: "
        "{size: {type: integer, description: 'Ends in a backslash \\\\'}, "
        'note: {type: string, description: \'Quoted: """\'}}}',
    )
    (tmp_path / "cw.yaml").write_text(crd, encoding="utf-8")
    _crd_import.import_crds([str(tmp_path / "cw.yaml")], tmp_path / "out")
    namespace: dict[str, Any] = {}
    exec(source(tmp_path, "_v1_types.py"), namespace)  # a SyntaxError before the fix
    spec = namespace["ClusterWidgetSpec"]
    assert spec.__doc__ == 'Named "big"'


def test_the_cluster_scoped_kind_takes_no_namespace(generated: Path) -> None:
    text = source(generated, "v1.py")
    cluster = text[text.index("class ClusterWidget") : text.index("class Widget(")]
    assert "namespace:" not in cluster.split("-> None:")[0]
    assert "NAMESPACED = False" in cluster


def test_a_file_without_crds_is_refused(tmp_path: Path) -> None:
    (tmp_path / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\n", encoding="utf-8")
    with pytest.raises(pk.PodkitError, match="no CustomResourceDefinition found"):
        _crd_import.import_crds([str(tmp_path / "cm.yaml")], tmp_path / "out")


# -- the generated constructs at synth -------------------------------------------------------


def test_a_valid_widget_synthesizes_as_given(v1: ModuleType, chart: pk.Chart) -> None:
    v1.Widget(
        chart, "w", spec={"mode": "A", "port": "http", "class": "big", "config": {"any": [1]}}, from_="x"
    )
    (doc,) = synth(chart)
    assert doc == {
        "apiVersion": "example.podkit.dev/v1",
        "kind": "Widget",
        "metadata": {"name": "w"},
        "spec": {"mode": "A", "port": "http", "class": "big", "config": {"any": [1]}},
        "from": "x",
    }


def test_defaults_apply_before_the_rules_and_are_not_written(v1: ModuleType, chart: pk.Chart) -> None:
    v1.Widget(chart, "w", spec={"mode": "A"})  # replicas defaults to 1: "replicas >= 1" holds
    (doc,) = synth(chart)
    assert "replicas" not in doc["spec"]


def test_fails_on_schema_violations_naming_the_field(v1: ModuleType, chart: pk.Chart) -> None:
    v1.Widget(
        chart,
        "w",
        spec={
            "mode": "C",
            "port": True,
            "bogus": 1,
            "ports": [
                {"name": "a", "number": 70000},
                {"name": "a", "number": 2},
                {"name": "B1", "number": 3},
            ],
        },
    )
    assert sorted(synth_messages(chart)) == sorted(
        [
            "spec.mode 'C' is not supported: use one of 'A', 'B'",
            "spec.port True has the wrong type: the CRD expects an integer or a string, got boolean",
            "spec.bogus is not a field of the CRD's schema (known here: $ref, class, config, foo-bar, fooBar, "
            "import, labels, mode, port, ports, raw, replicas, x-forwarded-for)",
            "spec.ports[0].number 70000 is out of range: it must be at most 65535",
            "spec.ports[2].name 'B1' does not match the CRD's pattern '^[a-z]+$'",
            "spec.ports[1] duplicates spec.ports[0] (name='a'): keys must be unique",
            # a wrong type, an enum miss, an unknown field: the CRD's rules are not run (as upstream)
            "some validation rules were not checked because the object was invalid; correct the existing "
            "errors to complete validation",
        ]
    )


def test_fails_on_the_rules_too_when_the_schema_problems_do_not_block_them(
    v1: ModuleType, chart: pk.Chart
) -> None:
    """The API server runs the CRD's rules after a schema problem that leaves the object's shape
    (a pattern, a maximum, a duplicate list key), and reports both: so does podkit, in one run."""
    v1.Widget(chart, "w", spec={"mode": "A", "replicas": 0, "ports": [{"name": "B1", "number": 3}]})
    assert synth_messages(chart) == [
        "spec.ports[0].name 'B1' does not match the CRD's pattern '^[a-z]+$'",
        "spec: replicas must be at least 1",
    ]


@pytest.mark.parametrize(
    ("spec", "blocking"),
    [
        ({"mode": "C", "replicas": 0}, "spec.mode 'C' is not supported: use one of 'A', 'B'"),
        ({"replicas": 0}, "spec.mode is missing: the CRD requires it"),
        (
            {"mode": "A", "replicas": "0"},
            "spec.replicas '0' has the wrong type: the CRD expects integer, got string",
        ),
        ({"mode": "A", "replicas": 0, "oops": 1}, "spec.oops is not a field of the CRD's schema"),
    ],
    ids=["enum", "required", "type", "unknown-field"],
)
def test_fails_without_the_rules_after_a_problem_that_blocks_them(
    v1: ModuleType, chart: pk.Chart, spec: dict[str, Any], blocking: str
) -> None:
    v1.Widget(chart, "w", spec=spec)
    found = synth_messages(chart)
    assert len(found) == 2 and found[0].startswith(blocking)
    assert found[1] == (
        "some validation rules were not checked because the object was invalid; correct the existing errors "
        "to complete validation"
    )


def test_a_blocking_problem_says_nothing_of_rules_a_schema_does_not_have() -> None:
    assert validate({"type": "string", "maxLength": 2}, "abc") == [
        ("spec", "spec 'abc' is too long (3 characters): at most 2", "")
    ]


def test_fails_on_each_cel_rule_with_its_own_message(v1: ModuleType, chart: pk.Chart) -> None:
    v1.Widget(chart, "replicas", spec={"mode": "A", "replicas": 0})
    v1.Widget(chart, "ports", spec={"mode": "A", "ports": [{"name": "a", "number": 31000}]})
    v1.Widget(chart, "class", spec={"mode": "B"})
    with pytest.raises(pk.SynthError) as e:
        chart.to_json()
    assert [(p.path, p.field, p.message, p.rule) for p in e.value.problems] == [
        ("test/replicas", "spec", "spec: replicas must be at least 1", "apiserver:CustomResourceValidator"),
        (
            "test/ports",
            "spec",
            "spec: ports must be below 30000, got 31000",
            "apiserver:CustomResourceValidator",
        ),
        ("test/class", "spec.mode", "spec.mode: mode B needs a class", "apiserver:CustomResourceValidator"),
    ]
    assert e.value.problems[0].fix == "change spec so that the CRD's rule holds: self.replicas >= 1"


def test_tuples_and_mappings_are_written_and_checked_as_json(v1: ModuleType, chart: pk.Chart) -> None:
    from types import MappingProxyType

    w = v1.Widget(chart, "w", spec=MappingProxyType({"mode": "A", "ports": ({"name": "a", "number": 1},)}))
    assert w.fields == {"spec": {"mode": "A", "ports": [{"name": "a", "number": 1}]}}
    (doc,) = synth(chart)  # was: spec.ports (...) has the wrong type: the CRD expects array, got tuple
    assert doc["spec"] == {"mode": "A", "ports": [{"name": "a", "number": 1}]}


def test_fails_on_an_object_nested_in_the_fields(v1: ModuleType, chart: pk.Chart) -> None:
    secret = pk.SecretEnv(chart, "s", from_literal={"a": "b"})
    with pytest.raises(
        pk.PodkitTypeError,
        match=re.escape(
            "[test/w] spec.labels.tls must be plain data (a dict, list, str, number, bool or None), got "
            "SecretEnv; where the field names another object, pass its name (podkit.secret_name(...), "
            "podkit.issuer_ref(...) and podkit.service_monitor_spec(...) give them from podkit objects)"
        ),
    ):
        v1.Widget(chart, "w", spec={"mode": "A", "labels": {"tls": secret}})


def test_fails_on_a_key_that_is_not_a_string(v1: ModuleType, chart: pk.Chart) -> None:
    with pytest.raises(
        pk.PodkitTypeError, match=re.escape("[test/w] spec.ports[0] has the key 1: keys must be strings")
    ):
        v1.Widget(chart, "w", spec={"mode": "A", "ports": [{1: "a"}]})


def test_fails_on_the_base_class_used_directly(chart: pk.Chart) -> None:
    with pytest.raises(
        pk.PodkitTypeError,
        match=re.escape(
            "[test/w] CustomResource has no KIND and API_VERSION: CustomResource is the base of the classes "
            "`podkit import crd` generates; import the CRD and use its class (or cdk8s.ApiObject)"
        ),
    ):
        pk.CustomResource(chart, "w", fields={})


def test_a_raw_api_object_of_the_kind_is_checked_the_same_way(v1: ModuleType, chart: pk.Chart) -> None:
    raw = cdk8s.ApiObject(
        chart, "raw", api_version="example.podkit.dev/v1", kind="Widget", metadata={"name": "raw"}
    )
    raw.add_json_patch(cdk8s.JsonPatch.add("/spec", {"mode": "B"}))
    assert synth_messages(chart) == ["spec.mode: mode B needs a class"]


def test_a_deprecated_version_warns(v1: ModuleType, chart: pk.Chart) -> None:
    v1beta1 = importlib.import_module("example_podkit_dev.v1beta1")
    with pytest.warns(pk.DeprecatedVersionWarning, match="use example.podkit.dev/v1"):
        v1beta1.Widget(chart, "old", spec={"mode": "anything"})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        synth(chart)  # warned once, when created (test_a_deprecated_construct_warns_once_at_the_users_line)


def test_an_unserved_version_is_not_generated_nor_registered(v1: ModuleType, chart: pk.Chart) -> None:
    assert rules_crd.crd_kind("example.podkit.dev/v1alpha1", "Widget") is None
    cdk8s.ApiObject(
        chart, "a", api_version="example.podkit.dev/v1alpha1", kind="Widget", metadata={"name": "a"}
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        (doc,) = synth(chart)  # metadata rules only, as for any kind podkit does not know
    assert doc["kind"] == "Widget"


def test_no_namespace_is_written_on_a_cluster_scoped_kind(v1: ModuleType, app: pk.App) -> None:
    chart = pk.Chart(app, "ns", namespace="prod")
    v1.ClusterWidget(chart, "big", spec={"size": 3})
    cdk8s.ApiObject(
        chart, "raw", api_version="example.podkit.dev/v1", kind="ClusterWidget", metadata={"name": "raw"}
    )
    v1.Widget(chart, "w", spec={"mode": "A"})
    docs = synth(chart)
    assert [d["metadata"] for d in docs] == [
        {"name": "raw"},
        {"name": "big"},
        {"name": "w", "namespace": "prod"},
    ]


# -- the Knative Service case ----------------------------------------------------------------


@pytest.fixture
def knative() -> Iterator[None]:
    assert pk.register_crd(KNATIVE) == ["serving.knative.dev/v1 Service"]
    yield
    rules_crd.unregister_crd_kind("serving.knative.dev/v1", "Service")


def test_a_knative_service_is_checked_by_its_crd_not_as_a_core_service(
    knative: None, chart: pk.Chart
) -> None:
    ok = cdk8s.ApiObject(
        chart, "ok", api_version="serving.knative.dev/v1", kind="Service", metadata={"name": "ok"}
    )
    ok.add_json_patch(cdk8s.JsonPatch.add("/spec", {"template": {"spec": {"containers": [{"image": "x"}]}}}))
    bad = cdk8s.ApiObject(
        chart, "bad", api_version="serving.knative.dev/v1", kind="Service", metadata={"name": "bad"}
    )
    bad.add_json_patch(cdk8s.JsonPatch.add("/spec", {"traffic": [{"percent": 60}, {"percent": 30}]}))
    assert synth_messages(chart) == ["spec: traffic adds up to 90%, not 100%"]


def test_without_its_crd_a_knative_service_gets_metadata_rules_only(chart: pk.Chart) -> None:
    raw = cdk8s.ApiObject(
        chart, "k", api_version="serving.knative.dev/v1", kind="Service", metadata={"name": "k"}
    )
    raw.add_json_patch(cdk8s.JsonPatch.add("/spec", {"traffic": [{"percent": 60}]}))
    assert [d["kind"] for d in synth(chart)] == ["Service"]


def test_a_crd_cannot_take_over_a_core_kind() -> None:
    info = rules_crd.CrdKind("v1", "Service", True, "test")
    with pytest.raises(pk.PodkitError, match="v1 Service is a built-in Kubernetes kind"):
        rules_crd.register_crd_kind(info, lambda r, d, s: None)


def crd_with(**spec: Any) -> dict[str, Any]:
    base = {
        "group": "q.podkit.dev",
        "names": {"kind": "Q"},
        "scope": "Namespaced",
        "versions": [{"name": "v1", "served": True, "storage": True, "schema": {"openAPIV3Schema": {}}}],
    }
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": "qs.q.podkit.dev"},
        "spec": {**base, **spec},
    }


@pytest.mark.parametrize(
    ("crd", "message"),
    [
        (
            42,
            "register_crd() takes a CustomResourceDefinition, a CRD as a dict, or a YAML/JSON file, got int",
        ),
        (
            crd_with(versions="v1"),
            "register_crd(): CustomResourceDefinition 'qs.q.podkit.dev' needs spec.group and spec.names.kind "
            "(strings) and spec.versions (a non-empty list)",
        ),
        (
            crd_with(versions=[{"served": True, "schema": {"openAPIV3Schema": {}}}]),
            "register_crd(): CustomResourceDefinition 'qs.q.podkit.dev': spec.versions[0] needs a name "
            "(a string, e.g. 'v1')",
        ),
        (
            crd_with(versions=[{"name": "v1", "schema": "none"}]),
            "register_crd(): CustomResourceDefinition 'qs.q.podkit.dev' version 'v1' has no "
            "schema.openAPIV3Schema",
        ),
        (
            crd_with(scope="cluster"),
            "register_crd(): CustomResourceDefinition 'qs.q.podkit.dev': spec.scope 'cluster' is not "
            "supported: use 'Namespaced' or 'Cluster'",
        ),
        (
            crd_with(group="apps", names={"kind": "Deployment"}),
            "apps/v1 Deployment is a built-in Kubernetes kind; a CRD cannot redefine it (its group must be "
            "a domain of its own, e.g. serving.knative.dev)",
        ),
    ],
    ids=["not-a-crd", "versions-not-a-list", "version-without-name", "schema-not-a-mapping", "scope", "core"],
)
def test_fails_on_a_malformed_crd_with_a_podkit_error(crd: Any, message: str) -> None:
    with pytest.raises(pk.PodkitException, match=re.escape(message)) as e:  # was KeyError, AttributeError
        pk.register_crd(crd)
    assert str(e.value) == message


# -- the schema checks, directly --------------------------------------------------------------


def validate(schema: dict[str, Any], spec: Any) -> list[tuple[str, str, str]]:
    from podkit._crd_validate import CrdValidator

    return CrdValidator({"type": "object", "properties": {"spec": schema}}).validate({"spec": spec})


def test_patterns_are_read_as_re2() -> None:
    # accepted by the API server; refused (POSIX class) or a crash (re.error) before
    assert validate({"type": "string", "pattern": "^[[:alpha:]]+$"}, "abc") == []
    assert validate({"type": "string", "pattern": r"^\p{L}+\z"}, "héllo") == []
    assert validate({"type": "string", "pattern": "^[a-z]+$"}, "abc\n") == [
        ("spec", "spec 'abc\\n' does not match the CRD's pattern '^[a-z]+$'", "")
    ]


def test_fails_on_a_pattern_that_does_not_compile_as_a_problem() -> None:
    assert validate({"type": "string", "pattern": "^(a"}, "a") == [
        (
            "spec",
            "spec: the CRD's pattern '^(a' does not compile: invalid regular expression: missing ): ^(a",
            "fix the CRD",
        )
    ]


def test_multiple_of_and_integers_as_the_api_server_reads_numbers() -> None:
    assert validate({"type": "number", "multipleOf": 0.1}, 0.3) == []  # refused before: 0.3 / 0.1 = 2.999...
    assert validate({"type": "integer"}, 3.0) == []  # written as 3; refused before (got number)
    assert validate({"type": "integer", "multipleOf": 5}, 12) == [
        ("spec", "spec 12 is not a multiple of 5", "")
    ]
    assert validate({"type": "integer"}, 3.5) == [
        ("spec", "spec 3.5 has the wrong type: the CRD expects integer, got number", "")
    ]


def test_fails_integers_outside_int64_as_the_api_server_reads_them() -> None:
    # Go decodes a JSON integer beyond int64 as a float64, and a float64 above 2**53 is no integer
    # to the schema (go-openapi's IsFloat64AJSONInteger): the API server refuses it
    big = 2**63
    assert validate({"type": "integer"}, 2**63 - 1) == []
    assert validate({"type": "integer"}, -(2**63)) == []
    assert validate({"type": "integer"}, big) == [
        ("spec", f"spec {big} has the wrong type: the CRD expects integer, got number", "")
    ]
    assert validate({"type": "integer"}, -big - 1) == [
        ("spec", f"spec {-big - 1} has the wrong type: the CRD expects integer, got number", "")
    ]
    assert validate({"type": "number"}, big) == []
    assert validate({"x-kubernetes-int-or-string": True}, big) == [
        ("spec", f"spec {big} has the wrong type: the CRD expects an integer or a string, got number", "")
    ]


# -- a deprecated version warns once per use, at the user's line ---------------------------------

DEPRECATED_TEXT = "example.podkit.dev/v1beta1 Widget is deprecated; use example.podkit.dev/v1"


def test_a_deprecated_construct_warns_once_at_the_users_line(
    v1: ModuleType, app: pk.App, chart: pk.Chart
) -> None:
    v1beta1 = importlib.import_module("example_podkit_dev.v1beta1")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        line = sys._getframe().f_lineno + 1
        v1beta1.Widget(chart, "old", spec={"mode": "anything"})
        synth(chart)  # its kind's check stays silent for what the construct warned about
        app.synth_documents()  # through the App (which re-emits what its charts warned) alike
    assert [(w.category, str(w.message), w.filename, w.lineno) for w in caught] == [
        (pk.DeprecatedVersionWarning, f"[test/old] {DEPRECATED_TEXT}", __file__, line)
    ]


def test_a_raw_object_of_a_deprecated_version_warns_once_when_checked(
    v1: ModuleType, chart: pk.Chart
) -> None:
    # podkit does not see a raw object created: it warns when it checks it, at the line that synthesized it
    cdk8s.ApiObject(
        chart, "raw", api_version="example.podkit.dev/v1beta1", kind="Widget", metadata={"name": "raw"}
    )
    patched = v1.Widget(chart, "patched", spec={"mode": "A"})  # not deprecated, until patched to v1beta1
    cdk8s.ApiObject.of(patched).add_json_patch(
        cdk8s.JsonPatch.replace("/apiVersion", "example.podkit.dev/v1beta1")
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        line = sys._getframe().f_lineno + 1
        list(chart.to_json())
    assert sorted((w.category, str(w.message), w.filename, w.lineno) for w in caught) == [
        (pk.DeprecatedVersionWarning, f"[test/patched] {DEPRECATED_TEXT}", __file__, line),
        (pk.DeprecatedVersionWarning, f"[test: Widget raw] {DEPRECATED_TEXT}", __file__, line),
    ]


def test_a_rule_remembers_only_the_values_it_held_for() -> None:
    """A CEL rule is not evaluated again on a value equal (as CEL sees it) to one it held for; a
    value it failed for fails every time, and values JSON tells apart are never confused."""
    from podkit._crd_validate import CrdValidator, _value_key

    schema = {
        "type": "object",
        "properties": {
            "spec": {
                "type": "object",
                "x-kubernetes-preserve-unknown-fields": True,
                "x-kubernetes-validations": [{"rule": "self.n == 1", "message": "n must be 1"}],
            }
        },
    }
    checker = CrdValidator(schema)
    failed = [("spec", "spec: n must be 1", "change spec so that the CRD's rule holds: self.n == 1")]
    for _ in range(2):
        assert checker.validate({"spec": {"n": 1, "m": [1, 2]}}) == []
        assert checker.validate({"spec": {"m": [1, 2], "n": 1}}) == []  # the same map to CEL
        assert checker.validate({"spec": {"n": 2, "m": [1, 2]}}) == failed
        assert checker.validate({"spec": {"n": "1"}}) == failed
    assert len({_value_key(v) for v in (1, 1.0, True, "1", [1], {"a": 1})}) == 6
    assert _value_key({"b": 1, "a": 2}) == _value_key({"a": 2, "b": 1})
    assert _value_key(b"bytes") is None and _value_key(float("nan")) is None
