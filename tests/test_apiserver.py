"""The API server's validation rules, one catalogue row per rule (podkit issue #11 section 3).

Each row takes a valid object, breaks exactly one rule, and pins the exact problem
message. The comment above each row names the Kubernetes rule it mirrors
(k8s.io/kubernetes ``pkg/apis/core/validation``, ``apps/validation``, ``batch/validation``
and apimachinery ``util/validation``); messages themselves say what to do, not where
the rule lives.
"""

from __future__ import annotations

import base64
import copy
import json
from collections.abc import Callable
from typing import Any

import pytest

from podkit._rules import check_object
from podkit.errors import Problem

Doc = dict[str, Any]
Mutation = Callable[[Doc], None]


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


# -- valid objects: every field the rules look at, set to a value the API server accepts ----
LABELS = {"app": "web", "app.kubernetes.io/name": "web"}
POD_SPEC: Doc = {
    "restartPolicy": "Always",
    "serviceAccountName": "web",
    "nodeSelector": {"kubernetes.io/os": "linux"},
    "initContainers": [{"name": "proxy", "image": "envoyproxy/envoy:v1.30.1", "restartPolicy": "Always"}],
    "containers": [
        {
            "name": "web",
            "image": "ghcr.io/example/web:1.2.3@sha256:" + "a" * 64,
            "imagePullPolicy": "IfNotPresent",
            "ports": [
                {"containerPort": 8080, "name": "http"},
                {"containerPort": 53, "hostPort": 53, "protocol": "UDP", "name": "dns"},
            ],
            "env": [
                {"name": "MODE", "value": "prod"},
                {"name": "NODE", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}},
                {"name": "APP", "valueFrom": {"fieldRef": {"fieldPath": "metadata.labels['app']"}}},
                {
                    "name": "CPU",
                    "valueFrom": {"resourceFieldRef": {"resource": "limits.cpu", "divisor": "1m"}},
                },
                {
                    "name": "MEM",
                    "valueFrom": {"resourceFieldRef": {"resource": "requests.memory", "divisor": "1Mi"}},
                },
                {"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}},
                {"name": "URL", "valueFrom": {"configMapKeyRef": {"name": "cfg", "key": "url"}}},
            ],
            "envFrom": [{"configMapRef": {"name": "cfg"}, "prefix": "CFG_"}],
            "resources": {
                "requests": {"cpu": "250m", "memory": "64Mi", "nvidia.com/gpu": "1"},
                "limits": {"cpu": "1", "memory": "128Mi", "nvidia.com/gpu": "1"},
            },
            "livenessProbe": {
                "httpGet": {
                    "path": "/healthz",
                    "port": "http",
                    "httpHeaders": [{"name": "X-Probe", "value": "1"}],
                },
                "periodSeconds": 10,
                "successThreshold": 1,
            },
            "readinessProbe": {"tcpSocket": {"port": 8080}, "successThreshold": 2, "initialDelaySeconds": 0},
            "startupProbe": {"exec": {"command": ["cat", "/tmp/ready"]}, "failureThreshold": 30},
            "volumeMounts": [
                {"name": "cache", "mountPath": "/cache"},
                {"name": "config", "mountPath": "/etc/app/app.yaml", "subPath": "app.yaml"},
                {"name": "podinfo", "mountPath": "/etc/podinfo"},
                {"name": "logs", "mountPath": "/var/log/app", "readOnly": True},
                {"name": "creds", "mountPath": "/creds"},
            ],
        }
    ],
    "volumes": [
        {"name": "cache", "emptyDir": {"medium": "Memory", "sizeLimit": "256Mi"}},
        {
            "name": "config",
            "configMap": {
                "name": "cfg",
                "items": [{"key": "app.yaml", "path": "app.yaml", "mode": 0o644}],
                "defaultMode": 0o444,
            },
        },
        {
            "name": "podinfo",
            "downwardAPI": {
                "items": [
                    {"path": "labels", "fieldRef": {"fieldPath": "metadata.labels"}},
                    {
                        "path": "cpu",
                        "resourceFieldRef": {
                            "containerName": "web",
                            "resource": "limits.cpu",
                            "divisor": "1m",
                        },
                    },
                ]
            },
        },
        {"name": "logs", "hostPath": {"path": "/var/log", "type": "DirectoryOrCreate"}},
        {
            "name": "creds",
            "secret": {"secretName": "db", "items": [{"key": "password", "path": "db/password"}]},
        },
    ],
}


def template(restart: str = "Always") -> Doc:
    spec = copy.deepcopy(POD_SPEC)
    spec["restartPolicy"] = restart
    return {"metadata": {"labels": dict(LABELS)}, "spec": spec}


def pod() -> Doc:
    meta = {
        "name": "web",
        "namespace": "prod",
        "labels": dict(LABELS),
        "annotations": {"example.com/owner": "a"},
    }
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": copy.deepcopy(POD_SPEC)}


def deployment() -> Doc:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "labels": dict(LABELS)},
        "spec": {
            "replicas": 3,
            "selector": {
                "matchLabels": {"app": "web"},
                "matchExpressions": [{"key": "app.kubernetes.io/name", "operator": "In", "values": ["web"]}],
            },
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 0}},
            "template": template(),
        },
    }


def stateful_set() -> Doc:
    return {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": "db"},
        "spec": {
            "serviceName": "db",
            "replicas": 1,
            "podManagementPolicy": "Parallel",
            "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}},
            "selector": {"matchLabels": {"app": "web"}},
            "template": template(),
        },
    }


def daemon_set() -> Doc:
    return {
        "apiVersion": "apps/v1",
        "kind": "DaemonSet",
        "metadata": {"name": "agent"},
        "spec": {
            "selector": {"matchLabels": {"app": "web"}},
            "updateStrategy": {"type": "OnDelete"},
            "template": template(),
        },
    }


def replica_set() -> Doc:
    return {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {"name": "web-1"},
        "spec": {"replicas": 0, "selector": {"matchLabels": {"app": "web"}}, "template": template()},
    }


def job() -> Doc:
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": "migrate"},
        "spec": {
            "completions": 1,
            "parallelism": 1,
            "backoffLimit": 4,
            "ttlSecondsAfterFinished": 600,
            "template": template("OnFailure"),
        },
    }


def cron_job() -> Doc:
    return {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": {"name": "report"},
        "spec": {
            "schedule": "*/15 9-17 * JAN-DEC mon-fri",
            "timeZone": "Europe/Paris",
            "concurrencyPolicy": "Forbid",
            "startingDeadlineSeconds": 60,
            "jobTemplate": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"backoffLimit": 2, "template": template("Never")},
            },
        },
    }


def service() -> Doc:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web"},
        "spec": {
            "type": "NodePort",
            "selector": {"app": "web"},
            "ports": [
                {"name": "http", "port": 80, "targetPort": "http", "nodePort": 30080},
                {"name": "dns", "port": 53, "protocol": "UDP", "targetPort": 53},
            ],
        },
    }


def secret() -> Doc:
    config = json.dumps({"auths": {"ghcr.io": {"auth": b64("robot:hunter2")}}})
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "regcred"},
        "type": "kubernetes.io/dockerconfigjson",
        "data": {".dockerconfigjson": b64(config)},
    }


def opaque_secret() -> Doc:
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "db"},
        "data": {"password": b64("hunter2")},
    }


def config_map() -> Doc:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "cfg"},
        "data": {"app.yaml": "a: 1\n", "url": "http://x"},
        "binaryData": {"logo.png": b64("PNG")},
    }


