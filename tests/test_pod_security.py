"""Pod Security Standards at synth: each rule of both levels, on pods that break only it."""

from __future__ import annotations

import copy
from typing import Any

import cdk8s
import pytest

import podkit as pk
from podkit._checks import jsonable
from podkit.errors import PodkitTypeError, Problem
from podkit.pod_security import PodSecurity, check_pod_security
from podkit.security import PodSecurityContext, SecurityContext

BASELINE = PodSecurity.BASELINE
RESTRICTED = PodSecurity.RESTRICTED
PATH = "chart/web"

# The restricted container settings, spelled out as a user (or a patch) would write them.
RESTRICTED_SC: dict[str, Any] = {
    "allowPrivilegeEscalation": False,
    "capabilities": {"drop": ["ALL"]},
    "runAsNonRoot": True,
    "seccompProfile": {"type": "RuntimeDefault"},
}


def pod(**spec: Any) -> dict[str, Any]:
    """A Pod that passes baseline: one container, nothing else."""
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "web"},
        "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}], **spec},
    }


def restricted_pod() -> dict[str, Any]:
    """A Pod that passes restricted."""
    doc = pod()
    doc["spec"]["containers"][0]["securityContext"] = copy.deepcopy(RESTRICTED_SC)
    return doc


def container(doc: dict[str, Any]) -> dict[str, Any]:
    c: dict[str, Any] = doc["spec"]["containers"][0]
    return c


def sc(doc: dict[str, Any]) -> dict[str, Any]:
    s: dict[str, Any] = container(doc).setdefault("securityContext", {})
    return s


def messages(doc: dict[str, Any], level: PodSecurity) -> list[str]:
    return [str(p) for p in check_pod_security(doc, level, PATH)]


def test_compliant_pods_have_no_problem() -> None:
    assert check_pod_security(pod(), BASELINE, PATH) == []
    assert check_pod_security(restricted_pod(), BASELINE, PATH) == []
    assert check_pod_security(restricted_pod(), RESTRICTED, PATH) == []


def test_a_problem_carries_path_message_fix_and_rule() -> None:
    doc = pod()
    sc(doc)["privileged"] = True
    assert check_pod_security(doc, BASELINE, PATH) == [
        Problem(
            PATH,
            "container 'web' sets securityContext.privileged=true, which the baseline level forbids",
            "remove it",
            "pod-security",
            "spec",
        )
    ]


def test_the_baseline_level_leaves_restricted_rules_alone() -> None:
    # A plain pod breaks most restricted rules, and none of the baseline ones.
    assert check_pod_security(pod(), BASELINE, PATH) == []
    assert len(check_pod_security(pod(), RESTRICTED, PATH)) == 4


# -- baseline rules: each breaks exactly one rule, checked at both levels ------------------------


def _host_process_pod(doc: dict[str, Any]) -> None:
    doc["spec"]["securityContext"] = {"windowsOptions": {"hostProcess": True}}


def _host_process_container(doc: dict[str, Any]) -> None:
    sc(doc)["windowsOptions"] = {"hostProcess": True}


def _host_network(doc: dict[str, Any]) -> None:
    doc["spec"]["hostNetwork"] = True


def _host_pid(doc: dict[str, Any]) -> None:
    doc["spec"]["hostPID"] = True


def _host_ipc(doc: dict[str, Any]) -> None:
    doc["spec"]["hostIPC"] = True


def _privileged(doc: dict[str, Any]) -> None:
    sc(doc)["privileged"] = True


def _host_port(doc: dict[str, Any]) -> None:
    container(doc)["ports"] = [{"containerPort": 80}, {"containerPort": 443, "hostPort": 8443}]


def _app_armor_annotation(doc: dict[str, Any]) -> None:
    doc["metadata"]["annotations"] = {"container.apparmor.security.beta.kubernetes.io/web": "unconfined"}


def _app_armor_field(doc: dict[str, Any]) -> None:
    sc(doc)["appArmorProfile"] = {"type": "Unconfined"}


def _app_armor_pod_field(doc: dict[str, Any]) -> None:
    doc["spec"]["securityContext"] = {"appArmorProfile": {"type": "Unconfined"}}


def _selinux_type(doc: dict[str, Any]) -> None:
    sc(doc)["seLinuxOptions"] = {"type": "spc_t"}


def _selinux_user(doc: dict[str, Any]) -> None:
    doc["spec"]["securityContext"] = {"seLinuxOptions": {"user": "system_u"}}


