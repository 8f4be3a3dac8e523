"""Security settings of a pod and its containers: security contexts, sysctls, seccomp and
AppArmor (fields and their legacy annotations), user namespaces, Windows and hostProcess
options, the pod's OS (core validation: validatePodSpecSecurityContext, ValidateSecurityContext,
validateSysctls, validateSeccompAnnotationsAndFields, ValidateAppArmorProfileField, validateOS,
validateWindowsHostProcessPod, validateHostUsers).

Read as the Kubernetes 1.33 API server reads a v1 object: the host namespace switches
(``hostNetwork``, ``hostPID``, ``hostIPC``, ``hostUsers``, ``shareProcessNamespace``) sit on the
pod spec, a value set to ``null`` is unset, and the cluster is assumed to allow privileged
containers (``--allow-privileged``, which every common distribution sets).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .._base import Report, as_dict, as_list, is_int, subdomain, upstream

__all__ = ["check_security", "sysctl_namespace"]

# -- values ----------------------------------------------------------------------------------
MAX_ID = 2_147_483_647  # IsValidUserID / IsValidGroupID: 0..MaxInt32
OS_NAMES = ("linux", "windows")
FS_GROUP_CHANGE_POLICIES = ("Always", "OnRootMismatch")
SUPPLEMENTAL_GROUPS_POLICIES = ("Merge", "Strict")
PROC_MOUNTS = ("Default", "Unmasked")
SECCOMP_TYPES = ("Localhost", "RuntimeDefault", "Unconfined")
APPARMOR_TYPES = ("Localhost", "RuntimeDefault", "Unconfined")
MAX_APPARMOR_PROFILE = 4095  # PATH_MAX - 1, in bytes
MAX_GMSA_SPEC = 64 * 1024  # bytes
MAX_USER_DOMAIN = 256
MAX_USER_NAME = 104

SECCOMP_POD = "seccomp.security.alpha.kubernetes.io/pod"
SECCOMP_CONTAINER = "container.seccomp.security.alpha.kubernetes.io/"
APPARMOR_CONTAINER = "container.apparmor.security.beta.kubernetes.io/"
LOCALHOST = "localhost/"

# IsValidSysctlName: dot- or slash-separated segments, at most 253 characters
_SYSCTL = re.compile(r"(?:[a-z0-9](?:[-_a-z0-9]*[a-z0-9])?[./])*[a-z0-9](?:[-_a-z0-9]*[a-z0-9])?\Z")
# validateWindowsSecurityContextOptions
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_NETBIOS = re.compile(r'[^\\/:*?"<>|.][^\\/:*?"<>|]{0,14}\Z')
_DNS_DOMAIN = re.compile(
    r"[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*\Z"
)
_USER_BAD_CHARS = re.compile(r'["/\\:;|=,+*?<>@\[\]]')
_USER_DOTS_SPACES = re.compile(r"[. ]+\Z")

# k8s.io/component-helpers/node/util/sysctl: the namespaced sysctls, by namespace
_IPC_SYSCTLS = frozenset(("kernel.sem",))
_IPC_PREFIXES = ("kernel.shm", "kernel.msg", "fs.mqueue.")
_NET_PREFIXES = ("net.",)

# the fields validateWindows forbids on a Windows pod (pod security context, container's)
_WINDOWS_POD_FORBIDDEN = (
    "appArmorProfile",
    "seLinuxOptions",
    "seccompProfile",
    "fsGroup",
    "fsGroupChangePolicy",
    "runAsUser",
    "runAsGroup",
    "supplementalGroups",
    "supplementalGroupsPolicy",
    "seLinuxChangePolicy",
)
_WINDOWS_CONTAINER_FORBIDDEN = (
    "appArmorProfile",
    "seLinuxOptions",
    "seccompProfile",
    "capabilities",
    "readOnlyRootFilesystem",
    "privileged",
    "allowPrivilegeEscalation",
    "procMount",
    "runAsUser",
    "runAsGroup",
)
_CONTAINER_LISTS = ("initContainers", "containers", "ephemeralContainers")


def sysctl_namespace(name: str) -> str | None:
    """The kernel namespace of a namespaced sysctl (``"net"`` or ``"ipc"``), else ``None``
    (utilsysctl.GetNamespace, after NormalizeName: a name whose first separator is '/' is
    written with '/' and '.' swapped)."""
    first = min((i for i in (name.find("."), name.find("/")) if i >= 0), default=-1)
    if first >= 0 and name[first] == "/":
        name = name.translate(_SWAP)
    if name.startswith(_NET_PREFIXES):
        return "net"
    if name in _IPC_SYSCTLS or name.startswith(_IPC_PREFIXES):
        return "ipc"
    return None


_SWAP = str.maketrans("./", "/.")


# -- the pod ---------------------------------------------------------------------------------
@upstream("validatePodSpecSecurityContext")
def check_security(r: Report, spec: Mapping[str, Any], meta: Mapping[str, Any], where: str) -> None:
    """The security settings of the pod spec ``spec`` at ``where``; ``meta`` is the pod's
    metadata (the seccomp/AppArmor annotations live there)."""
    security = as_dict(spec.get("securityContext"))
    annotations = meta.get("annotations")
    if (
        not security
        and spec.get("hostUsers") is not False
        and "os" not in spec
        and not annotations
        and not any(
            isinstance(c, dict) and c.get("securityContext")
            for field in _CONTAINER_LISTS
            for c in as_list(spec.get(field))
        )
    ):
        # nothing set that these rules read but shareProcessNamespace/hostPID (most pods: every
        # rule below reads a security context, hostUsers, os or an annotation)
        _process_namespace(r, spec, where)
        return
    containers = [
        (f"{where}.{field}[{i}]", c)
        for field in _CONTAINER_LISTS
        for i, c in enumerate(as_list(spec.get(field)))
        if isinstance(c, dict)
    ]
    host_users = spec.get("hostUsers") is not False
    if security:
        _pod_context(r, security, spec, f"{where}.securityContext")
    _process_namespace(r, spec, where)
    for path, container in containers:
        context = container.get("securityContext")
        if isinstance(context, dict) and context:
            _container_context(r, context, f"{path}.securityContext", host_users)
    if not host_users:
        _host_users(r, spec, where)
    _host_process(r, spec, security, containers, where)
    os = spec.get("os")
    if isinstance(os, dict):
        _os(r, spec, security, containers, os, where)
    if isinstance(annotations, dict) and annotations:
        _annotations(r, annotations, security, containers, spec, where)


def _process_namespace(r: Report, spec: Mapping[str, Any], where: str) -> None:
    if spec.get("shareProcessNamespace") is True and spec.get("hostPID") is True:
        r.add(
            f"{where}.shareProcessNamespace true cannot be combined with hostPID true: the containers "
            f"either share the host's process namespace or one of their own; set one of them to false"
        )


def _meta_path(where: str) -> str:
    """The metadata path beside the pod spec at ``where`` (``spec`` -> ``metadata``,
    ``spec.template.spec`` -> ``spec.template.metadata``)."""
    return where[: -len("spec")] + "metadata" if where.endswith("spec") else f"{where}.metadata"


def _id(r: Report, where: str, value: object, what: str) -> None:
    if is_int(value) and not 0 <= value <= MAX_ID:  # type: ignore[operator]
        r.add(f"{where} {value} is out of range: use a {what} ID from 0 to {MAX_ID}")


def _pod_context(r: Report, security: Mapping[str, Any], spec: Mapping[str, Any], where: str) -> None:
    _id(r, f"{where}.fsGroup", security.get("fsGroup"), "group")
    _id(r, f"{where}.runAsUser", security.get("runAsUser"), "user")
    _id(r, f"{where}.runAsGroup", security.get("runAsGroup"), "group")
    for i, gid in enumerate(as_list(security.get("supplementalGroups"))):
        _id(r, f"{where}.supplementalGroups[{i}]", gid, "group")
    sysctls = as_list(security.get("sysctls"))
    if sysctls:
        _sysctls(r, sysctls, spec, f"{where}.sysctls")
    r.enum(f"{where}.fsGroupChangePolicy", security.get("fsGroupChangePolicy"), FS_GROUP_CHANGE_POLICIES)
    seccomp = security.get("seccompProfile")
    if isinstance(seccomp, dict):
        _seccomp_field(r, seccomp, f"{where}.seccompProfile")
    windows = security.get("windowsOptions")
    if isinstance(windows, dict):
        _windows_options(r, windows, f"{where}.windowsOptions")
    apparmor = security.get("appArmorProfile")
    if isinstance(apparmor, dict):
        _apparmor_field(r, apparmor, f"{where}.appArmorProfile")
    r.enum(
        f"{where}.supplementalGroupsPolicy",
        security.get("supplementalGroupsPolicy"),
        SUPPLEMENTAL_GROUPS_POLICIES,
    )
    _selinux_change_policy(r, security.get("seLinuxChangePolicy"), f"{where}.seLinuxChangePolicy")


@upstream("validateSysctls")
def _sysctls(r: Report, sysctls: list[Any], spec: Mapping[str, Any], where: str) -> None:
    seen: set[str] = set()
    host_network = spec.get("hostNetwork") is True
    host_ipc = spec.get("hostIPC") is True
    for i, sysctl in enumerate(sysctls):
        name = sysctl.get("name") if isinstance(sysctl, dict) else None
        if not isinstance(name, str):
            continue
        if not name:
            r.add(f"{where}[{i}].name is missing: set the sysctl's name (e.g. 'net.core.somaxconn')")
        elif len(name) > 253 or not _SYSCTL.match(name):
            r.add(
                f"{where}[{i}].name {name!r} is not a valid sysctl name: use at most 253 lower-case "
                f"letters, digits, '-' and '_' in segments separated by '.' or '/', each starting and "
                f"ending with a letter or digit (e.g. 'net.core.somaxconn')"
            )
        elif name in seen:
            r.add(f"{where}[{i}].name {name!r} is set twice: keep one entry per sysctl")
        seen.add(name)
        namespace = sysctl_namespace(name) if (host_network or host_ipc) else None
        host = "hostNetwork" if namespace == "net" and host_network else None
        if namespace == "ipc" and host_ipc:
            host = "hostIPC"
        if host is not None:
            r.add(
                f"{where}[{i}] {name!r} may not be specified when {host!r} is true: the pod shares that "
                f"namespace with the node, so the sysctl would change the node's setting; drop one of them"
            )


def _selinux_change_policy(r: Report, value: object, where: str) -> None:
    """validateSELinuxChangePolicy with the 1.33 defaults: SELinuxMount is off, so a new pod
    may only ask for Recursive."""
    if value is None or value == "Recursive":
        return
    if value == "MountOption":
        r.add(
            f"{where} 'MountOption' is not supported: use 'Recursive' (MountOption needs the "
            f"SELinuxMount feature gate, off by default in Kubernetes 1.33)"
        )
    else:
        r.add(f"{where} {value!r} is not supported: use 'Recursive'")


# -- containers ------------------------------------------------------------------------------
@upstream("ValidateSecurityContext")
def _container_context(r: Report, context: Mapping[str, Any], where: str, host_users: bool) -> None:
    _id(r, f"{where}.runAsUser", context.get("runAsUser"), "user")
    _id(r, f"{where}.runAsGroup", context.get("runAsGroup"), "group")
    proc_mount = context.get("procMount")
    if proc_mount is not None:
        r.enum(f"{where}.procMount", proc_mount, PROC_MOUNTS)
        if host_users and proc_mount == "Unmasked":
            r.add(
                f"{where}.procMount 'Unmasked' needs a user namespace: set the pod's hostUsers to false, "
                f"or use procMount 'Default'"
            )
    seccomp = context.get("seccompProfile")
    if isinstance(seccomp, dict):
        _seccomp_field(r, seccomp, f"{where}.seccompProfile")
    if context.get("allowPrivilegeEscalation") is False:
        if context.get("privileged") is True:
            r.add(
                f"{where}.allowPrivilegeEscalation false cannot be combined with privileged true: a "
                f"privileged container can always escalate; drop one of them"
            )
        for cap in as_list(as_dict(context.get("capabilities")).get("add")):
            if cap == "CAP_SYS_ADMIN":
                r.add(
                    f"{where}.allowPrivilegeEscalation false cannot be combined with capabilities.add "
                    f"'CAP_SYS_ADMIN': that capability allows escalation; drop one of them"
                )
    windows = context.get("windowsOptions")
    if isinstance(windows, dict):
        _windows_options(r, windows, f"{where}.windowsOptions")
    apparmor = context.get("appArmorProfile")
    if isinstance(apparmor, dict):
        _apparmor_field(r, apparmor, f"{where}.appArmorProfile")


# -- seccomp and AppArmor fields -------------------------------------------------------------
def _descending_path(value: str) -> str | None:
    """validateLocalDescendingPath: what is wrong with a path below the kubelet's directory."""
    absolute = value.startswith("/")
    backstep = ".." in value.split("/")
    if not absolute and not backstep:
        return None
    fixed = "/".join(p for p in value.split("/") if p and p != "..") or "profile.json"
    what = {
        (True, False): "must be a relative path",
        (False, True): "must not contain a '..' element",
        (True, True): "must be a relative path without a '..' element",
    }[absolute, backstep]
    return f"{what}: the kubelet reads it below its own profile directory (e.g. {fixed!r})"


