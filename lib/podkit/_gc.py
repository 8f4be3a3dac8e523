"""The garbage collector around a podkit app's build and synth (issue #16).

A synth creates many small, long-lived objects (constructs, containers, rendered dicts) and
frees almost none of them until the process ends, which is the worst case for CPython's
generational collector: every ~700 allocations it scans the young generation, and full
collections rescan everything built so far, so build + synth grows faster than linearly; at
exit the interpreter's final collection walks every object once more.

So, between ``podkit.App()`` and the end of ``App.synth()``:

* the young-generation threshold is raised (collections become rare, not impossible: reference
  cycles are still found, memory stays bounded), and the caller's thresholds are restored when
  synth ends, whether it succeeded or not;
* after a synth, ``gc.freeze()`` is registered to run at interpreter exit (``atexit``), so the
  final collection skips the app's objects. Nothing changes for code that runs after synth:
  the freeze happens only once the program is exiting.

Apps that never call ``synth`` (tests rendering charts directly) keep the raised threshold for
the life of the process; ``restore()`` puts it back.
"""

from __future__ import annotations

import atexit
import gc

#: young-generation threshold during build and synth (CPython's default is 700)
RELAXED_THRESHOLD = 50_000

_saved: tuple[int, ...] | None = None
_freeze_registered = False


def relax() -> None:
    """Raise the collector's thresholds, remembering the caller's (once, for nested apps)."""
    global _saved
    if _saved is None:
        _saved = gc.get_threshold()
        first, *rest = _saved
        gc.set_threshold(max(first, RELAXED_THRESHOLD), *rest)


def restore(*, freeze_at_exit: bool = False) -> None:
    """Put the caller's thresholds back; optionally freeze the heap at interpreter exit."""
    global _saved, _freeze_registered
    if _saved is not None:
        gc.set_threshold(*_saved)
        _saved = None
    if freeze_at_exit and not _freeze_registered:
        atexit.register(gc.freeze)
        _freeze_registered = True
