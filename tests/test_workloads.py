"""Workloads: Deployment, StatefulSet, DaemonSet, Job, CronJob over one pod definition.

Small outputs exactly, the full set by snapshot; every error pinned by ``test_fails_*``;
every synth below also runs the strict schema and API-server checks.
"""

from __future__ import annotations

import importlib.metadata
import sys
import tomllib
import zoneinfo
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import cdk8s
import pytest
from syrupy.assertion import SnapshotAssertion

import podkit as pk
from podkit import workloads
from podkit._rules import batch as _batch_rules
from podkit.namespace import ServiceAccount
from podkit.service import ServicePort
from podkit.storage import AccessMode
from podkit.workloads import (
    ConcurrencyPolicy,
    CronJob,
    DaemonSet,
    DaemonSetUpdateStrategy,
    Deployment,
    DeploymentStrategy,
    Job,
    PodManagementPolicy,
    StatefulSet,
    StatefulSetUpdateStrategy,
    VolumeClaimTemplate,
)
from tests.k8s import by_name, synth

SELECT_WEB = {"app.kubernetes.io/name": "web", "podkit.dev/controller": "deployment"}


def web(**kw: Any) -> pk.Container:
    return pk.Container(name="web", image="nginx:1.27", **kw)


def task() -> pk.Container:
    return pk.Container(name="task", image="busybox:1.36", command=["sh", "-c", "echo hello"])


# -- Deployment --------------------------------------------------------------------------------
def test_deployment_minimal_exact(chart: pk.Chart) -> None:
    Deployment(chart, "web", main=web())
    assert synth(chart) == [
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "web"},
            "spec": {
                "selector": {"matchLabels": SELECT_WEB},
                "template": {
                    "metadata": {"labels": SELECT_WEB},
                    "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]},
                },
            },
        }
    ]


def test_deployment_settings_exact(chart: pk.Chart) -> None:
    Deployment(
        chart,
        "web",
        main=web(),
        replicas=3,
        strategy=DeploymentStrategy.rolling_update(max_surge="50%", max_unavailable=0),
        revision_history_limit=5,
        min_ready_seconds=10,
        pod_labels={"tier": "front"},
        pod_annotations={"team": "web"},
        labels={"app": "web"},
    )
    (obj,) = synth(chart)
    assert obj["metadata"] == {"name": "web", "labels": {"app": "web"}}
    spec = obj["spec"]
    assert {k: v for k, v in spec.items() if k != "template"} == {
        "replicas": 3,
        "selector": {"matchLabels": SELECT_WEB},
        "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "50%", "maxUnavailable": 0}},
        "revisionHistoryLimit": 5,
        "minReadySeconds": 10,
    }
    assert spec["template"]["metadata"] == {
        "labels": {**SELECT_WEB, "tier": "front"},
        "annotations": {"team": "web"},
    }


def test_recreate_strategy(chart: pk.Chart) -> None:
    Deployment(chart, "web", main=web(), strategy=DeploymentStrategy.recreate())
    assert synth(chart)[0]["spec"]["strategy"] == {"type": "Recreate"}


def test_selector_does_not_follow_user_labels(chart: pk.Chart) -> None:
    # the selector is immutable in the cluster: editing labels must never change it
    a = Deployment(chart, "web", main=web(), labels={"v": "1"}, pod_labels={"v": "1"})
    assert a.selector_labels == SELECT_WEB
    a.add_pod_label("v2", "x")
    a.add_label("other", "y")
    assert a.selector_labels == SELECT_WEB
    assert synth(chart)[0]["spec"]["selector"] == {"matchLabels": SELECT_WEB}


def test_service_account_object_and_pod_settings_shared_with_pods(chart: pk.Chart) -> None:
    sa = ServiceAccount(chart, "web-sa")
    cache = pk.Volume.empty_dir("cache")
    d = Deployment(chart, "web", main=web(), service_account=sa, node_selector={"disk": "ssd"})
    d.mount(cache, at="/cache")
    d.add_native_sidecar(pk.Container(name="proxy", image="envoyproxy/envoy:v1.31.0"))
    spec = by_name(synth(chart), "web", "Deployment")["spec"]["template"]["spec"]
    assert spec["serviceAccountName"] == "web-sa"
    assert spec["nodeSelector"] == {"disk": "ssd"}
    assert spec["volumes"] == [{"name": "cache", "emptyDir": {}}]
    assert spec["initContainers"] == [
        {"name": "proxy", "image": "envoyproxy/envoy:v1.31.0", "restartPolicy": "Always"}
    ]


def test_pod_checks_hold_for_workloads(chart: pk.Chart) -> None:
    # one pod definition: SidecarPod's checks hold for a Deployment too
    with pytest.raises(pk.DuplicateError, match=r"both declare port 80"):
        Deployment(
            chart, "web", main=web(ports=[80]), sidecars=[pk.Container(name="b", image="b:1", ports=[80])]
        )


