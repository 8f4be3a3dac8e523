"""``podkit.App``: a cdk8s app whose synth writes all of ``dist/`` or nothing.

``cdk8s.App.synth`` writes chart files one by one into the output folder; an exception in
the third chart leaves two new files next to stale ones. ``podkit.App.synth`` renders and
validates every chart first, collecting every problem of every chart into one
:class:`SynthError`, and only then writes: into a staging folder beside the output folder,
swapped in with renames. A failed synth leaves the previous output byte-identical, and a
successful one leaves exactly the files of this synth (stale files of removed charts go).

Files are named and formatted as cdk8s does (``<chart>.k8s.yaml``, ``cdk8s.Yaml``), so the
cdk8s CLI (``cdk8s synth``, which sets ``CDK8S_OUTDIR``) works unchanged.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import cdk8s

from . import _yaml
from .errors import PodkitError, SynthError


class App(cdk8s.App):
    """The root of a podkit app.

    :param outdir: where manifests go. Default: ``$CDK8S_OUTDIR`` (set by ``cdk8s synth``),
        else ``dist`` relative to the working directory.
    :param output_file_extension: default ``.k8s.yaml``.
    """

    def __init__(self, *, outdir: str | None = None, output_file_extension: str | None = None) -> None:
        super().__init__(outdir=outdir, output_file_extension=output_file_extension)

    def synth_documents(self) -> dict[str, list[Any]]:
        """Render every chart without writing: ``{file name: [objects]}`` in cdk8s order.

        Raises :class:`SynthError` with the problems of *all* charts.
        """
        charts = list(self.charts)
        rendered: list[tuple[cdk8s.Chart, list[Any]]] = []
        problems: list[str] = []
        for chart in charts:
            try:
                rendered.append((chart, list(chart.to_json())))
            except SynthError as e:
                problems.extend(e.problems)
            except PodkitError as e:
                problems.append(str(e))
        if problems:
            raise SynthError(problems)
        # cdk8s numbers the files when charts depend on each other (0000-a, 0001-b ...)
        indexed = any(len(chart.node.dependencies) > 0 for chart in charts)
        ext = self.output_file_extension
        files: dict[str, list[Any]] = {}
        for i, (chart, docs) in enumerate(rendered):
            base = cdk8s.Names.to_dns_label(chart)
            files[(f"{i:04d}-{base}" if indexed else base) + ext] = docs
        return files

    def synth(self) -> None:
        """Synthesize every chart into ``outdir``, atomically (see module docs)."""
        files = {name: to_yaml(docs) for name, docs in self.synth_documents().items()}
        write_folder(Path(self.outdir), files)

    def synth_yaml(self) -> str:
        """All charts' objects as one multi-document YAML string (nothing is written)."""
        return to_yaml([d for chart_docs in self.synth_documents().values() for d in chart_docs])


def to_yaml(docs: list[Any]) -> str:
    """Multi-document YAML, byte-identical to ``cdk8s.Yaml.stringify(*docs)``.

    Written in Python where ``_yaml`` is sure to match cdk8s; any other object goes to
    ``cdk8s.Yaml.stringify`` on its own (see ``_yaml.py``).
    """
    texts = []
    for doc in docs:
        text = _yaml.dump(doc)
        texts.append(text if text is not None else str(cdk8s.Yaml.stringify(doc)))
    return "---\n".join(texts)


def write_folder(outdir: Path, files: dict[str, str]) -> None:
    """Replace ``outdir`` with exactly ``files``, never leaving it half written."""
    outdir = outdir.absolute()
    staging = outdir.with_name(f".{outdir.name}.podkit-staging-{os.getpid()}")
    old = outdir.with_name(f".{outdir.name}.podkit-old-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        for name, text in files.items():
            (staging / name).write_text(text, encoding="utf-8")
        if outdir.exists():
            outdir.rename(old)
        staging.rename(outdir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)
