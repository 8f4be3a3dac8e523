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

import collections
import importlib
import os
import re
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

import cdk8s

from . import _gc, _jsii, _node, _references, _rules, _validate, _yaml
from ._references import NamespaceReferenceWarning
from ._validate import SecretValueWarning
from .chart import Chart, foreign_path
from .errors import PodkitError, PodkitTypeError, Problem, SynthError

if TYPE_CHECKING:
    from ._sealing import SealReport

__all__ = ["App", "NamespaceReferenceWarning", "SecretValueWarning", "layout", "to_yaml"]

#: ``module:function``: when set, ``App.synth()`` calls ``function(app)`` instead of writing
#: the output. ``podkit seal`` sets it to ``podkit.sealed_secret:synth_hook``: the command runs
#: the user's app unchanged, and the engine knows no construct (it only imports the hook).
SYNTH_HOOK_ENV = "PODKIT_SYNTH_HOOK"
#: what ``App.seal`` runs: the sealing module provides it (named, not imported: see above)
_SEAL = "podkit.sealed_secret:seal_app"
#: ``--service-node-port-range``'s default in Kubernetes
DEFAULT_NODE_PORT_RANGE = (30000, 32767)


class App(cdk8s.App, metaclass=_jsii.PodkitMeta):
    """The root of a podkit app.

    :param outdir: where manifests go. Default: ``$CDK8S_OUTDIR`` (set by ``cdk8s synth``),
        else ``dist`` relative to the working directory. When run by a bare ``cdk8s synth``
        whose ``cdk8s.yaml`` ``output:`` is a staging folder, podkit writes there and then
        publishes to ``outdir`` only after a fully successful synth (see ``_output.py``).
    :param output_file_extension: default ``.k8s.yaml``.
    :param yaml_output_type: how objects are split into files, as in cdk8s. Default:
        ``YamlOutputType.FILE_PER_CHART``. ``FOLDER_PER_CHART_FILE_PER_RESOURCE`` (one file per
        object) gives the smallest GitOps diffs. With one file per object, a file is named
        ``<Kind>.<name>``, as cdk8s names it; only when two objects would share that name (dev's
        and prod's ``ConfigMap settings``), both get their namespace in it
        (``ConfigMap.dev.settings``; the chart's name for an object without a namespace), and,
        if that is not enough, their API group. No object is ever dropped: one object (same
        kind, namespace and name) written by two charts fails synth, naming both.
    :param node_port_range: the cluster's ``--service-node-port-range``, inclusive: every
        Service's ``nodePort`` of the app is checked against it at synth. Default:
        ``(30000, 32767)``, Kubernetes' default.
    """

    #: tells a Chart it is in a podkit App (chart.py asks this marker instead of importing App)
    _podkit_app = True

    def __init__(
        self,
        *,
        outdir: str | None = None,
        output_file_extension: str | None = None,
        yaml_output_type: cdk8s.YamlOutputType | None = None,
        node_port_range: tuple[int, int] = DEFAULT_NODE_PORT_RANGE,
    ) -> None:
        if outdir is not None and not isinstance(outdir, str | os.PathLike):
            raise PodkitTypeError("", f"outdir must be a path (str), got {type(outdir).__name__} {outdir!r}")
        if output_file_extension is not None and not isinstance(output_file_extension, str):
            raise PodkitTypeError("", f"output_file_extension must be a str, got {output_file_extension!r}")
        if yaml_output_type is not None and not isinstance(yaml_output_type, cdk8s.YamlOutputType):
            raise PodkitTypeError(
                "", f"yaml_output_type must be a cdk8s.YamlOutputType, got {yaml_output_type!r}"
            )
        # before the modules an app loads on first use (the rules, the output planner): they
        # allocate ~30,000 lasting objects, which the default threshold scans ~30 times
        _gc.relax()
        try:
            from . import _output

            settings = _rules.ClusterSettings(node_port_range=_node_port_range(node_port_range))
            plan = _output.plan_output(os.fspath(outdir) if outdir is not None else None)
        except BaseException:
            _gc.restore()  # no app: the caller's collector as it was
            raise
        with _node.unchecked():  # checked above
            super().__init__(
                outdir=str(plan.write_to),
                output_file_extension=output_file_extension,
                yaml_output_type=yaml_output_type,
            )
        self._output_plan = plan
        #: what the API server's rules need to know of the cluster (read by every chart's checks)
        self.cluster_settings = settings

    def synth_documents(self) -> dict[str, list[Any]]:
        """Render every chart without writing: ``{file path: [objects]}`` in cdk8s order.

        File paths are relative to ``outdir`` and follow ``yaml_output_type`` as cdk8s names
        them (see the class docs for names two objects would share). Raises
        :class:`SynthError` with the problems of *all* charts, and of the app as a whole
        (references across namespaces and charts, two owners of one Secret, one object in two
        charts); no message shows a value of any Secret of the app.
        """
        with _gc.no_collection():
            return self._synth_documents()

    def _synth_documents(self) -> dict[str, list[Any]]:
        charts = list(self.charts)
        rendered: list[tuple[cdk8s.Chart, list[Any]]] = []
        problems: list[Problem] = []
        entries: list[_references.Entry] = []
        held: list[Any] = []  # Secrets as rendered before patches, or not written
        sites: dict[str, Any] = {}  # where the user created each podkit object (for warnings)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for chart in charts:
                docs: list[Any] | None = None
                try:
                    docs = list(chart.to_json())
                except SynthError as e:
                    problems.extend(e.problems)
                except PodkitError as e:
                    problems.append(Problem(e.path, e.detail, source=e.source.location() if e.source else ""))
                with _node.unchecked():  # a chart
                    chart_path = str(chart.node.path)
                if isinstance(chart, Chart):
                    final = list(chart._podkit_final)
                    held.extend(chart._podkit_unpatched_secrets)
                    sites.update(chart._podkit_sites())
                else:
                    final = [(foreign_path(chart_path, d), d) for d in docs or []]
                entries.extend(_references.Entry(path, chart_path, doc) for path, doc in final)
                if docs is not None:
                    rendered.append((chart, docs))
            final_all = [(e.path, e.doc) for e in entries]
            _validate.warn_secret_values_in_config_maps(final_all, held, sites=sites)
            # inside: its warnings (NamespaceReferenceWarning) are shown with every Secret value hidden
            problems.extend(_references.check(entries, sites=sites))
        if caught or problems:
            # every value any Secret of the app holds, hidden from what is about to be shown
            hidden = _validate.app_secret_values(final_all, held)
            _reemit(caught, hidden)
            if problems:
                raise SynthError(_validate.scrub(problems, hidden))
        # cdk8s numbers the files when charts depend on each other (0000-a, 0001-b ...)
        indexed = any(len(chart.node.dependencies) > 0 for chart in charts)
        return layout(rendered, self.yaml_output_type, self.output_file_extension, indexed=indexed)

    def synth(self) -> None:
        """Synthesize every chart into ``outdir``: all of it or nothing (see ``_output.py``).

        With ``$PODKIT_SYNTH_HOOK`` set (``module:function``; ``podkit seal`` sets it), calls
        ``function(app)`` instead and writes nothing.
        """
        from . import _output

        hook = os.environ.get(SYNTH_HOOK_ENV)
        if hook:
            _hook(hook, SYNTH_HOOK_ENV)(self)
            return
        try:
            with _gc.no_collection():
                files = {name: to_yaml(docs) for name, docs in self.synth_documents().items()}
                _output.write_planned(self._output_plan, files)
        finally:
            _gc.restore(freeze_at_exit=True)

    def seal(self, *, cert: str | os.PathLike[str] | None = None, force: bool = False) -> list[SealReport]:
        """Seal every ``SealedSecret`` of the app into its store (what ``podkit seal`` runs).

        Provided by ``podkit.sealed_secret.seal_app`` (see there): every store is checked and
        sealed before any is written. Reads the plaintext sources here, never at synth.

        :param cert: the controller's certificate. Default: each Secret's ``Sealing.cert``.
        :returns: one report per store file.
        """
        reports: list[SealReport] = _hook(_SEAL, "App.seal")(self, cert=cert, force=force)
        return reports

    def synth_yaml(self) -> str:
        """All charts' objects as one multi-document YAML string (nothing is written)."""
        return to_yaml([d for chart_docs in self.synth_documents().values() for d in chart_docs])