# -- config changes roll out -------------------------------------------------------------------
def _template_of(app: pk.App, chart_id: str, value: str, other: str = "x") -> dict[str, Any]:
    chart = pk.Chart(app, chart_id)
    cfg = pk.ConfigFromMap(chart, "cfg", from_literal={"mode": value})
    pk.ConfigFromMap(chart, "unrelated", from_literal={"mode": other})
    Deployment(chart, "web", main=web(env_from=[cfg]))
    return dict(by_name(synth(chart), "web", "Deployment")["spec"]["template"])


def test_changing_a_consumed_config_map_changes_the_template(app: pk.App) -> None:
    before = _template_of(app, "a", "dev")
    after = _template_of(app, "b", "prod")
    assert (
        before["metadata"]["annotations"]["podkit.dev/config-hash"]
        != after["metadata"]["annotations"]["podkit.dev/config-hash"]
    )
    assert len(before["metadata"]["annotations"]["podkit.dev/config-hash"]) == 64


def test_changing_an_unrelated_config_map_does_not(app: pk.App) -> None:
    assert _template_of(app, "a", "dev", other="1") == _template_of(app, "b", "dev", other="2")


def test_secret_env_and_volume_sources_count(chart: pk.Chart) -> None:
    secret = pk.SecretEnv(chart, "db", from_literal={"password": "s3cret"})
    cfg = pk.ConfigFromMap(chart, "files", from_literal={"a.conf": "x"})
    d = Deployment(chart, "web", main=web(env={"PW": secret.value("password")}))
    d.mount(pk.Volume.from_config_map(cfg), at="/etc/app")
    first = d.config_hash()
    secret.add_literal("user", "admin")
    assert d.config_hash() != first
    cfg.add_literal("b.conf", "y")
    assert d.config_hash() not in (first, None)


def test_references_contribute_name_and_keys_only(chart: pk.Chart) -> None:
    ref = pk.SecretEnv.from_name("external", keys=["token"])
    d = Deployment(chart, "web", main=web(env={"T": ref.value("token")}))
    other = Deployment(
        chart, "web2", main=web(env={"T": pk.SecretEnv.from_name("external", keys=["token"]).value("token")})
    )
    assert d.config_hash() == other.config_hash() is not None


def test_no_sources_no_annotation_and_opt_out(chart: pk.Chart) -> None:
    cfg = pk.ConfigFromMap(chart, "cfg", from_literal={"a": "1"})
    Deployment(chart, "plain", main=web())
    Deployment(chart, "off", main=web(env_from=[cfg]), rollout_on_config_change=False)
    objs = synth(chart)
    assert "annotations" not in by_name(objs, "plain", "Deployment")["spec"]["template"]["metadata"]
    assert "annotations" not in by_name(objs, "off", "Deployment")["spec"]["template"]["metadata"]


def test_content_hash_names_remain_available(chart: pk.Chart) -> None:
    cfg = pk.ConfigFromMap(chart, "cfg", from_literal={"a": "1"}, content_hash=True)
    Deployment(chart, "web", main=web(env_from=[cfg]), rollout_on_config_change=False)
    objs = synth(chart)
    ref = by_name(objs, "web", "Deployment")["spec"]["template"]["spec"]["containers"][0]["envFrom"]
    assert ref == [{"configMapRef": {"name": cfg.name}}]
    assert cfg.name.startswith("cfg-") and objs[0]["metadata"]["name"] == cfg.name


# -- StatefulSet -------------------------------------------------------------------------------
def test_stateful_set_creates_its_headless_service(chart: pk.Chart) -> None:
    db = StatefulSet(
        chart, "db", main=pk.Container(name="pg", image="postgres:16", ports=[pk.Port(5432, name="pg")])
    )
    sel = {"app.kubernetes.io/name": "db", "podkit.dev/controller": "statefulset"}
    objs = synth(chart)
    assert by_name(objs, "db-headless") == {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "db-headless"},
        "spec": {
            "clusterIP": "None",
            "selector": sel,
            "ports": [{"name": "pg", "port": 5432, "targetPort": "pg"}],
        },
    }
    assert by_name(objs, "db", "StatefulSet")["spec"]["serviceName"] == "db-headless" == db.service.name


