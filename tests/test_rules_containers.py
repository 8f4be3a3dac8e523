"""Containers and the generic pod spec, as the Kubernetes 1.33 API server validates them
(``core/container.py``, ``core/pod.py``): one row per rule with its exact message, and objects the
server accepts that podkit must not refuse (v1 defaulting, relaxed names, fields it does not check).

Rows reuse :mod:`test_apiserver`'s valid objects and mutations.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from podkit._rules import check_object
from tests.test_apiserver import Doc, Mutation, append, both, deployment, drop, pod, put

C: tuple[Any, ...] = ("spec", "containers", 0)
INIT: tuple[Any, ...] = ("spec", "initContainers", 0)
T: tuple[Any, ...] = ("spec", "template", "spec")


def pod_template() -> Doc:
    """A v1 PodTemplate holding the Deployment's pod template."""
    return {
        "apiVersion": "v1",
        "kind": "PodTemplate",
        "metadata": {"name": "web"},
        "template": deployment()["spec"]["template"],
    }


Row = tuple[str, Callable[[], Doc], Mutation, "str | list[str]"]

FAILS: list[Row] = [
    (
        "message-policy",
        pod,
        put((*C, "terminationMessagePolicy"), "Sometimes"),
        "spec.containers[0].terminationMessagePolicy 'Sometimes' is not supported: use one of File, FallbackToLogsOnError",
    ),
    (
        "container-port-missing",
        pod,
        drop((*C, "ports", 0, "containerPort")),
        "spec.containers[0].ports[0].containerPort is missing: set the port the container listens on (1-65535)",
    ),
    (
        "host-network-host-port",
        pod,
        both(put(("spec", "hostNetwork"), True), put((*C, "ports", 1, "hostPort"), 54)),
        "spec.containers[0].ports[1].hostPort 54 must match containerPort 53 when hostNetwork is true: set hostPort to 53 or leave it out",
    ),
    (
        "host-network-defaulted-conflict",
        pod,
        both(
            put(("spec", "hostNetwork"), True),
            put((*C, "ports", 1, "hostPort"), 0),
            append(("spec", "containers"), {"name": "b", "image": "b", "ports": [{"containerPort": 8080}]}),
        ),
        "spec.containers[1].ports[0].hostPort 8080/TCP is already used by spec.containers[0].ports[0].hostPort: a node port can be bound once per pod; use another hostPort",
    ),
    (
        "host-port-same-ip",
        pod,
        append(
            ("spec", "containers"),
            {
                "name": "b",
                "image": "b",
                "ports": [{"containerPort": 53, "hostPort": 53, "protocol": "UDP", "hostIP": ""}],
            },
        ),
        "spec.containers[1].ports[0].hostPort 53/UDP is already used by spec.containers[0].ports[1].hostPort: a node port can be bound once per pod; use another hostPort",
    ),
    (
        "init-host-port-twice",
        pod,
        put((*INIT, "ports"), [{"containerPort": 1, "hostPort": 9}, {"containerPort": 2, "hostPort": 9}]),
        "spec.initContainers[0].ports[1].hostPort 9/TCP is already used by spec.initContainers[0].ports[0].hostPort: a node port can be bound once per pod; use another hostPort",
    ),
    (
        "env-value-from-empty",
        pod,
        put((*C, "env", 1, "valueFrom"), {}),
        "spec.containers[0].env[1].valueFrom is empty: set one of fieldRef, resourceFieldRef, configMapKeyRef, secretKeyRef (or remove valueFrom and set value)",
    ),
    (
        "env-key-ref-name-format",
        pod,
        put((*C, "env", 5, "valueFrom", "secretKeyRef", "name"), "Db_1"),
        "spec.containers[0].env[5].valueFrom.secretKeyRef.name 'Db_1' is not a valid DNS-1123 subdomain: use at most 253 lower-case letters, digits, '-' and '.', starting and ending with a letter or digit (e.g. 'db-1')",
    ),
    (
        "env-from-ref-name-format",
        pod,
        put((*C, "envFrom", 0, "configMapRef", "name"), "Cfg_1"),
        "spec.containers[0].envFrom[0].configMapRef.name 'Cfg_1' is not a valid DNS-1123 subdomain: use at most 253 lower-case letters, digits, '-' and '.', starting and ending with a letter or digit (e.g. 'cfg-1')",
    ),
    (
        "field-ref-api-version",
        pod,
        put((*C, "env", 1, "valueFrom", "fieldRef", "apiVersion"), "v2"),
        "spec.containers[0].env[1].valueFrom.fieldRef.apiVersion 'v2' is not supported: use 'v1' (or leave it out)",
    ),
    (
        "mount-propagation-value",
        pod,
        put((*C, "volumeMounts", 0, "mountPropagation"), "Shared"),
        "spec.containers[0].volumeMounts[0].mountPropagation 'Shared' is not supported: use one of Bidirectional, HostToContainer, None",
    ),
    (
        "mount-propagation-bidirectional",
        pod,
        put((*C, "volumeMounts", 0, "mountPropagation"), "Bidirectional"),
        "spec.containers[0].volumeMounts[0].mountPropagation 'Bidirectional' is only available to privileged containers: set securityContext.privileged: true, or use HostToContainer",
    ),
    (
        "recursive-read-only-not-read-only",
        pod,
        put((*C, "volumeMounts", 0, "recursiveReadOnly"), "Enabled"),
        "spec.containers[0].volumeMounts[0].recursiveReadOnly 'Enabled' needs readOnly: true: set readOnly: true, or remove recursiveReadOnly",
    ),
    (
        "recursive-read-only-value",
        pod,
        put((*C, "volumeMounts", 3, "recursiveReadOnly"), "Always"),
        "spec.containers[0].volumeMounts[3].recursiveReadOnly 'Always' is not supported: use one of Disabled, IfPossible, Enabled",
    ),
    (
        "recursive-read-only-propagation",
        pod,
        both(
            put((*C, "volumeMounts", 3, "recursiveReadOnly"), "IfPossible"),
            put((*C, "volumeMounts", 3, "mountPropagation"), "HostToContainer"),
        ),
        "spec.containers[0].volumeMounts[3].recursiveReadOnly 'IfPossible' needs mountPropagation None: remove mountPropagation 'HostToContainer' or recursiveReadOnly",
    ),
    (
        "sub-path-expr-backstep",
        pod,
        put((*C, "volumeMounts", 0, "subPathExpr"), "../$(POD)"),
        "spec.containers[0].volumeMounts[0].subPathExpr '../$(POD)' must be a relative path inside the volume without a '..' element (e.g. '$(POD)')",
    ),
    (
        "device-not-a-claim",
        pod,
        both(
            append(("spec", "volumes"), {"name": "scratch", "emptyDir": {}}),
            put((*C, "volumeDevices"), [{"name": "scratch", "devicePath": "/dev/xvda"}]),
        ),
        "spec.containers[0].volumeDevices[0].name 'scratch' is not a persistentVolumeClaim or ephemeral volume: only those can be attached as block devices",
    ),
    (
        "device-unknown",
        pod,
        put((*C, "volumeDevices"), [{"name": "data", "devicePath": "/dev/xvda"}]),
        "spec.containers[0].volumeDevices[0].name 'data' is not a volume of this pod (volumes: cache, config, creds, logs, podinfo): add the volume to the pod",
    ),
    (
        "device-also-mounted",
        pod,
        both(
            append(("spec", "volumes"), {"name": "data", "persistentVolumeClaim": {"claimName": "data"}}),
            append((*C, "volumeMounts"), {"name": "data", "mountPath": "/dev/xvda"}),
            put((*C, "volumeDevices"), [{"name": "data", "devicePath": "/dev/xvda"}]),
        ),
        [
            "spec.containers[0].volumeMounts[5].name 'data' is also a volumeDevice of this container: use a volume once, as a mount or a device",
            "spec.containers[0].volumeMounts[5].mountPath '/dev/xvda' is also a devicePath of this container: use another path",
            "spec.containers[0].volumeDevices[0].name 'data' is also a volumeMount of this container: use a volume once, as a mount or a device",
            "spec.containers[0].volumeDevices[0].devicePath '/dev/xvda' is also a mountPath of this container: use another path",
        ],
    ),
    (
        "device-path-backstep",
        pod,
        both(
            append(("spec", "volumes"), {"name": "data", "persistentVolumeClaim": {"claimName": "data"}}),
            put((*C, "volumeDevices"), [{"name": "data", "devicePath": "/dev/../xvda"}]),
        ),
        "spec.containers[0].volumeDevices[0].devicePath '/dev/../xvda' must not contain a '..' element: write the resolved path",
    ),
    (
        "device-path-twice",
        pod,
        both(
            append(("spec", "volumes"), {"name": "data", "persistentVolumeClaim": {"claimName": "data"}}),
            append(
                ("spec", "volumes"),
                {
                    "name": "more",
                    "ephemeral": {
                        "volumeClaimTemplate": {
                            "spec": {
                                "accessModes": ["ReadWriteOnce"],
                                "resources": {"requests": {"storage": "1Gi"}},
                            }
                        }
                    },
                },
            ),
            put(
                (*C, "volumeDevices"),
                [{"name": "data", "devicePath": "/dev/xvda"}, {"name": "more", "devicePath": "/dev/xvda"}],
            ),
        ),
        "spec.containers[0].volumeDevices[1].devicePath '/dev/xvda' is already used by another device of this container: use another path",
    ),
    (
        "lifecycle-no-handler",
        pod,
        put((*C, "lifecycle"), {"preStop": {}}),
        "spec.containers[0].lifecycle.preStop must have exactly one of exec, httpGet, tcpSocket, sleep (found: none)",
    ),
    (
        "lifecycle-two-handlers",
        pod,
        put((*C, "lifecycle"), {"postStart": {"exec": {"command": ["true"]}, "sleep": {"seconds": 1}}}),
        "spec.containers[0].lifecycle.postStart must have exactly one of exec, httpGet, tcpSocket, sleep (found: exec, sleep)",
    ),
    (
        "lifecycle-exec-empty",
        pod,
        put((*C, "lifecycle"), {"preStop": {"exec": {"command": []}}}),
        "spec.containers[0].lifecycle.preStop.exec.command is empty: set the command to run, such as ['cat', '/tmp/ready']",
    ),
    (
        "sleep-negative",
        pod,
        put((*C, "lifecycle"), {"preStop": {"sleep": {"seconds": -1}}}),
        "spec.containers[0].lifecycle.preStop.sleep.seconds -1 is invalid: use 0 to the pod's terminationGracePeriodSeconds (30)",
    ),
    (
        "sleep-above-grace",
        pod,
        both(
            put(("spec", "terminationGracePeriodSeconds"), 10),
            put((*C, "lifecycle"), {"preStop": {"sleep": {"seconds": 11}}}),
        ),
        "spec.containers[0].lifecycle.preStop.sleep.seconds 11 is invalid: use 0 to the pod's terminationGracePeriodSeconds (10)",
    ),
    (
        "init-lifecycle",
        pod,
        both(
            drop((*INIT, "restartPolicy")), put((*INIT, "lifecycle"), {"preStop": {"sleep": {"seconds": 1}}})
        ),
        "spec.initContainers[0].lifecycle is only allowed on init containers with restartPolicy Always (sidecars): remove it, or set restartPolicy: Always",
    ),
    (
        "readiness-probe-grace",
        pod,
        put((*C, "readinessProbe", "terminationGracePeriodSeconds"), 5),
        "spec.containers[0].readinessProbe.terminationGracePeriodSeconds 5 is not allowed on a readinessProbe: remove it (a failing readiness probe does not restart the container)",
    ),
    (
        "liveness-probe-grace-zero",
        pod,
        put((*C, "livenessProbe", "terminationGracePeriodSeconds"), 0),
        "spec.containers[0].livenessProbe.terminationGracePeriodSeconds 0 is invalid: use a positive int, or remove it",
    ),
    (
        "probe-exec-empty",
        pod,
        put((*C, "startupProbe", "exec", "command"), []),
        "spec.containers[0].startupProbe.exec.command is empty: set the command to run, such as ['cat', '/tmp/ready']",
    ),
    (
        "probe-no-handler",
        pod,
        drop((*C, "startupProbe", "exec")),
        "spec.containers[0].startupProbe must have exactly one of exec, httpGet, tcpSocket, grpc (found: none)",
    ),
    (
        "probe-grpc-port",
        pod,
        put((*C, "startupProbe"), {"grpc": {"port": 0}}),
        "spec.containers[0].startupProbe.grpc.port 0 is out of range: use a port between 1 and 65535",
    ),
    (
        "probe-port-name-syntax",
        pod,
        put((*C, "livenessProbe", "httpGet", "port"), "Admin"),
        "spec.containers[0].livenessProbe.httpGet.port 'Admin' is not a valid IANA service name: use at most 15 lower-case letters, digits and '-', with at least one letter (e.g. 'http')",
    ),
    (
        "probe-scheme",
        pod,
        put((*C, "livenessProbe", "httpGet", "scheme"), "FTP"),
        "spec.containers[0].livenessProbe.httpGet.scheme 'FTP' is not supported: use one of HTTP, HTTPS",
    ),
    (
        "resize-resource",
        pod,
        put((*C, "resizePolicy"), [{"resourceName": "storage", "restartPolicy": "NotRequired"}]),
        "spec.containers[0].resizePolicy[0].resourceName 'storage' is not supported: use one of cpu, memory",
    ),
    (
        "resize-policy-value",
        pod,
        put((*C, "resizePolicy"), [{"resourceName": "cpu", "restartPolicy": "Sometimes"}]),
        "spec.containers[0].resizePolicy[0].restartPolicy 'Sometimes' is not supported: use one of NotRequired, RestartContainer",
    ),
    (
        "resize-twice",
        pod,
        put(
            (*C, "resizePolicy"),
            [
                {"resourceName": "cpu", "restartPolicy": "NotRequired"},
                {"resourceName": "cpu", "restartPolicy": "NotRequired"},
            ],
        ),
        "spec.containers[0].resizePolicy[1].resourceName 'cpu' has another resize policy in this container: keep one",
    ),
    (
        "resize-pod-never",
        pod,
        both(
            put(("spec", "restartPolicy"), "Never"),
            put((*C, "resizePolicy"), [{"resourceName": "memory", "restartPolicy": "RestartContainer"}]),
        ),
        "spec.containers[0].resizePolicy[0].restartPolicy 'RestartContainer' is not allowed in a pod with restartPolicy Never: use NotRequired",
    ),
    (
        "resources-quota-name",
        pod,
        put((*C, "resources", "limits", "pods"), "1"),
        "spec.containers[0].resources.limits key 'pods' is not a container resource: use cpu, memory, ephemeral-storage, hugepages-<size>, or an extended resource 'domain/name' (e.g. 'nvidia.com/gpu')",
    ),
    (
        "resources-negative",
        pod,
        put((*C, "resources", "requests", "memory"), "-1Mi"),
        "spec.containers[0].resources.requests['memory'] '-1Mi' is not a non-negative Kubernetes quantity: use a number with an optional suffix (Ki Mi Gi Ti Pi Ei, n u m k M G T P E)",
    ),
    (
        "deletion-cost-plus",
        pod,
        put(("metadata", "annotations", "controller.kubernetes.io/pod-deletion-cost"), "+1"),
        "metadata.annotations['controller.kubernetes.io/pod-deletion-cost'] '+1' is not a 32-bit integer: write it without '+' or leading zeros, from -2147483648 to 2147483647 (e.g. '100')",
    ),
    (
        "deletion-cost-zeros",
        deployment,
        put(
            ("spec", "template", "metadata", "annotations"),
            {"controller.kubernetes.io/pod-deletion-cost": "007"},
        ),
        "spec.template.metadata.annotations['controller.kubernetes.io/pod-deletion-cost'] '007' is not a 32-bit integer: write it without '+' or leading zeros, from -2147483648 to 2147483647 (e.g. '100')",
    ),
    (
        "deletion-cost-range",
        pod,
        put(("metadata", "annotations", "controller.kubernetes.io/pod-deletion-cost"), "2147483648"),
        "metadata.annotations['controller.kubernetes.io/pod-deletion-cost'] '2147483648' is not a 32-bit integer: write it without '+' or leading zeros, from -2147483648 to 2147483647 (e.g. '100')",
    ),
    (
        "ephemeral-on-create",
        pod,
        put(("spec", "ephemeralContainers"), [{"name": "debug", "image": "busybox"}]),
        "spec.ephemeralContainers cannot be set when a pod is created: add debug containers to a running pod with 'kubectl debug'",
    ),
    (
        "ephemeral-in-template",
        deployment,
        put((*T, "ephemeralContainers"), [{"name": "debug", "image": "busybox"}]),
        "spec.template.spec.ephemeralContainers is not allowed in a pod template: remove it (add debug containers to a running pod with 'kubectl debug')",
    ),
    (
        "active-deadline-range",
        pod,
        put(("spec", "activeDeadlineSeconds"), 2**31),
        "spec.activeDeadlineSeconds 2147483648 is invalid: use an int from 1 to 2147483647",
    ),
    (
        "regular-container-restart-empty",
        pod,
        put((*C, "restartPolicy"), ""),
        "spec.containers[0].restartPolicy '' is only allowed on init containers (sidecars): remove it, or make this an init container",
    ),
    (
        "pod-template-kind",
        pod_template,
        put(("template", "spec", "containers", 0, "terminationMessagePolicy"), "Sometimes"),
        "template.spec.containers[0].terminationMessagePolicy 'Sometimes' is not supported: use one of File, FallbackToLogsOnError",
    ),
]

