"""The benchmark compares the same work: all four implementations of the workload produce
the same objects (same kinds, names and fields), once cdk8s-plus's additions are removed.

cdk8s-plus adds things the workload did not ask for (and writes Secrets as stringData);
``normalise_cdk8s_plus`` removes exactly those, listed here, so the comparison is honest.
"""

from __future__ import annotations

import base64
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.k8s import assert_valid

BENCH = Path(__file__).resolve().parent.parent / "bench" / "synth_workload.py"
UNITS = 3

# Fields cdk8s-plus adds to a Pod spec / containers on its own.
PLUS_POD_EXTRAS = {
    "automountServiceAccountToken",
    "dnsPolicy",
    "hostNetwork",
    "securityContext",
    "setHostnameAsFQDN",
    "shareProcessNamespace",
    "terminationGracePeriodSeconds",
}
PLUS_CONTAINER_EXTRAS = {"imagePullPolicy", "securityContext", "startupProbe"}


def start(impl: str, tmp_path: Path) -> subprocess.Popen[bytes]:
    out = tmp_path / impl
    return subprocess.Popen(
        [sys.executable, str(BENCH), "--impl", impl, "--units", str(UNITS), "--outdir", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def read(impl: str, process: subprocess.Popen[bytes], tmp_path: Path) -> list[dict[str, Any]]:
    _, err = process.communicate(timeout=120)
    assert process.returncode == 0, (impl, err.decode(errors="replace"))
    (path,) = (tmp_path / impl).glob("*.yaml")
    docs = [d for d in yaml.safe_load_all(path.read_text()) if d]
    return docs


def normalise_cdk8s_plus(obj: dict[str, Any]) -> dict[str, Any]:
    obj.pop("immutable", None)
    labels = obj["metadata"].get("labels", {})
    labels.pop("cdk8s.io/metadata.addr", None)
    if obj["kind"] == "Secret":
        obj["type"] = obj.get("type", "Opaque")
        obj["data"] = {k: base64.b64encode(v.encode()).decode() for k, v in obj.pop("stringData").items()}
    if obj["kind"] == "Pod":
        spec = obj["spec"]
        for key in PLUS_POD_EXTRAS:
            spec.pop(key, None)
        for c in spec["containers"] + spec.get("initContainers", []):
            for key in PLUS_CONTAINER_EXTRAS:
                c.pop(key, None)
            if c["name"] != "main":
                c.pop("resources")  # default requests/limits the workload did not ask for
            for probe in ("livenessProbe", "readinessProbe"):
                if probe in c:
                    c[probe].pop("failureThreshold")  # Kubernetes' default, written out
                    c[probe]["httpGet"].pop("scheme")  # HTTP, Kubernetes' default
    return obj


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict[str, Any]]]:
    tmp = tmp_path_factory.mktemp("bench")
    # side by side: each is a process that mostly waits on its Node kernel's start
    running = {impl: start(impl, tmp) for impl in ("podkit", "cdk8s-plus", "l1", "pyyaml")}
    return {impl: read(impl, process, tmp) for impl, process in running.items()}


def key(obj: dict[str, Any]) -> tuple[str, str]:
    return (obj["kind"], obj["metadata"]["name"])


def test_all_implementations_make_the_same_objects(outputs: dict[str, list[dict[str, Any]]]) -> None:
    reference = {key(o): o for o in outputs["pyyaml"]}
    assert len(reference) == 3 * UNITS
    for impl, docs in outputs.items():
        if impl == "cdk8s-plus":
            docs = [normalise_cdk8s_plus(d) for d in docs]
        assert {key(o): o for o in docs} == reference, impl


def test_every_implementation_is_schema_valid(outputs: dict[str, list[dict[str, Any]]]) -> None:
    for docs in outputs.values():
        assert_valid(docs)


def test_podkit_output_is_exactly_the_floor(outputs: dict[str, list[dict[str, Any]]]) -> None:
    # no normalisation at all: podkit writes what was asked, in the same order
    assert outputs["podkit"] == outputs["pyyaml"]
