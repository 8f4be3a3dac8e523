"""The example app: the user's notes on Pod, ConfigMap and Secret, as podkit code, and a
small platform that uses the rest of the pod surface where real services would.

``make synth`` runs this through ``cdk8s synth`` and publishes ``dist/``:

* ``dist/notes.k8s.yaml``: the notes' own examples, one object each (nginx pod, a
  one-shot pod, hostPath, resources, probes, downward API, ConfigMap/Secret use);
* ``dist/dev.k8s.yaml`` and ``dist/prod.k8s.yaml``: the same web stack (nginx + log
  shipper + git init container, a Deployment behind a Service) per phase; only the
  ConfigMap values differ, and a change to ``config/<phase>.env`` changes the pod template,
  so the Deployment rolls. The stack is hardened to the restricted Pod Security level, with
  every setting visible here, and both charts check that level at synth. prod's database
  credentials are a SealedSecret and its API token an ExternalSecret; its chart forbids
  inline secrets so none can slip into the GitOps repo;
* ``dist/controllers.k8s.yaml``: each other controller kind once (StatefulSet with its
  headless Service, DaemonSet, Job, CronJob);
* ``dist/data.k8s.yaml`` (baseline level): PostgreSQL on a disk per pod (fsGroup, huge
  pages, a fast-shutdown preStop hook, its password from Vault through the Secrets Store CSI
  driver) and a nightly dump to a claim and an NFS archive;
* ``dist/ml.k8s.yaml`` (baseline level): a GPU training Job (``nvidia.com/gpu``, a
  toleration, node affinity, the NVIDIA runtime class, an ephemeral scratch disk) and a
  notebook server with a stable DNS name (hostname and subdomain);
* ``dist/payments.k8s.yaml`` (restricted level): a gRPC service (gRPC probes) with a Vault
  agent native sidecar that logs in with a projected, audience-bound service account token;
* ``dist/node-agent.k8s.yaml`` (no level: it is privileged by nature): a monitoring agent on
  every node, in the node's network, PID and IPC namespaces;
* ``dist/ci.k8s.yaml`` (no level): rootless BuildKit, which needs seccomp and AppArmor unconfined.

``tests/example/test_pod_surface_coverage.py`` checks that every pod field of issue #15
appears somewhere in ``dist/``.
"""

from __future__ import annotations

import podkit as pk
from imports.cert_manager_io.v1 import Certificate, ClusterIssuer
from imports.monitoring_coreos_com.v1 import ServiceMonitor

SHARED_LOGS = "/var/log/app"
# TEST ONLY: the example's sealed-secrets certificate (its private key is in the repo too)
SEALING_CERT = "tests/fixtures/sealed-secrets/tls.crt"


# The web stack runs at the restricted Pod Security level (the prod chart checks it at synth).
# Every setting that gets it there is written here, where a reviewer sees it; podkit adds none.
WEB_UID = 101  # the nginx user of nginxinc/nginx-unprivileged; the other containers run as it too
LOCKED_DOWN = pk.SecurityContext(
    allow_privilege_escalation=False,  # no setuid binary can gain rights
    read_only_root_filesystem=True,  # writable paths are the volumes mounted below, nothing else
    capabilities=pk.Capabilities(drop=("ALL",)),
)