def _selinux_role(doc: dict[str, Any]) -> None:
    sc(doc)["seLinuxOptions"] = {"role": "system_r"}


def _proc_mount(doc: dict[str, Any]) -> None:
    sc(doc)["procMount"] = "Unmasked"


def _sysctl(doc: dict[str, Any]) -> None:
    doc["spec"]["securityContext"] = {
        "sysctls": [
            {"name": "net.ipv4.tcp_rmem", "value": "4096 87380 16777216"},
            {"name": "kernel.msgmax", "value": "1"},
        ]
    }


BASELINE_CASES = [
    (
        _host_process_pod,
        "pod sets securityContext.windowsOptions.hostProcess=true, which the {} level forbids; remove it",
    ),
    (
        _host_process_container,
        "container 'web' sets securityContext.windowsOptions.hostProcess=true, which the {} level forbids; remove it",
    ),
    (_host_network, "pod sets hostNetwork=true, which the {} level forbids; remove it"),
    (_host_pid, "pod sets hostPID=true, which the {} level forbids; remove it"),
    (_host_ipc, "pod sets hostIPC=true, which the {} level forbids; remove it"),
    (
        _privileged,
        "container 'web' sets securityContext.privileged=true, which the {} level forbids; remove it",
    ),
    (
        _host_port,
        "container 'web' sets ports[1].hostPort=8443, which the {} level forbids; "
        "remove hostPort and reach the pod through a Service",
    ),
    (
        _app_armor_annotation,
        "pod sets annotation container.apparmor.security.beta.kubernetes.io/web='unconfined', which the {} "
        "level forbids; use 'runtime/default' or 'localhost/<profile>', or remove the annotation",
    ),
    (
        _app_armor_field,
        "container 'web' sets securityContext.appArmorProfile.type=Unconfined, which the {} level forbids; "
        "use RuntimeDefault or Localhost, or remove it",
    ),
    (
        _app_armor_pod_field,
        "pod sets securityContext.appArmorProfile.type=Unconfined, which the {} level forbids; "
        "use RuntimeDefault or Localhost, or remove it",
    ),
    (
        _selinux_type,
        "container 'web' sets securityContext.seLinuxOptions.type='spc_t', which the {} level forbids; "
        "use container_t, container_init_t, container_kvm_t, container_engine_t, or remove it",
    ),
    (
        _selinux_user,
        "pod sets securityContext.seLinuxOptions.user='system_u', which the {} level forbids; remove it",
    ),
    (
        _selinux_role,
        "container 'web' sets securityContext.seLinuxOptions.role='system_r', which the {} level forbids; remove it",
    ),
    (
        _proc_mount,
        "container 'web' sets securityContext.procMount=Unmasked, which the {} level forbids; "
        "remove it (or set Default)",
    ),
    (
        _sysctl,
        "pod sets sysctl 'kernel.msgmax' in securityContext.sysctls, which the {} level forbids; remove it; "
        "only kernel.shm_rmid_forced, net.ipv4.ip_local_port_range, net.ipv4.tcp_syncookies, "
        "net.ipv4.ping_group_range, net.ipv4.ip_unprivileged_port_start, net.ipv4.ip_local_reserved_ports, "
        "net.ipv4.tcp_keepalive_time, net.ipv4.tcp_fin_timeout, net.ipv4.tcp_keepalive_intvl, "
        "net.ipv4.tcp_keepalive_probes, net.ipv4.tcp_rmem, net.ipv4.tcp_wmem are allowed",
    ),
]


@pytest.mark.parametrize(("breaks", "expected"), BASELINE_CASES, ids=[c[0].__name__ for c in BASELINE_CASES])
def test_baseline_rule_at_baseline(breaks: Any, expected: str) -> None:
    doc = pod()
    breaks(doc)
    assert messages(doc, BASELINE) == [f"[{PATH}] " + expected.format("baseline")]


@pytest.mark.parametrize(("breaks", "expected"), BASELINE_CASES, ids=[c[0].__name__ for c in BASELINE_CASES])
def test_restricted_includes_the_baseline_rule(breaks: Any, expected: str) -> None:
    doc = restricted_pod()
    breaks(doc)
    assert messages(doc, RESTRICTED) == [f"[{PATH}] " + expected.format("restricted")]


