"""Regenerate the README's concept guide: each concept of the notes, the podkit code for it,
and the YAML that code synthesizes (run for real, so the README cannot drift; a test checks
that the README is current).

    .venv/bin/python tools/gen_docs.py          # rewrite README.md between the markers
    .venv/bin/python tools/gen_docs.py --check  # exit 1 if README.md is stale
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
START, END = "<!-- concepts:start -->", "<!-- concepts:end -->"

# (row of SPEC.md, concept as in the notes, code). The code runs with `pk` and `chart`.
CONCEPTS: list[tuple[str, str, str]] = [
    (
        "P1 P2 P3",
        "Minimal pod: apiVersion, kind, metadata.name and labels (`run: nginx` as `kubectl run` adds), one container with a port",
        """
pk.SidecarPod(chart, "nginx", main=pk.Container(name="nginx", image="nginx:1.14.2", ports=[80]))
""",
    ),
    (
        "P4",
        "Labels, and selecting by label (`kubectl get pods -l foo=bar`, `-L`, `--show-labels`) from Python",
        """
web = pk.SidecarPod(chart, "web", main=pk.Container(name="nginx", image="nginx:1.14.2"), labels={"foo": "bar"})
assert chart.select("foo=bar", kind=pk.SidecarPod) == [web]
assert web.labels == {"foo": "bar", "run": "web"}
""",
    ),
    (
        "P5",
        "nodeSelector: run only on nodes labelled `foo=bar` (`kubectl label node worker foo=bar`)",
        """
pk.SidecarPod(chart, "pinned", main=pk.Container(name="nginx", image="nginx:1.14.2"), node_selector={"foo": "bar"})
""",
    ),
    (
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
    (
        "P8",
        "Environment variables, per container",
        """
pk.SidecarPod(chart, "env", main=pk.Container(name="mycontainer1", image="myimage1", env={"ENV_VAR1": "value1"}))
""",
    ),
    (
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
    (
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
    (
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
    (
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
    (
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
    (
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
    (
        "P15",
        "Downward API as a volume: the pod's labels in a file (the notes' indentation, fixed)",
        """
pod = pk.SidecarPod(chart, "downward-volume", main=pk.Container(name="foo", image="bar"), labels={"foo": "bar"})
pod.mount(pk.Volume.downward_api("podinfo", items={"labels": pk.PodField.LABELS}), at="/etc/podinfo")
""",
    ),
    (
        "C1 C2 C3",
        "A ConfigMap, made like `kubectl create configmap ex-config --from-literal=foo=bar --from-literal=foo2=bar2` (also `from_file=` with `key=path` and directories, `from_env_file=`, plain `data=`)",
        """
pk.ConfigFromMap(chart, "ex-config", from_literal={"foo": "bar", "foo2": "bar2"})
""",
    ),
    (
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
    (
        "C7",
        "Same image, per-phase settings: build the same constructs once per chart (see `app.py`: `dist/dev.k8s.yaml`, `dist/prod.k8s.yaml`)",
        """
def web(chart: pk.Chart, api_url: str) -> None:
    settings = pk.ConfigFromMap(chart, "settings", from_literal={"API_URL": api_url})
    pk.SidecarPod(chart, "web", main=pk.Container(name="web", image="example/web:1.0", env_from=[settings]))

web(chart, "https://api.dev.example.com")  # and in the prod chart: web(prod, "https://api.example.com")
""",
    ),
    (
        "S1 S2 S4 S5",
        "A Secret: values are base64-encoded by podkit (as `echo -ne admin | base64` would); **base64 is not encryption**. `type` is typed; `string_data=True` writes `stringData` instead",
        """
pk.SecretEnv(chart, "mysecret", from_literal={"username": "admin", "password": "password"})  # demo values
pk.SecretEnv(chart, "tls", from_literal={"tls.crt": "CERT", "tls.key": "KEY"}, type=pk.SecretType.TLS, string_data=True)
""",
    ),
    (
        "S3",
        "`kubectl create secret generic NAME --from-env-file/--from-file/--from-literal` (the notes forgot `generic`); values can also come from the environment at synth time",
        """
pk.SecretEnv(chart, "db", from_environment={"password": "DEMO_DB_PASSWORD"})  # read when synthesizing
""",
    ),
    (
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


def render() -> str:
    import os

    import podkit as pk
    from podkit.app import to_yaml

    os.environ.setdefault("DEMO_DB_PASSWORD", "demo-only")
    parts = [START, ""]
    for rows, concept, code in CONCEPTS:
        app = pk.App()
        chart = pk.Chart(app, "docs")
        source = textwrap.dedent(code).strip("\n")
        exec(compile(source, f"<README {rows}>", "exec"), {"pk": pk, "chart": chart})
        yaml_text = to_yaml(list(chart.to_json()))
        parts += [
            f"### {rows}: {concept}",
            "",
            "```python",
            source,
            "```",
            "",
            "```yaml",
            yaml_text.rstrip("\n"),
            "```",
            "",
        ]
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
