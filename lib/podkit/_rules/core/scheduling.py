"""Where a pod may run: affinity, tolerations, topology spread, DNS and host aliases, readiness and
scheduling gates, priority/runtime class, overhead and the node/host names (core validation:
validateAffinity, ValidateTolerations, validateTopologySpreadConstraints, validatePodDNSConfig,
ValidateHostAliases, validateReadinessGates, validateSchedulingGates, validateOverhead and the
name checks of ValidatePodSpec / ValidatePodCreate), as the Kubernetes 1.33 API server runs them
on a v1 object after defaulting (an empty ``dnsPolicy`` is ``ClusterFirst``) with the default
feature gates (RelaxedDNSSearchValidation, MatchLabelKeysInPodAffinity and
MatchLabelKeysInPodTopologySpread on).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from .._base import Report, as_dict, as_list, is_int, label, label_value, qualified, subdomain, upstream
from ..meta import SELECTOR_OPERATORS, check_label_selector, check_labels, check_requirement
from ..names import MAX_SUBDOMAIN
from .container import check_resource_list, hugepages_without_cpu_or_memory
from .service import parse_ip

__all__ = ["check_host_fields", "check_scheduling", "check_toleration_annotation", "ip_error"]

DNS_POLICIES = ("ClusterFirstWithHostNet", "ClusterFirst", "Default", "None")
NODE_OPERATORS = (*SELECTOR_OPERATORS, "Gt", "Lt")
TAINT_EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")
TOLERATION_OPERATORS = ("Equal", "Exists")
SPREAD_ACTIONS = ("DoNotSchedule", "ScheduleAnyway")
INCLUSION_POLICIES = ("Honor", "Ignore")
PREEMPTION_POLICIES = ("PreemptLowerPriority", "Never")
MAX_NAMESERVERS = 3
MAX_SEARCH_PATHS = 32
MAX_SEARCH_CHARS = 2048
NODE_NAME_FIELD = "metadata.name"

# IsDNS1123SubdomainWithUnderscore (RelaxedDNSSearchValidation): labels may start with '_' and hold '_'
_SEARCH_LABEL = r"_?[a-z0-9](?:[-_a-z0-9]*[a-z0-9])?"
SEARCH_DOMAIN = re.compile(rf"{_SEARCH_LABEL}(?:\.{_SEARCH_LABEL})*\Z")


# -- values --------------------------------------------------------------------------------
def ip_error(what: str, value: str) -> str | None:
    """An IP address as the API server parses it (validation.IsValidIP: ParseIPSloppy)."""
    if parse_ip(value) is not None:
        return None
    return f"{what} {value!r} is not a valid IP address: use an IPv4 or IPv6 address (e.g. '10.9.8.7' or '2001:db8::ffff')"


def _search_error(what: str, value: str) -> str | None:
    if value == ".":
        return None
    name = value[:-1] if value.endswith(".") else value
    if len(name) <= MAX_SUBDOMAIN and SEARCH_DOMAIN.match(name):
        return None
    return (
        f"{what} {value!r} is not a valid DNS search domain: use lower-case letters, digits, '-' and '_' "
        f"in dot-separated labels, each starting and ending with a letter or digit (a label may start "
        f"with '_'), at most 253 characters, optionally ending in '.' (e.g. 'svc.cluster.local')"
    )


# -- the pod spec --------------------------------------------------------------------------
@upstream("ValidatePodSpec")
def check_host_fields(r: Report, spec: Mapping[str, Any], where: str) -> None:
    """The pod spec's dnsPolicy, nodeSelector, nodeName, hostname and subdomain (ValidatePodSpec)."""
    policy = spec.get("dnsPolicy")
    if policy is not None and policy != "" and policy not in DNS_POLICIES:  # "" defaults to ClusterFirst
        r.add(f"{where}.dnsPolicy {policy!r} is not supported: use one of {', '.join(DNS_POLICIES)}")
    check_labels(r, spec.get("nodeSelector"), f"{where}.nodeSelector")
    for field, rule in (("nodeName", subdomain), ("hostname", label), ("subdomain", label)):
        value = spec.get(field)
        if isinstance(value, str) and value:
            r.add(rule(f"{where}.{field}", value))


