"""Security contexts: typed values, rendered with Kubernetes keys, refused when Kubernetes would refuse them."""

from __future__ import annotations

import pytest

from podkit._checks import jsonable
from podkit.errors import DuplicateError, InvalidNameError, PodkitError, PodkitTypeError
from podkit.security import (
    AppArmorProfile,
    Capabilities,
    FSGroupChangePolicy,
    PodSecurityContext,
    ProcMountType,
    SeccompProfile,
    SeccompProfileType,
    SecurityContext,
    SELinuxOptions,
    Sysctl,
)

# -- rendering ----------------------------------------------------------------------------------


def test_nothing_set_renders_nothing() -> None:
    assert jsonable(SecurityContext().render()) == {}
    assert jsonable(PodSecurityContext().render()) == {}
    assert jsonable(Capabilities().render()) == {}


def test_container_context_with_everything() -> None:
    context = SecurityContext(
        run_as_user=1000,
        run_as_group=3000,
        run_as_non_root=True,
        read_only_root_filesystem=True,
        allow_privilege_escalation=False,
        privileged=False,
        capabilities=Capabilities(add=["NET_BIND_SERVICE"], drop=["ALL"]),
        seccomp_profile=SeccompProfile.localhost("profiles/audit.json"),
        app_armor_profile=AppArmorProfile.localhost("k8s-apparmor-example-deny-write"),
        proc_mount=ProcMountType.DEFAULT,
        se_linux_options=SELinuxOptions(level="s0:c123,c456"),
    )
    assert context.render() == {
        "runAsUser": 1000,
        "runAsGroup": 3000,
        "runAsNonRoot": True,
        "readOnlyRootFilesystem": True,
        "allowPrivilegeEscalation": False,
        "privileged": False,
        "capabilities": {"add": ["NET_BIND_SERVICE"], "drop": ["ALL"]},
        "seccompProfile": {"type": "Localhost", "localhostProfile": "profiles/audit.json"},
        "appArmorProfile": {"type": "Localhost", "localhostProfile": "k8s-apparmor-example-deny-write"},
        "procMount": "Default",
        "seLinuxOptions": {"user": None, "role": None, "type": None, "level": "s0:c123,c456"},
    }


def test_pod_context_with_everything() -> None:
    context = PodSecurityContext(
        run_as_user=1000,
        run_as_group=3000,
        run_as_non_root=True,
        fs_group=2000,
        fs_group_change_policy=FSGroupChangePolicy.ON_ROOT_MISMATCH,
        supplemental_groups=[4000, 5000],
        sysctls=[Sysctl("net.ipv4.tcp_keepalive_time", "600"), Sysctl("kernel/shm_rmid_forced", "1")],
        seccomp_profile=SeccompProfile.runtime_default(),
        app_armor_profile=AppArmorProfile.runtime_default(),
        se_linux_options=SELinuxOptions(type="container_t"),
    )
    assert jsonable(context.render()) == {
        "runAsUser": 1000,
        "runAsGroup": 3000,
        "runAsNonRoot": True,
        "fsGroup": 2000,
        "fsGroupChangePolicy": "OnRootMismatch",
        "supplementalGroups": [4000, 5000],
        "sysctls": [
            {"name": "net.ipv4.tcp_keepalive_time", "value": "600"},
            {"name": "kernel/shm_rmid_forced", "value": "1"},
        ],
        "seccompProfile": {"type": "RuntimeDefault"},
        "appArmorProfile": {"type": "RuntimeDefault"},
        "seLinuxOptions": {"type": "container_t"},
    }


def test_profiles() -> None:
    assert SeccompProfile.runtime_default().render() == {"type": "RuntimeDefault", "localhostProfile": None}
    assert SeccompProfile.unconfined().render() == {"type": "Unconfined", "localhostProfile": None}
    assert AppArmorProfile.unconfined().render() == {"type": "Unconfined", "localhostProfile": None}
    assert SeccompProfile(SeccompProfileType.LOCALHOST, "a.json") == SeccompProfile.localhost("a.json")