def test_stateful_set_settings_and_own_service(chart: pk.Chart) -> None:
    pg = pk.Port(5432, name="pg")
    claim = VolumeClaimTemplate(
        "data", "10Gi", access_modes=[AccessMode.READ_WRITE_ONCE_POD], storage_class="fast"
    )
    db = StatefulSet(
        chart,
        "db",
        main=pk.Container(name="pg", image="postgres:16", ports=[pg]),
        replicas=3,
        pod_management_policy=PodManagementPolicy.PARALLEL,
        volume_claim_templates=[claim],
        update_strategy=StatefulSetUpdateStrategy.rolling_update(partition=1),
        revision_history_limit=2,
        min_ready_seconds=5,
    )
    assert [o["metadata"]["name"] for o in synth(chart)] == ["db", "db-headless"]
    spec = db.render()[0]["spec"]
    assert {k: v for k, v in spec.items() if k not in ("template", "selector")} == {
        "serviceName": "db-headless",
        "replicas": 3,
        "podManagementPolicy": "Parallel",
        "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 1}},
        "revisionHistoryLimit": 2,
        "minReadySeconds": 5,
        "volumeClaimTemplates": [
            {
                "metadata": {"name": "data"},
                "spec": {
                    "accessModes": ["ReadWriteOncePod"],
                    "storageClassName": "fast",
                    "resources": {"requests": {"storage": "10Gi"}},
                },
            }
        ],
    }


def test_stateful_set_takes_a_service_object(app: pk.App) -> None:
    chart = pk.Chart(app, "c")
    pg = pk.Port(5432, name="pg")
    db = StatefulSet(chart, "db", main=pk.Container(name="pg", image="postgres:16", ports=[pg]), service=None)
    own = StatefulSet(
        chart, "db2", main=pk.Container(name="pg", image="postgres:16", ports=[pg]), service=db.service
    )
    assert own.service is db.service
    assert by_name(synth(chart), "db2", "StatefulSet")["spec"]["serviceName"] == "db-headless"


def test_claim_template_mount_renders_without_a_pod_volume(chart: pk.Chart) -> None:
    data = VolumeClaimTemplate("data", "1Gi")
    db = StatefulSet(
        chart, "db", main=pk.Container(name="pg", image="postgres:16"), volume_claim_templates=[data]
    )
    db.mount(data.volume, at="/var/lib/postgresql/data")
    tspec = db.render()[0]["spec"]["template"]["spec"]
    assert "volumes" not in tspec
    assert tspec["containers"][0]["volumeMounts"] == [
        {"name": "data", "mountPath": "/var/lib/postgresql/data"}
    ]


def test_claim_template_mount_synthesizes(chart: pk.Chart) -> None:
    data = VolumeClaimTemplate("data", "1Gi")
    db = StatefulSet(
        chart, "db", main=pk.Container(name="pg", image="postgres:16"), volume_claim_templates=[data]
    )
    db.mount(data.volume, at="/data")
    synth(chart)


# -- DaemonSet, Job, CronJob -------------------------------------------------------------------
def test_daemon_set_exact(chart: pk.Chart) -> None:
    DaemonSet(
        chart,
        "agent",
        main=task(),
        update_strategy=DaemonSetUpdateStrategy.rolling_update(max_unavailable="10%"),
        node_selector={"kubernetes.io/os": "linux"},
    )
    sel = {"app.kubernetes.io/name": "agent", "podkit.dev/controller": "daemonset"}
    assert synth(chart)[0]["spec"] == {
        "selector": {"matchLabels": sel},
        "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "10%"}},
        "template": {
            "metadata": {"labels": sel},
            "spec": {
                "containers": [
                    {"name": "task", "image": "busybox:1.36", "command": ["sh", "-c", "echo hello"]}
                ],
                "nodeSelector": {"kubernetes.io/os": "linux"},
            },
        },
    }


def test_daemon_set_on_delete(chart: pk.Chart) -> None:
    DaemonSet(chart, "agent", main=task(), update_strategy=DaemonSetUpdateStrategy.on_delete())
    assert synth(chart)[0]["spec"]["updateStrategy"] == {"type": "OnDelete"}


def test_job_exact_with_visible_never_default(chart: pk.Chart) -> None:
    Job(chart, "migrate", main=task(), completions=1, parallelism=1, backoff_limit=2,
        active_deadline_seconds=600, ttl_seconds_after_finished=3600)  # fmt: skip
    sel = {"app.kubernetes.io/name": "migrate", "podkit.dev/controller": "job"}
    assert synth(chart)[0] == {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": "migrate"},
        "spec": {
            "completions": 1,
            "parallelism": 1,
            "backoffLimit": 2,
            "activeDeadlineSeconds": 600,
            "ttlSecondsAfterFinished": 3600,
            "template": {
                "metadata": {"labels": sel},
                "spec": {
                    "containers": [
                        {"name": "task", "image": "busybox:1.36", "command": ["sh", "-c", "echo hello"]}
                    ],
                    "restartPolicy": "Never",
                },
            },
        },
    }


def test_job_on_failure(chart: pk.Chart) -> None:
    Job(chart, "j", main=task(), restart_policy=pk.RestartPolicy.ON_FAILURE)
    assert synth(chart)[0]["spec"]["template"]["spec"]["restartPolicy"] == "OnFailure"


