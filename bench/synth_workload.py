"""The synth workload of ../shared/BENCH.md, in four implementations.

    python bench/synth_workload.py --impl {podkit,cdk8s-plus,l1,pyyaml} --units N --outdir DIR

One unit = a Pod (init container, main nginx with probes/resources/env/envFrom/mount, a
log-shipper sidecar, an emptyDir), a ConfigMap and a Secret. Every implementation writes
one YAML file to DIR. The measured time is the whole process, so imports happen inside
the implementation functions (each pays only for what it uses).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INIT_ARGS = ["clone", "--depth=1", "https://example.com/repo.git", "/tmp/repo"]
SHIP_CMD = ["sh", "-c", "tail -F /var/log/app/*.log"]


def _podkit_unit(pk, chart, i: int, deployment: bool):  # type: ignore[no-untyped-def]
    """One unit: the ConfigMap, the Secret and the pod (as a Pod, or as a Deployment + Service)."""
    unit = f"unit-{i}"
    cfg = pk.ConfigFromMap(
        chart,
        f"{unit}-cfg",
        from_literal={"log_level": "info", "feature_x": "on", "greeting": f"hello from unit {i}"},
    )
    sec = pk.SecretEnv(chart, f"{unit}-sec", from_literal={"username": "admin", "password": f"s3cr3t-{i}"})
    shared = pk.Volume.empty_dir("shared")
    main = pk.Container(
        name="main",
        image="nginx:1.14.2",
        ports=[80],
        liveness=pk.Probe.http_get("/live", port=80),
        readiness=pk.Probe.http_get("/ready", port=80),
        resources=pk.Resources(
            cpu_request="250m", memory_request="64Mi", cpu_limit="500m", memory_limit="128Mi"
        ),
        env={
            "LOG_LEVEL": cfg.value("log_level"),
            "POD_NAME": pk.EnvValue.from_field(pk.PodField.POD_NAME),
            "POD_IP": pk.EnvValue.from_field(pk.PodField.POD_IP),
        },
        env_from=[sec],
    )
    shipper = pk.Container(name="log-shipper", image="busybox:1.36", command=SHIP_CMD)
    init = [pk.Container(name="init-git", image="alpine/git:2.45.2", args=INIT_ARGS)]
    if deployment:
        from podkit.workloads import Deployment

        pod = Deployment(
            chart,
            unit,
            main=main,
            sidecars=[shipper],
            init_containers=init,
            pod_labels={"app": "bench", "unit": unit},
            node_selector={"disktype": "ssd"},
        )
    else:
        pod = pk.SidecarPod(
            chart,
            unit,
            main=main,
            sidecars=[shipper],
            init_containers=init,
            labels={"app": "bench", "unit": unit},
            run_label=False,
            node_selector={"disktype": "ssd"},
            restart_policy=pk.RestartPolicy.ALWAYS,
        )
    pod.mount(shared, at="/var/log/app", containers=[main])
    pod.mount(shared, at="/var/log/app", containers=[shipper], read_only=True)
    if deployment:
        pod.expose()


def _run_podkit(units: int, outdir: str, *, deployment: bool) -> None:
    import podkit as pk

    app = pk.App(outdir=outdir)
    chart = pk.Chart(app, "bench")
    for i in range(units):
        _podkit_unit(pk, chart, i, deployment=deployment)
    app.synth()


def run_podkit(units: int, outdir: str) -> None:
    """podkit, written the way the README tells users to write it."""
    _run_podkit(units, outdir, deployment=False)


def run_podkit_deployment(units: int, outdir: str) -> None:
    """The same pod as a podkit Deployment behind a Service (``expose()``): 4 objects a unit."""
    _run_podkit(units, outdir, deployment=True)


def run_l1(units: int, outdir: str) -> None:
    """The cdk8s L1 classes generated into imports/k8s."""
    import cdk8s

    sys.path.insert(0, str(ROOT))
    from imports import k8s

    app = cdk8s.App(outdir=outdir)
    chart = cdk8s.Chart(app, "bench", disable_resource_name_hashes=True)
    for i in range(units):
        unit = f"unit-{i}"
        k8s.KubeConfigMap(
            chart,
            f"{unit}-cfg",
            metadata=k8s.ObjectMeta(name=f"{unit}-cfg"),
            data={"log_level": "info", "feature_x": "on", "greeting": f"hello from unit {i}"},
        )
        import base64

        k8s.KubeSecret(
            chart,
            f"{unit}-sec",
            metadata=k8s.ObjectMeta(name=f"{unit}-sec"),
            type="Opaque",
            data={
                "username": base64.b64encode(b"admin").decode(),
                "password": base64.b64encode(f"s3cr3t-{i}".encode()).decode(),
            },
        )
        mount = k8s.VolumeMount(name="shared", mount_path="/var/log/app")
        k8s.KubePod(
            chart,
            unit,
            metadata=k8s.ObjectMeta(name=unit, labels={"app": "bench", "unit": unit}),
            spec=k8s.PodSpec(
                restart_policy="Always",
                node_selector={"disktype": "ssd"},
                volumes=[k8s.Volume(name="shared", empty_dir=k8s.EmptyDirVolumeSource())],
                init_containers=[k8s.Container(name="init-git", image="alpine/git:2.45.2", args=INIT_ARGS)],
                containers=[
                    k8s.Container(
                        name="main",
                        image="nginx:1.14.2",
                        ports=[k8s.ContainerPort(container_port=80)],
                        liveness_probe=k8s.Probe(
                            http_get=k8s.HttpGetAction(path="/live", port=k8s.IntOrString.from_number(80))
                        ),
                        readiness_probe=k8s.Probe(
                            http_get=k8s.HttpGetAction(path="/ready", port=k8s.IntOrString.from_number(80))
                        ),
                        resources=k8s.ResourceRequirements(
                            requests={
                                "cpu": k8s.Quantity.from_string("250m"),
                                "memory": k8s.Quantity.from_string("64Mi"),
                            },
                            limits={
                                "cpu": k8s.Quantity.from_string("500m"),
                                "memory": k8s.Quantity.from_string("128Mi"),
                            },
                        ),
                        env=[
                            k8s.EnvVar(
                                name="LOG_LEVEL",
                                value_from=k8s.EnvVarSource(
                                    config_map_key_ref=k8s.ConfigMapKeySelector(
                                        name=f"{unit}-cfg", key="log_level"
                                    )
                                ),
                            ),
                            k8s.EnvVar(
                                name="POD_NAME",
                                value_from=k8s.EnvVarSource(
                                    field_ref=k8s.ObjectFieldSelector(field_path="metadata.name")
                                ),
                            ),
                            k8s.EnvVar(
                                name="POD_IP",
                                value_from=k8s.EnvVarSource(
                                    field_ref=k8s.ObjectFieldSelector(field_path="status.podIP")
                                ),
                            ),
                        ],
                        env_from=[k8s.EnvFromSource(secret_ref=k8s.SecretEnvSource(name=f"{unit}-sec"))],
                        volume_mounts=[mount],
                    ),
                    k8s.Container(
                        name="log-shipper",
                        image="busybox:1.36",
                        command=SHIP_CMD,
                        volume_mounts=[
                            k8s.VolumeMount(name="shared", mount_path="/var/log/app", read_only=True)
                        ],
                    ),
                ],
            ),
        )
    app.synth()


def _cdk8s_plus_unit(cdk8s, kplus, chart, i: int, deployment: bool):  # type: ignore[no-untyped-def]
    unit = f"unit-{i}"
    cfg = kplus.ConfigMap(
        chart,
        f"{unit}-cfg",
        metadata=cdk8s.ApiObjectMetadata(name=f"{unit}-cfg"),
        data={"log_level": "info", "feature_x": "on", "greeting": f"hello from unit {i}"},
    )
    sec = kplus.Secret(
        chart,
        f"{unit}-sec",
        metadata=cdk8s.ApiObjectMetadata(name=f"{unit}-sec"),
        string_data={"username": "admin", "password": f"s3cr3t-{i}"},
    )
    shared = kplus.Volume.from_empty_dir(chart, f"{unit}-shared", "shared")
    if deployment:
        pod = kplus.Deployment(
            chart,
            unit,
            metadata=cdk8s.ApiObjectMetadata(name=unit),
            pod_metadata=cdk8s.ApiObjectMetadata(labels={"app": "bench", "unit": unit}),
            volumes=[shared],
        )
    else:
        pod = kplus.Pod(
            chart,
            unit,
            metadata=cdk8s.ApiObjectMetadata(name=unit, labels={"app": "bench", "unit": unit}),
            restart_policy=kplus.RestartPolicy.ALWAYS,
            volumes=[shared],
        )
    pod.add_init_container(name="init-git", image="alpine/git:2.45.2", args=INIT_ARGS)
    main = pod.add_container(
        name="main",
        image="nginx:1.14.2",
        port_number=80,
        liveness=kplus.Probe.from_http_get("/live", port=80),
        readiness=kplus.Probe.from_http_get("/ready", port=80),
        resources=kplus.ContainerResources(
            cpu=kplus.CpuResources(request=kplus.Cpu.millis(250), limit=kplus.Cpu.millis(500)),
            memory=kplus.MemoryResources(request=cdk8s.Size.mebibytes(64), limit=cdk8s.Size.mebibytes(128)),
        ),
    )
    main.env.add_variable("LOG_LEVEL", kplus.EnvValue.from_config_map(cfg, "log_level"))
    main.env.add_variable("POD_NAME", kplus.EnvValue.from_field_ref(kplus.EnvFieldPaths.POD_NAME))
    main.env.add_variable("POD_IP", kplus.EnvValue.from_field_ref(kplus.EnvFieldPaths.POD_IP))
    main.env.copy_from(kplus.Env.from_secret(sec))
    main.mount("/var/log/app", shared)
    ship = pod.add_container(name="log-shipper", image="busybox:1.36", command=SHIP_CMD)
    ship.mount("/var/log/app", shared, read_only=True)
    where = "/spec/template/spec/nodeSelector" if deployment else "/spec/nodeSelector"
    cdk8s.ApiObject.of(pod).add_json_patch(cdk8s.JsonPatch.add(where, {"disktype": "ssd"}))
    if deployment:
        pod.expose_via_service(name=unit)


def _run_cdk8s_plus(units: int, outdir: str, *, deployment: bool) -> None:
    import cdk8s
    import cdk8s_plus_33 as kplus

    app = cdk8s.App(outdir=outdir)
    chart = cdk8s.Chart(app, "bench", disable_resource_name_hashes=True)
    for i in range(units):
        _cdk8s_plus_unit(cdk8s, kplus, chart, i, deployment=deployment)
    app.synth()


def run_cdk8s_plus(units: int, outdir: str) -> None:
    """cdk8s-plus-33, plus the JSON patch it needs for nodeSelector (it has none)."""
    _run_cdk8s_plus(units, outdir, deployment=False)


def run_cdk8s_plus_deployment(units: int, outdir: str) -> None:
    """cdk8s-plus-33's Deployment + ``expose_via_service``, the same pod: 4 objects a unit."""
    _run_cdk8s_plus(units, outdir, deployment=True)


