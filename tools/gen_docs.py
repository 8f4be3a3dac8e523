"""Regenerate the README's concept guide: each concept of the notes, each controller and each
group of pod fields, the podkit code for it, and the YAML that code synthesizes (run for real,
so the README cannot drift; a test checks that the README is current).

    .venv/bin/python tools/gen_docs.py          # rewrite README.md between the markers
    .venv/bin/python tools/gen_docs.py --check  # exit 1 if README.md is stale
"""

from __future__ import annotations

import os
import re
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
START, END = "<!-- concepts:start -->", "<!-- concepts:end -->"


class Concept(NamedTuple):
    """One entry of the guide: a heading, the code, and what the code synthesizes.

    The code runs with ``pk`` (podkit), ``app`` (a ``pk.App``), ``chart`` (a ``pk.Chart`` of it)
    and ``os``; every chart of the app is synthesized and its YAML printed under the code.
    ``fails=True`` means synth must fail: the ``SynthError`` message is printed instead (and an
    entry that then synthesizes fine is an error of the guide, not something to print).
    """

    rows: str  # "P1 P2" (rows of SPEC.md), "W1" (a controller), "F1" (a field group)
    title: str
    code: str
    fails: bool = False


class Group(NamedTuple):
    """Consecutive entries under one README heading (``None``: the heading before the markers)."""

    heading: str | None
    intro: str
    concepts: list[Concept]


