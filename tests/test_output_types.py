"""Every cdk8s.YamlOutputType holds podkit's objects, through podkit.App and cdk8s.App alike."""

from __future__ import annotations

from pathlib import Path

import cdk8s
import pytest

import podkit as pk

TYPES = {
    "FILE_PER_CHART": (cdk8s.YamlOutputType.FILE_PER_CHART, ["a.k8s.yaml", "b.k8s.yaml"]),
    "FILE_PER_APP": (cdk8s.YamlOutputType.FILE_PER_APP, ["app.k8s.yaml"]),
    "FILE_PER_RESOURCE": (
        cdk8s.YamlOutputType.FILE_PER_RESOURCE,
        ["ConfigMap.cfg.k8s.yaml", "Pod.web.k8s.yaml", "Secret.s.k8s.yaml"],
    ),
    "FOLDER_PER_CHART_FILE_PER_RESOURCE": (
        cdk8s.YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE,
        ["a/ConfigMap.cfg.k8s.yaml", "a/Pod.web.k8s.yaml", "b/Secret.s.k8s.yaml"],
    ),
}


def build(app: cdk8s.App) -> None:
    a = pk.Chart(app, "a")
    cfg = pk.ConfigFromMap(a, "cfg", data={"k": "v"})
    pk.SidecarPod(a, "web", main=pk.Container(name="web", image="nginx:1.27", env={"K": cfg.value("k")}))
    pk.SecretEnv(pk.Chart(app, "b"), "s", from_literal={"x": "y"})


def files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*.k8s.yaml"))


@pytest.mark.parametrize("name", TYPES)
def test_podkit_app(name: str, tmp_path: Path) -> None:
    output_type, expected = TYPES[name]
    app = pk.App(outdir=str(tmp_path / "dist"), yaml_output_type=output_type)
    build(app)
    app.synth()
    assert files(tmp_path / "dist") == expected


@pytest.mark.parametrize("name", TYPES)
def test_cdk8s_app_writes_the_same_files(name: str, tmp_path: Path) -> None:
    output_type, expected = TYPES[name]
    app = cdk8s.App(outdir=str(tmp_path / "cdk8s"), yaml_output_type=output_type)
    build(app)
    app.synth()
    assert files(tmp_path / "cdk8s") == expected
    mine = pk.App(outdir=str(tmp_path / "podkit"), yaml_output_type=output_type)
    build(mine)
    mine.synth()
    for rel in expected:
        assert (tmp_path / "podkit" / rel).read_text() == (tmp_path / "cdk8s" / rel).read_text(), rel


def test_fails_on_an_output_type_given_as_str() -> None:
    with pytest.raises(pk.PodkitTypeError, match=r"yaml_output_type must be a cdk8s\.YamlOutputType"):
        pk.App(yaml_output_type="FILE_PER_APP")  # type: ignore[arg-type]
