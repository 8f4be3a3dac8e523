"""Where ``podkit import crd`` reads CRDs from: CRD YAML/JSON files, or packages that ship the schemas.

* **CRD files** (``.yaml``/``.yml``/``.json``, one or many documents, or a folder of them): read
  as they are; other documents in the files (a Namespace, a Deployment) are skipped.
* **``@kubernetes-models/*`` npm packages** (a ``.tgz`` from ``npm pack``, or an unpacked
  package folder): they ship each schema definition as ajv "standalone" validator code
  (``_schemas/<Definition>.js``) and its descriptions as TypeScript declarations
  (``<group>/<version>/<Name>.d.ts``). That code is regular, so it is read back into an
  ``openAPIV3Schema``: types, ``required``, ``enum``, ``pattern``, ``format``, bounds
  (``minimum``/``maximum``/lengths/items/properties), maps (``additionalProperties``), arrays,
  nullable references, and the CEL rules the package keeps in its descriptions
  (``<gateway:experimental:validation:XValidation:message=...,rule=...>``). References
  to Kubernetes types (``ObjectMeta``, ``LabelSelector``, ``Toleration``, ...) are filled in from
  podkit's Kubernetes 1.33 schema; a type of another package is kept as any object. What such a package does not say, the reader cannot know:
  the scope (``--cluster-scoped KIND``), served/deprecated versions (every version present is
  served; ``v1`` or the most stable one is the storage version), and the CEL rules that upstream
  writes only as ``+kubebuilder:validation:XValidation`` markers (the real CRD YAML has them:
  import that where you have it).
"""

from __future__ import annotations

import json
import re
import tarfile
from collections.abc import Callable, Iterable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import PodkitError

__all__ = ["read_crd_documents", "read_kubernetes_models", "version_priority"]


def read_crd_documents(path: Path) -> list[tuple[dict[str, Any], str]]:
    """The CRDs in a file or folder (sorted by file name), each with its file as source."""
    import yaml

    files = (
        sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml", ".json"))
        if path.is_dir()
        else [path]
    )
    out: list[tuple[dict[str, Any], str]] = []
    for file in files:
        try:
            text = file.read_text(encoding="utf-8")
            docs = list(yaml.safe_load_all(text)) if file.suffix != ".json" else [json.loads(text)]
        except (OSError, yaml.YAMLError, json.JSONDecodeError, UnicodeDecodeError) as e:
            raise PodkitError("", f"{file}: cannot read it as YAML/JSON: {_one_line(e)}") from None
        for doc in docs:
            if isinstance(doc, dict) and doc.get("kind") == "CustomResourceDefinition":
                out.append((doc, file.name))
            elif isinstance(doc, dict) and doc.get("kind") == "List":
                out.extend(
                    (d, file.name)
                    for d in doc.get("items") or []
                    if isinstance(d, dict) and d.get("kind") == "CustomResourceDefinition"
                )
    if not out:
        raise PodkitError(
            "",
            f"{path}: no CustomResourceDefinition found (expected YAML/JSON with kind: CustomResourceDefinition)",
        )
    return out


def _one_line(e: Exception) -> str:
    return " ".join(str(e).split())


def version_priority(name: str) -> tuple[int, int, int]:
    """Kubernetes' version order: GA > beta > alpha, then by number (v1 > v1beta2 > v1beta1 > v1alpha1)."""
    m = re.fullmatch(r"v(\d+)(?:(alpha|beta)(\d+))?", name)
    if m is None:
        return (-1, 0, 0)
    level = {None: 2, "beta": 1, "alpha": 0}[m.group(2)]
    return (level, int(m.group(1)), int(m.group(3) or 0))


# --------------------------------------------------------------------------- @kubernetes-models/*

_EXPORT = re.compile(r"export const validate=(validate\d+)")
_IMPORT = re.compile(r'import\{validate as (validate\d+)\}from"([^"]+)"')
_ENUM = re.compile(r"let (schema\d+_enum)=(\[[^\]]*\]);")
_HEADER = re.compile(r"function (validate\d+)\(data,\{[^}]*\}=\{\}\)\{")
_KEYWORD = re.compile(
    r'schemaPath:"#/(\w+)",keyword:"\w+",params:\{(\w+):("(?:[^"\\]|\\.)*"|[\w$.-]+)(?:,limit:([\d.-]+))?\}'
)
_PROPERTY = re.compile(
    r'void 0!==data(?:\.([A-Za-z_$][\w$]*)|\["([^"]+)"\])&&\(?(?:null!==data(?:\.[A-Za-z_$][\w$]*|\["[^"]+"\])&&\(?)?(validate\d+)\('
)
_MAP = re.compile(r"for\(let key\d+ in data\)(validate\d+)\(data\[key\d+\]")
_ITEMS = re.compile(r"(validate\d+)\(data\[i\d+\]")
_DELEGATE = re.compile(
    r"(null!==data&&\()?(validate\d+)\(data,\{instancePath,parentData,parentDataProperty,rootData\}\)"
)
_XVALIDATION = re.compile(
    r'<gateway:(standard|experimental):validation:XValidation:message="((?:[^"\\]|\\.)*)",rule="((?:[^"\\]|\\.)*)">'
)