ACCEPTS: list[tuple[str, Callable[[], Doc], Mutation]] = [
    ("template-image-spaces", deployment, put((*T, "containers", 0, "image"), " some  ")),
    ("image-any-format", pod, put((*C, "image"), "MyOrg/App:-1")),
    ("env-name-relaxed", pod, put((*C, "env", 0, "name"), "my var.1!")),
    ("env-from-prefix-relaxed", pod, put((*C, "envFrom", 0, "prefix"), "1 CFG_")),
    ("env-from-ref-name-dash", pod, put((*C, "envFrom", 0, "configMapRef", "name"), "cfg-")),
    (
        "field-ref-spec-host",
        pod,
        put((*C, "env", 1, "valueFrom", "fieldRef"), {"apiVersion": "v1", "fieldPath": "spec.host"}),
    ),
    (
        "resource-ref-hugepages",
        pod,
        put((*C, "env", 3, "valueFrom", "resourceFieldRef"), {"resource": "requests.hugepages-2Mi"}),
    ),
    ("mount-path-windows", pod, put((*C, "volumeMounts", 0, "mountPath"), "C:\\cache")),
    (
        "mount-propagation-privileged",
        pod,
        both(
            put((*C, "securityContext"), {"privileged": True}),
            put((*C, "volumeMounts", 0, "mountPropagation"), "Bidirectional"),
        ),
    ),
    ("recursive-read-only", pod, put((*C, "volumeMounts", 3, "recursiveReadOnly"), "Enabled")),
    ("probe-port-undeclared", pod, put((*C, "livenessProbe", "httpGet", "port"), "admin")),
    (
        "probe-zero-timings",
        pod,
        both(
            put((*C, "livenessProbe", "periodSeconds"), 0),
            put((*C, "livenessProbe", "successThreshold"), 0),
            put((*C, "readinessProbe", "timeoutSeconds"), 0),
        ),
    ),
    ("probe-scheme-empty", pod, put((*C, "livenessProbe", "httpGet", "scheme"), "")),
    ("sleep-zero", pod, put((*C, "lifecycle"), {"preStop": {"sleep": {"seconds": 0}}})),
    ("sidecar-lifecycle", pod, put((*INIT, "lifecycle"), {"preStop": {"sleep": {"seconds": 30}}})),
    (
        "host-port-other-ip",
        pod,
        append(
            ("spec", "containers"),
            {
                "name": "b",
                "image": "b",
                "ports": [{"containerPort": 53, "hostPort": 53, "protocol": "UDP", "hostIP": "10.0.0.1"}],
            },
        ),
    ),
    (
        "init-host-port-reused",
        pod,
        both(
            put((*INIT, "ports"), [{"containerPort": 53, "hostPort": 53, "protocol": "UDP"}]),
            append(
                ("spec", "initContainers"),
                {
                    "name": "b",
                    "image": "b",
                    "ports": [{"containerPort": 53, "hostPort": 53, "protocol": "UDP"}],
                },
            ),
        ),
    ),
    (
        "host-network-template-unset-host-port",
        deployment,
        both(
            put((*T, "hostNetwork"), True),
            put((*T, "containers", 0, "ports", 1, "hostPort"), 0),
            append((*T, "containers"), {"name": "b", "image": "b", "ports": [{"containerPort": 8080}]}),
        ),
    ),
    (
        "empty-defaulted-fields",
        pod,
        both(
            put(("spec", "restartPolicy"), ""),
            put((*C, "ports", 0, "protocol"), ""),
            put((*C, "imagePullPolicy"), ""),
            put((*C, "terminationMessagePolicy"), ""),
        ),
    ),
    ("resources-kubernetes-io", pod, put((*C, "resources", "limits", "kubernetes.io/gpu"), "1")),
    ("negative-grace-period", pod, put(("spec", "terminationGracePeriodSeconds"), -1)),
    (
        "deletion-cost-negative",
        pod,
        put(("metadata", "annotations", "controller.kubernetes.io/pod-deletion-cost"), "-5"),
    ),
    (
        "resize-sidecar",
        pod,
        put((*INIT, "resizePolicy"), [{"resourceName": "cpu", "restartPolicy": "NotRequired"}]),
    ),
]


