"""``_validate.check_final``: the checks every final object passes, and what their messages hide."""

from __future__ import annotations

import base64

import cdk8s
import pytest

import podkit as pk
from podkit._validate import check_final

SECRET = "s3cr3t-value-never-shown"


def _secret(**fields: object) -> dict[str, object]:
    return {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, **fields}


def test_a_secret_value_of_the_wrong_type_is_named_by_key_not_shown() -> None:
    problems = check_final(_secret(data={"pin": 987654321}, stringData={"pw": [SECRET]}), "c/s", chart=None)
    assert [str(p) for p in problems] == [
        "[c/s] Secret 's' does not match the Kubernetes 1.33.0 schema: data.pin: expected string, got int "
        "(value not shown)",
        "[c/s] Secret 's' does not match the Kubernetes 1.33.0 schema: stringData.pw: expected string, got list "
        "(value not shown)",
    ]


def test_the_rest_of_a_secret_is_still_checked_strictly() -> None:
    problems = check_final(_secret(data={"pin": "MQ=="}, typo=1), "c/s", chart=None)
    assert [p.message for p in problems] == [
        "Secret 's' does not match the Kubernetes 1.33.0 schema: (top level): unknown field 'typo' (strict schema)"
    ]


@pytest.mark.parametrize("chart_kind", ["podkit", "cdk8s"])
def test_a_patched_secret_value_never_reaches_the_synth_error(chart_kind: str) -> None:
    chart = pk.Chart(pk.App(), "c") if chart_kind == "podkit" else cdk8s.Testing.chart()
    secret = pk.SecretEnv(chart, "s", from_literal={"pw": SECRET})
    cdk8s.ApiObject.of(secret).add_json_patch(cdk8s.JsonPatch.replace("/data/pw", 987654321))
    with pytest.raises(pk.SynthError, match=r"data\.pw: expected string, got int \(value not shown\)") as err:
        cdk8s.Testing.synth(chart)
    text = str(err.value)
    assert "987654321" not in text and SECRET not in text
    assert base64.b64encode(SECRET.encode()).decode() not in text


def test_a_custom_resource_is_reported_against_its_crd_schema() -> None:
    doc = {
        "apiVersion": "bitnami.com/v1alpha1",
        "kind": "SealedSecret",
        "metadata": {"name": "db"},
        "spec": {},
    }
    assert [str(p) for p in check_final(doc, "prod/db", chart=None)] == [
        "[prod/db] SealedSecret 'db' does not match the SealedSecret CRD (@kubernetes-models/sealed-secrets@6.0.0) "
        "schema: spec: required field 'encryptedData' is missing"
    ]
