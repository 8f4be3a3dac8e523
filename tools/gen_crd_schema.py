"""Generate lib/podkit/_crd_schema.json: the SealedSecret and ExternalSecret CRD schemas, compact.

Source: the npm packages ``@kubernetes-models/sealed-secrets`` and
``@kubernetes-models/external-secrets`` (generated from the projects' Go API types, the same
source as their CRDs). They ship each schema only as ajv "standalone" validator code
(``_schemas/<Definition>.js``), one module per definition and one ``validateN`` function per
schema node. That code is regular, so this script reads it back into the compact format of
``_k8s_schema.json`` (types, properties, required, enums, ``$ref``; see ``gen_schema.py``):

* ``schemaPath:"#/type" ... params:{type:"T"}``       -> ``type: T``
* ``allowedValues:schemaN_enum`` + ``let schemaN_enum=[...]`` -> ``enum``
* ``missingProperty:"p"``                             -> ``required``
* ``void 0!==data.p&&(validateM(data.p``              -> ``properties.p`` (node of validateM)
* ``for(let key0 in data)validateM(data[key0]``       -> ``additionalProperties`` (a map)
* ``validateM(data[i0]``                              -> ``items``
* ``validateM(data,{instancePath,...})``              -> the node of validateM (a ``$ref``
  when validateM is imported from another definition's module)

Patterns, lengths and formats are left out, as in ``_k8s_schema.json``. Strict like
kubernetes-validate's strict mode: an object with properties and no map values gets
``additionalProperties: false``. Refs to Kubernetes types (``ObjectMeta``) point into
``_k8s_schema.json``. The packages' names and versions are recorded in the output (``packages``, and ``kinds``:
which package each checked kind's schema comes from).

Run ``.venv/bin/python tools/gen_crd_schema.py`` (runs ``npm pack`` for the pinned versions,
from npm's cache when it has them); ``tests/test_crd_schema.py`` checks the file is current
when the tarballs are in npm's cache, and skips otherwise.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

# the brace matcher of the library's reader of the same ajv code (`podkit import crd`)
from podkit._crd_sources import _body

TARGET = Path(__file__).resolve().parent.parent / "lib" / "podkit" / "_crd_schema.json"

# package -> (version, root definitions: the kinds podkit writes)
PACKAGES: dict[str, tuple[str, list[str]]] = {
    "@kubernetes-models/sealed-secrets": (
        "6.0.0",
        ["ComGithubBitnamiLabsSealedSecretsPkgApisSealedsecretsV1alpha1SealedSecret"],
    ),
    "@kubernetes-models/external-secrets": (
        "2.0.0",
        ["ComGithubExternalSecretsExternalSecretsApisExternalsecretsV1ExternalSecret"],
    ),
}
# Kubernetes definitions the CRD modules import, by module path -> name in _k8s_schema.json
K8S_REFS = {
    "@kubernetes-models/apimachinery/_schemas/IoK8sApimachineryPkgApisMetaV1ObjectMeta": (
        "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
    ),
    "@kubernetes-models/apimachinery/_schemas/IoK8sApimachineryPkgApisMetaV1Time": "io.k8s.apimachinery.pkg.apis.meta.v1.Time",
    "kubernetes-models/_schemas/IoK8sApiCoreV1LocalObjectReference": "io.k8s.api.core.v1.LocalObjectReference",
}

_EXPORT = re.compile(r"export const validate=(validate\d+)")
_IMPORT = re.compile(r'import\{validate as (validate\d+)\}from"([^"]+)"')
_ENUM = re.compile(r"let (schema\d+_enum)=(\[[^\]]*\]);")
_HEADER = re.compile(r"function (validate\d+)\(data,\{[^}]*\}=\{\}\)\{")
_TYPE = re.compile(r'schemaPath:"#/type",keyword:"type",params:\{type:"([a-z,]+)"\}')
_ENUM_USE = re.compile(r'schemaPath:"#/enum",keyword:"enum",params:\{allowedValues:(schema\d+_enum)\}')
_REQUIRED = re.compile(r'schemaPath:"#/required",keyword:"required",params:\{missingProperty:"([^"]+)"\}')
_PROPERTY = re.compile(r'void 0!==data(?:\.([A-Za-z_$][\w$]*)|\["([^"]+)"\])&&\(?(validate\d+)\(')
_MAP = re.compile(r"for\(let key\d+ in data\)(validate\d+)\(data\[key\d+\]")
_ITEMS = re.compile(r"(validate\d+)\(data\[i\d+\]")
_DELEGATE = re.compile(r"(validate\d+)\(data,\{instancePath,parentData,parentDataProperty,rootData\}\)")


class _Module:
    """One ``_schemas/<Definition>.js``: its functions, imports and enum constants."""

    def __init__(self, name: str, src: str) -> None:
        self.name = name
        self.imports = dict(_IMPORT.findall(src))
        self.enums = {k: json.loads(v) for k, v in _ENUM.findall(src)}
        self.functions = {m.group(1): _body(src, m.end()) for m in _HEADER.finditer(src)}
        export = _EXPORT.search(src)
        assert export is not None, f"{name}: no 'export const validate='"
        self.root = export.group(1)

    def ref(self, fn: str) -> dict[str, Any] | None:
        target = self.imports.get(fn)
        if target is None:
            return None
        if target.startswith("./"):
            return {"$ref": f"#/definitions/{target[2:].removesuffix('.js')}"}
        if target not in K8S_REFS:
            raise SystemExit(f"{self.name}: import of {target!r} has no Kubernetes definition in K8S_REFS")
        return {"$ref": f"#/definitions/{K8S_REFS[target]}"}

    def node(self, fn: str) -> dict[str, Any]:
        ref = self.ref(fn)
        if ref is not None:
            return ref
        body = self.functions[fn]
        out: dict[str, Any] = {}
        for match in _DELEGATE.finditer(body):
            # a $ref (or allOf of one): the target carries the type, enum and properties
            out.update(self.node(match.group(1)))
        if "$ref" in out:
            return out
        types = _TYPE.search(body)
        if types:
            names = types.group(1).split(",")
            out["type"] = names[0] if len(names) == 1 else names
        enum = _ENUM_USE.search(body)
        if enum:
            out["enum"] = self.enums[enum.group(1)]
        required = _REQUIRED.findall(body)
        if required:
            out["required"] = sorted(set(required))
        props = {(m.group(1) or m.group(2)): self.node(m.group(3)) for m in _PROPERTY.finditer(body)}
        values = _MAP.search(body)
        if values:
            out["additionalProperties"] = self.node(values.group(1))
        if props:
            out["properties"] = dict(sorted(props.items()))
            out.setdefault("additionalProperties", False)
        items = _ITEMS.search(body)
        if items:
            out["items"] = self.node(items.group(1))
        return out


def _gvk(node: dict[str, Any]) -> list[dict[str, str]]:
    props = node.get("properties", {})
    (api_version,) = props["apiVersion"]["enum"]
    (kind,) = props["kind"]["enum"]
    group, _, version = api_version.rpartition("/")
    return [{"group": group, "kind": kind, "version": version}]


def render(tarballs: dict[str, Path]) -> str:
    """The file's text, from ``{package: tarball}``."""
    definitions: dict[str, Any] = {}
    packages: dict[str, str] = {}
    kinds: dict[str, str] = {}
    for package, (version, roots) in PACKAGES.items():
        packages[package] = version
        with tarfile.open(tarballs[package]) as tar:

            def read(name: str, tar: tarfile.TarFile = tar) -> str:
                member = tar.extractfile(f"package/_schemas/{name}.js")
                assert member is not None
                return member.read().decode("utf-8")

            todo = list(roots)
            while todo:
                name = todo.pop()
                if name in definitions:
                    continue
                module = _Module(name, read(name))
                node = module.node(module.root)
                if name in roots:
                    gvk = node["x-kubernetes-group-version-kind"] = _gvk(node)
                    kinds[f"{gvk[0]['group']}/{gvk[0]['version']} {gvk[0]['kind']}"] = f"{package}@{version}"
                definitions[name] = node
                todo.extend(t[2:].removesuffix(".js") for t in module.imports.values() if t.startswith("./"))
    doc = {"packages": packages, "kinds": kinds, "definitions": dict(sorted(definitions.items()))}
    return json.dumps(doc, sort_keys=True, separators=(",", ":")) + "\n"


def pack(dest: Path, *, offline: bool = False, npm: str = "npm") -> dict[str, Path]:
    """``npm pack`` each pinned package into ``dest`` (from npm's cache only when ``offline``)."""
    out = {}
    for package, (version, _) in PACKAGES.items():
        cmd = [npm, "pack", f"{package}@{version}", "--pack-destination", str(dest), "--silent"]
        if offline:
            cmd.append("--offline")
        result = subprocess.run(cmd, capture_output=True, text=True, check=True)
        out[package] = dest / result.stdout.strip().splitlines()[-1]
    return out


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        TARGET.write_text(render(pack(Path(tmp))), encoding="utf-8")
    print(f"wrote {TARGET} ({TARGET.stat().st_size} bytes)", file=sys.stderr)