def namespace() -> Doc:
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "prod"}}


def service_account() -> Doc:
    return {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "web", "namespace": "prod"}}


def pvc() -> Doc:
    spec = {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "10Gi"}}}
    return {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "data"}, "spec": spec}


def cluster_role() -> Doc:
    """A kind podkit has no rules for: only metadata is checked (':' is fine in RBAC names)."""
    return {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "ClusterRole",
        "metadata": {"name": "system:reader"},
    }


VALID = [
    pod,
    deployment,
    stateful_set,
    daemon_set,
    replica_set,
    job,
    cron_job,
    service,
    secret,
    opaque_secret,
    config_map,
    namespace,
    service_account,
    pvc,
    cluster_role,
]


# -- mutations ---------------------------------------------------------------------------------
def _parent(doc: Doc, path: tuple[Any, ...]) -> Any:
    node: Any = doc
    for key in path[:-1]:
        node = node[key]
    return node


def put(path: tuple[Any, ...], value: Any) -> Mutation:
    def mutate(doc: Doc) -> None:
        _parent(doc, path)[path[-1]] = value

    return mutate


def drop(path: tuple[Any, ...]) -> Mutation:
    def mutate(doc: Doc) -> None:
        del _parent(doc, path)[path[-1]]

    return mutate


def append(path: tuple[Any, ...], value: Any) -> Mutation:
    def mutate(doc: Doc) -> None:
        _parent(doc, path)[path[-1]].append(value)

    return mutate


def both(*mutations: Mutation) -> Mutation:
    def mutate(doc: Doc) -> None:
        for m in mutations:
            m(doc)

    return mutate


Row = tuple[str, Callable[[], Doc], Mutation, "str | list[str]"]


def _generated_name(doc: Doc) -> None:
    doc["metadata"].pop("name")
    doc["metadata"]["generateName"] = "web-"