def test_cron_job_exact(chart: pk.Chart) -> None:
    CronJob(
        chart,
        "nightly",
        schedule="30 2 * * MON-FRI",
        time_zone="Europe/Paris",
        concurrency_policy=ConcurrencyPolicy.FORBID,
        suspend=False,
        successful_jobs_history_limit=1,
        failed_jobs_history_limit=2,
        starting_deadline_seconds=300,
        backoff_limit=0,
        main=task(),
    )
    sel = {"app.kubernetes.io/name": "nightly", "podkit.dev/controller": "cronjob"}
    assert synth(chart)[0]["spec"] == {
        "schedule": "30 2 * * MON-FRI",
        "timeZone": "Europe/Paris",
        "concurrencyPolicy": "Forbid",
        "suspend": False,
        "successfulJobsHistoryLimit": 1,
        "failedJobsHistoryLimit": 2,
        "startingDeadlineSeconds": 300,
        "jobTemplate": {
            "spec": {
                "backoffLimit": 0,
                "template": {
                    "metadata": {"labels": sel},
                    "spec": {
                        "containers": [
                            {"name": "task", "image": "busybox:1.36", "command": ["sh", "-c", "echo hello"]}
                        ],
                        "restartPolicy": "Never",
                    },
                },
            }
        },
    }


@pytest.mark.parametrize(
    "schedule",
    ["*/15 9-17 * * 1-5", "0 0 1,15 * *", "@hourly", "@daily", "0 12 * JAN,JUL sun", "5-55/10 * ? * *"],
)
def test_cron_schedules_accepted(chart: pk.Chart, schedule: str) -> None:
    CronJob(chart, "c", schedule=schedule, main=task())
    assert synth(chart)[0]["spec"]["schedule"] == schedule


def test_every_kind_snapshot(chart: pk.Chart, snapshot_yaml: SnapshotAssertion) -> None:
    cfg = pk.ConfigFromMap(chart, "web-config", from_literal={"MODE": "prod"})
    http = pk.Port(8080, name="http")
    d = Deployment(chart, "web", main=web(ports=[http], env_from=[cfg]), replicas=2)
    d.expose(ports=[ServicePort(http, port=80)])
    data = VolumeClaimTemplate("data", "1Gi")
    StatefulSet(chart, "db", main=pk.Container(name="pg", image="postgres:16", ports=[pk.Port(5432, name="pg")]),
                volume_claim_templates=[data])  # fmt: skip
    DaemonSet(chart, "agent", main=task())
    Job(chart, "migrate", main=task())
    CronJob(chart, "nightly", schedule="@daily", main=task())
    assert synth(chart) == snapshot_yaml


@pytest.mark.parametrize("kind", ["podkit", "cdk8s", "testing"])
def test_works_in_any_chart(kind: str) -> None:
    chart: cdk8s.Chart
    if kind == "testing":
        chart = cdk8s.Testing.chart()
    else:
        app = cdk8s.App()
        chart = pk.Chart(app, "c") if kind == "podkit" else cdk8s.Chart(app, "c")
    cfg = pk.ConfigFromMap(chart, "cfg", from_literal={"a": "1"})
    http = pk.Port(80, name="http")
    d = Deployment(chart, "web", main=web(ports=[http], env_from=[cfg]))
    d.expose()
    CronJob(chart, "cron", schedule="@hourly", main=task())
    StatefulSet(chart, "db", main=pk.Container(name="pg", image="postgres:16", ports=[pk.Port(5432)]))
    objs = synth(chart)
    assert [(o["kind"], o["metadata"]["name"]) for o in objs] == [
        ("ConfigMap", "cfg"),
        ("Deployment", "web"),
        ("Service", "web"),
        ("CronJob", "cron"),
        ("StatefulSet", "db"),
        ("Service", "db-headless"),
    ]
    assert cdk8s.ApiObject.of(d).kind == "Deployment"


# -- failures ----------------------------------------------------------------------------------
def test_fails_pod_label_overriding_a_selector_label(chart: pk.Chart) -> None:
    with pytest.raises(pk.PodkitError, match=r"\[test/web\] pod label 'app.kubernetes.io/name'='api' would change "
                       r"selector label app.kubernetes.io/name='web'; selectors are immutable"):  # fmt: skip
        Deployment(chart, "web", main=web(), pod_labels={"app.kubernetes.io/name": "api"})
    d = Deployment(chart, "web2", main=web())
    with pytest.raises(pk.PodkitError, match=r"would change selector label podkit.dev/controller"):
        d.add_pod_label("podkit.dev/controller", "x")


def test_fails_pod_annotation_on_the_hash_key(chart: pk.Chart) -> None:
    with pytest.raises(
        pk.PodkitError, match=r"pod annotation 'podkit.dev/config-hash' is podkit's config hash"
    ):
        Deployment(chart, "web", main=web(), pod_annotations={"podkit.dev/config-hash": "x"})