@upstream("ValidatePodSpec")
def check_scheduling(
    r: Report,
    spec: Mapping[str, Any],
    where: str,
    *,
    meta: Mapping[str, Any] | None = None,
    is_pod: bool | None = None,
) -> None:
    """The scheduling fields of the pod spec ``spec`` at ``where`` (``spec``, ``spec.template.spec``).

    :param meta: the pod's (or template's) metadata beside ``spec``: its annotations may hold the
        mirror-pod mark and (deprecated) tolerations (ValidatePodSpecificAnnotations), and a bare
        Pod's labels are merged, for each ``matchLabelKeys``/``mismatchLabelKeys`` key, into its pod
        affinity terms' selectors before validation (templates are validated unmerged).
    :param is_pod: whether ``spec`` is a bare Pod's (the create-only rules); by default, when
        ``where`` is ``spec``.
    """
    if is_pod is None:
        is_pod = where == "spec"
    labels: object = None
    if meta is not None:
        labels = meta.get("labels") if is_pod else None
        annotations = meta.get("annotations")
        if isinstance(annotations, dict) and annotations:
            _pod_annotations(r, annotations, spec, where[: -len("spec")] + "metadata.annotations")
    affinity = spec.get("affinity")
    if isinstance(affinity, dict) and affinity:
        _affinity(r, affinity, f"{where}.affinity", labels if is_pod else None)
    tolerations = spec.get("tolerations")
    if isinstance(tolerations, list) and tolerations:
        _tolerations(r, tolerations, f"{where}.tolerations")
    constraints = spec.get("topologySpreadConstraints")
    if isinstance(constraints, list) and constraints:
        _topology_spread(r, constraints, f"{where}.topologySpreadConstraints")
    _dns_config(r, spec.get("dnsConfig"), spec.get("dnsPolicy"), f"{where}.dnsConfig")
    aliases = spec.get("hostAliases")
    if isinstance(aliases, list) and aliases:
        _host_aliases(r, aliases, f"{where}.hostAliases")
    gates = spec.get("readinessGates")
    if isinstance(gates, list) and gates:
        _readiness_gates(r, gates, f"{where}.readinessGates")
    scheduling_gates = spec.get("schedulingGates")
    if isinstance(scheduling_gates, list) and scheduling_gates:
        _scheduling_gates(r, scheduling_gates, f"{where}.schedulingGates")
        node = spec.get("nodeName")
        if is_pod and isinstance(node, str) and node:
            _gated_node_name(r, node, where)
    priority_class = spec.get("priorityClassName")
    if isinstance(priority_class, str) and priority_class:
        r.add(subdomain(f"{where}.priorityClassName", priority_class))
    runtime_class = spec.get("runtimeClassName")
    if isinstance(runtime_class, str):  # set, even empty: ValidateRuntimeClassName("") fails
        if runtime_class:
            r.add(subdomain(f"{where}.runtimeClassName", runtime_class))
        else:
            r.add(
                f"{where}.runtimeClassName is empty: name a RuntimeClass (e.g. 'gvisor') or remove the field"
            )
    preemption = spec.get("preemptionPolicy")
    if isinstance(preemption, str):
        _preemption_policy(r, preemption, f"{where}.preemptionPolicy")
    overhead = spec.get("overhead")
    if isinstance(overhead, dict) and overhead:
        _overhead(r, overhead, f"{where}.overhead")


MIRROR_POD = "kubernetes.io/config.mirror"
TOLERATIONS_ANNOTATION = "scheduler.alpha.kubernetes.io/tolerations"
_TOLERATION_FIELDS = {"key": str, "operator": str, "value": str, "effect": str, "tolerationSeconds": int}


