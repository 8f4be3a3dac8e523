"""Volumes: emptyDir, hostPath, downwardAPI, ConfigMap and Secret volumes (P9, P15, C4, S6)."""

from __future__ import annotations

import pytest

import podkit as pk


def test_empty_dir_options() -> None:
    v = pk.Volume.empty_dir("cache", medium=pk.StorageMedium.MEMORY, size_limit="256Mi")
    assert v.render() == {"name": "cache", "emptyDir": {"medium": "Memory", "sizeLimit": "256Mi"}}


def test_host_path() -> None:
    v = pk.Volume.host_path("logs", path="/var/log", type=pk.HostPathType.DIRECTORY_OR_CREATE)
    assert v.render() == {"name": "logs", "hostPath": {"path": "/var/log", "type": "DirectoryOrCreate"}}


def test_downward_api_items() -> None:
    v = pk.Volume.downward_api(
        "podinfo",
        items={
            "labels": pk.PodField.LABELS,
            "annotations": pk.PodField.ANNOTATIONS,
            "app": pk.FieldRef.label("app"),
            "cpu": pk.ResourceItem("main", pk.ResourceField.LIMITS_CPU, divisor="1m"),
        },
        default_mode=0o444,
    )
    assert v.render()["downwardAPI"]["items"] == [
        {"path": "labels", "fieldRef": {"fieldPath": "metadata.labels"}},
        {"path": "annotations", "fieldRef": {"fieldPath": "metadata.annotations"}},
        {"path": "app", "fieldRef": {"fieldPath": "metadata.labels['app']"}},
        {
            "path": "cpu",
            "resourceFieldRef": {"containerName": "main", "resource": "limits.cpu", "divisor": "1m"},
        },
    ]
    assert v.render()["downwardAPI"]["defaultMode"] == 0o444


def test_fails_on_invalid_volume_name() -> None:
    with pytest.raises(pk.InvalidNameError, match=r"volume name 'Shared_Data' is not a valid DNS-1123 label"):
        pk.Volume.empty_dir("Shared_Data")


def test_fails_on_relative_host_path() -> None:
    with pytest.raises(pk.InvalidNameError, match=r"host path 'home' must be absolute"):
        pk.Volume.host_path("h", path="home")


def test_fails_on_bad_size_limit() -> None:
    with pytest.raises(
        pk.InvalidQuantityError, match=r"size_limit '1GB' is not a Kubernetes quantity.*'1G' or '1Gi'"
    ):
        pk.Volume.empty_dir("c", size_limit="1GB")


def test_fails_on_escaping_item_path() -> None:
    with pytest.raises(
        pk.InvalidNameError,
        match=r"volume 'p': item path '../etc' must be a relative path without a '..' element "
        r"and not starting with '..' \(e.g. 'etc'\)",
    ):
        pk.Volume.downward_api("p", items={"../etc": pk.PodField.LABELS})


def test_fails_on_an_item_path_starting_with_two_dots() -> None:
    # '..data' is where the kubelet keeps the real files of ConfigMap/Secret volumes
    with pytest.raises(pk.InvalidNameError, match=r"item path '..labels' must be a relative path"):
        pk.Volume.downward_api("p", items={"..labels": pk.PodField.LABELS})


def test_fails_on_a_host_path_with_backsteps() -> None:
    with pytest.raises(
        pk.InvalidNameError, match=r"host path '/var/log/../../etc' must not contain a '..' element"
    ):
        pk.Volume.host_path("h", path="/var/log/../../etc")


def test_fails_on_a_resource_item_without_a_container() -> None:
    with pytest.raises(
        pk.InvalidNameError,
        match=r"ResourceItem container is empty: name the container whose resource the file shows",
    ):
        pk.ResourceItem("", pk.ResourceField.LIMITS_CPU)


def test_fails_on_a_resource_item_with_a_str_resource() -> None:
    with pytest.raises(pk.PodkitTypeError, match=r"use ResourceField.REQUESTS_MEMORY"):
        pk.ResourceItem("main", "requests.memory")  # type: ignore[arg-type]


def test_fails_on_a_resource_item_divisor() -> None:
    with pytest.raises(pk.InvalidQuantityError, match=r"divisor '1MB' is not supported for limits.memory"):
        pk.ResourceItem("main", pk.ResourceField.LIMITS_MEMORY, divisor="1MB")


def test_fails_on_a_status_field_in_a_volume() -> None:
    with pytest.raises(pk.InvalidNameError, match=r"status.podIP is only available as an env var"):
        pk.Volume.downward_api("p", items={"ip": pk.PodField.POD_IP})


def test_fails_on_items_given_as_a_list() -> None:
    with pytest.raises(pk.PodkitTypeError, match=r"downwardAPI items must be a mapping of file path"):
        pk.Volume.downward_api("p", items=[("labels", pk.PodField.LABELS)])  # type: ignore[arg-type]