CATALOGUE: list[Row] = [
    # ValidateObjectMeta + NameIsDNSSubdomain
    (
        "name-subdomain",
        pod,
        put(("metadata", "name"), "Web_1"),
        "metadata.name 'Web_1' is not a valid DNS-1123 subdomain: use at most 253 lower-case letters, digits, '-' and '.', starting and ending with a letter or digit (e.g. 'web-1')",
    ),
    # NameIsDNSSubdomain (full match)
    (
        "name-trailing-newline",
        pod,
        put(("metadata", "name"), "web\n"),
        "metadata.name 'web\\n' is not a valid DNS-1123 subdomain: use at most 253 lower-case letters, digits, '-' and '.', starting and ending with a letter or digit (e.g. 'web')",
    ),
    # ValidateObjectMeta: name or generateName is required
    ("name-missing", pod, drop(("metadata", "name")), "metadata.name is missing: every object needs a name"),
    # kubectl apply needs metadata.name: generateName alone is a podkit rule (the server accepts it)
    (
        "generate-name",
        pod,
        _generated_name,
        "metadata.generateName is set without a name: kubectl apply cannot create objects with a generated name; set metadata.name instead",
    ),
    # ValidateObjectMeta: generateName is a prefix of a name of the kind's format
    (
        "generate-name-format",
        pod,
        put(("metadata", "generateName"), "Web_"),
        "metadata.generateName 'Web_' is not a valid DNS-1123 subdomain: use at most 253 lower-case letters, digits, '-' and '.', starting and ending with a letter or digit (e.g. 'web')",
    ),
    # ValidateServiceName = NameIsDNS1035Label
    (
        "service-name-1035",
        service,
        put(("metadata", "name"), "1web"),
        "metadata.name '1web' is not a valid DNS-1035 label: use at most 63 lower-case letters, digits and '-', starting with a letter and ending with a letter or digit (e.g. 'x-1web')",
    ),
    # ValidateNamespaceName = NameIsDNSLabel
    (
        "namespace-name-label",
        namespace,
        put(("metadata", "name"), "team.prod"),
        "metadata.name 'team.prod' is not a valid DNS-1123 label: use at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit (e.g. 'team-prod')",
    ),
    # ValidateObjectMeta: namespace is a DNS label
    (
        "namespace-label",
        pod,
        put(("metadata", "namespace"), "Prod"),
        "metadata.namespace 'Prod' is not a valid DNS-1123 label: use at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit (e.g. 'prod')",
    ),
    # ValidateLabels: IsQualifiedName(key)
    (
        "label-key",
        pod,
        put(("metadata", "labels", "-bad"), "x"),
        "metadata.labels key '-bad' is invalid: use an optional DNS subdomain prefix and '/', then at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit (e.g. 'app.kubernetes.io/name')",
    ),
    # IsQualifiedName (full match)
    (
        "label-key-newline",
        pod,
        put(("metadata", "labels", "app\n"), "x"),
        "metadata.labels key 'app\\n' is invalid: use an optional DNS subdomain prefix and '/', then at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit (e.g. 'app.kubernetes.io/name')",
    ),
    # ValidateLabels: IsValidLabelValue
    (
        "label-value",
        pod,
        put(("metadata", "labels", "tier"), "front end"),
        "metadata.labels['tier'] has invalid value 'front end': use at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit, or an empty string",
    ),
    # IsValidLabelValue (full match)
    (
        "label-value-newline",
        pod,
        put(("metadata", "labels", "tier"), "web\n"),
        "metadata.labels['tier'] has invalid value 'web\\n': use at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit, or an empty string",
    ),
    # ValidateAnnotations: IsQualifiedName(lower(key))
    (
        "annotation-key",
        pod,
        put(("metadata", "annotations", "example.com/a b"), "x"),
        "metadata.annotations key 'example.com/a b' is invalid: use an optional DNS subdomain prefix and '/', then at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit (e.g. 'app.kubernetes.io/name')",
    ),
    # ValidateAnnotationsSize: TotalAnnotationSizeLimitB (256 KiB)
    (
        "annotations-size",
        pod,
        put(("metadata", "annotations", "big"), "x" * 262144),
        "metadata.annotations total 262165 bytes, more than the 262144 (256 KiB) allowed: move large data to a ConfigMap",
    ),
    # path segment names (ValidatePathSegmentName)
    (
        "unknown-kind-name",
        cluster_role,
        put(("metadata", "name"), "a/b"),
        "metadata.name 'a/b' cannot be used in a URL path: remove '/' and '%' (and not '.' or '..')",
    ),
    # ValidatePodTemplateSpec: labels
    (
        "template-label",
        deployment,
        put(("spec", "template", "metadata", "labels", "bad key"), "web"),
        "spec.template.metadata.labels key 'bad key' is invalid: use an optional DNS subdomain prefix and '/', then at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit (e.g. 'app.kubernetes.io/name')",
    ),
    # validateContainers: Required
    (
        "containers-empty",
        pod,
        put(("spec", "containers"), []),
        "spec.containers is empty: a pod needs at least one container",
    ),
    # validateInitContainers: Duplicate name (init containers share the regular containers' names)
    (
        "container-name-unique",
        pod,
        put(("spec", "initContainers", 0, "name"), "web"),
        "spec.initContainers[0].name 'web' is used by spec.containers[0].name: give each container its own name",
    ),
    # validateContainerCommon: IsDNS1123Label
    (
        "container-name-label",
        pod,
        put(("spec", "containers", 0, "name"), "web.server"),
        "spec.containers[0].name 'web.server' is not a valid DNS-1123 label: use at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit (e.g. 'web-server')",
    ),
    # validateRestartPolicy
    (
        "restart-policy-enum",
        pod,
        put(("spec", "restartPolicy"), "Sometimes"),
        "spec.restartPolicy 'Sometimes' is not supported here: use one of Always, OnFailure, Never",
    ),
    # ValidateDeploymentSpec: template restartPolicy Always
    (
        "restart-policy-workload",
        deployment,
        put(("spec", "template", "spec", "restartPolicy"), "Never"),
        "spec.template.spec.restartPolicy 'Never' is not supported here: use Always",
    ),
    # ValidateJobSpec: OnFailure or Never
    (
        "restart-policy-job",
        job,
        put(("spec", "template", "spec", "restartPolicy"), "Always"),
        "spec.template.spec.restartPolicy 'Always' is not supported here: use one of OnFailure, Never",
    ),
    # ValidateJobSpec: default Always is not allowed
    (
        "restart-policy-job-missing",
        job,
        drop(("spec", "template", "spec", "restartPolicy")),
        "spec.template.spec.restartPolicy is missing: use one of OnFailure, Never (the default Always is not allowed here)",
    ),
    # validateContainers: restartPolicy forbidden on regular containers
    (
        "container-restart-regular",
        pod,
        put(("spec", "containers", 0, "restartPolicy"), "Always"),
        "spec.containers[0].restartPolicy 'Always' is only allowed on init containers (sidecars): remove it, or make this an init container",
    ),
    # validateInitContainers: restartPolicy only Always
    (
        "container-restart-init",
        pod,
        put(("spec", "initContainers", 0, "restartPolicy"), "OnFailure"),
        "spec.initContainers[0].restartPolicy 'OnFailure' is not supported: the only value is 'Always' (a sidecar)",
    ),
    # validateContainers: image Required
    (
        "image-missing",
        pod,
        put(("spec", "containers", 0, "image"), ""),
        "spec.containers[0].image is missing: set an image such as 'nginx:1.27'",
    ),
    # validateContainerOnlyForPod: no leading or trailing whitespace (bare Pods only)
    (
        "image-space",
        pod,
        put(("spec", "containers", 0, "image"), " nginx:1.27"),
        "spec.containers[0].image ' nginx:1.27' has leading or trailing whitespace: use 'nginx:1.27'",
    ),
    # validateInitContainers: probes only on restartable init containers (sidecars)
    (
        "init-container-probe",
        pod,
        both(
            drop(("spec", "initContainers", 0, "restartPolicy")),
            put(("spec", "initContainers", 0, "readinessProbe"), {"tcpSocket": {"port": 9901}}),
        ),
        "spec.initContainers[0].readinessProbe is only allowed on init containers with restartPolicy Always "
        "(sidecars): remove it, or set restartPolicy: Always",
    ),
    # validatePullPolicy
    (
        "image-pull-policy",
        pod,
        put(("spec", "containers", 0, "imagePullPolicy"), "Sometimes"),
        "spec.containers[0].imagePullPolicy 'Sometimes' is not supported: use one of Always, Never, IfNotPresent",
    ),
    # validateContainerPorts: containerPort IsValidPortNum
    (
        "container-port-range",
        pod,
        put(("spec", "containers", 0, "ports", 0, "containerPort"), 0),
        "spec.containers[0].ports[0].containerPort 0 is out of range: use a port between 1 and 65535",
    ),
    # validateContainerPorts: hostPort IsValidPortNum
    (
        "host-port-range",
        pod,
        put(("spec", "containers", 0, "ports", 1, "hostPort"), 70000),
        "spec.containers[0].ports[1].hostPort 70000 is out of range: use a port between 1 and 65535, or leave it out",
    ),
    # AccumulateUniqueHostPorts
    (
        "host-port-twice",
        pod,
        append(
            ("spec", "containers"),
            {
                "name": "dns2",
                "image": "coredns/coredns:1.11.1",
                "ports": [{"containerPort": 53, "hostPort": 53, "protocol": "UDP"}],
            },
        ),
        "spec.containers[1].ports[0].hostPort 53/UDP is already used by spec.containers[0].ports[1].hostPort: a node port can be bound once per pod; use another hostPort",
    ),
    # validateContainerPorts: protocol enum
    (
        "port-protocol",
        pod,
        put(("spec", "containers", 0, "ports", 0, "protocol"), "HTTP"),
        "spec.containers[0].ports[0].protocol 'HTTP' is not supported: use one of TCP, UDP, SCTP",
    ),
    # validateContainerPorts: IsValidPortName
    (
        "port-name",
        pod,
        put(("spec", "containers", 0, "ports", 1, "name"), "dns--alt"),
        "spec.containers[0].ports[1].name 'dns--alt' is not a valid IANA service name: use at most 15 lower-case letters, digits and '-', with at least one letter (e.g. 'http')",
    ),
    # IsValidPortName (full match)
    (
        "port-name-newline",
        pod,
        both(
            put(("spec", "containers", 0, "ports", 0, "name"), "http\n"),
            put(("spec", "containers", 0, "livenessProbe", "httpGet", "port"), 8080),
        ),
        "spec.containers[0].ports[0].name 'http\\n' is not a valid IANA service name: use at most 15 lower-case letters, digits and '-', with at least one letter (e.g. 'http')",
    ),
    # validateContainerPorts: Duplicate name
    (
        "port-name-unique",
        pod,
        put(("spec", "containers", 0, "ports", 1, "name"), "http"),
        "spec.containers[0].ports[1].name 'http' is used by another port of this container: give each port its own name",
    ),
    # ValidateEnv: IsRelaxedEnvVarName (RelaxedEnvironmentVariableValidation, on in 1.33)
    (
        "env-name",
        pod,
        put(("spec", "containers", 0, "env", 0, "name"), "MY=VAR"),
        "spec.containers[0].env[0].name 'MY=VAR' is invalid: use printable ASCII characters other than '=' (e.g. 'MY_VAR')",
    ),
    # IsEnvVarName (full match)
    (
        "env-name-newline",
        pod,
        put(("spec", "containers", 0, "env", 0, "name"), "MODE\n"),
        "spec.containers[0].env[0].name 'MODE\\n' is invalid: use printable ASCII characters other than '=' (e.g. 'MODE')",
    ),
    # validateEnvVarValueFrom: value and valueFrom exclusive
    (
        "env-value-and-from",
        pod,
        put(("spec", "containers", 0, "env", 1, "value"), "x"),
        "spec.containers[0].env[1] has both value and valueFrom: keep one",
    ),
    # validateEnvVarValueFrom: exactly one source
    (
        "env-value-from-one",
        pod,
        put(("spec", "containers", 0, "env", 1, "valueFrom", "configMapKeyRef"), {"name": "cfg", "key": "a"}),
        "spec.containers[0].env[1].valueFrom must have exactly one of fieldRef, resourceFieldRef, configMapKeyRef, secretKeyRef (found: fieldRef, configMapKeyRef)",
    ),
    # validateObjectFieldSelector: validEnvDownwardAPIFieldPathExpressions
    (
        "env-field-path",
        pod,
        put(("spec", "containers", 0, "env", 1, "valueFrom", "fieldRef", "fieldPath"), "spec.garbage"),
        "spec.containers[0].env[1].valueFrom.fieldRef.fieldPath 'spec.garbage' is not a field path Kubernetes accepts: use a PodField (metadata.name, metadata.namespace, metadata.uid, spec.nodeName, spec.serviceAccountName, status.hostIP, status.hostIPs, status.podIP, status.podIPs) or FieldRef.label('KEY') / FieldRef.annotation('KEY')",
    ),
    # validEnvDownwardAPIFieldPathExpressions: metadata.labels only in volumes
    (
        "env-field-whole-labels",
        pod,
        put(("spec", "containers", 0, "env", 1, "valueFrom", "fieldRef", "fieldPath"), "metadata.labels"),
        "spec.containers[0].env[1].valueFrom.fieldRef.fieldPath 'metadata.labels' (every label/annotation) is only available in a downwardAPI volume: for one key use FieldRef.label('KEY') / FieldRef.annotation('KEY')",
    ),
    # validateObjectFieldSelector: subscript key IsQualifiedName
    (
        "env-field-subscript-key",
        pod,
        put(
            ("spec", "containers", 0, "env", 2, "valueFrom", "fieldRef", "fieldPath"),
            "metadata.labels['a b']",
        ),
        "spec.containers[0].env[2].valueFrom.fieldRef.fieldPath key 'a b' is invalid: use an optional DNS subdomain prefix and '/', then at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit (e.g. 'app.kubernetes.io/name')",
    ),
    # validateContainerResourceFieldSelector: resource
    (
        "env-resource",
        pod,
        put(("spec", "containers", 0, "env", 3, "valueFrom", "resourceFieldRef", "resource"), "limits.gpu"),
        "spec.containers[0].env[3].valueFrom.resourceFieldRef.resource 'limits.gpu' is not supported: use limits.cpu, limits.memory, limits.ephemeral-storage, requests.cpu, requests.memory or requests.ephemeral-storage",
    ),
    # validateContainerResourceDivisor: cpu 1m or 1
    (
        "env-divisor-cpu",
        pod,
        put(("spec", "containers", 0, "env", 3, "valueFrom", "resourceFieldRef", "divisor"), "1Mi"),
        "spec.containers[0].env[3].valueFrom.resourceFieldRef.divisor '1Mi' is not supported for limits.cpu: use '1m', '1'",
    ),
    # validateContainerResourceDivisor: memory
    (
        "env-divisor-memory",
        pod,
        put(("spec", "containers", 0, "env", 4, "valueFrom", "resourceFieldRef", "divisor"), "1MB"),
        "spec.containers[0].env[4].valueFrom.resourceFieldRef.divisor '1MB' is not supported for requests.memory: use '1', '1k', '1M', '1G', '1T', '1P', '1E', '1Ki', '1Mi', '1Gi', '1Ti', '1Pi', '1Ei'",
    ),
    # validateSecretKeySelector: IsConfigMapKey
    (
        "env-key-ref-key",
        pod,
        put(("spec", "containers", 0, "env", 5, "valueFrom", "secretKeyRef", "key"), "a/b"),
        "spec.containers[0].env[5].valueFrom.secretKeyRef.key 'a/b' is not a valid ConfigMap/Secret key: use at most 253 letters, digits, '-', '_' and '.' (and not '.', '..' or a name starting with '..')",
    ),
    # validateConfigMapKeySelector: name Required
    (
        "env-key-ref-name",
        pod,
        drop(("spec", "containers", 0, "env", 6, "valueFrom", "configMapKeyRef", "name")),
        "spec.containers[0].env[6].valueFrom.configMapKeyRef.name is missing: name the configMap to read from",
    ),
    # ValidateEnvFrom: IsRelaxedEnvVarName(prefix)
    (
        "env-from-prefix",
        pod,
        put(("spec", "containers", 0, "envFrom", 0, "prefix"), "CFG="),
        "spec.containers[0].envFrom[0].prefix 'CFG=' is invalid: use printable ASCII characters other than '=' (e.g. 'CFG_')",
    ),
    # ValidateEnvFrom: exactly one of configMapRef, secretRef
    (
        "env-from-one",
        pod,
        put(("spec", "containers", 0, "envFrom", 0, "secretRef"), {"name": "db"}),
        "spec.containers[0].envFrom[0] must have exactly one of configMapRef, secretRef (found: configMapRef, secretRef)",
    ),
    # validateConfigMapEnvSource / validateSecretEnvSource: name required (what a cdk8s-plus
    # consumer of an object without a name would write: configMapRef: {})
    (
        "env-from-name",
        pod,
        put(("spec", "containers", 0, "envFrom", 0, "configMapRef"), {}),
        "spec.containers[0].envFrom[0].configMapRef.name is missing: name the ConfigMap whose keys become variables",
    ),
    # ValidateVolumeMounts: name must be a pod volume
    (
        "mount-volume",
        pod,
        put(("spec", "containers", 0, "volumeMounts", 0, "name"), "missing"),
        "spec.containers[0].volumeMounts[0].name 'missing' is not a volume of this pod (volumes: cache, config, creds, logs, podinfo): add the volume to the pod",
    ),
    # ValidateVolumeMounts: mountPath unique
    (
        "mount-path-twice",
        pod,
        put(("spec", "containers", 0, "volumeMounts", 2, "mountPath"), "/cache"),
        "spec.containers[0].volumeMounts[2].mountPath '/cache' is already mounted in this container: use another path",
    ),
    # ValidateVolumeMounts: validateLocalDescendingPath(subPath)
    (
        "sub-path-absolute",
        pod,
        put(("spec", "containers", 0, "volumeMounts", 1, "subPath"), "/etc/app.yaml"),
        "spec.containers[0].volumeMounts[1].subPath '/etc/app.yaml' must be a relative path inside the volume without a '..' element (e.g. 'etc/app.yaml')",
    ),
    # validateLocalDescendingPath: no '..' element
    (
        "sub-path-dotdot",
        pod,
        put(("spec", "containers", 0, "volumeMounts", 1, "subPath"), "../app.yaml"),
        "spec.containers[0].volumeMounts[1].subPath '../app.yaml' must be a relative path inside the volume without a '..' element (e.g. 'app.yaml')",
    ),
    # ValidateVolumeMounts: subPath and subPathExpr exclusive
    (
        "sub-path-expr",
        pod,
        put(("spec", "containers", 0, "volumeMounts", 1, "subPathExpr"), "$(POD)"),
        "spec.containers[0].volumeMounts[1] has both subPath and subPathExpr: keep one",
    ),
    # ValidateVolumes: Duplicate name
    (
        "volume-name-unique",
        pod,
        both(
            put(("spec", "volumes", 1, "name"), "cache"),
            put(("spec", "containers", 0, "volumeMounts", 1, "name"), "cache"),
        ),
        "spec.volumes[1].name 'cache' is used by another volume of this pod: give each volume its own name",
    ),
    # validateVolumeSource: exactly one type
    (
        "volume-one-source",
        pod,
        put(("spec", "volumes", 0, "hostPath"), {"path": "/tmp"}),
        "spec.volumes[0] must have exactly one volume source (found: emptyDir, hostPath)",
    ),
    # validateHostPathVolumeSource: validatePathNoBacksteps
    (
        "host-path-dotdot",
        pod,
        put(("spec", "volumes", 3, "hostPath", "path"), "/var/log/../../etc"),
        "spec.volumes[3].hostPath.path '/var/log/../../etc' must not contain a '..' element: write the resolved path",
    ),
    # validateKeyToPath: IsConfigMapKey
    (
        "item-key",
        pod,
        put(("spec", "volumes", 1, "configMap", "items", 0, "key"), ""),
        "spec.volumes[1].configMap.items[0].key is missing: name the key to write",
    ),
    # validateKeyToPath: validateLocalNonReservedPath
    (
        "item-path-absolute",
        pod,
        put(("spec", "volumes", 1, "configMap", "items", 0, "path"), "/etc/app.yaml"),
        "spec.volumes[1].configMap.items[0].path '/etc/app.yaml' must be a relative path without a '..' element and not starting with '..' (e.g. 'etc/app.yaml')",
    ),
    # validateLocalNonReservedPath: must not start with '..'
    (
        "item-path-dotdot-prefix",
        pod,
        put(("spec", "volumes", 4, "secret", "items", 0, "path"), "..db"),
        "spec.volumes[4].secret.items[0].path '..db' must be a relative path without a '..' element and not starting with '..' (e.g. 'db')",
    ),
    # validateKeyToPath: mode 0-0777
    (
        "item-mode",
        pod,
        put(("spec", "volumes", 1, "configMap", "items", 0, "mode"), 1023),
        "spec.volumes[1].configMap.items[0].mode 1023 is not a file mode: use a value from 0 to 0777 (511), e.g. 0644 (420)",
    ),
    # validateConfigMapVolumeSource: defaultMode 0-0777
    (
        "default-mode",
        pod,
        put(("spec", "volumes", 1, "configMap", "defaultMode"), 1000),
        "spec.volumes[1].configMap.defaultMode 1000 is not a file mode: use a value from 0 to 0777 (511), e.g. 0644 (420)",
    ),
    # validateDownwardAPIVolumeFile: resourceFieldRef containerName Required
    (
        "downward-container",
        pod,
        put(("spec", "volumes", 2, "downwardAPI", "items", 1, "resourceFieldRef", "containerName"), ""),
        "spec.volumes[2].downwardAPI.items[1].resourceFieldRef.containerName is missing: a downwardAPI volume must name the container whose resource it reads",
    ),
    # validVolumeDownwardAPIFieldPathExpressions
    (
        "downward-field",
        pod,
        put(("spec", "volumes", 2, "downwardAPI", "items", 0, "fieldRef", "fieldPath"), "spec.nodeName"),
        "spec.volumes[2].downwardAPI.items[0].fieldRef.fieldPath 'spec.nodeName' is only available as an env var (EnvValue.from_field); volumes support metadata.* fields and resources",
    ),
    # validateHandler: exactly one handler
    (
        "probe-one-handler",
        pod,
        put(("spec", "containers", 0, "readinessProbe", "exec"), {"command": ["true"]}),
        "spec.containers[0].readinessProbe must have exactly one of exec, httpGet, tcpSocket, grpc (found: exec, tcpSocket)",
    ),
    # validateProbe: livenessProbe successThreshold must be 1
    (
        "probe-liveness-success",
        pod,
        put(("spec", "containers", 0, "livenessProbe", "successThreshold"), 2),
        "spec.containers[0].livenessProbe.successThreshold 2 is invalid for a livenessProbe: it must be 1 (remove it)",
    ),
    # validateProbe: startupProbe successThreshold must be 1
    (
        "probe-startup-success",
        pod,
        put(("spec", "containers", 0, "startupProbe", "successThreshold"), 3),
        "spec.containers[0].startupProbe.successThreshold 3 is invalid for a startupProbe: it must be 1 (remove it)",
    ),
    # validateHTTPHeader: IsHTTPHeaderName
    (
        "probe-header",
        pod,
        put(("spec", "containers", 0, "livenessProbe", "httpGet", "httpHeaders", 0, "name"), "X Probe"),
        "spec.containers[0].livenessProbe.httpGet.httpHeaders[0].name 'X Probe' is not a valid HTTP header name: use letters, digits and '-' (e.g. 'X-Probe')",
    ),
    # ValidatePortNumOrName
    (
        "probe-port-range",
        pod,
        put(("spec", "containers", 0, "readinessProbe", "tcpSocket", "port"), 0),
        "spec.containers[0].readinessProbe.tcpSocket.port 0 is out of range: use a port between 1 and 65535 or a declared port name",
    ),
    # validateProbe: ValidateNonnegativeField (0 is defaulted to 10)
    (
        "probe-period",
        pod,
        put(("spec", "containers", 0, "livenessProbe", "periodSeconds"), -1),
        "spec.containers[0].livenessProbe.periodSeconds -1 is invalid: use a non-negative int",
    ),
    # validateProbe: timeoutSeconds positive
    (
        "probe-timeout",
        pod,
        put(("spec", "containers", 0, "readinessProbe", "timeoutSeconds"), -1),
        "spec.containers[0].readinessProbe.timeoutSeconds -1 is invalid: use a non-negative int",
    ),
    # ValidateResourceQuantityValue
    (
        "resources-quantity",
        pod,
        put(("spec", "containers", 0, "resources", "limits", "memory"), "128MB"),
        "spec.containers[0].resources.limits['memory'] '128MB' is not a non-negative Kubernetes quantity: use a number with an optional suffix (Ki Mi Gi Ti Pi Ei, n u m k M G T P E)",
    ),
    # ValidateResourceRequirements: request <= limit
    (
        "resources-request-limit",
        pod,
        put(("spec", "containers", 0, "resources", "requests", "cpu"), "2"),
        "spec.containers[0].resources.requests['cpu'] '2' is above its limit '1': lower the request or raise the limit",
    ),
    # validateContainerResourceName: standard resource
    (
        "resources-name",
        pod,
        put(("spec", "containers", 0, "resources", "limits", "gpu"), "1"),
        "spec.containers[0].resources.limits key 'gpu' is not a container resource: use cpu, memory, ephemeral-storage, hugepages-<size>, or an extended resource 'domain/name' (e.g. 'nvidia.com/gpu')",
    ),
    # ValidateResourceQuantityValue: extended resources are integers
    (
        "resources-extended-integer",
        pod,
        both(
            put(("spec", "containers", 0, "resources", "limits", "nvidia.com/gpu"), "500m"),
            put(("spec", "containers", 0, "resources", "requests", "nvidia.com/gpu"), "500m"),
        ),
        [
            "spec.containers[0].resources.limits['nvidia.com/gpu'] '500m' must be a whole number: extended resources are counted in units",
            "spec.containers[0].resources.requests['nvidia.com/gpu'] '500m' must be a whole number: extended resources are counted in units",
        ],
    ),
    # ValidateResourceRequirements: no overcommit of extended resources
    (
        "resources-extended-equal",
        pod,
        put(("spec", "containers", 0, "resources", "limits", "nvidia.com/gpu"), "2"),
        "spec.containers[0].resources.requests['nvidia.com/gpu'] '1' must equal its limit '2': nvidia.com/gpu cannot be overcommitted",
    ),
    # ValidateResourceRequirements: limit required for non-overcommitable
    (
        "resources-extended-limit",
        pod,
        drop(("spec", "containers", 0, "resources", "limits", "nvidia.com/gpu")),
        "spec.containers[0].resources.limits['nvidia.com/gpu'] is missing: nvidia.com/gpu needs a limit equal to its request '1'",
    ),
    # ValidateResourceRequirements: HugePages require cpu or memory
    (
        "resources-hugepages-cpu",
        pod,
        put(
            ("spec", "containers", 0, "resources"),
            {"limits": {"hugepages-2Mi": "4Mi"}, "requests": {"hugepages-2Mi": "4Mi"}},
        ),
        "spec.containers[0].resources requests hugepages without a cpu or memory request or limit: add one",
    ),
    # validateResourceQuantityHugePageValue: multiple of the page size
    (
        "resources-hugepages-page",
        pod,
        both(
            put(("spec", "containers", 0, "resources", "limits", "hugepages-2Mi"), "3Mi"),
            put(("spec", "containers", 0, "resources", "requests", "hugepages-2Mi"), "3Mi"),
        ),
        [
            "spec.containers[0].resources.limits['hugepages-2Mi'] '3Mi' is not a multiple of the page size 2Mi",
            "spec.containers[0].resources.requests['hugepages-2Mi'] '3Mi' is not a multiple of the page size 2Mi",
        ],
    ),
    # ValidateServiceAccountName
    (
        "service-account-name",
        pod,
        put(("spec", "serviceAccountName"), "Web"),
        "spec.serviceAccountName 'Web' is not a valid DNS-1123 subdomain: use at most 253 lower-case letters, digits, '-' and '.', starting and ending with a letter or digit (e.g. 'web')",
    ),
    # ValidateNodeSelector: labels
    (
        "node-selector",
        pod,
        put(("spec", "nodeSelector", "zone"), "eu west"),
        "spec.nodeSelector['zone'] has invalid value 'eu west': use at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit, or an empty string",
    ),
    # ValidateConfigMap: IsConfigMapKey
    (
        "configmap-key",
        config_map,
        put(("data", "a/b"), "x"),
        "data key 'a/b' is not a valid ConfigMap/Secret key: use at most 253 letters, digits, '-', '_' and '.' (and not '.', '..' or a name starting with '..')",
    ),
    # IsConfigMapKey (full match)
    (
        "configmap-key-newline",
        config_map,
        put(("data", "url\n"), "x"),
        "data key 'url\\n' is not a valid ConfigMap/Secret key: use at most 253 letters, digits, '-', '_' and '.' (and not '.', '..' or a name starting with '..')",
    ),
    # IsConfigMapKey: must not start with '..'
    (
        "configmap-key-dotdot",
        config_map,
        put(("data", "..data"), "x"),
        "data key '..data' is not a valid ConfigMap/Secret key: use at most 253 letters, digits, '-', '_' and '.' (and not '.', '..' or a name starting with '..')",
    ),
    # ValidateConfigMap: data and binaryData keys disjoint
    (
        "configmap-disjoint",
        config_map,
        put(("binaryData", "url"), "eA=="),
        "binaryData key 'url' is also a data key: a key can be in only one of them",
    ),
    # ValidateConfigMap: total size <= 1 MiB
    (
        "configmap-size",
        config_map,
        put(("data", "big"), "x" * 1048576),
        "data and binaryData total 1048592 bytes, more than the 1048576 (1 MiB) a ConfigMap may hold: split it or mount a volume",
    ),
    # ValidateSecret: IsConfigMapKey
    (
        "secret-key",
        opaque_secret,
        put(("data", "a b"), "eA=="),
        "data key 'a b' is not a valid ConfigMap/Secret key: use at most 253 letters, digits, '-', '_' and '.' (and not '.', '..' or a name starting with '..')",
    ),
    # Secret data is base64 (value not shown)
    (
        "secret-base64",
        opaque_secret,
        put(("data", "password"), "hunter2!"),
        "data['password'] is not base64 text (value not shown): encode it, or use stringData",
    ),
    # ValidateSecret: MaxSecretSize (1 MiB)
    (
        "secret-size",
        opaque_secret,
        put(("stringData",), {"big": "x" * 1048576}),
        "data and stringData total 1048583 bytes, more than the 1048576 (1 MiB) a Secret may hold: split it",
    ),
    # ValidateSecret: SecretTypeDockerConfigJSON needs .dockerconfigjson
    (
        "secret-dockerconfigjson-key",
        secret,
        put(("data",), {"config.json": "e30="}),
        "data['.dockerconfigjson'] is missing: a kubernetes.io/dockerconfigjson Secret needs the key '.dockerconfigjson' in data or stringData",
    ),
    # ValidateSecret: .dockerconfigjson is JSON
    (
        "secret-dockerconfigjson-json",
        secret,
        put(("data",), {".dockerconfigjson": "aHVudGVyMg=="}),
        "data['.dockerconfigjson'] is not a JSON object (value not shown): write registry credentials as JSON",
    ),
    # ValidateSecret: .dockercfg is a JSON object
    (
        "secret-dockercfg",
        secret,
        both(put(("type",), "kubernetes.io/dockercfg"), put(("data",), {".dockercfg": "WzFd"})),
        "data['.dockercfg'] is not a JSON object (value not shown): write registry credentials as JSON",
    ),
    # ValidateSecret: SecretTypeTLS needs tls.crt and tls.key
    (
        "secret-tls",
        secret,
        both(put(("type",), "kubernetes.io/tls"), put(("data",), {"tls.crt": "eA=="})),
        "data['tls.key'] is missing: a kubernetes.io/tls Secret needs the keys 'tls.crt' and 'tls.key' in data or stringData",
    ),
    # ValidateSecret: SecretTypeBasicAuth needs username or password
    (
        "secret-basic-auth",
        secret,
        both(put(("type",), "kubernetes.io/basic-auth"), put(("data",), {"user": "eA=="})),
        "data has neither 'username' nor 'password': a kubernetes.io/basic-auth Secret needs a 'username' or 'password' key in data or stringData",
    ),
    # ValidateSecret: SecretTypeSSHAuth needs ssh-privatekey
    (
        "secret-ssh-auth",
        secret,
        both(put(("type",), "kubernetes.io/ssh-auth"), put(("data",), {})),
        "data['ssh-privatekey'] is missing: a kubernetes.io/ssh-auth Secret needs the key 'ssh-privatekey' in data or stringData",
    ),
    # ValidateSecret: service-account-token needs the service-account.name annotation
    (
        "secret-sa-token",
        secret,
        both(put(("type",), "kubernetes.io/service-account-token"), put(("data",), {})),
        "metadata.annotations['kubernetes.io/service-account.name'] is missing: a kubernetes.io/service-account-token Secret must name its ServiceAccount",
    ),
    # validateServiceSpec: type enum
    (
        "service-type",
        service,
        put(("spec", "type"), "Internal"),
        "spec.type 'Internal' is not supported: use one of ClusterIP, NodePort, LoadBalancer, ExternalName",
    ),
    # validateServicePort: name required with several ports
    (
        "service-port-name-required",
        service,
        drop(("spec", "ports", 1, "name")),
        "spec.ports[1].name is missing: a Service with several ports must name each one",
    ),
    # validateServicePort: Duplicate name
    (
        "service-port-name-unique",
        service,
        put(("spec", "ports", 1, "name"), "http"),
        "spec.ports[1].name 'http' is used by another port: give each port its own name",
    ),
    # validateServicePort: IsDNS1123Label(name)
    (
        "service-port-name-label",
        service,
        put(("spec", "ports", 1, "name"), "DNS"),
        "spec.ports[1].name 'DNS' is not a valid DNS-1123 label: use at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit (e.g. 'dns')",
    ),
    # validateServicePort: port IsValidPortNum
    (
        "service-port-range",
        service,
        put(("spec", "ports", 0, "port"), 65536),
        "spec.ports[0].port 65536 is out of range: use a port between 1 and 65535",
    ),
    # validateServicePort: protocol enum
    (
        "service-protocol",
        service,
        put(("spec", "ports", 0, "protocol"), "tcp"),
        "spec.ports[0].protocol 'tcp' is not supported: use one of TCP, UDP, SCTP",
    ),
    # validateServicePort: targetPort number or IsValidPortName
    (
        "service-target-port",
        service,
        put(("spec", "ports", 0, "targetPort"), "8080"),
        "spec.ports[0].targetPort '8080' is not a valid IANA service name: use at most 15 lower-case letters, digits and '-', with at least one letter (e.g. 'http')",
    ),
    # validateServiceSpec: nodePort only for NodePort/LoadBalancer
    (
        "service-node-port-type",
        service,
        put(("spec", "type"), "ClusterIP"),
        "spec.ports[0].nodePort 30080 is only allowed for type NodePort or LoadBalancer: remove it",
    ),
    # validateServiceSpec: clusterIP None only for ClusterIP
    (
        "service-headless-type",
        service,
        put(("spec", "clusterIP"), "None"),
        "spec.clusterIP 'None' (headless) is only allowed for type ClusterIP, not NodePort: remove clusterIP or the type",
    ),
    # validateServiceSpec: ports Required
    (
        "service-ports-empty",
        service,
        put(("spec", "ports"), []),
        "spec.ports is empty: list at least one port",
    ),
    # ValidateLabels(selector)
    (
        "service-selector",
        service,
        put(("spec", "selector", "app"), "web!"),
        "spec.selector['app'] has invalid value 'web!': use at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit, or an empty string",
    ),
    # ValidatePersistentVolumeClaimSpec: accessModes Required
    (
        "pvc-access-modes",
        pvc,
        put(("spec", "accessModes"), []),
        "spec.accessModes is empty: use at least one of ReadWriteOnce, ReadOnlyMany, ReadWriteMany, ReadWriteOncePod",
    ),
    # ValidatePersistentVolumeClaimSpec: storage request Required
    (
        "pvc-storage",
        pvc,
        put(("spec", "resources"), {}),
        "spec.resources.requests['storage'] is missing: request a size such as '10Gi'",
    ),
    # ValidateNonnegativeField(replicas)
    (
        "replicas",
        deployment,
        put(("spec", "replicas"), -1),
        "spec.replicas -1 is invalid: use a non-negative int",
    ),
    # ValidateDeploymentSpec: selector non-empty
    (
        "selector-empty",
        deployment,
        put(("spec", "selector"), {}),
        "spec.selector is empty: select the pod template's labels (e.g. matchLabels: {app: web})",
    ),
    # ValidateDeploymentSpec: selector matches template labels
    (
        "selector-mismatch",
        deployment,
        put(("spec", "selector", "matchLabels", "app"), "api"),
        "spec.template.metadata.labels {'app': 'web', 'app.kubernetes.io/name': 'web'} do not match spec.selector: the Deployment would never find its pods; add the selected labels to the template",
    ),
    # ValidateLabelSelector: values required for In
    (
        "selector-expression",
        deployment,
        put(("spec", "selector", "matchExpressions", 0, "values"), []),
        "spec.selector.matchExpressions[0].values is empty: operator In needs at least one value",
    ),
    # ValidateDeploymentStrategy: type enum
    (
        "strategy-type",
        deployment,
        put(("spec", "strategy", "type"), "BlueGreen"),
        "spec.strategy.type 'BlueGreen' is not supported: use one of RollingUpdate, Recreate",
    ),
    # ValidateDeploymentStrategy: Recreate has no rollingUpdate
    (
        "strategy-recreate",
        deployment,
        put(("spec", "strategy", "type"), "Recreate"),
        "spec.strategy.rollingUpdate is not allowed with type Recreate: remove it",
    ),
    # ValidateRollingUpdateDeployment: maxUnavailable and maxSurge not both 0
    (
        "strategy-both-zero",
        deployment,
        put(("spec", "strategy", "rollingUpdate", "maxSurge"), "0%"),
        "spec.strategy.rollingUpdate.maxUnavailable 0 may not be 0 when maxSurge is 0: a rollout could never progress; raise one of them",
    ),
    # ValidatePositiveIntOrPercent
    (
        "strategy-int-or-percent",
        deployment,
        put(("spec", "strategy", "rollingUpdate", "maxSurge"), "25 percent"),
        "spec.strategy.rollingUpdate.maxSurge '25 percent' is invalid: use an int >= 0 or a percentage such as '25%'",
    ),
    # ValidateStatefulSetSpec: serviceName
    (
        "statefulset-service-name",
        stateful_set,
        put(("spec", "serviceName"), "DB"),
        "spec.serviceName 'DB' is not a valid DNS-1123 label: use at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit (e.g. 'db')",
    ),
    # ValidateStatefulSetSpec: podManagementPolicy enum
    (
        "statefulset-pod-management",
        stateful_set,
        put(("spec", "podManagementPolicy"), "Random"),
        "spec.podManagementPolicy 'Random' is not supported: use one of OrderedReady, Parallel",
    ),
    # ValidateStatefulSetUpdateStrategy: type enum
    (
        "statefulset-update-strategy",
        stateful_set,
        put(("spec", "updateStrategy", "type"), "Recreate"),
        "spec.updateStrategy.type 'Recreate' is not supported: use one of RollingUpdate, OnDelete",
    ),
    # ValidateStatefulSetUpdateStrategy: partition >= 0
    (
        "statefulset-partition",
        stateful_set,
        put(("spec", "updateStrategy", "rollingUpdate", "partition"), -1),
        "spec.updateStrategy.rollingUpdate.partition -1 is invalid: use a non-negative int",
    ),
    # ValidateRollingUpdateDaemonSet: maxSurge only with maxUnavailable 0 (it defaults to 1)
    (
        "daemonset-surge",
        daemon_set,
        put(("spec", "updateStrategy"), {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1}}),
        "spec.updateStrategy.rollingUpdate.maxSurge 1 may not be set when maxUnavailable is non-zero (1, the default): a DaemonSet rolls out by surging or by taking nodes down, not both; set maxUnavailable to 0 or remove maxSurge",
    ),
    # ValidateJobSpec: completions >= 0
    (
        "job-counts",
        job,
        put(("spec", "completions"), -1),
        "spec.completions -1 is invalid: use a non-negative int",
    ),
    # ValidateJobSpec: backoffLimit >= 0
    (
        "job-backoff",
        job,
        put(("spec", "backoffLimit"), -2),
        "spec.backoffLimit -2 is invalid: use a non-negative int",
    ),
    # validateScheduleFormat: cron.ParseStandard
    (
        "cron-schedule",
        cron_job,
        put(("spec", "schedule"), "*/5 * * *"),
        "spec.schedule '*/5 * * *' has 4 fields: use five (minute hour day-of-month month day-of-week), e.g. '*/5 * * * *'",
    ),
    # cron.ParseStandard: field out of range
    (
        "cron-schedule-range",
        cron_job,
        put(("spec", "schedule"), "0 24 * * *"),
        "spec.schedule '0 24 * * *': hour field '24' is out of range: use values 0-23",
    ),
    # cron.ParseStandard: descriptors
    (
        "cron-schedule-macro",
        cron_job,
        put(("spec", "schedule"), "@often"),
        "spec.schedule '@often' is not a known macro: use @yearly, @monthly, @weekly, @daily, @hourly or five fields",
    ),
    # validateScheduleFormat: TZ/CRON_TZ rejected
    (
        "cron-schedule-tz",
        cron_job,
        put(("spec", "schedule"), "CRON_TZ=UTC 0 * * * *"),
        "spec.schedule 'CRON_TZ=UTC 0 * * * *' sets a time zone with TZ/CRON_TZ, which Kubernetes rejects: use spec.timeZone instead",
    ),
    # validateTimeZone: time.LoadLocation
    (
        "cron-time-zone",
        cron_job,
        put(("spec", "timeZone"), "Mars/Olympus"),
        "spec.timeZone 'Mars/Olympus' is not an IANA time zone: use a name such as 'Europe/Paris' or 'America/New_York'",
    ),
    # ValidateCronJobSpec: concurrencyPolicy enum
    (
        "cron-concurrency",
        cron_job,
        put(("spec", "concurrencyPolicy"), "Queue"),
        "spec.concurrencyPolicy 'Queue' is not supported: use one of Allow, Forbid, Replace",
    ),
    # ValidateCronJobSpec: startingDeadlineSeconds >= 0
    (
        "cron-deadline",
        cron_job,
        put(("spec", "startingDeadlineSeconds"), -5),
        "spec.startingDeadlineSeconds -5 is invalid: use a non-negative int",
    ),
    # ValidateCronJob: name at most 52 characters
    (
        "cron-name-length",
        cron_job,
        put(("metadata", "name"), "r" * 53),
        "metadata.name 'rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr' is 53 characters: a CronJob name may have at most 52, since its Jobs add an 11-character suffix; shorten it",
    ),
    # ValidateJobSpec via jobTemplate
    (
        "cron-job-template-restart",
        cron_job,
        put(("spec", "jobTemplate", "spec", "template", "spec", "restartPolicy"), "Always"),
        "spec.jobTemplate.spec.template.spec.restartPolicy 'Always' is not supported here: use one of OnFailure, Never",
    ),
]


