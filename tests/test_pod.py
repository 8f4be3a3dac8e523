"""SidecarPod: every Pod row of SPEC.md (P1-P15). Small cases exact, the example by snapshot."""

from __future__ import annotations

import sys
import warnings
from typing import Any

import pytest

import podkit as pk
from tests.k8s import synth


def nginx(**kw: Any) -> pk.Container:
    return pk.Container(name="nginx", image="nginx:1.14.2", **kw)


# P2 + P3: the notes' minimal pod, exactly
def test_required_fields_and_run_label(chart: pk.Chart) -> None:
    pk.SidecarPod(chart, "nginx", main=nginx(ports=[80]))
    assert synth(chart) == [
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "nginx", "labels": {"run": "nginx"}},
            "spec": {
                "containers": [{"name": "nginx", "image": "nginx:1.14.2", "ports": [{"containerPort": 80}]}]
            },
        }
    ]


def test_run_label_can_be_turned_off_and_labels_are_kept(chart: pk.Chart) -> None:
    pk.SidecarPod(chart, "web", main=nginx(), labels={"app": "web", "tier": "front"}, run_label=False)
    assert synth(chart)[0]["metadata"]["labels"] == {"app": "web", "tier": "front"}


def test_name_differs_from_id(chart: pk.Chart) -> None:
    pod = pk.SidecarPod(chart, "web", main=nginx(), name="web-1")
    assert pod.name == "web-1"
    assert synth(chart)[0]["metadata"] == {"name": "web-1", "labels": {"run": "web-1"}}


# P4: labels are queryable from Python, like kubectl get pods -l
def test_select_pods_by_label(chart: pk.Chart) -> None:
    a = pk.SidecarPod(chart, "a", main=nginx(), labels={"foo": "bar", "env": "dev"})
    b = pk.SidecarPod(chart, "b", main=nginx(), labels={"foo": "baz", "env": "prod"})
    c = pk.SidecarPod(chart, "c", main=nginx())
    cfg = pk.ConfigFromMap(chart, "cfg", labels={"foo": "bar"})
    assert chart.select("foo=bar") == [a, cfg]
    assert chart.select("foo=bar", kind=pk.SidecarPod) == [a]
    assert chart.select("foo") == [a, b, cfg]
    assert chart.select("!foo") == [c]
    assert chart.select("foo!=bar", kind=pk.SidecarPod) == [b, c]
    assert chart.select("env in (dev,prod),foo=baz") == [b]
    assert chart.select("env notin (dev)", kind=pk.SidecarPod) == [b, c]
    assert chart.select({"run": "c"}) == [c]
    assert a.labels == {"foo": "bar", "env": "dev", "run": "a"}  # -L / --show-labels


def test_fails_on_a_malformed_selector(chart: pk.Chart) -> None:
    with pytest.raises(pk.PodkitError, match=r"label selector 'a=b,=c': cannot parse '=c'"):
        chart.select("a=b,=c")


# P5 + P7
def test_node_selector_and_restart_policy(chart: pk.Chart) -> None:
    pk.SidecarPod(
        chart,
        "job",
        main=nginx(command=["/bin/echo"], args=["hello"]),
        node_selector={"foo": "bar"},
        restart_policy=pk.RestartPolicy.ON_FAILURE,
    )
    spec = synth(chart)[0]["spec"]
    assert spec["nodeSelector"] == {"foo": "bar"}
    assert spec["restartPolicy"] == "OnFailure"
    # P6: command = ENTRYPOINT, args = CMD
    assert spec["containers"][0]["command"] == ["/bin/echo"]
    assert spec["containers"][0]["args"] == ["hello"]


def test_restart_policy_is_not_emitted_unless_asked(chart: pk.Chart) -> None:
    pk.SidecarPod(chart, "p", main=nginx())
    assert "restartPolicy" not in synth(chart)[0]["spec"]


def test_fails_on_a_free_string_restart_policy(chart: pk.Chart) -> None:
    with pytest.raises(
        pk.PodkitTypeError, match=r"\[test/p\] restart_policy must be a RestartPolicy .*got 'always'"
    ):
        pk.SidecarPod(chart, "p", main=nginx(), restart_policy="always")  # type: ignore[arg-type]