def test_baseline_capabilities() -> None:
    doc = pod()
    sc(doc)["capabilities"] = {"add": ["NET_BIND_SERVICE", "CHOWN", "NET_ADMIN", "SYS_TIME"]}
    assert messages(doc, BASELINE) == [
        f"[{PATH}] container 'web' adds NET_ADMIN, SYS_TIME in securityContext.capabilities.add, which the "
        "baseline level forbids; remove them; only AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, "
        "MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT may be added"
    ]


def test_baseline_host_path_volume() -> None:
    doc = pod(volumes=[{"name": "host", "hostPath": {"path": "/var/run"}}, {"name": "tmp", "emptyDir": {}}])
    assert messages(doc, BASELINE) == [
        f"[{PATH}] volume 'host' is a hostPath volume, which the baseline level forbids; "
        "use a persistentVolumeClaim, emptyDir, configMap or secret volume instead"
    ]


def test_baseline_seccomp_unconfined() -> None:
    doc = pod(securityContext={"seccompProfile": {"type": "Unconfined"}})
    assert messages(doc, BASELINE) == [
        f"[{PATH}] pod sets securityContext.seccompProfile.type=Unconfined, which the baseline level forbids; "
        "use RuntimeDefault or Localhost, or remove it"
    ]


def test_baseline_allows_the_permitted_values() -> None:
    doc = pod(
        securityContext={
            "seccompProfile": {"type": "Localhost", "localhostProfile": "p.json"},
            "seLinuxOptions": {"type": "container_engine_t", "level": "s0:c123,c456"},
            "sysctls": [{"name": "net.ipv4.tcp_wmem", "value": "4096 16384 4194304"}],
            "appArmorProfile": {"type": "RuntimeDefault"},
        },
        volumes=[{"name": "tmp", "emptyDir": {}}],
    )
    doc["metadata"]["annotations"] = {
        "container.apparmor.security.beta.kubernetes.io/web": "localhost/my-profile",
        "container.apparmor.security.beta.kubernetes.io/other": "runtime/default",
    }
    sc(doc).update(
        {
            "capabilities": {"add": ["NET_BIND_SERVICE", "CHOWN"]},
            "procMount": "Default",
            "privileged": False,
            "seccompProfile": {"type": "RuntimeDefault"},
        }
    )
    container(doc)["ports"] = [{"containerPort": 80, "hostPort": 0}]
    assert messages(doc, BASELINE) == []


# -- restricted rules ---------------------------------------------------------------------------


def test_restricted_volume_types() -> None:
    doc = restricted_pod()
    doc["spec"]["volumes"] = [
        {"name": "config", "configMap": {"name": "settings"}},
        {"name": "shared", "nfs": {"server": "nfs.local", "path": "/exports"}},
        {"name": "model", "image": {"reference": "registry.example.com/model:1"}},
    ]
    assert messages(doc, RESTRICTED) == [
        f"[{PATH}] volume 'shared' uses volume type nfs, which the restricted level forbids; use a volume of "
        "type configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected, secret"
    ]


def test_restricted_volume_types_replace_the_host_path_rule() -> None:
    doc = restricted_pod()
    doc["spec"]["volumes"] = [{"name": "host", "hostPath": {"path": "/"}}]
    assert messages(doc, RESTRICTED) == [
        f"[{PATH}] volume 'host' uses volume type hostPath, which the restricted level forbids; use a volume of "
        "type configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected, secret"
    ]


def test_restricted_allow_privilege_escalation_unset() -> None:
    doc = restricted_pod()
    del sc(doc)["allowPrivilegeEscalation"]
    assert messages(doc, RESTRICTED) == [
        f"[{PATH}] container 'web' does not set securityContext.allowPrivilegeEscalation=false, which the "
        "restricted level requires; set it to false"
    ]


def test_restricted_allow_privilege_escalation_true() -> None:
    doc = restricted_pod()
    sc(doc)["allowPrivilegeEscalation"] = True
    assert messages(doc, RESTRICTED) == [
        f"[{PATH}] container 'web' sets securityContext.allowPrivilegeEscalation=true, which the restricted "
        "level forbids; set it to false"
    ]


def test_restricted_run_as_non_root_unset() -> None:
    doc = restricted_pod()
    del sc(doc)["runAsNonRoot"]
    assert messages(doc, RESTRICTED) == [
        f"[{PATH}] neither the pod nor container 'web' sets securityContext.runAsNonRoot=true, which the "
        "restricted level requires; set it in the pod's securityContext (or in every container's)"
    ]


