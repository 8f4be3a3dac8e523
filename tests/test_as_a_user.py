"""podkit tried the way its users will: hostile input at public parameters, a plain
``cdk8s.Testing.chart()``, escape-hatch patches, and secret values in every error path.

Each mistake must raise a podkit exception (``PodkitError``/``PodkitTypeError``) at the call
that received it, naming the construct path, the value and the fix; never a bare
TypeError/AttributeError/AssertionError from deep inside, and never accepted and written.
A secret value must never appear in a message, repr, warning or redacted output.
"""

# Wrong types are the point of this module: mypy would reject them at the call sites.
# mypy: disable-error-code="arg-type, list-item, call-overload, dict-item"

from __future__ import annotations

import base64
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cdk8s
import pytest

import podkit as pk
from podkit.testing import redact

SECRET = "s3cr3t-VALUE-123"
SECRET_B64 = base64.b64encode(SECRET.encode()).decode()


def nginx(**kw: Any) -> pk.Container:
    return pk.Container(name="nginx", image="nginx:1.27", **kw)


def pod(chart: pk.Chart, **kw: Any) -> pk.SidecarPod:
    return pk.SidecarPod(chart, "p", main=kw.pop("main", nginx()), **kw)


def cfg(chart: pk.Chart) -> pk.ConfigFromMap:
    return pk.ConfigFromMap(chart, "cfg", data={"a": "b"})


def assert_no_secret(text: str) -> None:
    assert SECRET not in text and SECRET_B64 not in text, text


