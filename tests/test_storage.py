"""Storage: PersistentVolumeClaims and the volumes that reach outside the pod
(PVC, projected, CSI, NFS, ephemeral), as a pod renders them."""

from __future__ import annotations

import pytest

import podkit as pk
from podkit.errors import DuplicateError, PodkitError, PodkitTypeError
from podkit.storage import AccessMode, ClaimTemplate, PersistentVolumeClaim, Projection, VolumeMode
from tests.k8s import by_name, synth


def pod_with(chart: pk.Chart, *volumes: pk.Volume) -> pk.SidecarPod:
    main = pk.Container(name="app", image="busybox:1.36")
    pod = pk.SidecarPod(chart, "app", main=main)
    for i, v in enumerate(volumes):
        pod.mount(v, at=f"/mnt/{i}")
    return pod


def test_pvc_construct_and_claim_by_object_and_by_name(chart: pk.Chart) -> None:
    data = PersistentVolumeClaim(
        chart,
        "data",
        size="10Gi",
        access_modes=[AccessMode.READ_WRITE_ONCE],
        storage_class_name="fast-ssd",
        volume_mode=VolumeMode.FILESYSTEM,
    )
    pod_with(
        chart, pk.Volume.from_pvc(data), pk.Volume.from_pvc("shared-media", name="media", read_only=True)
    )
    objs = synth(chart)
    assert by_name(objs, "data") == {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": {"name": "data"},
        "spec": {
            "accessModes": ["ReadWriteOnce"],
            "storageClassName": "fast-ssd",
            "volumeMode": "Filesystem",
            "resources": {"requests": {"storage": "10Gi"}},
        },
    }
    assert by_name(objs, "app")["spec"]["volumes"] == [
        {"name": "data", "persistentVolumeClaim": {"claimName": "data"}},
        {"name": "media", "persistentVolumeClaim": {"claimName": "shared-media", "readOnly": True}},
    ]


def test_fails_on_bad_claims(chart: pk.Chart) -> None:
    with pytest.raises(PodkitError, match=r"access_modes is empty"):
        PersistentVolumeClaim(chart, "a", size="1Gi", access_modes=[])
    with pytest.raises(PodkitError, match=r"ReadWriteOncePod cannot be combined with other access modes"):
        PersistentVolumeClaim(
            chart, "b", size="1Gi", access_modes=[AccessMode.READ_WRITE_ONCE_POD, AccessMode.READ_ONLY_MANY]
        )
    with pytest.raises(PodkitError, match=r"size '0' must be more than zero"):
        PersistentVolumeClaim(chart, "c", size="0", access_modes=[AccessMode.READ_WRITE_ONCE])
    with pytest.raises(pk.InvalidQuantityError, match=r"size '10GB' is not a Kubernetes quantity"):
        PersistentVolumeClaim(chart, "d", size="10GB", access_modes=[AccessMode.READ_WRITE_ONCE])
    with pytest.raises(PodkitTypeError, match=r"got str 'ReadWriteOnce'; use AccessMode.READ_WRITE_ONCE"):
        PersistentVolumeClaim(chart, "e", size="1Gi", access_modes=["ReadWriteOnce"])  # type: ignore[list-item]
    with pytest.raises(pk.InvalidNameError, match=r"claim name 'Media' is not a valid DNS-1123 subdomain"):
        pk.Volume.from_pvc("Media")


def test_projected_volume_with_every_source(chart: pk.Chart) -> None:
    cfg = pk.ConfigFromMap(chart, "cfg", from_literal={"app.yaml": "a: 1"})
    ca = pk.SecretEnv.from_name("ca", keys=["ca.crt"])
    v = pk.Volume.projected(
        "bundle",
        sources=[
            Projection.config_map(cfg, items={"app.yaml": "config/app.yaml"}),
            Projection.secret(ca, items={"ca.crt": "tls/ca.crt"}, optional=True),
            Projection.downward_api({"labels": pk.PodField.LABELS}),
            Projection.service_account_token(path="token", audience="vault", expiration_seconds=3600),
        ],
        default_mode=0o440,
    )
    pod = pod_with(chart, v)
    assert pod.sources() == [cfg, ca]
    assert by_name(synth(chart), "app")["spec"]["volumes"] == [
        {
            "name": "bundle",
            "projected": {
                "defaultMode": 0o440,
                "sources": [
                    {"configMap": {"name": "cfg", "items": [{"key": "app.yaml", "path": "config/app.yaml"}]}},
                    {
                        "secret": {
                            "name": "ca",
                            "items": [{"key": "ca.crt", "path": "tls/ca.crt"}],
                            "optional": True,
                        }
                    },
                    {
                        "downwardAPI": {
                            "items": [{"path": "labels", "fieldRef": {"fieldPath": "metadata.labels"}}]
                        }
                    },
                    {
                        "serviceAccountToken": {
                            "path": "token",
                            "audience": "vault",
                            "expirationSeconds": 3600,
                        }
                    },
                ],
            },
        }
    ]