# (row of SPEC.md, concept as in the notes, code).
NOTES: list[Concept] = [
    Concept(
        "P1 P2 P3",
        "Minimal pod: apiVersion, kind, metadata.name and labels (`run: nginx` as `kubectl run` adds), one container with a port",
        """
pk.SidecarPod(chart, "nginx", main=pk.Container(name="nginx", image="nginx:1.14.2", ports=[80]))
""",
    ),
    Concept(
        "P4",
        "Labels, and selecting by label (`kubectl get pods -l foo=bar`, `-L`, `--show-labels`) from Python",
        """
web = pk.SidecarPod(chart, "web", main=pk.Container(name="nginx", image="nginx:1.14.2"), labels={"foo": "bar"})
assert chart.select("foo=bar", kind=pk.SidecarPod) == [web]
assert web.labels == {"foo": "bar", "run": "web"}
""",
    ),
    Concept(
        "P5",
        "nodeSelector: run only on nodes labelled `foo=bar` (`kubectl label node worker foo=bar`)",
        """
pk.SidecarPod(chart, "pinned", main=pk.Container(name="nginx", image="nginx:1.14.2"), node_selector={"foo": "bar"})
""",
    ),
    Concept(
        "P6 P7",
        "command (Docker ENTRYPOINT), args (Docker CMD) and restartPolicy (a typed choice)",
        """
pk.SidecarPod(
    chart,
    "hello",
    main=pk.Container(name="nginx", image="nginx:1.14.2", command=["/bin/echo"], args=["hello"]),
    restart_policy=pk.RestartPolicy.ON_FAILURE,  # ALWAYS (Kubernetes' default), ON_FAILURE, NEVER
)
""",
    ),
    Concept(
        "P8",
        "Environment variables, per container",
        """
pk.SidecarPod(chart, "env", main=pk.Container(name="mycontainer1", image="myimage1", env={"ENV_VAR1": "value1"}))
""",
    ),
    Concept(
        "P9",
        "Volumes: a host directory, and an emptyDir shared by two containers (gone with the pod)",
        """
nginx = pk.Container(name="nginx", image="nginx:1.14.2")
shipper = pk.Container(name="log-shipper", image="busybox:1.36", command=["sh", "-c", "tail -F /logs/*.log"])
pod = pk.SidecarPod(chart, "volumes", main=nginx, sidecars=[shipper])
pod.mount(pk.Volume.host_path("shared-data", path="/home"), at="/usr/share/nginx/html", containers=[nginx])
pod.mount(pk.Volume.empty_dir("logs"), at="/logs")  # every app container; read_only=, sub_path= too
""",
    ),
    Concept(
        "P10",
        'Resources: requests are guaranteed, limits cap (CPU is throttled, memory is OOM-killed); `Mi` = 2^20 bytes, `M` = 10^6, `1000m` = 1 core. `"128MB"` is an error that suggests `128M` or `128Mi`',
        """
pk.SidecarPod(
    chart,
    "resource-demo",
    main=pk.Container(
        name="resource-demo-container",
        image="nginx",
        resources=pk.Resources(memory_request="64Mi", cpu_request="250m", memory_limit="128Mi", cpu_limit="500m"),
    ),
)
""",
    ),
    Concept(
        "P11",
        "Health checks: liveness (restart on failure; HTTP 200-399 is healthy), readiness (traffic only when ready), exec probes (exit 0); tcpSocket and startup probes too. A probe on an undeclared port is an error",
        """
pk.SidecarPod(
    chart,
    "probes",
    main=pk.Container(
        name="nginx",
        image="nginx:1.14.2",
        ports=[pk.Port(80, name="http")],
        liveness=pk.Probe.http_get("/live", port=80),
        readiness=pk.Probe.exec(["cat", "/tmp/ready"]),
        startup=pk.Probe.tcp_socket(port="http", failure_threshold=30),
    ),
)
""",
    ),
    Concept(
        "P12",
        "Several containers and the sidecar pattern. Regular sidecars start in no guaranteed order (`kubectl logs POD -c NAME`); native sidecars (Kubernetes >= 1.29) start before the main container, in order, and stop after it",
        """
pk.SidecarPod(
    chart,
    "sidecars",
    main=pk.Container(name="nginx", image="nginx:1.14.2", ports=[80]),
    sidecars=[pk.Container(name="log-shipper", image="busybox:1.36")],
    native_sidecars=[pk.Container(name="proxy", image="envoyproxy/envoy:v1.31.0", ports=[9901])],
)
""",
    ),
    Concept(
        "P13",
        "Init containers run to completion, in order, before the others (e.g. `alpine/git` cloning a repository)",
        """
site = pk.Volume.empty_dir("site")
clone = pk.Container(name="git", image="alpine/git", args=["clone", "https://example.com/site.git", "/site"])
nginx = pk.Container(name="nginx", image="nginx:1.14.2")
pod = pk.SidecarPod(chart, "init", main=nginx, init_containers=[clone])
pod.mount(site, at="/site", containers=[clone])
pod.mount(site, at="/usr/share/nginx/html", containers=[nginx], read_only=True)
""",
    ),
    Concept(
        "P14",
        "Downward API as env vars: typed field paths, no free-form typos",
        """
pk.SidecarPod(
    chart,
    "downward-env",
    main=pk.Container(
        name="foo",
        image="bar",
        env={
            "NODE_NAME": pk.EnvValue.from_field(pk.PodField.NODE_NAME),
            "POD_NAME": pk.EnvValue.from_field(pk.PodField.POD_NAME),
            "POD_NAMESPACE": pk.EnvValue.from_field(pk.PodField.NAMESPACE),
            "POD_IP": pk.EnvValue.from_field(pk.PodField.POD_IP),
        },
    ),
)
""",
    ),
    Concept(
        "P15",
        "Downward API as a volume: the pod's labels in a file (the notes' indentation, fixed)",
        """
pod = pk.SidecarPod(chart, "downward-volume", main=pk.Container(name="foo", image="bar"), labels={"foo": "bar"})
pod.mount(pk.Volume.downward_api("podinfo", items={"labels": pk.PodField.LABELS}), at="/etc/podinfo")
""",
    ),
    Concept(
        "C1 C2 C3",
        "A ConfigMap, made like `kubectl create configmap ex-config --from-literal=foo=bar --from-literal=foo2=bar2` (also `from_file=` with `key=path` and directories, `from_env_file=`, plain `data=`)",
        """
pk.ConfigFromMap(chart, "ex-config", from_literal={"foo": "bar", "foo2": "bar2"})
""",
    ),
    Concept(
        "C4 C5 C6",
        "A ConfigMap used three ways: as files, one key as an env var, every key as env vars (`envFrom`, the notes' mistake fixed)",
        """
config = pk.ConfigFromMap(chart, "ex-config", from_literal={"ex.ample": "1", "LOG_LEVEL": "info"})
app = pk.Container(
    name="ex-env",
    image="foo/bar",
    env={"foo-env": config.value("ex.ample")},  # a key the map lacks fails synth
    env_from=[pk.EnvFrom(config, prefix="CFG_")],
)
pod = pk.SidecarPod(chart, "ex-env", main=app)
pod.mount(pk.Volume.from_config_map(config, name="ex-volume"), at="/etc/config")
""",
    ),
    Concept(
        "C7",
        "Same image, per-phase settings: build the same constructs once per chart (see `app.py`: `dist/dev.k8s.yaml`, `dist/prod.k8s.yaml`)",
        """
def web(chart: pk.Chart, api_url: str) -> None:
    settings = pk.ConfigFromMap(chart, "settings", from_literal={"API_URL": api_url})
    pk.SidecarPod(chart, "web", main=pk.Container(name="web", image="example/web:1.0", env_from=[settings]))

web(chart, "https://api.dev.example.com")  # and in the prod chart: web(prod, "https://api.example.com")
""",
    ),
    Concept(
        "S1 S2 S4 S5",
        "A Secret: values are base64-encoded by podkit (as `echo -ne admin | base64` would); **base64 is not encryption**. `type` is typed; `string_data=True` writes `stringData` instead",
        """
pk.SecretEnv(chart, "mysecret", from_literal={"username": "admin", "password": "password"})  # demo values
pk.SecretEnv(chart, "tls", from_literal={"tls.crt": "CERT", "tls.key": "KEY"}, type=pk.SecretType.TLS, string_data=True)
""",
    ),
    Concept(
        "S3",
        "`kubectl create secret generic NAME --from-env-file/--from-file/--from-literal` (the notes forgot `generic`); values can also come from the environment at synth time",
        """
pk.SecretEnv(chart, "db", from_environment={"password": "DEMO_DB_PASSWORD"})  # read when synthesizing
""",
    ),
    Concept(
        "S6 S7",
        "A Secret as files (tmpfs on the node), one key as an env var, every key as env vars; or a Secret that exists only in the cluster",
        """
secret = pk.SecretEnv.from_name("ex-secret", keys=["example"])  # created by External Secrets, Sealed Secrets, ...
app = pk.Container(name="ex-env", image="foo/bar", env={"foo-env": secret.value("example")}, env_from=[secret])
pod = pk.SidecarPod(chart, "ex-env", main=app)
pod.mount(pk.Volume.from_secret(secret, name="ex-volume"), at="/etc/secret", read_only=True)
""",
    ),
]