def test_fails_name_too_long_for_a_selector(chart: pk.Chart) -> None:
    with pytest.raises(pk.InvalidNameError, match=r"Deployment name 'a{64}' is 64 characters; .* at most 63"):
        Deployment(chart, "a" * 64, main=web())


@pytest.mark.parametrize(
    ("kw", "error", "message"),
    [
        ({"replicas": -1}, pk.PodkitError, r"replicas is -1; expected an int >= 0"),
        ({"replicas": "3"}, pk.PodkitTypeError, r"replicas must be an int, got str '3'"),
        ({"replicas": True}, pk.PodkitTypeError, r"replicas must be an int, got bool True"),
        ({"min_ready_seconds": -5}, pk.PodkitError, r"min_ready_seconds is -5"),
        ({"revision_history_limit": 1.5}, pk.PodkitTypeError, r"revision_history_limit must be an int"),
        ({"strategy": "Recreate"}, pk.PodkitTypeError, r"strategy must be a DeploymentStrategy"),
        ({"rollout_on_config_change": "yes"}, pk.PodkitTypeError, r"rollout_on_config_change must be a bool"),
    ],
)
def test_fails_deployment_settings(chart: pk.Chart, kw: dict[str, Any], error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        Deployment(chart, "web", main=web(), **kw)


@pytest.mark.parametrize(
    ("kw", "error", "message"),
    [
        ({"max_surge": "150%"}, pk.PodkitError, r"max_surge '150%' is not a percentage; expected 0%..100%"),
        ({"max_surge": "25"}, pk.PodkitError, r"max_surge '25' is not a percentage"),
        ({"max_unavailable": -1}, pk.PodkitError, r"max_unavailable is -1; expected an int >= 0"),
        ({"max_unavailable": 0.5}, pk.PodkitTypeError, r"max_unavailable must be an int or a percentage str"),
        (
            {"max_surge": 0, "max_unavailable": "0%"},
            pk.PodkitError,
            r"both 0, so a rollout could never progress",
        ),
    ],
)
def test_fails_rolling_update(kw: dict[str, Any], error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        DeploymentStrategy.rolling_update(**kw)


def test_fails_other_update_strategies() -> None:
    with pytest.raises(pk.PodkitError, match=r"max_unavailable is 0, so a rollout could never progress"):
        StatefulSetUpdateStrategy.rolling_update(max_unavailable=0)
    with pytest.raises(pk.PodkitError, match=r"partition is -1"):
        StatefulSetUpdateStrategy.rolling_update(partition=-1)
    with pytest.raises(pk.PodkitError, match=r"max_unavailable is 0 and max_surge is 0 or unset"):
        DaemonSetUpdateStrategy.rolling_update(max_unavailable=0)


def test_fails_wrong_strategy_type(chart: pk.Chart) -> None:
    with pytest.raises(pk.PodkitTypeError, match=r"update_strategy must be a DaemonSetUpdateStrategy"):
        DaemonSet(chart, "a", main=task(), update_strategy=StatefulSetUpdateStrategy.on_delete())  # type: ignore[arg-type]
    with pytest.raises(pk.PodkitTypeError, match=r"update_strategy must be a StatefulSetUpdateStrategy"):
        StatefulSet(chart, "b", main=task(), update_strategy=DaemonSetUpdateStrategy.on_delete())  # type: ignore[arg-type]


def test_fails_enum_given_a_str_names_the_member(chart: pk.Chart) -> None:
    with pytest.raises(pk.PodkitTypeError, match=r"pod_management_policy must be a PodManagementPolicy .* got "
                       r"'Parallel': use PodManagementPolicy.PARALLEL"):  # fmt: skip
        StatefulSet(chart, "db", main=task(), pod_management_policy="Parallel")  # type: ignore[arg-type]
    with pytest.raises(pk.PodkitTypeError, match=r"got 'Forbid': use ConcurrencyPolicy.FORBID"):
        CronJob(chart, "c", schedule="@daily", main=task(), concurrency_policy="Forbid")  # type: ignore[arg-type]
    with pytest.raises(pk.PodkitTypeError, match=r"restart_policy must be a RestartPolicy .* got 'Never': use "
                       r"RestartPolicy.NEVER"):  # fmt: skip
        Job(chart, "j", main=task(), restart_policy="Never")  # type: ignore[arg-type]


def test_fails_job_restart_policy_always_or_none(chart: pk.Chart) -> None:
    with pytest.raises(pk.PodkitError, match=r"\[test/j\] restart_policy RestartPolicy.ALWAYS is not allowed for a "
                       r"Job: a Job's pods must end, so Kubernetes requires restart_policy OnFailure or Never"):  # fmt: skip
        Job(chart, "j", main=task(), restart_policy=pk.RestartPolicy.ALWAYS)
    with pytest.raises(pk.PodkitError, match=r"restart_policy None is not allowed for a CronJob"):
        CronJob(chart, "c", schedule="@daily", main=task(), restart_policy=None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"completions": -1}, r"completions is -1; expected an int >= 0"),
        ({"parallelism": -1}, r"parallelism is -1"),
        ({"backoff_limit": -1}, r"backoff_limit is -1"),
        ({"active_deadline_seconds": 0}, r"active_deadline_seconds is 0; expected an int >= 1"),
        ({"ttl_seconds_after_finished": -1}, r"ttl_seconds_after_finished is -1"),
    ],
)
def test_fails_job_settings(chart: pk.Chart, kw: dict[str, Any], message: str) -> None:
    with pytest.raises(pk.PodkitError, match=message):
        Job(chart, "j", main=task(), **kw)


