"""The example app: the user's notes on Pod, ConfigMap and Secret, as podkit code.

``make synth`` runs this through ``cdk8s synth`` and publishes ``dist/``:

* ``dist/notes.k8s.yaml``: the notes' own examples, one object each (nginx pod, a
  one-shot pod, hostPath, resources, probes, downward API, ConfigMap/Secret use);
* ``dist/dev.k8s.yaml`` and ``dist/prod.k8s.yaml``: the same web stack (nginx + log
  shipper + git init container, a Deployment behind a Service) per phase; only the
  ConfigMap values differ, and a change to ``config/<phase>.env`` changes the pod template,
  so the Deployment rolls. prod's database credentials are a SealedSecret and its API token
  an ExternalSecret; its chart forbids inline secrets so none can slip into the GitOps repo;
* ``dist/controllers.k8s.yaml``: each other controller kind once (StatefulSet with its
  headless Service, DaemonSet, Job, CronJob).
"""

from __future__ import annotations

import podkit as pk

SHARED_LOGS = "/var/log/app"
# TEST ONLY: the example's sealed-secrets certificate (its private key is in the repo too)
SEALING_CERT = "tests/fixtures/sealed-secrets/tls.crt"


def web_stack(
    chart: pk.Chart,
    *,
    phase: str,
    db: pk.SecretEnv | pk.SecretRef,
    api_token: pk.SecretEnv | pk.SecretRef | pk.ExternalSecret,
    replicas: int = 1,
) -> pk.Deployment:
    """nginx with a log-shipping sidecar, a git init container and per-phase settings, as a
    Deployment behind a Service."""
    settings = pk.ConfigFromMap(
        chart,
        "web-settings",
        from_env_file=[f"config/{phase}.env"],  # API_URL, LOG_LEVEL, FEATURE_X per phase
        from_file=["config/app.properties"],
    )
    logs = pk.Volume.empty_dir("logs")
    site = pk.Volume.empty_dir("site")
    http = pk.Port(80, name="http")
    web = pk.Container(
        name="nginx",
        image="nginx:1.14.2",
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
    )
    shipper = pk.Container(
        name="log-shipper",
        image="busybox:1.36",
        command=["sh", "-c", f"tail -F {SHARED_LOGS}/*.log"],
        resources=pk.Resources(cpu_request="50m", memory_request="32Mi", memory_limit="64Mi"),
    )
    clone = pk.Container(
        name="git-clone",
        image="alpine/git:2.45.2",
        args=["clone", "--depth=1", "https://example.com/site.git", "/site"],
    )
    deployment = pk.Deployment(
        chart,
        "web",
        main=web,
        sidecars=[shipper],
        init_containers=[clone],
        replicas=replicas,
        strategy=pk.DeploymentStrategy.rolling_update(max_surge=1, max_unavailable=0),
        pod_labels={"app": "web", "phase": phase},
        labels={"app": "web", "phase": phase},
        node_selector={"disktype": "ssd"},
    )
    # the pod template carries podkit.dev/config-hash: editing config/<phase>.env rolls the pods
    deployment.mount(logs, at=SHARED_LOGS, containers=[web])
    deployment.mount(logs, at=SHARED_LOGS, containers=[shipper], read_only=True)
    deployment.mount(site, at="/site", containers=[clone])
    deployment.mount(site, at="/usr/share/nginx/html", containers=[web], read_only=True)
    deployment.mount(pk.Volume.from_config_map(settings, name="settings"), at="/etc/app", containers=[web])
    deployment.mount(
        pk.Volume.downward_api("podinfo", items={"labels": pk.PodField.LABELS}),
        at="/etc/podinfo",
        containers=[web],
    )
    # Service "web" on port 80 -> targetPort "http"; selector = the Deployment's selector labels
    deployment.expose(ports=[pk.ServicePort(http, port=80)])
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


def build(app: pk.App) -> None:
    notes(pk.Chart(app, "notes"))
    dev = pk.Chart(app, "dev", namespace="dev")
    # dev may carry throwaway secrets inline; prod must not carry any secret value.
    dev_db = pk.SecretEnv(
        dev, "db-credentials", from_literal={"username": "dev", "password": "dev-only-password"}
    )
    dev_token = pk.SecretEnv(dev, "api-token", from_literal={"token": "dev-only-token"})
    web_stack(dev, phase="dev", db=dev_db, api_token=dev_token, replicas=1)
    prod = pk.Chart(app, "prod", namespace="prod", forbid_inline_secrets=True)
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
    web_stack(prod, phase="prod", db=prod_db, api_token=prod_token, replicas=3)
    controllers(pk.Chart(app, "controllers", namespace="batch"))


if __name__ == "__main__":
    application = pk.App()
    build(application)
    application.synth()
