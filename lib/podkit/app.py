"""``podkit.App``: a cdk8s app whose synth writes all of ``dist/`` or nothing.

``cdk8s.App.synth`` writes chart files one by one into the output folder; an exception in
the third chart leaves two new files next to stale ones. ``podkit.App.synth`` renders and
validates every chart first, collecting every problem of every chart into one
:class:`SynthError`, and only then writes, through ``_output.py``: the output folder is at
every instant wholly old or wholly new, only files podkit owns are replaced or removed, and
a symlinked output folder is written through.

Files are named and formatted as cdk8s does (``<chart>.k8s.yaml``, ``cdk8s.Yaml``), so the
cdk8s CLI (``cdk8s synth``, which sets ``CDK8S_OUTDIR``) works unchanged.
"""

from __future__ import annotations

import os
import re
from typing import Any

import cdk8s

from . import _gc, _jsii, _node, _sealing, _yaml
from .chart import Chart
from .errors import PodkitError, PodkitTypeError, Problem, SealingError, SynthError

#: set by ``podkit seal``: ``App.synth()`` seals instead of writing (``force`` re-seals all)
SEAL_ENV = "PODKIT_SEAL"
SEAL_CERT_ENV = "PODKIT_SEAL_CERT"


class App(cdk8s.App, metaclass=_jsii.PodkitMeta):
    """The root of a podkit app.

    :param outdir: where manifests go. Default: ``$CDK8S_OUTDIR`` (set by ``cdk8s synth``),
        else ``dist`` relative to the working directory. When run by a bare ``cdk8s synth``
        whose ``cdk8s.yaml`` ``output:`` is a staging folder, podkit writes there and then
        publishes to ``outdir`` only after a fully successful synth (see ``_output.py``).
    :param output_file_extension: default ``.k8s.yaml``.
    :param yaml_output_type: how objects are split into files, as in cdk8s. Default:
        ``YamlOutputType.FILE_PER_CHART``. ``FOLDER_PER_CHART_FILE_PER_RESOURCE`` (one file per
        object) gives the smallest GitOps diffs.
    """

    #: tells a Chart it is in a podkit App (chart.py asks this marker instead of importing App)
    _podkit_app = True

    def __init__(
        self,
        *,
        outdir: str | None = None,
        output_file_extension: str | None = None,
        yaml_output_type: cdk8s.YamlOutputType | None = None,
    ) -> None:
        from . import _output

        if outdir is not None and not isinstance(outdir, str | os.PathLike):
            raise PodkitTypeError("", f"outdir must be a path (str), got {type(outdir).__name__} {outdir!r}")
        if output_file_extension is not None and not isinstance(output_file_extension, str):
            raise PodkitTypeError("", f"output_file_extension must be a str, got {output_file_extension!r}")
        if yaml_output_type is not None and not isinstance(yaml_output_type, cdk8s.YamlOutputType):
            raise PodkitTypeError(
                "", f"yaml_output_type must be a cdk8s.YamlOutputType, got {yaml_output_type!r}"
            )
        plan = _output.plan_output(os.fspath(outdir) if outdir is not None else None)
        _gc.relax()
        with _node.unchecked():  # checked above
            super().__init__(
                outdir=str(plan.write_to),
                output_file_extension=output_file_extension,
                yaml_output_type=yaml_output_type,
            )
        self._output_plan = plan

    def synth_documents(self) -> dict[str, list[Any]]:
        """Render every chart without writing: ``{file path: [objects]}`` in cdk8s order.

        File paths are relative to ``outdir`` and follow ``yaml_output_type`` exactly as cdk8s
        names them. Raises :class:`SynthError` with the problems of *all* charts.
        """
        charts = list(self.charts)
        rendered: list[tuple[cdk8s.Chart, list[Any]]] = []
        problems: list[Problem] = []
        for chart in charts:
            try:
                rendered.append((chart, list(chart.to_json())))
            except SynthError as e:
                problems.extend(e.problems)
            except PodkitError as e:
                problems.append(Problem(e.path, e.detail))
        if problems:
            raise SynthError(problems)
        # cdk8s numbers the files when charts depend on each other (0000-a, 0001-b ...)
        indexed = any(len(chart.node.dependencies) > 0 for chart in charts)
        return layout(rendered, self.yaml_output_type, self.output_file_extension, indexed=indexed)

    def synth(self) -> None:
        """Synthesize every chart into ``outdir``: all of it or nothing (see ``_output.py``).

        Run by ``podkit seal`` (``PODKIT_SEAL`` set), it seals instead: see :meth:`seal`.
        """
        from . import _output

        if os.environ.get(SEAL_ENV):
            cert = os.environ.get(SEAL_CERT_ENV) or None
            for report in self.seal(cert=cert, force=os.environ.get(SEAL_ENV) == "force"):
                print(report)
            return

        try:
            files = {name: to_yaml(docs) for name, docs in self.synth_documents().items()}
            _output.write_planned(self._output_plan, files)
        finally:
            _gc.restore(freeze_at_exit=True)

    def seal(
        self, *, cert: str | os.PathLike[str] | None = None, force: bool = False
    ) -> list[_sealing.SealReport]:
        """Seal every ``SealedSecret`` of the app into its store (what ``podkit seal`` runs).

        Reads the plaintext sources (files, literals, environment) here, never at synth. A value
        is re-sealed only when new, changed, sealed with another certificate, or ``force``.

        :param cert: the controller's certificate. Default: each Secret's ``Sealing.cert``.
        :returns: one report per store file.
        """
        from .sealed_secret import SealedSecret

        by_store: dict[str, tuple[str | os.PathLike[str] | None, list[SealedSecret]]] = {}
        for chart in self.charts:
            for obj in chart.node.find_all() if not isinstance(chart, Chart) else chart.podkit_objects:
                if isinstance(obj, SealedSecret):
                    key = str(obj.store_path)
                    chosen = cert if cert is not None else obj.cert_path
                    _, items = by_store.setdefault(key, (chosen, []))
                    items.append(obj)
        reports = []
        for store, (chosen, secrets) in by_store.items():
            if chosen is None:
                raise SealingError(
                    secrets[0].path,
                    "no certificate to seal with: set Sealing(cert=...) or run `podkit seal --cert PATH`",
                )
            reports.append(_sealing.seal_app(secrets, store_path=store, cert_path=chosen, force=force))
        return reports

    def synth_yaml(self) -> str:
        """All charts' objects as one multi-document YAML string (nothing is written)."""
        return to_yaml([d for chart_docs in self.synth_documents().values() for d in chart_docs])


