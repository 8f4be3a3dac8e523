"""kubectl is the oracle: for the same inputs, ConfigFromMap/SecretEnv hold the same data as
``kubectl create configmap|secret generic ... --dry-run=client -o json``, and every input
kubectl rejects, podkit rejects too (with a PodkitError).

Each case builds real files in a temporary directory and runs kubectl itself.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

import podkit as pk
from tests.k8s import synth

KUBECTL = shutil.which("kubectl")
pytestmark = pytest.mark.skipif(
    KUBECTL is None, reason="kubectl is not installed on this machine: kubectl parity cannot be checked here"
)

SYMLINK = object()


@dataclass
class Case:
    id: str
    files: dict[str, Any] = field(default_factory=dict)  # path -> bytes, or (SYMLINK, target)
    dirs: list[str] = field(default_factory=list)
    from_file: list[str] = field(default_factory=list)  # "{d}" is the case directory
    literals: list[tuple[str, str]] = field(default_factory=list)
    env_files: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    fails: bool = False


ENV_RULES = (
    b"\xef\xbb\xbfFIRST=bom is dropped\n"
    b"# a comment\n"
    b"\n"
    b"   \n"
    b"  LEADING=leading whitespace trimmed\n"
    b'QUOTED="quotes are kept"\n'
    b"SINGLE='single too'\n"
    b"EQUALS=a=b=c\n"
    b"CRLF=windows line\r\n"
    b"TRAILING=kept   \n"
    b"EMPTY=\n"
    b"UNICODE=\xed\x95\x9c\xea\xb8\x80\n"
    b"\t#indented comment\n"
    b"dotted.key-name=ok\n"
    b"NO_NEWLINE_AT_END=last"
)

CASES = [
    Case("literals", literals=[("foo", "bar"), ("foo2", "bar2")]),
    Case(
        "literal-values-verbatim",
        literals=[("a", '"quoted"'), ("b", "c=d"), ("e", " spaces "), ("uni", "한글 ✓"), ("empty", "")],
    ),
    Case("file-base-name", files={"app.properties": b"k=v\n"}, from_file=["{d}/app.properties"]),
    Case("file-key-equals-path", files={"a.txt": b"x"}, from_file=["renamed.conf={d}/a.txt"]),
    Case(
        "file-crlf-unicode-empty",
        files={"crlf.txt": b"line1\r\nline2\r\n", "uni.txt": "한글 ✓\n".encode(), "empty.txt": b""},
        from_file=["{d}/crlf.txt", "{d}/uni.txt", "{d}/empty.txt"],
    ),
    Case("file-binary", files={"blob.bin": b"\xff\xfe\x00\x01binary"}, from_file=["{d}/blob.bin"]),
    Case(
        "directory",
        files={
            "conf/a.txt": b"a\n",
            "conf/.hidden": b"dotfiles are kept\n",
            "conf/sub/nested.txt": b"subdirectories are skipped\n",
            "conf/link.txt": (SYMLINK, "a.txt"),
            "conf/blob.bin": b"\x80\x81",
        },
        from_file=["{d}/conf"],
    ),
    Case("empty-directory", dirs=["empty"], from_file=["{d}/empty"], literals=[("x", "y")]),
    Case("env-file-rules", files={"app.env": ENV_RULES}, env_files=["{d}/app.env"]),
    Case(
        "env-file-key-from-environment",
        files={"e.env": b"FROM_ENV\n"},
        env_files=["{d}/e.env"],
        env={"FROM_ENV": "hi"},
    ),
    Case("two-env-files", files={"a.env": b"A=1\n", "b.env": b"B=2\n"}, env_files=["{d}/a.env", "{d}/b.env"]),
    Case("mixed-sources", files={"a.txt": b"a"}, from_file=["{d}/a.txt"], literals=[("b", "2")]),
    # errors
    Case(
        "dup-file-and-literal",
        files={"a.txt": b"a"},
        from_file=["{d}/a.txt"],
        literals=[("a.txt", "x")],
        fails=True,
    ),
    Case("dup-literal", literals=[("a", "1"), ("a", "2")], fails=True),
    Case("dup-in-env-file", files={"d.env": b"A=1\nA=2\n"}, env_files=["{d}/d.env"], fails=True),
    Case(
        "dup-across-env-files",
        files={"a.env": b"A=1\n", "b.env": b"A=2\n"},
        env_files=["{d}/a.env", "{d}/b.env"],
        fails=True,
    ),
    Case(
        "dup-directory-and-file",
        files={"conf/a.txt": b"a", "other/a.txt": b"b"},
        from_file=["{d}/conf", "{d}/other/a.txt"],
        fails=True,
    ),
    Case("env-file-export", files={"e.env": b"export X=1\n"}, env_files=["{d}/e.env"], fails=True),
    Case("env-file-space-in-key", files={"e.env": b"MY KEY=1\n"}, env_files=["{d}/e.env"], fails=True),
    Case("env-file-space-before-equals", files={"e.env": b"KEY =1\n"}, env_files=["{d}/e.env"], fails=True),
    Case("env-file-digit-first", files={"e.env": b"1KEY=1\n"}, env_files=["{d}/e.env"], fails=True),
    Case("env-file-invalid-utf8", files={"e.env": b"A=\xff\n"}, env_files=["{d}/e.env"], fails=True),
    Case("env-file-missing", env_files=["{d}/nope.env"], fails=True),
    Case("invalid-key-for-file", files={"a.txt": b"a"}, from_file=["bad key={d}/a.txt"], fails=True),
    Case("key-for-directory", dirs=["conf"], from_file=["k={d}/conf"], fails=True),
    Case("missing-file", from_file=["{d}/nope.txt"], fails=True),
    Case("empty-key", files={"a.txt": b"a"}, from_file=["={d}/a.txt"], fails=True),
    Case("empty-path", from_file=["key="], fails=True),
    Case("two-equals", files={"a.txt": b"a"}, from_file=["a=b={d}/a.txt"], fails=True),
    Case("invalid-file-name-in-directory", files={"conf/a b.txt": b"a"}, from_file=["{d}/conf"], fails=True),
    Case("invalid-literal-key", literals=[("a b", "1")], fails=True),
    Case("dot-dot-key", literals=[("..", "1")], fails=True),
]


def _layout(case: Case, root: Path) -> None:
    for d in case.dirs:
        (root / d).mkdir(parents=True, exist_ok=True)
    for rel, content in case.files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, tuple) and content[0] is SYMLINK:
            path.symlink_to(content[1])
        else:
            path.write_bytes(content)


def _kubectl(kind: str, case: Case, root: Path) -> dict[str, Any] | None:
    cmd = [
        str(KUBECTL),
        "create",
        *(["configmap"] if kind == "ConfigMap" else ["secret", "generic"]),
        "parity",
    ]
    cmd += [f"--from-file={s.format(d=root)}" for s in case.from_file]
    cmd += [f"--from-literal={k}={v}" for k, v in case.literals]
    cmd += [f"--from-env-file={s.format(d=root)}" for s in case.env_files]
    cmd += ["--dry-run=client", "-o", "json"]
    env = {**os.environ, **case.env}
    result = subprocess.run(cmd, capture_output=True, env=env, check=False)
    if result.returncode != 0:
        return None
    obj: dict[str, Any] = json.loads(result.stdout)
    return obj


def _kubectl_secret(args: list[str]) -> dict[str, Any]:
    """kubectl's Secret for ``kubectl create secret ARGS``; raises CalledProcessError when it refuses."""
    out = subprocess.run(
        [str(KUBECTL), "create", "secret", *args, "--dry-run=client", "-o", "json"],
        capture_output=True,
        check=True,
    )
    doc: dict[str, Any] = json.loads(out.stdout)
    return doc