# P8: each container has its own env
def test_env_per_container(chart: pk.Chart) -> None:
    a = pk.Container(name="a", image="img", env={"ENV_VAR1": "value1"})
    b = pk.Container(name="b", image="img", env={"ENV_VAR1": "other"})
    pk.SidecarPod(chart, "p", main=a, sidecars=[b])
    containers = synth(chart)[0]["spec"]["containers"]
    assert containers[0]["env"] == [{"name": "ENV_VAR1", "value": "value1"}]
    assert containers[1]["env"] == [{"name": "ENV_VAR1", "value": "other"}]


# P9: hostPath and one emptyDir shared by several containers
def test_shared_empty_dir_and_host_path(chart: pk.Chart) -> None:
    main, side = nginx(), pk.Container(name="side", image="busybox")
    pod = pk.SidecarPod(chart, "p", main=main, sidecars=[side])
    shared = pk.Volume.empty_dir("shared-data")
    pod.mount(shared, at="/data")  # default: main + sidecars
    pod.mount(
        pk.Volume.host_path("home", path="/home", type=pk.HostPathType.DIRECTORY),
        at="/host",
        containers=[main],
    )
    spec = synth(chart)[0]["spec"]
    assert spec["volumes"] == [
        {"name": "shared-data", "emptyDir": {}},
        {"name": "home", "hostPath": {"path": "/home", "type": "Directory"}},
    ]
    assert spec["containers"][0]["volumeMounts"] == [
        {"name": "shared-data", "mountPath": "/data"},
        {"name": "home", "mountPath": "/host"},
    ]
    assert spec["containers"][1]["volumeMounts"] == [{"name": "shared-data", "mountPath": "/data"}]


# P10
def test_resources(chart: pk.Chart) -> None:
    res = pk.Resources(memory_request="64Mi", cpu_request="250m", memory_limit="128Mi", cpu_limit="500m")
    pk.SidecarPod(chart, "p", main=nginx(resources=res))
    assert synth(chart)[0]["spec"]["containers"][0]["resources"] == {
        "requests": {"cpu": "250m", "memory": "64Mi"},
        "limits": {"cpu": "500m", "memory": "128Mi"},
    }


def test_nothing_is_injected(chart: pk.Chart) -> None:
    pk.SidecarPod(chart, "p", main=nginx(), sidecars=[pk.Container(name="s", image="busybox")])
    for c in synth(chart)[0]["spec"]["containers"]:
        assert set(c) == {"name", "image"}


# P11
def test_probes(chart: pk.Chart) -> None:
    pk.SidecarPod(
        chart,
        "p",
        main=nginx(
            ports=[pk.Port(80, name="http")],
            liveness=pk.Probe.http_get("/live", port=80),
            readiness=pk.Probe.exec(["cat", "/tmp/ready"]),
            startup=pk.Probe.tcp_socket(port="http", failure_threshold=30, period_seconds=2),
        ),
    )
    c = synth(chart)[0]["spec"]["containers"][0]
    assert c["livenessProbe"] == {"httpGet": {"path": "/live", "port": 80}}
    assert c["readinessProbe"] == {"exec": {"command": ["cat", "/tmp/ready"]}}
    assert c["startupProbe"] == {"tcpSocket": {"port": "http"}, "failureThreshold": 30, "periodSeconds": 2}


# P1 + P12: sidecars, and native sidecars that start first
def test_sidecars_regular_and_native(chart: pk.Chart) -> None:
    proxy = pk.Container(name="proxy", image="envoy", ports=[9901])
    shipper = pk.Container(name="shipper", image="busybox")
    pk.SidecarPod(chart, "p", main=nginx(ports=[80]), sidecars=[shipper], native_sidecars=[proxy])
    spec = synth(chart)[0]["spec"]
    assert [c["name"] for c in spec["containers"]] == ["nginx", "shipper"]
    assert spec["initContainers"] == [
        {"name": "proxy", "image": "envoy", "ports": [{"containerPort": 9901}], "restartPolicy": "Always"}
    ]


# P13: init containers, in order, before native sidecars unless interleaved explicitly
def test_init_containers_in_order(chart: pk.Chart) -> None:
    git = pk.Container(name="git", image="alpine/git", args=["clone", "https://example.com/r.git", "/r"])
    migrate = pk.Container(name="migrate", image="app", command=["migrate"])
    pod = pk.SidecarPod(chart, "p", main=nginx(), init_containers=[git, migrate])
    pod.add_native_sidecar(pk.Container(name="proxy", image="envoy"))
    pod.add_init_container(pk.Container(name="last", image="busybox"))
    spec = synth(chart)[0]["spec"]
    assert [c["name"] for c in spec["initContainers"]] == ["git", "migrate", "proxy", "last"]
    assert [c.name for c in pod.containers] == ["nginx", "git", "migrate", "proxy", "last"]


