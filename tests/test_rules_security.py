"""The API server's security rules (``podkit._rules.core.security``), one row per rule.

Each row takes a valid pod or Deployment, breaks one rule of the pod's or a container's
security settings, and pins the exact problems (Kubernetes 1.33, ``pkg/apis/core/validation``:
validatePodSpecSecurityContext, ValidateSecurityContext, validateSysctls, the seccomp and AppArmor
field and annotation checks, validateWindowsSecurityContextOptions, validateWindowsHostProcessPod,
validateHostUsers, validateOS with validateLinux/validateWindows).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from podkit._rules import check_object
from tests.test_apiserver import Doc, Mutation, both, put

SPEC: Doc = {
    "initContainers": [{"name": "proxy", "image": "envoyproxy/envoy:v1.30.1", "restartPolicy": "Always"}],
    "containers": [{"name": "web", "image": "nginx:1.27"}],
}
#: a Windows domain of 256 bytes (a valid DNS name otherwise)
DOMAIN = ".".join(["a" * 63] * 3 + ["a" * 62, "a"])
DOMAIN_USER = DOMAIN + "\\user"


def pod() -> Doc:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "web", "namespace": "prod"},
        "spec": copy.deepcopy(SPEC),
    }


def deployment() -> Doc:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "prod"},
        "spec": {
            "selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": {"app": "web"}}, "spec": copy.deepcopy(SPEC)},
        },
    }


Row = tuple[str, Callable[[], Doc], Mutation, "str | list[str]"]

CATALOGUE: list[Row] = [
    # pod-run-as-user
    (
        "pod-run-as-user",
        pod,
        put(("spec", "securityContext"), {"runAsUser": -1}),
        "spec.securityContext.runAsUser -1 is out of range: use a user ID from 0 to 2147483647",
    ),
    # pod-run-as-group
    (
        "pod-run-as-group",
        pod,
        put(("spec", "securityContext"), {"runAsGroup": 2147483648}),
        "spec.securityContext.runAsGroup 2147483648 is out of range: use a group ID from 0 to 2147483647",
    ),
    # pod-fs-group
    (
        "pod-fs-group",
        pod,
        put(("spec", "securityContext"), {"fsGroup": -1}),
        "spec.securityContext.fsGroup -1 is out of range: use a group ID from 0 to 2147483647",
    ),
    # pod-supplemental-groups
    (
        "pod-supplemental-groups",
        pod,
        put(("spec", "securityContext"), {"supplementalGroups": [1000, -5]}),
        "spec.securityContext.supplementalGroups[1] -5 is out of range: use a group ID from 0 to 2147483647",
    ),
    # container-run-as-user
    (
        "container-run-as-user",
        pod,
        put(("spec", "containers", 0, "securityContext"), {"runAsUser": -1, "runAsGroup": 2147483648}),
        [
            "spec.containers[0].securityContext.runAsUser -1 is out of range: use a user ID from 0 to 2147483647",
            "spec.containers[0].securityContext.runAsGroup 2147483648 is out of range: use a group ID from 0 to 2147483647",
        ],
    ),
    # share-process-namespace-host-pid
    (
        "share-process-namespace-host-pid",
        pod,
        both(put(("spec", "shareProcessNamespace"), True), put(("spec", "hostPID"), True)),
        "spec.shareProcessNamespace true cannot be combined with hostPID true: the containers either share the host's process namespace or one of their own; set one of them to false",
    ),
    # sysctl-name-missing
    (
        "sysctl-name-missing",
        pod,
        put(("spec", "securityContext"), {"sysctls": [{"name": "", "value": "1"}]}),
        "spec.securityContext.sysctls[0].name is missing: set the sysctl's name (e.g. 'net.core.somaxconn')",
    ),
    # sysctl-name-invalid
    (
        "sysctl-name-invalid",
        pod,
        put(("spec", "securityContext"), {"sysctls": [{"name": "net.ipv4.", "value": "1"}]}),
        "spec.securityContext.sysctls[0].name 'net.ipv4.' is not a valid sysctl name: use at most 253 lower-case letters, digits, '-' and '_' in segments separated by '.' or '/', each starting and ending with a letter or digit (e.g. 'net.core.somaxconn')",
    ),
    # sysctl-duplicate
    (
        "sysctl-duplicate",
        pod,
        put(
            ("spec", "securityContext"),
            {"sysctls": [{"name": "kernel.msgmax", "value": "1"}, {"name": "kernel.msgmax", "value": "2"}]},
        ),
        "spec.securityContext.sysctls[1].name 'kernel.msgmax' is set twice: keep one entry per sysctl",
    ),
    # sysctl-host-network
    (
        "sysctl-host-network",
        pod,
        both(
            put(("spec", "hostNetwork"), True),
            put(("spec", "securityContext"), {"sysctls": [{"name": "net/ipv4/ip_forward", "value": "1"}]}),
        ),
        "spec.securityContext.sysctls[0] 'net/ipv4/ip_forward' may not be specified when 'hostNetwork' is true: the pod shares that namespace with the node, so the sysctl would change the node's setting; drop one of them",
    ),
    # sysctl-host-ipc
    (
        "sysctl-host-ipc",
        pod,
        both(
            put(("spec", "hostIPC"), True),
            put(("spec", "securityContext"), {"sysctls": [{"name": "kernel.shm_rmid_forced", "value": "1"}]}),
        ),
        "spec.securityContext.sysctls[0] 'kernel.shm_rmid_forced' may not be specified when 'hostIPC' is true: the pod shares that namespace with the node, so the sysctl would change the node's setting; drop one of them",
    ),
    # fs-group-change-policy
    (
        "fs-group-change-policy",
        pod,
        put(("spec", "securityContext"), {"fsGroupChangePolicy": ""}),
        "spec.securityContext.fsGroupChangePolicy '' is not supported: use one of Always, OnRootMismatch",
    ),
    # supplemental-groups-policy
    (
        "supplemental-groups-policy",
        pod,
        put(("spec", "securityContext"), {"supplementalGroupsPolicy": "Loose"}),
        "spec.securityContext.supplementalGroupsPolicy 'Loose' is not supported: use one of Merge, Strict",
    ),
    # selinux-change-policy-mount-option
    (
        "selinux-change-policy-mount-option",
        pod,
        put(("spec", "securityContext"), {"seLinuxChangePolicy": "MountOption"}),
        "spec.securityContext.seLinuxChangePolicy 'MountOption' is not supported: use 'Recursive' (MountOption needs the SELinuxMount feature gate, off by default in Kubernetes 1.33)",
    ),
    # selinux-change-policy
    (
        "selinux-change-policy",
        pod,
        put(("spec", "securityContext"), {"seLinuxChangePolicy": "Always"}),
        "spec.securityContext.seLinuxChangePolicy 'Always' is not supported: use 'Recursive'",
    ),
    # proc-mount
    (
        "proc-mount",
        pod,
        put(("spec", "containers", 0, "securityContext"), {"procMount": "Masked"}),
        "spec.containers[0].securityContext.procMount 'Masked' is not supported: use one of Default, Unmasked",
    ),
    # proc-mount-unmasked-host-users
    (
        "proc-mount-unmasked-host-users",
        pod,
        put(("spec", "containers", 0, "securityContext"), {"procMount": "Unmasked"}),
        "spec.containers[0].securityContext.procMount 'Unmasked' needs a user namespace: set the pod's hostUsers to false, or use procMount 'Default'",
    ),
    # privileged-no-escalation
    (
        "privileged-no-escalation",
        pod,
        put(
            ("spec", "containers", 0, "securityContext"),
            {"privileged": True, "allowPrivilegeEscalation": False},
        ),
        "spec.containers[0].securityContext.allowPrivilegeEscalation false cannot be combined with privileged true: a privileged container can always escalate; drop one of them",
    ),
    # cap-sys-admin-no-escalation
    (
        "cap-sys-admin-no-escalation",
        pod,
        put(
            ("spec", "initContainers", 0, "securityContext"),
            {"allowPrivilegeEscalation": False, "capabilities": {"add": ["CAP_SYS_ADMIN"]}},
        ),
        "spec.initContainers[0].securityContext.allowPrivilegeEscalation false cannot be combined with capabilities.add 'CAP_SYS_ADMIN': that capability allows escalation; drop one of them",
    ),
    # seccomp-type-missing
    (
        "seccomp-type-missing",
        pod,
        put(("spec", "securityContext"), {"seccompProfile": {"type": ""}}),
        "spec.securityContext.seccompProfile.type is missing: use one of Localhost, RuntimeDefault, Unconfined",
    ),
    # seccomp-type
    (
        "seccomp-type",
        pod,
        put(("spec", "containers", 0, "securityContext"), {"seccompProfile": {"type": "Abc"}}),
        "spec.containers[0].securityContext.seccompProfile.type 'Abc' is not supported: use one of Localhost, RuntimeDefault, Unconfined",
    ),
    # seccomp-localhost-missing
    (
        "seccomp-localhost-missing",
        pod,
        put(("spec", "securityContext"), {"seccompProfile": {"type": "Localhost"}}),
        "spec.securityContext.seccompProfile.localhostProfile is missing: a Localhost seccomp profile needs the profile's path below the kubelet's seccomp directory (e.g. 'profiles/audit.json')",
    ),
    # seccomp-localhost-absolute
    (
        "seccomp-localhost-absolute",
        pod,
        put(
            ("spec", "securityContext"),
            {"seccompProfile": {"type": "Localhost", "localhostProfile": "/var/lib/kubelet/seccomp/a.json"}},
        ),
        "spec.securityContext.seccompProfile.localhostProfile '/var/lib/kubelet/seccomp/a.json' must be a relative path: the kubelet reads it below its own profile directory (e.g. 'var/lib/kubelet/seccomp/a.json')",
    ),
    # seccomp-localhost-backstep
    (
        "seccomp-localhost-backstep",
        pod,
        put(
            ("spec", "securityContext"),
            {"seccompProfile": {"type": "Localhost", "localhostProfile": "../a.json"}},
        ),
        "spec.securityContext.seccompProfile.localhostProfile '../a.json' must not contain a '..' element: the kubelet reads it below its own profile directory (e.g. 'a.json')",
    ),
    # seccomp-localhost-not-localhost
    (
        "seccomp-localhost-not-localhost",
        pod,
        put(
            ("spec", "securityContext"),
            {"seccompProfile": {"type": "RuntimeDefault", "localhostProfile": "a.json"}},
        ),
        "spec.securityContext.seccompProfile.localhostProfile 'a.json' can only be set when type is Localhost: remove it, or set type to Localhost",
    ),
    # apparmor-type-missing
    (
        "apparmor-type-missing",
        pod,
        put(("spec", "securityContext"), {"appArmorProfile": {"type": ""}}),
        "spec.securityContext.appArmorProfile.type is missing: use one of Localhost, RuntimeDefault, Unconfined",
    ),
    # apparmor-type
    (
        "apparmor-type",
        pod,
        put(("spec", "containers", 0, "securityContext"), {"appArmorProfile": {"type": "test"}}),
        "spec.containers[0].securityContext.appArmorProfile.type 'test' is not supported: use one of Localhost, RuntimeDefault, Unconfined",
    ),
    # apparmor-localhost-missing
    (
        "apparmor-localhost-missing",
        pod,
        put(("spec", "securityContext"), {"appArmorProfile": {"type": "Localhost"}}),
        "spec.securityContext.appArmorProfile.localhostProfile is missing: a Localhost AppArmor profile needs the name of a profile loaded on the node (e.g. 'k8s-apparmor-example-deny-write')",
    ),
    # apparmor-localhost-padded
    (
        "apparmor-localhost-padded",
        pod,
        put(
            ("spec", "securityContext"),
            {"appArmorProfile": {"type": "Localhost", "localhostProfile": "deny-write "}},
        ),
        "spec.securityContext.appArmorProfile.localhostProfile 'deny-write ' must not be padded with whitespace: use 'deny-write'",
    ),
    # apparmor-localhost-blank
    (
        "apparmor-localhost-blank",
        pod,
        put(
            ("spec", "securityContext"), {"appArmorProfile": {"type": "Localhost", "localhostProfile": "  "}}
        ),
        "spec.securityContext.appArmorProfile.localhostProfile is blank: a Localhost AppArmor profile needs the name of a profile loaded on the node",
    ),
    # apparmor-localhost-too-long
    (
        "apparmor-localhost-too-long",
        pod,
        put(
            ("spec", "securityContext"),
            {"appArmorProfile": {"type": "Localhost", "localhostProfile": "a" * 4096}},
        ),
        "spec.securityContext.appArmorProfile.localhostProfile is 4096 bytes long: use a profile name of at most 4095 bytes",
    ),
    # apparmor-localhost-not-localhost
    (
        "apparmor-localhost-not-localhost",
        pod,
        put(
            ("spec", "securityContext"), {"appArmorProfile": {"type": "Unconfined", "localhostProfile": "x"}}
        ),
        "spec.securityContext.appArmorProfile.localhostProfile 'x' can only be set when type is Localhost: remove it, or set type to Localhost",
    ),
    # gmsa-name
    (
        "gmsa-name",
        pod,
        put(("spec", "securityContext"), {"windowsOptions": {"gmsaCredentialSpecName": "Web_Spec"}}),
        "spec.securityContext.windowsOptions.gmsaCredentialSpecName 'Web_Spec' is not a valid DNS-1123 subdomain: use at most 253 lower-case letters, digits, '-' and '.', starting and ending with a letter or digit (e.g. 'web-spec')",
    ),
    # gmsa-spec-empty
    (
        "gmsa-spec-empty",
        pod,
        put(("spec", "securityContext"), {"windowsOptions": {"gmsaCredentialSpec": ""}}),
        "spec.securityContext.windowsOptions.gmsaCredentialSpec is empty: set the credential spec JSON, or remove the field",
    ),
    # gmsa-spec-too-long
    (
        "gmsa-spec-too-long",
        pod,
        put(("spec", "securityContext"), {"windowsOptions": {"gmsaCredentialSpec": "x" * 65537}}),
        "spec.securityContext.windowsOptions.gmsaCredentialSpec is 65537 bytes long: it must be under 64 KiB",
    ),
    # run-as-user-name-empty
    (
        "run-as-user-name-empty",
        pod,
        put(("spec", "containers", 0, "securityContext"), {"windowsOptions": {"runAsUserName": ""}}),
        "spec.containers[0].securityContext.windowsOptions.runAsUserName is empty: set a Windows user name such as 'ContainerUser' or 'DOMAIN\\user'",
    ),
    # run-as-user-name-control
    (
        "run-as-user-name-control",
        pod,
        put(("spec", "containers", 0, "securityContext"), {"windowsOptions": {"runAsUserName": "user\t"}}),
        "spec.containers[0].securityContext.windowsOptions.runAsUserName 'user\\t' contains control characters: remove them",
    ),
    # run-as-user-name-backslashes
    (
        "run-as-user-name-backslashes",
        pod,
        put(("spec", "containers", 0, "securityContext"), {"windowsOptions": {"runAsUserName": "a\\b\\c"}}),
        "spec.containers[0].securityContext.windowsOptions.runAsUserName 'a\\\\b\\\\c' contains more than one backslash: write 'DOMAIN\\user' or just 'user'",
    ),
    # run-as-user-name-domain
    (
        "run-as-user-name-domain",
        pod,
        put(
            ("spec", "containers", 0, "securityContext"), {"windowsOptions": {"runAsUserName": ".corp\\user"}}
        ),
        "spec.containers[0].securityContext.windowsOptions.runAsUserName '.corp\\\\user' has domain '.corp', which is neither a NetBIOS name (1-15 characters, not starting with '.', none of \\ / : * ? \" < > |) nor a DNS name",
    ),
    # run-as-user-name-domain-too-long
    (
        "run-as-user-name-domain-too-long",
        pod,
        put(
            ("spec", "containers", 0, "securityContext"),
            {"windowsOptions": {"runAsUserName": DOMAIN_USER}},
        ),
        f"spec.containers[0].securityContext.windowsOptions.runAsUserName {DOMAIN_USER!r} has a domain of 256 bytes: use one under 256",
    ),
    # run-as-user-name-user-empty
    (
        "run-as-user-name-user-empty",
        pod,
        put(("spec", "containers", 0, "securityContext"), {"windowsOptions": {"runAsUserName": "CORP\\"}}),
        "spec.containers[0].securityContext.windowsOptions.runAsUserName 'CORP\\\\' has an empty user part: write the user after the backslash",
    ),
    # run-as-user-name-user-too-long
    (
        "run-as-user-name-user-too-long",
        pod,
        put(("spec", "containers", 0, "securityContext"), {"windowsOptions": {"runAsUserName": "u" * 105}}),
        f"spec.containers[0].securityContext.windowsOptions.runAsUserName {'u' * 105!r} has a user part of 105 bytes: use at most 104",
    ),
    # run-as-user-name-dots
    (
        "run-as-user-name-dots",
        pod,
        put(("spec", "containers", 0, "securityContext"), {"windowsOptions": {"runAsUserName": ". ."}}),
        "spec.containers[0].securityContext.windowsOptions.runAsUserName '. .' has a user part of only periods or spaces: use a real user name",
    ),
    # run-as-user-name-chars
    (
        "run-as-user-name-chars",
        pod,
        put(("spec", "containers", 0, "securityContext"), {"windowsOptions": {"runAsUserName": "us@r"}}),
        "spec.containers[0].securityContext.windowsOptions.runAsUserName 'us@r' has a user part with one of \" / \\ : ; | = , + * ? < > @ [ ]: remove it",
    ),
    # host-process-host-network
    (
        "host-process-host-network",
        pod,
        put(("spec", "securityContext"), {"windowsOptions": {"hostProcess": True}}),
        "spec.hostNetwork must be true in a pod with hostProcess containers: set hostNetwork: true",
    ),
    # host-process-mixed
    (
        "host-process-mixed",
        pod,
        both(
            put(("spec", "hostNetwork"), True),
            put(("spec", "containers", 0, "securityContext"), {"windowsOptions": {"hostProcess": True}}),
        ),
        "spec mixes hostProcess containers with other containers: if any container is a hostProcess container, all of them (init containers too) must be",
    ),
    # host-process-differs
    (
        "host-process-differs",
        pod,
        both(
            put(("spec", "hostNetwork"), True),
            put(("spec", "securityContext"), {"windowsOptions": {"hostProcess": True}}),
            put(("spec", "initContainers", 0, "securityContext"), {"windowsOptions": {"hostProcess": False}}),
        ),
        [
            "spec.initContainers[0].securityContext.windowsOptions.hostProcess false differs from the pod's hostProcess true: set the same value, or leave it to the pod",
            "spec mixes hostProcess containers with other containers: if any container is a hostProcess container, all of them (init containers too) must be",
        ],
    ),
    # host-users-host-network
    (
        "host-users-host-network",
        pod,
        both(put(("spec", "hostUsers"), False), put(("spec", "hostNetwork"), True)),
        "spec.hostNetwork true cannot be combined with hostUsers false: a pod in its own user namespace cannot share the node's namespaces; drop hostNetwork or hostUsers",
    ),
    # host-users-host-pid-ipc
    (
        "host-users-host-pid-ipc",
        pod,
        both(
            put(("spec", "hostUsers"), False), put(("spec", "hostPID"), True), put(("spec", "hostIPC"), True)
        ),
        [
            "spec.hostPID true cannot be combined with hostUsers false: a pod in its own user namespace cannot share the node's namespaces; drop hostPID or hostUsers",
            "spec.hostIPC true cannot be combined with hostUsers false: a pod in its own user namespace cannot share the node's namespaces; drop hostIPC or hostUsers",
        ],
    ),
    # os-name-missing
    (
        "os-name-missing",
        pod,
        put(("spec", "os"), {"name": ""}),
        "spec.os.name is missing: use linux or windows",
    ),
    # os-name
    (
        "os-name",
        pod,
        put(("spec", "os"), {"name": "plan9"}),
        "spec.os.name 'plan9' is not supported: use linux or windows",
    ),
    # os-linux-windows-options
    (
        "os-linux-windows-options",
        pod,
        both(
            put(("spec", "os"), {"name": "linux"}),
            put(("spec", "securityContext"), {"windowsOptions": {"runAsUserName": "u"}}),
            put(("spec", "containers", 0, "securityContext"), {"windowsOptions": {"runAsUserName": "u"}}),
        ),
        [
            "spec.securityContext.windowsOptions cannot be set for a linux pod (spec.os.name is linux): remove it, or set os.name to windows",
            "spec.containers[0].securityContext.windowsOptions cannot be set for a linux pod (spec.os.name is linux): remove it, or set os.name to windows",
        ],
    ),
    # os-windows-pod-fields
    (
        "os-windows-pod-fields",
        pod,
        both(
            put(("spec", "os"), {"name": "windows"}),
            put(("spec", "hostPID"), True),
            put(("spec", "shareProcessNamespace"), False),
            put(("spec", "hostUsers"), True),
            put(
                ("spec", "securityContext"),
                {
                    "runAsUser": 1,
                    "fsGroup": 1,
                    "sysctls": [{"name": "kernel.msgmax", "value": "1"}],
                    "seLinuxOptions": {"level": "s0"},
                },
            ),
        ),
        [
            "spec.securityContext.seLinuxOptions cannot be set for a windows pod (spec.os.name is windows): remove it",
            "spec.securityContext.fsGroup cannot be set for a windows pod (spec.os.name is windows): remove it",
            "spec.securityContext.runAsUser cannot be set for a windows pod (spec.os.name is windows): remove it",
            "spec.securityContext.sysctls cannot be set for a windows pod (spec.os.name is windows): remove it",
            "spec.hostUsers cannot be set for a windows pod (spec.os.name is windows): remove it",
            "spec.shareProcessNamespace cannot be set for a windows pod (spec.os.name is windows): remove it",
            "spec.hostPID cannot be set for a windows pod (spec.os.name is windows): remove it",
        ],
    ),
    # os-windows-container-fields
    (
        "os-windows-container-fields",
        pod,
        both(
            put(("spec", "os"), {"name": "windows"}),
            put(
                ("spec", "containers", 0, "securityContext"),
                {
                    "privileged": False,
                    "readOnlyRootFilesystem": True,
                    "capabilities": {"drop": ["ALL"]},
                    "seccompProfile": {"type": "RuntimeDefault"},
                },
            ),
        ),
        [
            "spec.containers[0].securityContext.seccompProfile cannot be set for a windows pod (spec.os.name is windows): remove it",
            "spec.containers[0].securityContext.capabilities cannot be set for a windows pod (spec.os.name is windows): remove it",
            "spec.containers[0].securityContext.readOnlyRootFilesystem cannot be set for a windows pod (spec.os.name is windows): remove it",
            "spec.containers[0].securityContext.privileged cannot be set for a windows pod (spec.os.name is windows): remove it",
        ],
    ),
    # seccomp-pod-annotation
    (
        "seccomp-pod-annotation",
        pod,
        put(("metadata", "annotations"), {"seccomp.security.alpha.kubernetes.io/pod": "foo"}),
        "metadata.annotations['seccomp.security.alpha.kubernetes.io/pod'] 'foo' is not a valid seccomp profile: use 'runtime/default', 'unconfined' or 'localhost/<path below the kubelet's seccomp directory>' (or, better, the securityContext.seccompProfile field)",
    ),
    # seccomp-container-annotation-path
    (
        "seccomp-container-annotation-path",
        pod,
        put(
            ("metadata", "annotations"),
            {"container.seccomp.security.alpha.kubernetes.io/web": "localhost//etc/a.json"},
        ),
        "metadata.annotations['container.seccomp.security.alpha.kubernetes.io/web'] 'localhost//etc/a.json': the path after 'localhost/' must be a relative path: the kubelet reads it below its own profile directory (e.g. 'etc/a.json')",
    ),
    # seccomp-annotation-type-mismatch
    (
        "seccomp-annotation-type-mismatch",
        pod,
        both(
            put(("metadata", "annotations"), {"seccomp.security.alpha.kubernetes.io/pod": "unconfined"}),
            put(("spec", "securityContext"), {"seccompProfile": {"type": "RuntimeDefault"}}),
        ),
        "spec.securityContext.seccompProfile.type 'RuntimeDefault' does not match the annotation seccomp.security.alpha.kubernetes.io/pod 'unconfined': the seccomp profile in the annotation and the field must agree; fix one, or remove the deprecated annotation",
    ),
    # seccomp-annotation-profile-mismatch
    (
        "seccomp-annotation-profile-mismatch",
        pod,
        both(
            put(
                ("metadata", "annotations"),
                {"container.seccomp.security.alpha.kubernetes.io/web": "localhost/a.json"},
            ),
            put(
                ("spec", "containers", 0, "securityContext"),
                {"seccompProfile": {"type": "Localhost", "localhostProfile": "b.json"}},
            ),
        ),
        "spec.containers[0].securityContext.seccompProfile.localhostProfile 'b.json' does not match the annotation container.seccomp.security.alpha.kubernetes.io/web 'localhost/a.json': the seccomp profile in the annotation and the field must agree; fix one, or remove the deprecated annotation",
    ),
    # apparmor-annotation-container
    (
        "apparmor-annotation-container",
        pod,
        put(
            ("metadata", "annotations"),
            {"container.apparmor.security.beta.kubernetes.io/nginx": "runtime/default"},
        ),
        "metadata.annotations['container.apparmor.security.beta.kubernetes.io/nginx'] names container 'nginx', which this pod does not have (its containers: 'proxy', 'web'): fix the name after the '/' or remove the annotation",
    ),
    # apparmor-annotation-value
    (
        "apparmor-annotation-value",
        pod,
        put(
            ("metadata", "annotations"), {"container.apparmor.security.beta.kubernetes.io/web": "runtime/foo"}
        ),
        "metadata.annotations['container.apparmor.security.beta.kubernetes.io/web'] 'runtime/foo' is not a valid AppArmor profile: use 'runtime/default', 'unconfined' or 'localhost/<profile name>' (or, better, the securityContext.appArmorProfile field)",
    ),
    # apparmor-annotation-type-mismatch
    (
        "apparmor-annotation-type-mismatch",
        pod,
        both(
            put(
                ("metadata", "annotations"),
                {"container.apparmor.security.beta.kubernetes.io/web": "runtime/default"},
            ),
            put(("spec", "containers", 0, "securityContext"), {"appArmorProfile": {"type": "Unconfined"}}),
        ),
        "spec.containers[0].securityContext.appArmorProfile.type 'Unconfined' does not match the annotation container.apparmor.security.beta.kubernetes.io/web 'runtime/default': the AppArmor profile in the annotation and the field must agree; fix one, or remove the deprecated annotation",
    ),
    # apparmor-annotation-pod-field-mismatch
    (
        "apparmor-annotation-pod-field-mismatch",
        pod,
        both(
            put(
                ("metadata", "annotations"),
                {"container.apparmor.security.beta.kubernetes.io/proxy": "unconfined"},
            ),
            put(("spec", "securityContext"), {"appArmorProfile": {"type": "RuntimeDefault"}}),
        ),
        "spec.securityContext.appArmorProfile.type 'RuntimeDefault' does not match the annotation container.apparmor.security.beta.kubernetes.io/proxy 'unconfined': the AppArmor profile of container 'proxy' (from the pod's field) in the annotation and the field must agree; fix one, or remove the deprecated annotation",
    ),
    # apparmor-annotation-profile-mismatch
    (
        "apparmor-annotation-profile-mismatch",
        pod,
        both(
            put(
                ("metadata", "annotations"),
                {"container.apparmor.security.beta.kubernetes.io/web": "localhost/foo"},
            ),
            put(
                ("spec", "containers", 0, "securityContext"),
                {"appArmorProfile": {"type": "Localhost", "localhostProfile": "bar"}},
            ),
        ),
        "spec.containers[0].securityContext.appArmorProfile.localhostProfile 'bar' does not match the annotation container.apparmor.security.beta.kubernetes.io/web 'localhost/foo': the AppArmor profile in the annotation and the field must agree; fix one, or remove the deprecated annotation",
    ),
    # template-seccomp-annotation-mismatch
    (
        "template-seccomp-annotation-mismatch",
        deployment,
        both(
            put(
                ("spec", "template", "metadata", "annotations"),
                {"seccomp.security.alpha.kubernetes.io/pod": "runtime/default"},
            ),
            put(("spec", "template", "spec", "securityContext"), {"seccompProfile": {"type": "Unconfined"}}),
        ),
        "spec.template.spec.securityContext.seccompProfile.type 'Unconfined' does not match the annotation seccomp.security.alpha.kubernetes.io/pod 'runtime/default': the seccomp profile in the annotation and the field must agree; fix one, or remove the deprecated annotation",
    ),
    # template-run-as-user
    (
        "template-run-as-user",
        deployment,
        put(("spec", "template", "spec", "securityContext"), {"runAsUser": -1}),
        "spec.template.spec.securityContext.runAsUser -1 is out of range: use a user ID from 0 to 2147483647",
    ),
]

#: objects the API server accepts, each close to a rule's edge
ACCEPTED: list[tuple[str, Callable[[], Doc], Mutation]] = [
    (
        "full-pod-security-context",
        pod,
        put(
            ("spec", "securityContext"),
            {
                "runAsUser": 0,
                "runAsGroup": 2147483647,
                "fsGroup": 2000,
                "supplementalGroups": [0, 2147483647],
                "supplementalGroupsPolicy": "Strict",
                "fsGroupChangePolicy": "OnRootMismatch",
                "seLinuxChangePolicy": "Recursive",
                "seLinuxOptions": {"level": "s0:c123,c456"},
                "sysctls": [{"name": "net.ipv4.ip_local_port_range", "value": "1024 65535"}],
                "seccompProfile": {"type": "RuntimeDefault", "localhostProfile": None},
                "appArmorProfile": {"type": "Localhost", "localhostProfile": "k8s-deny-write"},
            },
        ),
    ),
    # a privileged container is fine (clusters run with --allow-privileged); so is SYS_ADMIN
    # without the CAP_ prefix next to allowPrivilegeEscalation false (upstream compares the text)
    (
        "privileged",
        pod,
        put(
            ("spec", "containers", 0, "securityContext"),
            {"privileged": True, "allowPrivilegeEscalation": True},
        ),
    ),
    (
        "sys-admin-without-cap-prefix",
        pod,
        put(
            ("spec", "containers", 0, "securityContext"),
            {"allowPrivilegeEscalation": False, "capabilities": {"add": ["SYS_ADMIN"]}},
        ),
    ),
    (
        "unmasked-proc-mount-in-a-user-namespace",
        pod,
        both(
            put(("spec", "hostUsers"), False),
            put(("spec", "containers", 0, "securityContext"), {"procMount": "Unmasked"}),
        ),
    ),
    # the empty relative path is a relative path
    (
        "seccomp-localhost-empty",
        pod,
        put(("spec", "securityContext"), {"seccompProfile": {"type": "Localhost", "localhostProfile": ""}}),
    ),
    # NormalizeName leaves a name whose first separator is '.' as written: not fs.mqueue.*
    (
        "sysctl-mixed-separators-with-host-ipc",
        pod,
        both(
            put(("spec", "hostIPC"), True),
            put(("spec", "securityContext"), {"sysctls": [{"name": "fs.mqueue/msg_max", "value": "10"}]}),
        ),
    ),
    (
        "sysctl-net-without-host-network",
        pod,
        both(
            put(("spec", "hostIPC"), True),
            put(("spec", "securityContext"), {"sysctls": [{"name": "net/ipv4/ip_forward", "value": "1"}]}),
        ),
    ),
    (
        "matching-annotations",
        pod,
        both(
            put(
                ("metadata", "annotations"),
                {
                    "seccomp.security.alpha.kubernetes.io/pod": "docker/default",
                    "container.seccomp.security.alpha.kubernetes.io/web": "localhost/a.json",
                    "container.apparmor.security.beta.kubernetes.io/proxy": "",
                    "container.apparmor.security.beta.kubernetes.io/web": "localhost/deny",
                },
            ),
            put(("spec", "securityContext"), {"seccompProfile": {"type": "RuntimeDefault"}}),
            put(
                ("spec", "containers", 0, "securityContext"),
                {
                    "seccompProfile": {"type": "Localhost", "localhostProfile": "a.json"},
                    "appArmorProfile": {"type": "Localhost", "localhostProfile": "deny"},
                },
            ),
        ),
    ),
    (
        "windows-host-process-pod",
        pod,
        both(
            put(("spec", "os"), {"name": "windows"}),
            put(("spec", "hostNetwork"), True),
            put(
                ("spec", "securityContext"),
                {
                    "windowsOptions": {
                        "hostProcess": True,
                        "runAsUserName": "NT AUTHORITY\\SYSTEM",
                        "gmsaCredentialSpecName": "web-spec",
                        "gmsaCredentialSpec": "{}",
                    }
                },
            ),
            put(("spec", "containers", 0, "securityContext"), {"windowsOptions": {"hostProcess": True}}),
        ),
    ),
    # AppArmor annotations are not compared with the fields on a Windows pod
    (
        "windows-apparmor-annotation",
        pod,
        both(
            put(("spec", "os"), {"name": "windows"}),
            put(
                ("metadata", "annotations"),
                {"container.apparmor.security.beta.kubernetes.io/web": "unconfined"},
            ),
        ),
    ),
    (
        "linux-pod",
        pod,
        both(
            put(("spec", "os"), {"name": "linux"}),
            put(("spec", "shareProcessNamespace"), True),
            put(("spec", "containers", 0, "securityContext"), {"seccompProfile": {"type": "Unconfined"}}),
        ),
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
    assert [(p.path, p.message, p.fix, p.family) for p in problems] == [
        ("t/x", m, "", "apiserver") for m in messages
    ]
    for problem in problems:
        assert problem.field and problem.message.startswith(problem.field), problem
        assert problem.rule.startswith(("apiserver:Validate", "apiserver:validate")), problem


@pytest.mark.parametrize(("name", "make", "mutate"), ACCEPTED, ids=[r[0] for r in ACCEPTED])
def test_accepts_what_the_api_server_accepts(name: str, make: Callable[[], Doc], mutate: Mutation) -> None:
    doc = make()
    mutate(doc)
    assert [p.message for p in check_object(doc, "t/x")] == []


def test_a_host_process_problem_names_the_rule() -> None:
    doc = pod()
    put(("spec", "securityContext"), {"windowsOptions": {"hostProcess": True}})(doc)
    [problem] = check_object(doc, "t/x")
    assert (problem.field, problem.rule) == ("spec.hostNetwork", "apiserver:validateWindowsHostProcessPod")


def test_an_annotation_problem_is_on_the_annotation() -> None:
    doc = deployment()
    put(("spec", "template", "metadata", "annotations"), {"seccomp.security.alpha.kubernetes.io/pod": "x"})(
        doc
    )
    [problem] = check_object(doc, "t/x")
    assert problem.field == "spec.template.metadata.annotations['seccomp.security.alpha.kubernetes.io/pod']"
    assert problem.rule == "apiserver:ValidateSeccompPodAnnotations"


WRONG: list[Any] = [None, True, "x", 7, -1, [], [None, 3, "a"], {}, {"x": None}]
FIELDS = (
    ("spec", "securityContext"),
    ("spec", "securityContext", "sysctls"),
    ("spec", "securityContext", "seccompProfile"),
    ("spec", "securityContext", "appArmorProfile"),
    ("spec", "securityContext", "windowsOptions"),
    ("spec", "securityContext", "supplementalGroups"),
    ("spec", "containers", 0, "securityContext"),
    ("spec", "containers", 0, "securityContext", "capabilities"),
    ("spec", "containers", 0, "securityContext", "windowsOptions"),
    ("spec", "os"),
    ("spec", "hostUsers"),
    ("metadata", "annotations"),
)


@pytest.mark.parametrize("field", FIELDS, ids=[".".join(map(str, f)) for f in FIELDS])
def test_wrong_types_give_problems_not_exceptions(field: tuple[Any, ...]) -> None:
    for value in WRONG:
        doc = pod()
        doc["spec"]["securityContext"] = {"windowsOptions": {}, "seccompProfile": {}, "appArmorProfile": {}}
        doc["spec"]["containers"][0]["securityContext"] = {"capabilities": {}, "windowsOptions": {}}
        doc["metadata"]["annotations"] = {"container.apparmor.security.beta.kubernetes.io/web": "x"}
        put(field, value)(doc)
        check_object(doc, "t/x")  # must not raise