@pytest.mark.parametrize("make", VALID, ids=[f.__name__ for f in VALID])
def test_a_valid_object_has_no_problem(make: Callable[[], Doc]) -> None:
    assert check_object(make(), "t/x") == []


@pytest.mark.parametrize(("rule", "make", "mutate", "expected"), CATALOGUE, ids=[r[0] for r in CATALOGUE])
def test_fails_on_each_rule(
    rule: str, make: Callable[[], Doc], mutate: Mutation, expected: str | list[str]
) -> None:
    doc = make()
    mutate(doc)
    messages = [expected] if isinstance(expected, str) else expected
    problems = check_object(doc, "t/x")
    assert [(p.path, p.message, p.fix, p.family) for p in problems] == [
        ("t/x", m, "", "apiserver") for m in messages
    ]
    # each problem names its field (the path the message starts with) and the upstream check
    for problem in problems:
        assert problem.field and problem.message.startswith(problem.field), problem
        assert problem.rule.startswith("apiserver:Validate") or problem.rule.startswith("apiserver:validate")


def test_problems_carry_the_construct_path_and_rule() -> None:
    doc = pod()
    doc["metadata"]["name"] = "Web"
    [problem] = check_object(doc, "chart/web")
    assert (problem.path, problem.family) == ("chart/web", "apiserver")
    assert str(problem).startswith("[chart/web] metadata.name 'Web' is not a valid DNS-1123 subdomain")