# P14 + P15: Downward API
def test_downward_api_env_and_volume(chart: pk.Chart) -> None:
    foo = pk.Container(
        name="foo",
        image="bar",
        env={
            "NODE_NAME": pk.EnvValue.from_field(pk.PodField.NODE_NAME),
            "POD_NAME": pk.EnvValue.from_field(pk.PodField.POD_NAME),
            "POD_NAMESPACE": pk.EnvValue.from_field(pk.PodField.NAMESPACE),
            "POD_IP": pk.EnvValue.from_field(pk.PodField.POD_IP),
            "APP": pk.EnvValue.from_field(pk.FieldRef.label("app")),
            "MEM": pk.EnvValue.from_resource(pk.ResourceField.LIMITS_MEMORY, divisor="1Mi"),
        },
    )
    pod = pk.SidecarPod(chart, "p", main=foo, labels={"app": "x"})
    pod.mount(pk.Volume.downward_api("podinfo", items={"labels": pk.PodField.LABELS}), at="/etc/podinfo")
    spec = synth(chart)[0]["spec"]
    assert spec["containers"][0]["env"] == [
        {"name": "NODE_NAME", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}},
        {"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
        {"name": "POD_NAMESPACE", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}},
        {"name": "POD_IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}},
        {"name": "APP", "valueFrom": {"fieldRef": {"fieldPath": "metadata.labels['app']"}}},
        {"name": "MEM", "valueFrom": {"resourceFieldRef": {"resource": "limits.memory", "divisor": "1Mi"}}},
    ]
    # the notes' indentation mistake, fixed: downwardAPI sits inside the volume, fieldRef inside the item
    assert spec["volumes"] == [
        {
            "name": "podinfo",
            "downwardAPI": {"items": [{"path": "labels", "fieldRef": {"fieldPath": "metadata.labels"}}]},
        }
    ]


def test_fails_on_labels_field_as_env() -> None:
    with pytest.raises(
        pk.InvalidNameError, match=r"metadata.labels holds every label.*FieldRef.label\('KEY'\)"
    ):
        pk.EnvValue.from_field(pk.PodField.LABELS)


def test_fails_on_status_field_in_a_volume() -> None:
    with pytest.raises(pk.InvalidNameError, match=r"status.podIP is only available as an env var"):
        pk.Volume.downward_api("info", items={"ip": pk.PodField.POD_IP})


# P1: distinct ports across containers
def test_fails_on_two_containers_with_the_same_port(chart: pk.Chart) -> None:
    with pytest.raises(
        pk.DuplicateError,
        match=r"\[test/p\] podkit rule: containers 'nginx' and 'side' both declare port 80; .*own port",
    ):
        pk.SidecarPod(
            chart, "p", main=nginx(ports=[80]), sidecars=[pk.Container(name="side", image="x", ports=[80])]
        )


def test_native_sidecar_ports_conflict_too_but_init_containers_do_not(chart: pk.Chart) -> None:
    pod = pk.SidecarPod(chart, "p", main=nginx(ports=[80]))
    pod.add_init_container(pk.Container(name="warm", image="x", ports=[80]))  # exits before nginx listens
    with pytest.raises(pk.DuplicateError, match=r"containers 'nginx' and 'proxy' both declare port 80"):
        pod.add_native_sidecar(pk.Container(name="proxy", image="envoy", ports=[80]))


def test_fails_on_duplicate_container_names_including_init(chart: pk.Chart) -> None:
    with pytest.raises(pk.DuplicateError, match=r"\[test/p\] two containers are named 'nginx' .*rename one"):
        pk.SidecarPod(chart, "p", main=nginx(), init_containers=[nginx()])


def test_fails_on_a_mount_of_a_volume_the_pod_does_not_have(chart: pk.Chart) -> None:
    side = pk.Container(name="side", image="x")
    side.mount(pk.Volume.empty_dir("scratch"), at="/scratch")
    with pytest.raises(
        pk.MissingReferenceError,
        match=r"\[test/p\] container 'side' mounts volume 'scratch', which the pod does not have; add it with",
    ):
        pk.SidecarPod(chart, "p", main=nginx(), sidecars=[side])