# Issue #13: each controller once, the Service, typed Secrets, Namespace and ServiceAccount.
WORKLOADS: list[Concept] = [
    Concept(
        "W1",
        "Deployment: replicas and a rolling-update strategy behind a derived selector; the ConfigMap it reads is hashed into `podkit.dev/config-hash`, so a changed value rolls the pods",
        """
settings = pk.ConfigFromMap(chart, "web-settings", from_literal={"LOG_LEVEL": "info"})
web = pk.Deployment(
    chart,
    "web",
    main=pk.Container(name="web", image="ghcr.io/acme/web:1.4", env_from=[settings]),
    replicas=3,
    strategy=pk.DeploymentStrategy.rolling_update(max_surge=1, max_unavailable=0),
    pod_labels={"tier": "front"},  # may not change a selector label
)
assert web.selector_labels == {"app.kubernetes.io/name": "web", "podkit.dev/controller": "deployment"}
""",
    ),
    Concept(
        "W2",
        "The other way to roll on config changes: `content_hash=True` names the ConfigMap after its content (kustomize's way), and every reference follows",
        """
settings = pk.ConfigFromMap(chart, "web-settings", from_literal={"LOG_LEVEL": "info"}, content_hash=True)
pk.Deployment(
    chart,
    "web",
    main=pk.Container(name="web", image="ghcr.io/acme/web:1.4", env_from=[settings]),
    rollout_on_config_change=False,  # the name already changes with the content
)
""",
    ),
    Concept(
        "W3",
        "Service from a workload's named ports: selector from the workload, `targetPort` by name, a port the pods do not declare is an error; `expose()` is `kubectl expose`",
        """
http, metrics = pk.Port(8080, name="http"), pk.Port(9090, name="metrics")
main = pk.Container(name="web", image="ghcr.io/acme/web:1.4", ports=[http, metrics])
web = pk.Deployment(chart, "web", main=main)
web.expose(ports=[pk.ServicePort(http, port=80)])  # Service "web" (ClusterIP), as `kubectl expose` names it
public = [pk.ServicePort(http, port=80)]
pk.Service(chart, "web-public", target=web, ports=public, type=pk.ServiceType.LOAD_BALANCER)
""",
    ),
    Concept(
        "W4",
        "StatefulSet: stable pod names and DNS through the headless Service podkit creates for it (`<id>-headless`), and a PersistentVolumeClaim per pod from `volumeClaimTemplates`",
        """
data = pk.VolumeClaimTemplate("data", "10Gi", storage_class="standard")
db = pk.StatefulSet(
    chart,
    "db",
    main=pk.Container(name="postgres", image="postgres:16", ports=[pk.Port(5432, name="pg")]),
    replicas=3,
    volume_claim_templates=[data],
    pod_management_policy=pk.PodManagementPolicy.PARALLEL,
)
db.mount(data.volume, at="/var/lib/postgresql/data")
""",
    ),
    Concept(
        "W5",
        "DaemonSet: one pod per (selected) node, e.g. a log agent, updated node by node",
        """
pk.DaemonSet(
    chart,
    "node-logs",
    main=pk.Container(name="fluent-bit", image="fluent/fluent-bit:3.1"),
    node_selector={"kubernetes.io/os": "linux"},
    update_strategy=pk.DaemonSetUpdateStrategy.rolling_update(max_unavailable="10%"),
)
""",
    ),
    Concept(
        "W6",
        "Job: runs to completion; `restartPolicy: Never` is the visible default, `OnFailure` on request, `Always` is an error",
        """
pk.Job(
    chart,
    "migrate",
    main=pk.Container(name="migrate", image="ghcr.io/acme/web:1.4", command=["./manage.py", "migrate"]),
    backoff_limit=2,
    active_deadline_seconds=600,
    ttl_seconds_after_finished=3600,
)
""",
    ),
    Concept(
        "W7",
        "CronJob: a validated cron schedule (five fields, names such as `MON-FRI`, or `@daily`), an IANA `timeZone` and a `concurrencyPolicy`",
        """
pk.CronJob(
    chart,
    "nightly-report",
    schedule="30 2 * * MON-FRI",
    time_zone="Europe/Paris",
    concurrency_policy=pk.ConcurrencyPolicy.FORBID,
    successful_jobs_history_limit=3,
    main=pk.Container(name="report", image="ghcr.io/acme/report:2.0"),
)
""",
    ),
    Concept(
        "W8",
        "Typed Secrets, as `kubectl create secret tls` and `kubectl create secret docker-registry` make them (same bytes, same errors), and image pull secrets by object",
        """
# TEST ONLY key pair from tests/fixtures (the key is public): use your own certificate
tls = pk.SecretEnv.tls(
    chart,
    "web-tls",
    cert_file="tests/fixtures/sealed-secrets/tls.crt",  # relative to the file that calls tls()
    key_file="tests/fixtures/sealed-secrets/tls.key",
)
regcred = pk.SecretEnv.docker_registry(
    chart, "regcred", server="ghcr.io", username="ci-bot", password=os.environ["DEMO_REGISTRY_TOKEN"]
)
web = pk.Deployment(
    chart,
    "web",
    main=pk.Container(name="web", image="ghcr.io/acme/web:1.4"),
    image_pull_secrets=[regcred, pk.SecretEnv.from_name("mirror-cred")],  # a Secret made outside the app
)
web.mount(pk.Volume.from_secret(tls), at="/etc/web/tls", read_only=True)
""",
    ),
    Concept(
        "W9",
        "Namespace and ServiceAccount: the account passed as an object, its pull secrets given to every pod that runs as it",
        """
shop = pk.Chart(app, "shop", namespace="shop")
pk.Namespace(shop, "shop")
regcred = pk.SecretEnv.docker_registry(
    shop, "regcred", server="ghcr.io", username="ci-bot", password=os.environ["DEMO_REGISTRY_TOKEN"]
)
runner = pk.ServiceAccount(
    shop, "web-runner", image_pull_secrets=[regcred], automount_service_account_token=False
)
main = pk.Container(name="web", image="ghcr.io/acme/web:1.4")
pk.Deployment(shop, "web", main=main, service_account=runner)  # serviceAccountName: web-runner
""",
    ),
]

