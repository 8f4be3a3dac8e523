"""``make synth``: synthesize with the cdk8s CLI into a staging folder, then publish dist/.

The cdk8s CLI deletes its output folder before it runs the app, so pointing it at dist/
would lose dist/ whenever the app raises. Here the CLI writes to ``--stage`` (a folder the
CLI owns) and only a fully successful synth updates ``--dist``, with podkit's one output
writer (``podkit._output.publish``: the rules of ``App.synth``, swapped in atomically). On
failure the CLI's own message is shown and dist/ stays byte-identical. A podkit app run this
way writes only ``--stage``: it publishes itself only under a bare ``cdk8s synth`` (see
``podkit._output.plan_output``).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from podkit._output import publish
from podkit.cli import tool_env
from podkit.errors import PodkitError

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--app", help="app command (default: the one in cdk8s.yaml)")
    parser.add_argument("--stage", type=Path, default=ROOT / ".build" / "synth")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--cdk8s", default=str(ROOT / "node_modules" / ".bin" / "cdk8s"))
    args = parser.parse_args(argv)

    stage, dist = args.stage.resolve(), args.dist.resolve()
    if stage == dist or dist in stage.parents or stage in dist.parents:
        # the CLI deletes --stage before it runs the app: it must never be (or hold) dist/
        print(
            f"--stage {args.stage} overlaps --dist {args.dist}; use a scratch folder such as .build/synth",
            file=sys.stderr,
        )
        return 2
    # (the CLI empties --stage itself)
    cmd = [args.cdk8s, "synth", "--output", str(args.stage)]
    if args.app:
        cmd += ["--app", args.app]
    # the venv's bin first: the CLI's `#!/usr/bin/env node` then finds Node 24, not the machine's
    result = subprocess.run(cmd, env=tool_env(), check=False)
    if result.returncode != 0:
        print(f"synth failed (exit {result.returncode}); {args.dist} left untouched", file=sys.stderr)
        return result.returncode
    try:
        names = publish(args.stage, args.dist)
    except PodkitError as e:
        print(f"publish failed: {e}", file=sys.stderr)
        return 2
    for name in names:
        print(f"{args.dist}/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
