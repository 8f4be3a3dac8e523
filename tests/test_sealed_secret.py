"""``SealedSecret``: declared like a SecretEnv, sealed by `podkit seal`, synthesized without plaintext."""

from __future__ import annotations

from pathlib import Path

import cdk8s
import pytest

import podkit as pk
from podkit import _sealing
from tests.k8s import synth
from tests.sealing_helpers import CERT, private_key, unseal_b64

PLAIN = "hunter2-not-in-any-output"


def sealed(chart: pk.Chart, store: Path, **kwargs: object) -> pk.SealedSecret:
    return pk.SealedSecret(
        chart,
        "db",
        sealing=pk.Sealing(store=store, cert=CERT),
        from_literal={"password": PLAIN},
        namespace="prod",
        **kwargs,  # type: ignore[arg-type]
    )


def test_seal_then_synth_round_trip(chart: pk.Chart, tmp_path: Path) -> None:
    store = tmp_path / "sealed-secrets.yaml"
    secret = sealed(chart, store)
    pod = pk.SidecarPod(
        chart, "web", main=pk.Container(name="web", image="nginx:1.27", env={"PW": secret.value("password")})
    )
    report = _sealing.seal_app([secret], store_path=store, cert_path=CERT)
    assert [a.key for a in report.of("sealed")] == ["password"]
    assert PLAIN not in store.read_text()

    objs = synth(chart)
    doc = next(o for o in objs if o["kind"] == "SealedSecret")
    assert doc["apiVersion"] == "bitnami.com/v1alpha1"
    assert doc["metadata"] == {"name": "db", "namespace": "prod"}
    assert doc["spec"]["template"]["type"] == "Opaque"
    value = unseal_b64(private_key(), doc["spec"]["encryptedData"]["password"], b"prod/db")
    assert value == PLAIN.encode()
    env = next(o for o in objs if o["kind"] == "Pod")["spec"]["containers"][0]["env"]
    assert env == [{"name": "PW", "valueFrom": {"secretKeyRef": {"key": "password", "name": "db"}}}]
    assert pod.sources() == [secret]
    # no plaintext anywhere in the output, and two synths are identical
    assert PLAIN not in str(objs)
    assert synth(chart) == objs


def test_fails_when_a_consumed_key_is_not_sealed(chart: pk.Chart, tmp_path: Path) -> None:
    secret = sealed(chart, tmp_path / "store.yaml")
    with pytest.raises(pk.SynthError, match=r"\[test/db\] .*password.*run `podkit seal`") as err:
        chart.to_json()
    assert PLAIN not in str(err.value)
    assert secret.known_keys() == {"password"}


def test_keys_added_after_construction_are_declared_and_sealed(chart: pk.Chart, tmp_path: Path) -> None:
    (tmp_path / "cert.pem").write_text("not read until podkit seal")
    store = tmp_path / "s.yaml"
    secret = sealed(chart, store)
    secret.add_literal("user", "app")
    secret.add_file(f"ca.crt={tmp_path / 'cert.pem'}")
    _sealing.seal_app([secret], store_path=store, cert_path=CERT)
    doc = synth(chart)[0]
    assert sorted(doc["spec"]["encryptedData"]) == ["ca.crt", "password", "user"]
    assert secret.known_keys() == {"password", "user", "ca.crt"}


def test_file_keys_are_declared_before_sealing(chart: pk.Chart, tmp_path: Path) -> None:
    secret = sealed(chart, tmp_path / "s.yaml", from_file=["ca.crt=not-read.pem"])
    secret.add_file("tls.crt=not-read-either.pem")
    assert secret.known_keys() == {"password", "ca.crt", "tls.crt"}


def test_fails_on_a_file_key_that_is_also_a_literal(chart: pk.Chart, tmp_path: Path) -> None:
    with pytest.raises(pk.DuplicateError, match=r"key 'password' \(from file 'password=pw.txt'\) is already"):
        sealed(chart, tmp_path / "s.yaml", from_file=["password=pw.txt"])


