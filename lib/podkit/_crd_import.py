"""``podkit import crd``: typed, plain-Python construct modules generated from CRDs.

For each group, a package ``<out>/<group as a name>/`` (``cert-manager.io`` ->
``cert_manager_io``) with one module per version (``v1.py``) holding, per kind, a
:class:`podkit.CustomResource` subclass with keyword-only typed arguments and, for every nested
object of the schema, a ``TypedDict``; ``crds.json`` beside them keeps the schemas (without
descriptions) that synth checks objects against, read on the first check. No jsii, no
TypeScript, no Node: the modules import ``podkit`` and ``typing`` only, and importing one
registers its kinds with podkit (``podkit._crd.register_kinds``).

How the schema becomes Python (the cdk8s import failures, and what is done instead):

* **Field names are kept as written.** Nested objects are ``TypedDict`` s whose keys are the
  JSON names, so ``class``, ``from``, ``x-forwarded-for`` or ``$ref`` need no escaping; a
  ``TypedDict`` with a key that is not a plain identifier (or is a Python keyword) is written in
  the functional form, ``TypedDict("Name", {"class": str})``.
* **Escaped predictably**, only where Python needs an identifier:
  - keyword arguments of a construct (top-level fields, ``spec``): a Python keyword or a name
    the constructor already has (``scope``, ``id``, ``name``, ``labels``, ``annotations``,
    ``namespace``, ``fields``, ``self``) gets a trailing ``_`` (``from_``, ``name_``); other
    characters than letters, digits and ``_`` become ``_``; a name that still clashes gets
    another ``_``;
  - type names are the kind and the property path in PascalCase (``CertificateSpecPrivateKey``;
    array items add nothing; a package's definition name is used where the source gives one);
    a name starting with a digit gets an ``X`` in front, a Python keyword (``None``) a trailing
    ``_``; two different schemas wanting the same name get ``2``, ``3``, ... in the order they
    are met; identical ones share one type.
* **Enums are ``Literal`` s**, integers ``int``, ``x-kubernetes-int-or-string`` ``int | str``,
  maps ``dict[str, T]``, and ``x-kubernetes-preserve-unknown-fields`` (or an object without a
  schema) ``dict[str, Any]``: nothing the schema allows is dropped.
* **Required fields** are ``Required[...]``; everything else may be left out.

Output is deterministic: the same CRDs give byte-identical files (a test regenerates and compares).
"""

from __future__ import annotations

import json
import keyword
import re
import shlex
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._crd_model import CrdVersion, CustomResourceDefinition
from ._crd_sources import read_crd_documents, read_kubernetes_models, version_priority
from .errors import PodkitError

__all__ = [
    "GeneratedFile",
    "add_import_command",
    "generate",
    "import_crds",
    "load_sources",
    "package_name",
    "read_crd_file",
]

_CONSTRUCTOR = {"scope", "id", "name", "labels", "annotations", "namespace", "fields", "self"}
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def read_crd_file(path: Path) -> list[CustomResourceDefinition]:
    """The CRDs of a YAML/JSON file or folder."""
    return [
        CustomResourceDefinition.from_dict(doc, source=source) for doc, source in read_crd_documents(path)
    ]


def package_name(group: str) -> str:
    """The Python package of a group: ``cert-manager.io`` -> ``cert_manager_io``."""
    name = re.sub(r"[^0-9A-Za-z_]", "_", group).lower()
    return f"x{name}" if name[:1].isdigit() or keyword.iskeyword(name) else name


def arg_name(json_name: str, taken: set[str]) -> str:
    """A construct keyword argument for a top-level field (escaping documented above)."""
    name = re.sub(r"[^0-9A-Za-z_]", "_", json_name) or "_"
    if name[0].isdigit():
        name = "_" + name
    if keyword.iskeyword(name) or keyword.issoftkeyword(name) or name in _CONSTRUCTOR:
        name += "_"
    while name in taken:
        name += "_"
    taken.add(name)
    return name


def type_name(parts: Iterable[str]) -> str:
    """PascalCase of the path parts (``["Certificate", "spec", "privateKey"]`` -> ``CertificateSpecPrivateKey``)."""
    out = ""
    for part in parts:
        for word in re.split(r"[^0-9A-Za-z]+", part):
            out += word[:1].upper() + word[1:]
    if not out or out[0].isdigit():
        out = "X" + out
    return out + "_" if keyword.iskeyword(out) else out