def test_the_restricted_helper_is_a_visible_value() -> None:
    assert jsonable(SecurityContext.restricted().render()) == {
        "allowPrivilegeEscalation": False,
        "capabilities": {"drop": ["ALL"]},
        "runAsNonRoot": True,
        "seccompProfile": {"type": "RuntimeDefault"},
    }
    assert SecurityContext.restricted(run_as_user=1000).run_as_user == 1000


def test_values_are_immutable_and_hashable() -> None:
    caps = Capabilities(drop=["ALL"])
    assert caps.drop == ("ALL",)
    assert hash(caps) == hash(Capabilities(drop=("ALL",)))
    with pytest.raises(AttributeError):
        caps.drop = ("NET_RAW",)  # type: ignore[misc]


# -- wrong types --------------------------------------------------------------------------------


def test_fails_on_an_enum_given_its_value_as_str() -> None:
    with pytest.raises(
        PodkitTypeError,
        match=r"proc_mount must be a ProcMountType, got str 'Unmasked'; use ProcMountType.UNMASKED",
    ):
        SecurityContext(proc_mount="Unmasked")  # type: ignore[arg-type]


def test_fails_on_an_enum_given_an_unknown_str() -> None:
    with pytest.raises(
        PodkitTypeError,
        match=r"fs_group_change_policy must be a FSGroupChangePolicy \(FSGroupChangePolicy.ON_ROOT_MISMATCH, "
        r"FSGroupChangePolicy.ALWAYS\), got str 'Never'",
    ):
        PodSecurityContext(fs_group_change_policy="Never")  # type: ignore[arg-type]


def test_fails_on_a_profile_type_given_as_str() -> None:
    with pytest.raises(
        PodkitTypeError,
        match=r"seccomp profile type must be a SeccompProfileType, got str 'RuntimeDefault'; "
        r"use SeccompProfileType.RUNTIME_DEFAULT",
    ):
        SeccompProfile("RuntimeDefault")  # type: ignore[arg-type]


def test_fails_on_a_bool_given_as_str() -> None:
    with pytest.raises(PodkitTypeError, match=r"privileged must be True, False or None, got str 'true'"):
        SecurityContext(privileged="true")  # type: ignore[arg-type]


def test_fails_on_a_user_given_as_str() -> None:
    with pytest.raises(
        PodkitTypeError, match=r"run_as_user must be an int from 0 to 2147483647, got str '1000'"
    ):
        SecurityContext(run_as_user="1000")  # type: ignore[arg-type]


def test_fails_on_a_group_given_as_bool() -> None:
    with pytest.raises(PodkitTypeError, match=r"fs_group must be an int from 0 to 2147483647, got bool True"):
        PodSecurityContext(fs_group=True)


def test_fails_on_capabilities_given_as_a_dict() -> None:
    with pytest.raises(
        PodkitTypeError,
        match=r"capabilities must be a Capabilities \(e.g. Capabilities\(drop=\('ALL',\)\)\), got dict",
    ):
        SecurityContext(capabilities={"drop": ["ALL"]})  # type: ignore[arg-type]


def test_fails_on_a_profile_given_as_a_dict() -> None:
    with pytest.raises(PodkitTypeError, match=r"seccomp_profile must be a SeccompProfile"):
        PodSecurityContext(seccomp_profile={"type": "RuntimeDefault"})  # type: ignore[arg-type]


def test_fails_on_app_armor_given_as_str() -> None:
    with pytest.raises(PodkitTypeError, match=r"app_armor_profile must be a AppArmorProfile"):
        SecurityContext(app_armor_profile="runtime/default")  # type: ignore[arg-type]


def test_fails_on_selinux_options_given_as_a_dict() -> None:
    with pytest.raises(PodkitTypeError, match=r"se_linux_options must be a SELinuxOptions"):
        SecurityContext(se_linux_options={"level": "s0"})  # type: ignore[arg-type]


def test_fails_on_capabilities_given_as_str() -> None:
    with pytest.raises(
        PodkitTypeError,
        match=r"capabilities drop must be a list or tuple, got str 'ALL'; e.g. drop=\('NET_BIND_SERVICE',\)",
    ):
        Capabilities(drop="ALL")


def test_fails_on_a_capability_that_is_not_str() -> None:
    with pytest.raises(
        PodkitTypeError, match=r"capabilities add entries must be str capability names, got int 10"
    ):
        Capabilities(add=[10])  # type: ignore[list-item]