def test_consumer_key_checks_work_as_for_inline_secrets(chart: pk.Chart, tmp_path: Path) -> None:
    store = tmp_path / "s.yaml"
    secret = sealed(chart, store)
    _sealing.seal_app([secret], store_path=store, cert_path=CERT)
    pk.SidecarPod(
        chart, "web", main=pk.Container(name="web", image="nginx:1.27", env={"X": secret.value("nope")})
    )
    with pytest.raises(pk.SynthError, match=r"uses key 'nope' of Secret 'test/db', which has no such key"):
        chart.to_json()


def test_forbid_inline_secrets_accepts_sealed(app: pk.App, tmp_path: Path) -> None:
    chart = pk.Chart(app, "prod", forbid_inline_secrets=True, namespace="prod")
    store = tmp_path / "s.yaml"
    secret = pk.SealedSecret(chart, "db", sealing=pk.Sealing(store=store), from_literal={"password": PLAIN})
    _sealing.seal_app([secret], store_path=store, cert_path=CERT)
    assert [o["kind"] for o in chart.to_json()] == ["SealedSecret"]
    pk.SecretEnv(chart, "inline", from_literal={"x": "y"})
    with pytest.raises(pk.SynthError, match="forbids inline secrets"):
        chart.to_json()


def test_namespace_wide_scope_annotations(chart: pk.Chart, tmp_path: Path) -> None:
    store = tmp_path / "s.yaml"
    secret = pk.SealedSecret(
        chart,
        "db",
        sealing=pk.Sealing(store=store, scope=pk.SealingScope.NAMESPACE_WIDE),
        from_literal={"password": PLAIN},
        namespace="prod",
    )
    _sealing.seal_app([secret], store_path=store, cert_path=CERT)
    doc = synth(chart)[0]
    assert doc["metadata"]["annotations"] == {"sealedsecrets.bitnami.com/namespace-wide": "true"}
    assert unseal_b64(private_key(), doc["spec"]["encryptedData"]["password"], b"prod") == PLAIN.encode()


def test_fails_on_strict_scope_without_namespace(chart: pk.Chart, tmp_path: Path) -> None:
    pk.SealedSecret(chart, "db", sealing=pk.Sealing(store=tmp_path / "s.yaml"), from_literal={"a": "b"})
    with pytest.raises(pk.SynthError, match=r"\[test/db\] a strict sealed Secret is bound to its namespace"):
        chart.to_json()


def test_fails_on_a_scope_given_as_str() -> None:
    with pytest.raises(pk.PodkitTypeError, match=r"use SealingScope.STRICT"):
        pk.Sealing(scope="strict")  # type: ignore[arg-type]


def test_works_in_a_plain_cdk8s_chart(tmp_path: Path) -> None:
    chart = cdk8s.Testing.chart()
    store = tmp_path / "s.yaml"
    secret = pk.SealedSecret(
        chart, "db", sealing=pk.Sealing(store=store), from_literal={"password": PLAIN}, namespace="prod"
    )
    _sealing.seal_app([secret], store_path=store, cert_path=CERT)
    (doc,) = cdk8s.Testing.synth(chart)
    assert doc["kind"] == "SealedSecret"
    assert set(doc["spec"]["encryptedData"]) == {"password"}


