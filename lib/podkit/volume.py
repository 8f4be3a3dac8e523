"""Pod volumes: shared scratch space, host paths, pod metadata as files, ConfigMaps, Secrets,
PersistentVolumeClaims, projected volumes, CSI drivers, NFS shares and ephemeral claims.

A container's own file system lives and dies with the container. Volumes outlive
container restarts and can be mounted by several containers of one pod (the sidecar
pattern's shared directory). An ``emptyDir`` lives as long as the pod; a ``hostPath``
is a directory on the node. Build volumes with the static factories and mount them with
``pod.mount(volume, at=..., containers=[...])`` or ``container.mount(volume, at=...)``.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import _checks
from .env import FieldRef, PodField, ResourceItem, downward_items
from .errors import InvalidNameError, PodkitTypeError

if TYPE_CHECKING:
    from ._data import KeyedSource
    from .storage import ClaimTemplate, PersistentVolumeClaim, Projection


__all__ = ["HostPathType", "ResourceItem", "StorageMedium", "Volume"]


class StorageMedium(enum.Enum):
    """Where an ``emptyDir`` lives: the node's default disk, or RAM (tmpfs)."""

    DEFAULT = ""
    MEMORY = "Memory"


class HostPathType(enum.Enum):
    """What must exist at a ``hostPath`` (https://kubernetes.io/docs/concepts/storage/volumes/#hostpath)."""

    UNSET = ""
    DIRECTORY_OR_CREATE = "DirectoryOrCreate"
    DIRECTORY = "Directory"
    FILE_OR_CREATE = "FileOrCreate"
    FILE = "File"
    SOCKET = "Socket"
    CHAR_DEVICE = "CharDevice"
    BLOCK_DEVICE = "BlockDevice"


def _mode(path: str, what: str, mode: int | None) -> int | None:
    if mode is None:
        return None
    if isinstance(mode, bool) or not isinstance(mode, int) or not 0 <= mode <= 0o777:
        raise InvalidNameError(path, f"{what} {mode!r} is not a file mode: use an octal int such as 0o644")
    return mode