def web_stack(
    chart: pk.Chart,
    *,
    phase: str,
    db: pk.SecretEnv | pk.SecretRef,
    api_token: pk.SecretEnv | pk.SecretRef | pk.ExternalSecret,
    replicas: int = 1,
    max_replicas: int | None = None,
    service_account: pk.ServiceAccount | None = None,
) -> pk.Deployment:
    """nginx with a log-shipping sidecar, a git init container and per-phase settings, as a
    Deployment behind a Service, hardened to the restricted Pod Security level.

    With ``max_replicas``, an autoscaler scales it on CPU from ``replicas`` up to that, and a
    disruption budget keeps drains to one pod at a time; with ``service_account``, the pods run
    as that account, which may read the stack's settings ConfigMap and nothing else."""
    settings = pk.ConfigFromMap(
        chart,
        "web-settings",
        from_env_file=[f"config/{phase}.env"],  # API_URL, LOG_LEVEL, FEATURE_X per phase
        from_file=["config/app.properties"],
    )
    logs = pk.Volume.empty_dir("logs")
    site = pk.Volume.empty_dir("site")
    # the root file system is read-only: nginx keeps its pid file and temp files in /tmp
    tmp = pk.Volume.empty_dir("tmp")
    # a non-root nginx cannot bind port 80: it listens on 8080, the Service still serves 80
    http = pk.Port(8080, name="http")
    web = pk.Container(
        name="nginx",
        image="nginxinc/nginx-unprivileged:1.27.1",
        ports=[http],
        env={
            "API_URL": settings.value("API_URL"),
            "NODE_NAME": pk.EnvValue.from_field(pk.PodField.NODE_NAME),
            "POD_NAME": pk.EnvValue.from_field(pk.PodField.POD_NAME),
            "POD_NAMESPACE": pk.EnvValue.from_field(pk.PodField.NAMESPACE),
            "POD_IP": pk.EnvValue.from_field(pk.PodField.POD_IP),
            "DB_PASSWORD": db.value("password"),
            "API_TOKEN": api_token.value("token"),
        },
        env_from=[pk.EnvFrom(settings, prefix="APP_")],
        resources=pk.Resources(
            cpu_request="250m", memory_request="64Mi", cpu_limit="500m", memory_limit="128Mi"
        ),
        liveness=pk.Probe.http_get("/live", port="http"),
        readiness=pk.Probe.http_get("/ready", port="http", period_seconds=5),
        security_context=LOCKED_DOWN,
        # the Service drops the pod from its endpoints while nginx gets SIGTERM; serving 5 s more
        # lets load balancers catch up instead of sending requests to a closed port
        lifecycle=pk.Lifecycle(pre_stop=pk.LifecycleHandler.sleep(5)),
    )
    shipper = pk.Container(
        name="log-shipper",
        image="busybox:1.36",
        command=["sh", "-c", f"tail -F {SHARED_LOGS}/*.log"],
        resources=pk.Resources(cpu_request="50m", memory_request="32Mi", memory_limit="64Mi"),
        security_context=LOCKED_DOWN,
    )
    # nginx's connection counters (stub_status on 8080) as Prometheus metrics on a port of its own
    metrics = pk.Port(9113, name="metrics")
    exporter = pk.Container(
        name="exporter",
        image="nginx/nginx-prometheus-exporter:1.3.0",
        args=["--nginx.scrape-uri=http://localhost:8080/stub_status"],
        ports=[metrics],
        resources=pk.Resources(cpu_request="10m", memory_request="16Mi", memory_limit="32Mi"),
        security_context=LOCKED_DOWN,
    )
    clone = pk.Container(
        name="git-clone",
        image="alpine/git:2.45.2",
        args=["clone", "--depth=1", "https://example.com/site.git", "/site"],
        # a namespace quota on requests/limits makes every container state them, init ones too
        resources=pk.Resources(cpu_request="50m", memory_request="32Mi", memory_limit="64Mi"),
        security_context=LOCKED_DOWN,
    )
    deployment = pk.Deployment(
        chart,
        "web",
        main=web,
        sidecars=[shipper, exporter],
        init_containers=[clone],
        replicas=replicas,
        strategy=pk.DeploymentStrategy.rolling_update(max_surge=1, max_unavailable=0),
        pod_labels={"app": "web", "phase": phase},
        labels={"app": "web", "phase": phase},
        node_selector={"disktype": "ssd"},
        security_context=pk.PodSecurityContext(
            run_as_non_root=True,  # the kubelet refuses to start any container as root
            run_as_user=WEB_UID,
            run_as_group=WEB_UID,
            fs_group=WEB_UID,  # the shared emptyDirs belong to the web group
            seccomp_profile=pk.SeccompProfile.runtime_default(),
            app_armor_profile=pk.AppArmorProfile.runtime_default(),
        ),
        service_account=service_account,
        # nginx never calls the Kubernetes API: no token in the pod
        automount_service_account_token=False,
        # a stateless web pod is rescheduled within 30 s of its node going unreachable
        # (Kubernetes waits 5 minutes otherwise)
        tolerations=[
            pk.Toleration.exists(
                "node.kubernetes.io/unreachable", effect=pk.TaintEffect.NO_EXECUTE, toleration_seconds=30
            )
        ],
    )
    # replicas spread over zones, and over nodes within a zone: one lost zone or node costs
    # at most one replica. Both select the Deployment's pods by object, never by a label copy.
    pods = pk.LabelSelector.of(deployment)
    deployment.topology_spread_constraints = [
        pk.TopologySpreadConstraint(
            max_skew=1,
            topology_key="topology.kubernetes.io/zone",
            selector=pods,
            when_unsatisfiable=pk.WhenUnsatisfiable.SCHEDULE_ANYWAY,
        )
    ]
    deployment.pod_anti_affinity = pk.PodAffinity(
        preferred=[
            pk.WeightedPodAffinityTerm(
                100, pk.PodAffinityTerm(topology_key="kubernetes.io/hostname", selector=pods)
            )
        ]
    )
    # the pod template carries podkit.dev/config-hash: editing config/<phase>.env rolls the pods
    deployment.mount(logs, at=SHARED_LOGS, containers=[web])
    deployment.mount(logs, at=SHARED_LOGS, containers=[shipper], read_only=True)
    deployment.mount(site, at="/site", containers=[clone])
    deployment.mount(site, at="/usr/share/nginx/html", containers=[web], read_only=True)
    deployment.mount(tmp, at="/tmp", containers=[web])
    deployment.mount(pk.Volume.from_config_map(settings, name="settings"), at="/etc/app", containers=[web])
    deployment.mount(
        pk.Volume.downward_api("podinfo", items={"labels": pk.PodField.LABELS}),
        at="/etc/podinfo",
        containers=[web],
    )
    # Service "web" on port 80 -> targetPort "http"; selector = the Deployment's selector labels
    # (and "metrics" for Prometheus; the labels are what a ServiceMonitor selects it by)
    deployment.expose(ports=[pk.ServicePort(http, port=80), pk.ServicePort(metrics)], labels={"app": "web"})
    if max_replicas is not None:
        # the autoscaler owns the replica count: the Deployment is written without `replicas`,
        # so applying the manifest never resets it; 70% of the CPU requests (every container
        # states one) is the target
        pk.HorizontalPodAutoscaler(
            chart,
            "web-hpa",
            name="web",
            target=deployment,
            min_replicas=replicas,
            max_replicas=max_replicas,
            metrics=[pk.Metric.cpu_utilization(70)],
            owns_replicas=True,
            scale_down=pk.ScalingRules(stabilization_window_seconds=300),
        )
        # node drains and upgrades evict one web pod at a time (never all of them)
        deployment.disruption_budget(max_unavailable=1)
    if service_account is not None:
        # least privilege: the web identity may read its own settings ConfigMap, nothing else
        # (tools acting as it, such as a config reloader, get exactly that)
        service_account.grant_read(on=settings)
    return deployment


