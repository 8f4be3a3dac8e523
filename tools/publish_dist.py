"""Publish a staged synth output to dist/ all at once, or not at all (used by tools/synth.py).

``make synth`` lets the cdk8s CLI write into a staging folder (the CLI deletes its output
folder before it runs the app, so pointing it at dist/ would lose dist/ on a failed synth).
Only when the synth succeeded is dist/ updated, by podkit's one output writer
(``podkit._output.publish``): the same rules as ``App.synth`` (only podkit's files are
replaced, the user's files in dist/ are kept, a symlinked dist/ is written through, and the
folder is swapped in atomically).
"""

from __future__ import annotations

from pathlib import Path

from podkit._output import publish as _publish


def publish(stage: Path, dist: Path) -> list[str]:
    """Publish the manifests in ``stage`` to ``dist``; return the published names."""
    return _publish(stage, dist)