def test_restricted_run_as_non_root_false_on_the_pod() -> None:
    doc = restricted_pod()
    doc["spec"]["securityContext"] = {"runAsNonRoot": False}
    assert messages(doc, RESTRICTED) == [
        f"[{PATH}] pod sets securityContext.runAsNonRoot=false, which the restricted level forbids; set it to true"
    ]


def test_restricted_run_as_non_root_false_on_a_container() -> None:
    doc = restricted_pod()
    doc["spec"]["securityContext"] = {"runAsNonRoot": True}
    sc(doc)["runAsNonRoot"] = False
    assert messages(doc, RESTRICTED) == [
        f"[{PATH}] container 'web' sets securityContext.runAsNonRoot=false, which the restricted level forbids; "
        "set it to true"
    ]


def test_restricted_run_as_non_root_on_the_pod_covers_containers() -> None:
    doc = restricted_pod()
    del sc(doc)["runAsNonRoot"]
    doc["spec"]["securityContext"] = {"runAsNonRoot": True}
    assert messages(doc, RESTRICTED) == []


def test_restricted_run_as_user_zero() -> None:
    doc = restricted_pod()
    sc(doc)["runAsUser"] = 0
    assert messages(doc, RESTRICTED) == [
        f"[{PATH}] container 'web' sets securityContext.runAsUser=0, which the restricted level forbids; "
        "run as a non-zero UID (e.g. 1000), or remove it"
    ]


def test_restricted_seccomp_unset() -> None:
    doc = restricted_pod()
    del sc(doc)["seccompProfile"]
    assert messages(doc, RESTRICTED) == [
        f"[{PATH}] neither the pod nor container 'web' sets securityContext.seccompProfile.type, which the "
        "restricted level requires; set it to RuntimeDefault or Localhost in the pod's securityContext "
        "(or in every container's)"
    ]


def test_restricted_seccomp_unconfined_replaces_the_baseline_rule() -> None:
    doc = restricted_pod()
    sc(doc)["seccompProfile"] = {"type": "Unconfined"}
    assert messages(doc, RESTRICTED) == [
        f"[{PATH}] container 'web' sets securityContext.seccompProfile.type=Unconfined, which the restricted "
        "level forbids; use RuntimeDefault or Localhost"
    ]


def test_restricted_seccomp_on_the_pod_covers_containers() -> None:
    doc = restricted_pod()
    del sc(doc)["seccompProfile"]
    doc["spec"]["securityContext"] = {"seccompProfile": {"type": "Localhost", "localhostProfile": "p.json"}}
    assert messages(doc, RESTRICTED) == []


def test_restricted_capabilities_must_drop_all() -> None:
    doc = restricted_pod()
    sc(doc)["capabilities"] = {"drop": ["NET_RAW"]}
    assert messages(doc, RESTRICTED) == [
        f"[{PATH}] container 'web' does not set securityContext.capabilities.drop=['ALL'], which the restricted "
        "level requires; add 'ALL' to capabilities.drop"
    ]


def test_restricted_capabilities_add_only_net_bind_service() -> None:
    doc = restricted_pod()
    sc(doc)["capabilities"] = {"drop": ["ALL"], "add": ["NET_BIND_SERVICE", "CHOWN"]}
    assert messages(doc, RESTRICTED) == [
        f"[{PATH}] container 'web' adds CHOWN in securityContext.capabilities.add, which the restricted level "
        "forbids; remove it; only NET_BIND_SERVICE may be added"
    ]


def test_windows_pods_are_exempt_from_the_linux_only_restricted_rules() -> None:
    doc = pod(os={"name": "windows"}, securityContext={"runAsNonRoot": True})
    assert messages(doc, RESTRICTED) == []


# -- every container counts ---------------------------------------------------------------------


