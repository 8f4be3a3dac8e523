"""cdk8s-plus workloads consuming podkit ConfigMaps and Secrets (issue #12, section 4).

cdk8s-plus reads ``configMap.name`` / ``secret.name`` in Node. A podkit object handed to it
is its ``IConfigMap`` / ``ISecret`` (``_kplus.py``): before, Node saw a bare construct and
cdk8s-plus wrote ``configMapRef: {}``, which the strict schema accepts. Every test here looks
at the names in the rendered pod spec, in each kind of scope.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from typing import Any

import cdk8s
import cdk8s_plus_33 as kplus
import constructs
import pytest

import podkit as pk
from podkit import _rules
from tests.k8s import SCOPES, by_name, synth


def _objects(scope: constructs.Construct) -> list[dict[str, Any]]:
    """Every object of the chart: strictly schema-valid and passing the API server's rules."""
    docs = synth(cdk8s.Chart.of(scope))
    for doc in docs:
        assert _rules.check_object(doc, "") == [], doc
    return docs


def _pod_spec(docs: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    (workload,) = [d for d in docs if d["kind"] == kind]
    spec: dict[str, Any] = workload["spec"] if kind == "Pod" else workload["spec"]["template"]["spec"]
    return spec


def _container(image: str = "nginx:1.27", **props: Any) -> kplus.ContainerProps:
    return kplus.ContainerProps(image=image, port_number=80, security_context=_relaxed(), **props)


def _relaxed() -> kplus.ContainerSecurityContextProps:
    # cdk8s-plus's defaults need a non-root image; these tests are about names, not security
    return kplus.ContainerSecurityContextProps(ensure_non_root=False, read_only_root_filesystem=False)


@pytest.mark.parametrize("scope_kind", SCOPES)
def test_env_from_renders_the_names(scope_kind: str) -> None:
    scope = SCOPES[scope_kind]()
    config = pk.ConfigFromMap(scope, "config", data={"mode": "prod"})
    secret = pk.SecretEnv(scope, "secret", from_literal={"token": "t0ps3cret"})
    shared = pk.ConfigFromMap.from_name("shared-config")
    creds = pk.SecretEnv.from_name("registry-creds")
    web = kplus.Deployment(
        scope,
        "web",
        containers=[_container(env_from=[kplus.Env.from_config_map(config), kplus.Env.from_secret(secret)])],
    )
    web.containers[0].env.copy_from(kplus.Env.from_config_map(shared, "SHARED_"))
    web.containers[0].env.copy_from(kplus.Env.from_secret(creds))

    spec = _pod_spec(_objects(scope), "Deployment")

    assert spec["containers"][0]["envFrom"] == [
        {"configMapRef": {"name": "config"}},
        {"secretRef": {"name": "secret"}},
        {"configMapRef": {"name": "shared-config"}, "prefix": "SHARED_"},
        {"secretRef": {"name": "registry-creds"}},
    ]


@pytest.mark.parametrize("scope_kind", SCOPES)
def test_env_values_render_the_name_and_key(scope_kind: str) -> None:
    scope = SCOPES[scope_kind]()
    config = pk.ConfigFromMap(scope, "config", data={"mode": "prod", "level": "info"})
    secret = pk.SecretEnv(scope, "secret", from_literal={"token": "t0ps3cret"})
    db = pk.SecretEnv.from_name("db", keys=["password"])
    container = _container(
        env_variables={
            "MODE": kplus.EnvValue.from_config_map(config, "mode"),
            "LEVEL": kplus.EnvValue.from_config_map(config, "level", optional=True),
            "TOKEN": kplus.EnvValue.from_secret_value(kplus.SecretValue(secret=secret, key="token")),
            "DB_PASSWORD": db.env_value("password", optional=False),
        }
    )
    kplus.Pod(scope, "pod", containers=[container])

    spec = _pod_spec(_objects(scope), "Pod")

    assert spec["containers"][0]["env"] == [
        {"name": "MODE", "valueFrom": {"configMapKeyRef": {"key": "mode", "name": "config"}}},
        {
            "name": "LEVEL",
            "valueFrom": {"configMapKeyRef": {"key": "level", "name": "config", "optional": True}},
        },
        {"name": "TOKEN", "valueFrom": {"secretKeyRef": {"key": "token", "name": "secret"}}},
        {
            "name": "DB_PASSWORD",
            "valueFrom": {"secretKeyRef": {"key": "password", "name": "db", "optional": False}},
        },
    ]


@pytest.mark.parametrize("scope_kind", SCOPES)
def test_volumes_render_the_names(scope_kind: str) -> None:
    scope = SCOPES[scope_kind]()
    config = pk.ConfigFromMap(scope, "config", data={"app.yaml": "a: 1"})
    secret = pk.SecretEnv(scope, "secret", from_literal={"tls.key": "k"})
    ca = pk.ConfigFromMap.from_name("ca-bundle")
    pod = kplus.Pod(scope, "pod", containers=[_container()])
    for volume, at in (
        (kplus.Volume.from_config_map(scope, "config-volume", config), "/etc/app"),
        (kplus.Volume.from_secret(scope, "secret-volume", secret, default_mode=0o400), "/etc/tls"),
        (kplus.Volume.from_config_map(scope, "ca-volume", ca, name="ca"), "/etc/ca"),
    ):
        pod.containers[0].mount(at, volume)

    spec = _pod_spec(_objects(scope), "Pod")

    assert spec["volumes"] == [
        {"configMap": {"name": "config"}, "name": "configmap-config"},
        {"name": "secret-secret", "secret": {"defaultMode": 0o400, "secretName": "secret"}},
        {"configMap": {"name": "ca-bundle"}, "name": "ca"},
    ]


@pytest.mark.parametrize("scope_kind", SCOPES)
def test_content_hash_names_are_the_final_names(scope_kind: str) -> None:
    # GIVEN content-hash objects, complete before they are handed to cdk8s-plus
    scope = SCOPES[scope_kind]()
    config = pk.ConfigFromMap(scope, "config", data={"mode": "prod"}, content_hash=True)
    secret = pk.SecretEnv(scope, "secret", from_literal={"token": "t0ps3cret"}, content_hash=True)
    container = _container(
        env_from=[kplus.Env.from_config_map(config)],
        env_variables={
            "TOKEN": kplus.EnvValue.from_secret_value(kplus.SecretValue(secret=secret, key="token"))
        },
    )
    pod = kplus.Pod(scope, "pod", containers=[container])
    pod.add_volume(kplus.Volume.from_config_map(scope, "config-volume", config))

    docs = _objects(scope)
    spec = _pod_spec(docs, "Pod")

    # THEN the pod names the objects exactly as they are written
    config_name = by_name(docs, config.name, "ConfigMap")["metadata"]["name"]
    secret_name = by_name(docs, secret.name, "Secret")["metadata"]["name"]
    assert config_name.startswith("config-") and secret_name.startswith("secret-")
    assert spec["containers"][0]["envFrom"] == [{"configMapRef": {"name": config_name}}]
    assert spec["containers"][0]["env"] == [
        {"name": "TOKEN", "valueFrom": {"secretKeyRef": {"key": "token", "name": secret_name}}}
    ]
    assert spec["volumes"] == [{"configMap": {"name": config_name}, "name": f"configmap-{config_name}"}]


def test_env_from_reads_the_name_at_synth() -> None:
    # cdk8s-plus's EnvFrom asks for the name when it renders, so content added later counts
    chart = cdk8s.Testing.chart()
    config = pk.ConfigFromMap(chart, "config", data={"mode": "prod"}, content_hash=True)
    kplus.Pod(chart, "pod", containers=[_container(env_from=[kplus.Env.from_config_map(config)])])
    before = config.name
    config.add_literal("level", "info")

    spec = _pod_spec(_objects(chart), "Pod")

    assert config.name != before
    assert spec["containers"][0]["envFrom"] == [{"configMapRef": {"name": config.name}}]


def test_fails_adding_data_to_a_content_hash_config_map_whose_name_cdk8s_plus_kept() -> None:
    # EnvValue.from_config_map reads the name when called: a later key would rename the
    # ConfigMap and leave the pod pointing at a name nothing writes
    chart = cdk8s.Testing.chart()
    config = pk.ConfigFromMap(chart, "cfg", data={"a": "1"}, content_hash=True)
    value = kplus.EnvValue.from_config_map(config, "a")
    kept = config.name
    with pytest.raises(pk.PodkitError) as e:
        config.add_literal("b", "2")
    assert str(e.value) == (
        f"[{config.path}] add_literal('b', ...): this content-hash ConfigMap's name {kept!r} was already "
        "handed to Node (a cdk8s-plus EnvValue or Volume keeps it), and new data would change it; add all "
        "data before handing the object to cdk8s-plus, or use content_hash=False"
    )
    kplus.Pod(chart, "pod", containers=[_container(env_variables={"A": value})])
    spec = _pod_spec(_objects(chart), "Pod")
    assert spec["containers"][0]["env"][0]["valueFrom"]["configMapKeyRef"]["name"] == kept == config.name
    # reading the name in Python does not freeze anything
    other = pk.ConfigFromMap(chart, "other", data={"a": "1"}, content_hash=True)
    assert other.name
    other.add_literal("b", "2")


def test_an_external_secret_serves_every_member_to_node() -> None:
    chart = cdk8s.Testing.chart()
    external = pk.ExternalSecret(
        chart, "db", store=pk.SecretStoreRef("vault"), data={"password": pk.RemoteRef("db/password")}
    )
    from jsii._kernel import _get_overides

    served = {o.property or o.method for o in _get_overides(type(external), external)}
    assert {"name", "kind", "apiVersion", "resourceType", "envValue"} <= served


def test_a_sealed_secret_is_consumed_as_its_secret(tmp_path: Any) -> None:
    from podkit import _sealing
    from tests.sealing_helpers import CERT

    chart = pk.Chart(pk.App(), "chart")
    sealed = pk.SealedSecret(
        chart,
        "db",
        sealing=pk.Sealing(store=tmp_path / "s.yaml"),
        from_literal={"password": "pw"},
        namespace="ns",
    )
    _sealing.seal_app([sealed], store_path=tmp_path / "s.yaml", cert_path=CERT)
    container = _container(
        env_variables={
            "PASSWORD": kplus.EnvValue.from_secret_value(kplus.SecretValue(secret=sealed, key="password"))
        }
    )
    kplus.Pod(chart, "pod", containers=[container])

    spec = _pod_spec(_objects(chart), "Pod")

    assert spec["containers"][0]["env"] == [
        {"name": "PASSWORD", "valueFrom": {"secretKeyRef": {"key": "password", "name": "db"}}}
    ]


def test_an_external_secret_is_consumed_as_its_target_secret() -> None:
    chart = cdk8s.Testing.chart()
    external = pk.ExternalSecret(
        chart,
        "db",
        store=pk.SecretStoreRef("vault"),
        data={"password": pk.RemoteRef("db/password")},
        target_name="db-creds",
    )
    kplus.Pod(chart, "pod", containers=[_container(env_from=[kplus.Env.from_secret(external)])])

    spec = _pod_spec(_objects(chart), "Pod")

    assert spec["containers"][0]["envFrom"] == [{"secretRef": {"name": "db-creds"}}]


def test_the_cdk8s_plus_members() -> None:
    chart = cdk8s.Testing.chart()
    objects = [
        pk.ConfigFromMap(chart, "config", data={"k": "v"}),
        pk.SecretEnv(chart, "secret", from_literal={"k": "v"}),
        pk.ConfigFromMap.from_name("shared"),
        pk.SecretEnv.from_name("creds"),
    ]

    members = [
        (o.name, o.kind, o.api_version, o.api_group, o.resource_type, o.resource_name) for o in objects
    ]

    assert members == [
        ("config", "ConfigMap", "v1", "", "configmaps", "config"),
        ("secret", "Secret", "v1", "", "secrets", "secret"),
        ("shared", "ConfigMap", "v1", "", "configmaps", "shared"),
        ("creds", "Secret", "v1", "", "secrets", "creds"),
    ]


def test_each_declares_its_own_interface_once_handed_to_node() -> None:
    chart = cdk8s.Testing.chart()
    config = pk.ConfigFromMap(chart, "config", data={"k": "v"})
    ref = pk.SecretEnv.from_name("creds")
    assert ref.__jsii_ref__ is ref.__jsii_ref__  # one Node object per reference, made on first use

    # what jsii sent Node when it created them (jsii.implements, applied by podkit._kplus)
    assert kplus.IConfigMap in vars(type(config))["__jsii_ifaces__"]
    # SecretRef extends ConfigMapRef in Python; in Node it is a Secret only
    assert vars(type(ref))["__jsii_ifaces__"] == [kplus.ISecret]


def test_missing_key_through_cdk8s_plus_is_not_caught() -> None:
    # Documented limitation: cdk8s-plus renders the pod, not podkit, and does not tell podkit
    # which key it uses; a podkit container's missing key fails synth (test_config_map.py).
    chart = cdk8s.Testing.chart()
    config = pk.ConfigFromMap(chart, "config", data={"mode": "prod"})
    kplus.Pod(
        chart,
        "pod",
        containers=[_container(env_variables={"X": kplus.EnvValue.from_config_map(config, "nope")})],
    )

    spec = _pod_spec(_objects(chart), "Pod")

    assert spec["containers"][0]["env"] == [
        {"name": "X", "valueFrom": {"configMapKeyRef": {"key": "nope", "name": "config"}}}
    ]


def test_fails_env_value_of_a_key_a_reference_does_not_have() -> None:
    db = pk.SecretEnv.from_name("db", keys=["password"])
    with pytest.raises(
        pk.MissingReferenceError,
        match=r"^\[db\] uses key 'user' of Secret 'db', which has no such key \(keys: password\); "
        r"add the key or fix the name$",
    ):
        db.env_value("user")


def test_fails_env_value_of_an_invalid_key() -> None:
    config = pk.ConfigFromMap.from_name("shared")
    with pytest.raises(pk.InvalidNameError, match=r"key 'a b' is not a valid ConfigMap/Secret key"):
        config.env_value("a b")


def _run(code: str) -> str:
    out = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, check=False
    )
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_import_podkit_does_not_import_cdk8s_plus() -> None:
    # nor does a podkit.Chart whose objects never meet jsii, through synth
    out = _run(
        """
        import sys
        import podkit as pk
        print("cdk8s_plus_33" in sys.modules)
        app = pk.App()
        chart = pk.Chart(app, "c")
        config = pk.ConfigFromMap(chart, "config", data={"k": "v"})
        pk.SidecarPod(chart, "pod", main=pk.Container(name="c", image="nginx:1.27", env_from=[config]))
        app.synth_documents()
        print("cdk8s_plus_33" in sys.modules)
        """
    )
    assert out.split() == ["False", "False"]