def test_fails_on_two_different_volumes_with_one_name(chart: pk.Chart) -> None:
    pod = pk.SidecarPod(chart, "p", main=nginx())
    pod.add_volume(pk.Volume.empty_dir("data"))
    with pytest.raises(pk.DuplicateError, match=r"two different volumes are named 'data'"):
        pod.add_volume(pk.Volume.empty_dir("data"))


def test_fails_on_probes_on_init_containers(chart: pk.Chart) -> None:
    init = pk.Container(name="i", image="x", readiness=pk.Probe.exec(["true"]))
    with pytest.raises(pk.PodkitError, match=r"init container 'i' has probes.*add_native_sidecar"):
        pk.SidecarPod(chart, "p", main=nginx(), init_containers=[init])


def test_fails_on_an_invalid_pod_name(chart: pk.Chart) -> None:
    with pytest.raises(
        pk.InvalidNameError, match=r"\[test/Web_1\] Pod name 'Web_1' is not a valid DNS-1123 subdomain"
    ):
        pk.SidecarPod(chart, "Web_1", main=nginx())


def test_fails_on_invalid_labels(chart: pk.Chart) -> None:
    with pytest.raises(pk.InvalidNameError, match=r"\[test/p\] label 'app' has invalid value 'my app'"):
        pk.SidecarPod(chart, "p", main=nginx(), labels={"app": "my app"})
    with pytest.raises(pk.InvalidNameError, match=r"\[test/q\] label key 'bad key' is invalid"):
        pk.SidecarPod(chart, "q", main=nginx(), labels={"bad key": "x"})


def test_fails_on_duplicate_ids(chart: pk.Chart) -> None:
    pk.SidecarPod(chart, "p", main=nginx())
    with pytest.raises(
        pk.DuplicateError,
        match=r"\[test/p\] there is already a Pod with construct id 'p' in test; .*pick another id",
    ):
        pk.SidecarPod(chart, "p", main=nginx())


@pytest.mark.parametrize("chart_kind", ["podkit", "cdk8s"])
def test_fails_on_one_id_for_two_kinds_saying_how_to_keep_the_name(chart_kind: str) -> None:
    import cdk8s

    scope = pk.Chart(pk.App(), "shop") if chart_kind == "podkit" else cdk8s.Chart(cdk8s.App(), "shop")
    web = pk.Deployment(scope, "web", main=pk.Container(name="web", image="nginx:1.27", ports=[80]))
    with pytest.raises(pk.DuplicateError) as e:
        pk.Service(scope, "web", target=web, ports=web.main.ports)
    assert str(e.value) == (
        "[shop/web] there is already a Deployment with construct id 'web' in shop; Kubernetes allows one name "
        "for a Deployment and a Service, but construct ids must be unique in a scope whatever the kind: give "
        "this Service another id and keep the Kubernetes name with name='web' (e.g. Service(scope, "
        "'web-service', name='web', ...)), or let the Deployment make it: deployment.expose()"
    )
    # both ways work
    pk.Service(scope, "web-service", name="web", target=web, ports=web.main.ports)
    assert web.expose(id="web-svc2", name="web2").name == "web2"


def test_fails_at_synth_on_a_mount_added_after_joining_the_pod(chart: pk.Chart) -> None:
    main = nginx()
    pk.SidecarPod(chart, "p", main=main)
    main.mount(pk.Volume.empty_dir("late"), at="/late")
    with pytest.raises(
        pk.SynthError, match=r"\[test/p\] container 'nginx' mounts volume 'late', which the pod does not have"
    ):
        chart.to_json()


def test_warns_when_two_env_from_sources_give_the_same_key(chart: pk.Chart) -> None:
    cfg = pk.ConfigFromMap(chart, "cfg", from_literal={"DB_HOST": "db", "MODE": "prod"})
    sec = pk.SecretEnv(chart, "sec", from_literal={"DB_HOST": "hunter2-host"})
    pk.SidecarPod(chart, "p", main=nginx(env_from=[cfg, sec]))
    with pytest.warns(pk.EnvOverrideWarning) as record:
        chart.to_json()
    (warning,) = record
    assert str(warning.message) == (
        "[test/p] container 'nginx' gets env var 'DB_HOST' from both ConfigMap 'cfg' and Secret 'sec' "
        "(env_from): the later, Secret 'sec', wins and the value from ConfigMap 'cfg' is lost; rename the key "
        "in one of them, or give one a prefix (EnvFrom(source, prefix='...'))"
    )
    assert "hunter2" not in str(warning.message)


