"""podkit's pytest plugin entry point (``pytest11``): the ``snapshot_yaml`` fixture.

pytest imports every installed plugin when it starts, in every project. ``import podkit``
loads cdk8s and starts Node (0.4-0.7 s), so this module lives outside the ``podkit`` package
and imports it only when a test asks for the fixture (as hypothesis does with
``_hypothesis_pytestplugin``). The helpers themselves are in :mod:`podkit.testing`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from syrupy.assertion import SnapshotAssertion


@pytest.fixture
def snapshot_yaml(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """A syrupy snapshot written as readable YAML, exactly like ``dist/``, Secret values redacted."""
    from podkit.testing import snapshot_extension

    return snapshot.use_extension(snapshot_extension())
