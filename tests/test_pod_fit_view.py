"""What a typed pod's rules read at the call (``AbstractPod._fit_spec``) is what it writes.

The pod-spec rules a typed pod asks at the call read a view built without ``None`` (no strip of
the whole render), and at synth a final spec that still holds that view is not asked those rules
again (``PassedPodSpec``). Both only hold if the view is exactly the written spec's fit view.
"""

from __future__ import annotations

from typing import Any

import cdk8s

import podkit as pk
from podkit import _checks
from podkit._pod import DNSConfig, DNSPolicy, HostAlias, OSName
from podkit._rules.core.pod import fit_meta, fit_view
from podkit.lifecycle import Lifecycle, LifecycleHandler
from podkit.scheduling import TaintEffect, Toleration
from podkit.security import Capabilities, PodSecurityContext, SeccompProfile, SecurityContext


def _busy_pod(chart: pk.Chart) -> pk.SidecarPod:
    cfg = pk.ConfigFromMap(chart, "cfg", from_literal={"mode": "prod"})
    main = pk.Container(
        name="app",
        image="registry.example.com/app:1.0",
        ports=[pk.Port(8080, name="http"), pk.Port(9090, protocol=pk.Protocol.UDP, host_port=9090)],
        env={"MODE": cfg.value("mode"), "POD": pk.EnvValue.from_field(pk.PodField.POD_NAME)},
        liveness=pk.Probe.http_get("/live", port="http", headers={"X-Probe": "1"}, period_seconds=5),
        readiness=pk.Probe.tcp_socket(port=8080),
        startup=pk.Probe.exec(["cat", "/tmp/ready"], failure_threshold=30),
        resources=pk.Resources(cpu_request="100m", memory_limit="128Mi"),
        security_context=SecurityContext(
            run_as_user=1000,
            allow_privilege_escalation=False,
            capabilities=Capabilities(drop=["ALL"]),
            seccomp_profile=SeccompProfile.runtime_default(),
        ),
        lifecycle=Lifecycle(pre_stop=LifecycleHandler.sleep(5)),
    )
    agent = pk.Container(name="agent", image="busybox:1.36", readiness=pk.Probe.exec(["true"]))
    init = pk.Container(name="init", image="busybox:1.36", command=["true"])
    pod = pk.SidecarPod(
        chart,
        "busy",
        main=main,
        native_sidecars=[agent],
        init_containers=[init],
        volumes=[pk.Volume.empty_dir("scratch", size_limit="1Gi")],
        labels={"team": "a"},
        annotations={"note": "x"},
        node_selector={"disktype": "ssd"},
        security_context=PodSecurityContext(run_as_non_root=True, fs_group=2000),
        tolerations=[Toleration.exists("dedicated", effect=TaintEffect.NO_SCHEDULE)],
        termination_grace_period_seconds=45,
        dns_policy=DNSPolicy.NONE,
        dns_config=DNSConfig(nameservers=["10.0.0.10"], options={"ndots": "2"}),
        host_aliases=[HostAlias("10.1.2.3", ["db.local"])],
        os=OSName.LINUX,
    )
    pod.mount(pk.Volume.empty_dir("logs"), at="/var/log/app")
    return pod


def _without_volumes(spec: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in spec.items() if k != "volumes"}


def test_the_view_asked_at_the_call_has_no_unset_field_and_is_the_written_fit_view(chart: pk.Chart) -> None:
    pod = _busy_pod(chart)
    view = pod._fit_spec()
    assert view == _checks.without_none(view)
    (doc,) = [d for d in cdk8s.Testing.synth(chart) if d["kind"] == "Pod"]
    assert fit_view(doc["spec"]) == _without_volumes(view)
    assert view["volumes"] == doc["spec"]["volumes"]
    # and what the rules passed at the call is what the synth compares (nothing changed since)
    passed = pod._passed_at_call()
    assert passed is not None
    assert (passed.where, passed.spec, passed.meta) == (
        "spec",
        fit_view(doc["spec"]),
        fit_meta(doc["metadata"]),
    )


def test_a_controllers_config_hash_does_not_make_its_passed_spec_look_changed(chart: pk.Chart) -> None:
    """A Deployment adds ``podkit.dev/config-hash`` to its pod template when it renders, after the
    call: no pod-spec rule reads it, so the synth-time check still finds the spec it passed
    (it asks the call's rules again only when a field they read changed)."""
    from podkit._rules._base import Report
    from podkit._rules.core.pod import _passed_at_call
    from podkit.workloads import Deployment

    cfg = pk.ConfigFromMap(chart, "cfg", from_literal={"mode": "prod"})
    web = Deployment(
        chart, "web", main=pk.Container(name="app", image="nginx:1.27", env={"M": cfg.value("mode")})
    )
    (doc,) = [d for d in cdk8s.Testing.synth(chart) if d["kind"] == "Deployment"]
    template = doc["spec"]["template"]
    assert "podkit.dev/config-hash" in template["metadata"]["annotations"]
    passed = web._passed_at_call()
    assert passed is not None
    report = Report("web", passed=passed)
    where, restart = "spec.template.spec", passed.restart
    assert _passed_at_call(report, template["spec"], where, restart, template["metadata"])
    # an annotation the rules do read is a change: asked again
    seccomp = {"seccomp.security.alpha.kubernetes.io/pod": "runtime/default"}
    meta = {**template["metadata"], "annotations": {**template["metadata"]["annotations"], **seccomp}}
    assert not _passed_at_call(report, template["spec"], where, restart, meta)