def _podkit(kind: str, case: Case, root: Path, chart: pk.Chart) -> dict[str, Any]:
    from_file = [s.format(d=root) for s in case.from_file]
    env_files = [s.format(d=root) for s in case.env_files]
    obj: pk.ConfigFromMap | pk.SecretEnv
    if kind == "ConfigMap":
        obj = pk.ConfigFromMap(chart, "parity", from_file=from_file, from_env_file=env_files)
    else:
        obj = pk.SecretEnv(chart, "parity", from_file=from_file, from_env_file=env_files)
    for k, v in case.literals:
        obj.add_literal(k, v)
    (out,) = synth(chart)
    return out


@pytest.mark.parametrize("kind", ["ConfigMap", "Secret"])
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_same_data_as_kubectl(
    kind: str, case: Case, tmp_path: Path, chart: pk.Chart, monkeypatch: pytest.MonkeyPatch
) -> None:
    _layout(case, tmp_path)
    for k, v in case.env.items():
        monkeypatch.setenv(k, v)
    expected = _kubectl(kind, case, tmp_path)
    if case.fails:
        assert expected is None, f"kubectl accepted case {case.id!r}: the case is wrong"
        with pytest.raises(pk.PodkitError):
            _podkit(kind, case, tmp_path, chart)
        return
    assert expected is not None, f"kubectl rejected case {case.id!r}"
    got = _podkit(kind, case, tmp_path, chart)
    assert got.get("data", {}) == expected.get("data", {})
    assert got.get("binaryData", {}) == expected.get("binaryData", {})
    if kind == "Secret":
        assert got["type"] == expected.get("type", "Opaque")


