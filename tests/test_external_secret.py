"""ExternalSecret: the typed spec, validation where the value arrives, and consumption as a Secret."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import podkit as pk
from podkit.external_secret import (
    CreationPolicy,
    ExternalSecret,
    Extract,
    RemoteRef,
    SecretStoreRef,
    StoreKind,
)
from tests.k8s import by_name

VAULT = SecretStoreRef("vault")


def synth(chart: pk.Chart) -> list[dict[str, Any]]:
    # tests.k8s.synth checks with kubernetes-validate, which knows no CRDs; podkit's own
    # synth checks ExternalSecret against its CRD schema (test_crd_schema.py)
    return list(chart.to_json())


def test_renders_the_operators_spec(chart: pk.Chart) -> None:
    ExternalSecret(
        chart,
        "api-token",
        store=SecretStoreRef("aws", kind=StoreKind.CLUSTER_SECRET_STORE),
        data={
            "token": RemoteRef("prod/api", property="token", version="AWSCURRENT"),
            "url": RemoteRef("prod/url"),
        },
        refresh_interval="1h30m",
        target_name="api-token-secret",
        creation_policy=CreationPolicy.OWNER,
        labels={"app": "web"},
    )
    assert synth(chart) == [
        {
            "apiVersion": "external-secrets.io/v1",
            "kind": "ExternalSecret",
            "metadata": {"name": "api-token", "labels": {"app": "web"}},
            "spec": {
                "secretStoreRef": {"name": "aws", "kind": "ClusterSecretStore"},
                "target": {"name": "api-token-secret", "creationPolicy": "Owner"},
                "refreshInterval": "1h30m",
                "data": [
                    {
                        "secretKey": "token",
                        "remoteRef": {"key": "prod/api", "property": "token", "version": "AWSCURRENT"},
                    },
                    {"secretKey": "url", "remoteRef": {"key": "prod/url"}},
                ],
            },
        }
    ]


def test_data_from_extract_with_a_template_type(chart: pk.Chart) -> None:
    ExternalSecret(
        chart,
        "tls",
        store=VAULT,
        data_from=[Extract("certs/web")],
        expected_keys=["tls.crt", "tls.key"],
        secret_type=pk.SecretType.TLS,
    )
    (obj,) = synth(chart)
    assert obj["spec"] == {
        "secretStoreRef": {"name": "vault", "kind": "SecretStore"},
        "target": {"name": "tls", "template": {"type": "kubernetes.io/tls"}},
        "dataFrom": [{"extract": {"key": "certs/web"}}],
    }


def test_keys_are_data_keys_plus_expected_keys_or_unknown() -> None:
    chart = pk.Chart(pk.App(), "c")
    both = ExternalSecret(chart, "a", store=VAULT, data={"pw": RemoteRef("x")}, expected_keys=["user"])
    assert both.known_keys() == {"pw", "user"}
    assert both.keys() == ["pw", "user"]
    # an extract without declared keys: anything may be there, consumers are not checked
    unknown = ExternalSecret(chart, "b", store=VAULT, data={"pw": RemoteRef("x")}, data_from=[Extract("y")])
    assert unknown.known_keys() is None


def test_consumed_as_env_and_env_from_like_a_secret_env(chart: pk.Chart) -> None:
    es = ExternalSecret(chart, "api", store=VAULT, data={"token": RemoteRef("api")}, target_name="api-secret")
    main = pk.Container(
        name="c", image="x", env={"TOKEN": es.value("token")}, env_from=[pk.EnvFrom(es, prefix="API_")]
    )
    pk.SidecarPod(chart, "p", main=main)
    spec = by_name(synth(chart), "p")["spec"]
    assert spec["containers"][0]["env"] == [
        {"name": "TOKEN", "valueFrom": {"secretKeyRef": {"name": "api-secret", "key": "token"}}}
    ]
    assert spec["containers"][0]["envFrom"] == [{"secretRef": {"name": "api-secret"}, "prefix": "API_"}]


def test_consumed_as_a_volume_with_items(chart: pk.Chart) -> None:
    es = ExternalSecret(chart, "api", store=VAULT, data={"token": RemoteRef("api")})
    pod = pk.SidecarPod(chart, "p", main=pk.Container(name="c", image="x"))
    pod.mount(pk.Volume.from_secret(es, items={"token": "token.txt"}), at="/api")
    assert by_name(synth(chart), "p")["spec"]["volumes"] == [
        {"name": "api", "secret": {"secretName": "api", "items": [{"key": "token", "path": "token.txt"}]}}
    ]


def test_fails_when_a_consumer_uses_an_undeclared_key(chart: pk.Chart) -> None:
    es = ExternalSecret(chart, "api", store=VAULT, data={"token": RemoteRef("api")})
    pk.SidecarPod(chart, "p", main=pk.Container(name="c", image="x", env={"T": es.value("tokn")}))
    with pytest.raises(
        pk.PodkitError, match=r"uses key 'tokn' of .*'test/api', which has no such key \(keys: token\)"
    ):
        chart.to_json()


def test_forbid_inline_secrets_chart_accepts_it(app: pk.App) -> None:
    prod = pk.Chart(app, "prod", forbid_inline_secrets=True)
    ExternalSecret(prod, "api", store=VAULT, data={"token": RemoteRef("api")})
    assert [o["kind"] for o in synth(prod)] == ["ExternalSecret"]


def test_fails_unknown_store_kind() -> None:
    with pytest.raises(
        pk.PodkitError,
        match=r"^\[SecretStoreRef 'vault'\] unknown store kind 'Vault'; expected StoreKind.SECRET_STORE or "
        r"StoreKind.CLUSTER_SECRET_STORE",
    ):
        SecretStoreRef("vault", kind="Vault")  # type: ignore[arg-type]


def test_fails_store_kind_of_the_wrong_type() -> None:
    with pytest.raises(pk.PodkitTypeError, match=r"kind must be a StoreKind .*, got 3"):
        SecretStoreRef("vault", kind=3)  # type: ignore[arg-type]


@pytest.mark.parametrize("interval", ["1h", "30m", "1h30m", "0", "1.5h", "500ms", "10s"])
def test_refresh_interval_takes_go_durations(chart: pk.Chart, interval: str) -> None:
    es = ExternalSecret(chart, "a", store=VAULT, data={"k": RemoteRef("x")}, refresh_interval=interval)
    assert es.refresh_interval == interval


@pytest.mark.parametrize("interval", ["1 h", "h", "-1h", "60", "1hour", ""])
def test_fails_bad_refresh_interval(chart: pk.Chart, interval: str) -> None:
    with pytest.raises(
        pk.PodkitError, match=rf"^\[test/a\] refresh_interval '{interval}' is not a Go duration; expected"
    ):
        ExternalSecret(chart, "a", store=VAULT, data={"k": RemoteRef("x")}, refresh_interval=interval)


@pytest.mark.parametrize(
    "interval",
    # the longest Go durations: int64 nanoseconds, however they are spelled
    ["2562047h47m16.854775807s", "9223372036854775807ns", "2562047h", "153722867m", "0.000000001s"],
)
def test_refresh_interval_takes_the_longest_go_durations(chart: pk.Chart, interval: str) -> None:
    es = ExternalSecret(chart, "a", store=VAULT, data={"k": RemoteRef("x")}, refresh_interval=interval)
    assert es.refresh_interval == interval


@pytest.mark.parametrize(
    "interval",
    [
        "2562047h47m16.854775808s",  # one nanosecond too many
        "9223372036854775808ns",
        "2562048h",
        "99999999999999999999h",  # the integer part alone overflows
        "2000000h2000000h",  # each pair fits, the sum does not
        "153722868m",
    ],
)
def test_fails_refresh_interval_that_overflows_a_go_duration(chart: pk.Chart, interval: str) -> None:
    with pytest.raises(
        pk.PodkitError,
        match=rf"\[test/a\] refresh_interval '{interval}' is longer than a Go duration can hold \(int64 "
        r"nanoseconds, at most '2562047h47m16.854775807s', about 292 years\)",
    ):
        ExternalSecret(chart, "a", store=VAULT, data={"k": RemoteRef("x")}, refresh_interval=interval)


@given(
    hours=st.integers(min_value=0, max_value=10**7), nanos=st.integers(min_value=0, max_value=3599 * 10**9)
)
def test_refresh_interval_overflow_agrees_with_int64_nanoseconds(hours: int, nanos: int) -> None:
    from podkit.external_secret import _refresh_interval

    text = f"{hours}h{nanos}ns"
    if hours * 3600 * 10**9 + nanos > 2**63 - 1:
        with pytest.raises(pk.PodkitError, match=r"is longer than a Go duration can hold"):
            _refresh_interval("test", text)
    else:
        assert _refresh_interval("test", text) == text


def test_fails_refresh_interval_in_days_suggests_hours(chart: pk.Chart) -> None:
    with pytest.raises(pk.PodkitError, match=r"Did you mean '48h'\? Go durations have no day unit"):
        ExternalSecret(chart, "a", store=VAULT, data={"k": RemoteRef("x")}, refresh_interval="2d")


def test_fails_empty_remote_key() -> None:
    with pytest.raises(pk.PodkitError, match=r"^\[RemoteRef ''\] remote key is empty"):
        RemoteRef("")


def test_fails_duplicate_key(chart: pk.Chart) -> None:
    es = ExternalSecret(chart, "a", store=VAULT, data={"k": RemoteRef("x")})
    with pytest.raises(
        pk.DuplicateError, match=r"^\[test/a\] secret key 'k' is already in this ExternalSecret"
    ):
        es.add_data("k", RemoteRef("y"))


def test_fails_invalid_secret_key(chart: pk.Chart) -> None:
    with pytest.raises(pk.InvalidNameError, match=r"\[test/a\] secret key 'a b'"):
        ExternalSecret(chart, "a", store=VAULT, data={"a b": RemoteRef("x")})


def test_fails_extract_given_as_data(chart: pk.Chart) -> None:
    with pytest.raises(pk.PodkitTypeError, match=r"data\['k'\] must be a RemoteRef"):
        ExternalSecret(chart, "a", store=VAULT, data={"k": Extract("x")})


def test_fails_store_given_by_name(chart: pk.Chart) -> None:
    with pytest.raises(
        pk.PodkitTypeError, match=r"store must be a SecretStoreRef\(name, kind=...\), got 'vault'"
    ):
        ExternalSecret(chart, "a", store="vault", data={"k": RemoteRef("x")})  # type: ignore[arg-type]


def test_fails_without_data(chart: pk.Chart) -> None:
    ExternalSecret(chart, "a", store=VAULT)
    with pytest.raises(pk.SynthError, match=r"\[test/a\] ExternalSecret has no data and no data_from"):
        chart.to_json()


def test_fails_typed_secret_without_its_keys(chart: pk.Chart) -> None:
    ExternalSecret(chart, "a", store=VAULT, data={"tls.crt": RemoteRef("x")}, secret_type=pk.SecretType.TLS)
    with pytest.raises(
        pk.SynthError, match=r"\[test/a\] a kubernetes.io/tls Secret needs key tls.crt and tls.key; this "
    ):
        chart.to_json()