@pytest.mark.parametrize(
    ("schedule", "message"),
    [
        ("* * * *", r"schedule '\* \* \* \*' has 4 fields: use five"),
        ("60 * * * *", r"minute field '60' is out of range: use values 0-59"),
        ("0 24 * * *", r"hour field '24' is out of range: use values 0-23"),
        ("0 0 0 * *", r"day of month field '0' is out of range: use values 1-31"),
        ("0 0 * FOO *", r"month field 'FOO' is not a number, range, step or '\*'"),
        ("0 0 * * MON-SUNDAY", r"day of week field 'MON-SUNDAY'"),
        ("*/0 * * * *", r"minute field '\*/0' has a step that is not a positive number"),
        ("5-1 * * * *", r"has a range that ends before it starts \(5-1\)"),
        ("@fortnightly", r"is not a known macro"),
        ("CRON_TZ=UTC 0 * * * *", r"sets a time zone with TZ/CRON_TZ"),
        ("", r"schedule is empty"),
    ],
)
def test_fails_bad_schedule(chart: pk.Chart, schedule: str, message: str) -> None:
    with pytest.raises(
        pk.PodkitError, match=r"\[test/c\] " + (message if message.startswith("schedule") else ".*" + message)
    ):
        CronJob(chart, "c", schedule=schedule, main=task())


def test_fails_schedule_of_wrong_type(chart: pk.Chart) -> None:
    with pytest.raises(
        pk.PodkitTypeError, match=r"schedule must be a cron str such as '\*/5 \* \* \* \*', got int 5"
    ):
        CronJob(chart, "c", schedule=5, main=task())  # type: ignore[arg-type]


def test_fails_bad_time_zone(chart: pk.Chart) -> None:
    with pytest.raises(pk.PodkitError, match=r"time_zone 'europe/paris' is not an IANA time zone name \(did you mean "
                       r"'Europe/Paris'\?\)"):  # fmt: skip
        CronJob(chart, "c", schedule="@daily", time_zone="europe/paris", main=task())
    with pytest.raises(pk.PodkitError, match=r"time_zone 'Mars/Olympus' is not an IANA time zone name;"):
        CronJob(chart, "c", schedule="@daily", time_zone="Mars/Olympus", main=task())


# -- the time zone database behind time_zone ---------------------------------------------------
ZoneSources = Callable[..., None]


def _clear_zone_caches() -> None:
    workloads._time_zones.cache_clear()
    _batch_rules._zone_data.cache_clear()
    _batch_rules._time_zone_error.cache_clear()
    zoneinfo.ZoneInfo.clear_cache()


@pytest.fixture
def zone_sources(monkeypatch: pytest.MonkeyPatch) -> Iterator[ZoneSources]:
    """Choose where zoneinfo may find a tz database: the system's files, the tzdata package."""
    saved = zoneinfo.TZPATH

    def use(*, system: bool, package: bool) -> None:
        _clear_zone_caches()
        if not system:
            zoneinfo.reset_tzpath(to=[])
        if not package:
            # None in sys.modules makes `import tzdata` (and its zone subpackages) fail
            for name in {"tzdata", *(m for m in sys.modules if m.startswith("tzdata."))}:
                monkeypatch.setitem(sys.modules, name, None)

    yield use
    zoneinfo.reset_tzpath(to=saved)
    _clear_zone_caches()


def test_tzdata_is_a_declared_dependency_pinned_by_the_lock() -> None:
    # GIVEN the wheel's metadata source and the lock  THEN tzdata is declared (a range, so podkit
    # installs beside other libraries) and the lock pins the version installed here
    root = Path(__file__).resolve().parent.parent
    declared = tomllib.loads((root / "pyproject.toml").read_text())["project"]["dependencies"]
    assert any(d.startswith("tzdata>=") for d in declared)
    locked = [
        line for line in (root / "requirements.lock").read_text().splitlines() if line.startswith("tzdata==")
    ]
    assert locked == [f"tzdata=={importlib.metadata.version('tzdata')}"]