def test_cases_cover_what_the_issue_lists() -> None:
    # a guard against silently dropping cases from the parity suite
    ids = {c.id for c in CASES}
    for required in (
        "file-key-equals-path",
        "directory",
        "file-binary",
        "file-crlf-unicode-empty",
        "env-file-rules",
        "env-file-export",
        "dup-literal",
        "dup-file-and-literal",
        "invalid-literal-key",
    ):
        assert required in ids


TYPED = [
    (
        "kubernetes.io/tls",
        pk.SecretType.TLS,
        {"tls.crt": b"-----BEGIN CERT-----\n", "tls.key": b"\x00\x01key"},
    ),
    ("kubernetes.io/basic-auth", pk.SecretType.BASIC_AUTH, {"username": b"admin", "password": b"pw"}),
    ("kubernetes.io/ssh-auth", pk.SecretType.SSH_AUTH, {"ssh-privatekey": b"-----BEGIN OPENSSH-----\n"}),
    (
        "kubernetes.io/dockerconfigjson",
        pk.SecretType.DOCKER_CONFIG_JSON,
        {".dockerconfigjson": b'{"auths":{}}'},
    ),
]


@pytest.mark.parametrize(("type_name", "secret_type", "files"), TYPED, ids=[t[0] for t in TYPED])
def test_typed_secrets_match_kubectl(
    type_name: str, secret_type: pk.SecretType, files: dict[str, bytes], tmp_path: Path, chart: pk.Chart
) -> None:
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    expected = _kubectl_secret(
        ["generic", "typed", f"--type={type_name}", *(f"--from-file={tmp_path / name}" for name in files)]
    )
    pk.SecretEnv(chart, "typed", from_file=[tmp_path / name for name in files], type=secret_type)
    (got,) = synth(chart)
    assert got["type"] == expected["type"] == type_name
    assert got["data"] == expected["data"]


# -- typed factories: SecretEnv.tls / SecretEnv.docker_registry vs kubectl create secret ----------
def test_tls_factory_same_as_kubectl(tmp_path: Path, chart: pk.Chart) -> None:
    from tests.test_namespace import write_tls

    cert, key = write_tls(tmp_path)
    expected = _kubectl_secret(["tls", "site", f"--cert={cert}", f"--key={key}"])
    pk.SecretEnv.tls(chart, "site", cert_file=cert, key_file=key)
    (got,) = synth(chart)
    assert (got["type"], got["data"]) == (expected["type"], expected["data"])


def test_tls_factory_refuses_what_kubectl_refuses(tmp_path: Path, chart: pk.Chart) -> None:
    from tests.test_namespace import write_tls

    cert, _ = write_tls(tmp_path, "a.example")
    _, other_key = write_tls(tmp_path, "b.example")
    (tmp_path / "empty.pem").write_bytes(b"no pem here\n")
    for cert_file, key_file in (
        (cert, other_key),
        (tmp_path / "empty.pem", other_key),
        (tmp_path / "nope", other_key),
    ):
        with pytest.raises(subprocess.CalledProcessError):
            _kubectl_secret(["tls", "x", f"--cert={cert_file}", f"--key={key_file}"])
        with pytest.raises(pk.PodkitError):
            pk.SecretEnv.tls(chart, "x", cert_file=cert_file, key_file=key_file)


@pytest.mark.parametrize(
    ("server", "email"),
    [(None, None), ("ghcr.io", "dev@example.com"), ("https://r.example/v2/", None)],
    ids=["docker-hub", "with-email", "custom-server"],
)
def test_docker_registry_factory_same_as_kubectl(
    server: str | None, email: str | None, chart: pk.Chart
) -> None:
    args = ["docker-registry", "regcred", "--docker-username=bot", "--docker-password=p<a>&ss"]
    args += [f"--docker-server={server}"] if server else []
    args += [f"--docker-email={email}"] if email else []
    expected = _kubectl_secret(args)
    kw: dict[str, Any] = {"server": server} if server else {}
    pk.SecretEnv.docker_registry(chart, "regcred", username="bot", password="p<a>&ss", email=email, **kw)
    (got,) = synth(chart)
    assert (got["type"], got["data"]) == (expected["type"], expected["data"])


def test_docker_registry_config_file_same_as_kubectl(tmp_path: Path, chart: pk.Chart) -> None:
    config = tmp_path / "config.json"
    config.write_bytes(b'{"auths": {"r.io": {"auth": "eDp5"}}}\n')
    expected = _kubectl_secret(["docker-registry", "regcred", f"--from-file=.dockerconfigjson={config}"])
    pk.SecretEnv.docker_registry(chart, "regcred", config_file=config)
    (got,) = synth(chart)
    assert (got["type"], got["data"]) == (expected["type"], expected["data"])
