"""Pod Security Standards, checked on the final rendered objects at synth.

The same rules the PodSecurity admission controller enforces for policy version v1.33
(k8s.io/pod-security-admission/policy, ``check_*.go``), so a manifest that passes here is
admitted by a namespace labelled ``pod-security.kubernetes.io/enforce: baseline|restricted``.
The check reads the objects as they will be written, after escape-hatch patches, and never
adds or changes a field: fixing a finding is the user's visible change.
https://kubernetes.io/docs/concepts/security/pod-security-standards/

Version-specific behaviour kept from v1.33:

- ``restricted`` replaces three ``baseline`` checks with stricter ones, as the admission
  controller does (``OverrideCheckIDs``): volume types replace hostPath volumes, restricted
  capabilities replace baseline capabilities, restricted seccomp replaces baseline seccomp.
  A pod therefore gets one finding per mistake, not two.
- Pods with ``spec.os.name: windows`` are exempt from the restricted
  allowPrivilegeEscalation, seccomp and capabilities checks (since v1.25).
- Safe sysctls include the v1.27, v1.29 and v1.32 additions; the SELinux type
  ``container_engine_t`` is allowed (since v1.31); ``image`` volumes are allowed at
  restricted (since v1.33).
- User namespaces (``hostUsers: false``) relax nothing: in v1.33 that relaxation sits behind
  the alpha ``UserNamespacesPodSecurityStandards`` gate, off by default.
- Probe and lifecycle ``host`` fields are not checked: that rule arrived in v1.34.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import PodkitTypeError, Problem
from ._base import as_list

__all__ = ["PodSecurity", "check_pod_security"]

RULE = "pod-security"


class PodSecurity(enum.Enum):
    """A Pod Security Standards level; ``RESTRICTED`` includes every ``BASELINE`` rule."""

    BASELINE = "baseline"
    RESTRICTED = "restricted"


# Where each kind keeps its pod template (spec and metadata).
#: where each pod-bearing kind keeps its pod, by (apiVersion, kind): a custom resource that
#: shares a kind name (a Knative ``Service``) is not a Pod
_TEMPLATE_PATHS: dict[tuple[str, str], tuple[str, ...]] = {
    ("v1", "Pod"): (),
    ("apps/v1", "Deployment"): ("spec", "template"),
    ("apps/v1", "StatefulSet"): ("spec", "template"),
    ("apps/v1", "DaemonSet"): ("spec", "template"),
    ("apps/v1", "ReplicaSet"): ("spec", "template"),
    ("v1", "ReplicationController"): ("spec", "template"),
    ("batch/v1", "Job"): ("spec", "template"),
    ("batch/v1", "CronJob"): ("spec", "jobTemplate", "spec", "template"),
}


# check_capabilities_baseline.go: the runtime's default set.
BASELINE_CAPABILITIES = (
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
)
# check_sysctls.go, v1.0 + v1.27 + v1.29 + v1.32 sets.
SAFE_SYSCTLS = (
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
    "net.ipv4.tcp_rmem",
    "net.ipv4.tcp_wmem",
)
# check_seLinuxOptions.go (container_engine_t since v1.31); the empty type is allowed too.
SELINUX_TYPES = ("container_t", "container_init_t", "container_kvm_t", "container_engine_t")
# check_restrictedVolumes.go (image since v1.33).
RESTRICTED_VOLUME_TYPES = (
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "image",
    "persistentVolumeClaim",
    "projected",
    "secret",
)
_APPARMOR_ANNOTATION = "container.apparmor.security.beta.kubernetes.io/"
_VALID_PROFILE_TYPES = ("RuntimeDefault", "Localhost")


def _map(value: Any) -> Mapping[str, Any]:
    """The value if it is a mapping, else empty: patches may leave any shape behind."""
    return value if isinstance(value, Mapping) else {}


@dataclass(frozen=True)
class _Container:
    who: str  # "container 'web'", "init container 'setup'", "ephemeral container 'debug'"
    spec: Mapping[str, Any]

    @property
    def sc(self) -> Mapping[str, Any]:
        return _map(self.spec.get("securityContext"))


_CONTAINER_LISTS = (
    ("containers", "container"),
    ("initContainers", "init container"),
    ("ephemeralContainers", "ephemeral container"),
)


def _containers(spec: Mapping[str, Any]) -> Iterator[_Container]:
    """Every container the admission controller visits, labelled as messages name it."""
    for key, label in _CONTAINER_LISTS:
        for item in as_list(spec.get(key)):
            c = _map(item)
            yield _Container(f"{label} {c.get('name', '')!r}", c)


def pod_template(doc: Mapping[str, Any]) -> tuple[Mapping[str, Any], Mapping[str, Any]] | None:
    """The pod ``(metadata, spec)`` of a Pod or workload, or ``None`` for kinds without pods."""
    keys = _TEMPLATE_PATHS.get((str(doc.get("apiVersion", "")), str(doc.get("kind", ""))))
    if keys is None:
        return None
    node: Mapping[str, Any] = doc
    for key in keys:
        node = _map(node.get(key))
    return _map(node.get("metadata")), _map(node.get("spec"))


def check_pod_security(doc: Mapping[str, Any], level: PodSecurity, path: str) -> list[Problem]:
    """Every way the pod (template) of ``doc`` breaks ``level``, as ``Problem`` s with ``rule="pod-security"``.

    :param doc: one final rendered object (a plain dict, after patches). Pods and the pod
        templates of Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController,
        Job and CronJob are checked; other kinds give no problems.
    :param level: ``PodSecurity.BASELINE`` or ``PodSecurity.RESTRICTED``.
    :param path: where the object comes from (construct path), used as each problem's path.
    """
    if not isinstance(level, PodSecurity):
        raise PodkitTypeError(
            path, f"pod security level must be PodSecurity.BASELINE or PodSecurity.RESTRICTED, got {level!r}"
        )
    if not isinstance(doc, Mapping):
        raise PodkitTypeError(
            path, f"pod security check needs a rendered object (a dict), got {type(doc).__name__}"
        )
    template = pod_template(doc)
    if template is None:
        return []
    metadata, spec = template
    checker = _Checker(level, path, metadata, spec)
    checker.field = template_field(doc)
    return checker.run()


def template_field(doc: Mapping[str, Any]) -> str:
    """The JSON path of the pod spec of ``doc`` (``spec.template.spec``; ``spec`` for a Pod)."""
    keys = _TEMPLATE_PATHS.get((str(doc.get("apiVersion", "")), str(doc.get("kind", ""))), ())
    return ".".join((*keys, "spec"))


class _Checker:
    def __init__(
        self, level: PodSecurity, path: str, metadata: Mapping[str, Any], spec: Mapping[str, Any]
    ) -> None:
        self.level = level
        self.path = path
        self.metadata = metadata
        self.spec = spec
        self.pod_sc = _map(spec.get("securityContext"))
        self.containers = list(_containers(spec))
        self.windows = _map(spec.get("os")).get("name") == "windows"
        self.problems: list[Problem] = []
        self.field = "spec"

    def run(self) -> list[Problem]:
        restricted = self.level is PodSecurity.RESTRICTED
        self._host_process()
        self._host_namespaces()
        self._privileged()
        if not restricted:
            self._capabilities_baseline()
            self._host_path_volumes()
        self._host_ports()
        self._app_armor()
        self._se_linux()
        self._proc_mount()
        if not restricted:
            self._seccomp_baseline()
        self._sysctls()
        if restricted:
            self._volume_types()
            self._allow_privilege_escalation()
            self._run_as_non_root()
            self._run_as_user()
            self._seccomp_restricted()
            self._capabilities_restricted()
        return self.problems

    # -- reporting ---------------------------------------------------------------------------

    def _forbids(self, who: str, what: str, fix: str) -> None:
        self._add(f"{who} sets {what}, which the {self.level.value} level forbids", fix)

    def _requires(self, who: str, what: str, fix: str) -> None:
        self._add(f"{who} does not set {what}, which the {self.level.value} level requires", fix)

    def _forbids_added(self, who: str, capabilities: list[str], allowed: tuple[str, ...]) -> None:
        self._add(
            f"{who} adds {', '.join(capabilities)} in securityContext.capabilities.add, "
            f"which the {self.level.value} level forbids",
            f"remove {_it(capabilities)}; only {', '.join(allowed)} may be added",
        )

    def _add(self, message: str, fix: str) -> None:
        self.problems.append(Problem(self.path, message, fix, RULE, self.field))

    def _setters(self) -> Iterator[tuple[str, Mapping[str, Any]]]:
        """The pod's securityContext, then each container's: the places a field can be set."""
        yield "pod", self.pod_sc
        for c in self.containers:
            yield c.who, c.sc

    # -- baseline ------------------------------------------------------------------------------

    def _host_process(self) -> None:
        for who, sc in self._setters():
            if _map(sc.get("windowsOptions")).get("hostProcess") is True:
                self._forbids(who, "securityContext.windowsOptions.hostProcess=true", "remove it")

    def _host_namespaces(self) -> None:
        for key in ("hostNetwork", "hostPID", "hostIPC"):
            if self.spec.get(key) is True:
                self._forbids("pod", f"{key}=true", "remove it")

    def _privileged(self) -> None:
        for c in self.containers:
            if c.sc.get("privileged") is True:
                self._forbids(c.who, "securityContext.privileged=true", "remove it")

    def _capabilities_baseline(self) -> None:
        for c in self.containers:
            added = [str(a) for a in as_list(_map(c.sc.get("capabilities")).get("add"))]
            bad = [a for a in added if a not in BASELINE_CAPABILITIES]
            if bad:
                self._forbids_added(c.who, bad, BASELINE_CAPABILITIES)

    def _host_path_volumes(self) -> None:
        for v in map(_map, as_list(self.spec.get("volumes"))):
            if v.get("hostPath") is not None:
                self._add(
                    f"volume {v.get('name', '')!r} is a hostPath volume, which the {self.level.value} level forbids",
                    "use a persistentVolumeClaim, emptyDir, configMap or secret volume instead",
                )

    def _host_ports(self) -> None:
        for c in self.containers:
            for i, port in enumerate(map(_map, as_list(c.spec.get("ports")))):
                host_port = port.get("hostPort")
                if host_port not in (None, 0):
                    self._forbids(
                        c.who,
                        f"ports[{i}].hostPort={host_port}",
                        "remove hostPort and reach the pod through a Service",
                    )

    def _app_armor(self) -> None:
        annotations = _map(self.metadata.get("annotations"))
        for key in sorted(annotations):
            value = annotations[key]
            if str(key).startswith(_APPARMOR_ANNOTATION) and not (
                not value or value == "runtime/default" or str(value).startswith("localhost/")
            ):
                self._forbids(
                    "pod",
                    f"annotation {key}={value!r}",
                    "use 'runtime/default' or 'localhost/<profile>', or remove the annotation",
                )
        self._unconfined("appArmorProfile")

    def _se_linux(self) -> None:
        for who, sc in self._setters():
            options = _map(sc.get("seLinuxOptions"))
            selinux_type = options.get("type")
            if selinux_type and selinux_type not in SELINUX_TYPES:
                self._forbids(
                    who,
                    f"securityContext.seLinuxOptions.type={selinux_type!r}",
                    f"use {', '.join(SELINUX_TYPES)}, or remove it",
                )
            for key in ("user", "role"):
                if options.get(key):
                    self._forbids(who, f"securityContext.seLinuxOptions.{key}={options[key]!r}", "remove it")

    def _proc_mount(self) -> None:
        for c in self.containers:
            proc_mount = c.sc.get("procMount")
            if proc_mount not in (None, "", "Default"):
                self._forbids(c.who, f"securityContext.procMount={proc_mount}", "remove it (or set Default)")

    def _seccomp_baseline(self) -> None:
        self._unconfined("seccompProfile")

    def _unconfined(self, profile: str) -> None:
        """Baseline forbids an ``Unconfined`` AppArmor or seccomp profile, on the pod or a container."""
        for who, sc in self._setters():
            if _map(sc.get(profile)).get("type") == "Unconfined":
                self._forbids(
                    who,
                    f"securityContext.{profile}.type=Unconfined",
                    "use RuntimeDefault or Localhost, or remove it",
                )

    def _sysctls(self) -> None:
        for sysctl in map(_map, as_list(self.pod_sc.get("sysctls"))):
            name = sysctl.get("name")
            if name not in SAFE_SYSCTLS:
                self._forbids(
                    "pod",
                    f"sysctl {name!r} in securityContext.sysctls",
                    f"remove it; only {', '.join(SAFE_SYSCTLS)} are allowed",
                )

    # -- restricted ----------------------------------------------------------------------------

    def _volume_types(self) -> None:
        for v in map(_map, as_list(self.spec.get("volumes"))):
            kinds = [k for k in v if k != "name" and v[k] is not None]
            kind = kinds[0] if kinds else "unknown"
            if kind not in RESTRICTED_VOLUME_TYPES:
                self._add(
                    f"volume {v.get('name', '')!r} uses volume type {kind}, which the {self.level.value} level forbids",
                    f"use a volume of type {', '.join(RESTRICTED_VOLUME_TYPES)}",
                )

    def _allow_privilege_escalation(self) -> None:
        if self.windows:
            return
        for c in self.containers:
            value = c.sc.get("allowPrivilegeEscalation")
            if value is None:
                self._requires(c.who, "securityContext.allowPrivilegeEscalation=false", "set it to false")
            elif value is not False:
                self._forbids(
                    c.who, f"securityContext.allowPrivilegeEscalation={_json(value)}", "set it to false"
                )

    def _run_as_non_root(self) -> None:
        pod_value = self.pod_sc.get("runAsNonRoot")
        if pod_value is False:
            self._forbids("pod", "securityContext.runAsNonRoot=false", "set it to true")
        for c in self.containers:
            value = c.sc.get("runAsNonRoot")
            if value is False:
                self._forbids(c.who, "securityContext.runAsNonRoot=false", "set it to true")
            elif value is None and pod_value is not True:
                self._add(
                    f"neither the pod nor {c.who} sets securityContext.runAsNonRoot=true, "
                    f"which the {self.level.value} level requires",
                    "set it in the pod's securityContext (or in every container's)",
                )

    def _run_as_user(self) -> None:
        for who, sc in self._setters():
            run_as_user = sc.get("runAsUser")
            if type(run_as_user) is int and run_as_user == 0:
                self._forbids(
                    who, "securityContext.runAsUser=0", "run as a non-zero UID (e.g. 1000), or remove it"
                )

    def _seccomp_restricted(self) -> None:
        if self.windows:
            return
        pod_type = _map(self.pod_sc.get("seccompProfile")).get("type")
        pod_valid = pod_type in _VALID_PROFILE_TYPES
        if self.pod_sc.get("seccompProfile") is not None and not pod_valid:
            self._forbids(
                "pod", f"securityContext.seccompProfile.type={pod_type}", "use RuntimeDefault or Localhost"
            )
        for c in self.containers:
            if c.sc.get("seccompProfile") is not None:
                kind = _map(c.sc["seccompProfile"]).get("type")
                if kind not in _VALID_PROFILE_TYPES:
                    self._forbids(
                        c.who,
                        f"securityContext.seccompProfile.type={kind}",
                        "use RuntimeDefault or Localhost",
                    )
            elif not pod_valid:
                self._add(
                    f"neither the pod nor {c.who} sets securityContext.seccompProfile.type, "
                    f"which the {self.level.value} level requires",
                    "set it to RuntimeDefault or Localhost in the pod's securityContext (or in every container's)",
                )

    def _capabilities_restricted(self) -> None:
        if self.windows:
            return
        for c in self.containers:
            capabilities = _map(c.sc.get("capabilities"))
            if "ALL" not in as_list(capabilities.get("drop")):
                self._requires(
                    c.who, "securityContext.capabilities.drop=['ALL']", "add 'ALL' to capabilities.drop"
                )
            bad = [str(a) for a in as_list(capabilities.get("add")) if a != "NET_BIND_SERVICE"]
            if bad:
                self._forbids_added(c.who, bad, ("NET_BIND_SERVICE",))


def _it(values: list[str]) -> str:
    return "it" if len(values) == 1 else "them"


def _json(value: Any) -> str:
    return "true" if value is True else "false" if value is False else repr(value)