def test_time_zone_is_checked_with_only_the_tzdata_package(
    chart: pk.Chart, zone_sources: ZoneSources
) -> None:
    # GIVEN a machine without system zoneinfo files (a slim container): only podkit's tzdata dependency
    zone_sources(system=False, package=True)
    # THEN names are still checked, early and at synth
    with pytest.raises(pk.PodkitError, match=r"time_zone 'Mars/Olympus' is not an IANA time zone name;"):
        CronJob(chart, "bad", schedule="@daily", time_zone="Mars/Olympus", main=task())
    CronJob(chart, "c", schedule="@daily", time_zone="Europe/Paris", main=task())
    assert by_name(synth(chart), "c")["spec"]["timeZone"] == "Europe/Paris"


def test_fails_loudly_without_any_time_zone_database(chart: pk.Chart, zone_sources: ZoneSources) -> None:
    # GIVEN no system zoneinfo files and no tzdata package
    zone_sources(system=False, package=False)
    # WHEN a CronJob names a zone  THEN it is an error, not a name passed unchecked
    with pytest.raises(pk.PodkitError) as err:
        CronJob(chart, "c", schedule="@daily", time_zone="Europe/Paris", main=task())
    assert str(err.value) == (
        "[test/c] time_zone 'Europe/Paris' cannot be checked: no IANA time zone database was found to "
        "check it against (neither system zoneinfo files in zoneinfo.TZPATH nor the tzdata package, a "
        "podkit dependency): reinstall podkit's dependencies (pip install tzdata)"
    )
    # and a zone set past the early check (escape hatch) fails synth the same way
    cron = CronJob(chart, "p", schedule="@daily", main=task())
    cdk8s.ApiObject.of(cron).add_json_patch(cdk8s.JsonPatch.add("/spec/timeZone", "Mars/Olympus"))
    with pytest.raises(
        pk.SynthError, match=r"spec\.timeZone 'Mars/Olympus' cannot be checked: no IANA time zone database"
    ):
        synth(chart)


def test_fails_cron_job_settings(chart: pk.Chart) -> None:
    with pytest.raises(pk.PodkitTypeError, match=r"suspend must be a bool, got str 'no'"):
        CronJob(chart, "c", schedule="@daily", main=task(), suspend="no")  # type: ignore[arg-type]
    with pytest.raises(pk.PodkitError, match=r"starting_deadline_seconds is -1"):
        CronJob(chart, "c", schedule="@daily", main=task(), starting_deadline_seconds=-1)
    with pytest.raises(pk.InvalidNameError, match=r"CronJob name 'c{53}' is 53 characters; at most 52"):
        CronJob(chart, "c" * 53, schedule="@daily", main=task())


@pytest.mark.parametrize("limit", ["successful_jobs_history_limit", "failed_jobs_history_limit"])
@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        (-1, pk.PodkitError, "{limit} is -1; expected an int >= 0"),
        ("3", pk.PodkitTypeError, "{limit} must be an int, got str '3'"),
        (1.5, pk.PodkitTypeError, "{limit} must be an int, got float 1.5"),
        (True, pk.PodkitTypeError, "{limit} must be an int, got bool True"),
    ],
)
def test_fails_history_limits(chart: pk.Chart, limit: str, value: object, error: type, message: str) -> None:
    # the API server rejects a negative limit; a str or bool would render as the wrong YAML type
    kw: dict[str, Any] = {limit: value}
    with pytest.raises(error) as err:
        CronJob(chart, "c", schedule="@daily", main=task(), **kw)
    assert str(err.value) == "[test/c] " + message.format(limit=limit)
    assert chart.podkit_objects == []


def test_history_limits_of_zero_keep_no_finished_jobs(chart: pk.Chart) -> None:
    CronJob(
        chart,
        "c",
        schedule="@daily",
        main=task(),
        successful_jobs_history_limit=0,
        failed_jobs_history_limit=0,
    )
    spec = by_name(synth(chart), "c")["spec"]
    assert (spec["successfulJobsHistoryLimit"], spec["failedJobsHistoryLimit"]) == (0, 0)


@pytest.mark.parametrize(
    ("kw", "error", "message"),
    [
        ({"size": "10GB"}, pk.InvalidQuantityError, r"size '10GB' is not a Kubernetes quantity"),
        ({"size": "0"}, pk.PodkitError, r"size '0' is zero"),
        ({"access_modes": []}, pk.PodkitError, r"access_modes is empty"),
        (
            {"access_modes": ["ReadWriteOnce"]},
            pk.PodkitTypeError,
            r"access_modes must be a list of AccessMode",
        ),
        ({"name": "Data"}, pk.InvalidNameError, r"volume claim template name"),
    ],
)
def test_fails_volume_claim_template(kw: dict[str, Any], error: type, message: str) -> None:
    args: dict[str, Any] = {"name": "data", "size": "1Gi", **kw}
    with pytest.raises(error, match=message):
        VolumeClaimTemplate(**args)


