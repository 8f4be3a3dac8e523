"""Compare two sets of Kubernetes objects the way a reviewer reads them: object by object.

``podkit diff`` and :func:`podkit.testing.assert_output_fresh` both need to say what a
change does to the manifests. A byte diff of ``dist/`` says "at index 153"; this module
matches objects by identity (API group, kind, namespace, name, as ``kubectl diff`` does),
lists the added and removed ones, shows each changed object as a unified YAML diff, and
warns when applying the change needs the object deleted and recreated.

Secret values never leave this module: ``data``/``stringData`` values are replaced with
markers before anything is rendered, and a changed value shows as a changed marker.
Everything here is a pure function over lists of dicts (tests call them directly), except
:func:`read_folder` and :func:`load_objects`, which read output files strictly: a file that is
not UTF-8, not YAML, or holds a document that is not a Kubernetes object is an error naming
the file and line, never a silently "removed" object.
"""

from __future__ import annotations

import atexit
import copy
import difflib
import functools
import importlib.util
import json
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import _yaml
from .errors import PodkitError

# Neither cdk8s (Node) nor the schema checks are imported here at module level: `podkit diff`
# and `podkit --help` import this module, and compare YAML files without starting jsii.

REDACTED = "<redacted>"
# shown on the new side when a Secret value changed: the reader learns *that* it changed
REDACTED_CHANGED = "<redacted, changed>"

# (API group, kind, namespace, name): apiVersion's version is left out, so moving an object
# from batch/v1beta1 to batch/v1 reads as a change of that object, as the API server sees it.
Key = tuple[str, str, str, str]


def object_key(obj: Mapping[str, Any]) -> Key:
    """The identity of an object: API group ("" for core), kind, namespace, name."""
    api_version = str(obj.get("apiVersion", ""))
    group = api_version.rpartition("/")[0]
    metadata = obj.get("metadata") or {}
    return (
        group,
        str(obj.get("kind", "")),
        str(metadata.get("namespace", "")),
        str(metadata.get("name", "")),
    )


def describe(key: Key) -> str:
    """``Deployment apps/default/web``-style label of a key (kind, group, namespace, name)."""
    group, kind, namespace, name = key
    where = "/".join(part for part in (group, namespace) if part)
    return f"{kind} {where + '/' if where else ''}{name}"


# a Secret's value fields (as _validate.SECRET_FIELDS)
SECRET_FIELDS = ("data", "stringData")


def is_secret(obj: Any) -> bool:
    return isinstance(obj, dict) and obj.get("kind") == "Secret" and obj.get("apiVersion") == "v1"


def redact_object(obj: Any) -> Any:
    """A copy of ``obj`` with every Secret value replaced by a marker; keys stay visible."""
    if not is_secret(obj):
        return obj
    out = copy.deepcopy(obj)
    for name in SECRET_FIELDS:
        if isinstance(out.get(name), dict):
            out[name] = dict.fromkeys(out[name], REDACTED)
    return out


def redact_pair(old: Any, new: Any) -> tuple[Any, Any]:
    """Redact two versions of one Secret so that a changed value stays visible as changed."""
    old_r, new_r = redact_object(old), redact_object(new)
    if is_secret(old) and is_secret(new):
        for name in SECRET_FIELDS:
            before, after = old.get(name), new.get(name)
            if isinstance(before, dict) and isinstance(after, dict):
                for k in after.keys() & before.keys():
                    if before[k] != after[k]:
                        new_r[name][k] = REDACTED_CHANGED
    return old_r, new_r


@dataclass
class ObjectDiff:
    """What changed between two sets of objects; empty when they are equal."""

    added: list[Any] = field(default_factory=list)
    removed: list[Any] = field(default_factory=list)
    # (old, new) pairs of objects with the same key and different content
    changed: list[tuple[Any, Any]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)