def test_init_and_ephemeral_containers_count() -> None:
    doc = restricted_pod()
    doc["spec"]["initContainers"] = [
        {"name": "setup", "image": "busybox", "securityContext": {"privileged": True}}
    ]
    doc["spec"]["ephemeralContainers"] = [{"name": "debug", "image": "busybox"}]
    assert messages(doc, BASELINE) == [
        f"[{PATH}] init container 'setup' sets securityContext.privileged=true, which the baseline level forbids; "
        "remove it"
    ]
    assert [p.message for p in check_pod_security(doc, RESTRICTED, PATH)] == [
        "init container 'setup' sets securityContext.privileged=true, which the restricted level forbids",
        "init container 'setup' does not set securityContext.allowPrivilegeEscalation=false, which the "
        "restricted level requires",
        "ephemeral container 'debug' does not set securityContext.allowPrivilegeEscalation=false, which the "
        "restricted level requires",
        "neither the pod nor init container 'setup' sets securityContext.runAsNonRoot=true, which the "
        "restricted level requires",
        "neither the pod nor ephemeral container 'debug' sets securityContext.runAsNonRoot=true, which the "
        "restricted level requires",
        "neither the pod nor init container 'setup' sets securityContext.seccompProfile.type, which the "
        "restricted level requires",
        "neither the pod nor ephemeral container 'debug' sets securityContext.seccompProfile.type, which the "
        "restricted level requires",
        "init container 'setup' does not set securityContext.capabilities.drop=['ALL'], which the restricted "
        "level requires",
        "ephemeral container 'debug' does not set securityContext.capabilities.drop=['ALL'], which the "
        "restricted level requires",
    ]


# -- workloads: the pod template is checked -----------------------------------------------------


def _template(doc: dict[str, Any]) -> dict[str, Any]:
    return {"metadata": {"labels": {"app": "web"}}, "spec": doc["spec"]}


def _workload(kind: str, doc: dict[str, Any]) -> dict[str, Any]:
    api = {"Job": "batch/v1", "CronJob": "batch/v1"}.get(kind, "apps/v1")
    if kind == "CronJob":
        spec: dict[str, Any] = {
            "schedule": "0 * * * *",
            "jobTemplate": {"spec": {"template": _template(doc)}},
        }
    else:
        spec = {"template": _template(doc)}
    return {"apiVersion": api, "kind": kind, "metadata": {"name": "web"}, "spec": spec}


@pytest.mark.parametrize("kind", ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob"])
def test_workload_templates_are_checked(kind: str) -> None:
    doc = restricted_pod()
    doc["spec"]["hostPID"] = True
    assert messages(_workload(kind, doc), RESTRICTED) == [
        f"[{PATH}] pod sets hostPID=true, which the restricted level forbids; remove it"
    ]
    assert messages(_workload(kind, restricted_pod()), RESTRICTED) == []


def test_workload_template_annotations_are_checked() -> None:
    doc = _workload("Deployment", pod())
    doc["spec"]["template"]["metadata"]["annotations"] = {
        "container.apparmor.security.beta.kubernetes.io/web": "unconfined"
    }
    assert [p.message for p in check_pod_security(doc, BASELINE, PATH)] == [
        "pod sets annotation container.apparmor.security.beta.kubernetes.io/web='unconfined', which the "
        "baseline level forbids"
    ]


def test_other_kinds_have_no_problems() -> None:
    config_map = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "c"},
        "data": {"hostPID": "true"},
    }
    assert check_pod_security(config_map, RESTRICTED, PATH) == []


# -- the restricted helper ----------------------------------------------------------------------


def test_the_restricted_helper_passes_restricted() -> None:
    doc = pod()
    container(doc)["securityContext"] = jsonable(SecurityContext.restricted(run_as_user=1000).render())
    assert check_pod_security(doc, RESTRICTED, PATH) == []


def test_a_restricted_pod_context_with_restricted_containers_passes() -> None:
    doc = pod(securityContext=jsonable(PodSecurityContext(run_as_non_root=True, fs_group=2000).render()))
    container(doc)["securityContext"] = jsonable(SecurityContext.restricted().render())
    assert check_pod_security(doc, RESTRICTED, PATH) == []


# -- failures -----------------------------------------------------------------------------------


def test_fails_on_a_level_given_as_str() -> None:
    with pytest.raises(
        PodkitTypeError, match=r"\[chart/web\] pod security level must be PodSecurity.BASELINE or"
    ):
        check_pod_security(pod(), "restricted", PATH)  # type: ignore[arg-type]


def test_fails_on_a_document_that_is_not_a_mapping() -> None:
    with pytest.raises(
        PodkitTypeError, match=r"pod security check needs a rendered object \(a dict\), got list"
    ):
        check_pod_security([pod()], RESTRICTED, PATH)  # type: ignore[arg-type]


# -- in a chart: after escape-hatch patches, and for objects podkit did not build ----------------


def _problems(chart: pk.Chart) -> list[str]:
    """The problems' texts, without the user's line that created each object (``Problem.source``)."""
    with pytest.raises(pk.SynthError) as err:
        chart.to_json()
    return [p.text for p in err.value.problems]