_UNSAFE_FILE_CHARS = re.compile(r"[^0-9a-zA-Z-_.]")


def _node_port_range(value: object) -> tuple[int, int]:
    ok = (
        isinstance(value, tuple | list)
        and len(value) == 2
        and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    )
    if not ok:
        raise PodkitTypeError(
            "", f"node_port_range must be a (low, high) pair of ints such as (30000, 32767), got {value!r}"
        )
    low, high = cast("tuple[int, int]", tuple(value))  # type: ignore[arg-type]
    if not 1 <= low <= high <= 65535:
        raise PodkitError(
            "",
            f"node_port_range {value!r} is not a port range: expected 1 <= low <= high <= 65535, e.g. "
            f"(30000, 32767), as the cluster's --service-node-port-range says",
        )
    return (low, high)


def _hook(spec: str, what: str) -> Callable[..., Any]:
    """The function ``module:function`` names (the synth hook, or what ``App.seal`` runs)."""
    module, _, name = spec.partition(":")
    try:
        fn = getattr(importlib.import_module(module), name, None) if module and name else None
    except ImportError as e:
        raise PodkitError("", f"{what} {spec!r}: cannot import {module!r} ({e})") from None
    if not callable(fn):
        raise PodkitError(
            "", f"{what} {spec!r} names no function; expected 'module:function', e.g. 'mypkg.hooks:on_synth'"
        )
    return fn  # type: ignore[no-any-return]