@upstream("ValidatePodSpecificAnnotations")
def _pod_annotations(r: Report, annotations: Mapping[str, Any], spec: Mapping[str, Any], at: str) -> None:
    """The scheduling annotations of a pod or template: the mirror-pod mark needs a node, and the
    (deprecated) tolerations annotation must hold valid tolerations."""
    if MIRROR_POD in annotations and not spec.get("nodeName"):
        r.add(
            f"{at}[{MIRROR_POD!r}] is set without spec.nodeName: a mirror pod belongs to a node; "
            f"remove the annotation (the kubelet sets it on static pods)"
        )
    if TOLERATIONS_ANNOTATION in annotations:
        check_toleration_annotation(
            r, annotations[TOLERATIONS_ANNOTATION], f"{at}[{TOLERATIONS_ANNOTATION!r}]"
        )


@upstream("ValidateTolerationsInPodAnnotations")
def check_toleration_annotation(r: Report, text: object, where: str) -> None:
    """The (deprecated) ``scheduler.alpha.kubernetes.io/tolerations`` annotation at ``where``: a
    JSON list of tolerations, each checked as spec.tolerations are (GetTolerationsFromPodAnnotations,
    ValidateTolerations)."""
    if not isinstance(text, str) or not text:
        return
    try:
        tolerations = json.loads(text)
    except ValueError:
        tolerations = False
    if tolerations is None:
        return  # JSON null: no tolerations
    if not isinstance(tolerations, list) or not all(
        isinstance(t, dict)
        and all(
            v is None or (isinstance(v, kind) and not isinstance(v, bool))
            for k, v in t.items()
            if (kind := _TOLERATION_FIELDS.get(k)) is not None
        )
        for t in tolerations
    ):
        r.add(f"{where} {text!r} is not a JSON list of tolerations: use spec.tolerations instead")
        return
    _tolerations(r, tolerations, where)


@upstream("ValidatePodCreate")
def _gated_node_name(r: Report, node: str, where: str) -> None:
    r.add(
        f"{where}.nodeName {node!r} cannot be set while {where}.schedulingGates is not empty: "
        f"remove nodeName (the scheduler assigns the node once every gate is cleared) or the gates"
    )


@upstream("ValidatePreemptionPolicy")
def _preemption_policy(r: Report, value: str, where: str) -> None:
    if value not in PREEMPTION_POLICIES:
        shown = "is empty" if not value else f"{value!r} is not supported"
        r.add(f"{where} {shown}: use one of {', '.join(PREEMPTION_POLICIES)} (or remove it)")


# -- affinity ------------------------------------------------------------------------------
@upstream("validateAffinity")
def _affinity(r: Report, affinity: Mapping[str, Any], at: str, labels: object) -> None:
    node = affinity.get("nodeAffinity")
    if isinstance(node, dict):
        _node_affinity(r, node, f"{at}.nodeAffinity")
    for kind in ("podAffinity", "podAntiAffinity"):
        pod = affinity.get(kind)
        if not isinstance(pod, dict):
            continue
        where = f"{at}.{kind}"
        for i, term in enumerate(as_list(pod.get("requiredDuringSchedulingIgnoredDuringExecution"))):
            if isinstance(term, dict):
                _pod_affinity_term(
                    r, term, f"{where}.requiredDuringSchedulingIgnoredDuringExecution[{i}]", labels
                )
        for i, weighted in enumerate(as_list(pod.get("preferredDuringSchedulingIgnoredDuringExecution"))):
            if not isinstance(weighted, dict):
                continue
            term_at = f"{where}.preferredDuringSchedulingIgnoredDuringExecution[{i}]"
            _weight(r, weighted.get("weight"), f"{term_at}.weight")
            term = weighted.get("podAffinityTerm")
            if isinstance(term, dict):
                _pod_affinity_term(r, term, f"{term_at}.podAffinityTerm", labels)


