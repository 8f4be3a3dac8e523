"""Custom resources: a CRD registered with podkit, and the construct every generated kind renders through.

``podkit import crd`` (``_crd_import.py``) writes one Python module per group and version; each
holds a :class:`CustomResource` subclass per kind and, at import, calls :func:`register_kinds`,
so that from then on every object of those apiVersions/kinds in any chart (the generated
construct, or a raw ``cdk8s.ApiObject`` written by hand) is checked at synth against the CRD:
its structural schema and its CEL rules (``_crd_validate.py``), through the one rules registry
(``_rules/crd.py``), and a cluster-scoped kind gets no namespace written. The CRD's schemas
are read from the JSON file the importer wrote beside the module, on the first check, so
importing a generated module costs next to nothing.

:func:`register_crd` does the same for a CRD read at run time (a dict, or a YAML/JSON file), for
apps that keep raw custom resources and want them checked without generating classes.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any, ClassVar

import constructs

from ._crd_kinds import (
    DeprecatedVersionWarning,
    make_check,
    register_kinds,
    warn_deprecated,
    warned_at_creation,
)
from ._crd_model import CrdVersion, CustomResourceDefinition
from ._resource import PodkitResource
from ._rules import crd as _rules_crd
from .errors import PodkitTypeError, Problem

__all__ = [
    "CrdVersion",
    "CustomResource",
    "CustomResourceDefinition",
    "DeprecatedVersionWarning",
    "register_crd",
    "register_kinds",
]


def _deprecation(crd: CustomResourceDefinition, v: CrdVersion) -> str | None:
    if not v.deprecated:
        return None
    return v.deprecation_warning or f"{crd.api_version(v)} {crd.kind} is deprecated"


def register_crd(crd: CustomResourceDefinition | Mapping[str, Any] | str | Path) -> list[str]:
    """Check every object of the CRD's served versions against it from now on (schema, CEL rules,
    scope), in every chart. ``crd`` is a :class:`CustomResourceDefinition`, a CRD as a dict, or a
    YAML/JSON file holding one or more CRDs. Returns the ``"<apiVersion> <kind>"`` registered."""
    from ._crd_validate import CrdValidator

    if isinstance(crd, str | Path):
        from ._crd_import import read_crd_file

        out: list[str] = []
        for one in read_crd_file(Path(crd)):
            out.extend(register_crd(one))
        return out
    if isinstance(crd, Mapping):
        crd = CustomResourceDefinition.from_dict(crd, source="register_crd()")
    if not isinstance(crd, CustomResourceDefinition):
        raise PodkitTypeError(
            "",
            f"register_crd() takes a CustomResourceDefinition, a CRD as a dict, or a YAML/JSON file, "
            f"got {type(crd).__name__}",
        )
    registered = []
    for v in crd.versions:
        if not v.served:
            continue
        api_version = crd.api_version(v)
        validator = cache(lambda schema=v.schema: CrdValidator(schema))
        info = _rules_crd.CrdKind(api_version, crd.kind, crd.namespaced, crd.source, _deprecation(crd, v))
        _rules_crd.register_crd_kind(info, make_check(crd.kind, api_version, validator, info.deprecated))
        registered.append(f"{api_version} {crd.kind}")
    return registered


def _plain(path: str, where: str, value: Any) -> Any:
    """``value`` as the JSON data it will be written as (mappings to dicts, tuples to lists), so
    that synth checks what is written; anything else (a podkit object, a set, a date) is refused
    here, naming the field, rather than failing in cdk8s or being checked as something else."""
    if isinstance(value, str | bool | int | float) or value is None:
        return value
    if isinstance(value, Mapping):
        out = {}
        for k, v in value.items():
            if not isinstance(k, str):
                raise PodkitTypeError(path, f"{where} has the key {k!r}: keys must be strings")
            out[k] = _plain(path, f"{where}.{k}", v)
        return out
    if isinstance(value, list | tuple):
        return [_plain(path, f"{where}[{i}]", v) for i, v in enumerate(value)]
    raise PodkitTypeError(
        path,
        f"{where} must be plain data (a dict, list, str, number, bool or None), got {type(value).__name__}; "
        "where the field names another object, pass its name (podkit.secret_name(...), podkit.issuer_ref(...) "
        "and podkit.service_monitor_spec(...) give them from podkit objects)",
    )


class CustomResource(PodkitResource):
    """Base class of the constructs ``podkit import crd`` generates: one custom resource.

    It renders through podkit's one path (``PodkitResource.render``: checks, body, metadata,
    escape-hatch patches) and is checked at synth like any object of its kind (the CRD's schema
    and CEL rules, registered when its module was imported). The body is the generated class's
    keyword arguments as the JSON data written (``None`` left out at the top, mappings as dicts,
    tuples as lists; anything else is refused at the call, naming the field); ``fields`` reads them back.

    :param fields: the body's fields, as the generated class's keyword arguments give them.
    :param name: ``metadata.name``. Default: the construct id.
    :param labels: labels of the object, added to the chart's (these win). Default: none.
    :param annotations: annotations of the object. Default: none.
    :param namespace: ``metadata.namespace``. Default: the chart's namespace, if any (a
        cluster-scoped kind gets none written).
    """

    NAMESPACED: ClassVar[bool] = True
    DEPRECATED: ClassVar[str | None] = None

    def __init__(
        self,
        scope: constructs.Construct,
        id: str,
        *,
        fields: Mapping[str, Any],
        name: str | None = None,
        labels: Mapping[str, str] | None = None,
        annotations: Mapping[str, str] | None = None,
        namespace: str | None = None,
    ) -> None:
        cls = type(self)
        if not isinstance(getattr(cls, "KIND", None), str) or not isinstance(
            getattr(cls, "API_VERSION", None), str
        ):
            raise PodkitTypeError(
                f"{scope.node.path}/{id}".lstrip("/"),
                f"{cls.__name__} has no KIND and API_VERSION: CustomResource is the base of the classes "
                "`podkit import crd` generates; import the CRD and use its class (or cdk8s.ApiObject)",
            )
        super().__init__(scope, id, name=name, labels=labels, annotations=annotations, namespace=namespace)
        if not isinstance(fields, Mapping):
            raise PodkitTypeError(self._path, f"fields must be a mapping, got {type(fields).__name__}")
        self._fields = {str(k): _plain(self._path, str(k), v) for k, v in fields.items() if v is not None}
        if self.DEPRECATED is not None:
            # the one warning of this use: at the user's line that created the object (recorded
            # by PodkitResource), naming it; its kind's synth-time check stays silent for it (render)
            warn_deprecated(self._path, self.DEPRECATED, self._source.resolve() if self._source else None)

    @property
    def fields(self) -> dict[str, Any]:
        """The body given (``spec`` and any other top-level field), as a new dict."""
        return dict(self._fields)

    def _metadata(self) -> dict[str, Any]:
        meta = super()._metadata()
        if not self.NAMESPACED:
            meta["namespace"] = None
        return meta

    def _render_body(self, problems: list[Problem]) -> dict[str, Any]:
        return dict(self._fields)

    def render(self) -> tuple[dict[str, Any], list[Problem]]:
        doc, problems = super().render()
        # what the creation warned about, unless a patch moved it to another version or kind
        if self.DEPRECATED is not None and (doc.get("apiVersion"), doc.get("kind")) == (
            self.API_VERSION,
            self.KIND,
        ):
            warned_at_creation(doc, self)
        return doc, problems