def diff_objects(old: Iterable[Any], new: Iterable[Any]) -> ObjectDiff:
    """Match ``old`` and ``new`` objects by :func:`object_key` and sort out what changed.

    Order within each list is kept (the order of the output files), so the report reads
    top to bottom like the manifests. Objects that are not mappings are ignored.
    """
    before = {object_key(o): o for o in old if isinstance(o, dict)}
    after = {object_key(o): o for o in new if isinstance(o, dict)}
    result = ObjectDiff()
    for key, obj in after.items():
        if key not in before:
            result.added.append(obj)
        elif before[key] != obj:
            result.changed.append((before[key], obj))
    result.removed = [obj for key, obj in before.items() if key not in after]
    return result


def _get(obj: Any, *path: str) -> Any:
    for part in path:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(part)
    return obj


_WORKLOADS = {"Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job"}


def recreate_reasons(old: Any, new: Any) -> list[str]:
    """Why applying ``old`` -> ``new`` needs a delete-and-recreate (empty when it does not).

    The API server rejects updates to immutable fields, whether they come from ``kubectl
    apply``, ``kubectl replace`` (Argo CD's ``Replace=true``) or server-side apply; a GitOps
    sync then fails until the object is deleted and created again (by hand, or by a
    per-object ``argocd.argoproj.io/sync-options: Force=true,Replace=true`` /
    ``kustomize.toolkit.fluxcd.io/force: enabled``).
    https://kubernetes.io/docs/concepts/workloads/pods/#pod-update-and-replacement
    """
    kind = new.get("kind")
    reasons: list[str] = []
    if kind == "Pod" and old.get("spec") != new.get("spec"):
        # only a few fields (image, activeDeadlineSeconds, tolerations additions) may change in place;
        # podkit treats any change of the spec as a replacement, which is what a sync will do
        reasons.append("the Pod spec changed: a Pod is replaced, not updated")
    if kind in ("ConfigMap", "Secret") and old.get("immutable") is True:
        # Once immutable, always immutable: the API server rejects unsetting the flag as well as
        # any change of the data (ValidateConfigMapUpdate / ValidateSecretUpdate).
        # https://kubernetes.io/docs/concepts/configuration/configmap/#configmap-immutable
        if new.get("immutable") is not True:
            now = "removed" if "immutable" not in new else f"set to {json.dumps(new.get('immutable'))}"
            reasons.append(f"{kind} is immutable and its immutable: true was {now}")
        for name in ("data", "binaryData", "stringData"):
            if old.get(name) != new.get(name):
                reasons.append(f"{kind} is immutable and its {name} changed")
    if kind == "Secret" and old.get("type", "Opaque") != new.get("type", "Opaque"):
        # a Secret's type never changes in place, immutable or not (ValidateSecretUpdate)
        reasons.append("a Secret's type is immutable")
    if kind in _WORKLOADS and _get(old, "spec", "selector") != _get(new, "spec", "selector"):
        reasons.append("spec.selector is immutable")
    if kind == "Job" and _get(old, "spec", "template") != _get(new, "spec", "template"):
        reasons.append("a Job's spec.template is immutable")
    if kind == "StatefulSet":
        for name in ("volumeClaimTemplates", "serviceName"):
            if _get(old, "spec", name) != _get(new, "spec", name):
                reasons.append(f"a StatefulSet's spec.{name} is immutable")
    return reasons


def _yaml_lines(obj: Any) -> list[str]:
    # Block-style YAML without a Node round trip: readable, stable, and good enough for a
    # diff (the committed files themselves are written by cdk8s.Yaml).
    text = _yaml.dump(obj)
    if text is None:
        text = json.dumps(obj, indent=2, sort_keys=False) + "\n"
    return text.splitlines(keepends=True)


# A Secret value shorter than this is hidden only where it is a whole value (a ConfigMap entry
# equal to it), not inside longer strings, where it would garble ordinary words and numbers.
MIN_EMBEDDED_SECRET = 4


def secret_strings(objects: Iterable[Any]) -> list[str]:
    """Every value the Secrets among ``objects`` hold, plain and base64, longest first.

    ``data`` values are base64: the decoded text is a value too. ``stringData`` values are
    plain: their base64 is a value too (a ConfigMap's ``binaryData`` holds it that way).
    """
    # the one reader of a Secret's values (synth problems are scrubbed with it too); imported
    # here, when a diff is shown, so that `podkit --help` and the CLI's start load no rules
    from ._validate import secret_values

    found = {v for obj in objects if is_secret(obj) for v in secret_values(obj)}
    return sorted((v for v in found if v.strip()), key=lambda v: (-len(v), v))


