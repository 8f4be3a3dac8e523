"""The scheduling rules (``podkit._rules.core.scheduling``), one row per rule: a valid pod or
template that uses every scheduling field, one mutation, and the exact problem(s) the final-object
check reports. The comment above each row names the upstream check (``pkg/apis/core/validation``)."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest

from podkit._rules import check_object
from podkit.errors import Problem
from tests.test_apiserver import Doc, Mutation, both, drop, put

LABELS = {"app": "web", "tier": "front"}
SELECTOR = {
    "matchLabels": {"app": "web"},
    "matchExpressions": [{"key": "tier", "operator": "In", "values": ["front"]}],
}
SPEC: Doc = {
    "containers": [{"name": "web", "image": "nginx:1.27"}],
    "nodeName": "node-1.example",
    "hostname": "web-0",
    "subdomain": "web",
    "nodeSelector": {"kubernetes.io/os": "linux"},
    "dnsPolicy": "None",
    "dnsConfig": {
        "nameservers": ["10.0.0.10", "2001:db8::10"],
        "searches": ["svc.cluster.local", "_sip._tcp.example.com", "corp."],
        "options": [{"name": "ndots", "value": "2"}],
    },
    "hostAliases": [{"ip": "127.0.0.1", "hostnames": ["foo.local", "bar.local"]}],
    "readinessGates": [{"conditionType": "example.com/ready"}],
    "priorityClassName": "high-priority",
    "runtimeClassName": "gvisor",
    "preemptionPolicy": "Never",
    "overhead": {"cpu": "250m", "memory": "120Mi"},
    "tolerations": [
        {"key": "dedicated", "operator": "Equal", "value": "web", "effect": "NoSchedule"},
        {
            "key": "node.kubernetes.io/not-ready",
            "operator": "Exists",
            "effect": "NoExecute",
            "tolerationSeconds": 30,
        },
        {"operator": "Exists"},
    ],
    "topologySpreadConstraints": [
        {
            "maxSkew": 1,
            "topologyKey": "topology.kubernetes.io/zone",
            "whenUnsatisfiable": "DoNotSchedule",
            "minDomains": 2,
            "nodeAffinityPolicy": "Honor",
            "nodeTaintsPolicy": "Ignore",
            "labelSelector": {"matchLabels": {"app": "web"}},
            "matchLabelKeys": ["pod-template-hash"],
        },
        {"maxSkew": 2, "topologyKey": "kubernetes.io/hostname", "whenUnsatisfiable": "ScheduleAnyway"},
    ],
    "affinity": {
        "nodeAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": {
                "nodeSelectorTerms": [
                    {
                        "matchExpressions": [
                            {"key": "kubernetes.io/arch", "operator": "In", "values": ["amd64", "arm64"]},
                            {"key": "example.com/cores", "operator": "Gt", "values": ["4"]},
                            {"key": "example.com/spot", "operator": "DoesNotExist"},
                        ],
                        "matchFields": [{"key": "metadata.name", "operator": "NotIn", "values": ["node-2"]}],
                    }
                ]
            },
            "preferredDuringSchedulingIgnoredDuringExecution": [
                {
                    "weight": 100,
                    "preference": {
                        "matchExpressions": [{"key": "zone", "operator": "In", "values": ["not a label"]}]
                    },
                }
            ],
        },
        "podAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": [
                {
                    "labelSelector": copy.deepcopy(SELECTOR),
                    "namespaces": ["prod"],
                    "namespaceSelector": {"matchExpressions": [{"key": "team", "operator": "Exists"}]},
                    "topologyKey": "kubernetes.io/hostname",
                    "matchLabelKeys": ["version"],
                    "mismatchLabelKeys": ["tenant"],
                }
            ]
        },
        "podAntiAffinity": {
            "preferredDuringSchedulingIgnoredDuringExecution": [
                {
                    "weight": 1,
                    "podAffinityTerm": {
                        "labelSelector": {"matchLabels": {"app": "web"}},
                        "topologyKey": "zone",
                    },
                }
            ]
        },
    },
}
TEMPLATE_SPEC: Doc = {**copy.deepcopy(SPEC), "schedulingGates": [{"name": "example.com/quota"}]}


def pod() -> Doc:
    meta = {"name": "web", "namespace": "prod", "labels": dict(LABELS)}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": copy.deepcopy(SPEC)}


def deployment() -> Doc:
    spec = copy.deepcopy(TEMPLATE_SPEC)
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "prod"},
        "spec": {
            "selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": dict(LABELS)}, "spec": spec},
        },
    }


NODE = ("spec", "affinity", "nodeAffinity")
REQUIRED_TERM = (*NODE, "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms", 0)
REQ = "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]"
POD_TERM = ("spec", "affinity", "podAffinity", "requiredDuringSchedulingIgnoredDuringExecution", 0)
PT = "spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0]"
ANTI = ("spec", "affinity", "podAntiAffinity", "preferredDuringSchedulingIgnoredDuringExecution", 0)
AT = "spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0]"
TSC = ("spec", "topologySpreadConstraints")
TOL = ("spec", "tolerations")
DNS = ("spec", "dnsConfig")
TEMPLATE = ("spec", "template", "spec")
SUBDOMAIN_RULE = (
    "is not a valid DNS-1123 subdomain: use at most 253 lower-case letters, digits, '-' and '.', "
    "starting and ending with a letter or digit"
)
LABEL_RULE = (
    "is not a valid DNS-1123 label: use at most 63 lower-case letters, digits and '-', "
    "starting and ending with a letter or digit"
)
KEY_RULE = (
    "is invalid: use an optional DNS subdomain prefix and '/', then at most 63 letters, digits, '-', '_' "
    "and '.', starting and ending with a letter or digit (e.g. 'app.kubernetes.io/name')"
)
VALUE_RULE = "use at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit, or an empty string"

Row = tuple[str, Callable[[], Doc], Mutation, "str | list[str]"]
CATALOGUE: list[Row] = [
    # ValidatePodSpec: validateDNSPolicy
    (
        "dns-policy",
        pod,
        put(("spec", "dnsPolicy"), "Cluster"),
        "spec.dnsPolicy 'Cluster' is not supported: use one of ClusterFirstWithHostNet, ClusterFirst, Default, None",
    ),
    # ValidatePodSpec: ValidateNodeName
    (
        "node-name",
        pod,
        put(("spec", "nodeName"), "Node_1"),
        f"spec.nodeName 'Node_1' {SUBDOMAIN_RULE} (e.g. 'node-1')",
    ),
    # ValidatePodSpec: hostname, subdomain are DNS-1123 labels
    (
        "hostname",
        pod,
        put(("spec", "hostname"), "web.0"),
        f"spec.hostname 'web.0' {LABEL_RULE} (e.g. 'web-0')",
    ),
    ("subdomain", pod, put(("spec", "subdomain"), "Web"), f"spec.subdomain 'Web' {LABEL_RULE} (e.g. 'web')"),
    # ValidatePodSpec: ValidateLabels(nodeSelector)
    (
        "node-selector-key",
        pod,
        put(("spec", "nodeSelector", "a b"), "x"),
        f"spec.nodeSelector key 'a b' {KEY_RULE}",
    ),
    # ValidatePodCreate: nodeName with schedulingGates
    (
        "gated-node-name",
        pod,
        put(("spec", "schedulingGates"), [{"name": "example.com/quota"}]),
        "spec.nodeName 'node-1.example' cannot be set while spec.schedulingGates is not empty: remove nodeName "
        "(the scheduler assigns the node once every gate is cleared) or the gates",
    ),
    # validateSchedulingGates: ValidateQualifiedName, no duplicates
    (
        "scheduling-gate-name",
        deployment,
        put((*TEMPLATE, "schedulingGates", 0, "name"), "quota gate"),
        f"spec.template.spec.schedulingGates[0] 'quota gate' {KEY_RULE}",
    ),
    (
        "scheduling-gate-empty",
        deployment,
        put((*TEMPLATE, "schedulingGates", 0, "name"), ""),
        "spec.template.spec.schedulingGates[0].name is empty: name the gate (e.g. 'example.com/quota')",
    ),
    (
        "scheduling-gate-duplicate",
        deployment,
        put((*TEMPLATE, "schedulingGates"), [{"name": "a"}, {"name": "b"}, {"name": "a"}]),
        "spec.template.spec.schedulingGates[2] 'a' is a duplicate: list each scheduling gate once",
    ),
    # validateReadinessGates
    (
        "readiness-gate",
        pod,
        put(("spec", "readinessGates", 0, "conditionType"), "ready?"),
        f"spec.readinessGates[0].conditionType 'ready?' {KEY_RULE}",
    ),
    # ValidatePriorityClassName, ValidateRuntimeClassName
    (
        "priority-class",
        pod,
        put(("spec", "priorityClassName"), "High"),
        f"spec.priorityClassName 'High' {SUBDOMAIN_RULE} (e.g. 'high')",
    ),
    (
        "runtime-class",
        pod,
        put(("spec", "runtimeClassName"), "g_visor"),
        f"spec.runtimeClassName 'g_visor' {SUBDOMAIN_RULE} (e.g. 'g-visor')",
    ),
    (
        "runtime-class-empty",
        pod,
        put(("spec", "runtimeClassName"), ""),
        "spec.runtimeClassName is empty: name a RuntimeClass (e.g. 'gvisor') or remove the field",
    ),
    # ValidatePreemptionPolicy
    (
        "preemption-policy",
        pod,
        put(("spec", "preemptionPolicy"), "Always"),
        "spec.preemptionPolicy 'Always' is not supported: use one of PreemptLowerPriority, Never (or remove it)",
    ),
    (
        "preemption-policy-empty",
        pod,
        put(("spec", "preemptionPolicy"), ""),
        "spec.preemptionPolicy is empty: use one of PreemptLowerPriority, Never (or remove it)",
    ),
    # validateOverhead (ValidateResourceRequirements of the overhead as limits)
    (
        "overhead-name",
        pod,
        put(("spec", "overhead", "gpu"), "1"),
        "spec.overhead key 'gpu' is not a container resource: use cpu, memory, ephemeral-storage, "
        "hugepages-<size>, or an extended resource 'domain/name' (e.g. 'nvidia.com/gpu')",
    ),
    (
        "overhead-quantity",
        pod,
        put(("spec", "overhead", "cpu"), "-1"),
        "spec.overhead['cpu'] '-1' is not a non-negative Kubernetes quantity: use a number with an optional "
        "suffix (Ki Mi Gi Ti Pi Ei, n u m k M G T P E)",
    ),
    (
        "overhead-extended-whole",
        pod,
        put(("spec", "overhead", "example.com/dev"), "500m"),
        "spec.overhead['example.com/dev'] '500m' must be a whole number: extended resources are counted in units",
    ),
    (
        "overhead-hugepages-alone",
        pod,
        put(("spec", "overhead"), {"hugepages-2Mi": "4Mi"}),
        "spec.overhead has hugepages without cpu or memory: add a cpu or memory overhead",
    ),
    # validatePodDNSConfig: dnsPolicy None needs dnsConfig and a nameserver
    (
        "dns-none-no-config",
        pod,
        drop(DNS),
        "spec.dnsConfig is missing: dnsPolicy None needs a dnsConfig with at least one nameserver",
    ),
    (
        "dns-none-no-nameserver",
        pod,
        drop((*DNS, "nameservers")),
        "spec.dnsConfig.nameservers is empty: dnsPolicy None needs at least one nameserver (e.g. ['1.1.1.1'])",
    ),
    (
        "dns-nameservers-max",
        pod,
        put((*DNS, "nameservers"), ["1.1.1.1", "1.0.0.1", "8.8.8.8", "8.8.4.4"]),
        "spec.dnsConfig.nameservers has 4 entries, more than the 3 allowed: keep at most 3",
    ),
    (
        "dns-nameserver-ip",
        pod,
        put((*DNS, "nameservers", 0), "dns.local"),
        "spec.dnsConfig.nameservers[0] 'dns.local' is not a valid IP address: use an IPv4 or IPv6 address "
        "(e.g. '10.9.8.7' or '2001:db8::ffff')",
    ),
    (
        "dns-searches-max",
        pod,
        put((*DNS, "searches"), [f"s{i}" for i in range(33)]),
        "spec.dnsConfig.searches has 33 entries, more than the 32 allowed: keep at most 32",
    ),
    (
        "dns-searches-length",
        pod,
        put((*DNS, "searches"), ["a" * 250] * 9),
        "spec.dnsConfig.searches is 2258 characters long (with a space between paths), more than the 2048 "
        "allowed: shorten or drop search paths",
    ),
    # RelaxedDNSSearchValidation: '_' allowed, but not a label of '_' alone
    (
        "dns-search",
        pod,
        put((*DNS, "searches", 0), "_."),
        "spec.dnsConfig.searches[0] '_.' is not a valid DNS search domain: use lower-case letters, digits, '-' "
        "and '_' in dot-separated labels, each starting and ending with a letter or digit (a label may start "
        "with '_'), at most 253 characters, optionally ending in '.' (e.g. 'svc.cluster.local')",
    ),
    (
        "dns-option-name",
        pod,
        put((*DNS, "options", 0), {"value": "2"}),
        "spec.dnsConfig.options[0].name is missing: name the resolver option (e.g. 'ndots')",
    ),
    # ValidateHostAliases
    (
        "host-alias-ip",
        pod,
        put(("spec", "hostAliases", 0, "ip"), "999.0.0.1"),
        "spec.hostAliases[0].ip '999.0.0.1' is not a valid IP address: use an IPv4 or IPv6 address "
        "(e.g. '10.9.8.7' or '2001:db8::ffff')",
    ),
    (
        "host-alias-ip-missing",
        pod,
        drop(("spec", "hostAliases", 0, "ip")),
        "spec.hostAliases[0].ip is missing: set the IP address the host names resolve to",
    ),
    (
        "host-alias-hostname",
        pod,
        put(("spec", "hostAliases", 0, "hostnames", 1), "Bar_local"),
        f"spec.hostAliases[0].hostnames[1] 'Bar_local' {SUBDOMAIN_RULE} (e.g. 'bar-local')",
    ),
    # ValidateTolerations
    ("toleration-key", pod, put((*TOL, 0, "key"), "a b"), f"spec.tolerations[0].key 'a b' {KEY_RULE}"),
    (
        "toleration-empty-key",
        pod,
        drop((*TOL, 0, "key")),
        "spec.tolerations[0].operator 'Equal' must be Exists when key is empty (a toleration of every taint): "
        "set operator: Exists, or set a key",
    ),
    (
        "toleration-seconds-effect",
        pod,
        put((*TOL, 1, "effect"), "NoSchedule"),
        "spec.tolerations[1].effect 'NoSchedule' must be NoExecute when tolerationSeconds is set: set effect: "
        "NoExecute or remove tolerationSeconds",
    ),
    (
        "toleration-value",
        pod,
        put((*TOL, 0, "value"), "a b"),
        f"spec.tolerations[0].value has invalid value 'a b': {VALUE_RULE}",
    ),
    (
        "toleration-exists-value",
        pod,
        put((*TOL, 2, "value"), "x"),
        "spec.tolerations[2].operator Exists matches every value: remove value 'x' or use operator Equal",
    ),
    (
        "toleration-operator",
        pod,
        put((*TOL, 0, "operator"), "In"),
        "spec.tolerations[0].operator 'In' is not supported: use one of Equal, Exists",
    ),
    (
        "toleration-effect",
        pod,
        put((*TOL, 0, "effect"), "NoRun"),
        "spec.tolerations[0].effect 'NoRun' is not supported: use one of NoSchedule, PreferNoSchedule, NoExecute "
        "(or leave it empty for every effect)",
    ),
    # ValidatePodSpecificAnnotations: the tolerations annotation, the mirror-pod mark
    (
        "toleration-annotation",
        pod,
        put(
            ("metadata", "annotations"),
            {"scheduler.alpha.kubernetes.io/tolerations": json.dumps([{"key": "k", "operator": "In"}])},
        ),
        "metadata.annotations['scheduler.alpha.kubernetes.io/tolerations'][0].operator 'In' is not supported: "
        "use one of Equal, Exists",
    ),
    (
        "toleration-annotation-json",
        pod,
        put(("metadata", "annotations"), {"scheduler.alpha.kubernetes.io/tolerations": "{bad"}),
        "metadata.annotations['scheduler.alpha.kubernetes.io/tolerations'] '{bad' is not a JSON list of "
        "tolerations: use spec.tolerations instead",
    ),
    (
        "mirror-pod",
        deployment,
        both(
            put(("spec", "template", "metadata", "annotations"), {"kubernetes.io/config.mirror": "x"}),
            drop((*TEMPLATE, "nodeName")),
        ),
        [
            "spec.template.metadata.annotations['kubernetes.io/config.mirror'] is set without spec.nodeName: a "
            "mirror pod belongs to a node; remove the annotation (the kubelet sets it on static pods)"
        ],
    ),
    # validateTopologySpreadConstraints
    (
        "spread-max-skew",
        pod,
        put((*TSC, 0, "maxSkew"), 0),
        "spec.topologySpreadConstraints[0].maxSkew 0 is invalid: use an int of at least 1",
    ),
    (
        "spread-max-skew-missing",
        pod,
        drop((*TSC, 1, "maxSkew")),
        "spec.topologySpreadConstraints[1].maxSkew is missing: use an int of at least 1",
    ),
    (
        "spread-topology-key",
        pod,
        drop((*TSC, 1, "topologyKey")),
        "spec.topologySpreadConstraints[1].topologyKey is missing: name a node label key "
        "(e.g. 'topology.kubernetes.io/zone')",
    ),
    (
        "spread-when-unsatisfiable",
        pod,
        put((*TSC, 1, "whenUnsatisfiable"), "Never"),
        "spec.topologySpreadConstraints[1].whenUnsatisfiable 'Never' is not supported: use one of DoNotSchedule, "
        "ScheduleAnyway",
    ),
    (
        "spread-duplicate",
        pod,
        put(
            (*TSC, 1),
            {
                "maxSkew": 1,
                "topologyKey": "topology.kubernetes.io/zone",
                "whenUnsatisfiable": "DoNotSchedule",
            },
        ),
        "spec.topologySpreadConstraints[0] repeats topologyKey 'topology.kubernetes.io/zone' with whenUnsatisfiable "
        "'DoNotSchedule' of a later constraint: keep one constraint per topologyKey and whenUnsatisfiable",
    ),
    (
        "spread-min-domains",
        pod,
        put((*TSC, 0, "minDomains"), 0),
        "spec.topologySpreadConstraints[0].minDomains 0 is invalid: use an int of at least 1",
    ),
    (
        "spread-min-domains-anyway",
        pod,
        put((*TSC, 1, "minDomains"), 2),
        "spec.topologySpreadConstraints[1].minDomains can only be used with whenUnsatisfiable: DoNotSchedule, "
        "not 'ScheduleAnyway': remove minDomains or set whenUnsatisfiable: DoNotSchedule",
    ),
    (
        "spread-node-policy",
        pod,
        put((*TSC, 0, "nodeTaintsPolicy"), "Always"),
        "spec.topologySpreadConstraints[0].nodeTaintsPolicy 'Always' is not supported: use one of Honor, Ignore",
    ),
    (
        "spread-match-label-keys-no-selector",
        pod,
        drop((*TSC, 0, "labelSelector")),
        "spec.topologySpreadConstraints[0].matchLabelKeys is set without a labelSelector: set "
        "spec.topologySpreadConstraints[0].labelSelector or remove matchLabelKeys",
    ),
    (
        "spread-match-label-keys-in-selector",
        pod,
        put((*TSC, 0, "matchLabelKeys"), ["app"]),
        "spec.topologySpreadConstraints[0].matchLabelKeys[0] 'app' is also in the labelSelector: remove it from "
        "matchLabelKeys or from the labelSelector",
    ),
    (
        "spread-selector-value",
        pod,
        put((*TSC, 0, "labelSelector", "matchLabels", "app"), "a b"),
        f"spec.topologySpreadConstraints[0].labelSelector.matchLabels['app'] has invalid value 'a b': {VALUE_RULE}",
    ),
    # ValidateNodeSelector / ValidateNodeSelectorRequirement
    (
        "node-selector-terms-empty",
        pod,
        put((*NODE, "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms"), []),
        "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms is empty: "
        "add at least one node selector term (or remove the required node affinity)",
    ),
    (
        "node-requirement-operator",
        pod,
        put((*REQUIRED_TERM, "matchExpressions", 0, "operator"), "Equals"),
        f"{REQ}.matchExpressions[0].operator 'Equals' is not a valid selector operator: use one of In, NotIn, "
        f"Exists, DoesNotExist, Gt, Lt",
    ),
    (
        "node-requirement-operator-missing",
        pod,
        drop((*REQUIRED_TERM, "matchExpressions", 0, "operator")),
        f"{REQ}.matchExpressions[0].operator is missing: use one of In, NotIn, Exists, DoesNotExist, Gt, Lt",
    ),
    (
        "node-requirement-in-values",
        pod,
        put((*REQUIRED_TERM, "matchExpressions", 0, "values"), []),
        f"{REQ}.matchExpressions[0].values is empty: operator In needs at least one value",
    ),
    (
        "node-requirement-exists-values",
        pod,
        put((*REQUIRED_TERM, "matchExpressions", 2, "values"), ["x"]),
        f"{REQ}.matchExpressions[2].values must be empty for operator DoesNotExist: remove them",
    ),
    (
        "node-requirement-gt-values",
        pod,
        put((*REQUIRED_TERM, "matchExpressions", 1, "values"), ["4", "8"]),
        f"{REQ}.matchExpressions[1].values must hold exactly one value for operator Gt (an integer, e.g. ['3'])",
    ),
    (
        "node-requirement-key",
        pod,
        put((*REQUIRED_TERM, "matchExpressions", 0, "key"), "-arch"),
        f"{REQ}.matchExpressions[0].key '-arch' {KEY_RULE}",
    ),
    # required terms check label values (preferred ones may hold any)
    (
        "node-requirement-value",
        pod,
        put((*REQUIRED_TERM, "matchExpressions", 0, "values", 1), "arm 64"),
        f"{REQ}.matchExpressions[0].values[1] has invalid value 'arm 64': {VALUE_RULE}",
    ),
    # ValidateNodeFieldSelectorRequirement
    (
        "node-field-key",
        pod,
        put((*REQUIRED_TERM, "matchFields", 0, "key"), "metadata.labels"),
        f"{REQ}.matchFields[0].key 'metadata.labels' is not a node field selector key: use 'metadata.name' "
        f"(match node labels with matchExpressions)",
    ),
    (
        "node-field-operator",
        pod,
        put((*REQUIRED_TERM, "matchFields", 0, "operator"), "Exists"),
        f"{REQ}.matchFields[0].operator 'Exists' is not supported in a node field selector: use In or NotIn",
    ),
    (
        "node-field-values",
        pod,
        put((*REQUIRED_TERM, "matchFields", 0, "values"), ["a", "b"]),
        f"{REQ}.matchFields[0].values must hold exactly one node name for operator NotIn in a node field selector",
    ),
    (
        "node-field-value",
        pod,
        put((*REQUIRED_TERM, "matchFields", 0, "values"), ["Node_2"]),
        f"{REQ}.matchFields[0].values[0] 'Node_2' {SUBDOMAIN_RULE} (e.g. 'node-2')",
    ),
    # ValidatePreferredSchedulingTerms / validateWeightedPodAffinityTerms: weight 1..100
    (
        "node-preferred-weight",
        pod,
        put((*NODE, "preferredDuringSchedulingIgnoredDuringExecution", 0, "weight"), 101),
        "spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight 101 is out of "
        "range: use an int from 1 to 100",
    ),
    (
        "pod-preferred-weight",
        pod,
        drop((*ANTI, "weight")),
        f"{AT}.weight is missing: use an int from 1 to 100",
    ),
    # validatePodAffinityTerm
    (
        "pod-term-topology-key",
        pod,
        put((*ANTI, "podAffinityTerm", "topologyKey"), ""),
        f"{AT}.podAffinityTerm.topologyKey is missing: name a node label key (e.g. 'kubernetes.io/hostname')",
    ),
    (
        "pod-term-topology-key-invalid",
        pod,
        put((*POD_TERM, "topologyKey"), "host name"),
        f"{PT}.topologyKey 'host name' {KEY_RULE}",
    ),
    (
        "pod-term-namespace",
        pod,
        put((*POD_TERM, "namespaces", 0), "Prod"),
        f"{PT}.namespaces[0] 'Prod' {LABEL_RULE} (e.g. 'prod')",
    ),
    (
        "pod-term-selector-values",
        pod,
        put((*POD_TERM, "labelSelector", "matchExpressions", 0, "values"), []),
        f"{PT}.labelSelector.matchExpressions[0].values is empty: operator In needs at least one value",
    ),
    (
        "pod-term-namespace-selector",
        pod,
        put((*POD_TERM, "namespaceSelector", "matchExpressions", 0, "values"), ["a"]),
        f"{PT}.namespaceSelector.matchExpressions[0].values must be empty for operator Exists: remove them",
    ),
    (
        "pod-term-selector-operator",
        pod,
        put((*POD_TERM, "labelSelector", "matchExpressions", 0, "operator"), "Gt"),
        f"{PT}.labelSelector.matchExpressions[0].operator 'Gt' is not a valid selector operator: use one of In, "
        f"NotIn, Exists, DoesNotExist",
    ),
    # validateMatchLabelKeysAndMismatchLabelKeys
    (
        "pod-term-match-label-key",
        pod,
        put((*POD_TERM, "matchLabelKeys", 0), "a b"),
        f"{PT}.matchLabelKeys[0] 'a b' {KEY_RULE}",
    ),
    (
        "pod-term-label-keys-no-selector",
        pod,
        drop((*POD_TERM, "labelSelector")),
        [
            f"{PT}.matchLabelKeys is set without a labelSelector: set {PT}.labelSelector or remove matchLabelKeys",
            f"{PT}.mismatchLabelKeys is set without a labelSelector: set {PT}.labelSelector or remove "
            f"mismatchLabelKeys",
        ],
    ),
    (
        "pod-term-match-and-mismatch",
        pod,
        put((*POD_TERM, "mismatchLabelKeys"), ["version"]),
        f"{PT}.matchLabelKeys[0] 'version' is also in mismatchLabelKeys: remove it from one of them",
    ),
    # the key of matchLabelKeys twice in the selector, once merged in from the pod's label
    (
        "pod-term-match-label-key-in-selector",
        pod,
        put((*POD_TERM, "matchLabelKeys"), ["tier"]),
        f"{PT}.matchLabelKeys[0] 'tier' is also constrained by the labelSelector: remove it from matchLabelKeys "
        f"or from the labelSelector",
    ),
]


@pytest.mark.parametrize(("rule", "make", "mutate", "expected"), CATALOGUE, ids=[r[0] for r in CATALOGUE])
def test_fails_on_each_rule(
    rule: str, make: Callable[[], Doc], mutate: Mutation, expected: str | list[str]
) -> None:
    doc = make()
    mutate(doc)
    messages = [expected] if isinstance(expected, str) else expected
    problems = check_object(doc, "t/x")
    assert [p.message for p in problems] == messages
    for problem in problems:
        assert problem.path == "t/x" and problem.family == "apiserver"
        assert problem.field and problem.message.startswith(problem.field), problem
        assert problem.rule.startswith(("apiserver:Validate", "apiserver:validate")), problem


@pytest.mark.parametrize("make", [pod, deployment])
def test_a_pod_using_every_scheduling_field_has_no_problem(make: Callable[[], Doc]) -> None:
    assert check_object(make(), "t/x") == []


def test_a_template_is_validated_without_the_pods_labels_merged() -> None:
    # `tier` is in matchLabelKeys and once in the selector: on a Pod the API server merges
    # `tier In (front)` from the pod's labels (a second requirement on the key), on a template not
    doc = deployment()
    term = doc["spec"]["template"]["spec"]["affinity"]["podAffinity"][
        "requiredDuringSchedulingIgnoredDuringExecution"
    ][0]
    term["matchLabelKeys"] = ["tier"]
    assert check_object(doc, "t/x") == []


@pytest.mark.parametrize(
    ("spec", "ok"),
    [
        ({"dnsPolicy": ""}, True),  # defaulted to ClusterFirst
        ({"dnsConfig": {"searches": ["."]}}, True),
        ({"dnsConfig": {"searches": ["a" * 64]}}, True),  # only the subdomain's length is checked
        ({"dnsConfig": {"nameservers": ["010.000.000.001", "::ffff:10.0.0.1"]}}, True),  # ParseIPSloppy
        ({"dnsConfig": {"nameservers": ["fe80::1%eth0"]}}, False),
        (
            {
                "tolerations": [
                    {"key": "k", "effect": "NoExecute", "operator": "Exists", "tolerationSeconds": -5}
                ]
            },
            True,
        ),
        (
            {"overhead": {"example.kubernetes.io/thing": "500m"}},
            True,
        ),  # a native name: not whole-number checked
        ({"schedulingGates": [{"name": "a"}], "nodeName": "n"}, False),
        (
            {
                "affinity": {
                    "nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 0}]}
                }
            },
            False,
        ),
    ],
)
def test_edges_of_the_upstream_rules(spec: Doc, ok: bool) -> None:
    doc = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "p"},
        "spec": {"containers": [{"name": "c", "image": "nginx"}], **spec},
    }
    assert (check_object(doc, "t/x") == []) is ok


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _paths(value, (*prefix, i))
    return out


def test_wrong_types_in_scheduling_fields_give_problems_not_exceptions() -> None:
    for path in _paths(pod()["spec"]):
        if path[0] == "containers":
            continue
        for junk in (None, 7, "x", [], {}, True, [1], [[1]], {"a": [1]}):
            doc = pod()
            put(("spec", *path), junk)(doc)
            assert all(isinstance(p, Problem) for p in check_object(doc, "t/x"))