def _weight(r: Report, weight: object, where: str) -> None:
    if isinstance(weight, bool) or not isinstance(weight, int | None) or not 1 <= (weight or 0) <= 100:
        shown = "is missing" if weight is None else f"{weight!r} is out of range"
        r.add(f"{where} {shown}: use an int from 1 to 100")


@upstream("validateNodeAffinity")
def _node_affinity(r: Report, node: Mapping[str, Any], at: str) -> None:
    required = node.get("requiredDuringSchedulingIgnoredDuringExecution")
    if isinstance(required, dict):
        where = f"{at}.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms"
        terms = as_list(required.get("nodeSelectorTerms"))
        if not terms:
            r.add(
                f"{where} is empty: add at least one node selector term (or remove the required node affinity)"
            )
        for i, term in enumerate(terms):
            if isinstance(term, dict):
                _node_selector_term(r, term, f"{where}[{i}]", values=True)
    for i, preferred in enumerate(as_list(node.get("preferredDuringSchedulingIgnoredDuringExecution"))):
        if not isinstance(preferred, dict):
            continue
        where = f"{at}.preferredDuringSchedulingIgnoredDuringExecution[{i}]"
        _weight(r, preferred.get("weight"), f"{where}.weight")
        term = preferred.get("preference")
        if isinstance(term, dict):
            # a preferred term may hold any label value (it can still match on a one-node cluster)
            _node_selector_term(r, term, f"{where}.preference", values=False)


def _node_selector_term(r: Report, term: Mapping[str, Any], at: str, *, values: bool) -> None:
    for j, req in enumerate(as_list(term.get("matchExpressions"))):
        if isinstance(req, dict):
            check_requirement(r, req, f"{at}.matchExpressions[{j}]", NODE_OPERATORS, values)
    for j, req in enumerate(as_list(term.get("matchFields"))):
        if isinstance(req, dict):
            _field_requirement(r, req, f"{at}.matchFields[{j}]")


def _field_requirement(r: Report, req: Mapping[str, Any], at: str) -> None:
    """ValidateNodeFieldSelectorRequirement: only ``metadata.name`` In/NotIn one node name."""
    op, values = req.get("operator"), as_list(req.get("values"))
    if op in ("In", "NotIn"):
        if len(values) != 1:
            r.add(f"{at}.values must hold exactly one node name for operator {op} in a node field selector")
    else:
        shown = (
            "is missing" if op is None or op == "" else f"{op!r} is not supported in a node field selector"
        )
        r.add(f"{at}.operator {shown}: use In or NotIn")
    key = req.get("key")
    if key != NODE_NAME_FIELD:
        shown = "is missing" if key is None else f"{key!r} is not a node field selector key"
        r.add(f"{at}.key {shown}: use {NODE_NAME_FIELD!r} (match node labels with matchExpressions)")
        return
    for k, value in enumerate(values):
        if isinstance(value, str):
            r.add(subdomain(f"{at}.values[{k}]", value))


def _selector_keys(selector: Mapping[str, Any]) -> set[object]:
    """The keys a selector names, in matchLabels and in matchExpressions."""
    keys: set[object] = set(as_dict(selector.get("matchLabels")))
    keys.update(
        k for e in as_list(selector.get("matchExpressions")) if isinstance(k := as_dict(e).get("key"), str)
    )
    return keys


