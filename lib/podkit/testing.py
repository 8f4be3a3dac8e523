"""podkit's pytest helpers: YAML snapshots, "the committed output is fresh", strict schema.

Installing podkit registers its pytest plugin (entry point ``pytest11``), as syrupy and
pytest-django register theirs, so a project gets the fixture without a ``conftest.py``:

- ``snapshot_yaml``: a syrupy snapshot stored as one readable ``.yaml`` file per test under
  ``tests/__snapshots__/<module>/``, serialized exactly like ``dist/`` (``cdk8s.Yaml``), with
  Secret values redacted in every shape podkit returns. ``pytest --snapshot-update`` refreshes.
- :func:`assert_output_fresh`: synthesizes the app and fails with an object-by-object YAML
  diff when the committed output folder differs.
- :func:`assert_schema_valid`: every object is valid Kubernetes 1.33 (strict).
- :func:`read_output`: the objects of an output folder, ``{file: [objects]}``, to snapshot
  or check a whole ``dist/`` (``assert read_output(dist) == snapshot_yaml``).
- :func:`assert_same_output`: two output folders are byte-identical, or a per-object YAML diff.

pytest loads only the plugin's entry point, ``_podkit_pytestplugin``, in every run of a
project that has podkit installed; this module (which imports podkit, and so starts Node) is
imported by the tests that use it, or when a test first asks for ``snapshot_yaml``.
"""

from __future__ import annotations

import functools
import os
import shlex
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from . import _diff, _output, _validate
from .app import App
from .errors import PodkitTypeError

__all__ = [
    "REDACTED",
    "assert_output_fresh",
    "assert_same_output",
    "assert_schema_valid",
    "read_output",
    "redact",
    "snapshot_extension",
    "snapshot_yaml",
]

REDACTED = _diff.REDACTED


def redact(data: Any) -> Any:
    """Replace every Secret value (``data``, ``stringData``) with ``<redacted>``; keys stay.

    Accepts an object, a list of objects, ``App.synth_documents()``'s ``{file: [objects]}``
    and YAML text (``App.synth_yaml()``), and returns the same shape.
    """
    return _diff.redact(data)


@functools.cache
def snapshot_extension() -> type[Any]:
    """The syrupy extension class behind ``snapshot_yaml`` (for ``snapshot.use_extension``)."""
    # built on first use: syrupy is imported only by projects that take a snapshot
    from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

    class YamlSnapshotExtension(SingleFileSnapshotExtension):
        """One ``.yaml`` file per snapshot, serialized like ``dist/``, Secret values redacted."""

        file_extension = "yaml"
        _write_mode = WriteMode.TEXT

        def serialize(self, data: Any, **kwargs: Any) -> str:
            return _diff.snapshot_text(data)

    return YamlSnapshotExtension


# The fixture is defined in the plugin entry point, which pytest loads without loading podkit;
# re-exported so that `pytest_plugins = ["podkit.testing"]` keeps working.
from _podkit_pytestplugin import snapshot_yaml  # noqa: E402


def assert_schema_valid(docs: Iterable[Any]) -> None:
    """Fail unless every object is valid Kubernetes 1.33 under the strict schema.

    Unknown fields are errors (as ``kubectl apply --validate=strict``); SealedSecret and
    ExternalSecret are checked against their CRDs, other custom resources are skipped. Accepts any shape :func:`redact` accepts.
    """
    data = _diff.parse_yaml(docs) if isinstance(docs, str) else docs
    if isinstance(data, dict):
        flat = [d for v in data.values() for d in v] if "kind" not in data else [data]
    else:
        flat = list(data)
    problems = [str(p) for doc in flat for p in _validate.schema_problems(doc, "")]
    if problems:
        pytest.fail(
            "objects are not valid Kubernetes (strict schema):\n" + "\n".join(problems), pytrace=False
        )


