"""Volumes and their sources (core validation: ValidateVolumes, validateVolumeSource).

What the API server does before it validates a v1 pod's volumes (Kubernetes 1.33, default
feature gates) is applied here first:

* a volume without any source is defaulted to ``emptyDir: {}`` (SetDefaults_Volume);
* ``hostPath.type`` defaults to ``""``, ``serviceAccountToken.expirationSeconds`` to 3600,
  ``azureDisk.kind`` to ``Shared`` (so its ``diskURI`` must be a blob URL unless ``Managed``);
* an ``image`` volume is removed with its mounts (ImageVolume is off: dropImageVolumes);
* a projected ``clusterTrustBundle`` source is cleared (ClusterTrustBundleProjection is off).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any

from .. import names as n
from .._base import Report, as_list, is_int, label, one_of, subdomain, upstream
from ..quantity import quantity_value
from .container import check_field_ref, check_resource_ref
from .pvc import check_claim_template

__all__ = ["SOURCES", "check_volume"]

#: the v1 volume sources, in the order validateVolumeSource reads them (a second one is the error)
SOURCES = (
    "emptyDir",
    "hostPath",
    "gitRepo",
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "secret",
    "nfs",
    "iscsi",
    "glusterfs",
    "flocker",
    "persistentVolumeClaim",
    "rbd",
    "cinder",
    "cephfs",
    "quobyte",
    "downwardAPI",
    "fc",
    "flexVolume",
    "configMap",
    "azureFile",
    "vsphereVolume",
    "photonPersistentDisk",
    "portworxVolume",
    "azureDisk",
    "storageos",
    "projected",
    "scaleIO",
    "csi",
    "ephemeral",
)
_SOURCE_ORDER = {source: i for i, source in enumerate(SOURCES)}
HOST_PATH_TYPES = (
    "",
    "DirectoryOrCreate",
    "Directory",
    "FileOrCreate",
    "File",
    "Socket",
    "CharDevice",
    "BlockDevice",
)
AZURE_CACHING_MODES = ("None", "ReadOnly", "ReadWrite")
AZURE_DISK_KINDS = ("Shared", "Dedicated", "Managed")
#: projected sources a 1.33 server keeps (clusterTrustBundle is cleared, its gate being off)
PROJECTIONS = ("secret", "configMap", "downwardAPI", "serviceAccountToken")
_IQN = re.compile(r"iqn\.[0-9]{4}-[0-9]{2}\.[A-Za-z0-9.-]+:[^,;*&$|\t\n\f\r ]+\Z")
_EUI = re.compile(r"eui.[A-Za-z0-9]{16}\Z", re.DOTALL)
_NAA = re.compile(r"naa.[A-Za-z0-9]{32}\Z", re.DOTALL)
_MAX_TOKEN_SECONDS = 1 << 32


@upstream("ValidateVolumes")
def check_volume(
    r: Report,
    volume: Mapping[str, Any],
    at: str,
    volumes: dict[str, Mapping[str, Any]],
    *,
    pod_name: str | None = None,
    siblings: Sequence[Any] = (),
) -> None:
    """The pod volume ``volume`` at ``at`` (``spec.volumes[0]``); ``volumes`` collects the
    pod's volumes by name for its mounts. For a bare Pod, ``pod_name`` (its metadata.name) and
    ``siblings`` (the pod's whole ``volumes`` list) let the ephemeral volume rules run: the
    claim each creates is named ``<pod name>-<volume name>``."""
    name = volume.get("name")
    if volume.get("image") is not None:
        # ImageVolume is off by default: the server removes the volume and its mounts
        if isinstance(name, str):
            volumes.setdefault(name, volume)
        return
    name = r.required(f"{at}.name", name, label, "every volume needs a name")
    if name is not None:
        if name in volumes:
            r.add(f"{at}.name {name!r} is used by another volume of this pod: give each volume its own name")
        volumes[name] = volume
    # the fields the volume has (a name and, mostly, one source), not the 30 it could have
    sources = [k for k, v in volume.items() if v is not None and k in _SOURCE_ORDER]
    if len(sources) > 1:
        sources.sort(key=_SOURCE_ORDER.__getitem__)  # the one validateVolumeSource reads first
        r.add(f"{at} must have exactly one volume source (found: {', '.join(sorted(sources))})")
    if not sources:
        return  # defaulted to emptyDir: {}
    source = sources[0]
    body = volume[source]
    if not isinstance(body, dict):
        return  # a wrong type: the schema check names it
    where = f"{at}.{source}"
    check = _SOURCE_RULES.get(source)
    if check is not None:
        check(r, body, where)
    if source == "iscsi" and body.get("initiatorName") is not None and isinstance(name, str):
        portal = body.get("targetPortal")
        if isinstance(portal, str) and len(f"{name}:{portal}") > 64:
            r.add(
                f"{at}.name {name!r} is too long for this iSCSI volume: <volume name>:<targetPortal> "
                f"must be at most 64 characters when initiatorName is set"
            )
    elif source == "ephemeral" and pod_name and name:
        claim = f"{pod_name}-{name}"
        if len(claim) > n.MAX_SUBDOMAIN or not n.DNS1123_SUBDOMAIN.match(claim):
            r.add(
                f"{at}.name {name!r} makes the claim of this ephemeral volume {claim!r} (<pod name>-"
                f"<volume name>), which is not a valid DNS-1123 subdomain of at most 253 characters: "
                f"shorten the pod or volume name"
            )
    elif source == "persistentVolumeClaim" and pod_name:
        claim_name = body.get("claimName")
        for other in siblings:
            if (
                isinstance(other, dict)
                and other.get("ephemeral") is not None
                and claim_name == f"{pod_name}-{other.get('name')}"
            ):
                r.add(
                    f"{at}.persistentVolumeClaim.claimName {claim_name!r} is the claim Kubernetes creates "
                    f"for the ephemeral volume {other.get('name')!r} of this pod: mount that volume instead"
                )


# -- one rule per source -----------------------------------------------------------------------
def _missing(r: Report, body: Mapping[str, Any], key: str, where: str, fix: str) -> bool:
    """Report ``where.key`` as missing when it is unset or empty; ``True`` when it was."""
    value = body.get(key)
    if value is None or value == "" or value == [] or value == {}:
        r.add(f"{where}.{key} is missing: {fix}")
        return True
    return False


def _range(r: Report, value: object, where: str, low: int, high: int) -> None:
    if value is not None and is_int(value) and not low <= value <= high:  # type: ignore[operator]
        r.add(f"{where} {value!r} is out of range: use a value from {low} to {high}")


def _mode(r: Report, mode: object, where: str) -> None:
    if mode is not None and (not is_int(mode) or not 0 <= mode <= 0o777):  # type: ignore[operator]
        r.add(f"{where} {mode!r} is not a file mode: use a value from 0 to 0777 (511), e.g. 0644 (420)")


def _backsteps(value: str) -> bool:
    return ".." in value.split("/")


def _empty_dir(r: Report, body: Mapping[str, Any], where: str) -> None:
    size = body.get("sizeLimit")
    if size is None or isinstance(size, bool) or not isinstance(size, str | int | float):
        return
    value = quantity_value(str(size))
    if value is None:
        r.add(f"{where}.sizeLimit {size!r} is not a Kubernetes quantity: use e.g. '1Gi'")
    elif value < 0:
        r.add(f"{where}.sizeLimit {size!r} is negative: use a size such as '1Gi'")


def _host_path(r: Report, body: Mapping[str, Any], where: str) -> None:
    path = body.get("path")
    if not isinstance(path, str) or not path:
        if path is None or path == "":
            r.add(f"{where}.path is missing: set the node's path")
        return
    if _backsteps(path):
        r.add(f"{where}.path {path!r} must not contain a '..' element: write the resolved path")
    kind = body.get("type")
    if kind is not None and kind not in HOST_PATH_TYPES:
        r.add(f"{where}.type {kind!r} is not supported: use one of {', '.join(HOST_PATH_TYPES[1:])} (or '')")


def _git_repo(r: Report, body: Mapping[str, Any], where: str) -> None:
    _missing(r, body, "repository", where, "set the git repository URL")
    directory = body.get("directory")
    if isinstance(directory, str) and directory:
        r.add(n.relative_path_error(f"{where}.directory", directory))


def _disk(key: str, fix: str) -> Any:
    def check(r: Report, body: Mapping[str, Any], where: str) -> None:
        _missing(r, body, key, where, fix)
        _range(r, body.get("partition"), f"{where}.partition", 0, 255)

    return check


def _required(*keys: tuple[str, str]) -> Any:
    def check(r: Report, body: Mapping[str, Any], where: str) -> None:
        for key, fix in keys:
            _missing(r, body, key, where, fix)

    return check


def _secret(r: Report, body: Mapping[str, Any], where: str) -> None:
    _missing(r, body, "secretName", where, "name the Secret to mount")
    _mode(r, body.get("defaultMode"), f"{where}.defaultMode")
    _key_items(r, body.get("items"), where, None)


def _config_map(r: Report, body: Mapping[str, Any], where: str) -> None:
    _missing(r, body, "name", where, "name the ConfigMap to mount")
    _mode(r, body.get("defaultMode"), f"{where}.defaultMode")
    _key_items(r, body.get("items"), where, None)


def _nfs(r: Report, body: Mapping[str, Any], where: str) -> None:
    _missing(r, body, "server", where, "set the NFS server's host name or IP address")
    if not _missing(r, body, "path", where, "set the exported path, e.g. '/exports/data'"):
        path = body.get("path")
        if isinstance(path, str) and not path.startswith("/"):
            r.add(f"{where}.path {path!r} must be an absolute path (e.g. '/{path}')")


def _iqn_error(value: str) -> str | None:
    if value.startswith("iqn"):
        ok = _IQN.search(value) is not None
    elif value.startswith("eui"):
        ok = _EUI.match(value) is not None
    elif value.startswith("naa"):
        ok = _NAA.match(value) is not None
    else:
        return "must start with iqn, eui or naa (e.g. 'iqn.2015-02.example.com:storage')"
    return None if ok else "is not a valid iqn./eui./naa. name (e.g. 'iqn.2015-02.example.com:storage')"


def _iscsi(r: Report, body: Mapping[str, Any], where: str) -> None:
    _missing(r, body, "targetPortal", where, "set the target's 'host[:port]'")
    if not _missing(r, body, "iqn", where, "set the target's iSCSI Qualified Name"):
        iqn = body.get("iqn")
        if isinstance(iqn, str) and (error := _iqn_error(iqn)) is not None:
            r.add(f"{where}.iqn {iqn!r} {error}")
    _range(r, body.get("lun"), f"{where}.lun", 0, 255)
    if (body.get("chapAuthDiscovery") is True or body.get("chapAuthSession") is True) and body.get(
        "secretRef"
    ) is None:
        r.add(
            f"{where}.secretRef is missing: CHAP authentication needs the Secret that holds its credentials"
        )
    initiator = body.get("initiatorName")
    if isinstance(initiator, str) and (error := _iqn_error(initiator)) is not None:
        r.add(f"{where}.initiatorName {initiator!r} {error}")


def _flocker(r: Report, body: Mapping[str, Any], where: str) -> None:
    name, uuid = body.get("datasetName"), body.get("datasetUUID")
    if not name and not uuid:
        r.add(f"{where} needs one of datasetName, datasetUUID: set one")
    elif name and uuid:
        r.add(f"{where} sets both datasetName and datasetUUID: keep one")
    if isinstance(name, str) and "/" in name:
        r.add(f"{where}.datasetName {name!r} must not contain '/'")


def _cinder(r: Report, body: Mapping[str, Any], where: str) -> None:
    _missing(r, body, "volumeID", where, "set the Cinder volume's ID")
    _secret_ref_name(r, body, where)


def _secret_ref_name(r: Report, body: Mapping[str, Any], where: str) -> None:
    ref = body.get("secretRef")
    if isinstance(ref, dict) and not ref.get("name"):
        r.add(f"{where}.secretRef.name is missing: name the Secret")


def _quobyte(r: Report, body: Mapping[str, Any], where: str) -> None:
    registry, tenant = body.get("registry"), body.get("tenant")
    if not registry:
        r.add(f"{where}.registry is missing: set 'host:port', or several separated by commas")
    elif isinstance(tenant, str) and len(tenant) >= 65:
        r.add(f"{where}.tenant is too long ({len(tenant)} characters): use the tenant's UUID (at most 64)")
    elif isinstance(registry, str) and not all(_host_port(pair) for pair in registry.split(",")):
        r.add(f"{where}.registry {registry!r} is invalid: use 'host:port', or several separated by commas")
    _missing(r, body, "volume", where, "name the Quobyte volume")


def _host_port(value: str) -> bool:
    """Whether Go's net.SplitHostPort accepts ``value``."""
    colon = value.rfind(":")
    if colon < 0:
        return False
    if value.startswith("["):
        close = value.find("]")
        if close < 0 or close + 1 != colon or "[" in value[1:close] or "]" in value[close + 1 :]:
            return False
    elif ":" in value[:colon] or "[" in value[:colon] or "]" in value[:colon]:
        return False
    return "[" not in value[colon + 1 :] and "]" not in value[colon + 1 :]


def _downward_api(r: Report, body: Mapping[str, Any], where: str) -> None:
    _mode(r, body.get("defaultMode"), f"{where}.defaultMode")
    _downward_items(r, body.get("items"), where, None)


def _fc(r: Report, body: Mapping[str, Any], where: str) -> None:
    wwns, wwids = as_list(body.get("targetWWNs")), as_list(body.get("wwids"))
    if not wwns and not wwids:
        r.add(f"{where}.targetWWNs is missing: set targetWWNs (with lun) or wwids")
    elif wwns and wwids:
        r.add(f"{where}.targetWWNs cannot be set together with wwids: keep one")
    if wwns:
        lun = body.get("lun")
        if lun is None:
            r.add(f"{where}.lun is missing: targetWWNs needs the LUN number (0 to 255)")
        else:
            _range(r, lun, f"{where}.lun", 0, 255)


def _flex(r: Report, body: Mapping[str, Any], where: str) -> None:
    _missing(r, body, "driver", where, "name the FlexVolume driver")
    options = body.get("options")
    for key in options if isinstance(options, dict) else ():
        if not isinstance(key, str):
            continue
        domain = ("." + key.split("/", 1)[0]).lower()
        if domain.endswith((".kubernetes.io", ".k8s.io")):
            r.add(
                f"{where}.options[{key!r}] uses a reserved prefix: kubernetes.io and k8s.io option "
                f"names belong to Kubernetes; use your own domain"
            )


def _azure_disk(r: Report, body: Mapping[str, Any], where: str) -> None:
    _missing(r, body, "diskName", where, "set the data disk's name")
    _missing(r, body, "diskURI", where, "set the data disk's URI")
    caching = body.get("cachingMode")
    if caching is not None and caching not in AZURE_CACHING_MODES:
        r.add(f"{where}.cachingMode {caching!r} is not supported: use {one_of(AZURE_CACHING_MODES)}")
    disk_kind = body.get("kind")
    if disk_kind is not None and disk_kind not in AZURE_DISK_KINDS:
        r.add(f"{where}.kind {disk_kind!r} is not supported: use {one_of(AZURE_DISK_KINDS)}")
    uri = body.get("diskURI")
    if not isinstance(uri, str) or not uri:
        return
    if disk_kind == "Managed":
        if not uri.startswith("/subscriptions/"):
            r.add(
                f"{where}.diskURI {uri!r} is not a managed disk ID: use "
                f"'/subscriptions/{{sub-id}}/resourcegroups/{{group}}/providers/microsoft.compute/disks/{{disk}}'"
            )
    elif (disk_kind is None or disk_kind in AZURE_DISK_KINDS) and not uri.startswith("https://"):
        r.add(
            f"{where}.diskURI {uri!r} is not a blob disk URL (kind {disk_kind or 'Shared'}): use "
            f"'https://{{account}}.blob.core.windows.net/{{container}}/{{disk}}.vhd', or kind Managed"
        )


def _storageos(r: Report, body: Mapping[str, Any], where: str) -> None:
    volume_name = body.get("volumeName")
    if not _missing(r, body, "volumeName", where, "name the StorageOS volume") and isinstance(
        volume_name, str
    ):
        r.add(label(f"{where}.volumeName", volume_name))
    namespace = body.get("volumeNamespace")
    if isinstance(namespace, str) and namespace:
        r.add(label(f"{where}.volumeNamespace", namespace))
    _secret_ref_name(r, body, where)


def _csi(r: Report, body: Mapping[str, Any], where: str) -> None:
    driver = body.get("driver")
    missing = _missing(r, body, "driver", where, "name the CSI driver (e.g. 'ebs.csi.aws.com')")
    if (
        not missing
        and isinstance(driver, str)
        and (len(driver) > 63 or not n.DNS1123_SUBDOMAIN.match(driver.lower()))
    ):
        r.add(
            f"{where}.driver {driver!r} is not a valid CSI driver name: use at most 63 letters, "
            f"digits, '-' and '.', starting and ending with a letter or digit (e.g. 'ebs.csi.aws.com')"
        )
    ref = body.get("nodePublishSecretRef")
    if isinstance(ref, dict):
        secret = ref.get("name")
        if not secret:
            r.add(f"{where}.nodePublishSecretRef.name is missing: name the Secret")
        elif isinstance(secret, str):
            r.add(subdomain(f"{where}.nodePublishSecretRef.name", secret))


def _ephemeral(r: Report, body: Mapping[str, Any], where: str) -> None:
    template = body.get("volumeClaimTemplate")
    if template is None:
        r.add(f"{where}.volumeClaimTemplate is missing: describe the PersistentVolumeClaim to create")
    elif isinstance(template, dict):
        check_claim_template(r, template, f"{where}.volumeClaimTemplate")


def _projected(r: Report, body: Mapping[str, Any], where: str) -> None:
    _mode(r, body.get("defaultMode"), f"{where}.defaultMode")
    paths: set[str] = set()
    for j, projection in enumerate(as_list(body.get("sources"))):
        if not isinstance(projection, dict):
            continue
        at = f"{where}.sources[{j}]"
        kinds = [k for k in PROJECTIONS if projection.get(k) is not None]
        if len(kinds) > 1:
            r.add(
                f"{at} must hold exactly one projection (found: {', '.join(kinds)}): use one source for each"
            )
        for kind in kinds:
            inner = projection[kind]
            if not isinstance(inner, dict):
                continue
            if kind in ("secret", "configMap"):
                if not inner.get("name"):
                    r.add(f"{at}.{kind}.name is missing: name the {kind} to project")
                _key_items(r, inner.get("items"), f"{at}.{kind}", paths)
            elif kind == "downwardAPI":
                _downward_items(r, inner.get("items"), f"{at}.{kind}", paths)
            else:
                _token(r, inner, f"{at}.{kind}")


def _token(r: Report, token: Mapping[str, Any], where: str) -> None:
    seconds = token.get("expirationSeconds")
    if not isinstance(seconds, int) or isinstance(seconds, bool):
        pass  # unset (3600 by default) or a wrong type the schema check names
    elif seconds < 600:
        r.add(f"{where}.expirationSeconds {seconds!r} is less than 10 minutes: use at least 600")
    elif seconds > _MAX_TOKEN_SECONDS:
        r.add(f"{where}.expirationSeconds {seconds!r} is more than 2^32 seconds: use a shorter duration")
    r.required(
        f"{where}.path", token.get("path"), _item_path_error, "set the token's file path, e.g. 'token'"
    )


_SOURCE_RULES: dict[str, Any] = {
    "emptyDir": _empty_dir,
    "hostPath": _host_path,
    "gitRepo": _git_repo,
    "gcePersistentDisk": _disk("pdName", "name the GCE persistent disk"),
    "awsElasticBlockStore": _disk("volumeID", "set the EBS volume ID"),
    "secret": _secret,
    "nfs": _nfs,
    "iscsi": _iscsi,
    "glusterfs": _required(
        ("endpoints", "name the Endpoints object of the Glusterfs cluster"),
        ("path", "set the Glusterfs volume path"),
    ),
    "flocker": _flocker,
    "persistentVolumeClaim": _required(("claimName", "name the PersistentVolumeClaim to mount")),
    "rbd": _required(("monitors", "list the Ceph monitors"), ("image", "name the RADOS image")),
    "cinder": _cinder,
    "cephfs": _required(("monitors", "list the Ceph monitors")),
    "quobyte": _quobyte,
    "downwardAPI": _downward_api,
    "fc": _fc,
    "flexVolume": _flex,
    "configMap": _config_map,
    "azureFile": _required(
        ("secretName", "name the Secret with the storage account key"), ("shareName", "name the file share")
    ),
    "vsphereVolume": _required(("volumePath", "set the vSphere volume path")),
    "photonPersistentDisk": _required(("pdID", "set the Photon persistent disk ID")),
    "portworxVolume": _required(("volumeID", "set the Portworx volume ID")),
    "azureDisk": _azure_disk,
    "storageos": _storageos,
    "projected": _projected,
    "scaleIO": _required(
        ("gateway", "set the ScaleIO API gateway URL"),
        ("system", "name the ScaleIO protection system"),
        ("volumeName", "name the ScaleIO volume"),
    ),
    "csi": _csi,
    "ephemeral": _ephemeral,
}


# -- items: files written into configMap/secret/downwardAPI/projected volumes --------------------
#: an item's path may not start with '..' either (ValidateLocalNonReservedPath)
_item_path_error = partial(n.relative_path_error, reserved=True)


def _item_path(r: Report, value: object, where: str, paths: set[str] | None) -> None:
    path = r.required(where, value, _item_path_error, "set a relative file path such as 'config.yaml'")
    if paths is not None and path is not None:
        if path in paths:
            r.add(
                f"{where} {path!r} is also written by another projected source: give each file its own path"
            )
        paths.add(path)


def _key_items(r: Report, items: object, where: str, paths: set[str] | None) -> None:
    """validateKeyToPath of each item (a key is not checked for its format, only for being set)."""
    for i, item in enumerate(as_list(items)):
        if not isinstance(item, dict):
            continue
        at = f"{where}.items[{i}]"
        key = item.get("key")
        if key is None or key == "":
            r.add(f"{at}.key is missing: name the key to write")
        _item_path(r, item.get("path"), f"{at}.path", paths)
        _mode(r, item.get("mode"), f"{at}.mode")


def _downward_items(r: Report, items: object, where: str, paths: set[str] | None) -> None:
    """validateDownwardAPIVolumeFile of each item."""
    for i, item in enumerate(as_list(items)):
        if not isinstance(item, dict):
            continue
        at = f"{where}.items[{i}]"
        _item_path(r, item.get("path"), f"{at}.path", paths)
        _mode(r, item.get("mode"), f"{at}.mode")
        field, resource = item.get("fieldRef"), item.get("resourceFieldRef")
        if (field is None) == (resource is None):
            r.add(f"{at} must have exactly one of fieldRef, resourceFieldRef")
        elif isinstance(field, dict):
            version = field.get("apiVersion")
            if version is not None and version != "v1":
                r.add(f"{at}.fieldRef.apiVersion {version!r} is not supported: use 'v1' (or leave it out)")
            else:
                check_field_ref(r, field.get("fieldPath"), f"{at}.fieldRef.fieldPath", volume=True)
        elif isinstance(resource, dict):
            check_resource_ref(r, resource, f"{at}.resourceFieldRef", need_container=True)