@dataclass
class _Module:
    """The types of one generated module, in the order they are first needed."""

    names: dict[str, str] = field(default_factory=dict)  # name -> canonical schema json
    defs: list[tuple[str, list[str]]] = field(default_factory=list)  # (name, lines)

    def claim(self, wanted: str, schema: Mapping[str, Any]) -> tuple[str, bool]:
        """(the name to use, whether it is new): identical schemas share a name."""
        key = json.dumps(schema, sort_keys=True)
        name, n = wanted, 1
        while name in self.names:
            if self.names[name] == key:
                return name, False
            n += 1
            name = f"{wanted}{n}"
        self.names[name] = key
        return name, True


def _doc_lines(text: str, indent: str) -> list[str]:
    text = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"').strip()
    if not text:
        return []
    lines = [line.rstrip() for line in text.splitlines()]
    if len(lines) == 1:
        # a closing quote of the text would run into the docstring's own: escape it
        line = lines[0]
        if line.endswith('"') and (len(line) - 1 - len(line[:-1].rstrip("\\"))) % 2 == 0:
            line = line[:-1] + '\\"'
        return [f'{indent}"""{line}"""']
    return [
        f'{indent}"""{lines[0]}',
        *[f"{indent}{line}" if line else "" for line in lines[1:]],
        f'{indent}"""',
    ]


class _Writer:
    def __init__(self, module: _Module) -> None:
        self.module = module

    def annotation(self, schema: Mapping[str, Any], path: list[str]) -> str:
        """The Python type of a schema node, defining the types it needs."""
        if schema.get("x-kubernetes-int-or-string"):
            return "int | str"
        enum = schema.get("enum")
        if isinstance(enum, list) and enum and all(isinstance(e, str | int | bool) for e in enum):
            return f"_t.Literal[{', '.join(json.dumps(e) if isinstance(e, str) else repr(e) for e in enum)}]"
        types = schema.get("type")
        t = types if isinstance(types, str) else None
        if t == "string":
            return "str"
        if t == "integer":
            return "int"
        if t == "number":
            return "float"
        if t == "boolean":
            return "bool"
        if t == "array":
            items = schema.get("items")
            return f"list[{self.annotation(items, path) if isinstance(items, dict) else '_t.Any'}]"
        if t == "object" or "properties" in schema:
            props = schema.get("properties")
            extra = schema.get("additionalProperties")
            if props:
                return self.typed_dict(schema, path)
            if isinstance(extra, dict):
                return f"dict[str, {self.annotation(extra, path)}]"
            return "dict[str, _t.Any]"
        return "_t.Any"

    def typed_dict(self, schema: Mapping[str, Any], path: list[str]) -> str:
        wanted = type_name(path)
        name, new = self.module.claim(wanted, schema)
        if not new:
            return name
        self.module.defs.append((name, []))  # reserve its place before the types it uses
        index = len(self.module.defs) - 1
        required = set(schema.get("required") or [])
        fields: list[tuple[str, str, str]] = []
        for key, sub in schema["properties"].items():
            ann = self.annotation(sub, [*path, key])
            if key in required:
                ann = f"_t.Required[{ann}]"
            fields.append((key, ann, str(sub.get("description") or "")))
        lines: list[str] = []
        plain = all(_IDENT.match(k) and not keyword.iskeyword(k) for k, _, _ in fields)
        if plain:
            lines.append(f"class {name}(_t.TypedDict, total=False):")
            lines += _doc_lines(str(schema.get("description") or name), "    ")
            for key, ann, doc in fields:
                lines.append(f"    {key}: {ann}")
                lines += _doc_lines(doc, "    ")
        else:
            # no docstring on this form: the description as a comment, as written
            description = str(schema.get("description") or "").strip()
            lines += [f"# {line}".rstrip() for line in description.splitlines()]
            lines.append(f"{name} = _t.TypedDict(")
            lines.append(f"    {json.dumps(name)},")
            lines.append("    {")
            for key, ann, _doc in fields:
                # quoted: the functional form evaluates its types at once, and some come later
                lines.append(f"        {json.dumps(key)}: {json.dumps(ann)},")
            lines.append("    },")
            lines.append("    total=False,")
            lines.append(")")
        self.module.defs[index] = (name, lines)
        return name