def test_fails_on_bad_projections(chart: pk.Chart) -> None:
    with pytest.raises(
        PodkitError, match=r"expiration_seconds 599 is out of range; the API server accepts 600"
    ):
        Projection.service_account_token(path="token", expiration_seconds=599)
    with pytest.raises(PodkitError, match=r"projected volume 'p' has no sources"):
        pk.Volume.projected("p", sources=[])
    token = Projection.service_account_token(path="token")
    with pytest.raises(DuplicateError, match=r"projected volume 'p' writes 'token' twice"):
        pk.Volume.projected("p", sources=[token, Projection.downward_api({"token": pk.PodField.POD_NAME})])
    with pytest.raises(
        pk.MissingReferenceError, match=r"uses key 'tls.key' of Secret 'ca', which has no such key"
    ):
        Projection.secret(pk.SecretEnv.from_name("ca", keys=["ca.crt"]), items={"tls.key": "k"})
    with pytest.raises(PodkitTypeError, match=r"expected a ConfigMap construct or reference"):
        Projection.config_map(pk.SecretEnv.from_name("ca"))
    cfg = pk.ConfigFromMap(chart, "cfg", from_literal={"a": "1"})
    pod_with(chart, pk.Volume.projected("p", sources=[Projection.config_map(cfg, items={"b": "b"})]))
    with pytest.raises(
        pk.SynthError, match=r"volume 'p'\] uses key 'b' of ConfigMap 'test/cfg', which has no such key"
    ):
        synth(chart)


def test_csi_secrets_store_nfs_and_ephemeral(chart: pk.Chart) -> None:
    creds = pk.SecretEnv.from_name("vault-creds")
    pod_with(
        chart,
        pk.Volume.csi(
            "secrets",
            driver="secrets-store.csi.k8s.io",
            read_only=True,
            volume_attributes={"secretProviderClass": "vault-db"},
            node_publish_secret=creds,
        ),
        pk.Volume.nfs("media", server="nfs.example.com", path="/exports/media", read_only=True),
        pk.Volume.ephemeral(
            "scratch",
            claim=ClaimTemplate(
                size="1Gi", access_modes=[AccessMode.READ_WRITE_ONCE], labels={"tier": "cache"}
            ),
        ),
    )
    assert by_name(synth(chart), "app")["spec"]["volumes"] == [
        {
            "name": "secrets",
            "csi": {
                "driver": "secrets-store.csi.k8s.io",
                "readOnly": True,
                "volumeAttributes": {"secretProviderClass": "vault-db"},
                "nodePublishSecretRef": {"name": "vault-creds"},
            },
        },
        {"name": "media", "nfs": {"server": "nfs.example.com", "path": "/exports/media", "readOnly": True}},
        {
            "name": "scratch",
            "ephemeral": {
                "volumeClaimTemplate": {
                    "metadata": {"labels": {"tier": "cache"}},
                    "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}},
                }
            },
        },
    ]


def test_fails_on_bad_csi_nfs_and_ephemeral() -> None:
    with pytest.raises(
        pk.InvalidNameError, match=r"CSI driver 'Secrets Store' is not a valid DNS-1123 subdomain"
    ):
        pk.Volume.csi("s", driver="Secrets Store")
    with pytest.raises(PodkitTypeError, match=r"node_publish_secret must be a SecretEnv"):
        pk.Volume.csi("s", driver="x.csi.k8s.io", node_publish_secret=pk.ConfigFromMap.from_name("c"))
    with pytest.raises(pk.InvalidNameError, match=r"nfs path 'exports' must be an absolute path"):
        pk.Volume.nfs("n", server="nfs", path="exports")
    with pytest.raises(pk.InvalidNameError, match=r"nfs server is empty"):
        pk.Volume.nfs("n", server=" ", path="/e")
    with pytest.raises(PodkitTypeError, match=r"claim must be a ClaimTemplate"):
        pk.Volume.ephemeral("e", claim={"size": "1Gi"})  # type: ignore[arg-type]


def test_config_map_and_secret_volumes_can_be_optional(chart: pk.Chart) -> None:
    pod_with(
        chart,
        pk.Volume.from_config_map(pk.ConfigFromMap.from_name("flags"), optional=True),
        pk.Volume.from_secret(pk.SecretEnv.from_name("extra"), optional=False),
    )
    assert by_name(synth(chart), "app")["spec"]["volumes"] == [
        {"name": "flags", "configMap": {"name": "flags", "optional": True}},
        {"name": "extra", "secret": {"secretName": "extra", "optional": False}},
    ]