@upstream("validateSeccompProfileField")
def _seccomp_field(r: Report, profile: Mapping[str, Any], where: str) -> None:
    kind = profile.get("type")
    local = profile.get("localhostProfile")
    if kind is None or kind == "":
        r.add(f"{where}.type is missing: use one of {', '.join(SECCOMP_TYPES)}")
    elif isinstance(kind, str) and kind not in SECCOMP_TYPES:
        r.add(f"{where}.type {kind!r} is not supported: use one of {', '.join(SECCOMP_TYPES)}")
    if kind == "Localhost":
        if local is None:
            r.add(
                f"{where}.localhostProfile is missing: a Localhost seccomp profile needs the profile's "
                f"path below the kubelet's seccomp directory (e.g. 'profiles/audit.json')"
            )
        elif isinstance(local, str) and (reason := _descending_path(local)) is not None:
            r.add(f"{where}.localhostProfile {local!r} {reason}")
    elif local is not None:
        r.add(
            f"{where}.localhostProfile {local!r} can only be set when type is Localhost: "
            f"remove it, or set type to Localhost"
        )


@upstream("ValidateAppArmorProfileField")
def _apparmor_field(r: Report, profile: Mapping[str, Any], where: str) -> None:
    kind = profile.get("type")
    local = profile.get("localhostProfile")
    if kind == "Localhost":
        if local is None or local == "":
            r.add(
                f"{where}.localhostProfile is missing: a Localhost AppArmor profile needs the name of a "
                f"profile loaded on the node (e.g. 'k8s-apparmor-example-deny-write')"
            )
        elif isinstance(local, str):
            stripped = local.strip()
            if stripped != local:
                if stripped:
                    r.add(
                        f"{where}.localhostProfile {local!r} must not be padded with whitespace: use {stripped!r}"
                    )
                else:
                    r.add(
                        f"{where}.localhostProfile is blank: a Localhost AppArmor profile needs the name "
                        f"of a profile loaded on the node"
                    )
            size = len(local.encode())
            if size > MAX_APPARMOR_PROFILE:
                r.add(
                    f"{where}.localhostProfile is {size} bytes long: use a profile name of at most "
                    f"{MAX_APPARMOR_PROFILE} bytes"
                )
    elif kind in ("RuntimeDefault", "Unconfined"):
        if local is not None:
            r.add(
                f"{where}.localhostProfile {local!r} can only be set when type is Localhost: "
                f"remove it, or set type to Localhost"
            )
    elif kind is None or kind == "":
        r.add(f"{where}.type is missing: use one of {', '.join(APPARMOR_TYPES)}")
    elif isinstance(kind, str):
        r.add(f"{where}.type {kind!r} is not supported: use one of {', '.join(APPARMOR_TYPES)}")