# -- 1. wrong Python types raise PodkitTypeError at the call ---------------------------------
# (call, what the message must name). Every row is a parameter documented as a list/path/bool.
WRONG_TYPES: list[tuple[str, Callable[[pk.Chart], object], str]] = [
    # a non-iterable where a list belongs: today a bare "'int' object is not iterable"
    ("Container command=int", lambda c: nginx(command=5), "command"),
    ("Container args=bool", lambda c: nginx(args=True), "args"),
    ("Probe.exec int", lambda c: pk.Probe.exec(5), "command"),
    ("LifecycleHandler.exec int", lambda c: pk.LifecycleHandler.exec(5), "command"),
    ("ConfigFromMap.from_name keys=int", lambda c: pk.ConfigFromMap.from_name("x", keys=5), "keys"),
    ("SecretEnv.from_name keys=float", lambda c: pk.SecretEnv.from_name("x", keys=1.5), "keys"),
    (
        "ExternalSecret expected_keys=int",
        lambda c: pk.ExternalSecret(
            c, "es", store=pk.SecretStoreRef("s"), data={"a": pk.RemoteRef("k")}, expected_keys=5
        ),
        "expected_keys",
    ),
    (
        "ServiceAccount image_pull_secrets=None",
        lambda c: pk.ServiceAccount(c, "sa", image_pull_secrets=None),
        "image_pull_secrets",
    ),
    ("ConfigFromMap from_file=int", lambda c: pk.ConfigFromMap(c, "cfg", from_file=5), "from_file"),
    (
        "ConfigFromMap from_env_file=int",
        lambda c: pk.ConfigFromMap(c, "cfg", from_env_file=5),
        "from_env_file",
    ),
    # a non-path inside a path list, or to add_file/add_env_file: a bare os.fspath TypeError today
    (
        "ConfigFromMap from_env_file=[int]",
        lambda c: pk.ConfigFromMap(c, "cfg", from_env_file=[5]),
        "from_env_file",
    ),
    ("SecretEnv from_env_file=[None]", lambda c: pk.SecretEnv(c, "s", from_env_file=[None]), "from_env_file"),
    ("ConfigFromMap.add_file(int)", lambda c: pk.ConfigFromMap(c, "cfg").add_file(5), "5"),
    ("ConfigFromMap.add_env_file(None)", lambda c: pk.ConfigFromMap(c, "cfg").add_env_file(None), "None"),
    # a str where a mapping belongs: a bare "dictionary update sequence" ValueError today
    ("DNSConfig options=str", lambda c: pk.DNSConfig(options="ndots:2"), "options"),
    # a non-type as select(kind=): a bare isinstance TypeError today
    ("Chart.select kind=int", lambda c: (pod(c), c.select("", kind=5)), "kind"),
    # a dict where a list belongs: today its keys are silently written as the list
    ("Container command=dict", lambda c: nginx(command={"sh": "-c"}), "command"),
    ("Container args=dict", lambda c: nginx(args={"--port": "80"}), "args"),
    ("Probe.exec dict", lambda c: pk.Probe.exec({"cat": "/tmp/ok"}), "command"),
    ("LifecycleHandler.exec dict", lambda c: pk.LifecycleHandler.exec({"sleep": "5"}), "command"),
    ("ConfigFromMap.from_name keys=dict", lambda c: pk.ConfigFromMap.from_name("x", keys={"a": "b"}), "keys"),
    (
        "LabelRequirement values=dict",
        lambda c: pk.LabelRequirement("tier", pk.LabelSelectorOperator.IN, values={"web": "1"}),
        "values",
    ),
    ("HostAlias hostnames=dict", lambda c: pk.HostAlias("10.0.0.1", {"db": "x"}), "hostnames"),
    # a non-bool flag: today any truthy value is written as `true`
    (
        "Container.mount read_only=str",
        lambda c: nginx().mount(pk.Volume.empty_dir("v"), at="/v", read_only="no"),
        "read_only",
    ),
    (
        "SidecarPod.mount read_only=str",
        lambda c: pod(c).mount(pk.Volume.empty_dir("v"), at="/v", read_only="false"),
        "read_only",
    ),
    ("Mount read_only=int", lambda c: pk.Mount(pk.Volume.empty_dir("v"), "/v", read_only=2), "read_only"),
    (
        "Resources allow_large_cpu=str",
        lambda c: nginx(resources=pk.Resources(cpu_limit="1", allow_large_cpu="no")),
        "allow_large_cpu",
    ),
    # optional=: today only the schema check at synth notices
    ("value(optional=str)", lambda c: cfg(c).value("a", optional="no"), "optional"),
    ("EnvFrom optional=str", lambda c: pk.EnvFrom(cfg(c), optional="no"), "optional"),
    ("add_env_from optional=int", lambda c: nginx().add_env_from(cfg(c), optional=1), "optional"),
    (
        "Volume.from_config_map optional=str",
        lambda c: pk.Volume.from_config_map(cfg(c), optional="no"),
        "optional",
    ),
    (
        "EnvValue.from_key optional=str",
        lambda c: pk.EnvValue.from_key(cfg(c), "a", optional="no"),
        "optional",
    ),
    # EnvValue.from_key's key is not checked: None ends in an AssertionError at synth
    ("EnvValue.from_key key=None", lambda c: pk.EnvValue.from_key(cfg(c), None), "key"),
    ("EnvValue.from_key key=int", lambda c: pk.EnvValue.from_key(cfg(c), 5), "key"),
    ("Probe.http_get host=int", lambda c: pk.Probe.http_get("/", port=80, host=5), "host"),
]


@pytest.mark.parametrize(("what", "call", "names"), WRONG_TYPES, ids=[row[0] for row in WRONG_TYPES])
def test_wrong_python_type_raises_podkit_type_error_at_the_call(
    what: str, call: Callable[[pk.Chart], object], names: str, chart: pk.Chart
) -> None:
    # GIVEN a value of the wrong Python type  WHEN the public call receives it
    # THEN a PodkitTypeError (a TypeError) names the parameter, not a bare builtin error
    with pytest.raises(pk.PodkitTypeError) as err:
        call(chart)
    assert names in str(err.value)


def test_an_unchecked_env_key_never_ends_in_an_assertion_error_at_synth(chart: pk.Chart) -> None:
    # GIVEN EnvValue.from_key(config, None) (no type check today)  WHEN the chart renders
    # THEN a podkit exception, never AssertionError from EnvValue.render
    try:
        pod(chart, main=nginx(env={"A": pk.EnvValue.from_key(cfg(chart), None)}))
        chart.to_json()
    except pk.PodkitException:
        pass