@dataclass(eq=False)
class Volume:
    """A volume of a pod. Identity matters: mount the same ``Volume`` object everywhere.

    :param name: the volume's name in the pod (a DNS-1123 label, unique in the pod). Build a
        volume with a factory (``Volume.empty_dir(...)``, ``Volume.from_config_map(...)``...).
    """

    name: str
    # the source, set by the factories through _make (init=False keeps these private fields out
    # of the constructor that help() and an IDE show)
    _source: dict[str, Any] = field(default_factory=dict, repr=False, init=False)
    _keyed: KeyedSource | None = field(default=None, repr=False, init=False)
    _items: Mapping[str, str] | None = field(default=None, repr=False, init=False)
    _default_mode: int | None = field(default=None, repr=False, init=False)
    _optional: bool | None = field(default=None, repr=False, init=False)
    # sources rendered at synth (they name ConfigMaps/Secrets whose names may carry a content
    # hash), and the ConfigMaps/Secrets they use with the keys they read
    _late: Callable[[], dict[str, Any]] | None = field(default=None, repr=False, init=False)
    _uses: tuple[tuple[KeyedSource, tuple[str, ...]], ...] = field(default=(), repr=False, init=False)

    def __post_init__(self) -> None:
        _checks.dns_label("", "volume name", self.name)

    @classmethod
    def _make(
        cls,
        name: str,
        source: dict[str, Any] | None = None,
        *,
        keyed: KeyedSource | None = None,
        items: Mapping[str, str] | None = None,
        default_mode: int | None = None,
        optional: bool | None = None,
        late: Callable[[], dict[str, Any]] | None = None,
        uses: tuple[tuple[KeyedSource, tuple[str, ...]], ...] = (),
    ) -> Volume:
        """A volume of the factories: ``source`` is its rendered source, the others set the
        private fields of the same name."""
        volume = cls(name)
        volume._source = source if source is not None else {}
        volume._keyed, volume._items, volume._default_mode = keyed, items, default_mode
        volume._optional, volume._late, volume._uses = optional, late, uses
        return volume

    # -- factories -------------------------------------------------------------------
    @staticmethod
    def empty_dir(
        name: str, *, medium: StorageMedium = StorageMedium.DEFAULT, size_limit: str | None = None
    ) -> Volume:
        """Scratch space shared by the pod's containers; deleted with the pod.

        :param medium: ``StorageMedium.MEMORY`` for tmpfs. Default: the node's disk.
        :param size_limit: e.g. ``"1Gi"``. Default: no limit.
        """
        from .resources import parse_quantity

        if not isinstance(medium, StorageMedium):
            raise PodkitTypeError("", f"medium must be a StorageMedium, got {medium!r}")
        if size_limit is not None:
            parse_quantity("", f"volume {name!r} size_limit", size_limit)
        return Volume._make(name, {"emptyDir": {"medium": medium.value or None, "sizeLimit": size_limit}})

    @staticmethod
    def host_path(name: str, *, path: str, type: HostPathType = HostPathType.UNSET) -> Volume:
        """A file or directory of the node. Data stays on that node only.

        :param type: what must exist at ``path``. Default: no check.
        """
        _checks.host_path("", path)
        if not isinstance(type, HostPathType):
            raise PodkitTypeError("", f"type must be a HostPathType, got {type!r}")
        return Volume._make(name, {"hostPath": {"path": path, "type": type.value or None}})

    @staticmethod
    def downward_api(
        name: str,
        *,
        items: Mapping[str, PodField | FieldRef | ResourceItem],
        default_mode: int | None = None,
    ) -> Volume:
        """Pod metadata as files: ``items={"labels": PodField.LABELS}`` writes the pod's labels
        to ``<mount>/labels``, one ``key="value"`` per line, updated when labels change.
        """
        rendered = downward_items(name, items)
        return Volume._make(
            name,
            {"downwardAPI": {"items": rendered, "defaultMode": _mode("", "default_mode", default_mode)}},
        )

    @staticmethod
    def from_config_map(
        config: KeyedSource,
        *,
        name: str | None = None,
        items: Mapping[str, str] | None = None,
        default_mode: int | None = None,
        optional: bool | None = None,
    ) -> Volume:
        """A ConfigMap as files: every key a file, or only ``items`` (key -> relative path).

        :param name: volume name. Default: the ConfigMap construct's id.
        :param default_mode: file mode, e.g. ``0o644``. Default: Kubernetes' 0644.
        :param optional: start the pod even if the ConfigMap does not exist. Default: false.
        """
        return _keyed_volume(config, "ConfigMap", name, items, default_mode, optional)

    @staticmethod
    def from_secret(
        secret: KeyedSource,
        *,
        name: str | None = None,
        items: Mapping[str, str] | None = None,
        default_mode: int | None = None,
        optional: bool | None = None,
    ) -> Volume:
        """A Secret as files (kept in tmpfs on the node, never written to its disk)."""
        return _keyed_volume(secret, "Secret", name, items, default_mode, optional)

    @staticmethod
    def from_pvc(
        claim: PersistentVolumeClaim | str, *, name: str | None = None, read_only: bool | None = None
    ) -> Volume:
        """A PersistentVolumeClaim: a :class:`~podkit.storage.PersistentVolumeClaim` of this app
        (by object) or a claim that exists in the cluster (by name).

        :param name: volume name. Default: the claim construct's id, or the claim name.
        :param read_only: mount it read-only in every container. Default: read-write.
        """
        from .storage import PersistentVolumeClaim

        if isinstance(claim, PersistentVolumeClaim):
            claim_name, default = claim.name, claim.path.rsplit("/", 1)[-1]
        else:
            claim_name = default = _checks.dns_subdomain("", "claim name", claim)
        _checks.optional_bool("", "read_only", read_only)
        return Volume._make(
            name if name is not None else default,
            {"persistentVolumeClaim": {"claimName": claim_name, "readOnly": read_only}},
        )

    @staticmethod
    def projected(name: str, *, sources: Sequence[Projection], default_mode: int | None = None) -> Volume:
        """Several sources in one directory: ConfigMap and Secret keys, pod fields and a
        service-account token (``Projection.service_account_token(path="token", audience="vault")``).

        :param default_mode: file mode, e.g. ``0o440``. Default: Kubernetes' 0644.
        """
        from .storage import check_projections

        projections = check_projections(name, sources)
        mode = _mode("", "default_mode", default_mode)
        return Volume._make(
            name,
            late=lambda: {"projected": {"sources": [p.render() for p in projections], "defaultMode": mode}},
            uses=tuple((p.source, tuple(p.referenced_keys())) for p in projections if p.source is not None),
        )

    @staticmethod
    def csi(
        name: str,
        *,
        driver: str,
        read_only: bool | None = None,
        fs_type: str | None = None,
        volume_attributes: Mapping[str, str] | None = None,
        node_publish_secret: KeyedSource | None = None,
    ) -> Volume:
        """A volume from a CSI driver, e.g. the Secrets Store CSI driver
        (``driver="secrets-store.csi.k8s.io"``, ``volume_attributes={"secretProviderClass": "vault-db"}``).

        :param read_only: default: read-write (some drivers, Secrets Store included, need ``True``).
        :param fs_type: e.g. ``"ext4"``. Default: the driver's.
        :param volume_attributes: driver-specific settings. Default: none.
        :param node_publish_secret: a Secret (construct or ``SecretEnv.from_name``) the driver
            reads when mounting. Default: none.
        """
        from ._data import KeyedSource
        from .storage import csi_driver

        driver = csi_driver(driver)
        _checks.optional_bool("", "read_only", read_only)
        if fs_type is not None:
            _checks.check_str("", "fs_type", fs_type)
        attributes = (
            _checks.check_str_map("", "volume_attributes", volume_attributes)
            if volume_attributes is not None
            else None
        )
        secret = node_publish_secret
        if secret is not None and (not isinstance(secret, KeyedSource) or secret.SOURCE_KIND != "Secret"):
            raise PodkitTypeError(
                "", f"node_publish_secret must be a SecretEnv or SecretEnv.from_name(...), got {secret!r}"
            )
        return Volume._make(
            name,
            late=lambda: {
                "csi": {
                    "driver": driver,
                    "readOnly": read_only,
                    "fsType": fs_type,
                    "volumeAttributes": attributes or None,
                    "nodePublishSecretRef": {"name": secret.name} if secret is not None else None,
                }
            },
            uses=((secret, ()),) if secret is not None else (),
        )

    @staticmethod
    def nfs(name: str, *, server: str, path: str, read_only: bool | None = None) -> Volume:
        """An NFS export: ``server`` (host name or IP) and the exported ``path``."""
        server = _checks.check_str("", "nfs server", server)
        if not server.strip():
            raise InvalidNameError("", "nfs server is empty; give the NFS server's host name or IP")
        _checks.mount_path("", path, what="nfs path")
        _checks.optional_bool("", "read_only", read_only)
        return Volume._make(name, {"nfs": {"server": server, "path": path, "readOnly": read_only}})

    @staticmethod
    def ephemeral(name: str, *, claim: ClaimTemplate) -> Volume:
        """A PersistentVolumeClaim created with the pod and deleted with it (scratch space
        larger than the node's disk, or with a storage class's features)."""
        from .storage import ClaimTemplate

        if not isinstance(claim, ClaimTemplate):
            raise PodkitTypeError(
                "", f"claim must be a ClaimTemplate(size=..., access_modes=...), got {type(claim).__name__}"
            )
        return Volume._make(name, {"ephemeral": {"volumeClaimTemplate": claim.render()}})

    # -- rendering ---------------------------------------------------------------------
    @property
    def source(self) -> KeyedSource | None:
        """The ConfigMap/Secret behind this volume, if any (one; see :meth:`sources`)."""
        return self._keyed

    def sources(self) -> list[KeyedSource]:
        """Every ConfigMap/Secret this volume uses (a projected volume may use several)."""
        out = [self._keyed] if self._keyed is not None else []
        out.extend(s for s, _ in self._uses)
        return out

    def key_references(self) -> list[tuple[KeyedSource, str]]:
        """Every (ConfigMap/Secret, key) this volume reads by key, for the synth-time key check."""
        out = [(self._keyed, k) for k in self._items or {}] if self._keyed is not None else []
        out.extend((s, k) for s, keys in self._uses for k in keys)
        return out

    def render(self) -> dict[str, Any]:
        if self._late is not None:
            return {"name": self.name, **self._late()}
        if self._keyed is not None:
            items = (
                [{"key": k, "path": p} for k, p in self._items.items()] if self._items is not None else None
            )
            return {
                "name": self.name,
                **self._keyed._volume_source(items, self._default_mode, self._optional),
            }
        return {"name": self.name, **self._source}

    def referenced_keys(self) -> list[str]:
        return list(self._items or {})


def _relative_path(volume: str, file_path: str) -> None:
    # Not absolute, no '..' element, and not starting with '..' (the kubelet's own ..data links).
    _checks.relative_path("", f"volume {volume!r}: item path", file_path, reserved=True)


def _keyed_volume(
    source: KeyedSource,
    kind: str,
    name: str | None,
    items: Mapping[str, str] | None,
    default_mode: int | None,
    optional: bool | None,
) -> Volume:
    from ._data import KeyedSource

    if not isinstance(source, KeyedSource) or kind != source.SOURCE_KIND:
        raise PodkitTypeError("", f"expected a {kind} construct or reference, got {source!r}")
    _checks.optional_bool(source.path, "optional", optional)
    volume_name = name if name is not None else source.volume_name
    if items is not None:
        if not isinstance(items, Mapping):
            _checks.fail_type(source.path, "items", items, "a mapping of key to relative file path")
        for key, file_path in items.items():
            _checks.config_key(source.path, key)
            _relative_path(volume_name, file_path)
        source._note_keys(list(items))
    return Volume._make(
        volume_name,
        keyed=source,
        items=dict(items) if items is not None else None,
        default_mode=_mode(source.path, "default_mode", default_mode),
        optional=optional,
    )