# -- Windows -------------------------------------------------------------------------------------
@upstream("validateWindowsSecurityContextOptions")
def _windows_options(r: Report, options: Mapping[str, Any], where: str) -> None:
    name = options.get("gmsaCredentialSpecName")
    if isinstance(name, str):
        r.add(subdomain(f"{where}.gmsaCredentialSpecName", name) if name else None)
        if not name:
            r.add(
                f"{where}.gmsaCredentialSpecName is empty: name a GMSACredentialSpec resource, "
                f"or remove the field"
            )
    spec = options.get("gmsaCredentialSpec")
    if isinstance(spec, str):
        if not spec:
            r.add(f"{where}.gmsaCredentialSpec is empty: set the credential spec JSON, or remove the field")
        elif (size := len(spec.encode())) > MAX_GMSA_SPEC:
            r.add(f"{where}.gmsaCredentialSpec is {size} bytes long: it must be under 64 KiB")
    user = options.get("runAsUserName")
    if user == "":
        r.add(
            f"{where}.runAsUserName is empty: set a Windows user name such as 'ContainerUser' or 'DOMAIN\\user'"
        )
    elif isinstance(user, str):
        for reason in _run_as_user_name(user):
            r.add(f"{where}.runAsUserName {user!r} {reason}")


def _run_as_user_name(value: str) -> list[str]:
    """What validateWindowsSecurityContextOptions finds wrong with a ``[DOMAIN\\]USER``."""
    if _CONTROL.search(value):
        return ["contains control characters: remove them"]
    parts = value.split("\\")
    if len(parts) > 2:
        return ["contains more than one backslash: write 'DOMAIN\\user' or just 'user'"]
    domain, user = (parts[0], parts[1]) if len(parts) == 2 else ("", parts[0])
    reasons = []
    if len(domain.encode()) >= MAX_USER_DOMAIN:
        reasons.append(f"has a domain of {len(domain.encode())} bytes: use one under {MAX_USER_DOMAIN}")
    if len(parts) == 2 and not (_NETBIOS.match(domain) or _DNS_DOMAIN.match(domain)):
        reasons.append(
            f"has domain {domain!r}, which is neither a NetBIOS name (1-15 characters, not starting "
            f"with '.', none of \\ / : * ? \" < > |) nor a DNS name"
        )
    size = len(user.encode())
    if not size:
        reasons.append("has an empty user part: write the user after the backslash")
    elif size > MAX_USER_NAME:
        reasons.append(f"has a user part of {size} bytes: use at most {MAX_USER_NAME}")
    if _USER_DOTS_SPACES.match(user):
        reasons.append("has a user part of only periods or spaces: use a real user name")
    if _USER_BAD_CHARS.search(user):
        reasons.append('has a user part with one of " / \\ : ; | = , + * ? < > @ [ ]: remove it')
    return reasons