def read_output(folder: str | os.PathLike[str]) -> dict[str, list[dict[str, Any]]]:
    """The objects of every YAML file under an output folder, as ``{relative path: [objects]}``.

    The shape ``App.synth_documents()`` returns, so a whole ``dist/`` can be snapshotted
    (``assert read_output(dist) == snapshot_yaml``, Secret values redacted) or checked
    (``assert_schema_valid(read_output(dist))``). Subfolders are read too (the folder-per-chart
    output types of cdk8s). Files are parsed strictly, with the YAML parser cdk8s uses; a file
    that is not UTF-8, not YAML, or holds a document that is not a Kubernetes object is a
    :class:`~podkit.errors.PodkitError` naming the file and the line.

    :param folder: an output folder; one that does not exist reads as ``{}``.
    """
    root = Path(folder)
    texts = _diff.read_folder(root, owned_only=False)
    # parse errors name the file as <folder>/<file>, as the freshness diff does
    loaded = _diff.load_objects({f"{root}/{name}": text for name, text in texts.items()})
    return {name: loaded[f"{root}/{name}"] for name in texts}


def assert_same_output(expected: str | os.PathLike[str], actual: str | os.PathLike[str]) -> None:
    """Fail, with a per-object YAML diff, unless two output folders hold byte-identical YAML.

    For two ways of producing the same manifests (``podkit.App`` and ``cdk8s.App``, two
    working directories, two runs). Objects are matched by API group, kind, namespace and
    name; Secret values are redacted in the report. When every object is equal but the bytes
    are not, the report names the files whose layout, order or formatting differs.
    """
    left, right = Path(expected), Path(actual)
    # labelled by folder: neither side is "committed" or "fresh" here
    report = _diff.compare_folders(
        _diff.read_folder(left),
        _diff.read_folder(right),
        committed_folder=str(left),
        fresh_folder=str(right),
        old_label=str(left),
        new_label=str(right),
    )
    if report:
        pytest.fail(f"{right} differs from {left}:\n" + report, pytrace=False)


def assert_output_fresh(app_or_command: Any, outdir: str | os.PathLike[str]) -> None:
    """Fail, with a per-object YAML diff, unless ``outdir`` holds exactly a fresh synth.

    :param app_or_command: what to synthesize: a ``podkit.App`` with its charts built, a
        function that builds charts into the ``podkit.App`` it is given, or the app command
        of ``cdk8s.yaml`` (a string or argv list, run with ``CDK8S_OUTDIR`` set, from the
        folder that holds ``outdir``).
    :param outdir: the committed output folder (``dist/``).
    """
    committed = Path(outdir)
    with tempfile.TemporaryDirectory(prefix="podkit-fresh-") as tmp:
        fresh = Path(tmp) / "out"
        _synth_into(app_or_command, fresh, cwd=committed.absolute().parent)
        report = _diff.compare_folders(_diff.read_folder(committed), _diff.read_folder(fresh))
    if report:
        pytest.fail(
            f"{committed} is stale: a fresh synth differs (run `podkit synth` and commit the result):\n"
            + report,
            pytrace=False,
        )


def _synth_into(app_or_command: Any, out: Path, *, cwd: Path) -> None:
    if isinstance(app_or_command, App):
        # its outdir was fixed when it was made: render, and write the files as synth() does
        files = {name: _diff.stringify(docs) for name, docs in app_or_command.synth_documents().items()}
        _output.write_output(out, files)
    elif isinstance(app_or_command, str | list | tuple):
        argv = shlex.split(app_or_command) if isinstance(app_or_command, str) else list(app_or_command)
        env = {**os.environ, "CDK8S_OUTDIR": str(out)}
        result = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            pytest.fail(f"the app command {argv} failed (exit {result.returncode}):\n{result.stderr}")
    elif callable(app_or_command):
        app = App(outdir=str(out))
        app_or_command(app)
        app.synth()
    else:
        raise PodkitTypeError(
            "assert_output_fresh",
            f"app_or_command is a {type(app_or_command).__name__}; expected a podkit.App, a function "
            "that builds charts into an App, or an app command (str or list of str)",
        )
