"""The whole Pod surface (issue #15): pod knobs, container fields, gRPC probes, extended
resources and huge pages, sub_path_expr. Each field renders when set, nothing when not, and
each mistake the API server rejects fails early."""

from __future__ import annotations

from typing import Any

import pytest

import podkit as pk
from podkit._pod import AbstractPod, DNSConfig, DNSPolicy, HostAlias, OSName, PodFields
from podkit.errors import DuplicateError, PodkitError, PodkitTypeError, Problem
from podkit.pod_security import PodSecurity
from podkit.scheduling import TaintEffect, Toleration
from podkit.security import Capabilities, PodSecurityContext, SeccompProfile, SecurityContext
from tests.k8s import synth


class PlainPod(AbstractPod):
    """What every controller does: forward the pod fields to ``AbstractPod``."""

    KIND = "Pod"

    def _render_body(self, problems: list[Problem]) -> dict[str, Any]:
        return {"spec": self.render_pod_spec()}


def app_container() -> pk.Container:
    return pk.Container(name="app", image="registry.example.com/app:1.0", ports=[8080])


def spec_of(chart: pk.Chart) -> dict[str, Any]:
    spec: dict[str, Any] = synth(chart)[-1]["spec"]
    return spec


def test_every_pod_knob_renders_through_the_constructor(chart: pk.Chart) -> None:
    regcred = pk.SecretEnv(
        chart,
        "regcred",
        from_literal={".dockerconfigjson": '{"auths": {}}'},
        type=pk.SecretType.DOCKER_CONFIG_JSON,
    )
    PlainPod(
        chart,
        "web",
        main=app_container(),
        security_context=PodSecurityContext(run_as_non_root=True, fs_group=2000),
        tolerations=[Toleration.exists("dedicated", effect=TaintEffect.NO_SCHEDULE)],
        priority_class_name="high",
        scheduler_name="default-scheduler",
        runtime_class_name="gvisor",
        termination_grace_period_seconds=45,
        image_pull_secrets=[regcred, pk.SecretEnv.from_name("mirror-cred")],
        host_network=False,
        host_pid=False,
        host_ipc=False,
        dns_policy=DNSPolicy.NONE,
        dns_config=DNSConfig(
            nameservers=["10.0.0.10"], searches=["svc.cluster.local"], options={"ndots": "2"}
        ),
        host_aliases=[HostAlias("10.1.2.3", ["db.local", "cache.local"])],
        hostname="web-0",
        subdomain="web",
        automount_service_account_token=False,
        share_process_namespace=True,
        enable_service_links=False,
        os=OSName.LINUX,
    )
    spec = spec_of(chart)
    del spec["containers"]
    assert spec == {
        "securityContext": {"runAsNonRoot": True, "fsGroup": 2000},
        "tolerations": [{"key": "dedicated", "operator": "Exists", "effect": "NoSchedule"}],
        "priorityClassName": "high",
        "schedulerName": "default-scheduler",
        "runtimeClassName": "gvisor",
        "terminationGracePeriodSeconds": 45,
        "imagePullSecrets": [{"name": "regcred"}, {"name": "mirror-cred"}],
        "hostNetwork": False,
        "hostPID": False,
        "hostIPC": False,
        "dnsPolicy": "None",
        "dnsConfig": {
            "nameservers": ["10.0.0.10"],
            "searches": ["svc.cluster.local"],
            "options": [{"name": "ndots", "value": "2"}],
        },
        "hostAliases": [{"ip": "10.1.2.3", "hostnames": ["db.local", "cache.local"]}],
        "hostname": "web-0",
        "subdomain": "web",
        "automountServiceAccountToken": False,
        "shareProcessNamespace": True,
        "enableServiceLinks": False,
        "os": {"name": "linux"},
    }


def test_pod_fields_are_the_documented_set() -> None:
    assert set(PodFields.__annotations__) == {
        name for name in vars(AbstractPod) if type(vars(AbstractPod)[name]).__name__ == "_SpecField"
    }


def test_unset_fields_render_nothing_and_can_be_cleared(chart: pk.Chart) -> None:
    pod = pk.SidecarPod(chart, "web", main=app_container(), run_label=False)
    pod.host_network = True
    pod.host_network = None
    assert pod.host_network is None
    assert spec_of(chart) == {
        "containers": [
            {"name": "app", "image": "registry.example.com/app:1.0", "ports": [{"containerPort": 8080}]}
        ]
    }


