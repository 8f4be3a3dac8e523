"""rbac.authorization.k8s.io/v1: Role, ClusterRole, RoleBinding, ClusterRoleBinding
(pkg/apis/rbac/validation, Kubernetes 1.33).

Names are only checked as URL path segments (``minimalNameRequirements``: no '/', '%', '.' or
'..'), so ``system:controller:foo`` is a valid role name. A rule needs verbs; a rule with
``nonResourceURLs`` may only be a ClusterRole's and names no resources, groups or names; a
resource rule needs at least one api group and one resource (``resourceNames`` may go with
several resources: the server has no rule against it). A binding's ``roleRef`` is in ``rbac.authorization.k8s.io`` and names a
Role or ClusterRole (a ClusterRoleBinding: a ClusterRole); a ServiceAccount subject has the
core group and, in a ClusterRoleBinding, a namespace; User and Group subjects have the rbac
group (v1 defaulting writes it when it is left out). The server does not check that resources or verbs exist: podkit's typed ``Role`` does
that (against ``podkit/_discovery.json``), at the call.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._base import Report, as_dict, as_list, subdomain, upstream
from .meta import any_name, check_label_selector
from .registry import kind

__all__ = ["RBAC_GROUP"]

RBAC_GROUP = "rbac.authorization.k8s.io"


@kind(f"{RBAC_GROUP}/v1", "Role", name_rule=any_name, upstream="ValidateRole")
def _role(r: Report, doc: Mapping[str, Any], spec: Mapping[str, Any]) -> None:
    for i, rule in enumerate(as_list(doc.get("rules"))):
        _policy_rule(r, as_dict(rule), f"rules[{i}]", namespaced=True)


@kind(f"{RBAC_GROUP}/v1", "ClusterRole", name_rule=any_name, upstream="ValidateClusterRole", namespaced=False)
def _cluster_role(r: Report, doc: Mapping[str, Any], spec: Mapping[str, Any]) -> None:
    for i, rule in enumerate(as_list(doc.get("rules"))):
        _policy_rule(r, as_dict(rule), f"rules[{i}]", namespaced=False)
    for i, selector in enumerate(as_list(as_dict(doc.get("aggregationRule")).get("clusterRoleSelectors"))):
        check_label_selector(r, selector, f"aggregationRule.clusterRoleSelectors[{i}]")


@upstream("validatePolicyRule")
def _policy_rule(r: Report, rule: Mapping[str, Any], where: str, *, namespaced: bool) -> None:
    verbs, groups = as_list(rule.get("verbs")), as_list(rule.get("apiGroups"))
    resources, names = as_list(rule.get("resources")), as_list(rule.get("resourceNames"))
    urls = as_list(rule.get("nonResourceURLs"))
    if not verbs:
        r.add(f"{where}.verbs is empty: give at least one verb (get, list, watch, create, ...)")
    if urls:
        if namespaced:
            r.add(
                f"{where}.nonResourceURLs {urls!r} cannot be in a Role: non-resource URLs are cluster-wide, "
                f"grant them with a ClusterRole"
            )
        if groups or resources or names:
            r.add(
                f"{where}.nonResourceURLs {urls!r} is in a rule that also names resources: a rule covers "
                f"resources or non-resource URLs, split it in two"
            )
        return
    if not groups:
        r.add(
            f"{where}.apiGroups is empty: name the resources' API group ('' for the core group, 'apps', ...)"
        )
    if not resources:
        r.add(f"{where}.resources is empty: name at least one resource (such as 'pods')")


def _role_ref(r: Report, doc: Mapping[str, Any], kinds: tuple[str, ...]) -> None:
    ref = as_dict(doc.get("roleRef"))
    if ref.get("apiGroup") != RBAC_GROUP:
        r.add(f"roleRef.apiGroup {ref.get('apiGroup')!r} is not supported: use {RBAC_GROUP!r}")
    if ref.get("kind") not in kinds:
        r.add(f"roleRef.kind {ref.get('kind')!r} is not supported: use {' or '.join(kinds)}")
    name = ref.get("name")
    if not isinstance(name, str) or not name:
        r.add("roleRef.name is missing: name the role to bind")
    else:
        r.add(any_name("roleRef.name", name))


@upstream("validateRoleBindingSubject")
def _subject(r: Report, subject: Mapping[str, Any], where: str, *, namespaced: bool) -> None:
    name, kind_name, group = subject.get("name"), subject.get("kind"), subject.get("apiGroup")
    if not isinstance(name, str) or not name:
        r.add(f"{where}.name is missing: name the {kind_name or 'subject'}")
    if kind_name == "ServiceAccount":
        if isinstance(name, str) and name:
            r.add(subdomain(f"{where}.name", name))
        if group:
            r.add(
                f"{where}.apiGroup {group!r} is not supported for a ServiceAccount: use '' (or leave it out)"
            )
        if not namespaced and not subject.get("namespace"):
            r.add(f"{where}.namespace is missing: a ClusterRoleBinding names the ServiceAccount's namespace")
    elif kind_name in ("User", "Group"):
        if group and group != RBAC_GROUP:  # v1 SetDefaults_Subject fills in an empty one
            r.add(f"{where}.apiGroup {group!r} is not supported for a {kind_name}: use {RBAC_GROUP!r}")
    else:
        r.add(f"{where}.kind {kind_name!r} is not supported: use ServiceAccount, User or Group")


@kind(f"{RBAC_GROUP}/v1", "RoleBinding", name_rule=any_name, upstream="ValidateRoleBinding")
def _role_binding(r: Report, doc: Mapping[str, Any], spec: Mapping[str, Any]) -> None:
    _role_ref(r, doc, ("Role", "ClusterRole"))
    for i, subject in enumerate(as_list(doc.get("subjects"))):
        _subject(r, as_dict(subject), f"subjects[{i}]", namespaced=True)


@kind(
    f"{RBAC_GROUP}/v1",
    "ClusterRoleBinding",
    name_rule=any_name,
    upstream="ValidateClusterRoleBinding",
    namespaced=False,
)
def _cluster_role_binding(r: Report, doc: Mapping[str, Any], spec: Mapping[str, Any]) -> None:
    _role_ref(r, doc, ("ClusterRole",))
    for i, subject in enumerate(as_list(doc.get("subjects"))):
        _subject(r, as_dict(subject), f"subjects[{i}]", namespaced=False)
