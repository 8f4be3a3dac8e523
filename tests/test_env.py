"""EnvValue, PodField, FieldRef, ResourceField: the typed env var sources (P8, P14)."""

from __future__ import annotations

import pytest

import podkit as pk


def test_literal() -> None:
    assert pk.EnvValue.of("x").render() == {"value": "x"}


@pytest.mark.parametrize(
    ("field", "path"),
    [
        (pk.PodField.NODE_NAME, "spec.nodeName"),
        (pk.PodField.POD_NAME, "metadata.name"),
        (pk.PodField.NAMESPACE, "metadata.namespace"),
        (pk.PodField.POD_IP, "status.podIP"),
        (pk.PodField.HOST_IP, "status.hostIP"),
        (pk.PodField.SERVICE_ACCOUNT_NAME, "spec.serviceAccountName"),
        (pk.PodField.UID, "metadata.uid"),
        (pk.FieldRef.label("app.kubernetes.io/name"), "metadata.labels['app.kubernetes.io/name']"),
        (pk.FieldRef.annotation("team"), "metadata.annotations['team']"),
    ],
)
def test_pod_fields(field: pk.PodField | pk.FieldRef, path: str) -> None:
    assert pk.EnvValue.from_field(field).render() == {"valueFrom": {"fieldRef": {"fieldPath": path}}}


def test_resource_field_of_another_container() -> None:
    value = pk.EnvValue.from_resource(pk.ResourceField.REQUESTS_CPU, container="main", divisor="1m")
    assert value.render() == {
        "valueFrom": {
            "resourceFieldRef": {"resource": "requests.cpu", "containerName": "main", "divisor": "1m"}
        }
    }


def test_fails_on_an_invalid_label_key_reference() -> None:
    with pytest.raises(pk.InvalidNameError, match=r"label key 'not valid' is invalid"):
        pk.FieldRef.label("not valid")


def test_fails_on_a_non_string_literal() -> None:
    with pytest.raises(pk.PodkitTypeError, match=r"env value must be a str, got int 1"):
        pk.EnvValue.of(1)  # type: ignore[arg-type]