@upstream("validateWindowsHostProcessPod")
def _host_process(
    r: Report,
    spec: Mapping[str, Any],
    security: Mapping[str, Any],
    containers: list[tuple[str, dict[str, Any]]],
    where: str,
) -> None:
    pod = as_dict(security.get("windowsOptions")).get("hostProcess")
    pod_value = pod if isinstance(pod, bool) else None
    host_process = 0
    for path, container in containers:
        context = container.get("securityContext")
        own = as_dict(as_dict(context).get("windowsOptions")).get("hostProcess") if context else None
        own_value = own if isinstance(own, bool) else None
        if pod_value is not None and own_value is not None and own_value != pod_value:
            r.add(
                f"{path}.securityContext.windowsOptions.hostProcess {str(own_value).lower()} differs from "
                f"the pod's hostProcess {str(pod_value).lower()}: set the same value, or leave it to the pod"
            )
        if own_value is True or (own_value is None and pod_value is True):
            host_process += 1
    if not host_process:
        return
    if host_process != len(containers):
        r.add(
            f"{where} mixes hostProcess containers with other containers: if any container is a "
            f"hostProcess container, all of them (init containers too) must be"
        )
    if spec.get("hostNetwork") is not True:
        r.add(f"{where}.hostNetwork must be true in a pod with hostProcess containers: set hostNetwork: true")


