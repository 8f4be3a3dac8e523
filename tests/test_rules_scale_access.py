"""podkit's rules for HorizontalPodAutoscalers (autoscaling/v2), PodDisruptionBudgets (policy/v1),
RBAC (rbac.authorization.k8s.io/v1), ResourceQuotas, LimitRanges and PriorityClasses
(scheduling.k8s.io/v1), one row per rule: a valid object, one mutation, the exact message(s).
The ``test_accepts_*`` rows pin what the 1.33 API server accepts and podkit must not refuse."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import cdk8s
import pytest

import podkit as pk
from podkit._rules import check_object

Doc = dict[str, Any]


def hpa() -> Doc:
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "web"},
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
            "maxReplicas": 5,
            "metrics": [
                {
                    "type": "Resource",
                    "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}},
                }
            ],
            "behavior": {"scaleDown": {"policies": [{"type": "Pods", "value": 1, "periodSeconds": 60}]}},
        },
    }


def pdb() -> Doc:
    return {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": {"name": "web"},
        "spec": {"selector": {"matchLabels": {"app": "web"}}, "maxUnavailable": 1},
    }


def role() -> Doc:
    return {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "Role",
        "metadata": {"name": "reader"},
        "rules": [{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get"]}],
    }


def binding() -> Doc:
    return {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "RoleBinding",
        "metadata": {"name": "reader"},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "reader"},
        "subjects": [{"kind": "ServiceAccount", "name": "web"}],
    }


def cluster_binding() -> Doc:
    doc = binding()
    doc["kind"] = "ClusterRoleBinding"
    doc["roleRef"]["kind"] = "ClusterRole"
    doc["subjects"][0]["namespace"] = "prod"
    return doc


def quota() -> Doc:
    return {
        "apiVersion": "v1",
        "kind": "ResourceQuota",
        "metadata": {"name": "q"},
        "spec": {"hard": {"pods": "10", "requests.cpu": "4"}},
    }


def limits() -> Doc:
    return {
        "apiVersion": "v1",
        "kind": "LimitRange",
        "metadata": {"name": "l"},
        "spec": {
            "limits": [
                {"type": "Container", "max": {"cpu": "2"}, "min": {"cpu": "100m"}, "default": {"cpu": "500m"}}
            ]
        },
    }


def priority() -> Doc:
    return {
        "apiVersion": "scheduling.k8s.io/v1",
        "kind": "PriorityClass",
        "metadata": {"name": "high"},
        "value": 1000,
    }


def put(path: str, value: Any) -> Callable[[Doc], None]:
    def mutate(doc: Doc) -> None:
        node: Any = doc
        keys = [int(k) if k.isdigit() else k for k in path.split(".")]
        for k in keys[:-1]:
            node = node[k]
        node[keys[-1]] = value

    return mutate


CATALOGUE: list[tuple[str, Callable[[], Doc], Callable[[Doc], None], str]] = [
    (
        "hpa-min",
        hpa,
        put("spec.minReplicas", 0),
        "spec.minReplicas 0 is invalid: use an int of at least 1 (scaling to zero needs the HPAScaleToZero feature gate, alpha and off in 1.33)",
    ),
    (
        "hpa-max-below-min",
        hpa,
        put("spec.minReplicas", 6),
        "spec.maxReplicas 5 is below minReplicas 6: maxReplicas must be greater than or equal to minReplicas",
    ),
    (
        "hpa-ref-name",
        hpa,
        put("spec.scaleTargetRef.name", "a/b"),
        "spec.scaleTargetRef.name 'a/b' cannot be used in a URL path: remove '/' and '%' (and not '.' or '..')",
    ),
    (
        "hpa-metric-type",
        hpa,
        put("spec.metrics.0.type", "Cpu"),
        "spec.metrics[0].type 'Cpu' is not supported: use one of ContainerResource, External, Object, Pods, Resource",
    ),
    (
        "hpa-utilization",
        hpa,
        put("spec.metrics.0.resource.target.averageUtilization", 0),
        "spec.metrics[0].resource.target.averageUtilization 0 is invalid: use a percentage of at least 1",
    ),
    (
        "hpa-both-targets",
        hpa,
        put("spec.metrics.0.resource.target.averageValue", "1"),
        "spec.metrics[0].resource.target.averageValue is set with averageUtilization: set one of them, not both",
    ),
    (
        "hpa-two-sources",
        hpa,
        put(
            "spec.metrics.0.pods",
            {"metric": {"name": "x"}, "target": {"type": "AverageValue", "averageValue": "1"}},
        ),
        "spec.metrics[0].pods is set, but the metric's type is Resource: remove pods (one source per metric)",
    ),
    (
        "hpa-empty-policies",
        hpa,
        put("spec.behavior.scaleDown.policies", []),
        "spec.behavior.scaleDown.policies is empty: give at least one policy, or leave policies out for the defaults",
    ),
    (
        # validateScalingRules: a Disabled direction still needs a policy once it lists them
        "hpa-empty-policies-disabled",
        hpa,
        put("spec.behavior.scaleUp", {"selectPolicy": "Disabled", "policies": []}),
        "spec.behavior.scaleUp.policies is empty: give at least one policy, or leave policies out for the defaults",
    ),
    (
        "hpa-period",
        hpa,
        put("spec.behavior.scaleDown.policies.0.periodSeconds", 1801),
        "spec.behavior.scaleDown.policies[0].periodSeconds 1801 is out of range: use 1 to 1800 (30 minutes)",
    ),
    (
        "hpa-window",
        hpa,
        put("spec.behavior.scaleDown.stabilizationWindowSeconds", 3601),
        "spec.behavior.scaleDown.stabilizationWindowSeconds 3601 is out of range: use 0 to 3600 (one hour)",
    ),
    (
        "hpa-select",
        hpa,
        put("spec.behavior.scaleDown.selectPolicy", "Any"),
        "spec.behavior.scaleDown.selectPolicy 'Any' is not supported: use one of Disabled, Max, Min",
    ),
    (
        "pdb-both",
        pdb,
        put("spec.minAvailable", 1),
        "spec minAvailable and maxUnavailable are both set: a budget takes one of them, remove the other",
    ),
    (
        "pdb-percent",
        pdb,
        put("spec.maxUnavailable", "101%"),
        "spec.maxUnavailable '101%' is above 100%: use at most '100%'",
    ),
    (
        "pdb-negative",
        pdb,
        put("spec.maxUnavailable", -1),
        "spec.maxUnavailable -1 is negative: use an int >= 0 or a percentage such as '25%'",
    ),
    (
        "pdb-policy",
        pdb,
        put("spec.unhealthyPodEvictionPolicy", "Always"),
        "spec.unhealthyPodEvictionPolicy 'Always' is not supported: use one of AlwaysAllow, IfHealthyBudget",
    ),
    (
        "role-verbs",
        role,
        put("rules.0.verbs", []),
        "rules[0].verbs is empty: give at least one verb (get, list, watch, create, ...)",
    ),
    (
        "role-groups",
        role,
        put("rules.0.apiGroups", []),
        "rules[0].apiGroups is empty: name the resources' API group ('' for the core group, 'apps', ...)",
    ),
    (
        "role-urls",
        role,
        put("rules.0", {"nonResourceURLs": ["/healthz"], "verbs": ["get"]}),
        "rules[0].nonResourceURLs ['/healthz'] cannot be in a Role: non-resource URLs are cluster-wide, grant them with a ClusterRole",
    ),
    (
        "binding-ref-group",
        binding,
        put("roleRef.apiGroup", "rbac"),
        "roleRef.apiGroup 'rbac' is not supported: use 'rbac.authorization.k8s.io'",
    ),
    (
        "binding-ref-kind",
        binding,
        put("roleRef.kind", "Group"),
        "roleRef.kind 'Group' is not supported: use Role or ClusterRole",
    ),
    (
        "binding-subject-kind",
        binding,
        put("subjects.0.kind", "Robot"),
        "subjects[0].kind 'Robot' is not supported: use ServiceAccount, User or Group",
    ),
    (
        "binding-sa-group",
        binding,
        put("subjects.0.apiGroup", "rbac.authorization.k8s.io"),
        "subjects[0].apiGroup 'rbac.authorization.k8s.io' is not supported for a ServiceAccount: use '' (or leave it out)",
    ),
    (
        "binding-user-group",
        binding,
        put("subjects.0", {"kind": "User", "name": "jane", "apiGroup": "v1"}),
        "subjects[0].apiGroup 'v1' is not supported for a User: use 'rbac.authorization.k8s.io'",
    ),
    (
        "crb-role",
        cluster_binding,
        put("roleRef.kind", "Role"),
        "roleRef.kind 'Role' is not supported: use ClusterRole",
    ),
    (
        "crb-sa-namespace",
        cluster_binding,
        put("subjects.0.namespace", ""),
        "subjects[0].namespace is missing: a ClusterRoleBinding names the ServiceAccount's namespace",
    ),
    (
        "quota-name",
        quota,
        put("spec.hard", {"storage": "1Ti"}),
        "spec.hard['storage'] 'storage' is not a standard resource for quota: use requests.storage, or count objects with 'count/<resource>'",
    ),
    (
        "quota-negative",
        quota,
        put("spec.hard", {"requests.cpu": "-1"}),
        "spec.hard['requests.cpu'] '-1' is negative: a quota is >= 0",
    ),
    (
        "quota-integer",
        quota,
        put("spec.hard", {"pods": "1500m"}),
        "spec.hard['pods'] '1500m' is not a whole number: pods is counted",
    ),
    (
        "quota-not-a-quantity",
        quota,
        put("spec.hard", {"pods": "ten"}),
        "spec.hard['pods'] 'ten' is not a Kubernetes quantity; expected a number with an optional suffix: "
        "Ki Mi Gi Ti Pi Ei (binary), n u m k M G T P E (decimal), or an exponent such as 1e3.",
    ),
    (
        "quota-scope",
        quota,
        put("spec.scopes", ["Everything"]),
        "spec.scopes[0] 'Everything' is not a supported scope: use one of BestEffort, CrossNamespacePodAffinity, NotBestEffort, NotTerminating, PriorityClass, Terminating",
    ),
    (
        "quota-scope-selector",
        quota,
        put(
            "spec.scopeSelector",
            {"matchExpressions": [{"scopeName": "NotBestEffort", "operator": "In", "values": ["x"]}]},
        ),
        "spec.scopeSelector.matchExpressions[0].operator 'In' does not fit scope NotBestEffort: use Exists",
    ),
    (
        "quota-scope-selector-does-not-exist",
        quota,
        put(
            "spec.scopeSelector",
            {"matchExpressions": [{"scopeName": "Terminating", "operator": "DoesNotExist"}]},
        ),
        "spec.scopeSelector.matchExpressions[0].operator 'DoesNotExist' does not fit scope Terminating: use Exists",
    ),
    (
        "quota-scope-selector-resource",
        quota,
        put("spec.scopeSelector", {"matchExpressions": [{"scopeName": "BestEffort", "operator": "Exists"}]}),
        "spec.scopeSelector.matchExpressions[0].scopeName 'BestEffort' does not apply to resource "
        "'requests.cpu': a BestEffort quota can only limit pods",
    ),
    (
        "quota-scope-selector-conflict",
        quota,
        put(
            "spec.scopeSelector",
            {
                "matchExpressions": [
                    {"scopeName": "Terminating", "operator": "Exists"},
                    {"scopeName": "NotTerminating", "operator": "Exists"},
                ]
            },
        ),
        "spec.scopeSelector.matchExpressions ['Terminating', 'NotTerminating'] has conflicting scopes "
        "Terminating and NotTerminating: keep one",
    ),
    (
        "quota-scope-hugepages",
        quota,
        put("spec", {"hard": {"requests.hugepages-2Mi": "1Gi"}, "scopes": ["NotTerminating"]}),
        "spec.scopes[0] 'NotTerminating' does not apply to resource 'requests.hugepages-2Mi': a NotTerminating "
        "quota can only limit cpu, limits.cpu, limits.memory, memory, pods, requests.cpu, requests.memory",
    ),
    (
        "limits-type",
        limits,
        put("spec.limits.0.type", "Node"),
        "spec.limits[0].type 'Node' is not a standard limit type: use one of Container, PersistentVolumeClaim, Pod",
    ),
    (
        "limits-min-max",
        limits,
        put("spec.limits.0", {"type": "Container", "min": {"cpu": "3"}, "max": {"cpu": "2"}}),
        "spec.limits[0].min['cpu'] '3' is greater than max '2'",
    ),
    (
        "limits-not-a-quantity",
        limits,
        put("spec.limits.0.max", {"cpu": "2 cores"}),
        "spec.limits[0].max['cpu'] '2 cores' is not a Kubernetes quantity; expected a number with an optional "
        "suffix: Ki Mi Gi Ti Pi Ei (binary), n u m k M G T P E (decimal), or an exponent such as 1e3.",
    ),
    (
        "limits-default",
        limits,
        put("spec.limits.0.default", {"cpu": "4"}),
        "spec.limits[0].default['cpu'] '4' is greater than max '2'",
    ),
    (
        "limits-pod-default",
        limits,
        put("spec.limits.0.type", "Pod"),
        "spec.limits[0].default may not be set for type Pod: defaults apply per container, use type Container",
    ),
    (
        "limits-ratio",
        limits,
        put("spec.limits.0.maxLimitRequestRatio", {"cpu": "0.5"}),
        "spec.limits[0].maxLimitRequestRatio['cpu'] '0.5' is less than 1",
    ),
    (
        "priority-value",
        priority,
        put("value", 1_000_000_001),
        "value 1000000001 is above 1000000000, the highest priority a user-defined class may have (higher ones are the system classes'): lower it",
    ),
    (
        "priority-system",
        priority,
        put("metadata.name", "system-high"),
        "metadata.name 'system-high' starts with 'system-', which is reserved for the built-in classes (system-node-critical, system-cluster-critical): pick another name",
    ),
    (
        "priority-preemption",
        priority,
        put("preemptionPolicy", "Sometimes"),
        "preemptionPolicy 'Sometimes' is not supported: use one of Never, PreemptLowerPriority",
    ),
]


@pytest.mark.parametrize("make", [hpa, pdb, role, binding, cluster_binding, quota, limits, priority])
def test_valid_objects_pass(make: Callable[[], Doc]) -> None:
    assert check_object(make(), "t/x") == []


@pytest.mark.parametrize(("rule", "make", "mutate", "message"), CATALOGUE, ids=[row[0] for row in CATALOGUE])
def test_rule(rule: str, make: Callable[[], Doc], mutate: Callable[[Doc], None], message: str) -> None:
    doc = make()
    mutate(doc)
    assert [p.message for p in check_object(doc, "t/x")] == [message]


@pytest.mark.parametrize(
    ("make", "mutate"),
    [
        (pdb, put("spec", {"selector": {"matchLabels": {"app": "web"}}})),  # neither: every eviction allowed
        (pdb, put("spec.maxUnavailable", 0)),  # refused by podkit's construct only
        (hpa, put("spec.metrics", [])),  # defaulted to CPU 80%
        (hpa, put("spec.behavior.scaleDown", {"stabilizationWindowSeconds": 0})),  # policies defaulted
        (hpa, put("spec.behavior.scaleUp", {"selectPolicy": "Disabled"})),  # policies defaulted
        (role, put("metadata.name", "system:controller:web")),  # path-segment names only
        (role, put("rules.0.resources", ["deployment"])),  # the server checks no resource names
        # resource names over several resources: validatePolicyRule has no rule against it
        (role, lambda d: d["rules"][0].update(resources=["configmaps", "secrets"], resourceNames=["a"])),
        # v1 SetDefaults_Subject: a User or Group without apiGroup gets rbac.authorization.k8s.io
        (binding, put("subjects", [{"kind": "User", "name": "jane"}, {"kind": "Group", "name": "oncall"}])),
        (cluster_binding, put("subjects", [{"kind": "Group", "name": "system:authenticated"}])),
        (quota, put("spec.hard", {"count/deployments.apps": "3", "requests.nvidia.com/gpu": "2"})),
        (priority, lambda d: d.update(metadata={"name": "system-node-critical"}, value=2_000_001_000)),
    ],
)
def test_accepts_what_the_server_accepts(make: Callable[[], Doc], mutate: Callable[[Doc], None]) -> None:
    doc = make()
    mutate(doc)
    assert check_object(doc, "t/x") == []


def test_wrong_types_never_raise() -> None:
    for make in (hpa, pdb, role, binding, quota, limits, priority):
        junks: tuple[object, ...] = (None, 1, "x", [], {})
        for junk in junks:
            for key in ("spec", "rules", "subjects", "roleRef", "value", "metadata"):
                doc = copy.deepcopy(make())
                doc[key] = junk
                check_object(doc, "t/x")


def test_raw_objects_get_the_same_rules(chart: pk.Chart) -> None:
    cdk8s.ApiObject(
        chart, "raw-pdb", api_version="policy/v1", kind="PodDisruptionBudget", metadata={"name": "raw"}
    ).add_json_patch(cdk8s.JsonPatch.add("/spec", {"minAvailable": "150%"}))
    cdk8s.ApiObject(
        chart,
        "raw-binding",
        api_version="rbac.authorization.k8s.io/v1",
        kind="RoleBinding",
        metadata={"name": "raw"},
    ).add_json_patch(
        cdk8s.JsonPatch.add(
            "/roleRef", {"apiGroup": "rbac.authorization.k8s.io", "kind": "Secret", "name": "x"}
        )
    )
    with pytest.raises(pk.SynthError) as e:
        chart.to_json()
    assert sorted(p.message for p in e.value.problems) == [
        "roleRef.kind 'Secret' is not supported: use Role or ClusterRole",
        "spec.minAvailable '150%' is above 100%: use at most '100%'",
    ]


def test_patched_podkit_objects_get_the_rules(chart: pk.Chart) -> None:
    d = pk.Deployment(
        chart,
        "web",
        main=pk.Container(name="web", image="nginx:1.27", resources=pk.Resources(cpu_request="1")),
    )
    h = pk.HorizontalPodAutoscaler(chart, "web-hpa", target=d, max_replicas=3)
    cdk8s.ApiObject.of(h).add_json_patch(cdk8s.JsonPatch.replace("/spec/maxReplicas", 0))
    with pytest.raises(pk.SynthError, match=r"spec.maxReplicas 0 is invalid: use an int of at least 1"):
        chart.to_json()


def test_empty_policies_on_a_raw_or_patched_autoscaler_are_refused(chart: pk.Chart) -> None:
    # the API server fills in policies only when the list is absent, then refuses an empty one
    raw = hpa()
    raw["metadata"]["name"] = "raw"
    raw["spec"]["behavior"] = {"scaleDown": {"policies": []}}
    cdk8s.ApiObject(
        chart, "raw-hpa", api_version=raw["apiVersion"], kind=raw["kind"], metadata=raw["metadata"]
    ).add_json_patch(cdk8s.JsonPatch.add("/spec", raw["spec"]))
    d = pk.Deployment(
        chart,
        "web",
        main=pk.Container(name="web", image="nginx:1.27", resources=pk.Resources(cpu_request="1")),
    )
    h = pk.HorizontalPodAutoscaler(
        chart,
        "web-hpa",
        target=d,
        max_replicas=3,
        scale_up=pk.ScalingRules(policies=[pk.ScalingPolicy.pods(1)], select_policy=pk.SelectPolicy.DISABLED),
    )
    cdk8s.ApiObject.of(h).add_json_patch(cdk8s.JsonPatch.replace("/spec/behavior/scaleUp/policies", []))
    with pytest.raises(pk.SynthError) as e:
        chart.to_json()
    assert sorted(p.message for p in e.value.problems) == [
        "spec.behavior.scaleDown.policies is empty: give at least one policy, or leave policies out for the defaults",
        "spec.behavior.scaleUp.policies is empty: give at least one policy, or leave policies out for the defaults",
    ]