def notes(chart: pk.Chart) -> None:
    """The notes' examples, each as the notes wrote it (with the notes' mistakes fixed)."""
    # Required fields: apiVersion, kind, metadata.name/labels (run: nginx), containers.
    pk.SidecarPod(chart, "nginx", main=pk.Container(name="nginx", image="nginx:1.14.2", ports=[80]))
    # command = ENTRYPOINT, args = CMD; echo exits at once, so restart only on failure.
    pk.SidecarPod(
        chart,
        "hello",
        main=pk.Container(name="nginx", image="nginx:1.14.2", command=["/bin/echo"], args=["hello"]),
        restart_policy=pk.RestartPolicy.ON_FAILURE,
    )
    # nodeSelector pins the pod to nodes labelled foo=bar.
    pk.SidecarPod(
        chart,
        "pinned",
        main=pk.Container(name="nginx", image="nginx:1.14.2"),
        node_selector={"foo": "bar"},
    )
    # A host directory mounted into the container.
    host = pk.Container(name="mycontainer1", image="myimage1", env={"ENV_VAR1": "value1"})
    host_pod = pk.SidecarPod(chart, "host-path", main=host)
    host_pod.mount(pk.Volume.host_path("shared-data", path="/home"), at="/usr/share/nginx/html")
    # requests are guaranteed; over the CPU limit: throttled, over memory: OOM-killed.
    pk.SidecarPod(
        chart,
        "resource-demo",
        main=pk.Container(
            name="resource-demo-container",
            image="nginx",
            resources=pk.Resources(
                memory_request="64Mi", cpu_request="250m", memory_limit="128Mi", cpu_limit="500m"
            ),
        ),
    )
    # Health checks: httpGet liveness, exec readiness.
    pk.SidecarPod(
        chart,
        "probes",
        main=pk.Container(
            name="nginx",
            image="nginx:1.14.2",
            ports=[80],
            liveness=pk.Probe.http_get("/live", port=80),
            readiness=pk.Probe.exec(["cat", "/tmp/ready"]),
        ),
    )
    # Downward API as env vars and as a volume (labels to a file).
    downward = pk.Container(
        name="foo",
        image="bar",
        env={
            "NODE_NAME": pk.EnvValue.from_field(pk.PodField.NODE_NAME),
            "POD_NAME": pk.EnvValue.from_field(pk.PodField.POD_NAME),
            "POD_NAMESPACE": pk.EnvValue.from_field(pk.PodField.NAMESPACE),
            "POD_IP": pk.EnvValue.from_field(pk.PodField.POD_IP),
        },
    )
    info = pk.SidecarPod(chart, "downward", main=downward, labels={"foo": "bar"})
    info.mount(pk.Volume.downward_api("podinfo", items={"labels": pk.PodField.LABELS}), at="/etc/podinfo")
    # ConfigMap (kubectl create configmap ex-config --from-literal=...) used three ways.
    ex_config = pk.ConfigFromMap(
        chart, "ex-config", from_literal={"foo": "bar", "foo2": "bar2", "ex.ample": "1"}
    )
    ex_secret = pk.SecretEnv(chart, "ex-secret", from_literal={"example": "not-a-real-secret"})
    consumer = pk.Container(
        name="ex-env",
        image="foo/bar",
        env={"foo-env": ex_config.value("ex.ample"), "secret-env": ex_secret.value("example")},
        env_from=[ex_config, ex_secret],
    )
    ex = pk.SidecarPod(chart, "ex-env", main=consumer)
    ex.mount(pk.Volume.from_config_map(ex_config, name="ex-volume"), at="/etc/ex-config")
    ex.mount(pk.Volume.from_secret(ex_secret, name="ex-secret-volume"), at="/etc/ex-secret", read_only=True)


def controllers(chart: pk.Chart) -> None:
    """Each controller kind once: StatefulSet (+ its headless Service), DaemonSet, Job, CronJob."""
    data = pk.VolumeClaimTemplate("data", "1Gi", access_modes=[pk.AccessMode.READ_WRITE_ONCE])
    pg = pk.Container(
        name="postgres",
        image="postgres:16",
        ports=[pk.Port(5432, name="pg")],
        env={"PGDATA": "/var/lib/postgresql/data/pgdata"},
    )
    db = pk.StatefulSet(chart, "db", main=pg, replicas=1, volume_claim_templates=[data])
    db.mount(data.volume, at="/var/lib/postgresql/data")
    pk.DaemonSet(
        chart,
        "node-logs",
        main=pk.Container(name="fluent-bit", image="fluent/fluent-bit:3.1"),
        node_selector={"kubernetes.io/os": "linux"},
    )
    pk.Job(
        chart,
        "migrate",
        main=pk.Container(name="migrate", image="busybox:1.36", command=["sh", "-c", "echo migrating"]),
        backoff_limit=2,
        ttl_seconds_after_finished=3600,
    )
    pk.CronJob(
        chart,
        "nightly-report",
        schedule="30 2 * * MON-FRI",
        time_zone="Europe/Paris",
        concurrency_policy=pk.ConcurrencyPolicy.FORBID,
        main=pk.Container(name="report", image="busybox:1.36", command=["sh", "-c", "echo report"]),
    )