# Issue #15: each group of opt-in pod and container fields, and Pod Security at synth.
POD_SURFACE: list[Concept] = [
    Concept(
        "F1",
        "Security contexts, pod and container: user and groups, fsGroup, seccomp, AppArmor, capabilities (names checked), sysctls. Opt-in: nothing is added for you",
        """
web = pk.Container(
    name="web",
    image="nginxinc/nginx-unprivileged:1.27",
    security_context=pk.SecurityContext(
        read_only_root_filesystem=True,
        allow_privilege_escalation=False,
        capabilities=pk.Capabilities(drop=["ALL"], add=["NET_BIND_SERVICE"]),
        app_armor_profile=pk.AppArmorProfile.runtime_default(),
    ),
)
pk.Deployment(
    chart,
    "web",
    main=web,
    security_context=pk.PodSecurityContext(
        run_as_user=101,
        run_as_group=101,
        run_as_non_root=True,
        fs_group=101,
        fs_group_change_policy=pk.FSGroupChangePolicy.ON_ROOT_MISMATCH,
        supplemental_groups=[2000],
        seccomp_profile=pk.SeccompProfile.runtime_default(),
        sysctls=[pk.Sysctl("net.ipv4.ip_local_port_range", "1024 65535")],
    ),
)
""",
    ),
    Concept(
        "F2",
        "Pod Security at synth: `pod_security=pk.PodSecurity.RESTRICTED` checks every pod template of the chart; `SecurityContext.restricted()` is the smallest compliant container setting, passed in explicitly",
        """
hardened = pk.Chart(app, "prod", pod_security=pk.PodSecurity.RESTRICTED)
web = pk.Container(
    name="web",
    image="nginxinc/nginx-unprivileged:1.27",
    security_context=pk.SecurityContext.restricted(run_as_user=101),  # visible, never injected
)
pk.Deployment(hardened, "web", main=web)
""",
    ),
    Concept(
        "F3",
        "A pod that breaks the chart's level fails synth (after escape-hatch patches), naming the object, the container, the field and the fix; nothing is written. Here a sidecar without the restricted settings and a hostPath volume",
        """
hardened = pk.Chart(app, "prod", pod_security=pk.PodSecurity.RESTRICTED)
web = pk.Container(
    name="web",
    image="nginxinc/nginx-unprivileged:1.27",
    security_context=pk.SecurityContext.restricted(run_as_user=101),
)
shipper = pk.Container(name="log-shipper", image="busybox:1.36")
deployment = pk.Deployment(hardened, "web", main=web, sidecars=[shipper])
deployment.mount(pk.Volume.host_path("node-logs", path="/var/log"), at="/node-logs", containers=[shipper])
""",
        fails=True,
    ),
    Concept(
        "F4",
        "Scheduling: node affinity (required and preferred), pod affinity and anti-affinity and topology spread that select workloads by object, tolerations, priority class",
        """
cache = pk.Deployment(chart, "cache", main=pk.Container(name="redis", image="redis:7.4"))
arch = pk.NodeRequirement("kubernetes.io/arch", pk.NodeSelectorOperator.IN, ["amd64", "arm64"])
ssd = pk.NodeRequirement("node.acme.io/disk", pk.NodeSelectorOperator.IN, ["ssd"])
web = pk.Deployment(
    chart,
    "web",
    main=pk.Container(name="web", image="ghcr.io/acme/web:1.4"),
    replicas=3,
    node_affinity=pk.NodeAffinity(
        required=[pk.NodeSelectorTerm([arch])],
        preferred=[pk.WeightedNodeSelectorTerm(50, pk.NodeSelectorTerm([ssd]))],
    ),
    tolerations=[pk.Toleration.equal("dedicated", "web", effect=pk.TaintEffect.NO_SCHEDULE)],
    priority_class_name="high-priority",
)
# pods selected by workload object: near the cache's, one replica per node, spread over zones
zone = "topology.kubernetes.io/zone"
near_cache = pk.PodAffinityTerm(topology_key=zone, selector=pk.LabelSelector.of(cache))
web.pod_affinity = pk.PodAffinity(preferred=[pk.WeightedPodAffinityTerm(100, near_cache)])
one_per_node = pk.PodAffinityTerm(topology_key="kubernetes.io/hostname", selector=pk.LabelSelector.of(web))
web.pod_anti_affinity = pk.PodAffinity(required=[one_per_node])
web.topology_spread_constraints = [
    pk.TopologySpreadConstraint(
        max_skew=1,
        topology_key=zone,
        selector=pk.LabelSelector.of(web),
        when_unsatisfiable=pk.WhenUnsatisfiable.SCHEDULE_ANYWAY,
    )
]
""",
    ),
    Concept(
        "F5",
        "Resources beyond cpu and memory: extended resources such as `nvidia.com/gpu` (whole numbers, a limit required) and huge pages; with the toleration, scheduler and runtime class a GPU job needs",
        """
pk.Job(
    chart,
    "train",
    main=pk.Container(
        name="train",
        image="ghcr.io/acme/train:0.9",
        resources=pk.Resources(
            cpu_request="4",
            memory_limit="32Gi",
            extended_limits={"nvidia.com/gpu": 1},
            hugepages_limits={"2Mi": "512Mi"},
        ),
    ),
    tolerations=[pk.Toleration.exists("nvidia.com/gpu", effect=pk.TaintEffect.NO_SCHEDULE)],
    runtime_class_name="nvidia",
    scheduler_name="gpu-scheduler",
    priority_class_name="batch-low",
)
""",
    ),
    Concept(
        "F6",
        "Lifecycle: `postStart`/`preStop` hooks (exec, httpGet, sleep), the termination grace period (a `preStop` sleep longer than it is an error), `terminationMessagePolicy`, and a gRPC probe",
        """
web = pk.Container(
    name="web",
    image="ghcr.io/acme/web:1.4",
    ports=[pk.Port(8080, name="http"), pk.Port(9090, name="grpc")],
    lifecycle=pk.Lifecycle(
        post_start=pk.LifecycleHandler.http_get("/warmup", port="http"),
        pre_stop=pk.LifecycleHandler.sleep(10),  # load balancers stop sending traffic first
    ),
    readiness=pk.Probe.grpc(9090, service="acme.web.v1.Health"),
    termination_message_policy=pk.TerminationMessagePolicy.FALLBACK_TO_LOGS_ON_ERROR,
)
worker = pk.Container(
    name="worker",
    image="ghcr.io/acme/worker:1.4",
    lifecycle=pk.Lifecycle(pre_stop=pk.LifecycleHandler.exec(["/app/worker", "drain"])),
)
pk.Deployment(chart, "web", main=web, sidecars=[worker], termination_grace_period_seconds=45)
""",
    ),
    Concept(
        "F7",
        "Volumes that outlive the pod or come from outside: a PersistentVolumeClaim by construct and by name, NFS, an ephemeral claim; `sub_path_expr` gives each pod its own directory",
        """
uploads = pk.PersistentVolumeClaim(
    chart, "uploads", size="50Gi", access_modes=[pk.AccessMode.READ_WRITE_MANY], storage_class_name="nfs"
)
pod_name = pk.EnvValue.from_field(pk.PodField.POD_NAME)
main = pk.Container(name="web", image="ghcr.io/acme/web:1.4", env={"POD_NAME": pod_name})
web = pk.Deployment(chart, "web", main=main)
web.mount(pk.Volume.from_pvc(uploads), at="/srv/uploads")
# a claim made outside this app, by name; each pod writes into a directory named after it
web.mount(pk.Volume.from_pvc("web-logs", name="logs"), at="/var/log/web", sub_path_expr="$(POD_NAME)")
media = pk.Volume.nfs("media", server="nfs.example.com", path="/exports/media", read_only=True)
web.mount(media, at="/srv/media")
scratch = pk.ClaimTemplate(size="20Gi", access_modes=[pk.AccessMode.READ_WRITE_ONCE])
web.mount(pk.Volume.ephemeral("scratch", claim=scratch), at="/scratch")  # created and deleted with each pod
""",
    ),
    Concept(
        "F8",
        "Volumes that gather files: a projected volume (ConfigMap, Secret, downward API and a service-account token for another audience), the Secrets Store CSI driver, and an `optional` Secret",
        """
settings = pk.ConfigFromMap(chart, "web-settings", from_literal={"app.yaml": "log_level: info\\n"})
db = pk.SecretEnv.from_name("web-db", keys=["password"])
web = pk.Deployment(chart, "web", main=pk.Container(name="web", image="ghcr.io/acme/web:1.4"))
sources = [
    pk.Projection.config_map(settings),
    pk.Projection.secret(db, items={"password": "db/password"}),
    pk.Projection.downward_api({"labels": pk.PodField.LABELS}),
    pk.Projection.service_account_token(path="vault/token", audience="vault", expiration_seconds=600),
]
web.mount(pk.Volume.projected("config", sources=sources), at="/etc/web", read_only=True)
web.mount(
    pk.Volume.csi(
        "secrets-store",
        driver="secrets-store.csi.k8s.io",
        read_only=True,
        volume_attributes={"secretProviderClass": "web-vault"},
    ),
    at="/mnt/secrets-store",
    read_only=True,
)
extra_ca = pk.SecretEnv.from_name("extra-ca")  # may not exist: the pod starts without it
web.mount(pk.Volume.from_secret(extra_ca, optional=True), at="/etc/ssl/extra-ca", read_only=True)
""",
    ),
    Concept(
        "F9",
        "Host namespaces for a node agent: `hostNetwork` (with the DNS policy it needs), `hostPID`; `host_ipc` likewise. `os.name` states the OS, and the API server's OS-specific rules follow",
        """
pk.DaemonSet(
    chart,
    "node-exporter",
    main=pk.Container(
        name="node-exporter",
        image="quay.io/prometheus/node-exporter:v1.8.2",
        ports=[pk.Port(9100, name="metrics", host_port=9100)],  # with hostNetwork, hostPort must equal it
    ),
    host_network=True,
    host_pid=True,
    dns_policy=pk.DNSPolicy.CLUSTER_FIRST_WITH_HOST_NET,
    tolerations=[pk.Toleration.exists()],  # every node, tainted ones too
    automount_service_account_token=False,
    os=pk.OSName.LINUX,
)
""",
    ),
    Concept(
        "F10",
        "Pod knobs: hostname and subdomain, `dnsPolicy`/`dnsConfig`, `hostAliases`, a shared process namespace, no service links, no API token",
        """
debug = pk.SidecarPod(
    chart,
    "debug",
    main=pk.Container(name="app", image="ghcr.io/acme/legacy-client:3.2"),
    sidecars=[pk.Container(name="toolbox", image="nicolaka/netshoot:v0.13", command=["sleep", "infinity"])],
    hostname="debug",
    subdomain="tools",  # debug.tools.<namespace>.svc with a headless Service named "tools"
    dns_policy=pk.DNSPolicy.NONE,
    dns_config=pk.DNSConfig(
        nameservers=["10.96.0.10"],
        searches=["legacy.svc.cluster.local"],
        options={"ndots": "2", "edns0": None},
    ),
    host_aliases=[pk.HostAlias("10.1.2.3", ["legacy-db.internal"])],
    share_process_namespace=True,  # the toolbox sees (and can signal) the app's processes
    enable_service_links=False,
    automount_service_account_token=False,
)
""",
    ),
]