def _reemit(caught: list[warnings.WarningMessage], hidden: list[str]) -> None:
    """Emit the warnings recorded during rendering again, with Secret values scrubbed, each once:
    an object rendered twice in one synth (patched through the escape hatch, or a chart's
    checks asked again by cdk8s) would otherwise say the same thing twice at the same line."""
    seen: set[tuple[type[Warning], str, str, int]] = set()
    for w in caught:
        message = w.message
        text = str(message)
        key = (w.category, text, w.filename, w.lineno)
        if key in seen:
            continue
        seen.add(key)
        scrubbed = _validate.scrub_text(text, hidden) if hidden else text
        if scrubbed != text or not isinstance(message, Warning):
            try:
                message = w.category(scrubbed)
            except Exception:  # a warning class that takes other arguments
                message = UserWarning(scrubbed)
        warnings.warn_explicit(message, w.category, w.filename, w.lineno, source=w.source)


def _describe(doc: Any, chart: str) -> str:
    meta = doc.get("metadata") or {} if isinstance(doc, dict) else {}
    namespace = meta.get("namespace")
    where = f"{namespace}/" if namespace else ""
    return f"{doc.get('kind')} {where}{meta.get('name')} (chart {chart!r})"


def _resource_files(docs: list[tuple[Any, str]]) -> list[str]:
    """One file name per object (without extension): ``<Kind>.<name>`` as cdk8s names it; where
    several objects would share that name, ``<Kind>.<namespace>.<name>`` (the chart's name for
    an object without a namespace), then ``<Kind>.<group>.<namespace>.<name>``: the least that
    tells them apart. ``docs`` are ``(object, chart file name)`` pairs."""

    def name(doc: Any, chart: str, level: int) -> str:
        meta = doc.get("metadata") or {}
        parts = [str(doc.get("kind"))]
        if level >= 2:
            parts.append(str(doc.get("apiVersion", "")).rpartition("/")[0] or "core")
        if level >= 1:
            parts.append(str(meta.get("namespace") or chart))
        parts.append(str(meta.get("name")))
        return _UNSAFE_FILE_CHARS.sub("", ".".join(parts))

    levels = [0] * len(docs)
    for level in (1, 2):
        names = [name(doc, chart, levels[i]) for i, (doc, chart) in enumerate(docs)]
        # counted once (names.count per name was quadratic: 0.25 s for 3,000 objects)
        shared = {n for n, count in collections.Counter(names).items() if count > 1}
        for i, n in enumerate(names):
            if n in shared:
                levels[i] = level
    return [name(doc, chart, levels[i]) for i, (doc, chart) in enumerate(docs)]


def layout(
    rendered: list[tuple[cdk8s.Chart, list[Any]]],
    output_type: cdk8s.YamlOutputType,
    ext: str,
    *,
    indexed: bool,
) -> dict[str, list[Any]]:
    """Split rendered charts into files the way ``cdk8s.App.synth`` does for ``output_type``.

    Never drops an object: names two objects would share are told apart (see :class:`App`);
    two objects that still map to one file (the same object twice) raise :class:`SynthError`
    naming both.
    """
    files: dict[str, list[Any]] = {}
    writers: dict[str, str] = {}
    problems: list[Problem] = []

    def put(file: str, docs: list[Any], what: str) -> None:
        if file in files:
            problems.append(
                Problem(
                    what,
                    f"{what} and {writers[file]} would both be written to {file!r}, and one would be lost",
                    "rename one of them (or its chart), or put them in different namespaces",
                    "duplicate",
                )
            )
            return
        files[file] = docs
        writers[file] = what

    if output_type == cdk8s.YamlOutputType.FILE_PER_APP:
        if rendered:
            files["app" + ext] = [d for _, docs in rendered for d in docs]
        return files
    per_resource: list[tuple[Any, str, str]] = []
    for i, (chart, docs) in enumerate(rendered):
        with _node.unchecked():  # a chart
            base = cdk8s.Names.to_dns_label(chart)
            chart_id = str(chart.node.path)
        chart_name = f"{i:04d}-{base}" if indexed else base
        if output_type == cdk8s.YamlOutputType.FILE_PER_RESOURCE:
            per_resource.extend((doc, base, chart_id) for doc in docs)
        elif output_type == cdk8s.YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE:
            for doc, file in zip(docs, _resource_files([(d, base) for d in docs]), strict=True):
                put(f"{chart_name}/{file}{ext}", [doc], _describe(doc, chart_id))
        else:
            put(chart_name + ext, docs, f"chart {chart_id!r}")
    names = _resource_files([(doc, base) for doc, base, _ in per_resource])
    for (doc, _, chart_id), file in zip(per_resource, names, strict=True):
        put(file + ext, [doc], _describe(doc, chart_id))
    if problems:
        raise SynthError(problems)
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
