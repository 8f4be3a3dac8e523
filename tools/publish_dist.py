"""Publish a staged synth output to dist/ all at once, or not at all (used by tools/synth.py).

``make synth`` lets the cdk8s CLI write into a staging folder (the CLI deletes its
output folder before it runs the app, so pointing it at dist/ would lose dist/ on a
failed synth). Only when the synth succeeded does this script replace dist/: it builds
the new folder beside dist/ and swaps it in with renames, so dist/ is never half
written and a failed run leaves the previous dist/ byte-identical.
"""

from __future__ import annotations

import shutil
from pathlib import Path


def publish(stage: Path, dist: Path) -> list[str]:
    manifests = sorted(p.name for p in stage.glob("*.k8s.yaml"))
    if not manifests:
        raise SystemExit(f"publish_dist: no *.k8s.yaml in {stage}; dist/ left untouched")
    new = dist.with_name(dist.name + ".new")
    old = dist.with_name(dist.name + ".old")
    shutil.rmtree(new, ignore_errors=True)
    shutil.rmtree(old, ignore_errors=True)
    new.mkdir(parents=True)
    for name in manifests:
        shutil.copyfile(stage / name, new / name)
    if dist.exists():
        dist.rename(old)
    new.rename(dist)
    shutil.rmtree(old, ignore_errors=True)
    return manifests