def _restricted_web(chart: pk.Chart) -> pk.SidecarPod:
    main = pk.Container(
        name="nginx", image="nginx:1.27", security_context=SecurityContext.restricted(run_as_user=1000)
    )
    return pk.SidecarPod(chart, "web", main=main)


def _raw(chart: pk.Chart, id: str, api_version: str, kind: str, spec: dict[str, Any]) -> cdk8s.ApiObject:
    obj = cdk8s.ApiObject(chart, id, api_version=api_version, kind=kind, metadata={"name": id})
    obj.add_json_patch(cdk8s.JsonPatch.add("/spec", spec))
    return obj


def test_a_patch_that_sets_privileged_fails_a_restricted_chart() -> None:
    # GIVEN a restricted chart whose pod passes as podkit renders it
    chart = pk.Chart(pk.App(), "sec", pod_security=RESTRICTED)
    web = _restricted_web(chart)
    assert [d["kind"] for d in chart.to_json()] == ["Pod"]
    # WHEN an escape-hatch patch makes the container privileged
    patch = cdk8s.JsonPatch.add("/spec/containers/0/securityContext/privileged", True)
    cdk8s.ApiObject.of(web).add_json_patch(patch)
    # THEN synth fails naming the object, the container, the field and the fix: the API server's
    # own rule (privileged with allowPrivilegeEscalation false) and the level's, in one run
    assert _problems(chart) == [
        "[sec/web] spec.containers[0].securityContext.allowPrivilegeEscalation false cannot be combined "
        "with privileged true: a privileged container can always escalate; drop one of them",
        "[sec/web] container 'nginx' sets securityContext.privileged=true, which the restricted level "
        "forbids; remove it",
    ]


def test_a_patch_that_fixes_a_pod_is_what_the_level_judges() -> None:
    # GIVEN a restricted chart with a pod that lacks the restricted settings
    chart = pk.Chart(pk.App(), "sec", pod_security=RESTRICTED)
    pod_ = pk.SidecarPod(chart, "web", main=pk.Container(name="nginx", image="nginx:1.27"))
    assert len(_problems(chart)) == 4
    # WHEN a patch adds them  THEN the patched object passes: the check runs on the final object
    cdk8s.ApiObject.of(pod_).add_json_patch(
        cdk8s.JsonPatch.add("/spec/containers/0/securityContext", RESTRICTED_SC)
    )
    assert [d["kind"] for d in chart.to_json()] == ["Pod"]


def test_a_raw_api_object_pod_is_checked() -> None:
    # GIVEN a Pod written with plain cdk8s (no podkit construct) in a baseline chart
    chart = pk.Chart(pk.App(), "base", pod_security=BASELINE)
    _raw(
        chart, "raw", "v1", "Pod", {"hostNetwork": True, "containers": [{"name": "c", "image": "nginx:1.27"}]}
    )
    # THEN the level holds for it too, and the problem names the object by kind and name
    assert _problems(chart) == [
        "[base: Pod raw] pod sets hostNetwork=true, which the baseline level forbids; remove it"
    ]


@pytest.mark.parametrize("kind", ["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"])
def test_a_raw_api_object_workloads_pod_template_is_checked(kind: str) -> None:
    # GIVEN a workload written with plain cdk8s whose template runs a privileged container
    doc = pod(restartPolicy="Never") if kind in ("Job", "CronJob") else pod()
    sc(doc)["privileged"] = True
    raw = _workload(kind, doc)
    if kind not in ("Job", "CronJob"):  # a Job's selector is the API server's to generate
        raw["spec"]["selector"] = {"matchLabels": {"app": "web"}}
    if kind == "StatefulSet":
        raw["spec"]["serviceName"] = "web"
    chart = pk.Chart(pk.App(), "base", pod_security=BASELINE)
    _raw(chart, "raw", raw["apiVersion"], kind, raw["spec"])
    # THEN its pod template is checked like a podkit workload's
    assert _problems(chart) == [
        f"[base: {kind} raw] container 'web' sets securityContext.privileged=true, which the baseline "
        "level forbids; remove it"
    ]
    # and the same object passes in a chart without a level
    unchecked = pk.Chart(pk.App(), "free")
    _raw(unchecked, "raw", raw["apiVersion"], kind, raw["spec"])
    assert [d["kind"] for d in unchecked.to_json()] == [kind]