def test_fails_stateful_set_service_of_wrong_type(chart: pk.Chart) -> None:
    with pytest.raises(pk.PodkitTypeError, match=r"service must be a Service, got str"):
        StatefulSet(chart, "db", main=task(), service="db")  # type: ignore[arg-type]


def test_the_budget_and_service_of_a_workload_go_to_its_namespace(app: pk.App) -> None:
    chart = pk.Chart(app, "c", namespace="default-ns")
    main = pk.Container(name="web", image="nginx:1.27", ports=[pk.Port(80, name="http")])
    shop = pk.Deployment(chart, "web", main=main, replicas=2, namespace="shop")
    plain = pk.Deployment(chart, "api", main=main, replicas=2)
    for workload in (shop, plain):
        workload.disruption_budget(min_available=1)
        workload.expose()
    objs = synth(chart)
    assert [(o["kind"], o["metadata"]["name"], o["metadata"]["namespace"]) for o in objs] == [
        ("Deployment", "web", "shop"),
        ("Deployment", "api", "default-ns"),
        ("PodDisruptionBudget", "web", "shop"),
        ("Service", "web", "shop"),
        ("PodDisruptionBudget", "api", "default-ns"),
        ("Service", "api", "default-ns"),
    ]


def test_fails_expose_without_ports(chart: pk.Chart) -> None:
    d = Deployment(chart, "web", main=web())
    with pytest.raises(
        pk.PodkitError, match=r"cannot expose Deployment 'web': main container 'web' declares no ports"
    ):
        d.expose()


def test_sealed_secret_contributes_name_and_keys_only(app: pk.App, tmp_path: Path) -> None:
    # a sealed secret's plaintext never leaves the machine, not even as a hash in the template
    def digest(chart_id: str, value: str) -> str | None:
        chart = pk.Chart(app, chart_id, namespace="prod")
        sealing = pk.Sealing(store=tmp_path / f"{chart_id}.yaml")
        db = pk.SealedSecret(chart, "db", sealing=sealing, from_literal={"password": value})
        return Deployment(chart, "web", main=web(env_from=[db])).config_hash()

    assert digest("a", "one") == digest("b", "two") is not None


def test_fails_on_a_schedule_with_a_trailing_newline(chart: pk.Chart) -> None:
    with pytest.raises(
        pk.PodkitError, match=r"schedule '0 3 \* \* \*\\n' has surrounding whitespace .*: use '0 3 \* \* \*'"
    ):
        pk.CronJob(chart, "nightly", schedule="0 3 * * *\n", main=task())


def test_every_controller_takes_the_opt_in_pod_fields(chart: pk.Chart) -> None:
    gpu = pk.Toleration(
        key="nvidia.com/gpu", operator=pk.TolerationOperator.EXISTS, effect=pk.TaintEffect.NO_SCHEDULE
    )
    fields: dict[str, Any] = {
        "tolerations": [gpu],
        "priority_class_name": "batch",
        "enable_service_links": False,
    }
    made = [
        pk.Deployment(chart, "d", main=web(), **fields),
        pk.StatefulSet(chart, "s", main=web(), **fields),
        pk.DaemonSet(chart, "a", main=web(), **fields),
        pk.Job(chart, "j", main=task(), **fields),
        pk.CronJob(chart, "c", schedule="0 3 * * *", main=task(), **fields),
    ]
    specs = {d["metadata"]["name"]: d["spec"] for d in synth(chart) if d["kind"] != "Service"}
    templates = [specs[w.name]["template"] for w in made[:4]] + [
        specs["c"]["jobTemplate"]["spec"]["template"]
    ]
    for template in templates:
        assert template["spec"]["tolerations"] == [
            {"effect": "NoSchedule", "key": "nvidia.com/gpu", "operator": "Exists"}
        ]
        assert template["spec"]["priorityClassName"] == "batch"
        assert template["spec"]["enableServiceLinks"] is False


@pytest.mark.parametrize("kind", ["Deployment", "StatefulSet", "DaemonSet"])
def test_fails_on_a_restart_policy_for_a_kind_that_fixes_it(chart: pk.Chart, kind: str) -> None:
    cls = getattr(pk, kind)
    with pytest.raises(pk.PodkitTypeError) as e:
        cls(
            chart, "w", main=pk.Container(name="w", image="nginx:1.27"), restart_policy=pk.RestartPolicy.NEVER
        )
    assert str(e.value) == (
        f"{kind}() takes no restart_policy: a {kind}'s pods always use restart policy Always, the only one "
        f"Kubernetes allows for a {kind} (it keeps its pods running); remove restart_policy=, or use a Job for "
        f"pods that run to completion"
    )
    assert chart.podkit_objects == []
