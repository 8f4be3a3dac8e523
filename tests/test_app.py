"""podkit.App: all of dist/ or nothing; every problem of every chart at once."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import podkit as pk
from tests.k8s import assert_valid


def build_ok(app: pk.App) -> None:
    chart = pk.Chart(app, "good")
    pk.SidecarPod(chart, "web", main=pk.Container(name="nginx", image="nginx:1.14.2"))


def snapshot_folder(folder: Path) -> dict[str, bytes]:
    files = {p.name: p.read_bytes() for p in sorted(folder.iterdir())}
    # whatever a test has synthesized to disk is checked against the 1.33 schema (strict)
    for content in files.values():
        assert_valid([d for d in yaml.safe_load_all(content) if d])
    return files


def test_synth_writes_one_file_per_chart(tmp_path: Path) -> None:
    app = pk.App(outdir=str(tmp_path / "dist"))
    build_ok(app)
    pk.Chart(app, "empty")
    app.synth()
    assert sorted(snapshot_folder(tmp_path / "dist")) == ["empty.k8s.yaml", "good.k8s.yaml"]
    assert (tmp_path / "dist" / "empty.k8s.yaml").read_text() == ""


def test_failed_synth_leaves_previous_output_untouched(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    first = pk.App(outdir=str(out))
    build_ok(first)
    first.synth()
    before = snapshot_folder(out)

    # GIVEN an app whose second chart references a key its ConfigMap does not have
    second = pk.App(outdir=str(out))
    build_ok(second)
    bad = pk.Chart(second, "bad")
    cfg = pk.ConfigFromMap(bad, "cfg", from_literal={"a": "1"})
    pk.SidecarPod(bad, "p", main=pk.Container(name="c", image="x", env={"B": cfg.value("b")}))
    # WHEN it synthesizes  THEN it fails and nothing changed on disk
    with pytest.raises(
        pk.SynthError, match=r"uses key 'b' of ConfigMap 'bad/cfg', which has no such key \(keys: a\)"
    ):
        second.synth()
    assert snapshot_folder(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]  # no staging leftovers


def test_all_problems_of_all_charts_are_reported_at_once(tmp_path: Path) -> None:
    app = pk.App(outdir=str(tmp_path / "dist"))
    for name in ("one", "two"):
        chart = pk.Chart(app, name)
        cfg = pk.ConfigFromMap(chart, "cfg")
        c = pk.Container(name="c", image="x", env={"A": cfg.value("a"), "B": cfg.value("b")})
        pk.SidecarPod(chart, "p", main=c)
    with pytest.raises(pk.SynthError) as err:
        app.synth()
    assert len(err.value.problems) == 4
    assert str(err.value).startswith(
        "synth failed with 4 problem(s); nothing was written:\n  - [one/p: container 'c']"
    )
    assert not (tmp_path / "dist").exists()


def test_stale_files_are_removed(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    out.mkdir()
    (out / "old-chart.k8s.yaml").write_text("stale")
    app = pk.App(outdir=str(out))
    build_ok(app)
    app.synth()
    assert sorted(snapshot_folder(out)) == ["good.k8s.yaml"]


def test_synth_yaml_matches_files(tmp_path: Path) -> None:
    app = pk.App(outdir=str(tmp_path / "dist"))
    build_ok(app)
    text = app.synth_yaml()
    app.synth()
    assert text == (tmp_path / "dist" / "good.k8s.yaml").read_text()


def test_dependent_charts_are_numbered_like_cdk8s(tmp_path: Path) -> None:
    import cdk8s

    def build(app: cdk8s.App) -> None:
        base = pk.Chart(app, "base")
        web = pk.Chart(app, "web")
        pk.ConfigFromMap(base, "cfg", data={"a": "1"})
        pk.SidecarPod(web, "p", main=pk.Container(name="c", image="x"))
        web.add_dependency(base)

    theirs = cdk8s.App(outdir=str(tmp_path / "cdk8s"))
    build(theirs)
    theirs.synth()
    ours = pk.App(outdir=str(tmp_path / "podkit"))
    build(ours)
    ours.synth()
    assert sorted(snapshot_folder(tmp_path / "podkit")) == ["0000-base.k8s.yaml", "0001-web.k8s.yaml"]
    assert snapshot_folder(tmp_path / "podkit") == snapshot_folder(tmp_path / "cdk8s")