@upstream("validatePodAffinityTerm")
def _pod_affinity_term(r: Report, term: Mapping[str, Any], at: str, labels: object) -> None:
    selector = term.get("labelSelector")
    match_keys = as_list(term.get("matchLabelKeys"))
    mismatch_keys = as_list(term.get("mismatchLabelKeys"))
    if isinstance(selector, dict) and isinstance(labels, dict) and (match_keys or mismatch_keys):
        # the pod strategy merges `key In (pod's value)` / `key NotIn (pod's value)` before validation
        merged = [
            {"key": k, "operator": op, "values": [labels[k]]}
            for keys, op in ((match_keys, "In"), (mismatch_keys, "NotIn"))
            for k in keys
            if isinstance(k, str) and k in labels
        ]
        if merged:
            selector = {**selector, "matchExpressions": [*as_list(selector.get("matchExpressions")), *merged]}
    check_label_selector(r, term.get("labelSelector"), f"{at}.labelSelector")
    check_label_selector(r, term.get("namespaceSelector"), f"{at}.namespaceSelector")
    for j, namespace in enumerate(as_list(term.get("namespaces"))):
        if isinstance(namespace, str):
            r.add(label(f"{at}.namespaces[{j}]", namespace))
    # validateMatchLabelKeysAndMismatchLabelKeys
    for field, keys in (("matchLabelKeys", match_keys), ("mismatchLabelKeys", mismatch_keys)):
        if not keys:
            continue
        if not isinstance(selector, dict):
            r.add(f"{at}.{field} is set without a labelSelector: set {at}.labelSelector or remove {field}")
            continue
        for i, key in enumerate(keys):
            if isinstance(key, str):
                r.add(qualified(f"{at}.{field}[{i}]", key))
    if isinstance(selector, dict) and match_keys:
        index = {k: i for i, k in enumerate(match_keys) if isinstance(k, str)}
        seen = {k for k in as_dict(selector.get("matchLabels")) if isinstance(k, str)}
        for expression in as_list(selector.get("matchExpressions")):
            key = as_dict(expression).get("key")
            if not isinstance(key, str):
                continue
            if key in index and key in seen:
                r.add(
                    f"{at}.matchLabelKeys[{index[key]}] {key!r} is also constrained by the labelSelector: "
                    f"remove it from matchLabelKeys or from the labelSelector"
                )
            seen.add(key)
    if mismatch_keys:
        mismatched = {k for k in mismatch_keys if isinstance(k, str)}
        for i, key in enumerate(match_keys):
            if isinstance(key, str) and key in mismatched:
                r.add(
                    f"{at}.matchLabelKeys[{i}] {key!r} is also in mismatchLabelKeys: remove it from one of them"
                )
    topology = term.get("topologyKey")
    if not isinstance(topology, str) or not topology:
        if topology is None or topology == "":
            r.add(f"{at}.topologyKey is missing: name a node label key (e.g. 'kubernetes.io/hostname')")
    else:
        r.add(qualified(f"{at}.topologyKey", topology))


# -- tolerations ---------------------------------------------------------------------------
@upstream("ValidateTolerations")
def _tolerations(r: Report, tolerations: list[Any], at: str) -> None:
    for i, toleration in enumerate(tolerations):
        if not isinstance(toleration, dict):
            continue
        where = f"{at}[{i}]"
        key, op = toleration.get("key"), toleration.get("operator")
        effect, value = toleration.get("effect"), toleration.get("value")
        if isinstance(key, str) and key:
            r.add(qualified(f"{where}.key", key))
        if not key and op != "Exists":
            shown = f"{op!r}" if op else "(unset, meaning Equal)"
            r.add(
                f"{where}.operator {shown} must be Exists when key is empty (a toleration of every taint): "
                f"set operator: Exists, or set a key"
            )
        if toleration.get("tolerationSeconds") is not None and effect != "NoExecute":
            shown = f"{effect!r}" if effect else "(unset, meaning every effect)"
            r.add(
                f"{where}.effect {shown} must be NoExecute when tolerationSeconds is set: "
                f"set effect: NoExecute or remove tolerationSeconds"
            )
        if op is None or op in ("", "Equal"):
            if isinstance(value, str) and value:
                r.add(label_value(f"{where}.value", value))
        elif op == "Exists":
            if isinstance(value, str) and value:
                r.add(
                    f"{where}.operator Exists matches every value: remove value {value!r} or use operator Equal"
                )
        else:
            r.add(f"{where}.operator {op!r} is not supported: use one of {', '.join(TOLERATION_OPERATORS)}")
        if effect is not None and effect != "" and effect not in TAINT_EFFECTS:
            r.add(
                f"{where}.effect {effect!r} is not supported: use one of {', '.join(TAINT_EFFECTS)} "
                f"(or leave it empty for every effect)"
            )


