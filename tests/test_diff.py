"""podkit._diff: objects matched by identity, readable YAML diffs, redaction, recreate warnings."""

from __future__ import annotations

from typing import Any

from podkit import _diff


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


def test_immutable_secret_data_change_needs_recreate() -> None:
    old, new = secret("b2xk", immutable=True), secret("bmV3", immutable=True)
    assert _diff.recreate_reasons(old, new) == ["Secret is immutable and its data changed"]
    assert _diff.recreate_reasons(secret("b2xk"), secret("bmV3")) == []


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