def _body(src: str, start: int) -> str:
    """The text of a function body starting just after its ``{``, string literals skipped
    (``tools/gen_crd_schema.py`` reads the same ajv code with it)."""
    depth, i = 1, start
    while depth:
        c = src[i]
        if c in "\"'":
            i += 1
            while src[i] != c:
                i += 2 if src[i] == "\\" else 1
        elif c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        i += 1
    return src[start : i - 1]


@cache
def _k8s_definitions() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        resources.files("podkit").joinpath("_k8s_schema.json").read_text(encoding="utf-8")
    )
    definitions: dict[str, Any] = data["definitions"]
    return definitions


@cache
def _k8s_by_module() -> dict[str, str]:
    """``IoK8sApiCoreV1Toleration`` -> ``io.k8s.api.core.v1.Toleration``."""
    return {"".join(p[:1].upper() + p[1:] for p in name.split(".")): name for name in _k8s_definitions()}


class _Package:
    def __init__(self, read: Callable[[str], str | None], names: Iterable[str], label: str) -> None:
        self.read = read
        self.names = sorted(names)
        self.label = label
        self.docs = self._read_docs()
        self._nodes: dict[str, dict[str, Any]] = {}

    def _read_docs(self) -> dict[str, tuple[str, dict[str, str]]]:
        """Definition name -> (its description, {property: description}), from the .d.ts files."""
        out: dict[str, tuple[str, dict[str, str]]] = {}
        for name in self.names:
            if not name.endswith(".d.ts") or "/_schemas/" in name or name.count("/") < 3:
                continue
            text = self.read(name) or ""
            alias = re.search(r"export type \{ I(\w+) as I(\w+)", text)
            if alias is None:
                continue
            m = re.search(
                r"(/\*\*((?:(?!\*/).)*)\*/\s*)?export interface I" + re.escape(alias.group(1)) + r"\b[^{]*\{",
                text,
                re.S,
            )
            if m is None:
                continue
            end = text.find("\n}", m.end())
            body = text[m.end() : end if end >= 0 else len(text)]
            props = {
                pm.group(3): _doc(pm.group(2))
                for pm in re.finditer(r'(/\*\*((?:(?!\*/).)*)\*/\s*)?"?([\w$-]+)"?\??:', body, re.S)
                if pm.group(2)
            }
            out[alias.group(2)] = (_doc(m.group(2) or ""), props)
        return out

    def module(self, name: str) -> dict[str, Any]:
        node = self._nodes.get(name)
        if node is None:
            src = self.read(f"package/_schemas/{name}.js")
            if src is None:
                raise PodkitError("", f"{self.label}: _schemas/{name}.js is missing")
            self._nodes[name] = {}  # a cycle reads as an open object
            node = self._nodes[name] = _Module(self, name, src).root_node()
        return node


def _doc(text: str) -> str:
    lines = [re.sub(r"^\s*\* ?", "", line) for line in text.strip().splitlines()]
    out = "\n".join(lines).strip()
    return re.sub(r"\\([*_`\\])", r"\1", out)


def _k8s_node(name: str, depth: int = 0) -> dict[str, Any]:
    """A Kubernetes definition from podkit's schema, inlined as an openAPIV3Schema node."""
    if name == "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta":
        return {"type": "object"}
    if name == "io.k8s.apimachinery.pkg.util.intstr.IntOrString":
        return {"x-kubernetes-int-or-string": True}
    if name == "io.k8s.apimachinery.pkg.api.resource.Quantity":
        return {
            "x-kubernetes-int-or-string": True,
            "pattern": r"^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$",
        }
    if depth > 12:
        return {"type": "object", "x-kubernetes-preserve-unknown-fields": True}
    return _convert_k8s(_k8s_definitions()[name], depth)