@upstream("validateHostUsers")
def _host_users(r: Report, spec: Mapping[str, Any], where: str) -> None:
    for field in ("hostNetwork", "hostPID", "hostIPC"):
        if spec.get(field) is True:
            r.add(
                f"{where}.{field} true cannot be combined with hostUsers false: a pod in its own user "
                f"namespace cannot share the node's namespaces; drop {field} or hostUsers"
            )


@upstream("validateOS")
def _os(
    r: Report,
    spec: Mapping[str, Any],
    security: Mapping[str, Any],
    containers: list[tuple[str, dict[str, Any]]],
    os: Mapping[str, Any],
    where: str,
) -> None:
    name = os.get("name")
    if name is None or name == "":
        r.add(f"{where}.os.name is missing: use linux or windows")
        return
    if name not in OS_NAMES:
        r.add(f"{where}.os.name {name!r} is not supported: use linux or windows")
        return
    if name == "linux":
        linux = "cannot be set for a linux pod (spec.os.name is linux): remove it, or set os.name to windows"
        if security.get("windowsOptions") is not None:
            r.add(f"{where}.securityContext.windowsOptions {linux}")
        for path, container in containers:
            if as_dict(container.get("securityContext")).get("windowsOptions") is not None:
                r.add(f"{path}.securityContext.windowsOptions {linux}")
        return
    windows = "cannot be set for a windows pod (spec.os.name is windows): remove it"
    for field in _WINDOWS_POD_FORBIDDEN:
        if security.get(field) is not None:
            r.add(f"{where}.securityContext.{field} {windows}")
    if as_list(security.get("sysctls")):
        r.add(f"{where}.securityContext.sysctls {windows}")
    for field in ("hostUsers", "shareProcessNamespace"):
        if spec.get(field) is not None:
            r.add(f"{where}.{field} {windows}")
    for field in ("hostPID", "hostIPC"):
        if spec.get(field) is True:
            r.add(f"{where}.{field} {windows}")
    for path, container in containers:
        context = as_dict(container.get("securityContext"))
        for field in _WINDOWS_CONTAINER_FORBIDDEN:
            if context.get(field) is not None:
                r.add(f"{path}.securityContext.{field} {windows}")