def test_works_without_cdk8s_plus_installed() -> None:
    out = _run(
        """
        import sys
        sys.modules["cdk8s_plus_33"] = None  # what `import` sees when cdk8s-plus is not installed
        import cdk8s
        import podkit as pk

        chart = cdk8s.Testing.chart()
        config = pk.ConfigFromMap(chart, "config", data={"k": "v"}, content_hash=True)
        secret = pk.SecretEnv.from_name("creds")
        pk.SidecarPod(chart, "pod", main=pk.Container(name="c", image="nginx:1.27", env_from=[config, secret]))
        docs = cdk8s.Testing.synth(chart)
        print(sorted(d["kind"] for d in docs), docs[-1]["spec"]["containers"][0]["envFrom"])
        print([i.__name__ for i in type(config).__jsii_ifaces__])
        try:
            secret.env_value("token")
        except ModuleNotFoundError as e:
            print(e)
        """
    )
    assert out.splitlines() == [
        "['ConfigMap', 'Pod'] [{'configMapRef': {'name': 'config-" + out.split("config-")[1][:10] + "'}}, "
        "{'secretRef': {'name': 'creds'}}]",
        "['IConstruct']",
        "[creds] env_value('token') makes a cdk8s-plus EnvValue, but cdk8s_plus_33 is not installed: "
        "install cdk8s-plus-33, or for a podkit container use value('token')",
    ]