def test_fails_on_pod_knob_mistakes(chart: pk.Chart) -> None:
    pod = pk.SidecarPod(chart, "web", main=app_container())
    with pytest.raises(PodkitTypeError, match=r"host_network must be True, False or None, got str 'true'"):
        pod.host_network = "true"  # type: ignore[assignment]
    with pytest.raises(
        PodkitTypeError, match=r"dns_policy must be a DNSPolicy, got str 'None'; use DNSPolicy.NONE"
    ):
        pod.dns_policy = "None"  # type: ignore[assignment]
    with pytest.raises(PodkitError, match=r"termination_grace_period_seconds -1 is negative"):
        pod.termination_grace_period_seconds = -1
    with pytest.raises(
        pk.InvalidNameError, match=r"\[test/web\] hostname 'web_0' is not a valid DNS-1123 label"
    ):
        pod.hostname = "web_0"
    with pytest.raises(
        pk.InvalidNameError, match=r"priority_class_name 'High' is not a valid DNS-1123 subdomain"
    ):
        pod.priority_class_name = "High"
    with pytest.raises(PodkitError, match=r"dns_config has 4 nameservers; the API server allows at most 3"):
        DNSConfig(nameservers=["1.1.1.1", "1.0.0.1", "8.8.8.8", "8.8.4.4"])
    with pytest.raises(PodkitError, match=r"dns_config nameserver 'dns.google' is not an IP address"):
        DNSConfig(nameservers=["dns.google"])
    with pytest.raises(PodkitError, match=r"host alias ip '10.1.2' is not an IP address"):
        HostAlias("10.1.2", ["db"])
    with pytest.raises(PodkitError, match=r"host alias '10.1.2.3' has no hostnames"):
        HostAlias("10.1.2.3", [])
    with pytest.raises(PodkitTypeError, match=r"unexpected keyword argument 'host_networking'"):
        PlainPod(chart, "other", main=app_container(), host_networking=True)  # type: ignore[call-arg]


def test_fails_on_settings_the_api_server_refuses_together(chart: pk.Chart) -> None:
    # the API server's own rules (_rules), asked at the call; the message names the argument first
    with pytest.raises(PodkitError) as e:
        PlainPod(chart, "a", main=app_container(), host_pid=True, share_process_namespace=True)
    assert str(e.value) == (
        "[test/a] share_process_namespace: spec.shareProcessNamespace true cannot be combined with hostPID "
        "true: the containers either share the host's process namespace or one of their own; set one of them "
        "to false"
    )
    with pytest.raises(
        PodkitError, match=r"^\[test/b\] dns_config: spec.dnsConfig is missing: dnsPolicy None"
    ):
        PlainPod(chart, "b", main=app_container(), dns_policy=DNSPolicy.NONE)
    with pytest.raises(
        PodkitError,
        match=r"^\[test/c\] security_context.fs_group: spec.securityContext.fsGroup cannot be set for a windows pod",
    ):
        PlainPod(
            chart,
            "c",
            main=app_container(),
            os=OSName.WINDOWS,
            security_context=PodSecurityContext(fs_group=1000),
        )
    # set one by one as properties, each assignment asks the rules: the one that creates the
    # conflict fails (and is not kept)
    pod = pk.SidecarPod(chart, "d", main=app_container())
    with pytest.raises(PodkitError, match=r"^\[test/d\] dns_config: spec.dnsConfig is missing"):
        pod.dns_policy = DNSPolicy.NONE
    assert pod.dns_policy is None
    pod.dns_config = DNSConfig(nameservers=("1.1.1.1",))
    pod.dns_policy = DNSPolicy.NONE
    assert synth(chart)[-1]["spec"]["dnsPolicy"] == "None"


def test_fails_on_windows_pod_with_linux_container_settings(chart: pk.Chart) -> None:
    main = pk.Container(name="app", image="mcr.microsoft.com/windows/nanoserver:ltsc2022")
    main.security_context = SecurityContext(run_as_user=1000)
    with pytest.raises(PodkitError) as e:
        PlainPod(chart, "win", main=main, os=OSName.WINDOWS)
    assert str(e.value) == (
        "[test/win] container 'app' security_context.run_as_user: spec.containers[0].securityContext.runAsUser "
        "cannot be set for a windows pod (spec.os.name is windows): remove it"
    )


def test_fails_on_host_port_differing_from_container_port_with_host_network(chart: pk.Chart) -> None:
    main = pk.Container(name="app", image="nginx:1.27", ports=[pk.Port(80, host_port=8080)])
    with pytest.raises(PodkitError) as e:
        PlainPod(chart, "web", main=main, host_network=True)
    assert str(e.value) == (
        "[test/web] container 'app' ports[0].host_port: spec.containers[0].ports[0].hostPort 8080 must match "
        "containerPort 80 when hostNetwork is true: set hostPort to 80 or leave it out"
    )


