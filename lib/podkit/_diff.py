"""Compare two sets of Kubernetes objects the way a reviewer reads them: object by object.

``podkit diff`` and :func:`podkit.testing.assert_output_fresh` both need to say what a
change does to the manifests. A byte diff of ``dist/`` says "at index 153"; this module
matches objects by identity (API group, kind, namespace, name, as ``kubectl diff`` does),
lists the added and removed ones, shows each changed object as a unified YAML diff, and
warns when applying the change needs the object deleted and recreated.

Secret values never leave this module: ``data``/``stringData`` values are replaced with
markers before anything is rendered, and a changed value shows as a changed marker.
Everything here is a pure function over lists of dicts (tests call them directly).
"""

from __future__ import annotations

import copy
import difflib
import json
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cdk8s

from . import _yaml
from .app import to_yaml

REDACTED = "<redacted>"
# shown on the new side when a Secret value changed: the reader learns *that* it changed
REDACTED_CHANGED = "<redacted, changed>"
_SECRET_FIELDS = ("data", "stringData")

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


def is_secret(obj: Any) -> bool:
    return isinstance(obj, dict) and obj.get("kind") == "Secret" and obj.get("apiVersion") == "v1"


def redact_object(obj: Any) -> Any:
    """A copy of ``obj`` with every Secret value replaced by a marker; keys stay visible."""
    if not is_secret(obj):
        return obj
    out = copy.deepcopy(obj)
    for name in _SECRET_FIELDS:
        if isinstance(out.get(name), dict):
            out[name] = dict.fromkeys(out[name], REDACTED)
    return out


def redact_pair(old: Any, new: Any) -> tuple[Any, Any]:
    """Redact two versions of one Secret so that a changed value stays visible as changed."""
    old_r, new_r = redact_object(old), redact_object(new)
    if is_secret(old) and is_secret(new):
        for name in _SECRET_FIELDS:
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

    The API server rejects updates to immutable fields; GitOps tools then fail the sync
    until the object is deleted by hand (or replaced with ``Replace=true`` / ``force``).
    https://kubernetes.io/docs/concepts/workloads/pods/#pod-update-and-replacement
    """
    kind = new.get("kind")
    reasons: list[str] = []
    if kind == "Pod" and old.get("spec") != new.get("spec"):
        # only a few fields (image, activeDeadlineSeconds, tolerations additions) may change in place;
        # podkit treats any change of the spec as a replacement, which is what a sync will do
        reasons.append("the Pod spec changed: a Pod is replaced, not updated")
    if kind in ("ConfigMap", "Secret") and old.get("immutable") is True:
        for name in ("data", "binaryData", "stringData"):
            if old.get(name) != new.get(name):
                reasons.append(f"{kind} is immutable and its {name} changed")
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


def format_diff(diff: ObjectDiff, *, old_label: str = "committed", new_label: str = "fresh") -> str:
    """The report ``podkit diff`` prints: added, removed, changed (unified YAML), warnings."""
    out: list[str] = []
    for obj in diff.added:
        out.append(f"+ added {describe(object_key(obj))}\n")
    for obj in diff.removed:
        out.append(f"- removed {describe(object_key(obj))}\n")
    for old, new in diff.changed:
        label = describe(object_key(new))
        out.append(f"~ changed {label}\n")
        old_r, new_r = redact_pair(old, new)
        out.extend(
            difflib.unified_diff(
                _yaml_lines(old_r), _yaml_lines(new_r), f"{old_label}: {label}", f"{new_label}: {label}"
            )
        )
        for reason in recreate_reasons(old, new):
            out.append(f"! warning: {label} must be deleted and recreated to apply this: {reason}\n")
    return "".join(line if line.endswith("\n") else line + "\n" for line in out)


def parse_yaml(text: str) -> list[Any]:
    """Documents of a multi-document YAML string, parsed by the parser cdk8s writes with."""
    if not text.strip():
        return []
    with tempfile.TemporaryDirectory(prefix="podkit-yaml-") as tmp:
        path = f"{tmp}/docs.yaml"
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
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


def read_folder(folder: Path) -> dict[str, str]:
    """``{relative path: text}`` of every YAML file under ``folder`` (empty if it is missing).

    Recursive, so the folder-per-chart output types of cdk8s compare too.
    """
    if not folder.is_dir():
        return {}
    return {
        p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.suffix in (".yaml", ".yml")
    }


def compare_folders(committed: Mapping[str, str], fresh: Mapping[str, str]) -> str:
    """The report for two output folders (``{file: text}``), empty when byte-identical.

    Objects are compared across all files (an object moved between files is not a change
    of the object); when every object is equal but the bytes are not, the files named are
    the ones whose layout, order or formatting differs.
    """
    if dict(committed) == dict(fresh):
        return ""
    old = [d for text in committed.values() for d in parse_yaml(text)]
    new = [d for text in fresh.values() for d in parse_yaml(text)]
    report = format_diff(diff_objects(old, new))
    if report:
        return report
    files = sorted(n for n in committed.keys() | fresh.keys() if committed.get(n) != fresh.get(n))
    return "".join(f"~ file {n}: same objects, different file layout or order\n" for n in files)
