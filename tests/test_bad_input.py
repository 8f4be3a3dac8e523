"""The catalogue of bad input: each mistake, the call that catches it, and the message.

Every row raises at the call that received the bad value, with a podkit exception (a
ValueError or TypeError subclass exported from podkit) whose message names the construct
path, the value, what was expected and how to fix it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import podkit as pk


def nginx(**kw: Any) -> pk.Container:
    return pk.Container(name="nginx", image="nginx:1.14.2", **kw)


def pod(chart: pk.Chart, id: str = "p", **kw: Any) -> pk.SidecarPod:
    return pk.SidecarPod(chart, id, main=kw.pop("main", nginx()), **kw)


Row = tuple[str, Callable[[pk.Chart, Path], object], type[Exception], str]

CATALOGUE: list[Row] = [
    # names
    (
        "object name not DNS-1123",
        lambda c, t: pod(c, "My_Pod"),
        pk.InvalidNameError,
        r"[test/My_Pod] Pod name 'My_Pod' is not a valid DNS-1123 subdomain",
    ),
    (
        "object name too long",
        lambda c, t: pod(c, "a" * 254),
        pk.InvalidNameError,
        r"is not a valid DNS-1123 subdomain: use at most 253",
    ),
    (
        "container name not a DNS label",
        lambda c, t: pk.Container(name="web.server", image="x"),
        pk.InvalidNameError,
        r"[container 'web.server'] container name 'web.server' is not a valid DNS-1123 label",
    ),
    (
        "env var name",
        lambda c, t: nginx(env={"MY VAR": "1"}),
        pk.InvalidNameError,
        r"[container 'nginx'] env var name 'MY VAR' is invalid",
    ),
    (
        "ConfigMap key",
        lambda c, t: pk.ConfigFromMap(c, "cfg", data={"bad/key": "1"}),
        pk.InvalidNameError,
        r"[test/cfg] key (from data) 'bad/key' is not a valid ConfigMap/Secret key",
    ),
    (
        "Secret key",
        lambda c, t: pk.SecretEnv(c, "s", from_literal={"": "x"}),
        pk.InvalidNameError,
        r"[test/s] key (from literal) '' is not a valid ConfigMap/Secret key",
    ),
    (
        "label key",
        lambda c, t: pod(c, labels={"-bad": "x"}),
        pk.InvalidNameError,
        r"[test/p] label key '-bad' is invalid",
    ),
    (
        "label value",
        lambda c, t: pod(c, labels={"app": "x" * 64}),
        pk.InvalidNameError,
        r"[test/p] label 'app' has invalid value",
    ),
    (
        "namespace",
        lambda c, t: pod(c, namespace="Prod"),
        pk.InvalidNameError,
        r"[test/p] namespace 'Prod' is not a valid DNS-1123 label",
    ),
    (
        "volume name",
        lambda c, t: pk.Volume.empty_dir("my_vol"),
        pk.InvalidNameError,
        r"volume name 'my_vol' is not a valid DNS-1123 label",
    ),
    # quantities
    (
        "128MB",
        lambda c, t: nginx(resources=pk.Resources(memory_limit="128MB")),
        pk.InvalidQuantityError,
        r"[container 'nginx'] memory limit '128MB' is not a Kubernetes quantity; expected a number with an optional suffix",
    ),
    (
        "request above limit",
        lambda c, t: nginx(resources=pk.Resources(cpu_request="1", cpu_limit="500m")),
        pk.InvalidQuantityError,
        r"[container 'nginx'] cpu request '1' is above its limit '500m'; Kubernetes rejects this",
    ),
    # duplicates
    (
        "duplicate container",
        lambda c, t: pod(c, sidecars=[nginx()]),
        pk.DuplicateError,
        r"[test/p] two containers are named 'nginx'",
    ),
    (
        "duplicate port across containers",
        lambda c, t: pod(c, main=nginx(ports=[80]), sidecars=[pk.Container(name="b", image="x", ports=[80])]),
        pk.DuplicateError,
        r"both declare port 80",
    ),
    (
        "duplicate volume name",
        lambda c, t: pod(c, volumes=[pk.Volume.empty_dir("v"), pk.Volume.empty_dir("v")]),
        pk.DuplicateError,
        r"[test/p] two different volumes are named 'v'",
    ),
    (
        "duplicate key",
        lambda c, t: pk.ConfigFromMap(c, "cfg", from_literal={"a": "1"}, data={"a": "2"}),
        pk.DuplicateError,
        r"[test/cfg] key 'a' (from data) is already in this ConfigMap",
    ),
    (
        "duplicate construct id",
        lambda c, t: (pod(c), pod(c)),
        pk.DuplicateError,
        r"[test/p] there is already a Pod with construct id 'p' in test; construct ids become Kubernetes names "
        r"and must be unique in a scope: pick another id",
    ),
    # references
    (
        "probe on undeclared port",
        lambda c, t: nginx(liveness=pk.Probe.http_get("/", port=80)),
        pk.MissingReferenceError,
        r"[container 'nginx'] podkit rule: liveness probe uses port 80, which the container does not declare "
        r"(declared: none)",
    ),
    (
        "mount of a missing volume",
        lambda c, t: _mount_missing(c),
        pk.MissingReferenceError,
        r"[test/p] container 'nginx' mounts volume 'v', which the pod does not have",
    ),
    (
        "key a reference lacks",
        lambda c, t: pk.SecretEnv.from_name("db", keys=["user"]).value("password"),
        pk.MissingReferenceError,
        r"[db] uses key 'password' of Secret 'db', which has no such key (keys: user)",
    ),
    (
        "ConfigMap of another chart",
        lambda c, t: _other_chart(c),
        pk.PodkitError,
        r"[other/p] container 'nginx' uses ConfigMap 'test/cfg' from another chart",
    ),
    (
        "ConfigMap of another app",
        lambda c, t: _other_app(c),
        pk.PodkitError,
        r"uses ConfigMap 'elsewhere/cfg' from another app",
    ),
    # files
    (
        "missing file",
        lambda c, t: pk.ConfigFromMap(c, "cfg", from_file=[t / "nope.conf"]),
        pk.SourceError,
        r"[test/cfg] from_file",
    ),
    ("unreadable file", lambda c, t: _unreadable(c, t), pk.SourceError, r"cannot read"),
    (
        "env-file is a directory",
        lambda c, t: pk.ConfigFromMap(c, "cfg", from_env_file=[t]),
        pk.SourceError,
        r"is a directory, not an env file",
    ),
    (
        "env-file invalid line",
        lambda c, t: _env_file(c, t, "GOOD=1\nexport BAD=2\n"),
        pk.SourceError,
        r"line 2: 'export BAD' is not a valid key name",
    ),
    (
        "env-file bare key, variable unset",
        lambda c, t: _env_file(c, t, "PODKIT_SURELY_UNSET_VAR\n"),
        pk.SourceError,
        r"environment variable 'PODKIT_SURELY_UNSET_VAR' is not set",
    ),
    (
        "key=path for a directory",
        lambda c, t: pk.ConfigFromMap(c, "cfg", from_file=[f"k={t}"]),
        pk.SourceError,
        r"cannot give a key name for a directory path",
    ),
    # wrong types at runtime (callers without mypy)
    (
        "int env value",
        lambda c, t: nginx(env={"PORT": 8080}),
        pk.PodkitTypeError,
        r"env var 'PORT' must be a str or EnvValue, got int 8080",
    ),
    (
        "string restart policy",
        lambda c, t: pod(c, restart_policy="Never"),
        pk.PodkitTypeError,
        r"restart_policy must be a RestartPolicy",
    ),
    (
        "string as main container",
        lambda c, t: pk.SidecarPod(c, "p", main="nginx"),  # type: ignore[arg-type]
        pk.PodkitTypeError,
        r"main must be a Container, got str",
    ),
    (
        "int label",
        lambda c, t: pod(c, labels={"version": 2}),
        pk.PodkitTypeError,
        r"label 'version' must be a str (quote it: '2')",
    ),
    (
        "string command",
        lambda c, t: nginx(command="nginx -g daemon"),
        pk.PodkitTypeError,
        r"command must be a list of str",
    ),
    (
        "port as string",
        lambda c, t: nginx(ports=["80"]),
        pk.PodkitTypeError,
        r"port must be an int between 1 and 65535, got str '80'",
    ),
    (
        "scope not a construct",
        lambda c, t: pk.SidecarPod("chart", "p", main=nginx()),  # type: ignore[arg-type]
        pk.PodkitTypeError,
        r"scope must be a construct",
    ),
    # names with a trailing newline: every pattern is matched in full (issue #11 section 3)
    (
        "object name with a trailing newline",
        lambda c, t: pod(c, "web\n"),
        pk.InvalidNameError,
        r"Pod name 'web\n' is not a valid DNS-1123 subdomain",
    ),
    (
        "container name with a trailing newline",
        lambda c, t: pk.Container(name="web\n", image="x"),
        pk.InvalidNameError,
        r"container name 'web\n' is not a valid DNS-1123 label",
    ),
    (
        "env var name with a trailing newline",
        lambda c, t: nginx(env={"LOG_LEVEL\n": "1"}),
        pk.InvalidNameError,
        r"[container 'nginx'] env var name 'LOG_LEVEL\n' is invalid",
    ),
    (
        "label value with a trailing newline",
        lambda c, t: pod(c, labels={"app": "web\n"}),
        pk.InvalidNameError,
        r"[test/p] label 'app' has invalid value 'web\n'",
    ),
    (
        "ConfigMap key with a trailing newline",
        lambda c, t: pk.ConfigFromMap(c, "cfg", data={"app.yaml\n": "1"}),
        pk.InvalidNameError,
        r"key (from data) 'app.yaml\n' is not a valid ConfigMap/Secret key",
    ),
    (
        "port name with a trailing newline",
        lambda c, t: pk.Probe.tcp_socket(port="http\n"),
        pk.InvalidNameError,
        r"port name 'http\n' is not a valid IANA service name",
    ),
    # values the API server would reject, caught where they arrive
    (
        "field path Kubernetes does not accept",
        lambda c, t: pk.FieldRef("spec.garbage"),
        pk.InvalidNameError,
        r"FieldRef 'spec.garbage' is not a field path Kubernetes accepts: use one of PodField.NODE_NAME",
    ),
    (
        "raw str where a PodField belongs",
        lambda c, t: pk.EnvValue.from_field("spec.nodeName"),  # type: ignore[arg-type]
        pk.PodkitTypeError,
        r"got str 'spec.nodeName': use PodField.NODE_NAME",
    ),
    (
        "raw str where a ResourceField belongs",
        lambda c, t: pk.EnvValue.from_resource("limits.cpu"),  # type: ignore[arg-type]
        pk.PodkitTypeError,
        r"got str 'limits.cpu': use ResourceField.LIMITS_CPU",
    ),
    (
        "resource divisor Kubernetes does not accept",
        lambda c, t: pk.EnvValue.from_resource(pk.ResourceField.LIMITS_MEMORY, divisor="1MB"),
        pk.InvalidQuantityError,
        r"divisor '1MB' is not supported for limits.memory",
    ),
    (
        "ResourceItem without a container",
        lambda c, t: pk.ResourceItem("", pk.ResourceField.LIMITS_CPU),
        pk.InvalidNameError,
        r"ResourceItem container is empty",
    ),
    (
        "probe header name",
        lambda c, t: pk.Probe.http_get("/", port=80, headers={"X Probe": "1"}),
        pk.InvalidNameError,
        r"probe header name 'X Probe' is not a valid HTTP header name",
    ),
    (
        "probe headers as a list",
        lambda c, t: pk.Probe.http_get("/", port=80, headers=[("X-Probe", "1")]),  # type: ignore[arg-type]
        pk.PodkitTypeError,
        r"probe headers must be a mapping of header name to value",
    ),
    (
        "host path with '..'",
        lambda c, t: pk.Volume.host_path("h", path="/var/../etc"),
        pk.InvalidNameError,
        r"host path '/var/../etc' must not contain a '..' element",
    ),
    (
        "item path starting with '..'",
        lambda c, t: pk.Volume.downward_api("p", items={"..data": pk.PodField.LABELS}),
        pk.InvalidNameError,
        r"item path '..data' must be a relative path without a '..' element and not starting with '..'",
    ),
    (
        "memory in millibytes",
        lambda c, t: nginx(resources=pk.Resources(memory_limit="512m")),
        pk.InvalidQuantityError,
        r"memory limit '512m' means 0.512 bytes ('m' is milli, one thousandth); did you mean '512Mi'",
    ),
    (
        "CPU with a byte suffix",
        lambda c, t: nginx(resources=pk.Resources(cpu_limit="512Mi")),
        pk.InvalidQuantityError,
        r"cpu limit '512Mi' is 536870912 cores: byte suffixes make no sense for CPU; did you mean '512m'",
    ),
    (
        "bare CPU number above 64 cores",
        lambda c, t: nginx(resources=pk.Resources(cpu_request="500")),
        pk.InvalidQuantityError,
        r"cpu request '500' is 500 whole cores, more than 64; did you mean '500m' (millicores)? "
        r"If you really mean cores, pass Resources(..., allow_large_cpu=True)",
    ),
    (
        "secret type as string",
        lambda c, t: pk.SecretEnv(c, "s", type="Opaque"),  # type: ignore[arg-type]
        pk.PodkitTypeError,
        r"type must be a SecretType",
    ),
]


def _mount_missing(chart: pk.Chart) -> None:
    main = nginx()
    main.mount(pk.Volume.empty_dir("v"), at="/v")
    pod(chart, main=main)


def _other_chart(chart: pk.Chart) -> None:
    cfg = pk.ConfigFromMap(chart, "cfg", data={"a": "1"})
    app = chart.node.scope
    other = pk.Chart(app, "other")  # type: ignore[arg-type]
    pod(other, main=nginx(env={"A": cfg.value("a")}))


def _other_app(chart: pk.Chart) -> None:
    cfg = pk.ConfigFromMap(pk.Chart(pk.App(), "elsewhere"), "cfg", data={"a": "1"})
    pod(chart, main=nginx(env={"A": cfg.value("a")}))


def _unreadable(chart: pk.Chart, tmp: Path) -> None:
    f = tmp / "secret.key"
    f.write_text("x")
    original = Path.read_bytes

    def deny(self: Path) -> bytes:
        if self == f:
            raise PermissionError(13, "Permission denied")
        return original(self)

    Path.read_bytes = deny  # type: ignore[method-assign]
    try:
        pk.ConfigFromMap(chart, "cfg", from_file=[f])
    finally:
        Path.read_bytes = original  # type: ignore[method-assign]


def _env_file(chart: pk.Chart, tmp: Path, text: str) -> None:
    (tmp / "app.env").write_text(text)
    pk.ConfigFromMap(chart, "cfg", from_env_file=[tmp / "app.env"])


@pytest.mark.parametrize(("what", "call", "error", "message"), CATALOGUE, ids=[row[0] for row in CATALOGUE])
def test_fails_on_bad_input(
    what: str,
    call: Callable[[pk.Chart, Path], object],
    error: type[Exception],
    message: str,
    chart: pk.Chart,
    tmp_path: Path,
) -> None:
    with pytest.raises(error, match=re.escape(message)):
        call(chart, tmp_path)


def test_every_error_is_a_value_or_type_error_exported_from_podkit() -> None:
    for row in CATALOGUE:
        error = row[2]
        assert issubclass(error, ValueError | TypeError)
        assert getattr(pk, error.__name__) is error
        assert error.__name__ in pk.__all__


def test_synth_reports_every_problem_at_once(chart: pk.Chart, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PODKIT_UNSET", raising=False)
    cfg = pk.ConfigFromMap(chart, "cfg")
    pk.SecretEnv(chart, "s", from_environment={"k": "PODKIT_UNSET"}, type=pk.SecretType.TLS)
    pod(chart, main=nginx(env={"A": cfg.value("a"), "B": cfg.value("b")}))
    with pytest.raises(pk.SynthError) as err:
        chart.to_json()
    problems = err.value.problems
    assert len(problems) == 4
    assert [(p.path, p.rule) for p in problems] == [
        ("test/s", "reference"),
        ("test/s", "source"),
        ("test/p: container 'nginx'", "reference"),
        ("test/p: container 'nginx'", "reference"),
    ]
    texts = [str(p) for p in problems]
    assert any("environment variable 'PODKIT_UNSET'" in p for p in texts)
    assert any("needs key tls.crt and tls.key" in p for p in texts)
    assert sum("of ConfigMap 'test/cfg', which has no such key" in p for p in texts) == 2
