"""App-wide reference checks: what the API server accepts and the cluster then breaks.

Read from the final objects of the whole app (every chart; podkit's objects and any other cdk8s
construct's alike, after escape-hatch patches), so they hold inside one chart, where objects set
their own namespace, as well as across charts:

* **references across namespaces.** A pod reads ConfigMaps, Secrets, PersistentVolumeClaims
  and its ServiceAccount of its own namespace only; a ServiceAccount's pull secrets, an
  ExternalSecret's ``SecretStore`` and a Service's selected pods are looked up in their own
  namespace too. A reference by name to an object this app writes *only* to another namespace
  is refused, naming both objects and both namespaces. (The API server accepts it; pods then
  fail to start, or are refused for the ServiceAccount; the Service has no endpoints.) A name
  the app does not write at all is taken to exist in the cluster.
* **two owners of one Secret.** Two ExternalSecrets with one target Secret in one namespace,
  or an ExternalSecret (or SealedSecret) whose Secret is also written by the app: the
  controllers overwrite each other's Secret. An ExternalSecret with ``creationPolicy: Merge``
  (or ``None``) owns nothing and is left out.
* **the same object in two charts** (same group, kind, namespace and name, the namespace
  written on both): on apply the last one silently wins. (Two in one chart are the chart's own
  check.)

**Objects without a namespace.** An object with no ``metadata.namespace`` goes where the tool
that applies it says: the namespace of ``kubectl``'s context (or ``-n``), an Argo CD
Application's destination, a Flux Kustomization's. An object with one keeps it (``kubectl -n b``
refuses an object of namespace ``a``; Argo CD fills in only the missing ones). podkit does not
know that destination, so where a reference's outcome hangs on it, podkit warns
(:class:`NamespaceReferenceWarning`) and never refuses; the cases, with ``A`` the object that
refers (or the Service that selects) and ``B`` what it names (or the pods):

* ``A`` in namespace ``a``, ``B`` only in other namespaces: an error (it never resolves).
* ``A`` in ``a``, ``B`` in ``a`` (and maybe elsewhere too): nothing (it resolves).
* ``A`` in ``a``, ``B`` without a namespace (and maybe elsewhere, not in ``a``): a warning; it
  resolves only if ``B`` is applied to ``a``.
* ``A`` without a namespace, ``B`` only in namespaces ``b``, ...: a warning; it resolves only
  if ``A`` is applied to one of them.
* ``A`` and ``B`` both without one (in any chart): nothing.
* ``B`` not written by the app: nothing (taken to exist in the cluster).

The fix the warning names: give both the same namespace, or neither.

Two objects without a namespace are in one namespace when applied together, which one chart
(one file, or one folder) is; charts without a namespace are often applied to one namespace
each (``kubectl -n dev apply -f dist/dev.k8s.yaml``), and the app cannot tell. So ``A`` and
``B`` both without one are never judged, two owners of one Secret without a namespace are
compared inside one chart only, and one object written by two charts is compared only where
both write its namespace. A namespace on one side and none on the other is one namespace
only if the destination is that one: for two owners or one object in two charts that is a clash
under that destination alone, and not judged. A ``namespace:`` transformer (kustomize, Flux's
``targetNamespace``) that moves every object, written namespace or not, is outside this model:
the namespaces in ``dist/`` are taken as applied.

This module knows no construct: it reads rendered objects, and ``Entry.path`` names each in
messages (a construct path for podkit's, ``chart: Kind name`` for others).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from . import _validate
from .errors import Problem, warn_at

__all__ = ["Entry", "NamespaceReferenceWarning", "check"]


class NamespaceReferenceWarning(UserWarning):
    """A reference between an object with a namespace and one without (a pod's ConfigMap, a
    Service's pods, ...): it resolves only if the one without is applied to that namespace,
    which depends on ``kubectl``'s context or the GitOps tool's destination, not on the app."""


class Entry:
    """One final object of the app, with its path (for messages) and its chart's path.

    Its kind, name, namespace and group are read from the object once, when the entry is made
    (every check asks them; a plain slot costs less to read than a cached property, whose first
    read takes a lock on Python 3.11: 3,000 objects 11 -> 3 ms)."""

    __slots__ = ("chart", "doc", "group", "kind", "name", "namespace", "path")

    def __init__(self, path: str, chart: str, doc: Any) -> None:
        self.path = path
        self.chart = chart
        self.doc = doc
        fields = _dict(doc)  # (not an object: left out by check, the schema reports it)
        kind = fields.get("kind")
        self.kind: str = kind if isinstance(kind, str) else ""
        meta = _dict(fields.get("metadata"))
        name, namespace = meta.get("name"), meta.get("namespace")
        self.name: str = name if isinstance(name, str) else ""
        #: the namespace written on the object; ``""`` when ``kubectl`` decides
        self.namespace: str = namespace if isinstance(namespace, str) else ""
        self.group: str = str(fields.get("apiVersion", "")).rpartition("/")[0]

    def __repr__(self) -> str:
        return f"Entry({self.path!r}, {self.chart!r})"


def _dict(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _get(obj: Any, *path: str) -> Any:
    for key in path:
        obj = _dict(obj).get(key)
    return obj


# where each controller keeps its pod template
_TEMPLATES: dict[str, tuple[str, ...]] = {
    "Deployment": ("spec", "template"),
    "StatefulSet": ("spec", "template"),
    "DaemonSet": ("spec", "template"),
    "ReplicaSet": ("spec", "template"),
    "ReplicationController": ("spec", "template"),
    "Job": ("spec", "template"),
    "CronJob": ("spec", "jobTemplate", "spec", "template"),
    "PodTemplate": ("template",),
}
_OWNING_POLICIES = (None, "Owner", "Orphan")
# the kinds that can take part in a reference (by name or by selector): an app with a namespace
# somewhere and one of these without one is the only other app whose references need the index
_PARTIES = frozenset(
    {
        "ConfigMap",
        "Secret",
        "ServiceAccount",
        "PersistentVolumeClaim",
        "SecretStore",
        "ExternalSecret",
        "SealedSecret",
        "Service",
        "Pod",
        *_TEMPLATES,
    }
)
# said in every warning: why the outcome is not the app's to decide
_DESTINATION = (
    "an object without a namespace goes to kubectl's context or the GitOps tool's destination namespace"
)


def check(entries: Sequence[Entry], *, sites: Mapping[str, Any] | None = None) -> list[Problem]:
    """Every reference problem among ``entries`` (the final objects of one app, or one chart).

    A reference that resolves only in some destination namespace (one side without a namespace,
    see the module docs) is no problem: it is warned (:class:`NamespaceReferenceWarning`), once
    per pair of objects, at the line that created the referring object (``sites``: construct
    path -> its :class:`~podkit.errors.UserSite`), else at the user's line that ran synth."""
    entries = [e for e in entries if isinstance(e.doc, Mapping)]
    problems: list[Problem] = []
    problems.extend(_duplicates(entries))
    # a reference can only cross namespaces in an app that writes to two or more of them, or
    # hang on the destination in one that writes a party to a reference without a namespace next
    # to one with; a Secret can only have two owners where something besides the Secret itself
    # makes it: the index is built only when one of them can happen (most apps pay nothing here)
    namespaces = {e.namespace for e in entries if e.namespace}
    crosses = len(namespaces) > 1 or (
        bool(namespaces) and any(not e.namespace and e.kind in _PARTIES for e in entries)
    )
    if not crosses and not any(_secret_made_by(e) is not None for e in entries):
        return problems
    index = _Index(entries)
    problems.extend(_secret_owners(index))
    if not crosses:
        return problems
    warned: dict[tuple[str, str, str], Problem] = {}  # one per pair of objects, the first field
    for entry in entries:
        found = [((k, n), index.cross_namespace(entry, k, n, field)) for k, n, field in _references(entry)]
        if entry.kind == "Service" and entry.group == "":
            found.append((("Pod", ""), index.service_selector(entry)))
        for (kind, name), (certain, problem) in found:
            if problem is not None and certain:
                problems.append(problem)
            elif problem is not None:
                warned.setdefault((entry.path, kind, name), problem)
    if warned:
        _warn(list(warned.values()), entries, sites or {})
    return problems


def _warn(found: Sequence[Problem], entries: Sequence[Entry], sites: Mapping[str, Any]) -> None:
    """Warn each of ``found``, every value of the app's Secrets hidden as in synth errors (a name
    in the message may have been patched from one)."""
    hidden = _validate.app_secret_values([(e.path, e.doc) for e in entries])
    for problem in _validate.scrub(found, hidden):
        warn_at(problem.text, NamespaceReferenceWarning, sites.get(problem.path))


# -- what the app writes ----------------------------------------------------------------------
@dataclass(frozen=True)
class _Pods:
    entry: Entry
    labels: Mapping[str, Any]


class _Index:
    def __init__(self, entries: Sequence[Entry]) -> None:
        # (kind, name) -> {namespace: the entry that writes it}
        self.written: dict[tuple[str, str], dict[str, Entry]] = {}
        # (where, Secret name) -> the entries that make that Secret; ``where`` is the namespace,
        # or for an object without one its chart (see _place)
        self.secret_makers: dict[tuple[str, str], list[tuple[Entry, str]]] = {}
        # (where, name) -> the Secret object written by the app itself
        self.inline_secrets: dict[tuple[str, str], Entry] = {}
        self.pods: list[_Pods] = []
        # (label key, value) -> the pods carrying it: a Service looks up its selector here
        self.pods_by_label: dict[tuple[str, str], list[_Pods]] = {}
        for entry in entries:
            kind = entry.kind
            if entry.group == "" and kind in (
                "ConfigMap",
                "Secret",
                "ServiceAccount",
                "PersistentVolumeClaim",
            ):
                self._write(kind, entry.name, entry)
                if kind == "Secret":
                    self.inline_secrets.setdefault((_place(entry), entry.name), entry)
            elif kind == "SecretStore":
                self._write(kind, entry.name, entry)
            secret = _secret_made_by(entry)
            if secret is not None:
                self._write("Secret", secret, entry)
                self.secret_makers.setdefault((_place(entry), secret), []).append((entry, _maker_text(entry)))
            template = _pod_template(entry)
            if template is not None:
                pods = _Pods(entry, _dict(_get(template, "metadata", "labels")))
                self.pods.append(pods)
                for label in pods.labels.items():
                    if isinstance(label[1], str):
                        self.pods_by_label.setdefault(label, []).append(pods)

    def _write(self, kind: str, name: str, entry: Entry) -> None:
        self.written.setdefault((kind, name), {}).setdefault(entry.namespace, entry)

    def cross_namespace(self, entry: Entry, kind: str, name: str, field: str) -> tuple[bool, Problem | None]:
        """``(certain, problem)``: whether ``entry``'s reference to ``kind``/``name`` never
        resolves (certain) or resolves only in some destination namespace (a warning)."""
        here = entry.namespace
        there = self.written.get((kind, name))
        if not there or here in there:
            return True, None  # (both without a namespace, too)
        if not here:
            named = sorted(there)
            other = there[named[0]]
            where = _namespaces(named)
            return False, Problem(
                entry.path,
                f"{entry.kind} {entry.name!r} has no namespace and refers to {kind} {name!r} ({field}), "
                f"which this app writes only to {where} ({other.path}); the reference resolves only if "
                f"the {entry.kind} is applied to {'that namespace' if len(named) == 1 else 'one of them'} "
                f"({_DESTINATION})",
                f"give both the same namespace (namespace={named[0]!r} on the {entry.kind} or its chart), "
                "or neither",
                "reference",
            )
        if "" in there:
            other = there[""]
            return False, Problem(
                entry.path,
                f"{entry.kind} {entry.name!r} in namespace {here!r} refers to {kind} {name!r} ({field}), "
                f"which this app writes without a namespace ({other.path}); the reference resolves only if "
                f"that {kind} is applied to namespace {here!r} ({_DESTINATION})",
                f"give both the same namespace (namespace={here!r} on the {kind} or its chart), or neither",
                "reference",
            )
        namespace, other = sorted(there.items())[0]
        return True, Problem(
            entry.path,
            f"{entry.kind} {entry.name!r} in namespace {here!r} refers to {kind} {name!r} ({field}), but "
            f"this app writes {kind} {name!r} only to namespace {namespace!r} ({other.path}); the reference "
            f"is looked up in namespace {here!r}, so it fails at run time",
            f"put both in one namespace, or write the {kind} to namespace {here!r} as well",
            "reference",
        )

    def service_selector(self, entry: Entry) -> tuple[bool, Problem | None]:
        """``(certain, problem)`` as :meth:`cross_namespace`, for the pods a Service selects."""
        selector = _dict(_get(entry.doc, "spec", "selector"))
        here = entry.namespace
        if not selector or _get(entry.doc, "spec", "type") == "ExternalName":
            return True, None
        if not all(isinstance(v, str) for v in selector.values()):
            return True, None  # (the schema reports it)
        candidates = min((self.pods_by_label.get(item, []) for item in selector.items()), key=len)
        matched = [p for p in candidates if all(p.labels.get(k) == v for k, v in selector.items())]
        if not matched or any(p.entry.namespace == here for p in matched):
            return True, None  # (both without a namespace, too)
        labels = ", ".join(f"{k}={v}" for k, v in sorted(selector.items()))
        if not here:
            named = sorted({p.entry.namespace for p in matched})
            other = next(p.entry for p in matched if p.entry.namespace == named[0])
            return False, Problem(
                entry.path,
                f"Service {entry.name!r} has no namespace and selects pods ({labels}) that this app runs only "
                f"in {_namespaces(named)} ({other.kind} {other.name!r}, {other.path}); it has endpoints only "
                f"if the Service is applied to {'that namespace' if len(named) == 1 else 'one of them'} "
                f"({_DESTINATION})",
                f"give both the same namespace (namespace={named[0]!r} on the Service or its chart), or neither",
                "reference",
            )
        unplaced = [p.entry for p in matched if not p.entry.namespace]
        if unplaced:
            other = unplaced[0]
            return False, Problem(
                entry.path,
                f"Service {entry.name!r} in namespace {here!r} selects pods ({labels}) that this app runs "
                f"without a namespace ({other.kind} {other.name!r}, {other.path}); it has endpoints only if "
                f"the {other.kind} is applied to namespace {here!r} ({_DESTINATION})",
                f"give both the same namespace (namespace={here!r} on the {other.kind} or its chart), or neither",
                "reference",
            )
        other = matched[0].entry
        return True, Problem(
            entry.path,
            f"Service {entry.name!r} in namespace {here!r} selects pods ({labels}) that this app runs only "
            f"in namespace {other.namespace!r} ({other.kind} {other.name!r}, {other.path}); a Service "
            f"selects pods of its own namespace, so it would have no endpoints",
            f"create the Service in namespace {other.namespace!r}, next to the pods it serves",
            "reference",
        )


def _namespaces(names: Sequence[str]) -> str:
    quoted = ", ".join(repr(n) for n in names)
    return f"namespace {quoted}" if len(names) == 1 else f"namespaces {quoted}"


def _secret_made_by(entry: Entry) -> str | None:
    """The Secret a SealedSecret or an owning ExternalSecret makes in its namespace."""
    if entry.kind == "SealedSecret":
        name = _get(entry.doc, "spec", "template", "metadata", "name") or entry.name
    elif entry.kind == "ExternalSecret":
        target = _dict(_get(entry.doc, "spec", "target"))
        if target.get("creationPolicy") not in _OWNING_POLICIES:
            return None
        name = target.get("name") or entry.name
    else:
        return None
    return name if isinstance(name, str) and name else None


def _place(entry: Entry) -> str:
    """Where ``entry`` lands, as far as the app knows: its namespace; for an object without one,
    its chart (applied together, so one namespace; another chart may go to another)."""
    return entry.namespace or f"\0{entry.chart}"  # (no namespace starts with NUL)


def _maker_text(entry: Entry) -> str:
    return f"{entry.kind} {entry.name!r} ({entry.path})"


def _pod_template(entry: Entry) -> Mapping[str, Any] | None:
    if entry.group not in ("", "apps", "batch"):
        return None
    if entry.kind == "Pod":
        return _dict(entry.doc)
    where = _TEMPLATES.get(entry.kind)
    return _dict(_get(entry.doc, *where)) if where is not None else None


# -- what each object refers to ---------------------------------------------------------------
def _references(entry: Entry) -> Iterator[tuple[str, str, str]]:
    """``(kind, name, field)`` of every by-name reference ``entry`` makes in its own namespace."""
    kind = entry.kind
    if kind == "ServiceAccount" and entry.group == "":
        for i, ref in enumerate(_list(entry.doc.get("imagePullSecrets"))):
            yield from _named("Secret", _dict(ref).get("name"), f"imagePullSecrets[{i}]")
        return
    if kind == "ExternalSecret":
        store = _dict(_get(entry.doc, "spec", "secretStoreRef"))
        if store.get("kind", "SecretStore") == "SecretStore":
            yield from _named("SecretStore", store.get("name"), "spec.secretStoreRef")
        return
    template = _pod_template(entry)
    if template is None:
        return
    prefix = "spec" if kind == "Pod" else ".".join([*_TEMPLATES[kind], "spec"])
    yield from _pod_references(_dict(template.get("spec")), prefix)


def _named(kind: str, name: object, field: str) -> Iterator[tuple[str, str, str]]:
    if isinstance(name, str) and name:
        yield kind, name, field


def _pod_references(spec: Mapping[str, Any], at: str) -> Iterator[tuple[str, str, str]]:
    account = spec.get("serviceAccountName") or spec.get("serviceAccount")
    if account != "default":  # every namespace has one
        field = "serviceAccountName" if spec.get("serviceAccountName") else "serviceAccount"
        yield from _named("ServiceAccount", account, f"{at}.{field}")
    for i, ref in enumerate(_list(spec.get("imagePullSecrets"))):
        yield from _named("Secret", _dict(ref).get("name"), f"{at}.imagePullSecrets[{i}]")
    for i, volume in enumerate(_list(spec.get("volumes"))):
        volume = _dict(volume)
        where = f"{at}.volumes[{i}]"
        yield from _named("ConfigMap", _get(volume, "configMap", "name"), f"{where}.configMap")
        yield from _named("Secret", _get(volume, "secret", "secretName"), f"{where}.secret")
        yield from _named(
            "PersistentVolumeClaim",
            _get(volume, "persistentVolumeClaim", "claimName"),
            f"{where}.persistentVolumeClaim",
        )
        for j, source in enumerate(_list(_get(volume, "projected", "sources"))):
            source = _dict(source)
            yield from _named(
                "ConfigMap", _get(source, "configMap", "name"), f"{where}.projected.sources[{j}].configMap"
            )
            yield from _named(
                "Secret", _get(source, "secret", "name"), f"{where}.projected.sources[{j}].secret"
            )
    for group in ("initContainers", "containers", "ephemeralContainers"):
        for i, container in enumerate(_list(spec.get(group))):
            yield from _container_references(_dict(container), f"{at}.{group}[{i}]")


def _container_references(container: Mapping[str, Any], at: str) -> Iterator[tuple[str, str, str]]:
    for i, source in enumerate(_list(container.get("envFrom"))):
        source = _dict(source)
        yield from _named(
            "ConfigMap", _get(source, "configMapRef", "name"), f"{at}.envFrom[{i}].configMapRef"
        )
        yield from _named("Secret", _get(source, "secretRef", "name"), f"{at}.envFrom[{i}].secretRef")
    for i, var in enumerate(_list(container.get("env"))):
        source = _dict(_get(var, "valueFrom"))
        yield from _named(
            "ConfigMap", _get(source, "configMapKeyRef", "name"), f"{at}.env[{i}].valueFrom.configMapKeyRef"
        )
        yield from _named(
            "Secret", _get(source, "secretKeyRef", "name"), f"{at}.env[{i}].valueFrom.secretKeyRef"
        )


# -- owners and duplicates --------------------------------------------------------------------
def _secret_owners(index: _Index) -> Iterator[Problem]:
    for (place, name), makers in sorted(index.secret_makers.items()):
        inline = index.inline_secrets.get((place, name))
        owners = list(makers)
        if inline is not None:
            owners.insert(0, (inline, f"Secret {name!r} ({inline.path})"))
        if len(owners) < 2:
            continue
        (owner, first), *rest = owners
        where = f"namespace {owner.namespace!r}" if owner.namespace else "the same namespace"
        for entry, text in rest:
            yield Problem(
                entry.path,
                f"{text} and {first} both write Secret {name!r} in {where}; their controllers would "
                f"overwrite each other's Secret",
                "give each its own Secret name (target_name=... for an ExternalSecret), or keep one of them",
                "duplicate",
            )


def _duplicates(entries: Iterable[Entry]) -> Iterator[Problem]:
    seen: dict[tuple[str, str, str, str], Entry] = {}
    for entry in entries:
        key = (entry.group, entry.kind, entry.namespace, entry.name)
        if not entry.namespace:
            continue  # charts without a namespace are often applied to one namespace each
        first = seen.setdefault(key, entry)
        if first is entry or first.chart == entry.chart:
            continue  # (two in one chart: the chart's own check)
        where = f" in namespace {entry.namespace!r}" if entry.namespace else ""
        yield Problem(
            entry.path,
            f"{entry.kind} {entry.name!r}{where} is written by chart {first.chart!r} ({first.path}) and by "
            f"chart {entry.chart!r}: on apply the last one silently wins",
            "keep one of them, or give them different names or namespaces",
            "duplicate",
        )
