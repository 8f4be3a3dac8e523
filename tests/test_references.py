"""App-wide reference checks (lib/podkit/_references.py): references across namespaces, inside
one chart and across charts; two owners of one Secret; one object written by two charts.

Each class is tried on podkit's constructs and on raw cdk8s objects (any construct of the app),
and what the cluster accepts (same namespace, a name the app does not write, no namespace set)
is never refused. Where one side has a namespace and the other none, the outcome hangs on the
destination namespace: a NamespaceReferenceWarning, never an error.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import cdk8s
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import podkit as pk
from podkit import _references
from podkit._references import NamespaceReferenceWarning
from podkit.external_secret import CreationPolicy, ExternalSecret, RemoteRef, SecretStoreRef, StoreKind

IMAGE = "nginx:1.27"


def raw(chart: cdk8s.Chart, id: str, kind: str, namespace: str | None, **body: Any) -> cdk8s.ApiObject:
    """A foreign object (not podkit's): what a cdk8s L1 class or an Include would write."""
    version = {"Deployment": "apps/v1"}.get(kind, "v1")
    meta: dict[str, Any] = {"name": id}
    if namespace is not None:
        meta["namespace"] = namespace
    obj = cdk8s.ApiObject(chart, id, api_version=version, kind=kind, metadata=meta)
    for key, value in body.items():
        obj.add_json_patch(cdk8s.JsonPatch.add(f"/{key}", value))
    return obj


def pod_spec(**extra: Any) -> dict[str, Any]:
    return {"containers": [{"name": "c", "image": IMAGE, **extra.pop("container", {})}], **extra}


def messages(app: pk.App) -> list[str]:
    with pytest.raises(pk.SynthError) as err:
        app.synth_documents()
    return [f"[{p.path}] {p.message}" for p in err.value.problems]


@contextmanager
def recorded() -> Iterator[list[str]]:
    """The NamespaceReferenceWarnings raised inside, as text (every one: no once-per-line filter)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        found: list[str] = []
        yield found
    found.extend(str(w.message) for w in caught if w.category is NamespaceReferenceWarning)


def namespace_warnings(app: pk.App) -> list[str]:
    """The NamespaceReferenceWarnings of a synth that must succeed (they never refuse an app)."""
    with recorded() as found:
        app.synth_documents()
    return found


# said at the end of every warning
DESTINATION = (
    "an object without a namespace goes to kubectl's context or the GitOps tool's destination namespace"
)


def reference_problems(app: pk.App) -> list[str]:
    try:
        app.synth_documents()
    except pk.SynthError as e:
        return [f"[{p.path}] {p.message}" for p in e.problems if p.rule in ("reference", "duplicate")]
    return []


# -- across namespaces, inside one chart ----------------------------------------------------------
def test_fails_on_env_keys_of_a_config_map_of_another_namespace(app: pk.App) -> None:
    chart = pk.Chart(app, "c")
    cfg = pk.ConfigFromMap(chart, "settings", data={"k": "v"}, namespace="prod")
    pk.Deployment(
        chart, "web", namespace="dev", main=pk.Container(name="web", image=IMAGE, env={"K": cfg.value("k")})
    )
    assert messages(app) == [
        "[c/web] Deployment 'web' in namespace 'dev' refers to ConfigMap 'settings' "
        "(spec.template.spec.containers[0].env[0].valueFrom.configMapKeyRef), but this app writes ConfigMap "
        "'settings' only to namespace 'prod' (c/settings); the reference is looked up in namespace 'dev', so "
        "it fails at run time"
    ]


REFERENCES: dict[str, tuple[str, dict[str, Any], str]] = {
    # name: (kind referred to, pod spec, the field named)
    "envFrom ConfigMap": (
        "ConfigMap",
        pod_spec(container={"envFrom": [{"configMapRef": {"name": "x"}}]}),
        "spec.containers[0].envFrom[0].configMapRef",
    ),
    "envFrom Secret": (
        "Secret",
        pod_spec(container={"envFrom": [{"secretRef": {"name": "x"}}]}),
        "spec.containers[0].envFrom[0].secretRef",
    ),
    "env Secret key": (
        "Secret",
        pod_spec(
            container={"env": [{"name": "A", "valueFrom": {"secretKeyRef": {"name": "x", "key": "k"}}}]}
        ),
        "spec.containers[0].env[0].valueFrom.secretKeyRef",
    ),
    "init container env": (
        "ConfigMap",
        pod_spec(
            initContainers=[
                {
                    "name": "i",
                    "image": IMAGE,
                    "env": [{"name": "A", "valueFrom": {"configMapKeyRef": {"name": "x", "key": "k"}}}],
                }
            ]
        ),
        "spec.initContainers[0].env[0].valueFrom.configMapKeyRef",
    ),
    "ConfigMap volume": (
        "ConfigMap",
        pod_spec(volumes=[{"name": "v", "configMap": {"name": "x"}}]),
        "spec.volumes[0].configMap",
    ),
    "Secret volume": (
        "Secret",
        pod_spec(volumes=[{"name": "v", "secret": {"secretName": "x"}}]),
        "spec.volumes[0].secret",
    ),
    "projected Secret": (
        "Secret",
        pod_spec(volumes=[{"name": "v", "projected": {"sources": [{"secret": {"name": "x"}}]}}]),
        "spec.volumes[0].projected.sources[0].secret",
    ),
    "PVC volume": (
        "PersistentVolumeClaim",
        pod_spec(volumes=[{"name": "v", "persistentVolumeClaim": {"claimName": "x"}}]),
        "spec.volumes[0].persistentVolumeClaim",
    ),
    "ServiceAccount": ("ServiceAccount", pod_spec(serviceAccountName="x"), "spec.serviceAccountName"),
    "pull secret": ("Secret", pod_spec(imagePullSecrets=[{"name": "x"}]), "spec.imagePullSecrets[0]"),
}

TARGETS: dict[str, dict[str, Any]] = {
    "ConfigMap": {"data": {"k": "v"}},
    "Secret": {"stringData": {"k": "s3cret"}},
    "ServiceAccount": {},
    "PersistentVolumeClaim": {
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}
    },
}


@pytest.mark.parametrize("case", REFERENCES)
def test_fails_on_a_raw_pod_referring_to_another_namespace(app: pk.App, case: str) -> None:
    kind, spec, field = REFERENCES[case]
    chart = pk.Chart(app, "c")
    raw(chart, "x", kind, "prod", **TARGETS[kind])
    raw(chart, "p", "Pod", "dev", spec=spec)
    assert reference_problems(app) == [
        f"[c: Pod p] Pod 'p' in namespace 'dev' refers to {kind} 'x' ({field}), but this app writes {kind} 'x' "
        f"only to namespace 'prod' (c: {kind} x); the reference is looked up in namespace 'dev', so it fails "
        "at run time"
    ]


@pytest.mark.parametrize("case", REFERENCES)
def test_a_reference_in_its_own_namespace_is_kept(app: pk.App, case: str) -> None:
    kind, spec, _ = REFERENCES[case]
    chart = pk.Chart(app, "c")
    raw(chart, "x", kind, "prod", **TARGETS[kind])  # another one, elsewhere
    raw(chart, "x2", kind, "dev", **TARGETS[kind]).add_json_patch(
        cdk8s.JsonPatch.replace("/metadata/name", "x")
    )
    raw(chart, "p", "Pod", "dev", spec=spec)
    assert reference_problems(app) == []


def test_a_name_the_app_does_not_write_is_taken_to_exist_in_the_cluster(app: pk.App) -> None:
    chart = pk.Chart(app, "c", namespace="dev")
    raw(
        chart,
        "p",
        "Pod",
        "dev",
        spec=pod_spec(container={"envFrom": [{"configMapRef": {"name": "settings"}}]}),
    )
    assert reference_problems(app) == []


def test_an_object_without_a_namespace_is_never_refused(app: pk.App) -> None:
    # kubectl decides its namespace (`kubectl -n prod apply`): it may well be 'prod'
    chart = pk.Chart(app, "c")
    raw(chart, "x", "ConfigMap", "prod", data={"k": "v"})
    raw(chart, "p", "Pod", None, spec=pod_spec(volumes=[{"name": "v", "configMap": {"name": "x"}}]))
    raw(chart, "x2", "Secret", None, stringData={"k": "s3cret"}).add_json_patch(
        cdk8s.JsonPatch.replace("/metadata/name", "s")
    )
    raw(chart, "q", "Pod", "dev", spec=pod_spec(volumes=[{"name": "v", "secret": {"secretName": "s"}}]))
    with recorded() as found:
        assert reference_problems(app) == []
    assert len(found) == 2  # (each pinned below)


# -- one side without a namespace: the destination decides, so a warning --------------------------
@pytest.mark.parametrize("case", REFERENCES)
def test_warns_on_a_pod_in_a_namespace_referring_to_an_object_without_one(app: pk.App, case: str) -> None:
    kind, spec, field = REFERENCES[case]
    chart = pk.Chart(app, "c")
    raw(chart, "x", kind, None, **TARGETS[kind])
    raw(chart, "p", "Pod", "dev", spec=spec)
    assert namespace_warnings(app) == [
        f"[c: Pod p] Pod 'p' in namespace 'dev' refers to {kind} 'x' ({field}), which this app writes without a "
        f"namespace (c: {kind} x); the reference resolves only if that {kind} is applied to namespace 'dev' "
        f"({DESTINATION}); give both the same namespace (namespace='dev' on the {kind} or its chart), or neither"
    ]


@pytest.mark.parametrize("case", REFERENCES)
def test_warns_on_a_pod_without_a_namespace_referring_to_an_object_in_one(app: pk.App, case: str) -> None:
    kind, spec, field = REFERENCES[case]
    chart = pk.Chart(app, "c")
    raw(chart, "x", kind, "prod", **TARGETS[kind])
    raw(chart, "p", "Pod", None, spec=spec)
    assert namespace_warnings(app) == [
        f"[c: Pod p] Pod 'p' has no namespace and refers to {kind} 'x' ({field}), which this app writes only to "
        f"namespace 'prod' (c: {kind} x); the reference resolves only if the Pod is applied to that namespace "
        f"({DESTINATION}); give both the same namespace (namespace='prod' on the Pod or its chart), or neither"
    ]


def test_warns_on_typed_constructs_as_on_raw_objects(app: pk.App) -> None:
    # a chart without a namespace, where two objects set their own
    chart = pk.Chart(app, "web")
    cfg = pk.ConfigFromMap(chart, "settings", data={"k": "v"}, namespace="ops")
    account = pk.ServiceAccount(chart, "runner")
    pk.Deployment(
        chart,
        "web",
        service_account=account,
        main=pk.Container(name="web", image=IMAGE, env={"K": cfg.value("k")}),
    )
    pk.Deployment(
        chart,
        "worker",
        namespace="batch",
        service_account=account,
        main=pk.Container(name="worker", image=IMAGE),
    )
    assert namespace_warnings(app) == [
        "[web/web] Deployment 'web' has no namespace and refers to ConfigMap 'settings' "
        "(spec.template.spec.containers[0].env[0].valueFrom.configMapKeyRef), which this app writes only to "
        "namespace 'ops' (web/settings); the reference resolves only if the Deployment is applied to that "
        f"namespace ({DESTINATION}); give both the same namespace (namespace='ops' on the Deployment or its "
        "chart), or neither",
        "[web/worker] Deployment 'worker' in namespace 'batch' refers to ServiceAccount 'runner' "
        "(spec.template.spec.serviceAccountName), which this app writes without a namespace (web/runner); "
        f"the reference resolves only if that ServiceAccount is applied to namespace 'batch' ({DESTINATION}); "
        "give both the same namespace (namespace='batch' on the ServiceAccount or its chart), or neither",
    ]


def test_warns_once_per_pair_of_objects_naming_every_namespace(app: pk.App) -> None:
    chart = pk.Chart(app, "c")
    for namespace in ("b", "a"):
        raw(chart, f"x-{namespace}", "ConfigMap", namespace, data={"k": "v"}).add_json_patch(
            cdk8s.JsonPatch.replace("/metadata/name", "x")
        )
    spec = pod_spec(
        container={"envFrom": [{"configMapRef": {"name": "x"}}]},
        volumes=[{"name": "v", "configMap": {"name": "x"}}],
    )
    raw(chart, "p", "Pod", None, spec=spec)
    assert namespace_warnings(app) == [
        "[c: Pod p] Pod 'p' has no namespace and refers to ConfigMap 'x' (spec.volumes[0].configMap), which this "
        "app writes only to namespaces 'a', 'b' (c: ConfigMap x); the reference resolves only if the Pod is "
        f"applied to one of them ({DESTINATION}); give both the same namespace (namespace='a' on the Pod or its "
        "chart), or neither"
    ]


def test_warns_on_a_service_account_pull_secret_without_a_namespace(app: pk.App) -> None:
    chart = pk.Chart(app, "c")
    raw(chart, "regcred", "Secret", None, stringData={"k": "v"})
    raw(chart, "runner", "ServiceAccount", "dev", imagePullSecrets=[{"name": "regcred"}])
    assert namespace_warnings(app) == [
        "[c: ServiceAccount runner] ServiceAccount 'runner' in namespace 'dev' refers to Secret 'regcred' "
        "(imagePullSecrets[0]), which this app writes without a namespace (c: Secret regcred); the reference "
        f"resolves only if that Secret is applied to namespace 'dev' ({DESTINATION}); give both the same "
        "namespace (namespace='dev' on the Secret or its chart), or neither"
    ]


def test_warns_on_a_service_in_a_namespace_selecting_pods_without_one(app: pk.App) -> None:
    chart = pk.Chart(app, "c")
    raw(chart, "p", "Pod", None, spec=pod_spec()).add_json_patch(
        cdk8s.JsonPatch.add("/metadata/labels", {"app": "x"})
    )
    raw(chart, "s", "Service", "a", spec={"selector": {"app": "x"}, "ports": [{"port": 80}]})
    assert namespace_warnings(app) == [
        "[c: Service s] Service 's' in namespace 'a' selects pods (app=x) that this app runs without a namespace "
        "(Pod 'p', c: Pod p); it has endpoints only if the Pod is applied to namespace 'a' "
        f"({DESTINATION}); give both the same namespace (namespace='a' on the Pod or its chart), or neither"
    ]


def test_warns_on_a_service_without_a_namespace_selecting_pods_in_one(app: pk.App) -> None:
    chart = pk.Chart(app, "c")
    raw(chart, "p", "Pod", "a", spec=pod_spec()).add_json_patch(
        cdk8s.JsonPatch.add("/metadata/labels", {"app": "x"})
    )
    raw(chart, "s", "Service", None, spec={"selector": {"app": "x"}, "ports": [{"port": 80}]})
    assert namespace_warnings(app) == [
        "[c: Service s] Service 's' has no namespace and selects pods (app=x) that this app runs only in "
        "namespace 'a' (Pod 'p', c: Pod p); it has endpoints only if the Service is applied to that namespace "
        f"({DESTINATION}); give both the same namespace (namespace='a' on the Service or its chart), or neither"
    ]


def test_a_service_with_pods_in_its_namespace_and_without_one_is_kept(app: pk.App) -> None:
    chart = pk.Chart(app, "c")
    for pod, namespace in (("p", "a"), ("q", None)):
        raw(chart, pod, "Pod", namespace, spec=pod_spec()).add_json_patch(
            cdk8s.JsonPatch.add("/metadata/labels", {"app": "x"})
        )
    raw(chart, "s", "Service", "a", spec={"selector": {"app": "x"}, "ports": [{"port": 80}]})
    raw(chart, "t", "Service", None, spec={"selector": {"app": "x"}, "ports": [{"port": 80}]})
    assert namespace_warnings(app) == []


def test_a_warning_is_shown_at_the_line_that_ran_synth(app: pk.App) -> None:
    chart = pk.Chart(app, "c")
    raw(chart, "x", "ConfigMap", None, data={"k": "v"})
    raw(chart, "p", "Pod", "dev", spec=pod_spec(volumes=[{"name": "v", "configMap": {"name": "x"}}]))
    with pytest.warns(NamespaceReferenceWarning) as caught:
        app.synth_documents()
    assert [(Path(w.filename).name, w.lineno) for w in caught] == [
        (Path(__file__).name, test_a_warning_is_shown_at_the_line_that_ran_synth.__code__.co_firstlineno + 5)
    ]


def _warnings_of_a_pod_naming_a_config_map_by_a_secret_value(app: pk.App, chart: pk.Chart) -> list[str]:
    """A namespace-less ConfigMap patched to be named 'hunter2-hunter2' (a Secret's value) and a
    pod in 'dev' that mounts it by that name: the namespace warnings of the app's synth."""
    raw(chart, "x", "ConfigMap", None, data={"k": "v"}).add_json_patch(
        cdk8s.JsonPatch.replace("/metadata/name", "hunter2-hunter2")
    )
    volumes = [{"name": "v", "configMap": {"name": "hunter2-hunter2"}}]
    raw(chart, "p", "Pod", "dev", spec=pod_spec(volumes=volumes))
    return namespace_warnings(app)


def test_a_warning_shows_no_secret_value(app: pk.App) -> None:
    # a patch made a Secret's value the name of a ConfigMap: the warning names it, hidden
    chart = pk.Chart(app, "c")
    raw(chart, "token", "Secret", "dev", stringData={"k": "hunter2-hunter2"})
    found = _warnings_of_a_pod_naming_a_config_map_by_a_secret_value(app, chart)
    assert len(found) == 1
    assert "hunter2" not in found[0]
    assert "refers to ConfigMap <Secret value not shown> (spec.volumes[0].configMap)" in found[0]


def test_a_warning_shows_no_value_a_patch_moved_out_of_a_secret(app: pk.App) -> None:
    chart = pk.Chart(app, "c")
    secret = pk.SecretEnv(chart, "token", from_literal={"k": "hunter2-hunter2"}, namespace="dev")
    cdk8s.ApiObject.of(secret).add_json_patch(cdk8s.JsonPatch.replace("/data/k", "b3RoZXI="))
    found = _warnings_of_a_pod_naming_a_config_map_by_a_secret_value(app, chart)
    assert len(found) == 1
    assert "hunter2" not in found[0]


def test_a_chart_of_a_cdk8s_app_warns_of_its_own_references(tmp_path: Path) -> None:
    chart = pk.Chart(cdk8s.App(outdir=str(tmp_path)), "c")
    raw(chart, "x", "ConfigMap", None, data={"k": "v"})
    raw(chart, "p", "Pod", "dev", spec=pod_spec(volumes=[{"name": "v", "configMap": {"name": "x"}}]))
    with recorded() as found:
        chart.to_json()
    assert [m.split(" refers to ")[0] for m in found] == ["[c: Pod p] Pod 'p' in namespace 'dev'"]


# -- what works wherever it is applied: no warning, no error --------------------------------------
@pytest.mark.parametrize("case", REFERENCES)
@pytest.mark.parametrize("where", ["neither", "both", "chart"])
def test_a_reference_that_resolves_in_any_destination_is_kept(app: pk.App, case: str, where: str) -> None:
    kind, spec, _ = REFERENCES[case]
    # neither has a namespace; both the same one; the chart's, given to both
    namespace = {"neither": None, "both": "dev", "chart": None}[where]
    chart = pk.Chart(app, "c", namespace="dev" if where == "chart" else None)
    raw(chart, "x", kind, namespace, **TARGETS[kind])
    raw(chart, "p", "Pod", namespace, spec=spec)
    # a namespace elsewhere in the app, so that the check runs at all
    raw(pk.Chart(app, "other", namespace="ops"), "y", "ConfigMap", "ops", data={"k": "v"})
    with recorded() as found:
        docs = app.synth_documents()["c.k8s.yaml"]
    assert [d["metadata"].get("namespace") for d in docs] == [None if where == "neither" else "dev"] * 2
    assert found == []


def test_typed_constructs_in_one_chart_without_a_namespace_are_kept(app: pk.App) -> None:
    chart = pk.Chart(app, "web")
    cfg = pk.ConfigFromMap(chart, "settings", data={"k": "v"})
    secret = pk.SecretEnv(chart, "creds", from_literal={"p": "s3cret-s3cret"})
    account = pk.ServiceAccount(chart, "runner")
    web = pk.Deployment(
        chart,
        "web",
        service_account=account,
        main=pk.Container(name="web", image=IMAGE, ports=[80], env={"K": cfg.value("k")}, env_from=[secret]),
    )
    pk.Service(chart, "web-svc", target=web, ports=[pk.ServicePort(web.main.ports[0], port=80)])
    pk.ConfigFromMap(pk.Chart(app, "ops", namespace="ops"), "other", data={"k": "v"})
    assert namespace_warnings(app) == []


def test_objects_without_a_namespace_in_two_charts_are_not_judged(app: pk.App) -> None:
    # applied together (one namespace: it resolves) or each to its own: the app cannot tell
    # (a podkit pod uses its own chart's ConfigMaps only: by name, as from_name does)
    pk.ConfigFromMap(pk.Chart(app, "shared"), "settings", data={"k": "v"})
    cfg = pk.ConfigFromMap.from_name("settings")
    pk.Deployment(pk.Chart(app, "web"), "web", main=pk.Container(name="web", image=IMAGE, env_from=[cfg]))
    pk.ConfigFromMap(pk.Chart(app, "ops", namespace="ops"), "other", data={"k": "v"})
    with recorded() as found:
        assert reference_problems(app) == []
    assert found == []


def test_the_default_service_account_is_in_every_namespace(app: pk.App) -> None:
    chart = pk.Chart(app, "c")
    raw(chart, "default", "ServiceAccount", "prod")
    raw(chart, "p", "Pod", "dev", spec=pod_spec(serviceAccountName="default"))
    assert reference_problems(app) == []


def test_fails_on_a_typed_service_account_of_another_namespace(app: pk.App) -> None:
    chart = pk.Chart(app, "c")
    account = pk.ServiceAccount(chart, "runner", namespace="ops")
    pk.Deployment(
        chart, "web", namespace="dev", service_account=account, main=pk.Container(name="web", image=IMAGE)
    )
    assert reference_problems(app) == [
        "[c/web] Deployment 'web' in namespace 'dev' refers to ServiceAccount 'runner' "
        "(spec.template.spec.serviceAccountName), but this app writes ServiceAccount 'runner' only to "
        "namespace 'ops' (c/runner); the reference is looked up in namespace 'dev', so it fails at run time"
    ]


def test_fails_on_a_service_account_pull_secret_of_another_namespace(app: pk.App) -> None:
    chart = pk.Chart(app, "c")
    raw(chart, "regcred", "Secret", "ops", stringData={"k": "v"})
    raw(chart, "runner", "ServiceAccount", "dev", imagePullSecrets=[{"name": "regcred"}])
    assert reference_problems(app) == [
        "[c: ServiceAccount runner] ServiceAccount 'runner' in namespace 'dev' refers to Secret 'regcred' "
        "(imagePullSecrets[0]), but this app writes Secret 'regcred' only to namespace 'ops' (c: Secret "
        "regcred); the reference is looked up in namespace 'dev', so it fails at run time"
    ]


def test_fails_on_an_external_secret_target_read_from_another_namespace(app: pk.App) -> None:
    chart = pk.Chart(app, "c")
    es = ExternalSecret(
        chart,
        "db",
        namespace="data",
        store=SecretStoreRef("vault", kind=StoreKind.CLUSTER_SECRET_STORE),
        data={"password": RemoteRef("db")},
    )
    pk.Deployment(
        chart,
        "web",
        namespace="web",
        main=pk.Container(name="web", image=IMAGE, env={"P": es.value("password")}),
    )
    assert reference_problems(app) == [
        "[c/web] Deployment 'web' in namespace 'web' refers to Secret 'db' "
        "(spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef), but this app writes Secret 'db' "
        "only to namespace 'data' (c/db); the reference is looked up in namespace 'web', so it fails at run time"
    ]


def test_fails_on_an_external_secret_store_of_another_namespace(app: pk.App) -> None:
    chart = pk.Chart(app, "c")
    store = cdk8s.ApiObject(
        chart,
        "vault",
        api_version="external-secrets.io/v1",
        kind="SecretStore",
        metadata={"name": "vault", "namespace": "ops"},
    )
    del store
    ExternalSecret(chart, "db", namespace="data", store=SecretStoreRef("vault"), data={"p": RemoteRef("db")})
    assert [m for m in reference_problems(app) if "SecretStore" in m] == [
        "[c/db] ExternalSecret 'db' in namespace 'data' refers to SecretStore 'vault' (spec.secretStoreRef), "
        "but this app writes SecretStore 'vault' only to namespace 'ops' (c: SecretStore vault); the reference "
        "is looked up in namespace 'data', so it fails at run time"
    ]


def test_fails_on_a_service_selecting_pods_of_another_namespace(app: pk.App) -> None:
    chart = pk.Chart(app, "c")
    pk.Deployment(
        chart,
        "web",
        namespace="a",
        main=pk.Container(name="web", image=IMAGE, ports=[pk.Port(80, name="http")]),
    )
    # a raw Service (a podkit Service built from the workload in another namespace fails at its
    # own check first, naming both: tests/test_service.py): the app-wide check compares selectors
    selector = {"app.kubernetes.io/name": "web", "podkit.dev/controller": "deployment"}
    raw(chart, "websvc", "Service", "b", spec={"selector": selector, "ports": [{"port": 80}]})
    assert reference_problems(app) == [
        "[c: Service websvc] Service 'websvc' in namespace 'b' selects pods (app.kubernetes.io/name=web, "
        "podkit.dev/controller=deployment) that this app runs only in namespace 'a' (Deployment 'web', c/web); "
        "a Service selects pods of its own namespace, so it would have no endpoints"
    ]


def test_a_raw_service_selecting_pods_in_its_own_namespace_is_kept(app: pk.App) -> None:
    chart = pk.Chart(app, "c")
    labels = {"metadata": {"name": "p", "namespace": "a", "labels": {"app": "x"}}}
    raw(chart, "p", "Pod", "a", spec=pod_spec()).add_json_patch(
        cdk8s.JsonPatch.add("/metadata/labels", labels["metadata"]["labels"])
    )
    raw(chart, "q", "Pod", "b", spec=pod_spec()).add_json_patch(
        cdk8s.JsonPatch.add("/metadata/labels", {"app": "x"})
    )
    raw(chart, "s", "Service", "a", spec={"selector": {"app": "x"}, "ports": [{"port": 80}]})
    assert reference_problems(app) == []


# -- across charts --------------------------------------------------------------------------------
def test_fails_on_references_across_charts_too(app: pk.App) -> None:
    raw(pk.Chart(app, "shared", namespace="ops"), "settings", "ConfigMap", "ops", data={"k": "v"})
    env = [{"name": "K", "valueFrom": {"configMapKeyRef": {"name": "settings", "key": "k"}}}]
    raw(pk.Chart(app, "web", namespace="web"), "p", "Pod", "web", spec=pod_spec(container={"env": env}))
    assert reference_problems(app) == [
        "[web: Pod p] Pod 'p' in namespace 'web' refers to ConfigMap 'settings' "
        "(spec.containers[0].env[0].valueFrom.configMapKeyRef), but this app writes ConfigMap 'settings' only "
        "to namespace 'ops' (shared: ConfigMap settings); the reference is looked up in namespace 'web', so "
        "it fails at run time"
    ]


def test_a_chart_of_a_cdk8s_app_checks_its_own_references(tmp_path: Path) -> None:
    app = cdk8s.App(outdir=str(tmp_path))
    chart = pk.Chart(app, "c")
    raw(chart, "x", "ConfigMap", "prod", data={"k": "v"})
    raw(chart, "p", "Pod", "dev", spec=pod_spec(volumes=[{"name": "v", "configMap": {"name": "x"}}]))
    with pytest.raises(pk.SynthError, match=r"Pod 'p' in namespace 'dev' refers to ConfigMap 'x'"):
        chart.to_json()


@settings(max_examples=40, deadline=None)
@given(
    here=st.sampled_from(["", "a", "b"]),
    there=st.lists(st.sampled_from(["", "a", "b", "c"]), min_size=0, max_size=3, unique=True),
    case=st.sampled_from(sorted(REFERENCES)),
)
def test_a_reference_is_refused_or_warned_exactly_when_the_destination_cannot_or_may_help(
    here: str, there: list[str], case: str
) -> None:
    kind, spec, _ = REFERENCES[case]
    entries = [
        _references.Entry(f"t{i}", "c", {"apiVersion": "v1", "kind": kind, "metadata": _meta("x", ns)})
        for i, ns in enumerate(there)
    ]
    entries.append(
        _references.Entry(
            "p", "c", {"apiVersion": "v1", "kind": "Pod", "metadata": _meta("p", here), "spec": spec}
        )
    )
    refused = bool(here) and bool(there) and here not in there and "" not in there
    # one side without a namespace, and the name not where the other side is
    warned = here not in there and (("" in there) if here else bool(there))
    with recorded() as found:
        assert bool([p for p in _references.check(entries) if p.rule == "reference"]) == refused
    assert bool(found) == warned


def _meta(name: str, namespace: str) -> dict[str, str]:
    return {"name": name, "namespace": namespace} if namespace else {"name": name}


# -- two owners of one Secret ---------------------------------------------------------------------
def test_fails_on_two_external_secrets_with_one_target(app: pk.App) -> None:
    chart = pk.Chart(app, "c", namespace="data")
    vault = SecretStoreRef("vault", kind=StoreKind.CLUSTER_SECRET_STORE)
    ExternalSecret(chart, "db", store=vault, data={"password": RemoteRef("db")})
    ExternalSecret(chart, "db-copy", store=vault, data={"password": RemoteRef("db2")}, target_name="db")
    assert reference_problems(app) == [
        "[c/db-copy] ExternalSecret 'db-copy' (c/db-copy) and ExternalSecret 'db' (c/db) both write Secret "
        "'db' in namespace 'data'; their controllers would overwrite each other's Secret"
    ]


def test_fails_on_an_external_secret_whose_target_is_an_inline_secret(app: pk.App) -> None:
    chart = pk.Chart(app, "c", namespace="data")
    ExternalSecret(
        chart,
        "db-sync",
        store=SecretStoreRef("vault", kind=StoreKind.CLUSTER_SECRET_STORE),
        data={"password": RemoteRef("db")},
        target_name="db",
    )
    pk.SecretEnv(chart, "db", from_literal={"password": "local"})
    assert reference_problems(app) == [
        "[c/db-sync] ExternalSecret 'db-sync' (c/db-sync) and Secret 'db' (c/db) both write Secret 'db' in "
        "namespace 'data'; their controllers would overwrite each other's Secret"
    ]


def test_fails_on_two_owners_across_charts(app: pk.App) -> None:
    vault = SecretStoreRef("vault", kind=StoreKind.CLUSTER_SECRET_STORE)
    ExternalSecret(pk.Chart(app, "a", namespace="data"), "db", store=vault, data={"p": RemoteRef("x")})
    raw(pk.Chart(app, "b", namespace="data"), "db", "Secret", "data", stringData={"p": "v"})
    assert reference_problems(app) == [
        "[a/db] ExternalSecret 'db' (a/db) and Secret 'db' (b: Secret db) both write Secret 'db' in namespace "
        "'data'; their controllers would overwrite each other's Secret"
    ]


@pytest.mark.parametrize("policy", [CreationPolicy.MERGE, CreationPolicy.NONE])
def test_an_external_secret_that_owns_nothing_may_share_a_secret(app: pk.App, policy: CreationPolicy) -> None:
    chart = pk.Chart(app, "c", namespace="data")
    ExternalSecret(
        chart,
        "db-sync",
        store=SecretStoreRef("vault", kind=StoreKind.CLUSTER_SECRET_STORE),
        data={"password": RemoteRef("db")},
        target_name="db",
        creation_policy=policy,
    )
    pk.SecretEnv(chart, "db", from_literal={"password": "local"})
    assert reference_problems(app) == []


def test_fails_on_two_owners_without_a_namespace_in_one_chart(app: pk.App) -> None:
    # one chart is applied together, into one namespace, whichever it is
    chart = pk.Chart(app, "c")
    vault = SecretStoreRef("vault", kind=StoreKind.CLUSTER_SECRET_STORE)
    ExternalSecret(chart, "db-sync", store=vault, data={"password": RemoteRef("db")}, target_name="db")
    raw(chart, "db", "Secret", None, stringData={"password": "local"})
    assert reference_problems(app) == [
        "[c/db-sync] ExternalSecret 'db-sync' (c/db-sync) and Secret 'db' (c: Secret db) both write Secret 'db' "
        "in the same namespace; their controllers would overwrite each other's Secret"
    ]


def test_charts_without_a_namespace_may_each_own_a_secret_of_one_name(app: pk.App) -> None:
    # each is often applied to a namespace of its own, as for test_charts_without_a_namespace_may_hold_the_same_names
    vault = SecretStoreRef("vault", kind=StoreKind.CLUSTER_SECRET_STORE)
    ExternalSecret(pk.Chart(app, "dev"), "db", store=vault, data={"p": RemoteRef("x")})
    ExternalSecret(pk.Chart(app, "prod"), "db", store=vault, data={"p": RemoteRef("x")})
    pk.SecretEnv(pk.Chart(app, "local"), "db", from_literal={"p": "local"})
    assert reference_problems(app) == []


def test_an_owner_without_a_namespace_and_one_with_are_not_judged(app: pk.App) -> None:
    # one Secret only if the first is applied to 'data'
    vault = SecretStoreRef("vault", kind=StoreKind.CLUSTER_SECRET_STORE)
    ExternalSecret(pk.Chart(app, "a", namespace="data"), "db", store=vault, data={"p": RemoteRef("x")})
    ExternalSecret(pk.Chart(app, "b"), "db", store=vault, data={"p": RemoteRef("x")})
    raw(pk.Chart(app, "c"), "db", "Secret", None, stringData={"p": "v"})
    assert reference_problems(app) == []


def test_one_target_name_in_two_namespaces_is_two_secrets(app: pk.App) -> None:
    vault = SecretStoreRef("vault", kind=StoreKind.CLUSTER_SECRET_STORE)
    for ns in ("dev", "prod"):
        ExternalSecret(pk.Chart(app, ns, namespace=ns), "db", store=vault, data={"p": RemoteRef("x")})
    assert reference_problems(app) == []


# -- one object, two charts -----------------------------------------------------------------------
def test_fails_on_one_object_written_by_two_charts(app: pk.App) -> None:
    for name in ("dev", "prod"):
        pk.ConfigFromMap(pk.Chart(app, name, namespace="shared"), "settings", data={"k": name})
    assert reference_problems(app) == [
        "[prod/settings] ConfigMap 'settings' in namespace 'shared' is written by chart 'dev' (dev/settings) "
        "and by chart 'prod': on apply the last one silently wins"
    ]


def test_charts_without_a_namespace_may_hold_the_same_names(app: pk.App) -> None:
    # each is applied to a namespace of its own (kubectl -n dev apply -f dist/dev.k8s.yaml)
    for name in ("dev", "prod"):
        pk.ConfigFromMap(pk.Chart(app, name), "settings", data={"k": name})
    assert sorted(app.synth_documents()) == ["dev.k8s.yaml", "prod.k8s.yaml"]


def test_a_namespace_warning_names_the_line_that_created_the_referring_object(app: pk.App) -> None:
    # a podkit pod: the line that created it; a raw pod (no line podkit knows of): the synth line
    from tests.k8s import SYNTH_SITE, synth_warnings

    chart = pk.Chart(app, "c")
    pk.ConfigFromMap(chart, "settings", data={"k": "v"})  # no namespace
    main = pk.Container(
        name="web", image=IMAGE, env={"K": pk.ConfigMapRef("settings", keys=["k"]).value("k")}
    )
    created = sys._getframe().f_lineno + 1
    pk.SidecarPod(chart, "web", main=main, namespace="a")
    raw(chart, "p", "Pod", "b", spec=pod_spec(volumes=[{"name": "v", "configMap": {"name": "settings"}}]))
    found = synth_warnings(app, pk.NamespaceReferenceWarning)
    # (the raw pod first: a chart's other cdk8s objects come before its podkit objects)
    assert [(message.split(" ", 1)[0], file, line) for message, file, line in found] == [
        ("[c:", *SYNTH_SITE),
        ("[c/web]", __file__, created),
    ]