_UNSAFE_FILE_CHARS = re.compile(r"[^0-9a-zA-Z-_.]")


def _resource_file(doc: Any) -> str:
    meta = doc.get("metadata") or {}
    return _UNSAFE_FILE_CHARS.sub("", f"{doc.get('kind')}.{meta.get('name')}")


def layout(
    rendered: list[tuple[cdk8s.Chart, list[Any]]],
    output_type: cdk8s.YamlOutputType,
    ext: str,
    *,
    indexed: bool,
) -> dict[str, list[Any]]:
    """Split rendered charts into files the way ``cdk8s.App.synth`` does for ``output_type``."""
    files: dict[str, list[Any]] = {}
    if output_type == cdk8s.YamlOutputType.FILE_PER_APP:
        if rendered:
            files["app" + ext] = [d for _, docs in rendered for d in docs]
        return files
    for i, (chart, docs) in enumerate(rendered):
        with _node.unchecked():  # a chart
            base = cdk8s.Names.to_dns_label(chart)
        chart_name = f"{i:04d}-{base}" if indexed else base
        if output_type == cdk8s.YamlOutputType.FILE_PER_RESOURCE:
            for doc in docs:
                files[_resource_file(doc) + ext] = [doc]
        elif output_type == cdk8s.YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE:
            for doc in docs:
                files[f"{chart_name}/{_resource_file(doc)}{ext}"] = [doc]
        else:
            files[chart_name + ext] = docs
    return files


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
