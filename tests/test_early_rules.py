"""One rule, two paths: a typed pod asks the API server's rules (``podkit._rules``) about what it
just built and raises at the call, naming the Python argument; a raw or patched object gets the
very same rule text at synth. No rule text lives only on the typed path.

Each case is a pod built with podkit (raises at the call) and the same pod spec written by hand
as a foreign ``cdk8s.ApiObject`` and as a patch of a valid podkit pod (reported at synth).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import cdk8s
import pytest

import podkit as pk
from podkit._pod import DNSPolicy, OSName
from podkit.errors import PodkitError
from podkit.lifecycle import Lifecycle, LifecycleHandler
from podkit.security import PodSecurityContext, SecurityContext


def nginx(**kwargs: Any) -> pk.Container:
    return pk.Container(name="web", image="nginx:1.27", **kwargs)


@dataclass(frozen=True)
class Case:
    id: str
    build: Callable[[pk.Chart], object]  # the typed call that must raise
    argument: str  # the Python argument the message names first
    spec: dict[str, Any]  # the same pod spec, by hand
    rule_text: str  # the rule's own message (JSON path at spec...)


CASES = [
    Case(
        "hostPID with shareProcessNamespace",
        lambda c: pk.SidecarPod(c, "p", main=nginx(), host_pid=True, share_process_namespace=True),
        "share_process_namespace",
        {
            "containers": [{"name": "web", "image": "nginx:1.27"}],
            "hostPID": True,
            "shareProcessNamespace": True,
        },
        "spec.shareProcessNamespace true cannot be combined with hostPID true: the containers either share the "
        "host's process namespace or one of their own; set one of them to false",
    ),
    Case(
        "dnsPolicy None without nameservers",
        lambda c: pk.SidecarPod(c, "p", main=nginx(), dns_policy=DNSPolicy.NONE),
        "dns_config",
        {"containers": [{"name": "web", "image": "nginx:1.27"}], "dnsPolicy": "None"},
        "spec.dnsConfig is missing: dnsPolicy None needs a dnsConfig with at least one nameserver",
    ),
    Case(
        "hostNetwork hostPort differs from containerPort",
        lambda c: pk.SidecarPod(c, "p", main=nginx(ports=[pk.Port(80, host_port=8080)]), host_network=True),
        "container 'web' ports[0].host_port",
        {
            "containers": [
                {"name": "web", "image": "nginx:1.27", "ports": [{"containerPort": 80, "hostPort": 8080}]}
            ],
            "hostNetwork": True,
        },
        "spec.containers[0].ports[0].hostPort 8080 must match containerPort 80 when hostNetwork is true: set "
        "hostPort to 80 or leave it out",
    ),
    Case(
        "preStop sleep longer than the grace period",
        lambda c: pk.SidecarPod(c, "p", main=nginx(lifecycle=Lifecycle(pre_stop=LifecycleHandler.sleep(45)))),
        "container 'web' lifecycle.pre_stop.sleep.seconds",
        {
            "containers": [
                {"name": "web", "image": "nginx:1.27", "lifecycle": {"preStop": {"sleep": {"seconds": 45}}}}
            ]
        },
        "spec.containers[0].lifecycle.preStop.sleep.seconds 45 is invalid: use 0 to the pod's "
        "terminationGracePeriodSeconds (30)",
    ),
    Case(
        "Linux-only pod field in a Windows pod",
        lambda c: pk.SidecarPod(
            c, "p", main=nginx(), os=OSName.WINDOWS, security_context=PodSecurityContext(fs_group=1000)
        ),
        "security_context.fs_group",
        {
            "containers": [{"name": "web", "image": "nginx:1.27"}],
            "os": {"name": "windows"},
            "securityContext": {"fsGroup": 1000},
        },
        "spec.securityContext.fsGroup cannot be set for a windows pod (spec.os.name is windows): remove it",
    ),
    Case(
        "Linux-only container field in a Windows pod",
        lambda c: pk.SidecarPod(
            c, "p", main=nginx(security_context=SecurityContext(run_as_user=1000)), os=OSName.WINDOWS
        ),
        "container 'web' security_context.run_as_user",
        {
            "containers": [{"name": "web", "image": "nginx:1.27", "securityContext": {"runAsUser": 1000}}],
            "os": {"name": "windows"},
        },
        "spec.containers[0].securityContext.runAsUser cannot be set for a windows pod (spec.os.name is "
        "windows): remove it",
    ),
    Case(
        "a hostPort used twice across containers",
        lambda c: pk.SidecarPod(
            c,
            "p",
            main=nginx(ports=[pk.Port(80, host_port=8080)]),
            sidecars=[
                pk.Container(
                    name="proxy", image="envoyproxy/envoy:v1.31", ports=[pk.Port(81, host_port=8080)]
                )
            ],
        ),
        "container 'proxy' ports[0].host_port",
        {
            "containers": [
                {"name": "web", "image": "nginx:1.27", "ports": [{"containerPort": 80, "hostPort": 8080}]},
                {
                    "name": "proxy",
                    "image": "envoyproxy/envoy:v1.31",
                    "ports": [{"containerPort": 81, "hostPort": 8080}],
                },
            ]
        },
        "",  # filled in from the rule itself below (its wording belongs to _rules)
    ),
    Case(
        "a liveness successThreshold other than 1",
        lambda c: pk.SidecarPod(
            c, "p", main=nginx(ports=[80], liveness=pk.Probe.http_get("/", port=80, success_threshold=2))
        ),
        "container 'web' liveness.success_threshold",
        {
            "containers": [
                {
                    "name": "web",
                    "image": "nginx:1.27",
                    "ports": [{"containerPort": 80}],
                    "livenessProbe": {"httpGet": {"path": "/", "port": 80}, "successThreshold": 2},
                }
            ]
        },
        "spec.containers[0].livenessProbe.successThreshold 2 is invalid for a livenessProbe: it must be 1 "
        "(remove it)",
    ),
]


def _raw_messages(chart: pk.Chart, spec: dict[str, Any]) -> list[str]:
    cdk8s.ApiObject(chart, "raw", api_version="v1", kind="Pod", metadata=cdk8s.ApiObjectMetadata(name="raw"))
    cdk8s.ApiObject.of(chart.node.find_child("raw")).add_json_patch(cdk8s.JsonPatch.add("/spec", spec))
    with pytest.raises(pk.SynthError) as e:
        cdk8s.Testing.synth(chart)
    return [p.message for p in e.value.problems]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_a_typed_pod_raises_at_the_call_with_the_rule_text_a_raw_pod_gets_at_synth(
    case: Case, chart: pk.Chart
) -> None:
    raw = _raw_messages(chart, case.spec)
    assert len(raw) == 1, raw
    if case.rule_text:
        assert raw == [case.rule_text]
    other = pk.Chart(pk.App(), "typed")
    with pytest.raises(PodkitError) as e:
        case.build(other)
    # the argument, then the rule's own text, word for word
    assert str(e.value) == f"[typed/p] {case.argument}: {raw[0]}"
    # nothing was left behind in the chart
    assert other.podkit_objects == []


@pytest.mark.parametrize("case", CASES[:4], ids=[c.id for c in CASES[:4]])
def test_a_patched_podkit_pod_gets_the_same_text_at_synth(case: Case, chart: pk.Chart) -> None:
    pod = pk.SidecarPod(chart, "p", main=nginx())
    cdk8s.ApiObject.of(pod).add_json_patch(cdk8s.JsonPatch.replace("/spec", case.spec))
    with pytest.raises(pk.SynthError) as e:
        cdk8s.Testing.synth(chart)
    assert [p.message for p in e.value.problems] == [case.rule_text]


def test_a_controller_names_its_template_fields(chart: pk.Chart) -> None:
    with pytest.raises(PodkitError) as e:
        pk.Deployment(chart, "web", main=nginx(), host_pid=True, share_process_namespace=True)
    assert str(e.value).startswith(
        "[test/web] share_process_namespace: spec.template.spec.shareProcessNamespace true cannot be combined"
    )
    with pytest.raises(PodkitError) as e:
        pk.CronJob(
            chart,
            "nightly",
            schedule="0 3 * * *",
            main=nginx(ports=[pk.Port(80, host_port=81)]),
            host_network=True,
        )
    assert str(e.value).startswith(
        "[test/nightly] container 'web' ports[0].host_port: spec.jobTemplate.spec.template.spec.containers[0]"
        ".ports[0].hostPort 81 must match containerPort 80"
    )
    # a native sidecar is named as such
    agent = pk.Container(name="agent", image="busybox:1.36", security_context=SecurityContext(run_as_user=1))
    with pytest.raises(
        PodkitError,
        match=r"^\[test/agent\] native sidecar 'agent' security_context.run_as_user: spec.template",
    ):
        pk.Deployment(chart, "agent", main=nginx(), native_sidecars=[agent], os=OSName.WINDOWS)


def test_a_later_change_that_creates_a_problem_fails_at_once_and_is_not_kept(chart: pk.Chart) -> None:
    pod = pk.SidecarPod(chart, "p", main=nginx(ports=[pk.Port(80, host_port=8080)]))
    with pytest.raises(PodkitError, match=r"^\[test/p\] container 'proxy' ports\[0\].host_port: "):
        pod.add_sidecar(pk.Container(name="proxy", image="busybox:1.36", ports=[pk.Port(81, host_port=8080)]))
    assert [c.name for c in pod.containers] == ["web"]
    with pytest.raises(PodkitError, match=r"^\[test/p\] share_process_namespace: "):
        pod.host_pid = True
        pod.share_process_namespace = True
    assert pod.host_pid is True and pod.share_process_namespace is None
    pod.host_pid = None
    pod.share_process_namespace = True
    assert cdk8s.Testing.synth(chart)[0]["spec"]["shareProcessNamespace"] is True


def test_a_problem_that_was_there_does_not_block_an_unrelated_change(chart: pk.Chart) -> None:
    # a container changed after it joined (a value) is checked at synth; other changes still work
    main = nginx()
    pod = pk.SidecarPod(chart, "p", main=main, os=OSName.WINDOWS)
    main.security_context = SecurityContext(run_as_user=1000)
    pod.hostname = "box"
    with pytest.raises(pk.SynthError, match=r"runAsUser cannot be set for a windows pod"):
        cdk8s.Testing.synth(chart)


def test_the_stricter_podkit_rules_say_so(chart: pk.Chart) -> None:
    with pytest.raises(PodkitError, match=r"^\[container 'web'\] podkit rule: liveness probe uses port 81"):
        nginx(ports=[80], liveness=pk.Probe.http_get("/", port=81))
    with pytest.raises(PodkitError, match=r"^\[container 'web'\] podkit rule: image 'nginx latest' is not"):
        pk.Container(name="web", image="nginx latest")
    with pytest.raises(PodkitError, match=r"^\[container 'web'\] podkit rule: mount path 'data' must be"):
        nginx().mount(pk.Volume.empty_dir("data"), at="data")
    with pytest.raises(PodkitError, match=r"^\[test/p\] podkit rule: containers 'web' and 'b' both declare"):
        pk.SidecarPod(
            chart, "p", main=nginx(ports=[80]), sidecars=[pk.Container(name="b", image="b:1", ports=[80])]
        )
    # the API server accepts each of these on a raw object
    spec = {
        "containers": [
            {
                "name": "web",
                "image": "nginx latest",
                "volumeMounts": [{"name": "data", "mountPath": "data"}],
                "livenessProbe": {"httpGet": {"path": "/", "port": 81}},
            },
            {"name": "b", "image": "b:1"},
        ],
        "volumes": [{"name": "data", "emptyDir": {}}],
    }
    cdk8s.ApiObject(chart, "raw", api_version="v1", kind="Pod", metadata=cdk8s.ApiObjectMetadata(name="raw"))
    cdk8s.ApiObject.of(chart.node.find_child("raw")).add_json_patch(cdk8s.JsonPatch.add("/spec", spec))
    assert cdk8s.Testing.synth(chart)[0]["spec"] == spec


def test_a_pod_unchanged_since_the_call_is_not_asked_the_same_rules_at_synth(
    chart: pk.Chart, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the rules asked at the call (here: the security ones) run again at synth only for a pod
    # whose spec or metadata changed since they passed; its volumes and each container's own
    # fields are asked at synth in every case
    from podkit._rules.core import pod as pod_rules
    from podkit._rules.core.security import check_security as real

    asked: list[str] = []

    def spy(r: Any, spec: Any, meta: Any, where: str) -> None:
        asked.append(r.path)
        real(r, spec, meta, where)

    monkeypatch.setattr(pod_rules, "check_security", spy)
    same = pk.SidecarPod(chart, "same", main=nginx())
    same.mount(pk.Volume.empty_dir("data"), at="/data")
    labelled = pk.SidecarPod(chart, "labelled", main=nginx())
    labelled.add_label("team", "a")
    main = nginx()
    pk.SidecarPod(chart, "changed", main=main)
    main.lifecycle = Lifecycle(pre_stop=LifecycleHandler.sleep(60))  # longer than the 30 s grace
    patched = pk.SidecarPod(chart, "patched", main=nginx())
    cdk8s.ApiObject.of(patched).add_json_patch(cdk8s.JsonPatch.add("/spec/hostPID", True))
    assert asked == ["test/same", "test/labelled", "test/changed", "test/patched"]
    asked.clear()
    with pytest.raises(pk.SynthError) as e:
        cdk8s.Testing.synth(chart)
    assert asked == ["test/labelled", "test/changed", "test/patched"]
    assert [(p.path, p.field) for p in e.value.problems] == [
        ("test/changed", "spec.containers[0].lifecycle.preStop.sleep.seconds")
    ]