# -- 2. values the API server would reject, accepted and written today -----------------------
INT32_MAX = 2**31 - 1
OUT_OF_RANGE: list[tuple[str, Callable[[pk.Chart], object]]] = [
    ("Deployment replicas", lambda c: pk.Deployment(c, "d", main=nginx(), replicas=INT32_MAX + 1)),
    ("Deployment min_ready_seconds", lambda c: pk.Deployment(c, "d", main=nginx(), min_ready_seconds=2**40)),
    ("Job backoff_limit", lambda c: pk.Job(c, "j", main=nginx(), backoff_limit=INT32_MAX + 1)),
    ("Probe period_seconds", lambda c: nginx(liveness=pk.Probe.exec(["true"], period_seconds=INT32_MAX + 1))),
]


@pytest.mark.parametrize(("what", "call"), OUT_OF_RANGE, ids=[row[0] for row in OUT_OF_RANGE])
def test_int32_fields_reject_values_the_api_server_cannot_decode(
    what: str, call: Callable[[pk.Chart], object], chart: pk.Chart
) -> None:
    # GIVEN an int above 2**31-1 for an int32 field (replicas: 1099511627776 is written today)
    # WHEN the call receives it  THEN a PodkitError says the range
    with pytest.raises(pk.PodkitError, match="2147483647"):
        call(chart)


def test_from_file_empty_string_does_not_read_the_calling_files_folder(chart: pk.Chart) -> None:
    # GIVEN from_file=[""] (kubectl: "stat : no such file")  WHEN a Secret is built
    # THEN a SourceError; today every file beside the caller (app.py and all) becomes a key
    with pytest.raises(pk.SourceError):
        pk.SecretEnv(chart, "s", from_file=[""])


def test_names_valid_only_as_prefixes_are_rejected(chart: pk.Chart) -> None:
    for call in (
        lambda: pk.SidecarPod(chart, "web-", main=nginx()),
        lambda: pk.ConfigFromMap(chart, "cfg-"),
        lambda: pk.SecretEnv.from_name("db-"),
        lambda: pod(chart, labels={"example.com/": "x"}),
        lambda: pod(chart, labels={"app": "web-"}),
        lambda: nginx(env_from=[pk.EnvFrom(pk.ConfigFromMap.from_name("c"), prefix="1_")]),
    ):
        with pytest.raises(pk.InvalidNameError):
            call()


@pytest.mark.parametrize("bad", ["web\n", "a\x01b", "", "ünï", "x" * 300])
def test_hostile_strings_for_names_raise_invalid_name_error(bad: str, chart: pk.Chart) -> None:
    for call in (
        lambda: pk.Container(name=bad, image="nginx"),
        lambda: pk.Container(name="n", image=bad),
        lambda: pod(chart, namespace=bad),
        lambda: pk.ConfigFromMap(chart, "cfg", data={bad: "v"}),
        lambda: pod(chart, annotations={bad: "v"}),
    ):
        with pytest.raises(pk.PodkitError):
            call()


