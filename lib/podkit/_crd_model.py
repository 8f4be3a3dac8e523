"""A CustomResourceDefinition as podkit reads it (group, kind, scope, versions and their schemas).

Kept apart from the construct (``_crd.py``) so that ``podkit import crd`` reads CRDs without
loading cdk8s (and Node).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .errors import PodkitError

__all__ = ["CrdVersion", "CustomResourceDefinition"]


@dataclass(frozen=True)
class CrdVersion:
    """One version of a CRD (``spec.versions[]``)."""

    name: str
    served: bool
    storage: bool
    deprecated: bool
    deprecation_warning: str | None
    schema: Mapping[str, Any]


@dataclass(frozen=True)
class CustomResourceDefinition:
    """The parts of an ``apiextensions.k8s.io/v1`` ``CustomResourceDefinition`` podkit uses.

    :param source: where it comes from (``@kubernetes-models/cert-manager@6.0.0``, a file), for messages.
    """

    group: str
    kind: str
    plural: str
    namespaced: bool
    versions: tuple[CrdVersion, ...]
    source: str

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any], *, source: str) -> CustomResourceDefinition:
        """Read a CRD; raises :class:`PodkitError` naming what is missing."""
        if not isinstance(doc, Mapping):
            raise PodkitError(
                "", f"{source}: expected a CustomResourceDefinition (a mapping), got {type(doc).__name__}"
            )
        metadata = doc.get("metadata")
        where = f"{source}: CustomResourceDefinition {(metadata if isinstance(metadata, Mapping) else {}).get('name')!r}"
        if (
            doc.get("kind") != "CustomResourceDefinition"
            or doc.get("apiVersion") != "apiextensions.k8s.io/v1"
        ):
            raise PodkitError(
                "",
                f"{source}: expected an apiextensions.k8s.io/v1 CustomResourceDefinition, got "
                f"{doc.get('apiVersion')} {doc.get('kind')}; convert v1beta1 CRDs to v1 first",
            )
        spec = doc.get("spec")
        spec = spec if isinstance(spec, Mapping) else {}
        names = spec.get("names")
        names = names if isinstance(names, Mapping) else {}
        group, kind, listed = spec.get("group"), names.get("kind"), spec.get("versions")
        if not (
            isinstance(group, str)
            and group
            and isinstance(kind, str)
            and kind
            and isinstance(listed, list)
            and listed
        ):
            raise PodkitError(
                "",
                f"{where} needs spec.group and spec.names.kind (strings) and spec.versions (a non-empty list)",
            )
        scope = spec.get("scope", "Namespaced")
        if scope not in ("Namespaced", "Cluster"):
            raise PodkitError(
                "", f"{where}: spec.scope {scope!r} is not supported: use 'Namespaced' or 'Cluster'"
            )
        versions = []
        for i, v in enumerate(listed):
            if not isinstance(v, Mapping) or not isinstance(v.get("name"), str) or not v["name"]:
                raise PodkitError("", f"{where}: spec.versions[{i}] needs a name (a string, e.g. 'v1')")
            holder = v.get("schema")
            schema = holder.get("openAPIV3Schema") if isinstance(holder, Mapping) else None
            if not isinstance(schema, dict):
                raise PodkitError("", f"{where} version {v.get('name')!r} has no schema.openAPIV3Schema")
            versions.append(
                CrdVersion(
                    name=str(v["name"]),
                    served=bool(v.get("served", True)),
                    storage=bool(v.get("storage", False)),
                    deprecated=bool(v.get("deprecated", False)),
                    deprecation_warning=v.get("deprecationWarning"),
                    schema=schema,
                )
            )
        return cls(
            group=group,
            kind=kind,
            plural=str(names.get("plural") or kind.lower() + "s"),
            namespaced=scope != "Cluster",
            versions=tuple(versions),
            source=source,
        )

    def api_version(self, version: CrdVersion) -> str:
        return f"{self.group}/{version.name}"

    def version(self, name: str) -> CrdVersion:
        for v in self.versions:
            if v.name == name:
                return v
        raise KeyError(name)