def test_fails_on_image_pull_secrets_that_cannot_pull(chart: pk.Chart) -> None:
    opaque = pk.SecretEnv(chart, "opaque", from_literal={"a": "b"})
    pod = pk.SidecarPod(chart, "web", main=app_container())
    with pytest.raises(PodkitError, match=r"image pull secret 'test/opaque' has type Opaque"):
        pod.image_pull_secrets = [opaque]
    with pytest.raises(PodkitTypeError, match=r"image_pull_secrets takes Secrets, got ConfigMap 'cfg'"):
        pod.image_pull_secrets = [pk.ConfigFromMap.from_name("cfg")]
    with pytest.raises(DuplicateError, match=r"image pull secret 'reg' is listed twice"):
        pod.image_pull_secrets = [pk.SecretEnv.from_name("reg"), pk.SecretEnv.from_name("reg")]
    other = pk.Chart(chart.node.scope, "other")  # type: ignore[arg-type]
    foreign = pk.SecretEnv(
        other, "reg", from_literal={".dockerconfigjson": "{}"}, type=pk.SecretType.DOCKER_CONFIG_JSON
    )
    with pytest.raises(PodkitError, match=r"uses Secret 'other/reg' from another chart"):
        pod.image_pull_secrets = [foreign]


# -- container fields -------------------------------------------------------------------------------
def test_container_security_context_stdin_tty_and_restricted_level(app: pk.App) -> None:
    chart = pk.Chart(app, "prod", pod_security=PodSecurity.RESTRICTED)
    web = pk.Container(
        name="web",
        image="nginxinc/nginx-unprivileged:1.27",
        security_context=SecurityContext.restricted(run_as_user=101),
        stdin=True,
        tty=True,
    )
    pod = pk.SidecarPod(chart, "web", main=web)
    pod.security_context = PodSecurityContext(seccomp_profile=SeccompProfile.runtime_default())
    c = spec_of(chart)["containers"][0]
    assert c["securityContext"] == {
        "allowPrivilegeEscalation": False,
        "capabilities": {"drop": ["ALL"]},
        "runAsNonRoot": True,
        "runAsUser": 101,
        "seccompProfile": {"type": "RuntimeDefault"},
    }
    assert (c["stdin"], c["tty"]) == (True, True)
    web.security_context = SecurityContext(capabilities=Capabilities(add=("NET_ADMIN",)))
    with pytest.raises(pk.SynthError, match=r"restricted"):
        synth(chart)


def test_fails_on_container_field_types() -> None:
    with pytest.raises(PodkitTypeError, match=r"security_context must be a SecurityContext"):
        pk.Container(name="a", image="busybox", security_context={"runAsUser": 1})  # type: ignore[arg-type]
    with pytest.raises(PodkitTypeError, match=r"tty must be True, False or None, got int 1"):
        pk.Container(name="a", image="busybox", tty=1)  # type: ignore[arg-type]


def test_sub_path_expr(chart: pk.Chart) -> None:
    logs = pk.Volume.empty_dir("logs")
    main = pk.Container(
        name="app", image="busybox:1.36", env={"POD": pk.EnvValue.from_field(pk.PodField.POD_NAME)}
    )
    pod = pk.SidecarPod(chart, "app", main=main)
    pod.mount(logs, at="/var/log/app", sub_path_expr="$(POD)")
    assert spec_of(chart)["containers"][0]["volumeMounts"] == [
        {"name": "logs", "mountPath": "/var/log/app", "subPathExpr": "$(POD)"}
    ]
    with pytest.raises(PodkitError, match=r"sets both sub_path 'a' and sub_path_expr '\$\(POD\)'"):
        main.mount(logs, at="/x", sub_path="a", sub_path_expr="$(POD)")
    with pytest.raises(pk.InvalidNameError, match=r"sub_path_expr '/abs' "):
        main.mount(logs, at="/y", sub_path_expr="/abs")