# -- annotations -----------------------------------------------------------------------------
@upstream("ValidatePodSpecificAnnotations")
def _annotations(
    r: Report,
    annotations: Mapping[str, Any],
    security: Mapping[str, Any],
    containers: list[tuple[str, dict[str, Any]]],
    spec: Mapping[str, Any],
    where: str,
) -> None:
    meta = _meta_path(where)
    seccomp: dict[str, str] = {}
    apparmor: dict[str, str] = {}
    for key, value in annotations.items():
        if not isinstance(key, str) or not isinstance(value, str):
            continue
        if key == SECCOMP_POD or key.startswith(SECCOMP_CONTAINER):
            seccomp[key] = value
            _seccomp_annotation(r, f"{meta}.annotations['{key}']", value)
        elif key.startswith(APPARMOR_CONTAINER):
            apparmor[key] = value
            _apparmor_annotation(r, f"{meta}.annotations['{key}']", key, value, containers)
    if seccomp:
        _seccomp_match(r, seccomp, security, containers, where)
    if apparmor:
        _apparmor_match(r, apparmor, security, containers, spec)


@upstream("ValidateSeccompPodAnnotations")
def _seccomp_annotation(r: Report, where: str, value: str) -> None:
    if value in ("runtime/default", "docker/default", "unconfined"):
        return
    if value.startswith(LOCALHOST):
        reason = _descending_path(value[len(LOCALHOST) :])
        if reason is not None:
            r.add(f"{where} {value!r}: the path after 'localhost/' {reason}")
        return
    r.add(
        f"{where} {value!r} is not a valid seccomp profile: use 'runtime/default', 'unconfined' or "
        f"'localhost/<path below the kubelet's seccomp directory>' (or, better, the "
        f"securityContext.seccompProfile field)"
    )


@upstream("ValidateAppArmorPodAnnotations")
def _apparmor_annotation(
    r: Report, where: str, key: str, value: str, containers: list[tuple[str, dict[str, Any]]]
) -> None:
    name = key[len(APPARMOR_CONTAINER) :]
    names = [c.get("name") for _, c in containers]
    if name not in names:
        known = ", ".join(repr(n) for n in names if isinstance(n, str)) or "none"
        r.add(
            f"{where} names container {name!r}, which this pod does not have (its containers: {known}): "
            f"fix the name after the '/' or remove the annotation"
        )
    if value not in ("", "runtime/default", "unconfined") and not value.startswith(LOCALHOST):
        r.add(
            f"{where} {value!r} is not a valid AppArmor profile: use 'runtime/default', 'unconfined' or "
            f"'localhost/<profile name>' (or, better, the securityContext.appArmorProfile field)"
        )