def _convert_k8s(node: dict[str, Any], depth: int) -> dict[str, Any]:
    if "$ref" in node:
        return _k8s_node(node["$ref"].rsplit("/", 1)[-1], depth + 1)
    out: dict[str, Any] = {}
    for key in ("type", "enum", "required", "format", "description"):
        if key in node:
            out[key] = node[key]
    if isinstance(out.get("type"), list):
        types = [t for t in out["type"] if t != "null"]
        out["type"] = types[0] if len(types) == 1 else types
    if "properties" in node:
        out["properties"] = {k: _convert_k8s(v, depth) for k, v in node["properties"].items()}
    if isinstance(node.get("additionalProperties"), dict):
        out["additionalProperties"] = _convert_k8s(node["additionalProperties"], depth)
    if isinstance(node.get("items"), dict):
        out["items"] = _convert_k8s(node["items"], depth)
    return out


class _Module:
    """One ``_schemas/<Definition>.js``: its functions, imports and enum constants."""

    def __init__(self, package: _Package, name: str, src: str) -> None:
        self.package = package
        self.name = name
        self.imports = dict(_IMPORT.findall(src))
        self.enums = {k: json.loads(v) for k, v in _ENUM.findall(src)}
        self.functions = {m.group(1): _body(src, m.end()) for m in _HEADER.finditer(src)}
        export = _EXPORT.search(src)
        if export is None:
            raise PodkitError("", f"{package.label}: _schemas/{name}.js is not ajv standalone code")
        self.root = export.group(1)

    def root_node(self) -> dict[str, Any]:
        node = self.node(self.root)
        doc = self.package.docs.get(self.name)
        if doc is not None:
            if doc[0]:
                node["description"] = doc[0]
            for prop, text in doc[1].items():
                sub = node.get("properties", {}).get(prop)
                if sub is not None:
                    sub.setdefault("description", text)
                    rules = _rules_in(text)
                    if rules:
                        sub.setdefault("x-kubernetes-validations", []).extend(rules)
            rules = _rules_in(doc[0])
            if rules:
                node.setdefault("x-kubernetes-validations", []).extend(rules)
        return node

    def ref(self, fn: str) -> dict[str, Any] | None:
        target = self.imports.get(fn)
        if target is None:
            return None
        if target.startswith("./"):
            copied: dict[str, Any] = json.loads(
                json.dumps(self.package.module(target[2:].removesuffix(".js")))
            )
            return copied
        module = target.rsplit("/", 1)[-1]
        if module == "IoK8sApiextensionsApiserverPkgApisApiextensionsV1JSON":
            return {"x-kubernetes-preserve-unknown-fields": True}  # apiextensions' JSON: any value
        name = _k8s_by_module().get(module)
        if name is None:
            # a type of another package (cert-manager's solver refers to Gateway API's
            # ParentReference): kept as any object, never stricter than the real schema
            return {"type": "object", "x-kubernetes-preserve-unknown-fields": True}
        return _k8s_node(name)

    def node(self, fn: str) -> dict[str, Any]:
        ref = self.ref(fn)
        if ref is not None:
            return ref
        body = self.functions[fn]
        out: dict[str, Any] = {}
        for match in _DELEGATE.finditer(body):
            # allOf of one (an embedded struct, or a reference): merge what it says
            merged = self.node(match.group(2))
            if match.group(1):
                out["nullable"] = True
            for key, part in merged.items():
                if key == "properties":
                    out.setdefault("properties", {}).update(part)
                elif key == "required":
                    out["required"] = sorted({*out.get("required", []), *part})
                elif key == "x-kubernetes-validations":
                    out.setdefault(key, []).extend(part)
                else:
                    out.setdefault(key, part)
        for m in _KEYWORD.finditer(body):
            keyword, param, raw, limit = m.groups()
            value: Any = json.loads(raw) if raw.startswith('"') else raw
            if keyword == "type":
                names = [t for t in str(value).split(",") if t != "null"]
                out["type"] = names[0] if len(names) == 1 else names
                if "null" in str(value).split(","):
                    out["nullable"] = True
            elif keyword == "enum":
                out["enum"] = self.enums[str(value)]
            elif keyword == "required":
                out["required"] = sorted({*out.get("required", []), str(value)})
            elif keyword in ("pattern", "format"):
                out[keyword] = value
            elif param == "comparison":
                out[keyword] = _number(limit)
                if value in ('"<"', '">"', "<", ">"):
                    out["exclusiveMaximum" if keyword == "maximum" else "exclusiveMinimum"] = True
            elif param == "limit":
                out[keyword] = _number(str(value))
        props = {(m.group(1) or m.group(2)): self.node(m.group(3)) for m in _PROPERTY.finditer(body)}
        values = _MAP.search(body)
        if values:
            out["additionalProperties"] = self.node(values.group(1))
        if props:
            out.setdefault("properties", {}).update(props)
        items = _ITEMS.search(body)
        if items:
            out["items"] = self.node(items.group(1))
        if out.get("type") == "object" and "properties" not in out and "additionalProperties" not in out:
            out["x-kubernetes-preserve-unknown-fields"] = True
        return out


