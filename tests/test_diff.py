"""podkit._diff: objects matched by identity, readable YAML diffs, redaction, recreate warnings."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from podkit import _diff
from podkit.errors import PodkitError


def pod(name: str, image: str = "nginx:1.27.0", namespace: str | None = None) -> dict[str, Any]:
    metadata: dict[str, Any] = {"name": name}
    if namespace:
        metadata["namespace"] = namespace
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": metadata,
        "spec": {"containers": [{"name": "c", "image": image}]},
    }


def secret(value: str, *, immutable: bool = False) -> dict[str, Any]:
    obj: dict[str, Any] = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db"}}
    if immutable:
        obj["immutable"] = True
    obj["data"] = {"password": value, "user": "dXNlcg=="}
    return obj


def test_object_key_is_group_kind_namespace_name() -> None:
    deploy = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "prod"}}
    assert _diff.object_key(deploy) == ("apps", "Deployment", "prod", "web")
    assert _diff.object_key(pod("p")) == ("", "Pod", "", "p")
    assert _diff.describe(_diff.object_key(deploy)) == "Deployment apps/prod/web"


def test_equal_lists_have_no_diff() -> None:
    assert not _diff.diff_objects([pod("a"), pod("b")], [pod("a"), pod("b")])
    assert _diff.format_diff(_diff.diff_objects([pod("a")], [pod("a")])) == ""


def test_added_removed_and_changed_objects_are_matched_by_identity() -> None:
    # an object in another namespace is another object, not a change
    d = _diff.diff_objects([pod("a"), pod("gone")], [pod("a", "nginx:1.28.0"), pod("gone", namespace="x")])
    assert [o["metadata"] for o in d.added] == [{"name": "gone", "namespace": "x"}]
    assert [o["metadata"] for o in d.removed] == [{"name": "gone"}]
    assert [(old["metadata"]["name"], new["metadata"]["name"]) for old, new in d.changed] == [("a", "a")]


def test_changed_object_reads_as_a_unified_yaml_diff_with_a_recreate_warning() -> None:
    report = _diff.format_diff(_diff.diff_objects([pod("a")], [pod("a", "nginx:1.28.0")]))
    assert report == (
        "~ changed Pod a\n"
        "--- committed: Pod a\n"
        "+++ fresh: Pod a\n"
        "@@ -5,4 +5,4 @@\n"
        " spec:\n"
        "   containers:\n"
        "     - name: c\n"
        "-      image: nginx:1.27.0\n"
        "+      image: nginx:1.28.0\n"
        "! warning: Pod a must be deleted and recreated to apply this: the Pod spec changed: "
        "a Pod is replaced, not updated\n"
    )


def test_secret_values_never_appear_but_a_changed_key_shows() -> None:
    report = _diff.format_diff(_diff.diff_objects([secret("b2xk")], [secret("bmV3")]))
    assert "b2xk" not in report and "bmV3" not in report and "dXNlcg==" not in report
    assert "-  password: <redacted>\n+  password: <redacted, changed>\n" in report
    assert "   user: <redacted>\n" in report


def test_added_secret_is_listed_by_name_only() -> None:
    report = _diff.format_diff(_diff.diff_objects([], [secret("c2VjcmV0")]))
    assert report == "+ added Secret db\n"


def config_map(data: dict[str, str], *, immutable: bool | None = None) -> dict[str, Any]:
    obj: dict[str, Any] = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "settings"}}
    if immutable is not None:
        obj["immutable"] = immutable
    obj["data"] = data
    return obj


def test_immutable_secret_data_change_needs_recreate() -> None:
    old, new = secret("b2xk", immutable=True), secret("bmV3", immutable=True)
    assert _diff.recreate_reasons(old, new) == ["Secret is immutable and its data changed"]
    assert _diff.recreate_reasons(secret("b2xk"), secret("bmV3")) == []


def test_immutable_config_map_data_change_needs_recreate() -> None:
    old = config_map({"A": "1"}, immutable=True)
    assert _diff.recreate_reasons(old, config_map({"A": "2"}, immutable=True)) == [
        "ConfigMap is immutable and its data changed"
    ]
    assert _diff.recreate_reasons(old, {**old, "binaryData": {"b": "AA=="}}) == [
        "ConfigMap is immutable and its binaryData changed"
    ]
    assert _diff.recreate_reasons(config_map({"A": "1"}), config_map({"A": "2"})) == []
    # making a ConfigMap immutable is an ordinary update
    assert _diff.recreate_reasons(config_map({"A": "1"}), old) == []


def test_unsetting_immutable_needs_recreate() -> None:
    # the API server: "field is immutable when `immutable` is set", for false and for removal
    old = config_map({"A": "1"}, immutable=True)
    assert _diff.recreate_reasons(old, config_map({"A": "1"}, immutable=False)) == [
        "ConfigMap is immutable and its immutable: true was set to false"
    ]
    assert _diff.recreate_reasons(old, config_map({"A": "1"})) == [
        "ConfigMap is immutable and its immutable: true was removed"
    ]
    assert _diff.recreate_reasons(secret("b2xk", immutable=True), secret("bmV3")) == [
        "Secret is immutable and its immutable: true was removed",
        "Secret is immutable and its data changed",
    ]


def test_secret_type_change_needs_recreate() -> None:
    tls = {**secret("b2xk"), "type": "kubernetes.io/tls"}
    assert _diff.recreate_reasons(secret("b2xk"), tls) == ["a Secret's type is immutable"]
    # no type is Opaque, as the API server defaults it
    assert _diff.recreate_reasons(secret("b2xk"), {**secret("b2xk"), "type": "Opaque"}) == []


def test_recreate_warning_is_in_the_report_for_an_immutable_config_map() -> None:
    old = config_map({"A": "1"}, immutable=True)
    report = _diff.format_diff(_diff.diff_objects([old], [config_map({"A": "1"})]))
    assert report.endswith(
        "! warning: ConfigMap settings must be deleted and recreated to apply this: "
        "ConfigMap is immutable and its immutable: true was removed\n"
    )


def test_workload_selector_job_template_and_statefulset_fields_need_recreate() -> None:
    def obj(kind: str, **spec: Any) -> dict[str, Any]:
        return {"apiVersion": "apps/v1", "kind": kind, "metadata": {"name": "w"}, "spec": spec}

    assert _diff.recreate_reasons(
        obj("Deployment", selector={"a": 1}), obj("Deployment", selector={"a": 2})
    ) == ["spec.selector is immutable"]
    assert _diff.recreate_reasons(obj("Deployment", replicas=1), obj("Deployment", replicas=2)) == []
    assert _diff.recreate_reasons(obj("Job", template={"x": 1}), obj("Job", template={"x": 2})) == [
        "a Job's spec.template is immutable"
    ]
    assert _diff.recreate_reasons(
        obj("StatefulSet", serviceName="a", volumeClaimTemplates=[]),
        obj("StatefulSet", serviceName="b", volumeClaimTemplates=[{}]),
    ) == [
        "a StatefulSet's spec.volumeClaimTemplates is immutable",
        "a StatefulSet's spec.serviceName is immutable",
    ]


def test_redact_keeps_every_shape() -> None:
    s = secret("c2VjcmV0")
    assert _diff.redact(s)["data"] == {"password": "<redacted>", "user": "<redacted>"}
    assert _diff.redact([pod("a"), s])[1]["data"]["password"] == "<redacted>"
    assert _diff.redact({"web.k8s.yaml": [s]})["web.k8s.yaml"][0]["data"]["user"] == "<redacted>"
    assert s["data"]["password"] == "c2VjcmV0"  # the input is not changed


def test_compare_folders_reports_layout_only_changes() -> None:
    text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n"
    assert _diff.compare_folders({"a.k8s.yaml": text}, {"a.k8s.yaml": text}) == ""
    assert _diff.compare_folders({"a.k8s.yaml": text}, {"b.k8s.yaml": text}) == (
        "~ file a.k8s.yaml: same objects, different file layout or order\n"
        "~ file b.k8s.yaml: same objects, different file layout or order\n"
    )


# -- reading output files strictly ------------------------------------------------------------

POD = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n"


def test_load_objects_reads_every_document_and_skips_empty_ones() -> None:
    assert _diff.load_objects(
        {"x.yaml": f"{POD}---\n---\n{POD.replace('name: a', 'name: b')}", "e.yaml": ""}
    ) == {
        "x.yaml": [
            {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a"}},
            {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "b"}},
        ],
        "e.yaml": [],
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('a: "unterminated\n', 'x.yaml, line 2, column 1: not valid YAML: Missing closing "quote'),
        (f"{POD}  name: b\n", "x.yaml, line 5, column 3: not valid YAML: Map keys must be unique"),
        (f"{POD}---\n- 1\n", "x.yaml, line 6: the document is a list, not a Kubernetes object"),
        ("just text\n", "x.yaml, line 1: the document is a string, not a Kubernetes object"),
        (
            "kind: Pod\nmetadata: {name: a}\n",
            "x.yaml, line 1: the document is a mapping with keys ['kind', 'metadata'], not a Kubernetes object; expected a mapping with apiVersion, kind and metadata.name",
        ),
        ("{}\n", "x.yaml, line 1: the document is a mapping with keys [], not a Kubernetes object"),
    ],
    ids=["unterminated-quote", "duplicate-key", "list", "string", "no-apiVersion", "empty-mapping"],
)
def test_fails_load_objects_on_broken_yaml_naming_file_and_line(text: str, message: str) -> None:
    with pytest.raises(PodkitError, match=f"^{re.escape(message)}"):
        _diff.load_objects({"x.yaml": text})


def test_fails_read_folder_on_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    (tmp_path / "a.k8s.yaml").write_bytes(POD.encode() + b"  x: \xff\n")
    with pytest.raises(
        PodkitError,
        match=f"^{re.escape(str(tmp_path / 'a.k8s.yaml'))}, line 5: byte 0xff is not UTF-8 \\(invalid start byte\\)",
    ):
        _diff.read_folder(tmp_path)


def test_fails_compare_folders_naming_the_side_and_file() -> None:
    with pytest.raises(PodkitError, match=r"^/repo/dist/a.k8s.yaml, line 1: the document is a string"):
        _diff.compare_folders({"a.k8s.yaml": "oops\n"}, {"a.k8s.yaml": POD}, committed_folder="/repo/dist")
    with pytest.raises(PodkitError, match=r"^fresh synth/a.k8s.yaml, line 1: the document is a string"):
        _diff.compare_folders({"a.k8s.yaml": POD}, {"a.k8s.yaml": "oops\n"})


def test_what_podkit_writes_reads_back_strictly_as_the_same_objects() -> None:
    # no false errors on real output: multi-line strings, quoting, numbers, content-hash names
    import podkit as pk

    app = pk.App()
    chart = pk.Chart(app, "web")
    settings = pk.ConfigFromMap(
        chart, "settings", from_literal={"script": "#!/bin/sh\necho 'a: b'\n", "yes": "on", "n": "0755"}
    )
    pk.SidecarPod(
        chart,
        "web",
        main=pk.Container(name="nginx", image="nginx:1.27.0", env={"S": settings.value("script")}),
    )
    docs = app.synth_documents()
    files = {name: _diff.stringify(objects) for name, objects in docs.items()}
    assert _diff.load_objects(files) == docs