def run_pyyaml(units: int, outdir: str) -> None:
    """Plain dicts dumped by PyYAML: no cdk8s at all (the floor)."""
    import base64

    import yaml

    docs = []
    for i in range(units):
        unit = f"unit-{i}"
        mount = {"mountPath": "/var/log/app", "name": "shared"}
        docs.append(
            {
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": {"name": f"{unit}-cfg"},
                "data": {"feature_x": "on", "greeting": f"hello from unit {i}", "log_level": "info"},
            }
        )
        docs.append(
            {
                "apiVersion": "v1",
                "kind": "Secret",
                "metadata": {"name": f"{unit}-sec"},
                "type": "Opaque",
                "data": {
                    "password": base64.b64encode(f"s3cr3t-{i}".encode()).decode(),
                    "username": base64.b64encode(b"admin").decode(),
                },
            }
        )
        docs.append(
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"labels": {"app": "bench", "unit": unit}, "name": unit},
                "spec": {
                    "containers": [
                        {
                            "env": [
                                {
                                    "name": "LOG_LEVEL",
                                    "valueFrom": {
                                        "configMapKeyRef": {"key": "log_level", "name": f"{unit}-cfg"}
                                    },
                                },
                                {
                                    "name": "POD_NAME",
                                    "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}},
                                },
                                {"name": "POD_IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}},
                            ],
                            "envFrom": [{"secretRef": {"name": f"{unit}-sec"}}],
                            "image": "nginx:1.14.2",
                            "livenessProbe": {"httpGet": {"path": "/live", "port": 80}},
                            "name": "main",
                            "ports": [{"containerPort": 80}],
                            "readinessProbe": {"httpGet": {"path": "/ready", "port": 80}},
                            "resources": {
                                "limits": {"cpu": "500m", "memory": "128Mi"},
                                "requests": {"cpu": "250m", "memory": "64Mi"},
                            },
                            "volumeMounts": [mount],
                        },
                        {
                            "command": SHIP_CMD,
                            "image": "busybox:1.36",
                            "name": "log-shipper",
                            "volumeMounts": [{**mount, "readOnly": True}],
                        },
                    ],
                    "initContainers": [{"args": INIT_ARGS, "image": "alpine/git:2.45.2", "name": "init-git"}],
                    "nodeSelector": {"disktype": "ssd"},
                    "restartPolicy": "Always",
                    "volumes": [{"emptyDir": {}, "name": "shared"}],
                },
            }
        )
    os.makedirs(outdir, exist_ok=True)
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    with open(os.path.join(outdir, "bench.k8s.yaml"), "w", encoding="utf-8") as f:
        yaml.dump_all(docs, f, Dumper=dumper, sort_keys=False)


IMPLS = {
    "podkit": run_podkit,
    "cdk8s-plus": run_cdk8s_plus,
    "l1": run_l1,
    "pyyaml": run_pyyaml,
    "podkit-deployment": run_podkit_deployment,
    "cdk8s-plus-deployment": run_cdk8s_plus_deployment,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--impl", choices=sorted(IMPLS), required=True)
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--outdir", required=True)
    args = parser.parse_args()
    IMPLS[args.impl](args.units, args.outdir)


if __name__ == "__main__":
    main()
