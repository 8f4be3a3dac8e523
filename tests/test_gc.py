"""podkit relaxes the garbage collector during build and synth, and restores the caller's setting."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

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


class _Node:
    """A cycle: garbage only the collector can free."""

    def __init__(self) -> None:
        self.me = self


def test_after_synth_the_app_is_old_not_young_and_nothing_stays_frozen(tmp_path: Path) -> None:
    _gc.restore()
    app = pk.App(outdir=str(tmp_path / "out"))
    chart = pk.Chart(app, "c")
    for i in range(200):
        pk.ConfigFromMap(chart, f"cfg{i}", data={"a": "b"})
    assert gc.get_count()[0] > 1000  # the build's objects, still young (no collection ran)
    app.synth()
    # handed to the oldest generation unscanned: the next allocation does not scan the whole app
    assert gc.get_count()[0] < 100
    assert gc.get_freeze_count() == 0


def test_cyclic_garbage_made_during_a_build_is_still_collected(tmp_path: Path) -> None:
    import weakref

    _gc.restore()
    app = pk.App(outdir=str(tmp_path / "out"))
    pk.ConfigFromMap(pk.Chart(app, "c"), "cfg", data={"a": "b"})
    garbage = _Node()
    ref = weakref.ref(garbage)
    del garbage
    app.synth()
    assert ref() is not None  # no collection yet: it was aged with the app
    gc.collect()
    assert ref() is None


def test_a_programs_own_frozen_objects_stay_frozen(tmp_path: Path) -> None:
    _gc.restore()
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        app = pk.App(outdir=str(tmp_path / "out"))
        pk.ConfigFromMap(pk.Chart(app, "c"), "cfg", data={"a": "b"})
        app.synth()
        # still frozen (not released to the oldest generation), and the app was not frozen with
        # them; a frozen object may have been freed meanwhile, so the count may only have dropped
        assert frozen * 0.99 <= gc.get_freeze_count() <= frozen
    finally:
        gc.unfreeze()


def test_paused_raises_the_threshold_for_its_duration_only() -> None:
    _gc.restore()
    gc.set_threshold(321, 9, 8)
    try:
        with _gc.paused():
            assert gc.get_threshold() == (_gc.RELAXED_THRESHOLD, 9, 8)
            with _gc.paused():  # nested: no change
                assert gc.get_threshold() == (_gc.RELAXED_THRESHOLD, 9, 8)
            assert gc.get_threshold() == (_gc.RELAXED_THRESHOLD, 9, 8)
        assert gc.get_threshold() == (321, 9, 8)
        # an app made while paused remembers the caller's thresholds, not the paused ones
        with _gc.paused():
            _gc.relax()
        assert gc.get_threshold() == (_gc.RELAXED_THRESHOLD, 9, 8)
        _gc.restore()
        assert gc.get_threshold() == (321, 9, 8)
    finally:
        _gc.restore()
        gc.set_threshold(700, 10, 10)


def test_a_failed_app_leaves_the_thresholds_as_they_were(tmp_path: Path) -> None:
    _gc.restore()
    before = gc.get_threshold()
    try:
        pk.App(outdir=str(tmp_path / "out"), node_port_range=(5, 1))
    except pk.PodkitError:
        pass
    else:  # pragma: no cover
        raise AssertionError("App() should have failed")
    assert gc.get_threshold() == before


def test_no_collection_runs_while_an_app_is_synthesized(tmp_path: Path) -> None:
    _gc.restore()
    seen: list[bool] = []
    app = pk.App(outdir=str(tmp_path / "out"))
    cfg = pk.ConfigFromMap(pk.Chart(app, "c"), "cfg", data={"a": "b"})
    original = cfg.render

    def render() -> Any:
        seen.append(gc.isenabled())
        return original()

    cfg.render = render  # type: ignore[method-assign]
    app.synth()
    assert seen == [False]
    assert gc.isenabled()


def test_no_collection_leaves_a_disabled_collector_disabled() -> None:
    gc.disable()
    try:
        with _gc.no_collection():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
    with _gc.no_collection():
        with _gc.no_collection():
            assert not gc.isenabled()
        kept = [[i] for i in range(5000)]  # lasting objects made meanwhile ...
        assert not gc.isenabled()
    assert gc.isenabled()
    # ... are old, unscanned: re-enabling does not start a collection of them all
    assert gc.get_count()[0] < 100 and len(kept) == 5000
