"""Lifecycle hooks and termination messages on a container."""

from __future__ import annotations

import pytest

import podkit as pk
from podkit.errors import MissingReferenceError, PodkitError, PodkitTypeError
from podkit.lifecycle import Lifecycle, LifecycleHandler, TerminationMessagePolicy
from tests.k8s import synth


def test_hooks_render_exec_http_get_and_sleep(chart: pk.Chart) -> None:
    web = pk.Container(
        name="web",
        image="nginx:1.27",
        ports=[pk.Port(80, name="http")],
        lifecycle=Lifecycle(
            post_start=LifecycleHandler.http_get(
                "/warm", port="http", scheme=pk.Scheme.HTTPS, headers={"X-Warm": "1"}
            ),
            pre_stop=LifecycleHandler.sleep(5),
        ),
        termination_message_policy=TerminationMessagePolicy.FALLBACK_TO_LOGS_ON_ERROR,
        termination_message_path="/tmp/why",
    )
    sidecar = pk.Container(
        name="shipper",
        image="fluent/fluent-bit:3.0",
        lifecycle=Lifecycle(pre_stop=LifecycleHandler.exec(["sleep", "2"])),
    )
    pk.SidecarPod(chart, "web", main=web, sidecars=[sidecar])
    containers = synth(chart)[0]["spec"]["containers"]
    assert containers[0]["lifecycle"] == {
        "postStart": {
            "httpGet": {
                "path": "/warm",
                "port": "http",
                "scheme": "HTTPS",
                "httpHeaders": [{"name": "X-Warm", "value": "1"}],
            }
        },
        "preStop": {"sleep": {"seconds": 5}},
    }
    assert containers[0]["terminationMessagePolicy"] == "FallbackToLogsOnError"
    assert containers[0]["terminationMessagePath"] == "/tmp/why"
    assert containers[1]["lifecycle"] == {"preStop": {"exec": {"command": ["sleep", "2"]}}}


def test_unset_fields_are_not_rendered_and_can_be_cleared() -> None:
    c = pk.Container(name="web", image="nginx:1.27", lifecycle=Lifecycle(pre_stop=LifecycleHandler.sleep(1)))
    c.lifecycle = None
    assert c.render()["name"] == "web"
    assert "lifecycle" not in c.render()


def test_fails_on_hook_mistakes() -> None:
    with pytest.raises(PodkitError, match=r"Lifecycle\(\) sets nothing"):
        Lifecycle()
    with pytest.raises(PodkitTypeError, match=r"exec hook command must be a non-empty list of str"):
        LifecycleHandler.exec("nginx -s quit")
    with pytest.raises(PodkitError, match=r"sleep seconds -1 is negative"):
        LifecycleHandler.sleep(-1)
    with pytest.raises(PodkitTypeError, match=r"pre_stop must be a LifecycleHandler"):
        Lifecycle(pre_stop=5)  # type: ignore[arg-type]
    with pytest.raises(
        MissingReferenceError, match=r"preStop hook uses port 'admin', which the container does not declare"
    ):
        pk.Container(
            name="web",
            image="nginx:1.27",
            lifecycle=Lifecycle(pre_stop=LifecycleHandler.http_get(port="admin")),
        )
    with pytest.raises(PodkitTypeError, match=r"use TerminationMessagePolicy.FILE"):
        pk.Container(name="web", image="nginx:1.27", termination_message_policy="File")  # type: ignore[arg-type]
    with pytest.raises(pk.InvalidNameError, match=r"termination_message_path 'log' must be an absolute path"):
        pk.Container(name="web", image="nginx:1.27", termination_message_path="log")


def test_fails_when_pre_stop_sleep_outlasts_the_grace_period(chart: pk.Chart) -> None:
    slow = pk.Container(
        name="web", image="nginx:1.27", lifecycle=Lifecycle(pre_stop=LifecycleHandler.sleep(45))
    )
    with pytest.raises(PodkitError) as e:
        pk.SidecarPod(chart, "web", main=slow)
    assert str(e.value) == (
        "[test/web] container 'web' lifecycle.pre_stop.sleep.seconds: spec.containers[0].lifecycle.preStop"
        ".sleep.seconds 45 is invalid: use 0 to the pod's terminationGracePeriodSeconds (30)"
    )
    pod = pk.SidecarPod(chart, "web", main=slow, termination_grace_period_seconds=60)
    assert synth(chart)[0]["spec"]["terminationGracePeriodSeconds"] == 60
    # shortening the grace period below the sleep fails at the assignment
    with pytest.raises(PodkitError, match=r"sleep.seconds 45 is invalid: use 0 to the pod's .* \(40\)"):
        pod.termination_grace_period_seconds = 40
    assert pod.termination_grace_period_seconds == 60
