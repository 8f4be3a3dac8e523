"""The garbage collector around a podkit app's build and synth (issues #16, #20).

A synth creates many small, long-lived objects (constructs, containers, rendered dicts) and
frees almost none of them until the process ends, which is the worst case for CPython's
generational collector: every ~700 allocations it scans the young generation, finds nothing to
free, and moves it on to the older generations, which later collections rescan; at exit the
interpreter's final collection walks every object once more. A podkit build makes almost no
cyclic garbage (2,045 unreachable objects at the end of the 3,000-unit benchmark synth, the same
number at 100 units: import-time leftovers), so those scans buy nothing.

So, between ``podkit.App()`` and the end of ``App.synth()``:

* the young-generation threshold is raised to :data:`RELAXED_THRESHOLD` (collections become
  rare, not impossible: a program that makes cyclic garbage while it builds an app still has it
  collected, every that-many allocations, so memory stays bounded); the caller's thresholds are
  restored when synth ends, whether it succeeded or not;
* while ``App.synth()`` (or ``App.synth_documents()``) renders, checks and writes (podkit's own
  code, no cyclic garbage), there is no collection at all (:func:`no_collection`);
* at that restore the app's objects, all still in the young generation, are handed to the oldest
  one without a scan (``gc.freeze()`` then ``gc.unfreeze()``, two list splices): otherwise the
  first allocation after synth would scan the whole app (~20 ms at 1,000 units). They stay
  collectable: the next full collection looks at them, as at any old object. Skipped when the
  program has frozen objects of its own (``gc.get_freeze_count()``), which it must keep;
* after a synth, ``gc.freeze()`` is registered to run at interpreter exit (``atexit``), so the
  final collection skips the app's objects. Nothing changes for code that runs after synth:
  the freeze happens only once the program is exiting.

:func:`paused` raises the threshold while podkit loads its modules (and jsii and cdk8s), for the
same reason, and puts the caller's back right after.

Apps that never call ``synth`` (tests rendering charts directly) keep the raised threshold for
the life of the process; ``restore()`` puts it back.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
from collections.abc import Iterator

#: young-generation threshold during build and synth (CPython's default is 700): above what the
#: 3,000-unit benchmark allocates in all (~250,000 lasting objects), so it runs no collection;
#: a program making cyclic garbage meanwhile holds at most this many objects before one
RELAXED_THRESHOLD = 500_000

_saved: tuple[int, ...] | None = None
_freeze_registered = False


#: the caller's thresholds while :func:`paused` has raised them (what :func:`relax` must save)
_outside_pause: tuple[int, ...] | None = None


def relax() -> None:
    """Raise the collector's thresholds, remembering the caller's (once, for nested apps)."""
    global _saved
    if _saved is None:
        _saved = _outside_pause or gc.get_threshold()
        first, *rest = _saved
        gc.set_threshold(max(first, RELAXED_THRESHOLD), *rest)


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """The relaxed threshold for the duration only: podkit loading its modules (and jsii's and
    cdk8s's) allocates ~40,000 objects that live as long as the process, which the default
    threshold would scan ~45 times (~7 ms). The caller's thresholds are back afterwards, unless
    an app relaxed them meanwhile (then :func:`restore` puts the caller's back)."""
    global _outside_pause
    if _outside_pause is not None or _saved is not None:
        yield  # already relaxed
        return
    _outside_pause = before = gc.get_threshold()
    gc.set_threshold(max(before[0], RELAXED_THRESHOLD), *before[1:])
    try:
        yield
    finally:
        _outside_pause = None
        if _saved is None:
            _age_young_generation()
            gc.set_threshold(*before)


@contextlib.contextmanager
def no_collection() -> Iterator[None]:
    """No collection at all while podkit renders, checks and writes an app: that phase is
    podkit's own code and makes no cyclic garbage, but it allocates more lasting objects (the
    rendered documents) than any threshold can wait for in a large app, and one young
    collection of them all would scan half a million objects (~80 ms at 3,000 Deployment +
    Service units) to free nothing. The collector is as it was afterwards (nested: untouched)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        # what synth made is lasting (the rendered documents): old, unscanned, so re-enabling
        # the collector does not start a collection of all of it at the next allocation
        _age_young_generation()
        gc.enable()


def _age_young_generation() -> None:
    """Hand every object of the young generation to the oldest without a scan (``gc.freeze`` moves
    every generation to the permanent one, ``gc.unfreeze`` that to the oldest), unless the program
    has frozen objects of its own: unfreezing would release them too."""
    if gc.get_freeze_count() == 0:
        gc.freeze()
        gc.unfreeze()


def restore(*, freeze_at_exit: bool = False) -> None:
    """Put the caller's thresholds back; optionally freeze the heap at interpreter exit."""
    global _saved, _freeze_registered
    if _saved is not None:
        _age_young_generation()  # the app, built and synthesized
        gc.set_threshold(*_saved)
        _saved = None
    if freeze_at_exit and not _freeze_registered:
        atexit.register(gc.freeze)
        _freeze_registered = True