SECRET_VALUE = "hunter2-do-not-print"


@pytest.mark.parametrize(
    "data",
    [
        {"type": "kubernetes.io/dockerconfigjson", "stringData": {".dockerconfigjson": SECRET_VALUE}},
        {"type": "kubernetes.io/dockerconfigjson", "data": {".dockerconfigjson": b64(SECRET_VALUE)}},
        {
            "type": "kubernetes.io/dockerconfigjson",
            "stringData": {".dockerconfigjson": json.dumps([SECRET_VALUE])},
        },
        {"type": "kubernetes.io/dockercfg", "stringData": {".dockercfg": f"[{SECRET_VALUE!r}]"}},
        {"type": "kubernetes.io/tls", "stringData": {"tls.crt": SECRET_VALUE}},
        {"data": {"password": SECRET_VALUE + "!"}},
        {"data": {"password": SECRET_VALUE}},
        {"stringData": {"big": SECRET_VALUE * 60000}},
    ],
)
def test_fails_without_a_secret_value_in_any_message(data: Doc) -> None:
    doc = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, **data}
    problems = check_object(doc, "t/s")
    assert problems, "the Secret should have a problem"
    for problem in problems:
        assert SECRET_VALUE not in str(problem)
        assert b64(SECRET_VALUE)[:12] not in str(problem)


