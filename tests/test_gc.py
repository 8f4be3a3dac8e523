"""podkit relaxes the garbage collector during build and synth, and restores the caller's setting."""

from __future__ import annotations

import gc
from pathlib import Path

import podkit as pk
from podkit import _gc


def test_thresholds_are_relaxed_during_build_and_restored_after_synth(tmp_path: Path) -> None:
    _gc.restore()
    gc.set_threshold(321, 9, 8)
    try:
        app = pk.App(outdir=str(tmp_path / "out"))
        assert gc.get_threshold() == (_gc.RELAXED_THRESHOLD, 9, 8)
        pk.ConfigFromMap(pk.Chart(app, "c"), "cfg", data={"a": "b"})
        app.synth()
        assert gc.get_threshold() == (321, 9, 8)
        assert gc.isenabled()
    finally:
        gc.set_threshold(700, 10, 10)


def test_thresholds_are_restored_when_synth_fails(tmp_path: Path) -> None:
    _gc.restore()
    before = gc.get_threshold()
    app = pk.App(outdir=str(tmp_path / "out"))
    cfg = pk.ConfigFromMap(pk.Chart(app, "c"), "cfg")
    pk.SidecarPod(
        cfg.chart, "p", main=pk.Container(name="c", image="nginx:1.27", env={"X": cfg.value("missing")})
    )
    try:
        app.synth()
    except pk.SynthError:
        pass
    else:  # pragma: no cover
        raise AssertionError("synth should have failed")
    assert gc.get_threshold() == before