def _hide(text: str, values: list[str]) -> str:
    if text in values:
        return REDACTED
    for value in values:
        if len(value) >= MIN_EMBEDDED_SECRET and value in text:
            text = text.replace(value, REDACTED)
    return text


def redact_values(obj: Any, values: list[str]) -> Any:
    """``obj`` with every string that is, or contains, one of ``values`` redacted (keys stay)."""
    if not values:
        return obj
    if isinstance(obj, str):
        return _hide(obj, values)
    if isinstance(obj, dict):
        return {k: redact_values(v, values) for k, v in obj.items()}
    if isinstance(obj, list):
        return [redact_values(v, values) for v in obj]
    return obj


def format_diff(
    diff: ObjectDiff,
    *,
    old_label: str = "committed",
    new_label: str = "fresh",
    secrets: Iterable[str] = (),
) -> str:
    """The report ``podkit diff`` prints: added, removed, changed (unified YAML), warnings.

    Secret values never appear in it: each Secret's own values are markers, and ``secrets``
    (every value of every Secret on either side, :func:`secret_strings`) are redacted
    wherever else they occur, in every line, context lines included: a ConfigMap built from
    the same env file as a Secret repeats its password.
    """
    hidden = sorted(set(secrets), key=lambda v: (-len(v), v))
    out: list[str] = []
    for obj in diff.added:
        out.append(f"+ added {describe(object_key(obj))}\n")
    for obj in diff.removed:
        out.append(f"- removed {describe(object_key(obj))}\n")
    for old, new in diff.changed:
        label = describe(object_key(new))
        out.append(f"~ changed {label}\n")
        old_r, new_r = redact_pair(old, new)
        old_r, new_r = redact_values(old_r, hidden), redact_values(new_r, hidden)
        lines = difflib.unified_diff(
            _yaml_lines(old_r), _yaml_lines(new_r), f"{old_label}: {label}", f"{new_label}: {label}"
        )
        # and line by line: a value YAML renders across lines, or a marker's neighbour
        out.extend(_hide(line, hidden) if hidden else line for line in lines)
        for reason in recreate_reasons(old, new):
            out.append(f"! warning: {label} must be deleted and recreated to apply this: {reason}\n")
    return "".join(line if line.endswith("\n") else line + "\n" for line in out)


def parse_yaml(text: str) -> list[Any]:
    """Documents of a multi-document YAML string, parsed by the parser cdk8s writes with."""
    if not text.strip():
        return []
    # text a synth wrote is read in Python, exactly as Node would (_yaml.load_all); the rest in Node
    docs = _yaml.load_all(text)
    if docs is not None:
        return docs
    with tempfile.TemporaryDirectory(prefix="podkit-yaml-") as tmp:
        path = f"{tmp}/docs.yaml"
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        import cdk8s

        return [json.loads(json.dumps(d)) for d in cdk8s.Yaml.load(path)]


def redact(data: Any) -> Any:
    """Redact Secret values in every shape podkit returns, keeping the shape.

    An object, a list of objects, the ``{file name: [objects]}`` of ``App.synth_documents()``
    and a YAML string (``App.synth_yaml()``, a file of ``dist/``: returned as YAML again).
    """
    if isinstance(data, str):
        docs = parse_yaml(data)
        return stringify([redact_object(d) for d in docs]) if any(map(is_secret, docs)) else data
    if isinstance(data, list):
        return [redact_object(d) for d in data]
    if data and _is_file_map(data):
        return {name: [redact_object(d) for d in docs] for name, docs in data.items()}
    return redact_object(data)


def _is_file_map(data: Any) -> bool:
    """Is ``data`` ``{file name: [objects]}`` (``App.synth_documents()``), not one object?"""
    return isinstance(data, dict) and "kind" not in data and all(isinstance(v, list) for v in data.values())


