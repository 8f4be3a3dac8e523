"""Namespace, ServiceAccount (pull secrets as objects) and the typed Secret factories
``SecretEnv.tls`` / ``SecretEnv.docker_registry`` in every kind of chart.

Byte-for-byte parity with kubectl is in ``test_kubectl_parity.py``.
"""

from __future__ import annotations

import base64
import datetime
import os
from pathlib import Path

import cdk8s
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

import podkit as pk
from podkit.namespace import Namespace, ServiceAccount
from podkit.workloads import Deployment
from tests.k8s import by_name, synth

HERE = Path(__file__).parent


def write_tls(root: Path, cn: str = "example.com") -> tuple[Path, Path]:
    """A self-signed certificate and its key (EC P-256, PKCS#8) in ``root``."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
    start = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(days=365))
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = root / f"{cn}.crt", root / f"{cn}.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_file, key_file


def any_chart(kind: str) -> cdk8s.Chart:
    if kind == "testing":
        return cdk8s.Testing.chart()
    app = cdk8s.App()
    return pk.Chart(app, "c") if kind == "podkit" else cdk8s.Chart(app, "c")


CHARTS = ["podkit", "cdk8s", "testing"]


# -- Namespace ---------------------------------------------------------------------------------
def test_namespace_exact_and_never_namespaced(app: pk.App) -> None:
    chart = pk.Chart(app, "c", namespace="shop", labels={"team": "web"})
    Namespace(chart, "shop", labels={"pod-security.kubernetes.io/enforce": "restricted"})
    assert synth(chart) == [
        {
            "apiVersion": "v1",
            "kind": "Namespace",
            "metadata": {
                "name": "shop",
                "labels": {"team": "web", "pod-security.kubernetes.io/enforce": "restricted"},
            },
        }
    ]


def test_fails_namespace_name_not_a_label(chart: pk.Chart) -> None:
    with pytest.raises(pk.InvalidNameError, match=r"Namespace name 'a.b'"):
        Namespace(chart, "ns", name="a.b")


# -- ServiceAccount ----------------------------------------------------------------------------
def test_service_account_exact(chart: pk.Chart) -> None:
    reg = pk.SecretEnv.docker_registry(chart, "regcred", username="bot", password="pw")
    ServiceAccount(
        chart,
        "web",
        automount_service_account_token=False,
        image_pull_secrets=[reg, pk.SecretEnv.from_name("mirror-cred")],
    )
    assert by_name(synth(chart), "web") == {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": {"name": "web"},
        "automountServiceAccountToken": False,
        "imagePullSecrets": [{"name": "regcred"}, {"name": "mirror-cred"}],
    }


def test_workload_takes_the_service_account_object(chart: pk.Chart) -> None:
    sa = ServiceAccount(chart, "runner", name="runner-sa")
    Deployment(chart, "web", main=pk.Container(name="web", image="nginx:1.27"), service_account=sa)
    assert by_name(synth(chart), "web")["spec"]["template"]["spec"]["serviceAccountName"] == "runner-sa"


def test_fails_pull_secret_of_the_wrong_type(chart: pk.Chart) -> None:
    opaque = pk.SecretEnv(chart, "opaque", from_literal={"a": "b"})
    with pytest.raises(pk.PodkitError, match=r"\[test/sa\] image pull secret 'test/opaque' has type Opaque; expected "
                       r"kubernetes.io/dockerconfigjson: build it with SecretEnv.docker_registry"):  # fmt: skip
        ServiceAccount(chart, "sa", image_pull_secrets=[opaque])


def test_fails_pull_secret_by_name_string_or_config_map(chart: pk.Chart) -> None:
    with pytest.raises(
        pk.PodkitTypeError, match=r"image_pull_secrets takes Secret objects .* got str 'regcred'"
    ):
        ServiceAccount(chart, "sa", image_pull_secrets=["regcred"])  # type: ignore[list-item]
    with pytest.raises(pk.PodkitTypeError, match=r"got ConfigMapRef"):
        ServiceAccount(chart, "sa", image_pull_secrets=[pk.ConfigFromMap.from_name("x")])  # type: ignore[list-item]
    with pytest.raises(pk.PodkitTypeError, match=r"image_pull_secrets takes a list, got a single"):
        ServiceAccount(chart, "sa", image_pull_secrets=pk.SecretEnv.from_name("x"))  # type: ignore[arg-type]


def test_fails_pull_secret_twice_or_from_another_chart(app: pk.App) -> None:
    a, b = pk.Chart(app, "a"), pk.Chart(app, "b")
    reg = pk.SecretEnv.docker_registry(a, "reg", username="u", password="p")
    with pytest.raises(pk.PodkitError, match=r"image pull secret 'a/reg' is in another chart"):
        ServiceAccount(b, "sa", image_pull_secrets=[reg])
    with pytest.raises(pk.PodkitError, match=r"image pull secret 'reg' is added twice"):
        ServiceAccount(a, "sa", image_pull_secrets=[reg, pk.SecretEnv.from_name("reg")])


def test_fails_automount_not_a_bool(chart: pk.Chart) -> None:
    with pytest.raises(
        pk.PodkitTypeError, match=r"automount_service_account_token must be a bool, got str 'no'"
    ):
        ServiceAccount(chart, "sa", automount_service_account_token="no")  # type: ignore[arg-type]


# -- typed Secret factories --------------------------------------------------------------------
@pytest.mark.parametrize("kind", CHARTS)
def test_tls_factory_in_any_chart(kind: str, tmp_path: Path) -> None:
    cert, key = write_tls(tmp_path)
    chart = any_chart(kind)
    secret = pk.SecretEnv.tls(chart, "site-tls", cert_file=cert, key_file=key)
    assert secret.type is pk.SecretType.TLS and secret.keys() == ["tls.crt", "tls.key"]
    (obj,) = synth(chart)
    assert obj["type"] == "kubernetes.io/tls"
    assert base64.b64decode(obj["data"]["tls.crt"]) == cert.read_bytes()
    assert base64.b64decode(obj["data"]["tls.key"]) == key.read_bytes()


@pytest.mark.parametrize("kind", CHARTS)
def test_docker_registry_factory_in_any_chart(kind: str) -> None:
    chart = any_chart(kind)
    pk.SecretEnv.docker_registry(
        chart, "regcred", server="ghcr.io", username="bot", password="pw", email="a@b.c"
    )
    (obj,) = synth(chart)
    assert obj["type"] == "kubernetes.io/dockerconfigjson"
    assert base64.b64decode(obj["data"][".dockerconfigjson"]) == (
        b'{"auths":{"ghcr.io":{"username":"bot","password":"pw","email":"a@b.c","auth":"Ym90OnB3"}}}'
    )


def test_relative_paths_resolve_against_the_calling_file(chart: pk.Chart, tmp_path: Path) -> None:
    cert, key = write_tls(tmp_path)
    config = tmp_path / "config.json"
    config.write_bytes(b'{"auths":{"r.io":{"auth":"eDp5"}}}')
    rel = Path(os.path.relpath(tmp_path, HERE))
    pk.SecretEnv.tls(chart, "tls", cert_file=str(rel / cert.name), key_file=rel / key.name)
    pk.SecretEnv.docker_registry(chart, "reg", config_file=str(rel / "config.json"))
    objs = synth(chart)
    assert base64.b64decode(by_name(objs, "reg")["data"][".dockerconfigjson"]) == config.read_bytes()


def test_fails_tls_key_of_another_certificate_and_leaves_nothing(chart: pk.Chart, tmp_path: Path) -> None:
    cert, _ = write_tls(tmp_path, "a.example")
    _, other_key = write_tls(tmp_path, "b.example")
    with pytest.raises(pk.SourceError, match=r"\[test/tls\] .*"):
        pk.SecretEnv.tls(chart, "tls", cert_file=cert, key_file=other_key)
    with pytest.raises(pk.SourceError, match=r"\[test/tls\] cert_file .*missing.crt"):
        pk.SecretEnv.tls(chart, "tls", cert_file=tmp_path / "missing.crt", key_file=other_key)
    assert synth(chart) == []  # the Secret was never created


def test_fails_tls_path_of_wrong_type(chart: pk.Chart) -> None:
    with pytest.raises(
        pk.PodkitTypeError, match=r"\[test/tls\] cert_file must be a path \(str or os.PathLike\), got int"
    ):
        pk.SecretEnv.tls(chart, "tls", cert_file=1, key_file="k")  # type: ignore[arg-type]


def test_fails_docker_registry_without_credentials(chart: pk.Chart) -> None:
    with pytest.raises(
        pk.PodkitError, match=r"\[test/reg\] docker registry username and password are missing"
    ):
        pk.SecretEnv.docker_registry(chart, "reg")
    assert synth(chart) == []


def test_a_sidecar_pod_takes_the_service_account_object(chart: pk.Chart) -> None:
    runner = pk.ServiceAccount(chart, "runner")
    pod = pk.SidecarPod(chart, "p", main=pk.Container(name="a", image="nginx:1.27"), service_account=runner)
    assert pod.to_manifest()["spec"]["serviceAccountName"] == "runner"
    old = pk.SidecarPod(
        chart, "q", main=pk.Container(name="a", image="nginx:1.27"), service_account_name="runner"
    )
    assert old.to_manifest()["spec"]["serviceAccountName"] == "runner"


def test_fails_sidecar_pod_with_both_service_account_spellings(chart: pk.Chart) -> None:
    runner = pk.ServiceAccount(chart, "runner")
    with pytest.raises(pk.PodkitError) as e:
        pk.SidecarPod(
            chart,
            "p",
            main=pk.Container(name="a", image="nginx:1.27"),
            service_account=runner,
            service_account_name="runner",
        )
    assert str(e.value) == (
        "[test/p] service_account and service_account_name both given: pass the ServiceAccount (or its "
        "name) as service_account only"
    )