@dataclass(frozen=True)
class GeneratedFile:
    path: str  # relative to the output folder
    text: str


def _strip(schema: Any) -> Any:
    """The schema as synth checks it: no descriptions."""
    if isinstance(schema, dict):
        return {k: _strip(v) for k, v in schema.items() if k != "description"}
    if isinstance(schema, list):
        return [_strip(v) for v in schema]
    return schema


def generate(crds: Sequence[CustomResourceDefinition], *, command: str) -> list[GeneratedFile]:
    """The files of the import of ``crds`` (paths relative to the output folder), sorted."""
    by_group: dict[str, list[CustomResourceDefinition]] = {}
    for crd in crds:
        by_group.setdefault(crd.group, []).append(crd)
    files: list[GeneratedFile] = []
    for group, group_crds in sorted(by_group.items()):
        pkg = package_name(group)
        group_crds.sort(key=lambda c: c.kind)
        sources = sorted({c.source for c in group_crds})
        schemas: dict[str, Any] = {}
        versions: dict[str, list[tuple[CustomResourceDefinition, CrdVersion]]] = {}
        for crd in group_crds:
            for v in crd.versions:
                if v.served:
                    versions.setdefault(v.name, []).append((crd, v))
                    schemas[f"{crd.api_version(v)} {crd.kind}"] = _strip(v.schema)
        init = [
            f'"""{group}: {", ".join(c.kind for c in group_crds)}.',
            "",
            f"Generated by ``{command}`` from {', '.join(sources)}; do not edit: regenerate.",
            f"Versions: {', '.join(sorted(versions, key=version_priority, reverse=True))} (one module each).",
            '"""',
            "",
        ]
        files.append(GeneratedFile(f"{pkg}/__init__.py", "\n".join(init)))
        files.append(
            GeneratedFile(
                f"{pkg}/crds.json", json.dumps(schemas, sort_keys=True, separators=(",", ":")) + "\n"
            )
        )
        for version, kinds in sorted(versions.items()):
            constructs_text, types_text = _version_module(group, version, kinds, command, sources)
            files.append(GeneratedFile(f"{pkg}/{version}.py", constructs_text))
            files.append(GeneratedFile(f"{pkg}/_{version}_types.py", types_text))
    return sorted(files, key=lambda f: f.path)