def stringify(docs: list[Any]) -> str:
    """Multi-document YAML, byte for byte as ``dist/`` is written (``app.to_yaml``)."""
    from .app import to_yaml

    return to_yaml(docs)


def snapshot_text(data: Any) -> str:
    """The text of a YAML snapshot: redacted, and serialized exactly like ``dist/``.

    ``{file name: [objects]}`` becomes one section per file, headed ``# <file name>``.
    """
    data = redact(data)
    if isinstance(data, str):
        return data
    if _is_file_map(data):
        return "".join(f"# {name}\n{stringify(docs)}" for name, docs in data.items())
    return stringify(data if isinstance(data, list) else [data])


def read_folder(folder: Path, *, owned_only: bool = True) -> dict[str, str]:
    """``{relative path: text}`` of the output files under ``folder`` (empty if it is missing).

    Only the files podkit owns and writes there (``*.k8s.yaml`` and those listed in
    ``.podkit-output``, see ``_output.py``): a ``kustomization.yaml``, an overlay patch or a
    README kept in the output folder is the user's, never compared. ``owned_only=False``
    reads every ``*.yaml``/``*.yml`` file instead. Recursive, so the folder-per-chart output
    types of cdk8s compare too. A file that is not UTF-8 is a
    :class:`~podkit.errors.PodkitError` naming the file, the line and the byte (cdk8s writes
    UTF-8; anything else was edited or corrupted after the synth).
    """
    from . import _output

    if not folder.is_dir():
        return {}
    if owned_only:
        owned, _ = _output._scan(folder)
        owned.discard(_output.MANIFEST)
        paths = [folder / rel for rel in sorted(owned)]
    else:
        paths = [p for p in sorted(folder.rglob("*")) if p.is_file() and p.suffix in (".yaml", ".yml")]
    files: dict[str, str] = {}
    for path in paths:
        data = path.read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:
            line = data.count(b"\n", 0, e.start) + 1
            raise PodkitError(
                "",
                f"{path}, line {line}: byte 0x{data[e.start]:02x} is not UTF-8 ({e.reason}); "
                "expected the UTF-8 YAML a synth writes; run `podkit synth` to rewrite the output, "
                "or fix the file",
            ) from None
        # "\r\n" and "\r" read as "\n", as Python's text mode and a YAML parser read them
        files[path.relative_to(folder).as_posix()] = text.replace("\r\n", "\n").replace("\r", "\n")
    return files


# A Node script run with the `yaml` package cdk8s bundles (the parser that cdk8s.Yaml.load
# uses, with the same YAML 1.1 schema), but, unlike cdk8s.Yaml.load, it reports the first
# error of each document instead of returning what it could make of it: cdk8s reads
# `a: "unterminated` as {a: unterminated}. Whatever goes wrong with one file (an alias bomb,
# which `yaml` stops at 100 aliases, nesting too deep for the stack) is that file's error, never
# a crash of the script. stdin: {"files": {name: text}}; stdout: {name: JSON text of
# {"docs": [[line, value], ...]} or {"error": [line, column, message]}}.
_STRICT_LOAD_JS = r"""
const YAML = require(process.argv[1]);
const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const out = {};
for (const [name, text] of Object.entries(input.files)) {
  const lineAt = (offset) => text.slice(0, offset).split('\n').length;
  const firstLine = (e) => String((e && e.message) || e).split('\n')[0];
  let line = 1;
  let current = null;
  let entry;
  try {
    const docs = [];
    let error = null;
    for (const doc of YAML.parseAllDocuments(text, { version: '1.1' })) {
      const problem = doc.errors[0];
      if (problem) {
        const pos = problem.linePos ? problem.linePos[0] : { line: lineAt(problem.pos[0]), col: 1 };
        error = [pos.line, pos.col, problem.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')];
        break;
      }
      const start = doc.contents && doc.contents.range ? doc.contents.range[0] : doc.range[0];
      line = lineAt(start);
      current = doc;
      docs.push([line, doc.toJS({ maxAliasCount: 100 })]);
    }
    entry = JSON.stringify(error ? { error } : { docs });
  } catch (e) {
    let col = 1;
    if (current && e instanceof ReferenceError) {
      // an alias bomb: point at its first alias
      YAML.visit(current, { Alias(_, node) {
        if (node.range) { line = lineAt(node.range[0]); col = node.range[0] - text.lastIndexOf('\n', node.range[0] - 1); }
        return YAML.visit.BREAK;
      } });
    }
    entry = JSON.stringify({ error: [line, col, firstLine(e)] });
  }
  out[name] = entry;
}
process.stdout.write(JSON.stringify(out));
"""
# bounds for reading output files: Node's heap, and the wall-clock time of the whole read
_READER_HEAP_MB = 1024
_READER_TIMEOUT_S = 120