# -- topology spread -----------------------------------------------------------------------
@upstream("validateTopologySpreadConstraints")
def _topology_spread(r: Report, constraints: list[Any], at: str) -> None:
    pairs: list[tuple[object, object] | None] = [
        (c.get("topologyKey"), c.get("whenUnsatisfiable")) if isinstance(c, dict) else None
        for c in constraints
    ]
    for i, constraint in enumerate(constraints):
        if not isinstance(constraint, dict):
            continue
        where = f"{at}[{i}]"
        skew = constraint.get("maxSkew")
        if not _positive(skew):
            shown = "is missing" if skew is None else f"{skew!r} is invalid"
            r.add(f"{where}.maxSkew {shown}: use an int of at least 1")
        key, action = constraint.get("topologyKey"), constraint.get("whenUnsatisfiable")
        if not key:
            r.add(
                f"{where}.topologyKey is missing: name a node label key (e.g. 'topology.kubernetes.io/zone')"
            )
        if action not in SPREAD_ACTIONS:
            shown = "is missing" if action is None or action == "" else f"{action!r} is not supported"
            r.add(f"{where}.whenUnsatisfiable {shown}: use one of {', '.join(SPREAD_ACTIONS)}")
        if (key, action) in pairs[i + 1 :]:
            r.add(
                f"{where} repeats topologyKey {key!r} with whenUnsatisfiable {action!r} of a later constraint: "
                f"keep one constraint per topologyKey and whenUnsatisfiable"
            )
        domains = constraint.get("minDomains")
        if domains is not None:
            if not _positive(domains):
                r.add(f"{where}.minDomains {domains!r} is invalid: use an int of at least 1")
            if action != "DoNotSchedule":
                r.add(
                    f"{where}.minDomains can only be used with whenUnsatisfiable: DoNotSchedule, not {action!r}: "
                    f"remove minDomains or set whenUnsatisfiable: DoNotSchedule"
                )
        for field in ("nodeAffinityPolicy", "nodeTaintsPolicy"):
            policy = constraint.get(field)
            if policy is not None and policy not in INCLUSION_POLICIES:
                r.add(
                    f"{where}.{field} {policy!r} is not supported: use one of {', '.join(INCLUSION_POLICIES)}"
                )
        selector = constraint.get("labelSelector")
        keys = as_list(constraint.get("matchLabelKeys"))
        if keys:
            named = _selector_keys(selector) if isinstance(selector, dict) else set()
            if not isinstance(selector, dict):
                r.add(
                    f"{where}.matchLabelKeys is set without a labelSelector: set {where}.labelSelector "
                    f"or remove matchLabelKeys"
                )
            for j, key in enumerate(keys):
                if not isinstance(key, str):
                    continue
                r.add(qualified(f"{where}.matchLabelKeys[{j}]", key))
                if key in named:
                    r.add(
                        f"{where}.matchLabelKeys[{j}] {key!r} is also in the labelSelector: "
                        f"remove it from matchLabelKeys or from the labelSelector"
                    )
        check_label_selector(r, selector, f"{where}.labelSelector")