def test_grpc_probe(chart: pk.Chart) -> None:
    main = pk.Container(
        name="api",
        image="registry.example.com/api:1",
        ports=[9090],
        liveness=pk.Probe.grpc(9090, service="api.v1.Health", period_seconds=5),
        readiness=pk.Probe.grpc(9090),
    )
    pk.SidecarPod(chart, "api", main=main)
    c = spec_of(chart)["containers"][0]
    assert c["livenessProbe"] == {"grpc": {"port": 9090, "service": "api.v1.Health"}, "periodSeconds": 5}
    assert c["readinessProbe"] == {"grpc": {"port": 9090}}
    with pytest.raises(PodkitTypeError, match=r"grpc probe port must be a port number, got 'grpc'"):
        pk.Probe.grpc("grpc")  # type: ignore[arg-type]
    with pytest.raises(
        pk.MissingReferenceError,
        match=r"liveness probe uses port 50051, which the container does not declare",
    ):
        pk.Container(name="x", image="busybox", liveness=pk.Probe.grpc(50051))


# -- resources --------------------------------------------------------------------------------------
def test_extended_resources_and_hugepages(chart: pk.Chart) -> None:
    gpu = pk.Container(
        name="train",
        image="nvcr.io/nvidia/pytorch:24.01-py3",
        resources=pk.Resources(
            memory_limit="8Gi",
            extended_limits={"nvidia.com/gpu": 1},
            hugepages_limits={"2Mi": "100Mi"},
            hugepages_requests={"2Mi": "100Mi"},
        ),
    )
    pk.SidecarPod(chart, "train", main=gpu)
    assert spec_of(chart)["containers"][0]["resources"] == {
        "limits": {"memory": "8Gi", "nvidia.com/gpu": "1", "hugepages-2Mi": "100Mi"},
        "requests": {"hugepages-2Mi": "100Mi"},
    }


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"extended_limits": {"nvidia.com/gpu": "0.5"}}, r"nvidia.com/gpu limit '0.5' is not a whole number"),
        ({"extended_limits": {"gpu": 1}}, r"extended resource 'gpu' needs a domain"),
        ({"extended_limits": {"kubernetes.io/gpu": 1}}, r"is in the kubernetes.io domain"),
        ({"extended_requests": {"nvidia.com/gpu": 1}}, r"nvidia.com/gpu has a request '1' but no limit"),
        (
            {"extended_limits": {"nvidia.com/gpu": 2}, "extended_requests": {"nvidia.com/gpu": 1}},
            r"nvidia.com/gpu request '1' differs from its limit '2'",
        ),
        ({"hugepages_limits": {"2Mi": "3Mi"}, "memory_limit": "1Gi"}, r"not a multiple of the page size 2Mi"),
        ({"hugepages_limits": {"2Mi": "100Mi"}}, r"hugepages need a cpu or memory request or limit as well"),
        (
            {"hugepages_limits": {"huge": "100Mi"}, "memory_limit": "1Gi"},
            r"hugepages page size 'huge' is not a quantity",
        ),
    ],
)
def test_fails_on_resources_kubernetes_cannot_overcommit(kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(pk.PodkitException, match=match):
        pk.Container(name="a", image="busybox", resources=pk.Resources(**kwargs))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"hugepages_limits": {"2Mi": "100Mi"}, "hugepages_requests": {"2Mi": "50Mi"}},
            "hugepages-2Mi request '50Mi' differs from its limit '100Mi'; Kubernetes requires them equal: "
            "drop the request or make them equal",
        ),
        (
            {"hugepages_limits": {"2Mi": "100Mi"}, "hugepages_requests": {"2Mi": "200Mi"}},
            "hugepages-2Mi request '200Mi' differs from its limit '100Mi'; Kubernetes requires them equal: "
            "drop the request or make them equal",
        ),
        (
            {"hugepages_requests": {"2Mi": "100Mi"}},
            "hugepages-2Mi has a request '100Mi' but no limit; Kubernetes cannot overcommit it and requires "
            "a limit: set the limit (the request then defaults to it)",
        ),
        (
            # a limit for another page size does not count
            {"hugepages_limits": {"2Mi": "100Mi"}, "hugepages_requests": {"1Gi": "1Gi"}},
            "hugepages-1Gi has a request '1Gi' but no limit; Kubernetes cannot overcommit it and requires "
            "a limit: set the limit (the request then defaults to it)",
        ),
    ],
)
def test_fails_on_hugepages_requests_kubernetes_rejects(kwargs: dict[str, Any], message: str) -> None:
    # huge pages cannot be overcommitted: the API server requires a limit and request == limit
    resources = pk.Resources(memory_limit="1Gi", **kwargs)
    with pytest.raises(pk.InvalidQuantityError) as err:
        pk.Container(name="a", image="busybox", resources=resources)
    assert str(err.value) == f"[container 'a'] {message}"
    # the same check when resources are set later
    later = pk.Container(name="a", image="busybox")
    with pytest.raises(pk.InvalidQuantityError) as err:
        later.resources = resources
    assert str(err.value) == f"[container 'a'] {message}"
    assert later.resources is None