def database(chart: pk.Chart) -> pk.StatefulSet:
    """PostgreSQL on a disk per pod, its password mounted from Vault, dumped nightly to a
    claim of its own and archived to the NAS."""
    pg = pk.Port(5432, name="pg")
    data = pk.VolumeClaimTemplate("data", "50Gi", storage_class="ssd")
    # the password (and a pgpass file for the dumps) never becomes a Kubernetes Secret: the Secrets
    # Store CSI driver mounts it from Vault, as the SecretProviderClass 'postgres' of this namespace says
    vault = pk.Volume.csi(
        "vault",
        driver="secrets-store.csi.k8s.io",
        read_only=True,  # the driver refuses read-write mounts
        volume_attributes={"secretProviderClass": "postgres"},
    )
    postgres = pk.Container(
        name="postgres",
        image="postgres:16.4",
        ports=[pg],
        env={
            "PGDATA": "/var/lib/postgresql/data/pgdata",
            "POSTGRES_PASSWORD_FILE": "/run/secrets/postgres/password",
        },
        resources=pk.Resources(
            cpu_request="2",
            memory_request="4Gi",
            memory_limit="4Gi",
            # shared_buffers in 2 MiB huge pages (huge_pages=try): fewer TLB misses under load
            hugepages_limits={"2Mi": "1Gi"},
        ),
        readiness=pk.Probe.exec(["pg_isready", "--username=postgres"], period_seconds=5),
        liveness=pk.Probe.tcp_socket(port="pg"),
        security_context=pk.SecurityContext(
            run_as_user=999,  # the image's postgres user, by number: the kubelet checks numbers
            run_as_group=999,
            run_as_non_root=True,
            allow_privilege_escalation=False,
            capabilities=pk.Capabilities(drop=("ALL",)),
        ),
        # a fast shutdown rolls back open transactions and writes a checkpoint, so the next start
        # needs no crash recovery; SIGTERM alone would be a "smart" shutdown that waits for clients
        lifecycle=pk.Lifecycle(pre_stop=pk.LifecycleHandler.exec(["pg_ctl", "stop", "--mode=fast"])),
    )
    db = pk.StatefulSet(
        chart,
        "postgres",
        main=postgres,
        replicas=1,
        volume_claim_templates=[data],
        security_context=pk.PodSecurityContext(
            fs_group=999,  # the data disk belongs to the postgres group
            # 50 GiB of files: re-own them only when the disk's root has the wrong group, not at every start
            fs_group_change_policy=pk.FSGroupChangePolicy.ON_ROOT_MISMATCH,
            # find dead client connections after 10 minutes, not the kernel's 2 hours
            sysctls=[pk.Sysctl("net.ipv4.tcp_keepalive_time", "600")],
        ),
        # the checkpoint of a fast shutdown can take a while on a busy database: 2 minutes before SIGKILL
        termination_grace_period_seconds=120,
    )
    db.mount(data.volume, at="/var/lib/postgresql/data")
    db.mount(vault, at="/run/secrets/postgres", read_only=True)

    # Nightly dumps: kept a week on a claim of this chart, copied to the NAS for the long term.
    dumps = pk.PersistentVolumeClaim(
        chart,
        "dumps",
        size="200Gi",
        access_modes=[pk.AccessMode.READ_WRITE_ONCE],
        storage_class_name="standard",
    )
    dump = pk.Container(
        name="pg-dump",
        image="postgres:16.4",
        command=["sh", "/scripts/dump.sh"],
        env={
            "PGHOST": f"{db.name}-0.{db.service.name}",
            "PGUSER": "postgres",
            "PGPASSFILE": "/run/secrets/postgres/pgpass",
        },
        security_context=pk.SecurityContext(
            run_as_user=999,
            run_as_non_root=True,
            allow_privilege_escalation=False,
            capabilities=pk.Capabilities(drop=("ALL",)),
        ),
    )
    script = pk.ConfigFromMap(
        chart,
        "dump-script",
        from_literal={
            "dump.sh": "set -eu\n"
            "pg_dump --format=custom app > /dumps/app-$(date +%F).dump\n"
            "cp /dumps/app-$(date +%F).dump /archive/\n"
            "find /dumps -name '*.dump' -mtime +7 -delete\n"
        },
    )
    backup = pk.CronJob(
        chart,
        "backup",
        schedule="0 3 * * *",
        time_zone="Etc/UTC",
        concurrency_policy=pk.ConcurrencyPolicy.FORBID,
        main=dump,
        backoff_limit=2,
        security_context=pk.PodSecurityContext(
            fs_group=999,
            # fsGroup does not reach NFS: the NAS export is writable by its group 5000 (pg-archive)
            supplemental_groups=[5000],
        ),
        # run in the database's zone: the dump crosses no zone boundary (billed, and slower)
        pod_affinity=pk.PodAffinity(
            preferred=[
                pk.WeightedPodAffinityTerm(
                    100,
                    pk.PodAffinityTerm(
                        topology_key="topology.kubernetes.io/zone", selector=pk.LabelSelector.of(db)
                    ),
                )
            ]
        ),
    )
    backup.mount(pk.Volume.from_config_map(script, name="scripts"), at="/scripts")
    backup.mount(pk.Volume.from_pvc(dumps), at="/dumps")  # the claim above, by object
    backup.mount(pk.Volume.nfs("archive", server="nas.example.com", path="/exports/postgres"), at="/archive")
    backup.mount(vault, at="/run/secrets/postgres", read_only=True)  # its pgpass file
    return db