# -- DNS, host aliases, gates --------------------------------------------------------------
@upstream("validatePodDNSConfig")
def _dns_config(r: Report, config: object, policy: object, at: str) -> None:
    if policy == "None":
        if not isinstance(config, dict):
            if config is None:
                r.add(f"{at} is missing: dnsPolicy None needs a dnsConfig with at least one nameserver")
            return
        if not as_list(config.get("nameservers")):
            r.add(
                f"{at}.nameservers is empty: dnsPolicy None needs at least one nameserver (e.g. ['1.1.1.1'])"
            )
            return
    if not isinstance(config, dict) or not config:
        return
    nameservers = as_list(config.get("nameservers"))
    if len(nameservers) > MAX_NAMESERVERS:
        r.add(
            f"{at}.nameservers has {len(nameservers)} entries, more than the {MAX_NAMESERVERS} allowed: keep at most 3"
        )
    for i, server in enumerate(nameservers):
        if isinstance(server, str):
            r.add(ip_error(f"{at}.nameservers[{i}]", server))
    searches = as_list(config.get("searches"))
    if len(searches) > MAX_SEARCH_PATHS:
        r.add(
            f"{at}.searches has {len(searches)} entries, more than the {MAX_SEARCH_PATHS} allowed: keep at most 32"
        )
    texts = [s for s in searches if isinstance(s, str)]
    total = sum(len(s.encode()) for s in texts) + max(len(texts) - 1, 0)
    if total > MAX_SEARCH_CHARS:
        r.add(
            f"{at}.searches is {total} characters long (with a space between paths), more than the "
            f"{MAX_SEARCH_CHARS} allowed: shorten or drop search paths"
        )
    for i, search in enumerate(searches):
        if isinstance(search, str):
            r.add(_search_error(f"{at}.searches[{i}]", search))
    for i, option in enumerate(as_list(config.get("options"))):
        if isinstance(option, dict) and not option.get("name"):
            r.add(f"{at}.options[{i}].name is missing: name the resolver option (e.g. 'ndots')")


@upstream("ValidateHostAliases")
def _host_aliases(r: Report, aliases: list[Any], at: str) -> None:
    for i, alias in enumerate(aliases):
        if not isinstance(alias, dict):
            continue
        ip = alias.get("ip")
        if ip is None or ip == "":
            r.add(f"{at}[{i}].ip is missing: set the IP address the host names resolve to")
        elif isinstance(ip, str):
            r.add(ip_error(f"{at}[{i}].ip", ip))
        for j, hostname in enumerate(as_list(alias.get("hostnames"))):
            if isinstance(hostname, str):
                r.add(subdomain(f"{at}[{i}].hostnames[{j}]", hostname))


@upstream("validateReadinessGates")
def _readiness_gates(r: Report, gates: list[Any], at: str) -> None:
    for i, gate in enumerate(gates):
        if not isinstance(gate, dict):
            continue
        condition = gate.get("conditionType")
        if isinstance(condition, str):
            r.add(qualified(f"{at}[{i}].conditionType", condition))
        elif condition is None:
            r.add(
                f"{at}[{i}].conditionType is missing: name the pod condition to wait for (e.g. 'example.com/ready')"
            )


@upstream("validateSchedulingGates")
def _scheduling_gates(r: Report, gates: list[Any], at: str) -> None:
    seen: set[str] = set()
    for i, gate in enumerate(gates):
        if not isinstance(gate, dict):
            continue
        name = gate.get("name")
        if name is None:
            name = ""
        if not isinstance(name, str):
            continue
        r.add(
            qualified(f"{at}[{i}]", name)
            if name
            else f"{at}[{i}].name is empty: name the gate (e.g. 'example.com/quota')"
        )
        if name in seen:
            r.add(f"{at}[{i}] {name!r} is a duplicate: list each scheduling gate once")
        seen.add(name)


# -- overhead ------------------------------------------------------------------------------
@upstream("validateOverhead")
def _overhead(r: Report, overhead: Mapping[str, Any], at: str) -> None:
    """The pod overhead, checked as container limits (ValidateResourceRequirements)."""
    check_resource_list(r, overhead, at)
    if hugepages_without_cpu_or_memory(overhead):
        r.add(f"{at} has hugepages without cpu or memory: add a cpu or memory overhead")


def _positive(value: object) -> bool:
    return is_int(value) and value > 0  # type: ignore[operator]