_SECCOMP_NAMES = {"Unconfined": ("unconfined",), "RuntimeDefault": ("runtime/default", "docker/default")}
_APPARMOR_NAMES = {"Unconfined": ("unconfined",), "RuntimeDefault": ("runtime/default",)}


def _mismatch(profile: Mapping[str, Any], value: str, names: Mapping[str, tuple[str, ...]]) -> str | None:
    """Which field of ``profile`` disagrees with the annotation ``value`` (``type`` or
    ``localhostProfile``), or ``None`` (an unknown type is reported by the field's own rule)."""
    kind = profile.get("type")
    if kind == "Localhost":
        if not value.startswith(LOCALHOST):
            return "type"
        return None if profile.get("localhostProfile") == value[len(LOCALHOST) :] else "localhostProfile"
    if isinstance(kind, str) and kind in names:
        return None if value in names[kind] else "type"
    return None


def _mismatch_message(
    where: str, profile: Mapping[str, Any], field: str, key: str, value: str, what: str
) -> str:
    return (
        f"{where}.{field} {profile.get(field)!r} does not match the annotation {key} {value!r}: "
        f"{what} in the annotation and the field must agree; fix one, or remove the deprecated annotation"
    )


@upstream("validateSeccompAnnotationsAndFields")
def _seccomp_match(
    r: Report,
    annotations: Mapping[str, str],
    security: Mapping[str, Any],
    containers: list[tuple[str, dict[str, Any]]],
    where: str,
) -> None:
    pod = security.get("seccompProfile")
    value = annotations.get(SECCOMP_POD)
    if isinstance(pod, dict) and value is not None:
        field = _mismatch(pod, value, _SECCOMP_NAMES)
        if field is not None:
            path = f"{where}.securityContext.seccompProfile"
            r.add(_mismatch_message(path, pod, field, SECCOMP_POD, value, "the seccomp profile"))
    for path, container in containers:
        own = as_dict(container.get("securityContext")).get("seccompProfile")
        key = f"{SECCOMP_CONTAINER}{container.get('name')}"
        value = annotations.get(key)
        if isinstance(own, dict) and value is not None:
            field = _mismatch(own, value, _SECCOMP_NAMES)
            if field is not None:
                at = f"{path}.securityContext.seccompProfile"
                r.add(_mismatch_message(at, own, field, key, value, "the seccomp profile"))


@upstream("validateAppArmorAnnotationsAndFieldsMatchOnCreate")
def _apparmor_match(
    r: Report,
    annotations: Mapping[str, str],
    security: Mapping[str, Any],
    containers: list[tuple[str, dict[str, Any]]],
    spec: Mapping[str, Any],
) -> None:
    if as_dict(spec.get("os")).get("name") == "windows":
        return
    pod = security.get("appArmorProfile")
    for path, container in containers:
        own = as_dict(container.get("securityContext")).get("appArmorProfile")
        profile: Mapping[str, Any] | None = (
            own if isinstance(own, dict) else pod if isinstance(pod, dict) else None
        )
        key = f"{APPARMOR_CONTAINER}{container.get('name')}"
        value = annotations.get(key)
        if profile is None or value is None:
            continue
        field = _mismatch(profile, value, _APPARMOR_NAMES)
        if field is None:
            continue
        if isinstance(own, dict):
            at = f"{path}.securityContext.appArmorProfile"
            what = "the AppArmor profile"
        else:  # inherited from the pod: the pod's field is the one to fix
            at = f"{_spec_of_container(path)}.securityContext.appArmorProfile"
            what = f"the AppArmor profile of container {container.get('name')!r} (from the pod's field)"
        r.add(_mismatch_message(at, profile, field, key, value, what))


def _spec_of_container(path: str) -> str:
    """The pod spec path of a container path (``spec.containers[0]`` -> ``spec``)."""
    return path[: path.rindex(".")]