@pytest.mark.parametrize(("rule", "make", "mutate", "expected"), FAILS, ids=[r[0] for r in FAILS])
def test_fails_on_each_rule(
    rule: str, make: Callable[[], Doc], mutate: Mutation, expected: str | list[str]
) -> None:
    doc = make()
    mutate(doc)
    messages = [expected] if isinstance(expected, str) else expected
    problems = check_object(doc, "t/x")
    assert [p.message for p in problems] == messages
    assert all(p.rule.startswith("apiserver:") and p.field for p in problems)


@pytest.mark.parametrize(("case", "make", "mutate"), ACCEPTS, ids=[r[0] for r in ACCEPTS])
def test_accepts_what_the_api_server_accepts(case: str, make: Callable[[], Doc], mutate: Mutation) -> None:
    doc = make()
    mutate(doc)
    assert [p.message for p in check_object(doc, "t/x")] == []


def test_fails_with_problems_not_exceptions_on_wrong_types() -> None:
    doc = pod()
    container = doc["spec"]["containers"][0]
    container["ports"] = [{"containerPort": [1], "hostPort": {"a": 1}, "name": 5}]
    container["volumeMounts"] = [{"name": ["x"], "mountPath": {"p": 1}}, 7]
    container["volumeDevices"] = [{"name": ["x"], "devicePath": ["y"]}]
    container["resizePolicy"] = [{"resourceName": ["cpu"], "restartPolicy": None}]
    container["lifecycle"] = {"preStop": {"sleep": {"seconds": "5"}}}
    container["resources"] = {"limits": {"cpu": True}}
    doc["metadata"]["annotations"]["controller.kubernetes.io/pod-deletion-cost"] = 5
    assert all(p.field for p in check_object(doc, "t/x"))