@pytest.mark.parametrize(
    "schedule",
    ["* * * * *", "0 0 1 1 *", "5,10-20/5 */2 ? * SUN", "@hourly", "@every 1h30m", "  0  12  *  *  1-5 "],
)
def test_accepts_cron_schedules(schedule: str) -> None:
    doc = cron_job()
    doc["spec"]["schedule"] = schedule
    assert check_object(doc, "t/c") == []


@pytest.mark.parametrize(
    ("schedule", "message"),
    [
        ("60 * * * *", "minute field '60' is out of range: use values 0-59"),
        ("* * 0 * *", "day of month field '0' is out of range: use values 1-31"),
        ("* * * 13 *", "month field '13' is out of range: use values 1-12"),
        ("* * * * 7", "day of week field '7' is out of range: use values 0-6"),
        (
            "* * * * funday",
            "day of week field 'funday' is not a number, range, step or '*' (allowed values 0-6)",
        ),
        ("*/0 * * * *", "minute field '*/0' has a step that is not a positive number"),
        ("30-10 * * * *", "minute field '30-10' has a range that ends before it starts (30-10)"),
    ],
)
def test_fails_on_cron_fields(schedule: str, message: str) -> None:
    doc = cron_job()
    doc["spec"]["schedule"] = schedule
    assert [p.message for p in check_object(doc, "t/c")] == [f"spec.schedule {schedule!r}: {message}"]


