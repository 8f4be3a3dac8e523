"""SecretEnv: base64 data or stringData, typed types, values from the environment,
references, the GitOps guard, and values that never leak (S1-S7)."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from syrupy.assertion import SnapshotAssertion

import podkit as pk
from podkit.testing import redact, snapshot_extension
from tests.k8s import by_name, synth

SNAPSHOTS = Path(__file__).parent / "__snapshots__"
KNOWN_SECRET = "correct-horse-battery-staple"


def test_data_is_base64_like_kubectl_and_the_notes(chart: pk.Chart) -> None:
    pk.SecretEnv(chart, "mysecret", from_literal={"username": "admin", "password": "password"})
    assert synth(chart) == [
        {
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {"name": "mysecret"},
            "type": "Opaque",
            # echo -ne admin | base64 -> YWRtaW4= ; echo -ne password | base64 -> cGFzc3dvcmQ=
            "data": {"username": "YWRtaW4=", "password": "cGFzc3dvcmQ="},
        }
    ]


def test_string_data_when_asked(chart: pk.Chart) -> None:
    pk.SecretEnv(chart, "s", from_literal={"token": "abc"}, string_data=True)
    (obj,) = synth(chart)
    assert obj["stringData"] == {"token": "abc"}
    assert "data" not in obj


def test_fails_on_binary_value_in_string_data(chart: pk.Chart, tmp_path: Path) -> None:
    (tmp_path / "key.bin").write_bytes(b"\xff\x00")
    pk.SecretEnv(chart, "s", from_file=[tmp_path / "key.bin"], string_data=True)
    with pytest.raises(
        pk.SynthError, match=r"\[test/s\] key 'key.bin' is binary, which stringData cannot hold"
    ):
        chart.to_json()


def test_binary_file_goes_to_data(chart: pk.Chart, tmp_path: Path) -> None:
    (tmp_path / "key.bin").write_bytes(b"\xff\x00\x01")
    pk.SecretEnv(
        chart, "s", from_file=[f"ssh-privatekey={tmp_path / 'key.bin'}"], type=pk.SecretType.SSH_AUTH
    )
    (obj,) = synth(chart)
    assert obj["type"] == "kubernetes.io/ssh-auth"
    assert base64.b64decode(obj["data"]["ssh-privatekey"]) == b"\xff\x00\x01"


@pytest.mark.parametrize(
    ("secret_type", "keys"),
    [
        (pk.SecretType.TLS, {"tls.crt": "c", "tls.key": "k"}),
        (pk.SecretType.BASIC_AUTH, {"username": "u"}),
        (pk.SecretType.DOCKER_CONFIG_JSON, {".dockerconfigjson": '{"auths": {}}'}),
        (pk.SecretType.SSH_AUTH, {"ssh-privatekey": "k"}),
    ],
)
def test_builtin_types_with_their_keys(
    chart: pk.Chart, secret_type: pk.SecretType, keys: dict[str, str]
) -> None:
    pk.SecretEnv(chart, "s", from_literal=keys, type=secret_type)
    assert synth(chart)[0]["type"] == secret_type.value


def test_fails_on_a_type_without_its_keys(chart: pk.Chart) -> None:
    pk.SecretEnv(chart, "tls", from_literal={"tls.crt": KNOWN_SECRET}, type=pk.SecretType.TLS)
    with pytest.raises(
        pk.SynthError,
        match=r"\[test/tls\] a kubernetes.io/tls Secret needs key tls.crt and tls.key; it has tls.crt",
    ) as err:
        chart.to_json()
    assert KNOWN_SECRET not in str(err.value)


def test_service_account_token_needs_its_annotation(chart: pk.Chart) -> None:
    pk.SecretEnv(chart, "t", type=pk.SecretType.SERVICE_ACCOUNT_TOKEN)
    with pytest.raises(pk.SynthError, match=r"needs the annotation 'kubernetes.io/service-account.name'"):
        chart.to_json()


def test_fails_on_a_free_string_type(chart: pk.Chart) -> None:
    with pytest.raises(
        pk.PodkitTypeError, match=r"type must be a SecretType \(e.g. SecretType.TLS\), got 'Opaque'"
    ):
        pk.SecretEnv(chart, "s", type="Opaque")  # type: ignore[arg-type]


def test_value_from_the_environment(chart: pk.Chart, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DB_PASSWORD", KNOWN_SECRET)
    pk.SecretEnv(chart, "db", from_environment={"password": "DB_PASSWORD"})
    assert synth(chart)[0]["data"] == {"password": base64.b64encode(KNOWN_SECRET.encode()).decode()}


def test_fails_on_an_unset_environment_variable(chart: pk.Chart, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DB_PASSWORD", raising=False)
    pk.SecretEnv(chart, "db", from_environment={"password": "DB_PASSWORD"})
    with pytest.raises(
        pk.SynthError,
        match=r"\[test/db\] key 'password' takes its value from environment variable 'DB_PASSWORD', which is not set",
    ):
        chart.to_json()


def test_consumed_three_ways(chart: pk.Chart, snapshot_yaml: SnapshotAssertion) -> None:
    sec = pk.SecretEnv(chart, "ex-secret", from_literal={"example": KNOWN_SECRET, "other": "x"})
    main = pk.Container(
        name="ex-env",
        image="foo/bar",
        env={"foo-env": sec.value("example")},
        env_from=[pk.EnvFrom(sec, prefix="S_")],
    )
    pod = pk.SidecarPod(chart, "ex-env", main=main)
    pod.mount(
        pk.Volume.from_secret(sec, name="ex-volume", items={"example": "example.txt"}, default_mode=0o400),
        at="/s",
    )
    objs = synth(chart)
    spec = by_name(objs, "ex-env")["spec"]
    assert spec["containers"][0]["env"] == [
        {"name": "foo-env", "valueFrom": {"secretKeyRef": {"name": "ex-secret", "key": "example"}}}
    ]
    assert spec["containers"][0]["envFrom"] == [{"secretRef": {"name": "ex-secret"}, "prefix": "S_"}]
    assert spec["volumes"] == [
        {
            "name": "ex-volume",
            "secret": {
                "secretName": "ex-secret",
                "items": [{"key": "example", "path": "example.txt"}],
                "defaultMode": 0o400,
            },
        }
    ]
    assert objs == snapshot_yaml


def test_reference_to_a_cluster_secret(chart: pk.Chart) -> None:
    db = pk.SecretEnv.from_name("db-credentials", keys=["username", "password"])
    pod = pk.SidecarPod(
        chart, "p", main=pk.Container(name="c", image="x", env={"PW": db.value("password")}, env_from=[db])
    )
    pod.mount(pk.Volume.from_secret(db), at="/db")
    (obj,) = synth(chart)
    assert obj["spec"]["volumes"] == [{"name": "db-credentials", "secret": {"secretName": "db-credentials"}}]


def test_fails_on_a_key_the_referenced_secret_does_not_have() -> None:
    db = pk.SecretEnv.from_name("db-credentials", keys=["username", "password"])
    with pytest.raises(
        pk.MissingReferenceError,
        match=r"uses key 'pasword' of Secret 'db-credentials', which has no such key",
    ):
        db.value("pasword")


def test_guard_fails_synth_naming_the_secret(app: pk.App) -> None:
    prod = pk.Chart(app, "prod", forbid_inline_secrets=True)
    pk.SecretEnv(prod, "db", from_literal={"password": KNOWN_SECRET})
    with pytest.raises(
        pk.SynthError,
        match=r"\[prod/db\] Secret 'db' would write values \(keys: password\) to the manifests, but chart 'prod' "
        r"forbids inline secrets .*SecretEnv.from_name\('db', keys=\[...\]\)",
    ) as err:
        app.synth()
    assert KNOWN_SECRET not in str(err.value)


def test_guard_allows_references(app: pk.App) -> None:
    prod = pk.Chart(app, "prod", forbid_inline_secrets=True)
    db = pk.SecretEnv.from_name("db", keys=["password"])
    pk.SidecarPod(prod, "p", main=pk.Container(name="c", image="x", env={"PW": db.value("password")}))
    assert len(synth(prod)) == 1


def test_values_never_in_repr_or_errors(chart: pk.Chart) -> None:
    sec = pk.SecretEnv(chart, "s", from_literal={"password": KNOWN_SECRET})
    assert KNOWN_SECRET not in repr(sec)
    assert repr(sec) == "<SecretEnv test/s type=Opaque keys=['password']>"
    with pytest.raises(pk.DuplicateError) as err:
        sec.add_literal("password", KNOWN_SECRET)
    assert KNOWN_SECRET not in str(err.value)


def test_snapshots_redact_values() -> None:
    docs = [
        {
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {"name": "s"},
            "data": {"k": "c2VjcmV0"},
            "stringData": {"p": KNOWN_SECRET},
        }
    ]
    text = snapshot_extension()().serialize(docs)
    assert KNOWN_SECRET not in text and "c2VjcmV0" not in text
    assert "k: <redacted>" in text and "p: <redacted>" in text
    assert redact(docs)[0]["metadata"] == {"name": "s"}


def test_no_snapshot_file_contains_a_secret_value() -> None:
    encoded = base64.b64encode(KNOWN_SECRET.encode()).decode()
    files = list(SNAPSHOTS.rglob("*.yaml"))
    assert files, "no snapshot files found"
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert KNOWN_SECRET not in text, path
        assert encoded not in text, path


def test_content_hash_for_secrets(app: pk.App) -> None:
    names = []
    for i, value in enumerate(("a", "a", "b")):
        chart = pk.Chart(app, f"c{i}")
        names.append(pk.SecretEnv(chart, "s", from_literal={"k": value}, content_hash=True).name)
    assert names[0] == names[1] != names[2]


def test_fails_on_from_environment_given_as_a_list(chart: pk.Chart) -> None:
    with pytest.raises(
        pk.PodkitTypeError, match=r"\[test/s\] from_environment must be a mapping of str to str"
    ):
        pk.SecretEnv(chart, "s", from_environment=[("pin", "PIN")])  # type: ignore[arg-type]


@pytest.mark.parametrize("flag", ["string_data", "immutable", "content_hash"])
def test_fails_on_a_flag_given_as_a_str(chart: pk.Chart, flag: str) -> None:
    # "false" would be truthy
    with pytest.raises(pk.PodkitTypeError, match=rf"\[test/s\] {flag} must be a bool, got str 'false'"):
        pk.SecretEnv(chart, "s", from_literal={"k": KNOWN_SECRET}, **{flag: "false"})  # type: ignore[arg-type]
    assert chart.podkit_objects == []
