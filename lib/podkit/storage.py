"""Storage: PersistentVolumeClaims, and the volume sources that reach outside the pod.

A ``PersistentVolumeClaim`` asks the cluster for durable storage (a disk that outlives pods);
a pod mounts it with ``Volume.from_pvc(claim)``. The other sources here are values a
``Volume`` factory takes: :class:`Projection` (several ConfigMaps, Secrets, pod fields and a
service-account token in one directory), :class:`ClaimTemplate` (a per-pod claim created and
deleted with the pod, ``Volume.ephemeral``).
https://kubernetes.io/docs/concepts/storage/persistent-volumes/
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Self

import constructs

from . import _checks
from ._resource import PodkitResource
from .env import downward_items
from .errors import DuplicateError, InvalidNameError, PodkitError, PodkitTypeError, Problem

if TYPE_CHECKING:
    from ._data import KeyedSource
    from .env import FieldRef, PodField, ResourceItem

__all__ = ["AccessMode", "ClaimTemplate", "PersistentVolumeClaim", "Projection", "VolumeMode"]


class AccessMode(enum.Enum):
    """How a volume can be mounted (https://kubernetes.io/docs/concepts/storage/persistent-volumes/#access-modes)."""

    #: read-write by the pods of one node
    READ_WRITE_ONCE = "ReadWriteOnce"
    #: read-only by many nodes
    READ_ONLY_MANY = "ReadOnlyMany"
    #: read-write by many nodes
    READ_WRITE_MANY = "ReadWriteMany"
    #: read-write by a single pod (CSI volumes only)
    READ_WRITE_ONCE_POD = "ReadWriteOncePod"


class VolumeMode(enum.Enum):
    """A claim as a mounted file system (Kubernetes' default) or as a raw block device."""

    FILESYSTEM = "Filesystem"
    BLOCK = "Block"


def claim_spec(
    where: str,
    *,
    size: str,
    access_modes: Sequence[AccessMode],
    storage_class_name: str | None,
    volume_mode: VolumeMode | None,
) -> dict[str, Any]:
    """A ``PersistentVolumeClaimSpec``, validated as the API server does (shared with ephemeral volumes)."""
    from .resources import parse_quantity

    text, amount = parse_quantity(where, "size", size)
    if amount <= 0:
        raise PodkitError(where, f"size {size!r} must be more than zero; e.g. '10Gi'")
    if isinstance(size, str) and size.endswith("m"):
        raise PodkitError(
            where, f"size {size!r} is in thousandths of a byte ('m'); did you mean {size[:-1] + 'Mi'!r}?"
        )
    modes = _checks.check_sequence("access_modes", access_modes, "access_modes=(AccessMode.READ_WRITE_ONCE,)")
    if not modes:
        raise PodkitError(
            where,
            "access_modes is empty; the API server needs at least one, e.g. (AccessMode.READ_WRITE_ONCE,)",
        )
    checked = [_checks.check_enum("access_modes entry", m, AccessMode) for m in modes]
    if len(set(checked)) != len(checked):
        raise DuplicateError(where, "access_modes lists a mode twice; list each once")
    if AccessMode.READ_WRITE_ONCE_POD in checked and len(checked) > 1:
        raise PodkitError(
            where,
            "ReadWriteOncePod cannot be combined with other access modes (API server rule); keep it alone",
        )
    if storage_class_name is not None:
        _checks.check_str(where, "storage_class_name", storage_class_name)
        # "" is meaningful: no class at all (bind to a pre-created volume), not the default class
        if storage_class_name:
            _checks.dns_subdomain(where, "storage_class_name", storage_class_name)
    mode = _checks.check_enum("volume_mode", volume_mode, VolumeMode) if volume_mode is not None else None
    return {
        "accessModes": [m.value for m in checked],
        "storageClassName": storage_class_name,
        "volumeMode": mode.value if mode else None,
        "resources": {"requests": {"storage": text}},
    }


class PersistentVolumeClaim(PodkitResource):
    """A request for durable storage; mount it with ``Volume.from_pvc(claim)``.

    :param size: the storage requested, e.g. ``"10Gi"``.
    :param access_modes: how it will be mounted, e.g. ``(AccessMode.READ_WRITE_ONCE,)``
        (required by the API server; no default is guessed).
    :param storage_class_name: the StorageClass. Default: the cluster's default class;
        ``""`` asks for no class (bind to a pre-created PersistentVolume).
    :param volume_mode: ``BLOCK`` for a raw device. Default: a file system.
    :param labels: labels of the PersistentVolumeClaim, added to the chart's (these win). Default: none.
    :param annotations: annotations of the PersistentVolumeClaim. Default: none.
    :param name: Kubernetes name. Default: ``id``.
    :param namespace: default: the chart's namespace, if any.
    """

    KIND = "PersistentVolumeClaim"

    def __init__(
        self,
        scope: constructs.Construct,
        id: str,
        *,
        size: str,
        access_modes: Sequence[AccessMode],
        storage_class_name: str | None = None,
        volume_mode: VolumeMode | None = None,
        labels: Mapping[str, str] | None = None,
        annotations: Mapping[str, str] | None = None,
        name: str | None = None,
        namespace: str | None = None,
    ) -> None:
        super().__init__(scope, id, name=name, labels=labels, annotations=annotations, namespace=namespace)
        self._spec = claim_spec(
            self.path,
            size=size,
            access_modes=access_modes,
            storage_class_name=storage_class_name,
            volume_mode=volume_mode,
        )

    @property
    def size(self) -> str:
        return str(self._spec["resources"]["requests"]["storage"])

    @property
    def access_modes(self) -> list[AccessMode]:
        return [AccessMode(m) for m in self._spec["accessModes"]]

    def _render_body(self, problems: list[Problem]) -> dict[str, Any]:
        return {"spec": self._spec}


@dataclass(frozen=True, kw_only=True)
class ClaimTemplate:
    """The claim of an ephemeral volume: created with the pod, deleted with it.

    :param size: e.g. ``"1Gi"``.
    :param access_modes: e.g. ``(AccessMode.READ_WRITE_ONCE,)``.
    :param storage_class_name: default: the cluster's default class.
    :param volume_mode: default: a file system.
    :param labels: labels of the PersistentVolumeClaim the pod creates. Default: none.
    """

    size: str
    access_modes: Sequence[AccessMode]
    storage_class_name: str | None = None
    volume_mode: VolumeMode | None = None
    labels: Mapping[str, str] | None = None
    _spec: dict[str, Any] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(
            self,
            "_spec",
            claim_spec(
                "",
                size=self.size,
                access_modes=self.access_modes,
                storage_class_name=self.storage_class_name,
                volume_mode=self.volume_mode,
            ),
        )
        if self.labels is not None:
            object.__setattr__(self, "labels", _checks.labels("", self.labels))

    def render(self) -> dict[str, Any]:
        return {"metadata": {"labels": dict(self.labels)} if self.labels else None, "spec": self._spec}


# A projected service-account token must live at least 10 minutes and at most 2^32 seconds.
MIN_TOKEN_SECONDS = 600
MAX_TOKEN_SECONDS = 1 << 32


@_checks.factory_built
@dataclass(frozen=True)
class Projection:
    """One source of a projected volume. Build it with the factories.

    ConfigMaps and Secrets are referenced by object (their names, content hashes included, are
    read when the chart renders) or by ``from_name`` references.
    """

    _kind: str
    _body: dict[str, Any]
    _source: KeyedSource | None = None
    _items: Mapping[str, str] | None = None
    _optional: bool | None = None

    @classmethod
    def _make(cls, *args: Any, **kwargs: Any) -> Self:
        """The constructor, for the factories (set by ``_checks.factory_built``)."""
        raise NotImplementedError

    @staticmethod
    def config_map(
        config: KeyedSource, *, items: Mapping[str, str] | None = None, optional: bool | None = None
    ) -> Projection:
        """A ConfigMap's keys as files (only ``items``, key -> relative path, when given)."""
        return _keyed("ConfigMap", config, items, optional)

    @staticmethod
    def secret(
        secret: KeyedSource, *, items: Mapping[str, str] | None = None, optional: bool | None = None
    ) -> Projection:
        """A Secret's keys as files (only ``items``, key -> relative path, when given)."""
        return _keyed("Secret", secret, items, optional)

    @staticmethod
    def downward_api(items: Mapping[str, PodField | FieldRef | ResourceItem]) -> Projection:
        """Pod fields and container resources as files, as ``Volume.downward_api`` writes them."""
        # one implementation of the item rules: the downwardAPI volume's
        return Projection._make("downwardAPI", {"items": downward_items("projection", items)})

    @staticmethod
    def service_account_token(
        *, path: str, audience: str | None = None, expiration_seconds: int | None = None
    ) -> Projection:
        """A short-lived token of the pod's service account, rotated by the kubelet.

        :param path: file path in the volume, e.g. ``"token"``.
        :param audience: who the token is for (e.g. ``"vault"``). Default: the API server.
        :param expiration_seconds: at least 600. Default: one hour.
        """
        _checks.relative_path("", "service account token path", path, reserved=True)
        if audience is not None:
            _checks.check_str("", "audience", audience)
        if expiration_seconds is not None:
            if isinstance(expiration_seconds, bool) or not isinstance(expiration_seconds, int):
                raise PodkitTypeError(
                    "", f"expiration_seconds must be an int, got {type(expiration_seconds).__name__}"
                )
            if not MIN_TOKEN_SECONDS <= expiration_seconds <= MAX_TOKEN_SECONDS:
                raise PodkitError(
                    "",
                    f"expiration_seconds {expiration_seconds} is out of range; the API server accepts "
                    f"{MIN_TOKEN_SECONDS} (10 minutes) to {MAX_TOKEN_SECONDS}",
                )
        return Projection._make(
            "serviceAccountToken",
            {"path": path, "audience": audience, "expirationSeconds": expiration_seconds},
        )

    @property
    def source(self) -> KeyedSource | None:
        """The ConfigMap/Secret behind this projection, if any."""
        return self._source

    def paths(self) -> list[str]:
        """The file paths this projection writes, when known before the cluster (for clash checks)."""
        if self._kind == "serviceAccountToken":
            return [self._body["path"]]
        if self._kind == "downwardAPI":
            return [i["path"] for i in self._body["items"]]
        return list(self._items.values()) if self._items is not None else []

    def referenced_keys(self) -> list[str]:
        return list(self._items or {})

    def render(self) -> dict[str, Any]:
        if self._source is not None:
            items = (
                [{"key": k, "path": p} for k, p in self._items.items()] if self._items is not None else None
            )
            ref = self._source._volume_source(items, None, self._optional)
            # a projection names the Secret with 'name', not the secret volume's 'secretName'
            kind, body = next(iter(ref.items()))
            if kind == "secret":
                body = {"name": body["secretName"], **{k: v for k, v in body.items() if k != "secretName"}}
            return {kind: {k: v for k, v in body.items() if k != "defaultMode"}}
        return {self._kind: self._body}


def _keyed(
    kind: str, source: KeyedSource, items: Mapping[str, str] | None, optional: bool | None
) -> Projection:
    from ._data import KeyedSource

    if not isinstance(source, KeyedSource) or kind != source.SOURCE_KIND:
        raise PodkitTypeError("", f"expected a {kind} construct or reference, got {source!r}")
    if optional is not None and not isinstance(optional, bool):
        raise PodkitTypeError("", f"optional must be True, False or None, got {optional!r}")
    if items is not None:
        if not isinstance(items, Mapping):
            _checks.fail_type(source.path, "items", items, "a mapping of key to relative file path")
        for key, file_path in items.items():
            _checks.config_key(source.path, key)
            _checks.relative_path("", f"{kind} projection: item path", file_path, reserved=True)
        source._note_keys(list(items))
    return Projection._make(kind, {}, source, dict(items) if items is not None else None, optional)


def check_projections(name: str, sources: Sequence[Projection]) -> tuple[Projection, ...]:
    """The sources of a projected volume: at least one, and no file path written twice."""
    items = _checks.check_sequence(
        "sources", sources, "sources=[Projection.service_account_token(path='token')]"
    )
    if not items:
        raise PodkitError("", f"projected volume {name!r} has no sources; add at least one Projection")
    seen: set[str] = set()
    for p in items:
        if not isinstance(p, Projection):
            raise PodkitTypeError(
                "",
                f"projected volume {name!r}: sources must be Projection values, got {type(p).__name__} {p!r}",
            )
        for path in p.paths():
            if path in seen:
                raise DuplicateError(
                    "", f"projected volume {name!r} writes {path!r} twice; give each file its own path"
                )
            seen.add(path)
    return items


def csi_driver(value: object) -> str:
    """A CSI driver name: a DNS-1123 subdomain of at most 63 characters (``secrets-store.csi.k8s.io``)."""
    driver = _checks.dns_subdomain("", "CSI driver", value)
    if len(driver) > 63:
        raise InvalidNameError("", f"CSI driver {driver!r} is longer than 63 characters")
    return driver