GROUPS: list[Group] = [
    Group(None, "", NOTES),
    Group(
        "Controllers and Services by example",
        "Each controller once, then Services, typed Secrets, Namespace and ServiceAccount. "
        "Why selectors, rollouts and Jobs work as they do: [From pods to workloads](#from-pods-to-workloads).",
        WORKLOADS,
    ),
    Group(
        "The Pod surface by example",
        "Each group of opt-in pod and container fields, on the pod definition every "
        "controller and `SidecarPod` share: the same keywords work on each. What is checked: "
        "[The whole Pod surface](#the-whole-pod-surface).",
        POD_SURFACE,
    ),
]

# Demo values the examples read from the environment, set (not defaulted) while rendering so
# the README is the same on every machine and a real value of the reader's never ends up in it.
DEMO_ENV = {"DEMO_DB_PASSWORD": "demo-only", "DEMO_REGISTRY_TOKEN": "not-a-real-token"}

# A value of this many base64 characters or more (a certificate or key in a Secret) is
# shortened in the README, visibly: the manifest has it whole, the reader needs its shape,
# not 4 KB of base64. The shortened line is still valid YAML.
LONG_VALUE = 200
_LONG_LINE = re.compile(rf"^(\s+\S+: )([A-Za-z0-9+/=]{{{LONG_VALUE},}})$", re.MULTILINE)