def test_fails_on_supplemental_groups_given_as_int() -> None:
    with pytest.raises(PodkitTypeError, match=r"supplemental_groups must be a list or tuple, got int 4000"):
        PodSecurityContext(supplemental_groups=4000)  # type: ignore[arg-type]


def test_fails_on_a_supplemental_group_given_as_str() -> None:
    with pytest.raises(
        PodkitTypeError, match=r"supplemental_groups entry must be an int from 0 to 2147483647"
    ):
        PodSecurityContext(supplemental_groups=["4000"])  # type: ignore[list-item]


def test_fails_on_a_sysctl_given_as_a_dict() -> None:
    with pytest.raises(PodkitTypeError, match=r"sysctls entry must be a Sysctl"):
        PodSecurityContext(sysctls=[{"name": "kernel.shm_rmid_forced", "value": "1"}])  # type: ignore[list-item]


def test_fails_on_a_sysctl_name_that_is_not_str() -> None:
    with pytest.raises(PodkitTypeError, match=r"sysctl name must be a str, got int 1"):
        Sysctl(1, "1")  # type: ignore[arg-type]


def test_fails_on_a_sysctl_value_given_as_int() -> None:
    with pytest.raises(
        PodkitTypeError,
        match=r"sysctl 'net.ipv4.tcp_keepalive_time' value must be a str, got int 600; quote it: '600'",
    ):
        Sysctl("net.ipv4.tcp_keepalive_time", 600)  # type: ignore[arg-type]


def test_fails_on_a_profile_name_that_is_not_str() -> None:
    with pytest.raises(PodkitTypeError, match=r"AppArmor localhost profile must be a str, got int 5"):
        AppArmorProfile.localhost(5)  # type: ignore[arg-type]


def test_fails_on_selinux_part_that_is_not_str() -> None:
    with pytest.raises(PodkitTypeError, match=r"seLinuxOptions level must be a str, got int 0"):
        SELinuxOptions(level=0)  # type: ignore[arg-type]


# -- bad values ---------------------------------------------------------------------------------


def test_fails_on_an_id_out_of_range() -> None:
    with pytest.raises(PodkitError, match=r"run_as_group -1 is out of range; use an id from 0 to 2147483647"):
        SecurityContext(run_as_group=-1)


@pytest.mark.parametrize(
    ("name", "fix"),
    [
        ("CAP_NET_ADMIN", "Kubernetes names capabilities without the CAP_ prefix: use 'NET_ADMIN'"),
        ("net_bind_service", "capability names are upper case: use 'NET_BIND_SERVICE'"),
        ("cap_sys_time", "Kubernetes names capabilities without the CAP_ prefix: use 'SYS_TIME'"),
    ],
)
def test_fails_on_a_capability_spelled_as_elsewhere(name: str, fix: str) -> None:
    with pytest.raises(InvalidNameError, match=rf"capabilities add has '{name}'; {fix}"):
        Capabilities(add=[name])


def test_fails_on_an_unknown_capability() -> None:
    with pytest.raises(
        InvalidNameError,
        match=r"capabilities drop has 'NET_RAWW', which is not a Linux capability; use a name from "
        r"capabilities\(7\) without the CAP_ prefix \(e.g. 'NET_BIND_SERVICE'\), or 'ALL'; did you mean 'NET_RAW'",
    ):
        Capabilities(drop=["NET_RAWW"])


def test_fails_on_a_capability_listed_twice() -> None:
    with pytest.raises(
        DuplicateError, match=r"capabilities drop lists 'ALL' twice; list each capability once"
    ):
        Capabilities(drop=["ALL", "ALL"])


def test_fails_on_privileged_without_privilege_escalation() -> None:
    with pytest.raises(
        PodkitError,
        match=r"privileged=True with allow_privilege_escalation=False is rejected by the API server: a "
        r"privileged container can always escalate; drop privileged or allow_privilege_escalation",
    ):
        SecurityContext(privileged=True, allow_privilege_escalation=False)


