"""Security contexts: who a container runs as and which kernel privileges it keeps.

Typed, immutable values for the container ``securityContext`` (:class:`SecurityContext`)
and the pod ``securityContext`` (:class:`PodSecurityContext`), with their parts
(:class:`Capabilities`, :class:`SeccompProfile`, :class:`AppArmorProfile`, :class:`Sysctl`,
:class:`SELinuxOptions`). Every field is opt-in: a field left out is not rendered, and the
container runtime's default applies (podkit injects nothing). Settings the API server or the
kubelet would refuse fail here, at the call that made them.
https://kubernetes.io/docs/tasks/configure-pod-container/security-context/

:meth:`SecurityContext.restricted` is the smallest container setting that passes the
``restricted`` Pod Security Standard, as a visible value the user passes in.
"""

from __future__ import annotations

import builtins
import difflib
import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from . import _checks
from .errors import DuplicateError, InvalidNameError, PodkitError, PodkitTypeError

__all__ = [
    "AppArmorProfile",
    "AppArmorProfileType",
    "Capabilities",
    "FSGroupChangePolicy",
    "PodSecurityContext",
    "ProcMountType",
    "SELinuxOptions",
    "SeccompProfile",
    "SeccompProfileType",
    "SecurityContext",
    "Sysctl",
]


class SeccompProfileType(enum.Enum):
    """``seccompProfile.type``: which seccomp filter the container runtime applies."""

    RUNTIME_DEFAULT = "RuntimeDefault"
    LOCALHOST = "Localhost"
    UNCONFINED = "Unconfined"


class AppArmorProfileType(enum.Enum):
    """``appArmorProfile.type``: which AppArmor profile the container runtime applies."""

    RUNTIME_DEFAULT = "RuntimeDefault"
    LOCALHOST = "Localhost"
    UNCONFINED = "Unconfined"


class ProcMountType(enum.Enum):
    """``procMount``: ``Unmasked`` also needs ``hostUsers: false`` on the pod."""

    DEFAULT = "Default"
    UNMASKED = "Unmasked"


class FSGroupChangePolicy(enum.Enum):
    """``fsGroupChangePolicy``: ``OnRootMismatch`` skips the recursive chown of large volumes
    whose root already has the right owner; ``Always`` (Kubernetes' default) chowns every mount."""

    ON_ROOT_MISMATCH = "OnRootMismatch"
    ALWAYS = "Always"


# Linux capabilities (capabilities(7)), as Kubernetes names them: without the CAP_ prefix.
# The container runtime refuses names outside this list when it starts the container, long
# after the manifest was applied; podkit refuses them here.
LINUX_CAPABILITIES = frozenset(
    {
        "AUDIT_CONTROL",
        "AUDIT_READ",
        "AUDIT_WRITE",
        "BLOCK_SUSPEND",
        "BPF",
        "CHECKPOINT_RESTORE",
        "CHOWN",
        "DAC_OVERRIDE",
        "DAC_READ_SEARCH",
        "FOWNER",
        "FSETID",
        "IPC_LOCK",
        "IPC_OWNER",
        "KILL",
        "LEASE",
        "LINUX_IMMUTABLE",
        "MAC_ADMIN",
        "MAC_OVERRIDE",
        "MKNOD",
        "NET_ADMIN",
        "NET_BIND_SERVICE",
        "NET_BROADCAST",
        "NET_RAW",
        "PERFMON",
        "SETFCAP",
        "SETGID",
        "SETPCAP",
        "SETUID",
        "SYSLOG",
        "SYS_ADMIN",
        "SYS_BOOT",
        "SYS_CHROOT",
        "SYS_MODULE",
        "SYS_NICE",
        "SYS_PACCT",
        "SYS_PTRACE",
        "SYS_RAWIO",
        "SYS_RESOURCE",
        "SYS_TIME",
        "SYS_TTY_CONFIG",
        "WAKE_ALARM",
    }
)

