"""RBAC: typed roles checked against the 1.33 discovery data, bindings to ServiceAccount objects,
grant/grant_read; the discovery file is generated from the offline schema."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest
from syrupy.assertion import SnapshotAssertion

import podkit as pk
from imports import k8s
from tests.k8s import by_name, synth, synth_problems, synth_warnings

ROOT = Path(__file__).resolve().parent.parent


def test_discovery_file_is_generated_from_the_schema() -> None:
    spec = importlib.util.spec_from_file_location("gen_discovery", ROOT / "tools" / "gen_discovery.py")
    assert spec is not None and spec.loader is not None
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(ROOT / "tools"))
    committed = (ROOT / "lib" / "podkit" / "_discovery.json").read_text(encoding="utf-8")
    assert module.render() == committed, "run: .venv/bin/python tools/gen_discovery.py"


def test_discovery_facts() -> None:
    from podkit.rbac import discovery

    d = discovery()
    assert d["apps"]["deployments"]["subresources"]["scale"] == ["get", "patch", "update"]
    assert d[""]["pods"]["subresources"]["log"] == ["get"]
    assert d[""]["endpoints"]["kind"] == "Endpoints"
    assert d[""]["namespaces"]["namespaced"] is False
    assert d["authorization.k8s.io"]["selfsubjectaccessreviews"]["verbs"] == ["create"]
    assert "escalate" in d["rbac.authorization.k8s.io"]["roles"]["verbs"]


def test_grant_read_on_a_config_map_exact(app: pk.App) -> None:
    chart = pk.Chart(app, "web", namespace="prod")
    settings = pk.ConfigFromMap(chart, "settings", from_literal={"A": "1"})
    sa = pk.ServiceAccount(chart, "web")
    role = sa.grant_read(on=settings)
    objs = synth(chart)
    assert by_name(objs, role.name, "Role") == {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "Role",
        "metadata": {"name": "web-settings", "namespace": "prod"},
        "rules": [
            {
                "apiGroups": [""],
                "resources": ["configmaps"],
                "resourceNames": ["settings"],
                "verbs": ["get", "list", "watch"],
            }
        ],
    }
    assert by_name(objs, "web-settings", "RoleBinding") == {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "RoleBinding",
        "metadata": {"name": "web-settings", "namespace": "prod"},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "web-settings"},
        "subjects": [{"kind": "ServiceAccount", "name": "web", "namespace": "prod"}],
    }


def test_a_service_account_of_another_namespace(app: pk.App) -> None:
    ops = pk.Chart(app, "ops", namespace="ops")
    shop = pk.Chart(app, "shop", namespace="shop")
    robot = pk.ServiceAccount(ops, "deployer")
    d = pk.Deployment(shop, "web", main=pk.Container(name="web", image="nginx:1.27"))
    pk.grant(robot, on=d, verbs=["get", "patch"])
    binding = by_name(synth(shop), "deployer-web", "RoleBinding")
    assert binding["metadata"]["namespace"] == "shop"
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": "deployer", "namespace": "ops"}]


def test_a_binding_of_a_role_is_written_to_the_roles_namespace_unless_given_one(chart: pk.Chart) -> None:
    sa = pk.ServiceAccount(chart, "sa", namespace="a")
    role = pk.Role(chart, "reader", namespace="a")
    role.allow(["get"], ["pods"])
    role.bind(sa)
    pk.RoleBinding(chart, "given", role=role, subjects=[sa], namespace="a")
    # a ClusterRole's namespace is not written, and not its binding's either: the chart's
    viewer = pk.ClusterRole(chart, "viewer", namespace="ignored")
    viewer.allow(["get"], ["pods"])
    pk.RoleBinding(chart, "viewer-in-chart", role=viewer, subjects=[sa])
    objs = synth(chart)
    namespaces = {(o["kind"], o["metadata"]["name"]): o["metadata"].get("namespace") for o in objs}
    assert namespaces == {
        ("ServiceAccount", "sa"): "a",
        ("Role", "reader"): "a",
        ("RoleBinding", "reader"): "a",
        ("RoleBinding", "given"): "a",
        ("ClusterRole", "viewer"): None,
        ("RoleBinding", "viewer-in-chart"): None,
    }


def test_grant_writes_the_role_to_the_objects_namespace_else_the_accounts(chart: pk.Chart) -> None:
    sa = pk.ServiceAccount(chart, "sa", namespace="ops")
    settings = pk.ConfigFromMap(chart, "settings", data={"A": "1"}, namespace="shop")
    on_object = pk.grant_read(sa, on=settings)
    on_kind = pk.grant_read(sa, on=pk.ConfigFromMap)
    objs = synth(chart)
    assert [
        (o["kind"], o["metadata"]["name"], o["metadata"].get("namespace"))
        for o in objs
        if o["kind"] in ("Role", "RoleBinding")
    ] == [
        ("Role", on_object.name, "shop"),
        ("RoleBinding", on_object.name, "shop"),
        ("Role", on_kind.name, "ops"),
        ("RoleBinding", on_kind.name, "ops"),
    ]


def test_roles_cluster_roles_and_bindings(chart: pk.Chart, snapshot_yaml: SnapshotAssertion) -> None:
    sa = pk.ServiceAccount(chart, "ci")
    role = pk.Role(chart, "debugger")
    role.allow(["get", "list"], ["pods"])
    role.allow(["get"], ["pods/log"])
    role.allow(["create"], ["pods/exec"])
    role.allow(["get", "update"], ["deployments/scale"])
    role.bind(sa, pk.Subject.user("jane@example.com"))
    viewer = pk.ClusterRole(chart, "node-viewer")
    viewer.allow(["get", "list", "watch"], ["nodes"])
    viewer.allow_non_resource_urls(["get"], ["/healthz", "/metrics"])
    viewer.allow(["get"], ["widgets"], api_groups=["example.com"])  # a custom resource: not checked
    pk.ClusterRoleBinding(chart, "ci-node-viewer", role=viewer, subjects=[pk.Subject.group("oncall")])
    pk.grant(sa, on=pk.ConfigFromMap, verbs=["get"])
    assert [o for o in synth(chart) if o["apiVersion"].startswith("rbac")] == snapshot_yaml


@pytest.mark.parametrize(
    ("verbs", "resources", "kw", "message"),
    [
        (
            ["get"],
            ["deployment"],
            {},
            r"resource 'deployment' is not a resource of Kubernetes 1.33; did you mean 'deployments' in group 'apps'\?",
        ),
        (
            ["get"],
            ["pods/logs"],
            {},
            r"pods has no subresource 'logs' in Kubernetes 1.33 \(it has: .*\); did you mean 'pods/log'\?",
        ),
        (
            ["read"],
            ["pods"],
            {},
            r"verb 'read' does not apply to 'pods' \(it takes: create, delete, deletecollection, get, list, patch, update, watch\); reading is 'get', 'list' and 'watch'",
        ),
        (
            ["create"],
            ["configmaps"],
            {"resource_names": ["settings"]},
            r"verb 'create' cannot be limited by resource_names",
        ),
        (
            ["get"],
            ["configmaps", "secrets"],
            {"resource_names": ["a"]},
            r"resource_names \['a'\] apply to several resources",
        ),
        (
            ["*"],
            ["pods"],
            {},
            r"wildcard '\*' grants everything, including resources and verbs added by future Kubernetes versions",
        ),
        (
            ["get"],
            ["nodes"],
            {},
            r"resource 'nodes' is cluster-scoped, and a Role grants only inside its namespace: use a ClusterRole",
        ),
        (
            ["get"],
            ["events"],
            {},
            r"resource 'events' exists in groups '' and 'events.k8s.io': give api_groups=",
        ),
        (
            ["get"],
            ["deployments"],
            {"api_groups": [""]},
            r"resource 'deployments' is not in group '' of Kubernetes 1.33",
        ),
        (["get"], ["pods/log"], {"api_groups": [""], "resource_names": []}, None),
        (["list"], ["pods/log"], {}, r"verb 'list' does not apply to 'pods/log' \(it takes: get\)"),
    ],
)
def test_fails_rules_against_discovery(
    chart: pk.Chart, verbs: list[str], resources: list[str], kw: dict[str, object], message: str | None
) -> None:
    role = pk.Role(chart, "r")
    if message is None:
        role.allow(verbs, resources, **kw)  # type: ignore[arg-type]
        return
    with pytest.raises(pk.PodkitError, match=r"\[test/r\] " + message):
        role.allow(verbs, resources, **kw)  # type: ignore[arg-type]


def test_wildcards_when_asked(chart: pk.Chart) -> None:
    admin = pk.ClusterRole(chart, "admin-ish")
    admin.allow(["*"], ["*"], api_groups=["*"], allow_wildcard=True)
    assert by_name(synth(chart), "admin-ish")["rules"] == [
        {"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}
    ]


def test_fails_bindings(app: pk.App) -> None:
    a = pk.Chart(app, "a", namespace="a")
    b = pk.Chart(app, "b", namespace="b")
    role = pk.Role(a, "reader")
    role.allow(["get"], ["pods"])
    pk.RoleBinding(b, "reader", role=role, subjects=[pk.ServiceAccount(b, "sa")])
    assert synth_problems(b) == [
        (
            "b/reader",
            "RoleBinding in namespace 'b' refers to Role 'a/reader' of namespace 'a'; a RoleBinding can only "
            "grant a Role of its own namespace",
            "create the binding with role.bind(...), or bind a ClusterRole",
        )
    ]
    with pytest.raises(
        pk.PodkitTypeError,
        match=r"role must be a ClusterRole object \(a Role is granted with a RoleBinding\)",
    ):
        pk.ClusterRoleBinding(a, "x", role=role, subjects=[pk.Subject.user("u")])  # type: ignore[arg-type]
    with pytest.raises(pk.PodkitError, match=r"subjects is empty"):
        role.bind(id="empty")


def test_fails_binding_given_another_namespace_than_its_role(chart: pk.Chart) -> None:
    role = pk.Role(chart, "reader", namespace="a")
    role.allow(["get"], ["pods"])
    # a subject of another namespace is fine: the binding's namespace is the problem
    pk.RoleBinding(
        chart, "b", role=role, subjects=[pk.ServiceAccount(chart, "sa", namespace="ops")], namespace="b"
    )
    assert synth_problems(chart) == [
        (
            "test/b",
            "RoleBinding in namespace 'b' refers to Role 'test/reader' of namespace 'a'; a RoleBinding can "
            "only grant a Role of its own namespace",
            "leave namespace= unset (it defaults to the target's)",
        )
    ]


def test_a_binding_with_a_namespace_its_role_lacks_is_written_and_warned(app: pk.App) -> None:
    # it grants the Role if the Role is applied to 'b' (kubectl -n b): no problem
    chart = pk.Chart(app, "test")
    role = pk.Role(chart, "reader")
    role.allow(["get"], ["pods"])
    account = pk.ServiceAccount(chart, "sa", namespace="ops")
    created = sys._getframe().f_lineno + 1
    pk.RoleBinding(chart, "b", role=role, subjects=[account], namespace="b")
    assert synth_warnings(app, pk.NamespaceReferenceWarning) == [
        (
            "[test/b] the RoleBinding is in namespace 'b' and its Role 'test/reader' has none (the namespace it "
            "is applied to decides): it grants the Role only if that is 'b'; give both the same namespace, or "
            "neither",
            __file__,
            created,
        )
    ]


def test_a_binding_without_a_namespace_whose_role_has_one_is_written_and_warned(app: pk.App) -> None:
    # the Role takes its chart's namespace, and the binding (in a chart without one) defaults to
    # the Role's own namespace= only: none
    role = pk.Role(pk.Chart(app, "a", namespace="a"), "reader")
    role.allow(["get"], ["pods"])
    apps = pk.Chart(app, "apps")
    account = pk.ServiceAccount(apps, "sa", namespace="ops")
    created = sys._getframe().f_lineno + 1
    pk.RoleBinding(apps, "reader", role=role, subjects=[account])
    assert synth_warnings(app, pk.NamespaceReferenceWarning) == [
        (
            "[apps/reader] the RoleBinding has no namespace (the namespace it is applied to decides) and its Role "
            "'a/reader' is in namespace 'a': it grants the Role only if that is 'a'; give both the same "
            "namespace, or neither",
            __file__,
            created,
        )
    ]


def test_a_binding_and_its_role_both_without_a_namespace_are_not_warned(app: pk.App) -> None:
    chart = pk.Chart(app, "test")
    role = pk.Role(chart, "reader")
    role.allow(["get"], ["pods"])
    role.bind(pk.ServiceAccount(chart, "sa", namespace="ops"))
    assert synth_warnings(app, pk.NamespaceReferenceWarning) == []


def test_a_raw_role_binding_of_a_role_of_another_namespace_is_not_checked(app: pk.App) -> None:
    # a cdk8s RoleBinding names its Role by string: no podkit Role to compare namespaces with
    chart = pk.Chart(app, "test")
    pk.Role(chart, "reader", namespace="a").allow(["get"], ["pods"])
    k8s.KubeRoleBinding(
        chart,
        "raw",
        metadata=k8s.ObjectMeta(name="raw", namespace="b"),
        role_ref=k8s.RoleRef(api_group="rbac.authorization.k8s.io", kind="Role", name="reader"),
        subjects=[k8s.Subject(kind="User", name="jane", api_group="rbac.authorization.k8s.io")],
    )
    assert by_name(app.synth_documents()["test.k8s.yaml"], "raw")["roleRef"] == {
        "apiGroup": "rbac.authorization.k8s.io",
        "kind": "Role",
        "name": "reader",
    }


def test_fails_role_allowing_an_object_of_another_namespace(chart: pk.Chart) -> None:
    settings = pk.ConfigFromMap(chart, "settings", data={"A": "1"}, namespace="shop")
    pk.Role(chart, "reader", namespace="ops").allow_object(settings, ["get"])
    assert synth_problems(chart) == [
        (
            "test/reader",
            "the Role is in namespace 'ops' and allows ConfigMap 'test/settings' of namespace 'shop': a Role "
            "grants only inside its own namespace, so it allows nothing on that object",
            "create the Role in the object's namespace (grant(account, on=obj, ...) does)",
        )
    ]


def test_a_role_with_a_namespace_allowing_an_object_without_one_is_written_and_warned(app: pk.App) -> None:
    # the rule reaches the ConfigMap if the ConfigMap is applied to 'ops': no problem
    chart = pk.Chart(app, "test")
    settings = pk.ConfigFromMap(chart, "settings", data={"A": "1"})
    created = sys._getframe().f_lineno + 1
    pk.Role(chart, "reader", namespace="ops").allow_object(settings, ["get"])
    assert synth_warnings(app, pk.NamespaceReferenceWarning) == [
        (
            "[test/reader] the Role is in namespace 'ops' and allows ConfigMap 'test/settings', which has none "
            "(the namespace it is applied to decides): the rule applies to that object only if that is 'ops'; "
            "give both the same namespace, or neither",
            __file__,
            created,
        )
    ]


def test_a_role_without_a_namespace_allowing_an_object_of_one_is_written_and_warned(app: pk.App) -> None:
    chart = pk.Chart(app, "test")
    settings = pk.ConfigFromMap(chart, "settings", data={"A": "1"}, namespace="shop")
    created = sys._getframe().f_lineno + 1
    pk.Role(chart, "reader").allow_object(settings, ["get"])
    assert synth_warnings(app, pk.NamespaceReferenceWarning) == [
        (
            "[test/reader] the Role has no namespace (the namespace it is applied to decides) and allows "
            "ConfigMap 'test/settings' of namespace 'shop': the rule applies to that object only if that is "
            "'shop'; give both the same namespace, or neither",
            __file__,
            created,
        )
    ]


def test_a_role_and_its_object_both_without_a_namespace_are_not_warned(app: pk.App) -> None:
    chart = pk.Chart(app, "test")
    pk.Role(chart, "reader").allow_object(pk.ConfigFromMap(chart, "settings", data={"A": "1"}), ["get"])
    assert synth_warnings(app, pk.NamespaceReferenceWarning) == []


def test_a_role_allowing_objects_of_its_namespace(app: pk.App) -> None:
    chart = pk.Chart(app, "test", namespace="shop")
    settings = pk.ConfigFromMap(chart, "settings", data={"A": "1"})  # the chart's namespace
    pk.Role(chart, "reader", namespace="shop").allow_object(settings, ["get"])
    # a ClusterRole's rule reaches the object wherever the role is bound
    pk.ClusterRole(chart, "viewer").allow_object(
        pk.ConfigFromMap(chart, "other", data={"B": "2"}, namespace="ops"), ["get"]
    )
    objs = app.synth_documents()["test.k8s.yaml"]
    assert by_name(objs, "reader", "Role")["rules"] == [
        {"apiGroups": [""], "resources": ["configmaps"], "resourceNames": ["settings"], "verbs": ["get"]}
    ]
    assert by_name(objs, "viewer", "ClusterRole")["rules"] == [
        {"apiGroups": [""], "resources": ["configmaps"], "resourceNames": ["other"], "verbs": ["get"]}
    ]


def test_a_raw_role_naming_an_object_of_another_namespace_is_not_checked(app: pk.App) -> None:
    # a cdk8s Role names objects by string: no podkit object to compare namespaces with
    chart = pk.Chart(app, "test")
    pk.ConfigFromMap(chart, "settings", data={"A": "1"}, namespace="shop")
    rule = k8s.PolicyRule(
        api_groups=[""], resources=["configmaps"], resource_names=["settings"], verbs=["get"]
    )
    k8s.KubeRole(chart, "raw", metadata=k8s.ObjectMeta(name="raw", namespace="ops"), rules=[rule])
    assert by_name(app.synth_documents()["test.k8s.yaml"], "raw")["metadata"] == {
        "name": "raw",
        "namespace": "ops",
    }


def test_fails_cluster_binding_to_an_account_without_namespace(chart: pk.Chart) -> None:
    viewer = pk.ClusterRole(chart, "viewer")
    viewer.allow(["get"], ["namespaces"])
    viewer.bind(pk.ServiceAccount(chart, "sa"))
    with pytest.raises(
        pk.SynthError,
        match=r"ServiceAccount 'test/sa' has no namespace, and a ClusterRoleBinding must name it",
    ):
        synth(chart)


def test_fails_empty_role(chart: pk.Chart) -> None:
    pk.Role(chart, "nothing")
    with pytest.raises(pk.SynthError, match=r"Role 'nothing' has no rules: it grants nothing"):
        synth(chart)


def test_non_resource_wildcard_when_asked(chart: pk.Chart) -> None:
    # '*' is the API server's wildcard path, not a malformed one
    everything = pk.ClusterRole(chart, "every-path")
    everything.allow_non_resource_urls(["get"], ["*"], allow_wildcard=True)
    assert by_name(synth(chart), "every-path")["rules"] == [{"nonResourceURLs": ["*"], "verbs": ["get"]}]


@pytest.mark.parametrize(
    ("verbs", "urls", "message"),
    [
        ([], ["/healthz"], "[test/r] verbs is empty: give at least one verb, such as ['get']"),
        (["get"], [], "[test/r] urls is empty: name at least one path, such as ['/healthz']"),
        (
            ["get"],
            ["*"],
            "[test/r] wildcard '*' grants every path of the API server, including those added by future "
            "Kubernetes versions: name them, or pass allow_wildcard=True",
        ),
        (
            ["*"],
            ["/healthz"],
            "[test/r] wildcard '*' grants every verb of the API server, including those added by future "
            "Kubernetes versions: name them, or pass allow_wildcard=True",
        ),
        (
            ["get"],
            ["healthz"],
            "[test/r] non-resource URL 'healthz' never matches a request (podkit rule: paths start with '/'): "
            "write '/healthz'",
        ),
    ],
)
def test_fails_non_resource_urls(chart: pk.Chart, verbs: list[str], urls: list[str], message: str) -> None:
    with pytest.raises(pk.PodkitError) as e:
        pk.ClusterRole(chart, "r").allow_non_resource_urls(verbs, urls)
    assert str(e.value) == message


@pytest.mark.parametrize(("make", "where"), [(pk.Subject.user, "user"), (pk.Subject.group, "group")])
def test_fails_empty_subject_name(make: Any, where: str) -> None:
    with pytest.raises(pk.PodkitError) as e:
        make("")
    assert str(e.value) == (
        f"[Subject.{where}] name is empty: name the user or group as the cluster's authenticator does"
    )


@pytest.mark.parametrize("account", ["web", None, pk.Subject.user("u")])
def test_fails_subject_of_something_else_than_a_service_account(account: Any) -> None:
    with pytest.raises(pk.PodkitTypeError) as e:
        pk.Subject.of(account)
    assert str(e.value) == (
        f"[Subject.of] account must be a ServiceAccount object, got {account!r}; for a user or a group, "
        f"use Subject.user(...) or Subject.group(...)"
    )


def test_fails_grant_on_a_cluster_scoped_kind_leaves_nothing(chart: pk.Chart) -> None:
    sa = pk.ServiceAccount(chart, "sa")
    critical = pk.PriorityClass(chart, "critical", value=1000)
    for on in (critical, pk.PriorityClass):
        with pytest.raises(pk.PodkitError) as e:
            pk.grant_read(sa, on=on)
        assert str(e.value) == (
            "[test/sa] grant writes a Role, which grants only inside a namespace, and PriorityClass is "
            "cluster-scoped: write a ClusterRole (ClusterRole(...).allow_object(...) or .allow(...)) and bind it "
            "to the account"
        )
    with pytest.raises(pk.PodkitTypeError) as t:
        pk.grant_read(sa, on=42)  # type: ignore[arg-type]
    assert (
        str(t.value)
        == "[test/sa] grant: on must be a podkit object, a podkit class or a resource name, got 42"
    )
    assert [o["kind"] for o in synth(chart)] == ["ServiceAccount", "PriorityClass"]