@functools.cache
def _yaml_package() -> Path:
    """The ``yaml`` package that cdk8s bundles (its jsii tarball), unpacked once per process.

    Unpacking takes about as long as the parse itself, and a test run reads output folders
    many times; the folder is removed when the process exits.
    """
    into = Path(tempfile.mkdtemp(prefix="podkit-yaml-"))
    atexit.register(shutil.rmtree, into, ignore_errors=True)
    spec = importlib.util.find_spec("cdk8s")  # its files only: no need to start jsii for this
    if spec is None or not spec.submodule_search_locations:
        raise PodkitError("", "cannot read YAML: the cdk8s package is not installed; reinstall podkit")
    cdk8s_dir = Path(next(iter(spec.submodule_search_locations)))
    tarballs = sorted((cdk8s_dir / "_jsii").glob("*.jsii.tgz"))
    prefix = "package/node_modules/yaml/"
    with tarfile.open(tarballs[0]) as tar:
        members = [m for m in tar if m.name.startswith(prefix + "dist/") or m.name == prefix + "package.json"]
        # the "data" filter exists from Python 3.11.4 on; the members are cdk8s's own files anyway
        safe: dict[str, Any] = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
        tar.extractall(into, members=members, **safe)
    return into / prefix


def _node_binary() -> str:
    from . import _node

    return _node.node_binary()


_FIX_FILE = "run `podkit synth` to rewrite the output, or fix the file"


def load_objects(files: Mapping[str, str]) -> dict[str, list[Any]]:
    """Parse ``{file name: YAML text}`` strictly into ``{file name: [Kubernetes objects]}``.

    Empty documents (a trailing ``---``) are skipped, as cdk8s skips them. A YAML error, or a
    document that is not a Kubernetes object (a mapping with ``apiVersion``, ``kind`` and
    ``metadata.name``), is a :class:`~podkit.errors.PodkitError` naming the file and the line;
    so is a file that cannot be read within bounds (an alias bomb, nesting too deep). Reading
    is bounded in time and in Node's memory; the reader failing is a one-line error too.
    """
    # a file read exactly as Node would read it (_yaml.load_all), every document an object,
    # needs no Node; the rest, and every error's file, line and column, come from Node
    objects: dict[str, list[Any]] = {}
    rest: dict[str, str] = {}
    for name, text in files.items():
        docs = _yaml.load_all(text, keep_null=True)
        if docs is not None and all(map(_is_object, docs)):
            objects[name] = docs
        else:
            rest[name] = text
    if rest:
        objects.update(_load_in_node(rest))
    return {name: objects[name] for name in files}