def test_hugepages_request_equal_to_its_limit_in_another_notation(chart: pk.Chart) -> None:
    # equal as quantities is equal: 104857600 bytes is 100Mi
    resources = pk.Resources(
        memory_limit="1Gi", hugepages_limits={"2Mi": "100Mi"}, hugepages_requests={"2Mi": "104857600"}
    )
    pk.SidecarPod(chart, "p", main=pk.Container(name="a", image="busybox", resources=resources))
    assert spec_of(chart)["containers"][0]["resources"] == {
        "limits": {"memory": "1Gi", "hugepages-2Mi": "100Mi"},
        "requests": {"hugepages-2Mi": "104857600"},
    }


def test_restricted_gpu_job_tolerates_its_taint(chart: pk.Chart) -> None:
    job = pk.SidecarPod(
        chart,
        "train",
        main=pk.Container(
            name="train",
            image="nvcr.io/nvidia/pytorch:24.01-py3",
            resources=pk.Resources(extended_limits={"nvidia.com/gpu": 1}),
        ),
        restart_policy=pk.RestartPolicy.NEVER,
    )
    job.tolerations = [Toleration.exists("nvidia.com/gpu", effect=TaintEffect.NO_SCHEDULE)]
    spec = spec_of(chart)
    assert spec["tolerations"] == [{"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}]
    assert spec["containers"][0]["resources"] == {"limits": {"nvidia.com/gpu": "1"}}


def test_errors_of_shared_value_checks_name_the_pod(chart: pk.Chart) -> None:
    with pytest.raises(PodkitTypeError, match=r"^\[test/p\] tolerations must contain Toleration values"):
        pk.SidecarPod(chart, "p", main=pk.Container(name="c", image="nginx:1.27"), tolerations=["a"])  # type: ignore[list-item]
    # a mapping is no list (it would be read as its keys)
    with pytest.raises(PodkitTypeError, match=r"^\[test/p\] tolerations must be a list or tuple, got dict"):
        pk.SidecarPod(chart, "p", main=pk.Container(name="c", image="nginx:1.27"), tolerations={"a": "b"})  # type: ignore[arg-type]


def test_fails_namespaced_sysctls_with_the_node_namespaces(chart: pk.Chart) -> None:
    from podkit.security import Sysctl

    net = PodSecurityContext(sysctls=[Sysctl("net.ipv4.tcp_keepalive_time", "600")])
    with pytest.raises(PodkitError) as e:
        PlainPod(chart, "a", main=app_container(), host_network=True, security_context=net)
    assert str(e.value) == (
        "[test/a] security_context.sysctls[0]: spec.securityContext.sysctls[0] 'net.ipv4.tcp_keepalive_time' "
        "may not be specified when 'hostNetwork' is true: the pod shares that namespace with the node, so the "
        "sysctl would change the node's setting; drop one of them"
    )
    ipc = PodSecurityContext(sysctls=[Sysctl("kernel/shmmax", "68719476736")])
    with pytest.raises(
        PodkitError, match=r"sysctls\[0\] 'kernel/shmmax' may not be specified when 'hostIPC'"
    ):
        PlainPod(chart, "b", main=app_container(), host_ipc=True, security_context=ipc)
    # each is fine without its host namespace; setting the flag later fails at the assignment
    PlainPod(chart, "c", main=app_container(), host_ipc=True, security_context=net)
    late = PlainPod(chart, "d", main=app_container(), security_context=ipc)
    with pytest.raises(PodkitError, match=r"^\[test/d\] security_context.sysctls\[0\]: .* 'hostIPC' is true"):
        late.host_ipc = True
    assert late.host_ipc is None


def test_fails_a_patched_host_network_with_a_net_sysctl(chart: pk.Chart) -> None:
    import cdk8s

    from podkit.security import Sysctl

    pod = PlainPod(
        chart,
        "a",
        main=app_container(),
        security_context=PodSecurityContext(sysctls=[Sysctl("net.ipv4.ping_group_range", "0 1")]),
    )
    cdk8s.ApiObject.of(pod).add_json_patch(cdk8s.JsonPatch.add("/spec/hostNetwork", True))
    with pytest.raises(pk.SynthError) as e:
        synth(chart)
    assert (
        "spec.securityContext.sysctls[0] 'net.ipv4.ping_group_range' may not be specified when 'hostNetwork' is true"
        in str(e.value)
    )