def test_app_seal_then_synth_needs_no_plaintext(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def build(value: str | None) -> pk.App:
        app = pk.App(outdir=str(tmp_path / "dist"))
        chart = pk.Chart(app, "prod", namespace="prod", forbid_inline_secrets=True)
        pk.SealedSecret(
            chart,
            "db",
            sealing=pk.Sealing(store=tmp_path / "sealed.yaml", cert=CERT),
            from_environment={"password": "DB_PASSWORD"},
        )
        return app

    monkeypatch.setenv("DB_PASSWORD", PLAIN)
    (report,) = build(PLAIN).seal()
    assert "password" in str(report) and PLAIN not in str(report)
    first = (tmp_path / "sealed.yaml").read_text()
    (_again,) = build(PLAIN).seal()  # unchanged value: nothing re-sealed, the file is untouched
    assert (tmp_path / "sealed.yaml").read_text() == first
    monkeypatch.delenv("DB_PASSWORD")  # CI: no plaintext at all
    app = build(None)
    app.synth()
    out = (tmp_path / "dist" / "prod.k8s.yaml").read_text()
    assert "kind: SealedSecret" in out and PLAIN not in out
    app2 = build(None)
    app2.synth()
    assert (tmp_path / "dist" / "prod.k8s.yaml").read_text() == out


def test_podkit_seal_mode_runs_app_seal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # what `podkit seal` sets: App.synth calls the sealing module's hook and writes nothing
    monkeypatch.setenv("PODKIT_SYNTH_HOOK", "podkit.sealed_secret:synth_hook")
    monkeypatch.setenv("PODKIT_SEAL", "1")
    app = pk.App(outdir=str(tmp_path / "dist"))
    chart = pk.Chart(app, "prod", namespace="prod")
    pk.SealedSecret(
        chart, "db", sealing=pk.Sealing(store=tmp_path / "s.yaml", cert=CERT), from_literal={"a": "b"}
    )
    app.synth()
    assert (tmp_path / "s.yaml").exists()
    assert not (tmp_path / "dist").exists()


def test_fails_to_seal_without_a_certificate(tmp_path: Path) -> None:
    app = pk.App(outdir=str(tmp_path / "dist"))
    chart = pk.Chart(app, "prod", namespace="prod")
    pk.SealedSecret(chart, "db", sealing=pk.Sealing(store=tmp_path / "s.yaml"), from_literal={"a": "b"})
    with pytest.raises(pk.SealingError, match=r"\[prod/db\] no certificate to seal with"):
        app.seal()


def test_fails_on_the_plaintext_factories_with_the_sealed_way_to_write_them(chart: pk.Chart) -> None:
    with pytest.raises(pk.PodkitError, match=r"SealedSecret.tls is not available: .*type=SecretType.TLS"):
        pk.SealedSecret.tls(chart, "t", cert_file="c.pem", key_file="k.pem")
    with pytest.raises(pk.PodkitError, match=r"from_file=\['.dockerconfigjson=path/to/config.json'\]"):
        pk.SealedSecret.docker_registry(chart, "r", username="u", password="p")
    assert chart.podkit_objects == []


def test_keys_looked_up_before_sealing_are_fresh_after_it(chart: pk.Chart, tmp_path: Path) -> None:
    store = tmp_path / "s.yaml"
    secret = sealed(chart, store)
    pk.SidecarPod(
        chart, "web", main=pk.Container(name="web", image="nginx:1.27", env={"P": secret.value("password")})
    )
    with pytest.raises(pk.SynthError, match="run `podkit seal`"):
        chart.to_json()  # reads the (missing) store
    _sealing.seal_app([secret], store_path=store, cert_path=CERT)
    assert [d["kind"] for d in chart.to_json()] == ["SealedSecret", "Pod"]


def test_a_relative_certificate_resolves_against_the_declaring_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # not the tests folder: the store and the cert resolve like imports
    app = pk.App(outdir=str(tmp_path / "dist"))
    chart = pk.Chart(app, "prod", namespace="prod")
    secret = pk.SealedSecret(
        chart,
        "db",
        sealing=pk.Sealing(store=tmp_path / "s.yaml", cert="fixtures/sealed-secrets/tls.crt"),
        from_literal={"a": "b"},
    )
    assert secret.cert_path == CERT
    (report,) = app.seal()
    assert "sealed prod/db a (new)" in str(report)