def test_resource_lists_found_valid_are_remembered_by_their_exact_text() -> None:
    # check_resources remembers the (limits, requests) it accepted, as str only: the same
    # quantities written as numbers, or a bool (equal to 1 as a key), are judged again
    def resources(value: Any) -> Doc:
        doc = pod()
        doc["spec"]["containers"][0]["resources"] = {"limits": {"cpu": value}, "requests": {"cpu": value}}
        return doc

    assert check_object(resources("1"), "p") == []
    assert check_object(resources("1"), "p") == []  # remembered: still nothing
    assert check_object(resources(1), "p") == []
    assert [p.message for p in check_object(resources(True), "p")] == [
        "spec.containers[0].resources.limits['cpu'] True is not a non-negative Kubernetes quantity: use a "
        "number with an optional suffix (Ki Mi Gi Ti Pi Ei, n u m k M G T P E)",
        "spec.containers[0].resources.requests['cpu'] True is not a non-negative Kubernetes quantity: use a "
        "number with an optional suffix (Ki Mi Gi Ti Pi Ei, n u m k M G T P E)",
    ]
    # a valid list remembered at one path is still judged (and named) at another when it changes
    doc = resources("1")
    doc["spec"]["containers"][0]["resources"]["requests"]["cpu"] = "2"
    assert [p.field for p in check_object(doc, "p")] == ["spec.containers[0].resources.requests['cpu']"]