def _version_module(
    group: str,
    version: str,
    kinds: list[tuple[CustomResourceDefinition, CrdVersion]],
    command: str,
    sources: list[str],
) -> tuple[str, str]:
    """(the constructs module, its types module). The ``TypedDict`` s live in ``_<version>_types.py``,
    loaded only by type checkers or when a type is used at run time (``v1.CertificateSpec``):
    creating a few hundred classes would be most of the import's time."""
    module = _Module()
    writer = _Writer(module)
    classes: list[list[str]] = []
    registrations: list[str] = []
    for crd, _ in kinds:
        module.names[crd.kind] = "<kind>"  # the kind's class owns its name
    for crd, v in kinds:
        api_version = crd.api_version(v)
        props = dict(v.schema.get("properties") or {})
        required = set(v.schema.get("required") or [])
        taken: set[str] = set()
        args: list[tuple[str, str, str, str, bool]] = []  # (arg, json, annotation, doc, required)
        for key in sorted(props, key=lambda k: (k != "spec", k)):
            if key in ("apiVersion", "kind", "metadata", "status"):
                continue
            ann = writer.annotation(props[key], [crd.kind, key])
            args.append(
                (arg_name(key, taken), key, ann, str(props[key].get("description") or ""), key in required)
            )
        deprecated = None
        if v.deprecated:
            deprecated = v.deprecation_warning or f"{api_version} {crd.kind} is deprecated"
        lines = [f"class {crd.kind}(_crd.CustomResource):"]
        desc = str(v.schema.get("description") or f"A {crd.kind} ({api_version}).")
        scope = "namespaced" if crd.namespaced else "cluster-scoped: no namespace is written on it"
        doc = f"{desc}\n\n{api_version} {crd.kind}, {scope}."
        if deprecated:
            doc += f"\n\nDeprecated: {deprecated}"
        lines += _doc_lines(doc, "    ")
        lines += [
            "",
            f"    KIND = {json.dumps(crd.kind)}",
            f"    API_VERSION = {json.dumps(api_version)}",
            f"    NAMESPACED = {crd.namespaced}",
            f"    DEPRECATED = {json.dumps(deprecated) if deprecated else None}",
            "",
            "    def __init__(",
            "        self,",
            "        scope: _constructs.Construct,",
            "        id: str,",
            "        *,",
        ]
        for arg, _key, ann, _doc, req in args:
            lines.append(f"        {arg}: {ann}," if req else f"        {arg}: {ann} | None = None,")
        lines += [
            "        name: str | None = None,",
            "        labels: _t.Mapping[str, str] | None = None,",
            "        annotations: _t.Mapping[str, str] | None = None,",
        ]
        if crd.namespaced:
            lines.append("        namespace: str | None = None,")
        lines.append("    ) -> None:")
        params = []
        for arg, key, _ann, fdoc, req in args:
            first = (fdoc.strip().splitlines() or [""])[0]
            params.append(f":param {arg}: ``{key}``{' (required)' if req else ''}. {first}".rstrip())
        params.append(":param name: ``metadata.name``. Default: the construct id.")
        if crd.namespaced:
            params.append(":param namespace: ``metadata.namespace``. Default: the chart's.")
        lines += _doc_lines(
            f"A {crd.kind}; every argument left out is left out of the object.\n\n" + "\n".join(params),
            "        ",
        )
        body = ", ".join(f"{json.dumps(key)}: {arg}" for arg, key, _a, _d, _r in args)
        lines += [
            "        super().__init__(",
            "            scope,",
            "            id,",
            f"            fields={{{body}}},",
            "            name=name,",
            "            labels=labels,",
            "            annotations=annotations,",
        ]
        if crd.namespaced:
            lines.append("            namespace=namespace,")
        lines.append("        )")
        classes.append(lines)
        registrations.append(
            f"        ({json.dumps(api_version)}, {json.dumps(crd.kind)}, {crd.namespaced}, {json.dumps(deprecated) if deprecated else None}),"
        )
    kinds_names = sorted(crd.kind for crd, _ in kinds)
    type_names = sorted(n for n, _ in module.defs)
    header = [
        f'"""{group}/{version}: {", ".join(crd.kind for crd, _ in kinds)}.',
        "",
        f"Generated by ``{command}`` from {', '.join(sources)}; do not edit: regenerate.",
        "Field names are the schema's own (TypedDict keys); how names are escaped where Python needs an",
        "identifier: see ``podkit._crd_import``. Importing this module registers its kinds with podkit:",
        "every object of them, in any chart, is checked at synth against the CRD's schema and CEL rules.",
        f"The nested types are in ``_{version}_types`` and can be imported from here.",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        "import typing as _t",
        "from pathlib import Path as _Path",
        "",
        "import constructs as _constructs",
        "",
        "from podkit import _crd",
        "",
        "if _t.TYPE_CHECKING:",
        f"    from ._{version}_types import *  # noqa: F403",
        "",
        "__all__ = [",
        *[f"    {json.dumps(n)}," for n in sorted(kinds_names + type_names)],
        "]",
        "",
    ]
    out = list(header)
    for lines in classes:
        out += ["", *lines, ""]
    out += [
        "",
        "def __getattr__(name: str) -> _t.Any:",
        "    if name in __all__:",
        f"        from . import _{version}_types",
        "",
        f"        return getattr(_{version}_types, name)",
        '    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")',
        "",
        "",
        "_crd.register_kinds(",
        '    _Path(__file__).with_name("crds.json"),',
        "    [",
        *registrations,
        "    ],",
        f"    source={json.dumps(', '.join(sources))},",
        ")",
        "",
    ]
    types = [
        f'"""The types of {group}/{version} (see ``{version}.py``). Generated by ``{command}``; do not edit."""',
        "",
        "from __future__ import annotations",
        "",
        "import typing as _t",
        "",
        "__all__ = [",
        *[f"    {json.dumps(n)}," for n in type_names],
        "]",
        "",
    ]
    for _name, lines in module.defs:
        types += ["", *lines, ""]
    return "\n".join(out), "\n".join(types)