def training(chart: pk.Chart, *, registry: pk.SecretRef) -> pk.Job:
    """A GPU training run: one NVIDIA GPU with 40+ GB of memory, the shared datasets read-only,
    checkpoints and logs on the ML file server, a large local scratch disk."""
    trainer = pk.Container(
        name="trainer",
        image="registry.example.com/ml/trainer:2.3.1",
        command=["python", "-m", "trainer"],
        args=["--data=/data", "--checkpoints=/checkpoints", "--scratch=/scratch", "--resume"],
        env={"POD_NAME": pk.EnvValue.from_field(pk.PodField.POD_NAME)},
        resources=pk.Resources(
            cpu_request="8",
            memory_request="64Gi",
            memory_limit="64Gi",
            # GPUs are whole units and never overcommitted: the limit is the request
            extended_limits={"nvidia.com/gpu": 1},
        ),
        # a crash leaves no termination message file: the log's last lines go to the pod's status
        termination_message_policy=pk.TerminationMessagePolicy.FALLBACK_TO_LOGS_ON_ERROR,
    )
    job = pk.Job(
        chart,
        "train-resnet",
        main=trainer,
        backoff_limit=3,  # each retry resumes from the last checkpoint
        active_deadline_seconds=2 * 24 * 3600,
        image_pull_secrets=[registry],
        # GPU nodes carry the nvidia.com/gpu:NoSchedule taint, which keeps other pods off them
        tolerations=[pk.Toleration.exists("nvidia.com/gpu", effect=pk.TaintEffect.NO_SCHEDULE)],
        # GPU feature discovery labels the nodes: a GPU with more than 40000 MiB is required; an A100
        # or H100 is preferred, and an on-demand node over a spot node that may vanish mid-run
        node_affinity=pk.NodeAffinity(
            required=[
                pk.NodeSelectorTerm(
                    [
                        pk.NodeRequirement("nvidia.com/gpu.present", pk.NodeSelectorOperator.IN, ["true"]),
                        pk.NodeRequirement("nvidia.com/gpu.memory", pk.NodeSelectorOperator.GT, ["40000"]),
                    ]
                )
            ],
            preferred=[
                pk.WeightedNodeSelectorTerm(
                    50,
                    pk.NodeSelectorTerm(
                        [
                            pk.NodeRequirement(
                                "nvidia.com/gpu.product",
                                pk.NodeSelectorOperator.IN,
                                ["NVIDIA-A100-SXM4-80GB", "NVIDIA-H100-80GB-HBM3"],
                            )
                        ]
                    ),
                ),
                pk.WeightedNodeSelectorTerm(
                    20,
                    pk.NodeSelectorTerm(
                        [
                            pk.NodeRequirement(
                                "cloud.google.com/gke-spot", pk.NodeSelectorOperator.DOES_NOT_EXIST
                            )
                        ]
                    ),
                ),
            ],
        ),
        runtime_class_name="nvidia",  # the NVIDIA container runtime exposes the GPU to the container
        scheduler_name="volcano",  # the batch scheduler bin-packs GPU jobs so whole nodes stay free
        # the trainer downloads from many external hosts: with the default ndots=5 each name is first
        # tried against every cluster search domain
        dns_config=pk.DNSConfig(options={"ndots": "2"}),
        # no env vars for every Service of the namespace: the trainer's settings are its own
        enable_service_links=False,
        automount_service_account_token=False,  # it never calls the Kubernetes API
    )
    # the datasets claim is provisioned by the data team, outside this app: by name
    job.mount(pk.Volume.from_pvc("ml-datasets", name="datasets", read_only=True), at="/data", read_only=True)
    files = pk.Volume.nfs("ml-files", server="files.ml.example.com", path="/exports/train-resnet")
    job.mount(files, at="/checkpoints", sub_path="checkpoints")
    # one log directory per attempt: a retry does not overwrite the failed attempt's logs
    job.mount(files, at="/logs", sub_path_expr="logs/$(POD_NAME)")
    scratch = pk.ClaimTemplate(
        size="500Gi", access_modes=[pk.AccessMode.READ_WRITE_ONCE], storage_class_name="local-nvme"
    )
    job.mount(pk.Volume.ephemeral("scratch", claim=scratch), at="/scratch")
    # PyTorch's data loader workers share batches through /dev/shm (64 MiB in a container)
    job.mount(pk.Volume.empty_dir("dshm", medium=pk.StorageMedium.MEMORY, size_limit="16Gi"), at="/dev/shm")
    return job


def notebook(chart: pk.Chart, *, user: str) -> pk.Deployment:
    """A data scientist's notebook server, reachable at ``<user>.notebooks.<namespace>.svc``."""
    http = pk.Port(8888, name="http")
    server = pk.Container(
        name="jupyter",
        image="quay.io/jupyter/scipy-notebook:2024-07-29",
        ports=[http],
        resources=pk.Resources(cpu_request="1", memory_request="4Gi", memory_limit="8Gi"),
    )
    deployment = pk.Deployment(
        chart,
        f"notebook-{user}",
        main=server,
        replicas=1,
        strategy=pk.DeploymentStrategy.recreate(),  # the home disk is ReadWriteOnce
        # a stable DNS name: hostname + subdomain, with the headless Service 'notebooks' below
        hostname=user,
        subdomain="notebooks",
    )
    deployment.mount(pk.Volume.from_pvc(f"home-{user}", name="home"), at="/home/jovyan")
    deployment.mount(
        pk.Volume.from_pvc("ml-datasets", name="datasets", read_only=True), at="/data", read_only=True
    )
    deployment.expose(id="notebooks", name="notebooks", type=pk.ServiceType.HEADLESS, ports=[http])
    return deployment