# -- 3. every public construct in a plain cdk8s.Testing.chart() ------------------------------
def test_every_construct_in_a_plain_cdk8s_testing_chart() -> None:
    chart = cdk8s.Testing.chart()
    settings = pk.ConfigFromMap(chart, "settings", data={"a": "b"})
    creds = pk.SecretEnv(chart, "creds", from_literal={"password": SECRET})
    http = pk.Port(80, name="http")
    main = nginx(ports=[http], env={"A": settings.value("a"), "P": creds.value("password")})
    web = pk.Deployment(chart, "web", main=main)
    pk.Service(chart, "svc", target=web, ports=[http])
    pk.Namespace(chart, "ns")
    reg = pk.SecretEnv.docker_registry(chart, "reg", username="u", password=SECRET)
    pk.ServiceAccount(chart, "sa", image_pull_secrets=[reg])
    pk.PersistentVolumeClaim(chart, "data", size="1Gi", access_modes=[pk.AccessMode.READ_WRITE_ONCE])
    pk.Job(chart, "job", main=pk.Container(name="j", image="busybox"))
    pk.CronJob(chart, "cron", schedule="*/5 * * * *", main=pk.Container(name="j", image="busybox"))
    pk.DaemonSet(chart, "ds", main=pk.Container(name="j", image="busybox"))
    pk.StatefulSet(chart, "ss", main=pk.Container(name="j", image="busybox"))
    pk.ExternalSecret(chart, "es", store=pk.SecretStoreRef("vault"), data={"pw": pk.RemoteRef("db/pw")})
    pk.SidecarPod(chart, "pod", main=pk.Container(name="j", image="busybox"))

    docs = cdk8s.Testing.synth(chart)
    kinds = {d["kind"] for d in docs}
    assert kinds >= {"ConfigMap", "Secret", "Deployment", "Service", "Namespace", "ServiceAccount"}
    assert kinds >= {
        "PersistentVolumeClaim",
        "Job",
        "CronJob",
        "DaemonSet",
        "StatefulSet",
        "ExternalSecret",
        "Pod",
    }

    # escape hatch: patches apply to podkit objects
    cdk8s.ApiObject.of(web).add_json_patch(cdk8s.JsonPatch.add("/spec/replicas", 5))
    cdk8s.ApiObject.of(creds).add_json_patch(cdk8s.JsonPatch.add("/metadata/labels", {"x": "y"}))
    docs = cdk8s.Testing.synth(chart)
    assert [d["spec"]["replicas"] for d in docs if d["kind"] == "Deployment"] == [5]
    assert {"x": "y"} in [d["metadata"].get("labels") for d in docs if d["kind"] == "Secret"]

    # a schema-invalid patch surfaces as a podkit SynthError from cdk8s's own synth
    cdk8s.ApiObject.of(web).add_json_patch(cdk8s.JsonPatch.add("/spec/replicas", "five"))
    with pytest.raises(pk.SynthError, match=r"spec\.replicas: expected integer"):
        cdk8s.Testing.synth(chart)


# -- 4. a secret value never appears -----------------------------------------------------------
def _messages(call: Callable[[], object]) -> str:
    """Everything a user sees from ``call``: the exception, its problems, or repr/str."""
    try:
        result = call()
    except Exception as e:
        return f"{e}\n{e!r}\n" + "\n".join(repr(p) for p in getattr(e, "problems", []))
    return f"{result!r}\n{result}"


def _patched_secret(chart: pk.Chart, patch: cdk8s.JsonPatch) -> pk.SecretEnv:
    secret = pk.SecretEnv(chart, "s", from_literal={"a": SECRET}, string_data=True)
    cdk8s.ApiObject.of(secret).add_json_patch(patch)
    return secret


