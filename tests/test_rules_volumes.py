"""The API server's volume and PersistentVolumeClaim rules, one row per rule (podkit._rules.core
volume and pvc: ValidateVolumes, validateVolumeSource, ValidatePersistentVolumeClaimSpec).

Each row takes a valid object, breaks one rule, and pins the exact problem message; the other
tests pin what the API server accepts although upstream's table tests would not (v1 defaulting,
the strategies' PrepareForCreate, feature gates off by default in Kubernetes 1.33).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from podkit._rules import check_object
from podkit._rules._base import Report
from podkit._rules.core.pvc import check_claim_spec
from podkit._rules.core.volume import check_volume

Doc = dict[str, Any]
Mutation = Callable[[Doc], None]
Path = tuple[Any, ...]


# -- valid objects: a pod with one volume of every v1 source, a claim with every spec field ------
def pod() -> Doc:
    vols = [
        {"name": "cache", "emptyDir": {"sizeLimit": "1Gi"}},
        {"name": "host", "hostPath": {"path": "/var/log", "type": "Directory"}},
        {"name": "git", "gitRepo": {"repository": "https://example.com/repo.git", "directory": "src"}},
        {"name": "gce", "gcePersistentDisk": {"pdName": "pd", "partition": 1}},
        {"name": "ebs", "awsElasticBlockStore": {"volumeID": "vol-1"}},
        {
            "name": "creds",
            "secret": {
                "secretName": "db",
                "defaultMode": 0o400,
                "items": [{"key": "password", "path": "db/password"}],
            },
        },
        {"name": "nfs", "nfs": {"server": "nfs.example.com", "path": "/exports"}},
        {
            "name": "iscsi",
            "iscsi": {
                "targetPortal": "10.0.0.1:3260",
                "iqn": "iqn.2015-02.example.com:storage",
                "lun": 0,
                "initiatorName": "iqn.2015-02.example.com:node",
                "chapAuthSession": True,
                "secretRef": {"name": "chap"},
            },
        },
        {"name": "gluster", "glusterfs": {"endpoints": "gluster", "path": "vol"}},
        {"name": "flocker", "flocker": {"datasetName": "data"}},
        {"name": "claim", "persistentVolumeClaim": {"claimName": "data"}},
        {"name": "rbd", "rbd": {"monitors": ["10.0.0.1:6789"], "image": "img"}},
        {"name": "cinder", "cinder": {"volumeID": "abc", "secretRef": {"name": "os"}}},
        {"name": "ceph", "cephfs": {"monitors": ["10.0.0.1:6789"]}},
        {"name": "quobyte", "quobyte": {"registry": "reg:7861,[::1]:7861", "volume": "vol"}},
        {
            "name": "podinfo",
            "downwardAPI": {
                "items": [
                    {"path": "labels", "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.labels"}},
                    {"path": "cpu", "resourceFieldRef": {"containerName": "web", "resource": "limits.cpu"}},
                ]
            },
        },
        {"name": "fc", "fc": {"targetWWNs": ["500a0982991b8dc5"], "lun": 2}},
        {"name": "flex", "flexVolume": {"driver": "example.com/lvm", "options": {"example.com/size": "1G"}}},
        {
            "name": "config",
            "configMap": {"name": "cfg", "items": [{"key": "app.yaml", "path": "app.yaml", "mode": 0o644}]},
        },
        {"name": "azfile", "azureFile": {"secretName": "az", "shareName": "share"}},
        {"name": "vsphere", "vsphereVolume": {"volumePath": "[ds] vols/v.vmdk"}},
        {"name": "photon", "photonPersistentDisk": {"pdID": "pd"}},
        {"name": "pwx", "portworxVolume": {"volumeID": "v"}},
        {
            "name": "azdisk",
            "azureDisk": {"diskName": "d", "diskURI": "https://acct.blob.core.windows.net/vhds/d.vhd"},
        },
        {"name": "sos", "storageos": {"volumeName": "vol", "volumeNamespace": "ns"}},
        {
            "name": "proj",
            "projected": {
                "defaultMode": 0o440,
                "sources": [
                    {"secret": {"name": "s", "items": [{"key": "k", "path": "a"}]}},
                    {"configMap": {"name": "c", "items": [{"key": "k", "path": "b"}]}},
                    {"downwardAPI": {"items": [{"path": "c", "fieldRef": {"fieldPath": "metadata.name"}}]}},
                    {"serviceAccountToken": {"path": "token", "expirationSeconds": 3600, "audience": "api"}},
                ],
            },
        },
        {
            "name": "scaleio",
            "scaleIO": {
                "gateway": "https://gw",
                "system": "sys",
                "volumeName": "v",
                "secretRef": {"name": "sio"},
            },
        },
        {"name": "csi", "csi": {"driver": "ebs.csi.aws.com", "nodePublishSecretRef": {"name": "csi-secret"}}},
        {
            "name": "scratch",
            "ephemeral": {
                "volumeClaimTemplate": {
                    "metadata": {"labels": {"app": "web"}, "annotations": {"a": "b"}},
                    "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}},
                }
            },
        },
    ]
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "web", "namespace": "prod"},
        "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}], "volumes": vols},
    }


def pvc() -> Doc:
    return {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": {"name": "data", "namespace": "prod"},
        "spec": {
            "accessModes": ["ReadWriteOnce"],
            "resources": {"requests": {"storage": "10Gi"}},
            "storageClassName": "fast",
            "volumeMode": "Filesystem",
            "selector": {
                "matchLabels": {"tier": "db"},
                "matchExpressions": [{"key": "tier", "operator": "In", "values": ["db"]}],
            },
            "dataSource": {"kind": "PersistentVolumeClaim", "name": "seed"},
        },
    }


# -- mutations ------------------------------------------------------------------------------------
def vol(name: str, *rest: Any) -> Path:
    """The path to ``rest`` inside the pod volume called ``name``."""
    return ("volume", name, *rest)


def _resolve(doc: Doc, path: Path) -> Path:
    if path[0] == "volume":
        index = next(i for i, v in enumerate(doc["spec"]["volumes"]) if v["name"] == path[1])
        return ("spec", "volumes", index, *path[2:])
    return path


def _parent(doc: Doc, path: Path) -> Any:
    node: Any = doc
    for key in path[:-1]:
        node = node[key]
    return node


def put(path: Path, value: Any) -> Mutation:
    def mutate(doc: Doc) -> None:
        where = _resolve(doc, path)
        _parent(doc, where)[where[-1]] = copy.deepcopy(value)

    return mutate


def drop(path: Path) -> Mutation:
    def mutate(doc: Doc) -> None:
        where = _resolve(doc, path)
        del _parent(doc, where)[where[-1]]

    return mutate


def both(*mutations: Mutation) -> Mutation:
    def mutate(doc: Doc) -> None:
        for m in mutations:
            m(doc)

    return mutate


def _messages(doc: Doc) -> list[str]:
    return [p.message for p in check_object(doc, "t/x")]


@pytest.mark.parametrize("make", [pod, pvc])
def test_the_valid_objects_have_no_problem(make: Callable[[], Doc]) -> None:
    assert _messages(make()) == []


# -- one row per rule: (id, valid object, mutation, exact message) ----------------------------------
CATALOGUE: list[tuple[str, Callable[[], Doc], Mutation, str]] = [
    (
        "more-than-one-source",
        pod,
        put(vol("cache", "hostPath"), {"path": "/tmp"}),
        "spec.volumes[0] must have exactly one volume source (found: emptyDir, hostPath)",
    ),
    (
        "volume-name-missing",
        pod,
        put(vol("cache", "name"), ""),
        "spec.volumes[0].name is missing: every volume needs a name",
    ),
    (
        "emptydir-size-negative",
        pod,
        put(vol("cache", "emptyDir", "sizeLimit"), "-1Gi"),
        "spec.volumes[0].emptyDir.sizeLimit '-1Gi' is negative: use a size such as '1Gi'",
    ),
    (
        "emptydir-size-not-quantity",
        pod,
        put(vol("cache", "emptyDir", "sizeLimit"), "lots"),
        "spec.volumes[0].emptyDir.sizeLimit 'lots' is not a Kubernetes quantity: use e.g. '1Gi'",
    ),
    (
        "hostpath-path-missing",
        pod,
        put(vol("host", "hostPath", "path"), ""),
        "spec.volumes[1].hostPath.path is missing: set the node's path",
    ),
    (
        "hostpath-backsteps",
        pod,
        put(vol("host", "hostPath", "path"), "/var/../etc"),
        "spec.volumes[1].hostPath.path '/var/../etc' must not contain a '..' element: write the resolved path",
    ),
    (
        "hostpath-type",
        pod,
        put(vol("host", "hostPath", "type"), "Dir"),
        "spec.volumes[1].hostPath.type 'Dir' is not supported: use one of DirectoryOrCreate, Directory, FileOrCreate, File, Socket, CharDevice, BlockDevice (or '')",
    ),
    (
        "gitrepo-repository",
        pod,
        drop(vol("git", "gitRepo", "repository")),
        "spec.volumes[2].gitRepo.repository is missing: set the git repository URL",
    ),
    (
        "gitrepo-directory-absolute",
        pod,
        put(vol("git", "gitRepo", "directory"), "/src"),
        "spec.volumes[2].gitRepo.directory '/src' must be a relative path without a '..' element (e.g. 'src')",
    ),
    (
        "gitrepo-directory-backsteps",
        pod,
        put(vol("git", "gitRepo", "directory"), "a/../b"),
        "spec.volumes[2].gitRepo.directory 'a/../b' must be a relative path without a '..' element (e.g. 'a/b')",
    ),
    (
        "gce-pd-name",
        pod,
        put(vol("gce", "gcePersistentDisk", "pdName"), ""),
        "spec.volumes[3].gcePersistentDisk.pdName is missing: name the GCE persistent disk",
    ),
    (
        "gce-partition",
        pod,
        put(vol("gce", "gcePersistentDisk", "partition"), 256),
        "spec.volumes[3].gcePersistentDisk.partition 256 is out of range: use a value from 0 to 255",
    ),
    (
        "ebs-volume-id",
        pod,
        put(vol("ebs", "awsElasticBlockStore", "volumeID"), ""),
        "spec.volumes[4].awsElasticBlockStore.volumeID is missing: set the EBS volume ID",
    ),
    (
        "ebs-partition",
        pod,
        put(vol("ebs", "awsElasticBlockStore", "partition"), -1),
        "spec.volumes[4].awsElasticBlockStore.partition -1 is out of range: use a value from 0 to 255",
    ),
    (
        "secret-name",
        pod,
        drop(vol("creds", "secret", "secretName")),
        "spec.volumes[5].secret.secretName is missing: name the Secret to mount",
    ),
    (
        "secret-default-mode",
        pod,
        put(vol("creds", "secret", "defaultMode"), 512),
        "spec.volumes[5].secret.defaultMode 512 is not a file mode: use a value from 0 to 0777 (511), e.g. 0644 (420)",
    ),
    (
        "secret-item-key",
        pod,
        put(vol("creds", "secret", "items", 0, "key"), ""),
        "spec.volumes[5].secret.items[0].key is missing: name the key to write",
    ),
    (
        "secret-item-path-missing",
        pod,
        drop(vol("creds", "secret", "items", 0, "path")),
        "spec.volumes[5].secret.items[0].path is missing: set a relative file path such as 'config.yaml'",
    ),
    (
        "secret-item-path-reserved",
        pod,
        put(vol("creds", "secret", "items", 0, "path"), "..data"),
        "spec.volumes[5].secret.items[0].path '..data' must be a relative path without a '..' element and not starting with '..' (e.g. 'data')",
    ),
    (
        "secret-item-mode",
        pod,
        put(vol("creds", "secret", "items", 0, "mode"), -1),
        "spec.volumes[5].secret.items[0].mode -1 is not a file mode: use a value from 0 to 0777 (511), e.g. 0644 (420)",
    ),
    (
        "nfs-server",
        pod,
        put(vol("nfs", "nfs", "server"), ""),
        "spec.volumes[6].nfs.server is missing: set the NFS server's host name or IP address",
    ),
    (
        "nfs-path-missing",
        pod,
        put(vol("nfs", "nfs", "path"), ""),
        "spec.volumes[6].nfs.path is missing: set the exported path, e.g. '/exports/data'",
    ),
    (
        "nfs-path-relative",
        pod,
        put(vol("nfs", "nfs", "path"), "exports"),
        "spec.volumes[6].nfs.path 'exports' must be an absolute path (e.g. '/exports')",
    ),
    (
        "iscsi-portal",
        pod,
        put(vol("iscsi", "iscsi", "targetPortal"), ""),
        "spec.volumes[7].iscsi.targetPortal is missing: set the target's 'host[:port]'",
    ),
    (
        "iscsi-iqn-missing",
        pod,
        put(vol("iscsi", "iscsi", "iqn"), ""),
        "spec.volumes[7].iscsi.iqn is missing: set the target's iSCSI Qualified Name",
    ),
    (
        "iscsi-iqn-prefix",
        pod,
        put(vol("iscsi", "iscsi", "iqn"), "2015-02.example.com:storage"),
        "spec.volumes[7].iscsi.iqn '2015-02.example.com:storage' must start with iqn, eui or naa (e.g. 'iqn.2015-02.example.com:storage')",
    ),
    (
        "iscsi-iqn-format",
        pod,
        put(vol("iscsi", "iscsi", "iqn"), "iqn.2015-02.example.com:a;b"),
        "spec.volumes[7].iscsi.iqn 'iqn.2015-02.example.com:a;b' is not a valid iqn./eui./naa. name (e.g. 'iqn.2015-02.example.com:storage')",
    ),
    (
        "iscsi-eui-format",
        pod,
        put(vol("iscsi", "iscsi", "iqn"), "eui.0123456789ABCDEFGH"),
        "spec.volumes[7].iscsi.iqn 'eui.0123456789ABCDEFGH' is not a valid iqn./eui./naa. name (e.g. 'iqn.2015-02.example.com:storage')",
    ),
    (
        "iscsi-lun",
        pod,
        put(vol("iscsi", "iscsi", "lun"), 256),
        "spec.volumes[7].iscsi.lun 256 is out of range: use a value from 0 to 255",
    ),
    (
        "iscsi-chap-secret",
        pod,
        drop(vol("iscsi", "iscsi", "secretRef")),
        "spec.volumes[7].iscsi.secretRef is missing: CHAP authentication needs the Secret that holds its credentials",
    ),
    (
        "iscsi-initiator",
        pod,
        put(vol("iscsi", "iscsi", "initiatorName"), "node-1"),
        "spec.volumes[7].iscsi.initiatorName 'node-1' must start with iqn, eui or naa (e.g. 'iqn.2015-02.example.com:storage')",
    ),
    (
        "iscsi-name-too-long",
        pod,
        put(
            vol("iscsi", "iscsi", "targetPortal"),
            "storage-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.example.com",
        ),
        "spec.volumes[7].name 'iscsi' is too long for this iSCSI volume: <volume name>:<targetPortal> must be at most 64 characters when initiatorName is set",
    ),
    (
        "glusterfs-endpoints",
        pod,
        put(vol("gluster", "glusterfs", "endpoints"), ""),
        "spec.volumes[8].glusterfs.endpoints is missing: name the Endpoints object of the Glusterfs cluster",
    ),
    (
        "glusterfs-path",
        pod,
        put(vol("gluster", "glusterfs", "path"), ""),
        "spec.volumes[8].glusterfs.path is missing: set the Glusterfs volume path",
    ),
    (
        "flocker-none",
        pod,
        put(vol("flocker", "flocker"), {"datasetName": ""}),
        "spec.volumes[9].flocker needs one of datasetName, datasetUUID: set one",
    ),
    (
        "flocker-both",
        pod,
        put(vol("flocker", "flocker", "datasetUUID"), "d846b09d-223d-43df-ab5b-d6db2206a0e4"),
        "spec.volumes[9].flocker sets both datasetName and datasetUUID: keep one",
    ),
    (
        "flocker-slash",
        pod,
        put(vol("flocker", "flocker", "datasetName"), "a/b"),
        "spec.volumes[9].flocker.datasetName 'a/b' must not contain '/'",
    ),
    (
        "pvc-claim-name",
        pod,
        put(vol("claim", "persistentVolumeClaim", "claimName"), ""),
        "spec.volumes[10].persistentVolumeClaim.claimName is missing: name the PersistentVolumeClaim to mount",
    ),
    (
        "rbd-monitors",
        pod,
        put(vol("rbd", "rbd", "monitors"), []),
        "spec.volumes[11].rbd.monitors is missing: list the Ceph monitors",
    ),
    (
        "rbd-image",
        pod,
        put(vol("rbd", "rbd", "image"), ""),
        "spec.volumes[11].rbd.image is missing: name the RADOS image",
    ),
    (
        "cinder-volume-id",
        pod,
        put(vol("cinder", "cinder", "volumeID"), ""),
        "spec.volumes[12].cinder.volumeID is missing: set the Cinder volume's ID",
    ),
    (
        "cinder-secret-name",
        pod,
        put(vol("cinder", "cinder", "secretRef"), {}),
        "spec.volumes[12].cinder.secretRef.name is missing: name the Secret",
    ),
    (
        "cephfs-monitors",
        pod,
        drop(vol("ceph", "cephfs", "monitors")),
        "spec.volumes[13].cephfs.monitors is missing: list the Ceph monitors",
    ),
    (
        "quobyte-registry-missing",
        pod,
        put(vol("quobyte", "quobyte", "registry"), ""),
        "spec.volumes[14].quobyte.registry is missing: set 'host:port', or several separated by commas",
    ),
    (
        "quobyte-registry-format",
        pod,
        put(vol("quobyte", "quobyte", "registry"), "reg:7861,reg2"),
        "spec.volumes[14].quobyte.registry 'reg:7861,reg2' is invalid: use 'host:port', or several separated by commas",
    ),
    (
        "quobyte-tenant",
        pod,
        put(
            vol("quobyte", "quobyte", "tenant"),
            "ttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt",
        ),
        "spec.volumes[14].quobyte.tenant is too long (65 characters): use the tenant's UUID (at most 64)",
    ),
    (
        "quobyte-volume",
        pod,
        put(vol("quobyte", "quobyte", "volume"), ""),
        "spec.volumes[14].quobyte.volume is missing: name the Quobyte volume",
    ),
    (
        "downward-both-refs",
        pod,
        put(
            vol("podinfo", "downwardAPI", "items", 0, "resourceFieldRef"),
            {"containerName": "web", "resource": "limits.memory"},
        ),
        "spec.volumes[15].downwardAPI.items[0] must have exactly one of fieldRef, resourceFieldRef",
    ),
    (
        "downward-no-ref",
        pod,
        drop(vol("podinfo", "downwardAPI", "items", 0, "fieldRef")),
        "spec.volumes[15].downwardAPI.items[0] must have exactly one of fieldRef, resourceFieldRef",
    ),
    (
        "downward-api-version",
        pod,
        put(vol("podinfo", "downwardAPI", "items", 0, "fieldRef", "apiVersion"), "v2"),
        "spec.volumes[15].downwardAPI.items[0].fieldRef.apiVersion 'v2' is not supported: use 'v1' (or leave it out)",
    ),
    (
        "downward-path",
        pod,
        put(vol("podinfo", "downwardAPI", "items", 0, "path"), "/labels"),
        "spec.volumes[15].downwardAPI.items[0].path '/labels' must be a relative path without a '..' element and not starting with '..' (e.g. 'labels')",
    ),
    (
        "downward-default-mode",
        pod,
        put(vol("podinfo", "downwardAPI", "defaultMode"), 512),
        "spec.volumes[15].downwardAPI.defaultMode 512 is not a file mode: use a value from 0 to 0777 (511), e.g. 0644 (420)",
    ),
    (
        "fc-none",
        pod,
        put(vol("fc", "fc"), {"lun": 1}),
        "spec.volumes[16].fc.targetWWNs is missing: set targetWWNs (with lun) or wwids",
    ),
    (
        "fc-both",
        pod,
        put(vol("fc", "fc", "wwids"), ["3600508b400105e210000900000490000"]),
        "spec.volumes[16].fc.targetWWNs cannot be set together with wwids: keep one",
    ),
    (
        "fc-lun-missing",
        pod,
        drop(vol("fc", "fc", "lun")),
        "spec.volumes[16].fc.lun is missing: targetWWNs needs the LUN number (0 to 255)",
    ),
    (
        "fc-lun-range",
        pod,
        put(vol("fc", "fc", "lun"), 256),
        "spec.volumes[16].fc.lun 256 is out of range: use a value from 0 to 255",
    ),
    (
        "flex-driver",
        pod,
        put(vol("flex", "flexVolume", "driver"), ""),
        "spec.volumes[17].flexVolume.driver is missing: name the FlexVolume driver",
    ),
    (
        "flex-reserved-option",
        pod,
        put(vol("flex", "flexVolume", "options"), {"Kubernetes.IO/size": "1G"}),
        "spec.volumes[17].flexVolume.options['Kubernetes.IO/size'] uses a reserved prefix: kubernetes.io and k8s.io option names belong to Kubernetes; use your own domain",
    ),
    (
        "configmap-name",
        pod,
        drop(vol("config", "configMap", "name")),
        "spec.volumes[18].configMap.name is missing: name the ConfigMap to mount",
    ),
    (
        "azurefile-secret",
        pod,
        put(vol("azfile", "azureFile", "secretName"), ""),
        "spec.volumes[19].azureFile.secretName is missing: name the Secret with the storage account key",
    ),
    (
        "azurefile-share",
        pod,
        put(vol("azfile", "azureFile", "shareName"), ""),
        "spec.volumes[19].azureFile.shareName is missing: name the file share",
    ),
    (
        "vsphere-path",
        pod,
        put(vol("vsphere", "vsphereVolume", "volumePath"), ""),
        "spec.volumes[20].vsphereVolume.volumePath is missing: set the vSphere volume path",
    ),
    (
        "photon-id",
        pod,
        put(vol("photon", "photonPersistentDisk", "pdID"), ""),
        "spec.volumes[21].photonPersistentDisk.pdID is missing: set the Photon persistent disk ID",
    ),
    (
        "portworx-id",
        pod,
        put(vol("pwx", "portworxVolume", "volumeID"), ""),
        "spec.volumes[22].portworxVolume.volumeID is missing: set the Portworx volume ID",
    ),
    (
        "azuredisk-name",
        pod,
        put(vol("azdisk", "azureDisk", "diskName"), ""),
        "spec.volumes[23].azureDisk.diskName is missing: set the data disk's name",
    ),
    (
        "azuredisk-uri-missing",
        pod,
        put(vol("azdisk", "azureDisk", "diskURI"), ""),
        "spec.volumes[23].azureDisk.diskURI is missing: set the data disk's URI",
    ),
    (
        "azuredisk-caching",
        pod,
        put(vol("azdisk", "azureDisk", "cachingMode"), "Write"),
        "spec.volumes[23].azureDisk.cachingMode 'Write' is not supported: use one of None, ReadOnly, ReadWrite",
    ),
    (
        "azuredisk-kind",
        pod,
        put(vol("azdisk", "azureDisk", "kind"), "Blob"),
        "spec.volumes[23].azureDisk.kind 'Blob' is not supported: use one of Shared, Dedicated, Managed",
    ),
    (
        "azuredisk-blob-uri",
        pod,
        put(vol("azdisk", "azureDisk", "diskURI"), "http://acct/d.vhd"),
        "spec.volumes[23].azureDisk.diskURI 'http://acct/d.vhd' is not a blob disk URL (kind Shared): use 'https://{account}.blob.core.windows.net/{container}/{disk}.vhd', or kind Managed",
    ),
    (
        "azuredisk-managed-uri",
        pod,
        put(vol("azdisk", "azureDisk", "kind"), "Managed"),
        "spec.volumes[23].azureDisk.diskURI 'https://acct.blob.core.windows.net/vhds/d.vhd' is not a managed disk ID: use '/subscriptions/{sub-id}/resourcegroups/{group}/providers/microsoft.compute/disks/{disk}'",
    ),
    (
        "storageos-volume-name",
        pod,
        put(vol("sos", "storageos", "volumeName"), "Vol_1"),
        "spec.volumes[24].storageos.volumeName 'Vol_1' is not a valid DNS-1123 label: use at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit (e.g. 'vol-1')",
    ),
    (
        "storageos-namespace",
        pod,
        put(vol("sos", "storageos", "volumeNamespace"), "NS"),
        "spec.volumes[24].storageos.volumeNamespace 'NS' is not a valid DNS-1123 label: use at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit (e.g. 'ns')",
    ),
    (
        "storageos-secret-name",
        pod,
        put(vol("sos", "storageos", "secretRef"), {"name": ""}),
        "spec.volumes[24].storageos.secretRef.name is missing: name the Secret",
    ),
    (
        "projected-default-mode",
        pod,
        put(vol("proj", "projected", "defaultMode"), 4095),
        "spec.volumes[25].projected.defaultMode 4095 is not a file mode: use a value from 0 to 0777 (511), e.g. 0644 (420)",
    ),
    (
        "projected-two-kinds",
        pod,
        put(vol("proj", "projected", "sources", 0, "configMap"), {"name": "c2"}),
        "spec.volumes[25].projected.sources[0] must hold exactly one projection (found: secret, configMap): use one source for each",
    ),
    (
        "projected-secret-name",
        pod,
        drop(vol("proj", "projected", "sources", 0, "secret", "name")),
        "spec.volumes[25].projected.sources[0].secret.name is missing: name the secret to project",
    ),
    (
        "projected-duplicate-path",
        pod,
        put(vol("proj", "projected", "sources", 1, "configMap", "items", 0, "path"), "a"),
        "spec.volumes[25].projected.sources[1].configMap.items[0].path 'a' is also written by another projected source: give each file its own path",
    ),
    (
        "projected-token-short",
        pod,
        put(vol("proj", "projected", "sources", 3, "serviceAccountToken", "expirationSeconds"), 599),
        "spec.volumes[25].projected.sources[3].serviceAccountToken.expirationSeconds 599 is less than 10 minutes: use at least 600",
    ),
    (
        "projected-token-long",
        pod,
        put(vol("proj", "projected", "sources", 3, "serviceAccountToken", "expirationSeconds"), 4294967297),
        "spec.volumes[25].projected.sources[3].serviceAccountToken.expirationSeconds 4294967297 is more than 2^32 seconds: use a shorter duration",
    ),
    (
        "projected-token-path",
        pod,
        put(vol("proj", "projected", "sources", 3, "serviceAccountToken", "path"), "/token"),
        "spec.volumes[25].projected.sources[3].serviceAccountToken.path '/token' must be a relative path without a '..' element and not starting with '..' (e.g. 'token')",
    ),
    (
        "projected-token-path-missing",
        pod,
        drop(vol("proj", "projected", "sources", 3, "serviceAccountToken", "path")),
        "spec.volumes[25].projected.sources[3].serviceAccountToken.path is missing: set the token's file path, e.g. 'token'",
    ),
    (
        "scaleio-gateway",
        pod,
        put(vol("scaleio", "scaleIO", "gateway"), ""),
        "spec.volumes[26].scaleIO.gateway is missing: set the ScaleIO API gateway URL",
    ),
    (
        "scaleio-system",
        pod,
        put(vol("scaleio", "scaleIO", "system"), ""),
        "spec.volumes[26].scaleIO.system is missing: name the ScaleIO protection system",
    ),
    (
        "scaleio-volume",
        pod,
        put(vol("scaleio", "scaleIO", "volumeName"), ""),
        "spec.volumes[26].scaleIO.volumeName is missing: name the ScaleIO volume",
    ),
    (
        "csi-driver-missing",
        pod,
        put(vol("csi", "csi", "driver"), ""),
        "spec.volumes[27].csi.driver is missing: name the CSI driver (e.g. 'ebs.csi.aws.com')",
    ),
    (
        "csi-driver-format",
        pod,
        put(vol("csi", "csi", "driver"), "ebs_csi"),
        "spec.volumes[27].csi.driver 'ebs_csi' is not a valid CSI driver name: use at most 63 letters, digits, '-' and '.', starting and ending with a letter or digit (e.g. 'ebs.csi.aws.com')",
    ),
    (
        "csi-driver-length",
        pod,
        put(vol("csi", "csi", "driver"), "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
        "spec.volumes[27].csi.driver 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' is not a valid CSI driver name: use at most 63 letters, digits, '-' and '.', starting and ending with a letter or digit (e.g. 'ebs.csi.aws.com')",
    ),
    (
        "csi-secret-missing",
        pod,
        put(vol("csi", "csi", "nodePublishSecretRef", "name"), ""),
        "spec.volumes[27].csi.nodePublishSecretRef.name is missing: name the Secret",
    ),
    (
        "csi-secret-format",
        pod,
        put(vol("csi", "csi", "nodePublishSecretRef", "name"), "Csi_Secret"),
        "spec.volumes[27].csi.nodePublishSecretRef.name 'Csi_Secret' is not a valid DNS-1123 subdomain: use at most 253 lower-case letters, digits, '-' and '.', starting and ending with a letter or digit (e.g. 'csi-secret')",
    ),
    (
        "ephemeral-template-missing",
        pod,
        put(vol("scratch", "ephemeral"), {}),
        "spec.volumes[28].ephemeral.volumeClaimTemplate is missing: describe the PersistentVolumeClaim to create",
    ),
    (
        "ephemeral-metadata-name",
        pod,
        put(vol("scratch", "ephemeral", "volumeClaimTemplate", "metadata", "name"), "data"),
        "spec.volumes[28].ephemeral.volumeClaimTemplate.metadata.name cannot be set in a claim template: only labels and annotations are copied to the PersistentVolumeClaim; remove it",
    ),
    (
        "ephemeral-metadata-finalizers",
        pod,
        put(
            vol("scratch", "ephemeral", "volumeClaimTemplate", "metadata", "finalizers"), ["example.com/keep"]
        ),
        "spec.volumes[28].ephemeral.volumeClaimTemplate.metadata.finalizers cannot be set in a claim template: only labels and annotations are copied to the PersistentVolumeClaim; remove it",
    ),
    (
        "ephemeral-metadata-labels",
        pod,
        put(vol("scratch", "ephemeral", "volumeClaimTemplate", "metadata", "labels", "app"), "web app"),
        "spec.volumes[28].ephemeral.volumeClaimTemplate.metadata.labels['app'] has invalid value 'web app': use at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit, or an empty string",
    ),
    (
        "ephemeral-metadata-annotations",
        pod,
        put(vol("scratch", "ephemeral", "volumeClaimTemplate", "metadata", "annotations"), {"bad key": "x"}),
        "spec.volumes[28].ephemeral.volumeClaimTemplate.metadata.annotations key 'bad key' is invalid: use an optional DNS subdomain prefix and '/', then at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit (e.g. 'app.kubernetes.io/name')",
    ),
    (
        "ephemeral-access-modes",
        pod,
        drop(vol("scratch", "ephemeral", "volumeClaimTemplate", "spec", "accessModes")),
        "spec.volumes[28].ephemeral.volumeClaimTemplate.spec.accessModes is empty: use at least one of ReadWriteOnce, ReadOnlyMany, ReadWriteMany, ReadWriteOncePod",
    ),
    (
        "ephemeral-storage",
        pod,
        put(vol("scratch", "ephemeral", "volumeClaimTemplate", "spec", "resources"), {}),
        "spec.volumes[28].ephemeral.volumeClaimTemplate.spec.resources.requests['storage'] is missing: request a size such as '10Gi'",
    ),
    (
        "ephemeral-data-source-kind",
        pod,
        put(
            vol("scratch", "ephemeral", "volumeClaimTemplate", "spec", "dataSource"),
            {"kind": "Pod", "name": "p"},
        ),
        "spec.volumes[28].ephemeral.volumeClaimTemplate.spec.dataSource kind 'Pod' needs an apiGroup: only PersistentVolumeClaim is in the core group (for a VolumeSnapshot set apiGroup 'snapshot.storage.k8s.io')",
    ),
    (
        "ephemeral-ref-namespace",
        pod,
        put(
            vol("scratch", "ephemeral", "volumeClaimTemplate", "spec", "dataSourceRef"),
            {"kind": "PersistentVolumeClaim", "name": "p", "namespace": "Other"},
        ),
        "spec.volumes[28].ephemeral.volumeClaimTemplate.spec.dataSourceRef.namespace 'Other' is not a valid DNS-1123 label: use at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit (e.g. 'other')",
    ),
    (
        "ephemeral-ref-namespace-and-source",
        pod,
        both(
            put(
                vol("scratch", "ephemeral", "volumeClaimTemplate", "spec", "dataSourceRef"),
                {"kind": "PersistentVolumeClaim", "name": "p", "namespace": "other"},
            ),
            put(
                vol("scratch", "ephemeral", "volumeClaimTemplate", "spec", "dataSource"),
                {"kind": "PersistentVolumeClaim", "name": "p"},
            ),
        ),
        "spec.volumes[28].ephemeral.volumeClaimTemplate.spec.dataSource cannot be set with spec.volumes[28].ephemeral.volumeClaimTemplate.spec.dataSourceRef.namespace: remove dataSource",
    ),
    (
        "pvc-access-mode",
        pvc,
        put(("spec", "accessModes"), ["ReadWriteOnce", "ReadWriteSome"]),
        "spec.accessModes[1] 'ReadWriteSome' is not supported: use one of ReadWriteOnce, ReadOnlyMany, ReadWriteMany, ReadWriteOncePod",
    ),
    (
        "pvc-read-write-once-pod",
        pvc,
        put(("spec", "accessModes"), ["ReadWriteOncePod", "ReadOnlyMany"]),
        "spec.accessModes ['ReadWriteOncePod', 'ReadOnlyMany'] combines ReadWriteOncePod with other access modes: use ReadWriteOncePod alone",
    ),
    (
        "pvc-storage-zero",
        pvc,
        put(("spec", "resources", "requests", "storage"), "0"),
        "spec.resources.requests['storage'] '0' is not a positive quantity: request a size such as '10Gi'",
    ),
    (
        "pvc-storage-negative",
        pvc,
        put(("spec", "resources", "requests", "storage"), "-1Gi"),
        "spec.resources.requests['storage'] '-1Gi' is not a positive quantity: request a size such as '10Gi'",
    ),
    (
        "pvc-storage-class",
        pvc,
        put(("spec", "storageClassName"), "Fast_SSD"),
        "spec.storageClassName 'Fast_SSD' is not a valid DNS-1123 subdomain: use at most 253 lower-case letters, digits, '-' and '.', starting and ending with a letter or digit (e.g. 'fast-ssd')",
    ),
    (
        "pvc-volume-mode",
        pvc,
        put(("spec", "volumeMode"), ""),
        "spec.volumeMode '' is not supported: use Filesystem or Block (or leave it out for Filesystem)",
    ),
    (
        "pvc-selector-operator",
        pvc,
        put(("spec", "selector", "matchExpressions", 0, "operator"), "Equals"),
        "spec.selector.matchExpressions[0].operator 'Equals' is not a valid selector operator: use one of In, NotIn, Exists, DoesNotExist",
    ),
    (
        "pvc-selector-in-values",
        pvc,
        put(("spec", "selector", "matchExpressions", 0, "values"), []),
        "spec.selector.matchExpressions[0].values is empty: operator In needs at least one value",
    ),
    (
        "pvc-selector-exists-values",
        pvc,
        put(
            ("spec", "selector", "matchExpressions", 0),
            {"key": "tier", "operator": "Exists", "values": ["a"]},
        ),
        "spec.selector.matchExpressions[0].values must be empty for operator Exists: remove them",
    ),
    (
        "pvc-selector-key",
        pvc,
        put(("spec", "selector", "matchExpressions", 0, "key"), "-tier"),
        "spec.selector.matchExpressions[0].key '-tier' is invalid: use an optional DNS subdomain prefix and '/', then at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit (e.g. 'app.kubernetes.io/name')",
    ),
    (
        "pvc-selector-value",
        pvc,
        put(("spec", "selector", "matchExpressions", 0, "values"), ["fast ssd"]),
        "spec.selector.matchExpressions[0].values[0] has invalid value 'fast ssd': use at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit, or an empty string",
    ),
    (
        "pvc-selector-match-labels",
        pvc,
        put(("spec", "selector", "matchLabels"), {"zone": "eu west"}),
        "spec.selector.matchLabels['zone'] has invalid value 'eu west': use at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit, or an empty string",
    ),
    (
        "pvc-data-source-name",
        pvc,
        put(("spec", "dataSource", "name"), ""),
        "spec.dataSource.name is missing: name the object to copy the data from",
    ),
    (
        "pvc-data-source-ref-kind",
        pvc,
        both(drop(("spec", "dataSource")), put(("spec", "dataSourceRef"), {"kind": "Pod", "name": "p"})),
        "spec.dataSourceRef kind 'Pod' needs an apiGroup: only PersistentVolumeClaim is in the core group (for a VolumeSnapshot set apiGroup 'snapshot.storage.k8s.io')",
    ),
    (
        "pvc-data-source-ref-group",
        pvc,
        both(
            drop(("spec", "dataSource")),
            put(("spec", "dataSourceRef"), {"apiGroup": "Example_Group", "kind": "Foo", "name": "p"}),
        ),
        "spec.dataSourceRef.apiGroup 'Example_Group' is not a valid DNS-1123 subdomain: use at most 253 lower-case letters, digits, '-' and '.', starting and ending with a letter or digit (e.g. 'example-group')",
    ),
    (
        "pvc-data-source-ref-kind-missing",
        pvc,
        both(
            drop(("spec", "dataSource")),
            put(("spec", "dataSourceRef"), {"apiGroup": "example.com", "kind": "", "name": "p"}),
        ),
        "spec.dataSourceRef.kind is missing: set the kind to copy from, e.g. PersistentVolumeClaim or VolumeSnapshot",
    ),
    (
        "pvc-data-source-mismatch",
        pvc,
        put(("spec", "dataSourceRef"), {"kind": "PersistentVolumeClaim", "name": "other"}),
        "spec.dataSource PersistentVolumeClaim 'seed' does not match spec.dataSourceRef PersistentVolumeClaim 'other': set only dataSourceRef (Kubernetes copies it into dataSource), or make both the same",
    ),
]


@pytest.mark.parametrize(("rule", "make", "mutate", "expected"), CATALOGUE, ids=[r[0] for r in CATALOGUE])
def test_fails_on_each_rule(rule: str, make: Callable[[], Doc], mutate: Mutation, expected: str) -> None:
    doc = make()
    mutate(doc)
    problems = check_object(doc, "t/x")
    assert [(p.path, p.message, p.family) for p in problems] == [("t/x", expected, "apiserver")]
    assert problems[0].rule.startswith("apiserver:")
    assert expected.startswith(problems[0].field)


# -- what the API server accepts although a plain reading of the rules would not -------------------
ACCEPTED: list[tuple[str, Callable[[], Doc], Mutation]] = [
    # SetDefaults_Volume: a volume without a source becomes emptyDir: {}
    ("no-source-is-an-empty-dir", pod, put(("spec", "volumes", 0), {"name": "cache"})),
    # validateKeyToPath checks that a key is set, not its format
    ("any-item-key", pod, put(vol("creds", "secret", "items", 0, "key"), "..data")),
    # validateHostPathVolumeSource: only '..' elements are refused, not relative (Windows) paths
    ("relative-host-path", pod, put(vol("host", "hostPath", "path"), "C:\\data")),
    ("empty-host-path-type", pod, put(vol("host", "hostPath", "type"), "")),
    ("git-repo-in-dot", pod, put(vol("git", "gitRepo", "directory"), ".")),
    ("git-repo-dot-dot-name", pod, put(vol("git", "gitRepo", "directory"), "..foo")),
    ("zero-size-limit", pod, put(vol("cache", "emptyDir", "sizeLimit"), "0")),
    ("iqn-eui", pod, put(vol("iscsi", "iscsi", "iqn"), "eui.0123456789ABCDEF")),
    ("iqn-naa", pod, put(vol("iscsi", "iscsi", "iqn"), "naa.62004567BA64678D0123456789ABCDEF")),
    ("fc-wwids-without-lun", pod, put(vol("fc", "fc"), {"wwids": ["3600508b400105e210000900000490000"]})),
    (
        "flex-option-in-own-domain",
        pod,
        put(vol("flex", "flexVolume", "options"), {"myns.io/kubernetes.io": "a"}),
    ),
    ("quobyte-empty-tenant", pod, put(vol("quobyte", "quobyte", "tenant"), "")),
    (
        "azure-managed-disk",
        pod,
        put(
            vol("azdisk", "azureDisk"),
            {
                "diskName": "d",
                "kind": "Managed",
                "diskURI": "/subscriptions/s/resourcegroups/g/providers/microsoft.compute/disks/d",
            },
        ),
    ),
    ("csi-driver-upper-case", pod, put(vol("csi", "csi", "driver"), "Ebs.CSI.aws.com")),
    (
        "token-default-expiration",
        pod,
        drop(vol("proj", "projected", "sources", 3, "serviceAccountToken", "expirationSeconds")),
    ),
    # ImageVolume is off by default: the server removes an image volume (and its mounts)
    (
        "image-volume-removed",
        pod,
        put(
            ("spec", "volumes", 0),
            {"name": "cache", "image": {"reference": "x"}, "hostPath": {"path": "/.."}},
        ),
    ),
    # ClusterTrustBundleProjection is off by default: the server clears the source
    (
        "cluster-trust-bundle-cleared",
        pod,
        put(vol("proj", "projected", "sources", 0), {"clusterTrustBundle": {"path": "/abs", "name": ""}}),
    ),
    (
        "claim-template-creation-timestamp-null",
        pod,
        put(vol("scratch", "ephemeral", "volumeClaimTemplate", "metadata", "creationTimestamp"), None),
    ),
    (
        "ephemeral-volume-attributes-class",
        pod,
        put(vol("scratch", "ephemeral", "volumeClaimTemplate", "spec", "volumeAttributesClassName"), "-any-"),
    ),
    # PVC strategy: a dataSource that is not a PVC or a VolumeSnapshot is dropped without dataSourceRef
    (
        "pvc-foreign-data-source-dropped",
        pvc,
        put(("spec", "dataSource"), {"apiGroup": "^bad", "kind": "Pod", "name": ""}),
    ),
    (
        "pvc-snapshot-data-source",
        pvc,
        put(
            ("spec", "dataSource"),
            {"apiGroup": "snapshot.storage.k8s.io", "kind": "VolumeSnapshot", "name": "snap_1"},
        ),
    ),
    (
        "pvc-matching-data-source-ref",
        pvc,
        put(("spec", "dataSourceRef"), {"kind": "PersistentVolumeClaim", "name": "seed"}),
    ),
    (
        "pvc-generic-data-source-ref",
        pvc,
        both(
            drop(("spec", "dataSource")),
            put(("spec", "dataSourceRef"), {"apiGroup": "example.com", "kind": "Foo", "name": "f"}),
        ),
    ),
    # CrossNamespaceVolumeDataSource is off: a dataSourceRef with a namespace is dropped
    (
        "pvc-cross-namespace-ref-dropped",
        pvc,
        put(("spec", "dataSourceRef"), {"kind": "Foo", "name": "", "namespace": "Other"}),
    ),
    # VolumeAttributesClass is off: the field is dropped
    ("pvc-volume-attributes-class", pvc, put(("spec", "volumeAttributesClassName"), "-any-")),
    ("pvc-read-write-once-pod", pvc, put(("spec", "accessModes"), ["ReadWriteOncePod"])),
    ("pvc-empty-storage-class", pvc, put(("spec", "storageClassName"), "")),
    ("pvc-block", pvc, put(("spec", "volumeMode"), "Block")),
    ("pvc-no-volume-mode", pvc, drop(("spec", "volumeMode"))),
    ("pvc-int-storage", pvc, put(("spec", "resources", "requests", "storage"), 1073741824)),
]


@pytest.mark.parametrize(("case", "make", "mutate"), ACCEPTED, ids=[r[0] for r in ACCEPTED])
def test_accepts_what_the_api_server_accepts(case: str, make: Callable[[], Doc], mutate: Mutation) -> None:
    doc = make()
    mutate(doc)
    assert _messages(doc) == []


# -- the rules that need the pod's name (a bare Pod only: templates have none) --------------------
EPHEMERAL = {
    "volumeClaimTemplate": {
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}
    }
}


def _volumes(pod_name: str | None, volumes: list[Doc]) -> list[str]:
    r = Report("t/x")
    seen: dict[str, Any] = {}
    for i, volume in enumerate(volumes):
        check_volume(r, volume, f"spec.volumes[{i}]", seen, pod_name=pod_name, siblings=volumes)
    return [p.message for p in r.problems]


def test_fails_on_an_ephemeral_claim_name_too_long() -> None:
    name = "v" * 60
    assert _volumes("p" * 200, [{"name": name, "ephemeral": EPHEMERAL}]) == [
        f"spec.volumes[0].name {name!r} makes the claim of this ephemeral volume {'p' * 200 + '-' + name!r} "
        f"(<pod name>-<volume name>), which is not a valid DNS-1123 subdomain of at most 253 characters: "
        f"shorten the pod or volume name"
    ]


def test_fails_on_a_claim_that_an_ephemeral_volume_creates() -> None:
    volumes = [
        {"name": "data", "persistentVolumeClaim": {"claimName": "web-scratch"}},
        {"name": "scratch", "ephemeral": EPHEMERAL},
    ]
    assert _volumes("web", volumes) == [
        "spec.volumes[0].persistentVolumeClaim.claimName 'web-scratch' is the claim Kubernetes creates for the "
        "ephemeral volume 'scratch' of this pod: mount that volume instead"
    ]


def test_pod_name_rules_need_a_pod_name() -> None:
    volumes = [
        {"name": "data", "persistentVolumeClaim": {"claimName": "web-scratch"}},
        {"name": "scratch", "ephemeral": EPHEMERAL},
    ]
    assert _volumes(None, volumes) == []
    assert (
        _volumes("web", [{"name": "data", "persistentVolumeClaim": {"claimName": "web-data"}}, volumes[1]])
        == []
    )


# -- the claim spec rules, written once, for a StatefulSet's volumeClaimTemplates too -------------
def test_fails_on_a_claim_template_spec_at_its_own_path() -> None:
    r = Report("t/x")
    check_claim_spec(
        r, {"accessModes": ["ReadWriteMany", "ReadWriteOncePod"]}, "spec.volumeClaimTemplates[0].spec"
    )
    assert [(p.field, p.message, p.rule) for p in r.problems] == [
        (
            "spec.volumeClaimTemplates[0].spec.accessModes",
            "spec.volumeClaimTemplates[0].spec.accessModes ['ReadWriteMany', 'ReadWriteOncePod'] combines "
            "ReadWriteOncePod with other access modes: use ReadWriteOncePod alone",
            "apiserver:ValidatePersistentVolumeClaimSpec",
        ),
        (
            "spec.volumeClaimTemplates[0].spec.resources.requests['storage']",
            "spec.volumeClaimTemplates[0].spec.resources.requests['storage'] is missing: request a size such as '10Gi'",
            "apiserver:ValidatePersistentVolumeClaimSpec",
        ),
    ]


def test_a_claim_template_keeps_a_foreign_data_source() -> None:
    """Only a PVC object is prepared by its strategy: a template's dataSource is checked as written."""
    r = Report("t/x")
    spec = {
        "accessModes": ["ReadWriteOnce"],
        "resources": {"requests": {"storage": "1Gi"}},
        "dataSource": {"kind": "Pod", "name": "p"},
    }
    check_claim_spec(r, spec, "spec.volumeClaimTemplates[0].spec")
    assert [p.field for p in r.problems] == ["spec.volumeClaimTemplates[0].spec.dataSource"]


# -- patched objects may hold anything: problems, never exceptions ---------------------------------
def _paths(node: Any, prefix: Path = ()) -> list[Path]:
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _paths(value, (*prefix, i))
    return out


@pytest.mark.parametrize("make", [pod, pvc])
def test_wrong_types_anywhere_give_problems_not_exceptions(make: Callable[[], Doc]) -> None:
    for path in _paths(make()):
        if path[0] in ("apiVersion", "kind"):
            continue
        for wrong in (None, 7, True, "x", [], {}, [None], {"x": None}, -1, 2**70):
            doc = make()
            _parent(doc, path)[path[-1]] = wrong
            check_object(doc, "t/x")  # must not raise