def payments(chart: pk.Chart, *, registry: pk.SecretRef) -> pk.Deployment:
    """A gRPC service at the restricted level, with a Vault agent as a native sidecar that logs
    in with a projected, audience-bound service account token."""
    grpc = pk.Port(50051, name="grpc")
    admin = pk.Port(8081, name="admin")
    uid = 10001  # the image's USER is a name, which the kubelet cannot check: give the number
    api = pk.Container(
        name="payments",
        image="registry.example.com/payments:4.2.0",
        ports=[grpc, admin],
        resources=pk.Resources(cpu_request="500m", memory_request="256Mi", memory_limit="256Mi"),
        # the standard grpc.health.v1 protocol, no probe binary in the image: the server as a
        # whole for liveness, the Payments service for readiness
        liveness=pk.Probe.grpc(50051),
        readiness=pk.Probe.grpc(50051, service="payments.v1.Payments"),
        # the smallest restricted-compliant setting, as a visible value
        security_context=pk.SecurityContext.restricted(run_as_user=uid),
        # fill the card-network caches before the container counts as started
        lifecycle=pk.Lifecycle(post_start=pk.LifecycleHandler.http_get("/warmup", port="admin")),
    )
    agent = pk.Container(
        name="vault-agent",
        image="hashicorp/vault:1.17.2",
        args=["agent", "-config=/etc/vault/agent.hcl"],
        resources=pk.Resources(cpu_request="50m", memory_request="64Mi", memory_limit="64Mi"),
        # the same UID as the service: it signals the service after renewing a secret
        security_context=pk.SecurityContext.restricted(run_as_user=uid),
    )
    agent_config = pk.ConfigFromMap(chart, "vault-agent", from_file=["config/vault-agent.hcl"])
    deployment = pk.Deployment(
        chart,
        "payments",
        main=api,
        native_sidecars=[agent],  # started (and logged in) before the service, stopped after it
        replicas=2,
        image_pull_secrets=[registry],
        # the agent's template command sends SIGHUP to the service: the containers must see each
        # other's processes
        share_process_namespace=True,
        # the acquirer's gateway is reached over a private link, by a name public DNS does not know
        host_aliases=[pk.HostAlias("10.40.0.12", ["gateway.acquirer.example"])],
    )
    # Vault login: a token for the 'vault' audience only, valid 10 minutes and rotated by the
    # kubelet, next to the agent's configuration, Vault's CA and the pod's labels (its Vault role)
    login = pk.Volume.projected(
        "vault-login",
        sources=[
            pk.Projection.service_account_token(path="token", audience="vault", expiration_seconds=600),
            pk.Projection.config_map(agent_config, items={"vault-agent.hcl": "agent.hcl"}),
            pk.Projection.secret(
                pk.SecretEnv.from_name("vault-ca", keys=["ca.crt"]), items={"ca.crt": "ca.crt"}
            ),
            pk.Projection.downward_api({"labels": pk.PodField.LABELS}),
        ],
    )
    deployment.mount(login, at="/etc/vault", containers=[agent], read_only=True)
    rendered = pk.Volume.empty_dir("vault-secrets", medium=pk.StorageMedium.MEMORY)
    deployment.mount(rendered, at="/vault/secrets", containers=[agent])
    deployment.mount(rendered, at="/vault/secrets", containers=[api], read_only=True)
    # operators may create this ConfigMap during an incident (rate limits, kill switches); the
    # pods start without it
    overrides = pk.ConfigFromMap.from_name("payments-overrides")
    deployment.mount(
        pk.Volume.from_config_map(overrides, name="overrides", optional=True),
        at="/etc/payments/overrides",
        containers=[api],
    )
    # cert-manager's next certificate exists only during a rotation
    next_tls = pk.SecretEnv.from_name("payments-tls-next")
    deployment.mount(
        pk.Volume.from_secret(next_tls, name="tls-next", optional=True),
        at="/etc/payments/tls-next",
        containers=[api],
    )
    deployment.expose(ports=[pk.ServicePort(grpc)])
    return deployment