# UIDs and GIDs are int64 in the API but the API server only accepts 0..2^31-1.
_MAX_ID = _checks.INT32_MAX
# validation.IsValidSysctlName: dot- or slash-separated segments, at most 253 characters.
_SYSCTL_NAME = re.compile(r"^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$")
# The API server caps localhost profile names/paths at 4095 characters.
_MAX_PROFILE_LENGTH = 4095


def _check_id(what: str, value: object) -> int | None:
    """A UID or GID: an int from 0 to 2147483647, as the API server accepts."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise PodkitTypeError(
            "", f"{what} must be an int from 0 to {_MAX_ID}, got {type(value).__name__} {value!r}"
        )
    if not 0 <= value <= _MAX_ID:
        raise PodkitError("", f"{what} {value} is out of range; use an id from 0 to {_MAX_ID}")
    return value


def _check_capability(what: str, value: object) -> str:
    if not isinstance(value, str):
        raise PodkitTypeError(
            "", f"{what} entries must be str capability names, got {type(value).__name__} {value!r}"
        )
    if value == "ALL" or value in LINUX_CAPABILITIES:
        return value
    bare = value.upper().removeprefix("CAP_")
    if bare in LINUX_CAPABILITIES or bare == "ALL":
        if value.upper().startswith("CAP_"):
            reason = "Kubernetes names capabilities without the CAP_ prefix"
        else:
            reason = "capability names are upper case"
        raise InvalidNameError("", f"{what} has {value!r}; {reason}: use {bare!r}")
    close = difflib.get_close_matches(bare, sorted(LINUX_CAPABILITIES), n=2)
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    raise InvalidNameError(
        "",
        f"{what} has {value!r}, which is not a Linux capability; use a name from capabilities(7) "
        f"without the CAP_ prefix (e.g. 'NET_BIND_SERVICE'), or 'ALL'{hint}",
    )


@dataclass(frozen=True)
class Capabilities(metaclass=_checks.ValueMeta):
    """Linux capabilities to add to or drop from the runtime's default set.

    Names as Kubernetes spells them: ``NET_BIND_SERVICE``, not ``CAP_NET_BIND_SERVICE``;
    ``ALL`` means every capability. Both default to empty (the runtime's default set stays).
    """

    add: Sequence[str] = ()
    drop: Sequence[str] = ()

    def __post_init__(self) -> None:
        for attr in ("add", "drop"):
            what = f"capabilities {attr}"
            values = _checks.check_sequence(what, getattr(self, attr), f"{attr}=('NET_BIND_SERVICE',)")
            names = tuple(_check_capability(what, v) for v in values)
            seen: set[str] = set()
            for name in names:
                if name in seen:
                    raise DuplicateError("", f"{what} lists {name!r} twice; list each capability once")
                seen.add(name)
            object.__setattr__(self, attr, names)

    def render(self) -> dict[str, Any]:
        return {"add": list(self.add) or None, "drop": list(self.drop) or None}


def _check_profile(kind: str, profile: object, *, path_like: bool) -> str:
    what = f"{kind} localhost profile"
    if not isinstance(profile, str):
        raise PodkitTypeError("", f"{what} must be a str, got {type(profile).__name__} {profile!r}")
    if not profile or profile.strip() != profile:
        raise InvalidNameError(
            "", f"{what} {profile!r} must be non-empty and not padded with whitespace; e.g. 'my-profile'"
        )
    if len(profile) > _MAX_PROFILE_LENGTH:
        raise InvalidNameError(
            "", f"{what} is {len(profile)} characters long; use at most {_MAX_PROFILE_LENGTH}"
        )
    if path_like and (profile.startswith("/") or ".." in profile.split("/")):
        # The kubelet resolves it under its seccomp root (/var/lib/kubelet/seccomp).
        raise InvalidNameError(
            "",
            f"{what} {profile!r} must be a path relative to the kubelet's seccomp directory, without '..' "
            f"(e.g. 'profiles/audit.json')",
        )
    return profile


_E = TypeVar("_E", bound=enum.Enum)


@dataclass(frozen=True)
class _LocalhostProfile(Generic[_E], metaclass=_checks.ValueMeta):
    """What a seccomp and an AppArmor profile share: a type, and a profile name/path that only
    the ``Localhost`` type takes. Each subclass sets the class attributes its messages use."""

    type: _E
    localhost_profile: str | None = None

    _types: ClassVar[builtins.type[enum.Enum]]  # `type` is the field here
    _kind: ClassVar[str]  # as messages name it: "seccomp", "AppArmor"
    _needs: ClassVar[str]  # what Localhost needs: "a profile", "a profile name"
    _example: ClassVar[str]  # an example profile for the fix
    _path_like: ClassVar[bool]  # a path relative to the kubelet's directory, not a name

    def __post_init__(self) -> None:
        kind = _checks.check_enum(f"{self._kind} profile type", self.type, self._types)
        object.__setattr__(self, "type", kind)
        cls = self.__class__.__name__
        if kind.value == "Localhost":
            if self.localhost_profile is None:
                raise PodkitError(
                    "",
                    f"a Localhost {self._kind} profile needs {self._needs}; use {cls}.localhost({self._example!r})",
                )
            _check_profile(self._kind, self.localhost_profile, path_like=self._path_like)
        elif self.localhost_profile is not None:
            raise PodkitError(
                "",
                f"{self._kind} localhost_profile {self.localhost_profile!r} is only allowed with the Localhost type, "
                f"not {kind.value}; use {cls}.localhost({self.localhost_profile!r})",
            )

    def render(self) -> dict[str, Any]:
        return {"type": self.type.value, "localhostProfile": self.localhost_profile}


class SeccompProfile(_LocalhostProfile[SeccompProfileType]):
    """A seccomp profile. Build it with :meth:`runtime_default`, :meth:`localhost` or :meth:`unconfined`.

    :param type: a ``SeccompProfileType``.
    :param localhost_profile: a path relative to the kubelet's seccomp directory (``profiles/audit.json``); only with the ``LOCALHOST`` type, which needs it.
        Default: none.
    """

    _types = SeccompProfileType
    _kind = "seccomp"
    _needs = "a profile"
    _example = "profiles/x.json"
    _path_like = True

    @staticmethod
    def runtime_default() -> SeccompProfile:
        """The container runtime's default filter: blocks the rarely needed, risky syscalls."""
        return SeccompProfile(SeccompProfileType.RUNTIME_DEFAULT)

    @staticmethod
    def localhost(profile: str) -> SeccompProfile:
        """A profile file on the node, relative to the kubelet's seccomp directory."""
        return SeccompProfile(SeccompProfileType.LOCALHOST, profile)

    @staticmethod
    def unconfined() -> SeccompProfile:
        """No seccomp filtering (forbidden by the baseline and restricted Pod Security levels)."""
        return SeccompProfile(SeccompProfileType.UNCONFINED)


class AppArmorProfile(_LocalhostProfile[AppArmorProfileType]):
    """An AppArmor profile. Build it with :meth:`runtime_default`, :meth:`localhost` or :meth:`unconfined`.

    :param type: a ``AppArmorProfileType``.
    :param localhost_profile: the name of a profile loaded on the node; only with the ``LOCALHOST`` type, which needs it.
        Default: none.
    """

    _types = AppArmorProfileType
    _kind = "AppArmor"
    _needs = "a profile name"
    _example = "my-profile"
    _path_like = False

    @staticmethod
    def runtime_default() -> AppArmorProfile:
        """The container runtime's default profile."""
        return AppArmorProfile(AppArmorProfileType.RUNTIME_DEFAULT)

    @staticmethod
    def localhost(profile: str) -> AppArmorProfile:
        """A profile already loaded on the node, by name."""
        return AppArmorProfile(AppArmorProfileType.LOCALHOST, profile)

    @staticmethod
    def unconfined() -> AppArmorProfile:
        """No AppArmor confinement (forbidden by the baseline and restricted Pod Security levels)."""
        return AppArmorProfile(AppArmorProfileType.UNCONFINED)


@dataclass(frozen=True)
class Sysctl(metaclass=_checks.ValueMeta):
    """A namespaced kernel parameter set for the pod, e.g. ``Sysctl("net.ipv4.tcp_keepalive_time", "600")``.

    Only the kubelet's "safe" sysctls run without node configuration; others need
    ``--allowed-unsafe-sysctls`` on the node, or the pod fails to start.
    https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/

    :param name: the parameter, with ``.`` or ``/`` between segments (``net.ipv4.ip_local_port_range``).
    :param value: its value, as a str (``"600"``, not ``600``).
    """

    name: str
    value: str

    def __post_init__(self) -> None:
        if not isinstance(self.name, str):
            raise PodkitTypeError(
                "", f"sysctl name must be a str, got {type(self.name).__name__} {self.name!r}"
            )
        if len(self.name) > 253 or not _SYSCTL_NAME.match(self.name):
            raise InvalidNameError(
                "",
                f"sysctl name {self.name!r} is invalid; use lower-case letters, digits, '-' and '_' in segments "
                f"separated by '.' or '/' (at most 253 characters), e.g. 'net.ipv4.ip_local_port_range'",
            )
        if not isinstance(self.value, str):
            raise PodkitTypeError(
                "",
                f"sysctl {self.name!r} value must be a str, got {type(self.value).__name__} {self.value!r}; "
                f"quote it: {str(self.value)!r}",
            )

    def render(self) -> dict[str, Any]:
        return {"name": self.name, "value": self.value}


@dataclass(frozen=True)
class SELinuxOptions(metaclass=_checks.ValueMeta):
    """SELinux labels for the container process; unset parts come from the runtime's default.

    :param user: the SELinux user label. Default: the runtime's.
    :param role: the SELinux role label. Default: the runtime's.
    :param type: the SELinux type label (e.g. ``"container_t"``). Default: the runtime's.
    :param level: the SELinux level label (e.g. ``"s0:c123,c456"``). Default: the runtime's.
    """

    user: str | None = None
    role: str | None = None
    type: str | None = None
    level: str | None = None

    def __post_init__(self) -> None:
        for attr in ("user", "role", "type", "level"):
            value = getattr(self, attr)
            if value is not None and not isinstance(value, str):
                raise PodkitTypeError(
                    "", f"seLinuxOptions {attr} must be a str, got {type(value).__name__} {value!r}"
                )
        if all(getattr(self, a) is None for a in ("user", "role", "type", "level")):
            raise PodkitError(
                "",
                "SELinuxOptions() sets nothing; give user, role, type or level, or leave se_linux_options out",
            )

    def render(self) -> dict[str, Any]:
        return {"user": self.user, "role": self.role, "type": self.type, "level": self.level}


def _check_non_root_user(scope: str, run_as_non_root: bool | None, run_as_user: int | None) -> None:
    # The API server accepts this, but the kubelet then refuses to start every container
    # ("container's runAsUser breaks non-root policy"): fail while it is easy to fix.
    if run_as_non_root is True and run_as_user == 0:
        raise PodkitError(
            "",
            f"{scope} run_as_non_root=True with run_as_user=0 can never start: the kubelet refuses to run "
            f"UID 0 as non-root; use a non-zero run_as_user (e.g. 1000) or drop run_as_non_root",
        )


@dataclass(frozen=True, kw_only=True)
class SecurityContext(metaclass=_checks.ValueMeta):
    """A container's ``securityContext``; every field left out (``None``) is not rendered.

    :param run_as_user: UID of the process; the image's ``USER`` when left out.
    :param run_as_group: primary GID; the image's group when left out.
    :param run_as_non_root: ``True`` makes the kubelet refuse to start the container as UID 0.
    :param read_only_root_filesystem: ``True`` mounts the image read-only (writable mounts still work).
    :param allow_privilege_escalation: ``False`` sets no_new_privs (setuid binaries cannot gain rights).
    :param privileged: ``True`` gives the container nearly all host access.
    :param capabilities: capabilities to add or drop; the runtime's default set when left out.
    :param seccomp_profile: the pod's profile, or the runtime's setting (often none), when left out.
    :param app_armor_profile: the pod's profile, or the runtime default, when left out.
    :param proc_mount: ``Unmasked`` also needs ``hostUsers: false`` on the pod.
    :param se_linux_options: SELinux labels; the runtime's when left out.
    """

    run_as_user: int | None = None
    run_as_group: int | None = None
    run_as_non_root: bool | None = None
    read_only_root_filesystem: bool | None = None
    allow_privilege_escalation: bool | None = None
    privileged: bool | None = None
    capabilities: Capabilities | None = None
    seccomp_profile: SeccompProfile | None = None
    app_armor_profile: AppArmorProfile | None = None
    proc_mount: ProcMountType | None = None
    se_linux_options: SELinuxOptions | None = None

    def __post_init__(self) -> None:
        _check_id("run_as_user", self.run_as_user)
        _check_id("run_as_group", self.run_as_group)
        for attr in (
            "run_as_non_root",
            "read_only_root_filesystem",
            "allow_privilege_escalation",
            "privileged",
        ):
            _checks.optional_bool("", attr, getattr(self, attr))
        _checks.check_instance(
            "capabilities", self.capabilities, Capabilities, "e.g. Capabilities(drop=('ALL',))"
        )
        _checks.check_instance(
            "seccomp_profile", self.seccomp_profile, SeccompProfile, "e.g. SeccompProfile.runtime_default()"
        )
        _checks.check_instance(
            "app_armor_profile",
            self.app_armor_profile,
            AppArmorProfile,
            "e.g. AppArmorProfile.runtime_default()",
        )
        object.__setattr__(
            self, "proc_mount", _checks.check_optional_enum("proc_mount", self.proc_mount, ProcMountType)
        )
        _checks.check_instance(
            "se_linux_options", self.se_linux_options, SELinuxOptions, "e.g. SELinuxOptions(level='s0:c1')"
        )
        _check_non_root_user("container", self.run_as_non_root, self.run_as_user)
        if self.allow_privilege_escalation is False:
            # Both are API server rules (ValidateSecurityContext): privileged and SYS_ADMIN
            # each grant what no_new_privs is meant to prevent.
            if self.privileged is True:
                raise PodkitError(
                    "",
                    "privileged=True with allow_privilege_escalation=False is rejected by the API server: a "
                    "privileged container can always escalate; drop privileged or allow_privilege_escalation",
                )
            if self.capabilities is not None and "SYS_ADMIN" in self.capabilities.add:
                raise PodkitError(
                    "",
                    "capabilities add 'SYS_ADMIN' with allow_privilege_escalation=False is rejected by the API "
                    "server: SYS_ADMIN can escalate; drop one of them",
                )

    @staticmethod
    def restricted(run_as_user: int | None = None) -> SecurityContext:
        """The smallest container setting that passes the ``restricted`` Pod Security level.

        ``allowPrivilegeEscalation: false``, ``capabilities.drop: [ALL]``, ``runAsNonRoot: true``
        and ``seccompProfile: RuntimeDefault``. The image must then run as a non-zero UID:
        set ``run_as_user`` when its ``USER`` is root or a name (the kubelet cannot verify a
        name is non-root and refuses to start it).
        """
        return SecurityContext(
            run_as_user=run_as_user,
            run_as_non_root=True,
            allow_privilege_escalation=False,
            capabilities=Capabilities(drop=("ALL",)),
            seccomp_profile=SeccompProfile.runtime_default(),
        )

    def render(self) -> dict[str, Any]:
        return {
            "runAsUser": self.run_as_user,
            "runAsGroup": self.run_as_group,
            "runAsNonRoot": self.run_as_non_root,
            "readOnlyRootFilesystem": self.read_only_root_filesystem,
            "allowPrivilegeEscalation": self.allow_privilege_escalation,
            "privileged": self.privileged,
            "capabilities": self.capabilities.render() if self.capabilities else None,
            "seccompProfile": self.seccomp_profile.render() if self.seccomp_profile else None,
            "appArmorProfile": self.app_armor_profile.render() if self.app_armor_profile else None,
            "procMount": self.proc_mount.value if self.proc_mount else None,
            "seLinuxOptions": self.se_linux_options.render() if self.se_linux_options else None,
        }


@dataclass(frozen=True, kw_only=True)
class PodSecurityContext(metaclass=_checks.ValueMeta):
    """The pod's ``securityContext``: defaults for every container, and pod-wide settings.

    A container's own :class:`SecurityContext` wins over these for the fields both have.

    :param run_as_user: UID of every container's process unless a container sets its own.
    :param run_as_group: primary GID, likewise.
    :param run_as_non_root: ``True`` makes the kubelet refuse to start any container as UID 0.
    :param fs_group: GID that owns mounted volumes and is added to every process; volumes keep
        their ownership when left out.
    :param fs_group_change_policy: when to re-own volumes for ``fs_group``; Kubernetes uses
        ``Always`` when left out.
    :param supplemental_groups: extra GIDs for every process, in addition to the image's.
    :param sysctls: namespaced kernel parameters for the pod.
    :param seccomp_profile: default seccomp profile of every container.
    :param app_armor_profile: default AppArmor profile of every container.
    :param se_linux_options: default SELinux labels of every container.
    """

    run_as_user: int | None = None
    run_as_group: int | None = None
    run_as_non_root: bool | None = None
    fs_group: int | None = None
    fs_group_change_policy: FSGroupChangePolicy | None = None
    supplemental_groups: Sequence[int] = ()
    sysctls: Sequence[Sysctl] = ()
    seccomp_profile: SeccompProfile | None = None
    app_armor_profile: AppArmorProfile | None = None
    se_linux_options: SELinuxOptions | None = None

    def __post_init__(self) -> None:
        _check_id("run_as_user", self.run_as_user)
        _check_id("run_as_group", self.run_as_group)
        _checks.optional_bool("", "run_as_non_root", self.run_as_non_root)
        _check_id("fs_group", self.fs_group)
        object.__setattr__(
            self,
            "fs_group_change_policy",
            _checks.check_optional_enum(
                "fs_group_change_policy", self.fs_group_change_policy, FSGroupChangePolicy
            ),
        )
        groups = _checks.check_sequence(
            "supplemental_groups", self.supplemental_groups, "supplemental_groups=(2000,)"
        )
        for gid in groups:
            _check_id("supplemental_groups entry", gid)
        object.__setattr__(self, "supplemental_groups", groups)
        sysctls = _checks.check_sequence(
            "sysctls", self.sysctls, "sysctls=(Sysctl('net.ipv4.tcp_keepalive_time', '600'),)"
        )
        seen: set[str] = set()
        for sysctl in sysctls:
            _checks.check_instance(
                "sysctls entry", sysctl, Sysctl, "e.g. Sysctl('net.ipv4.tcp_keepalive_time', '600')"
            )
            # The API server treats '/' and '.' as the same separator.
            key = sysctl.name.replace("/", ".")
            if key in seen:
                raise DuplicateError("", f"sysctl {sysctl.name!r} is set twice; set each sysctl once")
            seen.add(key)
        object.__setattr__(self, "sysctls", sysctls)
        _checks.check_instance(
            "seccomp_profile", self.seccomp_profile, SeccompProfile, "e.g. SeccompProfile.runtime_default()"
        )
        _checks.check_instance(
            "app_armor_profile",
            self.app_armor_profile,
            AppArmorProfile,
            "e.g. AppArmorProfile.runtime_default()",
        )
        _checks.check_instance(
            "se_linux_options", self.se_linux_options, SELinuxOptions, "e.g. SELinuxOptions(level='s0:c1')"
        )
        _check_non_root_user("pod", self.run_as_non_root, self.run_as_user)

    def render(self) -> dict[str, Any]:
        return {
            "runAsUser": self.run_as_user,
            "runAsGroup": self.run_as_group,
            "runAsNonRoot": self.run_as_non_root,
            "fsGroup": self.fs_group,
            "fsGroupChangePolicy": self.fs_group_change_policy.value if self.fs_group_change_policy else None,
            "supplementalGroups": list(self.supplemental_groups) or None,
            "sysctls": [s.render() for s in self.sysctls] or None,
            "seccompProfile": self.seccomp_profile.render() if self.seccomp_profile else None,
            "appArmorProfile": self.app_armor_profile.render() if self.app_armor_profile else None,
            "seLinuxOptions": self.se_linux_options.render() if self.se_linux_options else None,
        }