def test_the_env_override_warning_names_the_line_that_created_the_pod(chart: pk.Chart) -> None:
    cfg = pk.ConfigFromMap(chart, "cfg", from_literal={"DB_HOST": "db"})
    sec = pk.SecretEnv(chart, "sec", from_literal={"DB_HOST": "hunter2-host"})
    main = nginx(env_from=[cfg, sec])
    created = sys._getframe().f_lineno + 1
    pk.SidecarPod(chart, "p", main=main)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        chart.to_json()
    assert [(w.category, w.filename, w.lineno) for w in caught] == [
        (pk.EnvOverrideWarning, __file__, created)
    ]


def test_the_env_override_warning_can_be_made_an_error_by_category(chart: pk.Chart) -> None:
    cfg = pk.ConfigFromMap(chart, "cfg", from_literal={"DB_HOST": "db"})
    sec = pk.SecretEnv(chart, "sec", from_literal={"DB_HOST": "hunter2-host"})
    pk.SidecarPod(chart, "p", main=nginx(env_from=[cfg, sec]))
    with warnings.catch_warnings():
        warnings.simplefilter("error", pk.EnvOverrideWarning)
        with pytest.raises(
            pk.EnvOverrideWarning, match=r"^\[test/p\] container 'nginx' gets env var 'DB_HOST'"
        ):
            chart.to_json()


def test_no_warning_for_env_from_sources_kept_apart_by_a_prefix(chart: pk.Chart) -> None:
    cfg = pk.ConfigFromMap(chart, "cfg", from_literal={"DB_HOST": "db"})
    sec = pk.SecretEnv(chart, "sec", from_literal={"DB_HOST": "x"})
    pk.SidecarPod(chart, "p", main=nginx(env_from=[cfg, pk.EnvFrom(sec, prefix="SECRET_")]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        chart.to_json()


def test_fails_on_a_mount_path_clash_naming_pod_container_volumes_and_fix(chart: pk.Chart) -> None:
    pod = pk.SidecarPod(chart, "p", main=nginx())
    pod.mount(pk.Volume.empty_dir("cache"), at="/data")
    with pytest.raises(pk.DuplicateError) as e:
        pod.mount(pk.Volume.empty_dir("logs"), at="/data")
    assert str(e.value) == (
        "[test/p] container 'nginx' already mounts volume 'cache' at '/data', so volume 'logs' cannot be mounted "
        "there too; mount it at another path (at=...), or mount one volume with sub_path=... per file if both "
        "should appear under '/data'"
    )
    assert [v.name for v in pod.volumes] == ["cache"]


def test_a_keyword_typo_names_the_closest_parameter(chart: pk.Chart) -> None:
    with pytest.raises(pk.PodkitTypeError) as e:
        pk.Container(name="web", image="nginx:1.27", readyness=pk.Probe.exec(["true"]))  # type: ignore[call-arg]
    assert str(e.value).startswith(
        "Container() got an unexpected keyword argument 'readyness' (did you mean 'readiness'?)"
    )
    with pytest.raises(
        pk.PodkitTypeError,
        match=r"^Probe.http_get\(\) got .* 'perod_seconds' \(did you mean 'period_seconds'\?\)",
    ):
        pk.Probe.http_get("/", port=80, perod_seconds=5)  # type: ignore[call-arg]
    with pytest.raises(
        pk.PodkitTypeError,
        match=r"^\[test/p\] SidecarPod\(\) got .* 'host_networking' \(did you mean 'host_network'\?\)",
    ):
        pk.SidecarPod(chart, "p", main=nginx(), host_networking=True)  # type: ignore[call-arg]
    with pytest.raises(
        pk.PodkitTypeError, match=r"^Port\(\) got .* 'hostport' \(did you mean 'host_port'\?\)"
    ):
        pk.Port(80, hostport=8080)  # type: ignore[call-arg]
    # no close match: every parameter is listed
    with pytest.raises(
        pk.PodkitTypeError,
        match=r"^Port\(\) got an unexpected keyword argument 'zzz'; it takes: number, name, protocol, host_port$",
    ):
        pk.Port(80, zzz=1)  # type: ignore[call-arg]
    # a TypeError from inside a constructor is not mistaken for a typo
    with pytest.raises(pk.PodkitTypeError, match=r"ports takes a list"):
        pk.Container(name="web", image="nginx:1.27", ports=80)  # type: ignore[arg-type]
    assert chart.podkit_objects == []