def load_sources(
    sources: Sequence[str], *, kinds: Sequence[str] = (), cluster_scoped: Sequence[str] = ()
) -> list[CustomResourceDefinition]:
    """The CRDs of each source: a CRD YAML/JSON file or folder, or a ``@kubernetes-models/*``
    package (a ``.tgz`` or an unpacked folder with ``package.json`` and ``_schemas/``)."""
    out: list[CustomResourceDefinition] = []
    for source in sources:
        path = Path(source)
        if not path.exists():
            raise PodkitError(
                "",
                f"{source}: no such file or folder; give a CRD YAML file or folder, or a package (.tgz or folder)",
            )
        if path.suffix == ".tgz" or (path.is_dir() and (path / "_schemas").is_dir()):
            docs, label = read_kubernetes_models(path, kinds=kinds, cluster_scoped=cluster_scoped)
            out.extend(CustomResourceDefinition.from_dict(d, source=label) for d in docs)
        else:
            crds = read_crd_file(path)
            out.extend(c for c in crds if not kinds or c.kind in kinds or f"{c.group}/{c.kind}" in kinds)
    seen: dict[tuple[str, str], str] = {}
    for crd in out:
        key = (crd.group, crd.kind)
        if key in seen:
            raise PodkitError(
                "",
                f"{crd.group} {crd.kind} is defined twice ({seen[key]} and {crd.source}); import one of them",
            )
        seen[key] = crd.source
    return out


def import_crds(
    sources: Sequence[str],
    out: Path,
    *,
    kinds: Sequence[str] = (),
    cluster_scoped: Sequence[str] = (),
    command: str | None = None,
) -> list[Path]:
    """Generate the modules for ``sources`` into ``out`` (``imports/``); returns the files written.
    A group's package is rewritten whole: files of it that the import no longer makes are removed."""
    crds = load_sources(sources, kinds=kinds, cluster_scoped=cluster_scoped)
    if command is None:
        parts = ["podkit", "import", "crd", *[Path(s).name for s in sources]]
        parts += [f"--kind={k}" for k in kinds] + [f"--cluster-scoped={k}" for k in cluster_scoped]
        command = shlex.join(parts)
    files = generate(crds, command=command)
    written = []
    for pkg in sorted({f.path.split("/", 1)[0] for f in files}):
        folder = out / pkg
        keep = {f.path.split("/", 1)[1] for f in files if f.path.startswith(pkg + "/")}
        if folder.is_dir():
            for old in folder.iterdir():
                if old.is_file() and old.name not in keep and old.suffix in (".py", ".json"):
                    old.unlink()
    for f in files:
        target = out / f.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f.text, encoding="utf-8")
        written.append(target)
    return written


def add_import_command(sub: Any, common: Any) -> None:
    """``podkit import crd SOURCE... [--out imports/]``, added to the ``podkit`` command's parser."""
    p = sub.add_parser(
        "import",
        parents=[common],
        help="generate typed constructs for custom resources (podkit import crd ...)",
        description="Generate plain, typed Python modules from CustomResourceDefinitions.",
    )
    what = p.add_subparsers(dest="what", required=True, metavar="WHAT")
    c = what.add_parser(
        "crd",
        parents=[common],
        help="import CRDs: one module per group and version under --out",
        description="Read CRDs from YAML/JSON files or folders, or from a @kubernetes-models/* npm "
        "package (.tgz from `npm pack`, or its folder), and write imports/<group>/<version>.py: a "
        "construct class per kind, TypedDicts for nested objects, the schemas for synth-time "
        "checks (structure and CEL rules). Regenerating is byte-identical.",
    )
    c.add_argument(
        "sources", nargs="+", metavar="SOURCE", help="CRD file or folder, or a package .tgz/folder"
    )
    c.add_argument("--out", type=Path, default=Path("imports"), help="output folder (default: imports)")
    c.add_argument(
        "--kind", action="append", default=[], metavar="KIND", help="import only these kinds (repeat)"
    )
    c.add_argument(
        "--cluster-scoped",
        action="append",
        default=[],
        metavar="KIND",
        help="kinds whose scope is Cluster (packages do not record it; CRD files do)",
    )
    c.set_defaults(run=_run_import)


def _run_import(args: Any) -> int:
    import_crds(args.sources, args.out, kinds=args.kind, cluster_scoped=args.cluster_scoped)
    return 0