def _load_in_node(files: Mapping[str, str]) -> dict[str, list[Any]]:
    """:func:`load_objects` by the ``yaml`` package that cdk8s bundles, in one Node process."""
    try:
        result = subprocess.run(
            [
                _node_binary(),
                f"--max-old-space-size={_READER_HEAP_MB}",
                "-e",
                _STRICT_LOAD_JS,
                str(_yaml_package()),
            ],
            input=json.dumps({"files": dict(files)}),
            capture_output=True,
            text=True,
            encoding="utf-8",
            check=False,
            timeout=_READER_TIMEOUT_S,
        )
    except subprocess.TimeoutExpired:
        raise PodkitError(
            "",
            f"reading {', '.join(files)} took over {_READER_TIMEOUT_S} s (a file too large or too "
            f"deeply nested for an output file); {_FIX_FILE}",
        ) from None
    if result.returncode != 0:
        lines = [line.strip() for line in result.stderr.splitlines() if line.strip()]
        # Node's last words name the cause (heap out of memory, ...); its stack trace is noise
        reason = next((line for line in reversed(lines) if "Error" in line or "error" in line), "")
        raise PodkitError(
            "",
            f"could not read {', '.join(files)}: the YAML reader (Node) failed "
            f"(exit {result.returncode}{': ' + reason if reason else ''}); {_FIX_FILE}",
        )
    parsed: dict[str, str] = json.loads(result.stdout)
    objects: dict[str, list[Any]] = {}
    for name in files:
        try:
            entry = json.loads(parsed[name])
        except RecursionError:
            raise PodkitError(
                "", f"{name}: nested too deeply to be a Kubernetes object; {_FIX_FILE}"
            ) from None
        if "error" in entry:
            line, column, message = entry["error"]
            raise PodkitError(
                "", f"{name}, line {line}, column {column}: not valid YAML: {message}; {_FIX_FILE}"
            )
        objects[name] = [obj for line, obj in entry["docs"] if _check_object(name, line, obj)]
    return objects


def _is_object(obj: Any) -> bool:
    """Is ``obj`` a Kubernetes object: a mapping with apiVersion, kind and metadata.name?"""
    meta = obj.get("metadata") if isinstance(obj, dict) else None
    return (
        isinstance(obj, dict)
        and all(isinstance(obj.get(k), str) and obj[k] for k in ("apiVersion", "kind"))
        and isinstance(meta, dict)
        and isinstance(meta.get("name"), str)
        and bool(meta["name"])
    )


def _check_object(name: str, line: int, obj: Any) -> bool:
    """Is ``obj`` a document to compare (``False``: empty, skip it)? Raise for a non-object."""
    if obj is None:
        return False
    if _is_object(obj):
        return True
    got = (
        f"a mapping with keys {sorted(obj)[:6]}"
        if isinstance(obj, dict)
        else f"a {_JSON_TYPES.get(type(obj), type(obj).__name__)}"
    )
    raise PodkitError(
        "",
        f"{name}, line {line}: the document is {got}, not a Kubernetes object; expected a mapping "
        "with apiVersion, kind and metadata.name; run `podkit synth` to rewrite the output, or fix the file",
    )


_JSON_TYPES = {list: "list", str: "string", int: "number", float: "number", bool: "boolean"}


def compare_folders(
    committed: Mapping[str, str],
    fresh: Mapping[str, str],
    *,
    committed_folder: str = "committed output",
    fresh_folder: str = "fresh synth",
    old_label: str = "committed",
    new_label: str = "fresh",
) -> str:
    """The report for two output folders (``{file: text}``), empty when byte-identical.

    Objects are compared across all files (an object moved between files is not a change
    of the object); when every object is equal but the bytes are not, the files named are
    the ones whose layout, order or formatting differs. Both sides are read strictly
    (:func:`load_objects`); an error names the file as ``<folder>/<file>``. ``old_label`` and
    ``new_label`` head each changed object's YAML diff (:func:`format_diff`).
    """
    if dict(committed) == dict(fresh):
        return ""
    old_names = {f"{committed_folder}/{n}": t for n, t in committed.items()}
    new_names = {f"{fresh_folder}/{n}": t for n, t in fresh.items()}
    loaded = load_objects({**old_names, **new_names})
    old = [d for n in old_names for d in loaded[n]]
    new = [d for n in new_names for d in loaded[n]]
    report = format_diff(
        diff_objects(old, new), old_label=old_label, new_label=new_label, secrets=secret_strings(old + new)
    )
    if report:
        return report
    files = sorted(n for n in committed.keys() | fresh.keys() if committed.get(n) != fresh.get(n))
    return "".join(f"~ file {n}: same objects, different file layout or order\n" for n in files)
