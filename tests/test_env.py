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


def test_fails_on_a_field_path_kubernetes_does_not_accept() -> None:
    with pytest.raises(
        pk.InvalidNameError,
        match=r"FieldRef 'spec.garbage' is not a field path Kubernetes accepts: use one of "
        r"PodField.NODE_NAME, .*or FieldRef.label\('KEY'\)",
    ):
        pk.FieldRef("spec.garbage")


def test_fails_on_a_field_path_with_a_trailing_newline() -> None:
    with pytest.raises(pk.InvalidNameError, match=r"FieldRef 'metadata.name\\n' is not a field path"):
        pk.FieldRef("metadata.name\n")


def test_fails_on_a_raw_str_field_naming_the_member() -> None:
    with pytest.raises(
        pk.PodkitTypeError,
        match=r"a pod field must be a PodField or FieldRef, got str 'spec.nodeName': use PodField.NODE_NAME",
    ):
        pk.EnvValue.from_field("spec.nodeName")  # type: ignore[arg-type]


def test_fails_on_whole_labels_given_as_a_field_ref() -> None:
    with pytest.raises(pk.InvalidNameError, match=r"metadata.labels holds every label/annotation"):
        pk.EnvValue.from_field(pk.FieldRef("metadata.labels"))


def test_fails_on_a_raw_str_resource_naming_the_member() -> None:
    with pytest.raises(
        pk.PodkitTypeError,
        match=r"resource must be a ResourceField, got str 'limits.cpu': use ResourceField.LIMITS_CPU",
    ):
        pk.EnvValue.from_resource("limits.cpu")  # type: ignore[arg-type]


def test_fails_on_a_divisor_kubernetes_does_not_accept() -> None:
    with pytest.raises(
        pk.InvalidQuantityError,
        match=r"divisor '1MB' is not supported for limits.memory: use '1', '1k', '1M'",
    ):
        pk.EnvValue.from_resource(pk.ResourceField.LIMITS_MEMORY, divisor="1MB")
    with pytest.raises(pk.InvalidQuantityError, match=r"divisor '1Mi' is not supported for requests.cpu"):
        pk.EnvValue.from_resource(pk.ResourceField.REQUESTS_CPU, divisor="1Mi")


def test_fails_on_an_invalid_container_name_in_a_resource_ref() -> None:
    with pytest.raises(pk.InvalidNameError, match=r"container 'main\\n' is not a valid DNS-1123 label"):
        pk.EnvValue.from_resource(pk.ResourceField.LIMITS_CPU, container="main\n")
