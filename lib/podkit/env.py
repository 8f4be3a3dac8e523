"""Environment variable values and the Downward API fields they can come from.

Each container has its own environment. A value is plain text, a field of the running pod
(the Downward API: https://kubernetes.io/docs/concepts/workloads/pods/downward-api/), a
container's resource request/limit, or one key of a ConfigMap or Secret. Field paths are
typed (:class:`PodField`, :class:`ResourceField`) so a typo fails in the editor, not in
the cluster.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Self

from . import _checks
from .errors import InvalidNameError, InvalidQuantityError, PodkitTypeError

if TYPE_CHECKING:
    from ._data import KeyedSource

__all__ = ["EnvOverrideWarning", "EnvValue", "FieldRef", "PodField", "ResourceField", "ResourceItem"]


class EnvOverrideWarning(UserWarning):
    """Two ``env_from`` sources of a container (a ConfigMap and a Secret, say) have the same key:
    the container gets one env var, from the source listed last, and the other value is lost.
    Warned at synth, once every key is known; rename the key in one, or give one a ``prefix``."""


class PodField(enum.Enum):
    """Pod fields the Downward API exposes (``fieldRef.fieldPath``)."""

    NODE_NAME = "spec.nodeName"
    SERVICE_ACCOUNT_NAME = "spec.serviceAccountName"
    POD_NAME = "metadata.name"
    NAMESPACE = "metadata.namespace"
    UID = "metadata.uid"
    POD_IP = "status.podIP"
    POD_IPS = "status.podIPs"
    HOST_IP = "status.hostIP"
    HOST_IPS = "status.hostIPs"
    #: all labels, one ``key="value"`` per line: only in downwardAPI volumes
    LABELS = "metadata.labels"
    #: all annotations: only in downwardAPI volumes
    ANNOTATIONS = "metadata.annotations"

    @property
    def volume_only(self) -> bool:
        return self in (PodField.LABELS, PodField.ANNOTATIONS)


@dataclass(frozen=True)
class FieldRef(metaclass=_checks.ValueMeta):
    """A pod field path, including one label or annotation by key (``metadata.labels['app']``).

    :param field_path: the path, as Kubernetes spells it (``metadata.labels['app']``,
        ``spec.nodeName``); checked at the call against the paths Kubernetes accepts.
    """

    field_path: str

    def __post_init__(self) -> None:
        # Checked here, where the path arrives: a path Kubernetes does not know would only
        # fail when the pod is created. A path valid in an env var or a downwardAPI volume passes.
        path = _checks.check_str("", "FieldRef field_path", self.field_path)
        error = _checks.field_path_error(f"FieldRef {path!r}", path, volume=False)
        if error is None or _checks.field_path_error("", path, volume=True) is None:
            return
        if "is not a field path" in error:
            members = ", ".join(f"PodField.{f.name}" for f in PodField)
            error = (
                f"FieldRef {path!r} is not a field path Kubernetes accepts: use one of {members}, "
                f"or FieldRef.label('KEY') / FieldRef.annotation('KEY')"
            )
        raise InvalidNameError("", error)

    @staticmethod
    def label(key: str) -> FieldRef:
        """One label of the pod, by key."""
        return FieldRef(f"metadata.labels['{_checks.label_key('', key)}']")

    @staticmethod
    def annotation(key: str) -> FieldRef:
        """One annotation of the pod, by key."""
        return FieldRef(f"metadata.annotations['{_checks.label_key('', key, what='annotation key')}']")

    @staticmethod
    def of(field: PodField | FieldRef) -> FieldRef:
        if isinstance(field, FieldRef):
            return field
        if isinstance(field, PodField):
            ref = _POD_FIELD_REFS.get(field)
            if ref is None:  # a member's path is checked once: a FieldRef is immutable
                ref = _POD_FIELD_REFS[field] = FieldRef(field.value)
            return ref
        raise PodkitTypeError("", _wrong_field_type(field))


_POD_FIELD_REFS: dict[PodField, FieldRef] = {}


def _wrong_field_type(field: object) -> str:
    """The message for a raw value where a PodField/FieldRef belongs, naming the member to use."""
    got = f"got {type(field).__name__} {field!r}"
    if isinstance(field, str):
        member = next((f for f in PodField if f.value == field), None)
        if member is not None:
            return f"a pod field must be a PodField or FieldRef, {got}: use PodField.{member.name}"
        return (
            f"a pod field must be a PodField or FieldRef, {got}: use a PodField member, "
            f"or FieldRef.label('KEY') / FieldRef.annotation('KEY')"
        )
    return f"a pod field must be a PodField or FieldRef, {got}"


def resource_field(path: str, value: object) -> ResourceField:
    """``value`` as a ResourceField; a str raises naming the member to use."""
    if isinstance(value, ResourceField):
        return value
    got = f"got {type(value).__name__} {value!r}"
    member = next((f for f in ResourceField if f.value == value), None) if isinstance(value, str) else None
    fix = f": use ResourceField.{member.name}" if member is not None else ""
    raise PodkitTypeError(path, f"resource must be a ResourceField, {got}{fix}")


def resource_divisor(path: str, field: ResourceField, divisor: object) -> str | None:
    """A ``resourceFieldRef.divisor`` Kubernetes accepts for ``field`` (``1m``/``1`` for CPU)."""
    if divisor is None:
        return None
    if not isinstance(divisor, str):
        _checks.fail_type(path, "divisor", divisor, "a quantity str such as '1m' or '1Mi'")
    error = _checks.divisor_error("divisor", field.value, divisor)
    if error is not None:
        raise InvalidQuantityError(path, error)
    return divisor


class ResourceField(enum.Enum):
    """Container resources the Downward API exposes (``resourceFieldRef.resource``)."""

    LIMITS_CPU = "limits.cpu"
    LIMITS_MEMORY = "limits.memory"
    LIMITS_EPHEMERAL_STORAGE = "limits.ephemeral-storage"
    REQUESTS_CPU = "requests.cpu"
    REQUESTS_MEMORY = "requests.memory"
    REQUESTS_EPHEMERAL_STORAGE = "requests.ephemeral-storage"


@_checks.factory_built
@dataclass(frozen=True)
class EnvValue:
    """The value of one environment variable. Build it with the static factories.

    A plain ``str`` works wherever an ``EnvValue`` does.
    """

    _value: str | None = None
    _field: str | None = None
    _resource: ResourceField | None = None
    _resource_container: str | None = None
    _divisor: str | None = None
    _source: KeyedSource | None = None
    _key: str | None = None
    _optional: bool | None = None

    @classmethod
    def _make(cls, *args: Any, **kwargs: Any) -> Self:
        """The dataclass constructor, for the factories (set by ``_checks.factory_built``)."""
        raise NotImplementedError

    @staticmethod
    def of(value: str) -> EnvValue:
        """A literal value."""
        return EnvValue._make(_value=_checks.check_str("", "env value", value))

    @staticmethod
    def from_field(field: PodField | FieldRef) -> EnvValue:
        """A field of the running pod, e.g. ``EnvValue.from_field(PodField.NODE_NAME)``."""
        ref = FieldRef.of(field)
        if ref.field_path in (PodField.LABELS.value, PodField.ANNOTATIONS.value):
            raise InvalidNameError(
                "",
                f"{ref.field_path} holds every label/annotation and is only available in a downwardAPI "
                f"volume; for one key use FieldRef.label('KEY') / FieldRef.annotation('KEY')",
            )
        return EnvValue._make(_field=ref.field_path)

    @staticmethod
    def from_resource(
        field: ResourceField, *, container: str | None = None, divisor: str | None = None
    ) -> EnvValue:
        """A resource request/limit of this container (or of ``container`` by name)."""
        field = resource_field("", field)
        if container is not None:
            _checks.dns_label("", "container", container)
        divisor = resource_divisor("", field, divisor)
        return EnvValue._make(_resource=field, _resource_container=container, _divisor=divisor)

    @staticmethod
    def from_key(source: KeyedSource, key: str, *, optional: bool | None = None) -> EnvValue:
        """One key of a ConfigMap/Secret. Usually written ``config.value("key")``.

        A reference that knows its keys rejects an unknown one here; a ConfigMap/Secret
        built in the app is checked at synth, once all its keys are added.
        """
        key = _checks.config_key(getattr(source, "path", ""), key)
        _checks.optional_bool(getattr(source, "path", ""), "optional", optional)
        source._note_keys([key])
        return EnvValue._make(_source=source, _key=key, _optional=optional)

    @property
    def source(self) -> KeyedSource | None:
        return self._source

    @property
    def key(self) -> str | None:
        return self._key

    def render(self) -> dict[str, Any]:
        """The ``value``/``valueFrom`` part of an ``EnvVar``."""
        if self._value is not None:
            return {"value": self._value}
        if self._field is not None:
            return {"valueFrom": {"fieldRef": {"fieldPath": self._field}}}
        if self._resource is not None:
            return {
                "valueFrom": {
                    "resourceFieldRef": {
                        "resource": self._resource.value,
                        "containerName": self._resource_container,
                        "divisor": self._divisor,
                    }
                }
            }
        assert self._source is not None and self._key is not None
        return {"valueFrom": self._source._key_ref(self._key, self._optional)}


@dataclass(frozen=True)
class ResourceItem(metaclass=_checks.ValueMeta):
    """A container resource written to a file of a downwardAPI volume.

    :param container: name of the container whose resource the file shows (required in a
        volume: a volume belongs to no container).
    :param resource: which request or limit, a ``ResourceField``.
    :param divisor: the unit the value is written in, e.g. ``"1m"`` for millicores or
        ``"1Mi"`` for mebibytes. Default: not set (Kubernetes' ``1``: cores, bytes).
    """

    container: str
    resource: ResourceField
    divisor: str | None = None

    def __post_init__(self) -> None:
        # A downwardAPI volume item must name its container (env vars default to their own;
        # a volume has none), so an empty name is rejected here rather than by the API server.
        if self.container == "":
            raise InvalidNameError(
                "", "ResourceItem container is empty: name the container whose resource the file shows"
            )
        _checks.dns_label("", "ResourceItem container", self.container)
        resource_field("", self.resource)
        resource_divisor("", self.resource, self.divisor)


def downward_items(name: str, items: object) -> list[dict[str, Any]]:
    """The ``items`` of a downwardAPI volume or projection named ``name``: file path -> PodField,
    FieldRef or ResourceItem, rendered (one implementation of the item rules for both)."""
    if not isinstance(items, Mapping):
        _checks.fail_type(
            "", "downwardAPI items", items, "a mapping of file path to PodField/FieldRef/ResourceItem"
        )
    rendered: list[dict[str, Any]] = []
    for file_path, item in items.items():
        # not absolute, no '..' element, and not starting with '..' (the kubelet's own ..data links)
        _checks.relative_path("", f"volume {name!r}: item path", file_path, reserved=True)
        if isinstance(item, ResourceItem):
            rendered.append(
                {
                    "path": file_path,
                    "resourceFieldRef": {
                        "containerName": item.container,
                        "resource": item.resource.value,
                        "divisor": item.divisor,
                    },
                }
            )
        elif isinstance(item, PodField | FieldRef):
            ref = FieldRef.of(item)
            if ref.field_path.startswith("status.") or ref.field_path.startswith("spec."):
                raise InvalidNameError(
                    "",
                    f"downwardAPI volume {name!r}: {ref.field_path} is only available as an env var "
                    f"(EnvValue.from_field); volumes support metadata.* fields and resources",
                )
            rendered.append({"path": file_path, "fieldRef": {"fieldPath": ref.field_path}})
        else:
            raise PodkitTypeError(
                "", f"downwardAPI item {file_path!r} must be a PodField, FieldRef or ResourceItem"
            )
    return rendered