def node_agent(chart: pk.Chart) -> pk.DaemonSet:
    """A monitoring agent on every node: eBPF probes into every process and socket of the node.

    Privileged by nature, so its chart has no Pod Security level; each privilege is named here.
    """
    # log tailing needs more inotify instances than the kernel's 128; fs.* sysctls are not
    # namespaced, so only a privileged container can raise them on the node
    tune = pk.Container(
        name="raise-inotify-limits",
        image="busybox:1.36",
        command=["sysctl", "-w", "fs.inotify.max_user_instances=8192"],
        security_context=pk.SecurityContext(privileged=True),
    )
    agent = pk.Container(
        name="agent",
        image="registry.example.com/node-agent:1.8.0",
        ports=[pk.Port(9400, name="metrics")],
        env={"NODE_NAME": pk.EnvValue.from_field(pk.PodField.NODE_NAME)},
        resources=pk.Resources(cpu_request="100m", memory_request="200Mi", memory_limit="400Mi"),
        security_context=pk.SecurityContext(
            read_only_root_filesystem=True,
            # eBPF without full privileges: exactly what loading and reading the probes needs
            capabilities=pk.Capabilities(
                add=("BPF", "PERFMON", "SYS_PTRACE", "SYS_RESOURCE", "NET_ADMIN"), drop=("ALL",)
            ),
            # profiles the node image installs: the syscalls and files the agent uses, nothing more
            seccomp_profile=pk.SeccompProfile.localhost("profiles/node-agent.json"),
            app_armor_profile=pk.AppArmorProfile.localhost("node-agent"),
        ),
        # the pod is Running only once the agent's socket exists: its clients can connect at once
        lifecycle=pk.Lifecycle(
            post_start=pk.LifecycleHandler.exec(
                ["sh", "-c", "until [ -S /run/node-agent/agent.sock ]; do sleep 1; done"]
            )
        ),
    )
    daemon = pk.DaemonSet(
        chart,
        "node-agent",
        main=agent,
        init_containers=[tune],
        # the node's network, PID and IPC namespaces: it sees every socket, process and
        # shared-memory segment of the node, not only its own
        host_network=True,
        host_pid=True,
        host_ipc=True,
        dns_policy=pk.DNSPolicy.CLUSTER_FIRST_WITH_HOST_NET,  # cluster DNS although on the host's network
        tolerations=[pk.Toleration.exists()],  # every node, whatever its taints
        priority_class_name="system-node-critical",  # never evicted to make room for applications
        os=pk.OSName.LINUX,  # eBPF: Linux nodes only
    )
    # the node's /sys (cgroups, BPF file system) under /host/sys; the container keeps its own /sys
    daemon.mount(
        pk.Volume.host_path("host-sys", path="/sys", type=pk.HostPathType.DIRECTORY),
        at="/host/sys",
        read_only=True,
    )
    daemon.mount(pk.Volume.empty_dir("run"), at="/run/node-agent", containers=[agent])
    return daemon


def image_builder(chart: pk.Chart) -> pk.Deployment:
    """Rootless BuildKit for CI pipelines: no root and no added privileges, but it makes its own
    user namespaces, which the runtime's default seccomp and AppArmor profiles block
    (https://github.com/moby/buildkit/tree/master/examples/kubernetes)."""
    api = pk.Port(1234, name="buildkit")
    ready = ["buildctl", "debug", "workers"]
    buildkitd = pk.Container(
        name="buildkitd",
        image="moby/buildkit:v0.15.1-rootless",
        args=[
            "--addr=unix:///run/user/1000/buildkit/buildkitd.sock",
            "--addr=tcp://0.0.0.0:1234",
            "--tlscacert=/certs/ca.pem",
            "--tlscert=/certs/cert.pem",
            "--tlskey=/certs/key.pem",
            "--oci-worker-no-process-sandbox",
        ],
        ports=[api],
        readiness=pk.Probe.exec(ready, initial_delay_seconds=5, period_seconds=30),
        liveness=pk.Probe.exec(ready, initial_delay_seconds=5, period_seconds=30),
        security_context=pk.SecurityContext(
            run_as_user=1000,  # the image's user; another UID needs another image
            run_as_group=1000,
            seccomp_profile=pk.SeccompProfile.unconfined(),
            app_armor_profile=pk.AppArmorProfile.unconfined(),
        ),
    )
    deployment = pk.Deployment(chart, "buildkitd", main=buildkitd, replicas=2)
    # mutual TLS: only CI runners holding a client certificate of this CA can build
    certs = pk.SecretEnv.from_name("buildkit-daemon-certs", keys=["ca.pem", "cert.pem", "key.pem"])
    deployment.mount(pk.Volume.from_secret(certs, name="certs"), at="/certs", read_only=True)
    deployment.mount(pk.Volume.empty_dir("cache"), at="/home/user/.local/share/buildkit")
    deployment.expose(ports=[pk.ServicePort(api)])
    return deployment


def edge(chart: pk.Chart, web: pk.Deployment) -> None:
    """prod's edge: the site is reached only through the Gateway, over HTTPS (plain HTTP is
    redirected), and the namespace denies every flow it does not name here."""
    http = web.main.ports[0]
    service = next(s for s in chart.select(kind=pk.Service) if s.target is web)
    # cert-manager issues the site's certificate from Let's Encrypt, answering the ACME challenge
    # through this Gateway; the listener serves the Secret the Certificate writes, named from the
    # Certificate object (imports/cert_manager_io, generated by `podkit import crd`)
    acme = ClusterIssuer(  # cluster-scoped: no namespace is written on it
        chart,
        "letsencrypt",
        spec={
            "acme": {
                "server": "https://acme-v02.api.letsencrypt.org/directory",
                "email": "ops@example.com",
                "privateKeySecretRef": {"name": "letsencrypt-account"},
                "solvers": [{"http01": {"gatewayHTTPRoute": {"parentRefs": [{"name": "edge"}]}}}],
            }
        },
    )
    certificate = Certificate(
        chart,
        "web-tls",
        spec={"secretName": "web-tls", "dnsNames": ["www.example.com"], "issuerRef": pk.issuer_ref(acme)},
    )
    cert = pk.certificate_secret(certificate)
    https = pk.Listener(
        "https", 443, pk.GatewayProtocol.HTTPS, hostname="www.example.com", certificates=[cert]
    )
    plain = pk.Listener("http", 80, pk.GatewayProtocol.HTTP, hostname="www.example.com")
    gateway = pk.Gateway(chart, "edge", gateway_class_name="envoy", listeners=[https, plain])
    site = pk.HTTPRoute(chart, "web-route", name="web", parents=[pk.ParentRef(gateway, section=https)])
    site.add_rule(pk.BackendRef(service, port=http), matches=[pk.HTTPMatch.prefix("/")])
    to_https = pk.HTTPRoute(chart, "to-https", parents=[pk.ParentRef(gateway, section=plain)])
    to_https.add_rule(filters=pk.HTTPFilter.redirect(scheme="https", status_code=301))
    # nothing in or out of prod but what follows
    pk.default_deny(chart)
    pk.allow_dns(chart)
    # Envoy Gateway runs the Gateway's proxies in its own namespace: they reach the pods directly
    web.connections.allow_from(
        pk.Peer.namespace("envoy-gateway-system"), port=http, isolation=pk.Isolation.POD
    )
    # Prometheus (prometheus-operator, in "monitoring") scrapes the exporter through the Service
    metrics = next(p for p in service.ports if p.target.name == "metrics")
    ServiceMonitor(chart, "web-metrics", spec=pk.service_monitor_spec(service, port=metrics, interval="30s"))
    web.connections.allow_from(
        pk.Peer.namespace("monitoring"), port=metrics.target, isolation=pk.Isolation.POD
    )
    # the git-clone init container fetches the site over HTTPS from outside the cluster
    internet = pk.Peer.ip_block("0.0.0.0/0", except_cidrs=["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"])
    web.connections.allow_to(internet, port=443, isolation=pk.Isolation.POD)