def test_fails_on_sys_admin_without_privilege_escalation() -> None:
    with pytest.raises(
        PodkitError,
        match=r"capabilities add 'SYS_ADMIN' with allow_privilege_escalation=False is rejected by the API server",
    ):
        SecurityContext(capabilities=Capabilities(add=["SYS_ADMIN"]), allow_privilege_escalation=False)


def test_fails_on_non_root_as_root() -> None:
    with pytest.raises(
        PodkitError,
        match=r"container run_as_non_root=True with run_as_user=0 can never start: the kubelet refuses to run "
        r"UID 0 as non-root; use a non-zero run_as_user \(e.g. 1000\) or drop run_as_non_root",
    ):
        SecurityContext.restricted(run_as_user=0)


def test_fails_on_non_root_as_root_on_the_pod() -> None:
    with pytest.raises(PodkitError, match=r"pod run_as_non_root=True with run_as_user=0 can never start"):
        PodSecurityContext(run_as_non_root=True, run_as_user=0)


def test_fails_on_a_localhost_seccomp_profile_without_a_profile() -> None:
    with pytest.raises(
        PodkitError,
        match=r"a Localhost seccomp profile needs a profile; use SeccompProfile.localhost\('profiles/x.json'\)",
    ):
        SeccompProfile(SeccompProfileType.LOCALHOST)


def test_fails_on_a_profile_with_another_type() -> None:
    with pytest.raises(
        PodkitError,
        match=r"seccomp localhost_profile 'a.json' is only allowed with the Localhost type, not RuntimeDefault; "
        r"use SeccompProfile.localhost\('a.json'\)",
    ):
        SeccompProfile(SeccompProfileType.RUNTIME_DEFAULT, "a.json")


def test_fails_on_an_app_armor_profile_with_another_type() -> None:
    from podkit.security import AppArmorProfileType

    with pytest.raises(
        PodkitError, match=r"AppArmor localhost_profile 'p' is only allowed with the Localhost type"
    ):
        AppArmorProfile(AppArmorProfileType.UNCONFINED, "p")


def test_fails_on_a_localhost_app_armor_profile_without_a_profile() -> None:
    from podkit.security import AppArmorProfileType

    with pytest.raises(PodkitError, match=r"a Localhost AppArmor profile needs a profile name"):
        AppArmorProfile(AppArmorProfileType.LOCALHOST)


@pytest.mark.parametrize("profile", ["", " my-profile"])
def test_fails_on_an_empty_or_padded_profile(profile: str) -> None:
    with pytest.raises(InvalidNameError, match=r"must be non-empty and not padded with whitespace"):
        AppArmorProfile.localhost(profile)


def test_fails_on_a_profile_that_is_too_long() -> None:
    with pytest.raises(
        InvalidNameError, match=r"seccomp localhost profile is 4096 characters long; use at most 4095"
    ):
        SeccompProfile.localhost("a" * 4096)


@pytest.mark.parametrize("profile", ["/var/lib/kubelet/seccomp/a.json", "../a.json"])
def test_fails_on_a_seccomp_profile_outside_the_kubelet_directory(profile: str) -> None:
    with pytest.raises(
        InvalidNameError, match=r"must be a path relative to the kubelet's seccomp directory, without '\.\.'"
    ):
        SeccompProfile.localhost(profile)


@pytest.mark.parametrize("name", ["Net.ipv4.ip_forward", "net..ipv4", "net.ipv4.", "kernel.sh m"])
def test_fails_on_an_invalid_sysctl_name(name: str) -> None:
    with pytest.raises(InvalidNameError, match=rf"sysctl name '{name}' is invalid; use lower-case letters"):
        Sysctl(name, "1")


def test_fails_on_a_sysctl_set_twice() -> None:
    with pytest.raises(
        DuplicateError, match=r"sysctl 'kernel/shm_rmid_forced' is set twice; set each sysctl once"
    ):
        PodSecurityContext(
            sysctls=[Sysctl("kernel.shm_rmid_forced", "1"), Sysctl("kernel/shm_rmid_forced", "0")]
        )


def test_fails_on_selinux_options_that_set_nothing() -> None:
    with pytest.raises(PodkitError, match=r"SELinuxOptions\(\) sets nothing; give user, role, type or level"):
        SELinuxOptions()
