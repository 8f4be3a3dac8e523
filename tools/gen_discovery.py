"""Generate lib/podkit/_discovery.json: the Kubernetes 1.33 API's resources, as RBAC names them.

RBAC rules name resources the way the API server's discovery (``kubectl api-resources``)
lists them: a group, a plural resource name (``deployments`` in ``apps``), subresources
(``pods/log``) and the verbs each accepts. podkit checks typed Roles against this file (so
``deployment`` gets "did you mean 'deployments' in group 'apps'?") without a cluster.

Input: the offline strict 1.33 definitions kubernetes-validate ships (``_definitions.json``),
the same file ``gen_schema.py`` reads. What comes from where:

* **Kinds and groups: derived.** Every definition with ``x-kubernetes-group-version-kind`` is
  a kind of the API; ``*List`` kinds, the apimachinery meta kinds (``DeleteOptions``,
  ``Status``, ``WatchEvent``, ``APIGroup`` ...) and the kinds that are only request bodies
  of a subresource (``Scale``, ``Eviction``, ``TokenRequest``) are not resources. A kind
  served in several versions (``v1beta1`` and ``v1``) is one resource: RBAC has no versions.
* **Plural names: derived** with the rule the API server's REST mapper uses for built-in kinds
  (``meta.UnsafeGuessKindToResource``: lower case; ``-s``/``-x``/``-z``/``-ch``/``-sh`` take
  ``-es``; consonant + ``y`` takes ``-ies``; else ``-s``), plus the one built-in exception,
  ``Endpoints`` (already plural: ``endpoints``).
* **Verbs: derived from the kind's shape.** A kind with ``metadata`` that is stored gets the
  eight standard verbs; the review kinds (``TokenReview``, ``*SubjectAccessReview``,
  ``SelfSubjectRulesReview``, ``SelfSubjectReview``) and ``Binding`` are create-only (their
  definitions describe a request, not a stored object); ``ComponentStatus`` is read-only
  (get, list: it is computed on each request).
* **Subresources: derived where the schema shows them**: ``status`` for a stored kind whose
  definition has a ``status`` property; ``scale`` for a kind whose spec has ``replicas`` (the
  ``Scale`` kind is its body); ``pods/eviction`` (``Eviction``), ``pods/binding``
  (``Binding``), ``serviceaccounts/token`` (``TokenRequest``) and ``pods/ephemeralcontainers``
  (PodSpec's ``ephemeralContainers``) from their request kinds or fields.
* **Stated, not derivable from the definitions** (the schema has no paths), each from the 1.33
  API reference and kept in the small tables below: which kinds are cluster-scoped; the
  connect subresources (``pods/log``, ``exec``, ``attach``, ``portforward``, ``proxy``,
  ``services/proxy``, ``nodes/proxy``), ``pods/resize`` (new in 1.33),
  ``certificatesigningrequests/approval``, ``namespaces/finalize``; and the special verbs
  RBAC knows beyond the standard ones (``bind``/``escalate`` on roles, ``impersonate`` on
  users/groups/serviceaccounts/uids/userextras, ``approve``/``sign``/``attest`` on signers).

Output: ``{"groups": {group: {resource: {"kind", "namespaced", "verbs", "subresources"}}}}``,
sorted, one run per schema. ``tests/test_rbac.py`` checks the committed file is current.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from k8s_schema import schema_path

VERSION = "1.33.0"
TARGET = Path(__file__).resolve().parent.parent / "lib" / "podkit" / "_discovery.json"

STANDARD_VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]
#: request bodies of subresources, not resources themselves
SUBRESOURCE_BODIES = {"Scale", "Eviction", "TokenRequest"}
#: kinds answered once per request and never stored: create only
CREATE_ONLY = {
    "Binding",
    "LocalSubjectAccessReview",
    "SelfSubjectAccessReview",
    "SelfSubjectReview",
    "SelfSubjectRulesReview",
    "SubjectAccessReview",
    "TokenReview",
}
READ_ONLY = {"ComponentStatus"}
META_GROUP_KINDS = {
    "APIGroup",
    "APIGroupList",
    "APIResourceList",
    "APIVersions",
    "DeleteOptions",
    "Status",
    "WatchEvent",
}
#: stated: the cluster-scoped kinds of 1.33 (kubectl api-resources --namespaced=false)
CLUSTER_SCOPED = {
    "APIService",
    "CSIDriver",
    "CSINode",
    "CertificateSigningRequest",
    "ClusterRole",
    "ClusterRoleBinding",
    "ClusterTrustBundle",
    "ComponentStatus",
    "CustomResourceDefinition",
    "DeviceClass",
    "DeviceTaintRule",
    "FlowSchema",
    "IPAddress",
    "IngressClass",
    "MutatingAdmissionPolicy",
    "MutatingAdmissionPolicyBinding",
    "MutatingWebhookConfiguration",
    "Namespace",
    "Node",
    "PersistentVolume",
    "PriorityClass",
    "PriorityLevelConfiguration",
    "ResourceSlice",
    "RuntimeClass",
    "SelfSubjectAccessReview",
    "SelfSubjectReview",
    "SelfSubjectRulesReview",
    "ServiceCIDR",
    "StorageClass",
    "StorageVersion",
    "StorageVersionMigration",
    "SubjectAccessReview",
    "TokenReview",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
    "ValidatingWebhookConfiguration",
    "VolumeAttachment",
    "VolumeAttributesClass",
}
#: stated: subresources the definitions cannot show (connect endpoints and action endpoints)
STATED_SUBRESOURCES: dict[tuple[str, str], dict[str, list[str]]] = {
    ("", "pods"): {
        "attach": ["create", "get"],
        "exec": ["create", "get"],
        "log": ["get"],
        "portforward": ["create", "get"],
        "proxy": ["create", "delete", "get", "patch", "update"],
        "resize": ["get", "patch", "update"],
    },
    ("", "services"): {"proxy": ["create", "delete", "get", "patch", "update"]},
    ("", "nodes"): {"proxy": ["create", "delete", "get", "patch", "update"]},
    ("", "namespaces"): {"finalize": ["update"]},
    ("certificates.k8s.io", "certificatesigningrequests"): {"approval": ["get", "patch", "update"]},
}
#: stated: what RBAC checks that is no stored resource, and the special verbs
VIRTUAL: dict[tuple[str, str], dict[str, Any]] = {
    ("", "users"): {"kind": "", "namespaced": False, "verbs": ["impersonate"]},
    ("", "groups"): {"kind": "", "namespaced": False, "verbs": ["impersonate"]},
    ("authentication.k8s.io", "uids"): {"kind": "", "namespaced": False, "verbs": ["impersonate"]},
    ("authentication.k8s.io", "userextras"): {"kind": "", "namespaced": False, "verbs": ["impersonate"]},
    ("certificates.k8s.io", "signers"): {
        "kind": "",
        "namespaced": False,
        "verbs": ["approve", "attest", "sign"],
    },
}
EXTRA_VERBS: dict[tuple[str, str], list[str]] = {
    ("rbac.authorization.k8s.io", "roles"): ["bind", "escalate"],
    ("rbac.authorization.k8s.io", "clusterroles"): ["bind", "escalate"],
    ("", "serviceaccounts"): ["impersonate"],
}


def plural(kind: str) -> str:
    """``meta.UnsafeGuessKindToResource`` for built-in kinds, with ``Endpoints`` kept as is."""
    lower = kind.lower()
    if kind == "Endpoints":
        return lower
    if re.search(r"(s|x|z|ch|sh)\Z", lower):
        return lower + "es"
    if re.search(r"[^aeiou]y\Z", lower):
        return lower[:-1] + "ies"
    return lower + "s"


def _resolve(defs: dict[str, Any], node: Any) -> dict[str, Any]:
    while isinstance(node, dict) and "$ref" in node:
        node = defs[node["$ref"].rsplit("/", 1)[1]]
    if isinstance(node, dict) and "allOf" in node and len(node["allOf"]) == 1:
        return _resolve(defs, node["allOf"][0])
    return node if isinstance(node, dict) else {}


def _property(defs: dict[str, Any], schema: dict[str, Any], name: str) -> dict[str, Any] | None:
    props = schema.get("properties") or {}
    if name not in props:
        return None
    node = props[name]
    if isinstance(node, dict) and "oneOf" in node:
        node = next((n for n in node["oneOf"] if n.get("type") != "null"), {})
    return _resolve(defs, node)


def build(defs: dict[str, Any]) -> dict[str, Any]:
    groups: dict[str, dict[str, Any]] = {}
    for definition in defs.values():
        for gvk in definition.get("x-kubernetes-group-version-kind", []):
            kind, group = gvk["kind"], gvk["group"]
            if kind.endswith("List") or kind in META_GROUP_KINDS or kind in SUBRESOURCE_BODIES:
                continue
            if "metadata" not in (definition.get("properties") or {}):
                continue
            resource = plural(kind)
            entry = groups.setdefault(group, {}).setdefault(
                resource, {"kind": kind, "namespaced": kind not in CLUSTER_SCOPED, "subresources": {}}
            )
            if kind in CREATE_ONLY:
                entry["verbs"] = ["create"]
            elif kind in READ_ONLY:
                entry["verbs"] = ["get", "list"]
            else:
                entry["verbs"] = STANDARD_VERBS + EXTRA_VERBS.get((group, resource), [])
                if _property(defs, definition, "status") is not None:
                    entry["subresources"]["status"] = ["get", "patch", "update"]
                spec = _property(defs, definition, "spec")
                if spec is not None and _property(defs, spec, "replicas") is not None:
                    entry["subresources"]["scale"] = ["get", "patch", "update"]
    core = groups[""]
    core["pods"]["subresources"]["eviction"] = ["create"]  # the Eviction kind
    core["pods"]["subresources"]["binding"] = ["create"]  # the Binding kind
    core["pods"]["subresources"]["ephemeralcontainers"] = ["get", "patch", "update"]
    core["serviceaccounts"]["subresources"]["token"] = ["create"]  # the TokenRequest kind
    for (group, resource), subs in STATED_SUBRESOURCES.items():
        groups[group][resource]["subresources"].update(subs)
    for (group, resource), entry in VIRTUAL.items():
        groups.setdefault(group, {})[resource] = {**entry, "subresources": {}}
    return {
        "version": VERSION,
        "groups": {
            g: {r: {**e, "verbs": sorted(e["verbs"])} for r, e in sorted(res.items())}
            for g, res in sorted(groups.items())
        },
    }


def render() -> str:
    defs = json.loads(schema_path(VERSION, strict=True).read_text(encoding="utf-8"))["$defs"]
    return json.dumps(build(defs), indent=1, sort_keys=True) + "\n"


def main() -> None:
    TARGET.write_text(render(), encoding="utf-8")
    print(f"wrote {TARGET.relative_to(Path.cwd()) if TARGET.is_relative_to(Path.cwd()) else TARGET}")


if __name__ == "__main__":
    main()