def build(app: pk.App) -> None:
    notes(pk.Chart(app, "notes"))
    # dev runs the same hardened stack at the same level: a violation shows up there first
    dev = pk.Chart(app, "dev", namespace="dev", pod_security=pk.PodSecurity.RESTRICTED)
    # dev may carry throwaway secrets inline; prod must not carry any secret value.
    dev_db = pk.SecretEnv(
        dev, "db-credentials", from_literal={"username": "dev", "password": "dev-only-password"}
    )
    dev_token = pk.SecretEnv(dev, "api-token", from_literal={"token": "dev-only-token"})
    dev_web = web_stack(dev, phase="dev", db=dev_db, api_token=dev_token, replicas=1)
    # dev is reached through the cluster's ingress-nginx (its Service is reused, not made twice)
    dev_web.expose_via_ingress("/", host="dev.example.com", ingress_class_name="nginx", port="http")
    # synth fails if any pod of prod breaks the restricted Pod Security level; nothing is added
    prod = pk.Chart(
        app, "prod", namespace="prod", forbid_inline_secrets=True, pod_security=pk.PodSecurity.RESTRICTED
    )
    # Database credentials: sealed with the controller's certificate by `podkit seal` (which
    # reads PROD_DB_USERNAME/PROD_DB_PASSWORD) into sealed-secrets.yaml; synth reads only that.
    # The example seals with the TEST certificate of tests/fixtures: use your cluster's own.
    prod_db = pk.SealedSecret(
        prod,
        "db-credentials",
        sealing=pk.Sealing(cert=SEALING_CERT, store="sealed-secrets.yaml"),
        from_environment={"username": "PROD_DB_USERNAME", "password": "PROD_DB_PASSWORD"},
    )
    # The API token lives in the secret manager; the External Secrets Operator syncs it.
    prod_token = pk.ExternalSecret(
        prod,
        "api-token",
        store=pk.SecretStoreRef("vault", kind=pk.StoreKind.CLUSTER_SECRET_STORE),
        data={"token": pk.RemoteRef("prod/web", property="api-token")},
        refresh_interval="1h",
    )
    web_sa = pk.ServiceAccount(prod, "web-sa", name="web", automount_service_account_token=False)
    prod_web = web_stack(
        prod,
        phase="prod",
        db=prod_db,
        api_token=prod_token,
        replicas=3,
        max_replicas=12,
        service_account=web_sa,
    )
    edge(prod, prod_web)
    # the namespace's budget: synth checks every container of prod states what the quota caps
    pk.ResourceQuota(
        prod,
        "quota",
        hard={"requests.cpu": "8", "requests.memory": "4Gi", "limits.memory": "8Gi", "pods": 30},
    )
    controllers(pk.Chart(app, "controllers", namespace="batch"))

    # The platform: the rest of the pod surface, where real services use it.
    # Registry credentials are created in each namespace by the cluster's bootstrap, not here.
    registry = pk.SecretEnv.from_name("registry-credentials")
    postgres = database(pk.Chart(app, "data", namespace="data", pod_security=pk.PodSecurity.BASELINE))
    # prod's web pods reach PostgreSQL in data (written in prod only: data is not isolated, and
    # an ingress policy there would cut off its own backup job)
    prod_web.connections.allow_to(postgres, port=postgres.main.ports[0], isolation=pk.Isolation.POD)
    ml = pk.Chart(app, "ml", namespace="ml", pod_security=pk.PodSecurity.BASELINE)
    training(ml, registry=registry)
    notebook(ml, user="alice")
    payments(
        pk.Chart(app, "payments", namespace="payments", pod_security=pk.PodSecurity.RESTRICTED),
        registry=registry,
    )
    # host namespaces, a privileged container, added capabilities: the privileged level, unchecked
    node_agent(pk.Chart(app, "node-agent", namespace="monitoring"))
    # unconfined seccomp and AppArmor: the baseline level forbids both, so ci has no level
    image_builder(pk.Chart(app, "ci", namespace="ci"))


if __name__ == "__main__":
    application = pk.App()
    build(application)
    application.synth()
