"""Output depends only on the inputs: not on dict order, directory listing order, time,
environment or working directory (the last three: test_foundation)."""

from __future__ import annotations

import os
import random
from pathlib import Path

import podkit as pk
from tests.k8s import synth

LABELS = {f"label-{i}": f"value-{i}" for i in range(12)}
LITERALS = {f"key{i}": f"v{i}" for i in range(12)}


def shuffled(d: dict[str, str], seed: int) -> dict[str, str]:
    items = list(d.items())
    random.Random(seed).shuffle(items)
    return dict(items)


def build(seed: int, config_dir: Path) -> str:
    app = pk.App()
    chart = pk.Chart(app, "c", labels=shuffled({"team": "a", "tier": "b"}, seed))
    cfg = pk.ConfigFromMap(
        chart, "cfg", from_literal=shuffled(LITERALS, seed), from_file=[config_dir], content_hash=True
    )
    sec = pk.SecretEnv(chart, "sec", from_literal=shuffled(LITERALS, seed + 1))
    main = pk.Container(name="app", image="x", env_from=[cfg, sec])
    pk.SidecarPod(
        chart,
        "web",
        main=main,
        labels=shuffled(LABELS, seed),
        node_selector=shuffled({"disktype": "ssd", "zone": "a"}, seed),
        annotations=shuffled({"a": "1", "b": "2", "c": "3"}, seed),
    )
    synth(chart)
    return app.synth_yaml()


def make_dir(path: Path, order: list[str]) -> Path:
    path.mkdir()
    for name in order:
        (path / name).write_text(f"content of {name}\n")
    return path


def test_shuffled_inputs_give_identical_output(tmp_path: Path) -> None:
    names = [f"file{i}.conf" for i in range(10)]
    outputs = set()
    for seed in range(4):
        order = names[:]
        random.Random(seed).shuffle(order)
        outputs.add(build(seed, make_dir(tmp_path / f"d{seed}", order)))
    assert len(outputs) == 1


def test_output_does_not_depend_on_the_working_directory(tmp_path: Path) -> None:
    conf = make_dir(tmp_path / "conf", ["a.conf"])
    first = build(0, conf)
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        second = build(0, conf)
    finally:
        os.chdir(cwd)
    assert first == second