def _shorten(match: re.Match[str]) -> str:
    key, value = match.group(1), match.group(2)
    return f"{key}{value[:40]}...  # {len(value)} base64 characters, shortened in this README"


@contextmanager
def _demo_env() -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in DEMO_ENV}
    os.environ.update(DEMO_ENV)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _run(source: str, concept: Concept) -> str:
    """Run ``source`` and synthesize every chart of its app: the YAML, or for an entry that
    must fail, the ``SynthError`` message."""
    import podkit as pk
    from podkit.app import to_yaml

    app = pk.App()
    chart = pk.Chart(app, "docs")
    # named as a file in the repository root, so that relative paths (tests/fixtures/...)
    # resolve there, as they do in app.py
    code = compile(source, str(ROOT / f"<README {concept.rows}>"), "exec")
    exec(code, {"pk": pk, "app": app, "chart": chart, "os": os})
    try:
        docs = [doc for c in app.charts for doc in c.to_json()]
    except pk.SynthError as e:
        if not concept.fails:
            raise
        return str(e)
    if concept.fails:
        raise AssertionError(f"README {concept.rows} is meant to fail synth, but it synthesized")
    return _LONG_LINE.sub(_shorten, to_yaml(docs)).rstrip("\n")


def render() -> str:
    parts = [START, ""]
    with _demo_env():
        for group in GROUPS:
            if group.heading is not None:
                parts += [f"## {group.heading}", "", group.intro, ""]
            for concept in group.concepts:
                source = textwrap.dedent(concept.code).strip("\n")
                output = _run(source, concept)
                shown = ["Synth fails with:", "", "```text"] if concept.fails else ["```yaml"]
                parts += [f"### {concept.rows}: {concept.title}", "", "```python", source, "```", ""]
                parts += [*shown, output, "```", ""]
    parts.append(END)
    return "\n".join(parts)


def main() -> int:
    text = README.read_text(encoding="utf-8")
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    new = head + render() + tail
    if "--check" in sys.argv:
        if new != text:
            print("README.md concept guide is stale: run .venv/bin/python tools/gen_docs.py", file=sys.stderr)
            return 1
        return 0
    README.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