def _number(text: str | None) -> int | float:
    if text is None:
        return 0
    f = float(text)
    return int(f) if f == int(f) else f


def _rules_in(text: str) -> list[dict[str, str]]:
    """The CEL rules a description carries as ``<gateway:experimental:validation:XValidation:...>``
    markers. The experimental channel's only: the package's schemas are built from the Go types
    with every field (``parentRefs[].port``, ``rules[].name``, ``filters[].externalAuth`` are
    experimental), and its rules are the standard channel's extended to those fields; taking
    both would report one mistake twice."""
    return [
        {"message": json.loads(f'"{m.group(2)}"'), "rule": json.loads(f'"{m.group(3)}"')}
        for m in _XVALIDATION.finditer(text)
        if m.group(1) == "experimental"
    ]


def _opener(source: Path) -> tuple[Callable[[str], str | None], list[str]]:
    if source.is_dir():
        root = source

        def read_dir(name: str) -> str | None:
            p = root / name.removeprefix("package/")
            return p.read_text(encoding="utf-8") if p.is_file() else None

        names = ["package/" + str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()]
        return read_dir, names
    tar = tarfile.open(source)  # noqa: SIM115 - read from until the import is done
    members = {m.name: m for m in tar.getmembers() if m.isfile()}

    def read_tar(name: str) -> str | None:
        member = members.get(name)
        if member is None:
            return None
        f = tar.extractfile(member)
        return f.read().decode("utf-8") if f is not None else None

    return read_tar, list(members)


def read_kubernetes_models(
    source: Path, *, kinds: Iterable[str] = (), cluster_scoped: Iterable[str] = ()
) -> tuple[list[dict[str, Any]], str]:
    """CRDs (``apiextensions.k8s.io/v1`` dicts) rebuilt from a ``@kubernetes-models/*`` package,
    and ``<package>@<version>``. ``kinds`` selects kinds (``Kind`` or ``group/Kind``; default
    all); ``cluster_scoped`` names the kinds whose scope is Cluster."""
    read, names = _opener(source)
    meta = json.loads(read("package/package.json") or "{}")
    label = f"{meta.get('name', source.name)}@{meta.get('version', '?')}"
    package = _Package(read, names, label)
    wanted = set(kinds)
    cluster = set(cluster_scoped)
    found: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}
    for name in names:
        m = re.fullmatch(r"package/_schemas/(\w+)\.js", name)
        if m is None or m.group(1).endswith("List"):
            continue
        src = read(name) or ""
        head = re.search(
            r'let schema1_enum=\["([^"]+)"\];.*?let schema2_enum=\["([^"]+)"\]', src[:3000], re.S
        )
        if head is None or "ObjectMeta" not in src:
            continue
        api_version, kind = head.group(1), head.group(2)
        group, _, version = api_version.rpartition("/")
        if wanted and kind not in wanted and f"{group}/{kind}" not in wanted:
            continue
        schema = package.module(m.group(1))
        schema.setdefault("properties", {})["metadata"] = {"type": "object"}
        schema.pop("nullable", None)
        schema["x-podkit-defaults-unknown"] = True
        found.setdefault((group, kind), {})[version] = schema
    missing = wanted - {k for _, k in found} - {f"{g}/{k}" for g, k in found}
    if missing:
        raise PodkitError(
            "",
            f"{label}: no kind {', '.join(sorted(missing))} in the package; its kinds: {', '.join(sorted({k for _, k in found}))}",
        )
    crds = []
    for (group, kind), versions in sorted(found.items()):
        order = sorted(versions, key=version_priority, reverse=True)
        crds.append(
            {
                "apiVersion": "apiextensions.k8s.io/v1",
                "kind": "CustomResourceDefinition",
                "metadata": {"name": f"{kind.lower()}s.{group}"},
                "spec": {
                    "group": group,
                    "names": {"kind": kind, "plural": f"{kind.lower()}s"},
                    "scope": "Cluster" if kind in cluster or f"{group}/{kind}" in cluster else "Namespaced",
                    "versions": [
                        {
                            "name": v,
                            "served": True,
                            "storage": v == order[0],
                            "schema": {"openAPIV3Schema": versions[v]},
                        }
                        for v in order
                    ],
                },
            }
        )
    return crds, label