def test_fails_on_the_local_time_zone() -> None:
    doc = cron_job()
    doc["spec"]["timeZone"] = "Local"
    assert [p.message for p in check_object(doc, "t/c")] == [
        "spec.timeZone 'Local' is not allowed: name an explicit IANA time zone such as 'Etc/UTC'"
    ]


def test_unknown_kinds_get_metadata_checks_only() -> None:
    doc = {
        "apiVersion": "example.com/v1",
        "kind": "Widget",
        "metadata": {"name": "w", "labels": {"a": "b c"}},
    }
    doc["spec"] = {"containers": [], "restartPolicy": "Sometimes"}
    assert [p.message for p in check_object(doc, "t/w")] == [
        "metadata.labels['a'] has invalid value 'b c': use at most 63 letters, digits, '-', '_' and '.', "
        "starting and ending with a letter or digit, or an empty string"
    ]


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _paths(value, (*prefix, i))
    return out


@pytest.mark.parametrize("make", VALID, ids=[f.__name__ for f in VALID])
def test_wrong_types_anywhere_give_problems_not_exceptions(make: Callable[[], Doc]) -> None:
    # A JSON patch can put anything anywhere; the schema check reports the type, this
    # check must only never crash on it.
    for path in _paths(make()):
        junks: list[Any] = [None, 7, "x", [], {}, True, [1]]
        for junk in junks:
            doc = make()
            put(path, junk)(doc)
            assert all(isinstance(p, Problem) for p in check_object(doc, "t/x"))