SECRET_PATHS: list[tuple[str, Callable[[pk.Chart, Path], object]]] = [
    ("repr of a SecretEnv", lambda c, t: pk.SecretEnv(c, "s", from_literal={"a": SECRET})),
    (
        "repr of docker_registry",
        lambda c, t: pk.SecretEnv.docker_registry(c, "s", username="u", password=SECRET),
    ),
    ("literal of wrong type", lambda c, t: pk.SecretEnv(c, "s", from_literal={"a": [SECRET]})),
    ("literal as bytes", lambda c, t: pk.SecretEnv(c, "s", from_literal={"a": SECRET.encode()})),
    (
        "docker password list",
        lambda c, t: pk.SecretEnv.docker_registry(c, "s", username="u", password=[SECRET]),
    ),
    ("docker without username", lambda c, t: pk.SecretEnv.docker_registry(c, "s", password=SECRET)),
    (
        "forbid_inline_secrets",
        lambda c, t: _synth(
            pk.SecretEnv(
                pk.Chart(c.node.scope, "f", forbid_inline_secrets=True), "s", from_literal={"a": SECRET}
            )
        ),
    ),
    (
        "tls Secret without its keys",
        lambda c, t: _synth(pk.SecretEnv(c, "s", from_literal={"a": SECRET}, type=pk.SecretType.TLS)),
    ),
    (
        "patch: int in stringData",
        lambda c, t: _synth(_patched_secret(c, cdk8s.JsonPatch.add("/stringData/b", 5))),
    ),
    (
        "patch: test op fails",
        lambda c, t: _synth(_patched_secret(c, cdk8s.JsonPatch.test("/stringData/a", "x"))),
    ),
    ("patch: bad path", lambda c, t: _synth(_patched_secret(c, cdk8s.JsonPatch.replace("/nope/x", SECRET)))),
    (
        "patch: plain text in data",
        lambda c, t: _synth(_patched_secret(c, cdk8s.JsonPatch.add("/data", {"b": SECRET}))),
    ),
    # a Secret's value copied into a wrong-typed field: today the schema message prints it
    (
        "patch: value copied to immutable",
        lambda c, t: _synth(
            _patched_secret(c, cdk8s.JsonPatch.copy(from_="/stringData/a", path="/immutable"))
        ),
    ),
    (
        "patch: value copied to annotations",
        lambda c, t: _synth(
            _patched_secret(c, cdk8s.JsonPatch.copy(from_="/stringData/a", path="/metadata/annotations"))
        ),
    ),
    ("env file: a line with the bare value", lambda c, t: _env_file(c, t, f"{SECRET}\n")),
    ("env file: a line without '='", lambda c, t: _env_file(c, t, f"DB_PASSWORD {SECRET}\n")),
    ("env file: 'export'", lambda c, t: _env_file(c, t, f"export DB={SECRET}\n")),
]


def _synth(secret: pk.SecretEnv) -> list[Any]:
    chart = secret.node.scope
    assert isinstance(chart, pk.Chart)
    return chart.to_json()


def _env_file(chart: pk.Chart, tmp: Path, text: str) -> pk.SecretEnv:
    (tmp / "db.env").write_text(text)
    return pk.SecretEnv(chart, "s", from_env_file=[tmp / "db.env"])


@pytest.mark.parametrize(("what", "call"), SECRET_PATHS, ids=[row[0] for row in SECRET_PATHS])
def test_a_secret_value_never_appears(
    what: str, call: Callable[[pk.Chart, Path], object], chart: pk.Chart, tmp_path: Path
) -> None:
    os.environ.pop(SECRET, None)
    with _NoSecretInWarnings():
        text = _messages(lambda: call(chart, tmp_path))
    assert_no_secret(text)


class _NoSecretInWarnings:
    """Record warnings and assert none of them carries the secret."""

    def __enter__(self) -> None:
        import warnings

        self._cm = warnings.catch_warnings(record=True)
        self._log = self._cm.__enter__()
        warnings.simplefilter("always")

    def __exit__(self, *exc: object) -> None:
        log = self._log
        self._cm.__exit__(*exc)
        for w in log or []:
            assert_no_secret(str(w.message))


def test_from_environment_value_never_appears(chart: pk.Chart, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PODKIT_USER_DB_PASSWORD", SECRET)
    secret = pk.SecretEnv(chart, "s", from_environment={"password": "PODKIT_USER_DB_PASSWORD"})
    secret_tls = pk.SecretEnv(
        chart, "t", from_environment={"k": "PODKIT_USER_DB_PASSWORD"}, type=pk.SecretType.TLS
    )
    assert_no_secret(repr(secret) + str(secret) + repr(secret_tls))
    assert_no_secret(_messages(chart.to_json))


def test_redact_hides_values_in_every_shape_podkit_returns(app: pk.App) -> None:
    chart = pk.Chart(app, "web")
    pk.SecretEnv(chart, "a", from_literal={"k": SECRET})
    pk.SecretEnv(chart, "b", from_literal={"k": SECRET}, string_data=True)
    for shape in (app.synth_documents(), app.synth_yaml(), chart.to_json(), chart.to_json()[0]):
        assert_no_secret(str(redact(shape)))
