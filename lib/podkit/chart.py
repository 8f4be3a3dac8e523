"""``podkit.Chart``: a cdk8s chart that renders podkit constructs in Python, in one go.

A ``podkit.Chart`` is a real ``cdk8s.Chart``: it holds any cdk8s construct (L1 ``Kube*``
classes, cdk8s-plus, Helm, Include) next to podkit's, it is synthesized by
``cdk8s.App``/``podkit.App`` and by ``cdk8s synth``, and ``cdk8s.Testing.synth`` works on
it. What it adds: Node asks it for its JSON once (``to_json``), and it renders every
podkit object it holds in Python during that one call, instead of one jsii round trip per
object (see ``_resource.py``). Output order: the chart's other cdk8s objects in cdk8s's own
order, then podkit objects in the order they were created (see ``Chart.to_json``).
"""

from __future__ import annotations

import builtins
import re
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar, overload

import cdk8s
import constructs

from . import _checks, _jsii, _node, _references, _rules, _validate
from .errors import DuplicateError, InvalidNameError, PodkitError, PodkitTypeError, Problem, SynthError

if TYPE_CHECKING:
    from ._resource import PodkitResource
    from .pod_security import PodSecurity

__all__ = ["Chart", "parse_selector"]

R = TypeVar("R", bound="PodkitResource")

#: ``apiVersion`` of the placeholder a materialized object hands Node inside a podkit chart.
SLOT_API_VERSION = "podkit.internal/v1"


def is_slot(doc: Any) -> bool:
    """Whether ``doc`` is the placeholder a materialized podkit object gave Node."""
    return isinstance(doc, dict) and doc.get("apiVersion") == SLOT_API_VERSION


class ChartMember:
    """What a ``podkit.Chart`` renders in Python: an object that renders itself.

    The chart knows its members only through this base (``PodkitResource`` is the one
    implementation): ``path``, ``_chart``, ``render()`` (the final object and its problems),
    ``checked()``, ``_metadata()``, ``is_materialized``/``_materialize()`` and ``node``. This
    keeps the engine below the constructs: it imports none of them.
    """

    __slots__ = ()


class Chart(cdk8s.Chart, metaclass=_jsii.PodkitMeta):
    """A cdk8s chart that synthesizes podkit constructs fast (one jsii call per chart).

    :param scope: the app (``podkit.App`` or ``cdk8s.App``).
    :param id: the chart id; the output file is ``<id>.k8s.yaml``.
    :param namespace: namespace for every object that does not set one. Default: none
        (objects land in the namespace ``kubectl apply`` targets).
    :param labels: labels added to every object of the chart (an object's own labels win).
    :param forbid_inline_secrets: when true, synth fails for any ``SecretEnv`` in this chart
        that carries values, naming it: for GitOps repos, where ``dist/`` is committed and
        secrets must come from the cluster (``SecretEnv.from_name``). Default: false.
    :param pod_security: check every pod template of the chart against this Pod Security
        Standards level at synth (after escape-hatch patches), failing synth on a violation.
        Nothing is ever added to make a pod pass. Default: no check.
    :param validate_schema: check every object against the Kubernetes 1.33 schema (strict:
        unknown fields are errors) before anything is written. Default: true.
    """

    def __init__(
        self,
        scope: constructs.Construct,
        id: str,
        *,
        namespace: str | None = None,
        labels: Mapping[str, str] | None = None,
        forbid_inline_secrets: bool = False,
        validate_schema: bool = True,
        pod_security: PodSecurity | None = None,
    ) -> None:
        if not isinstance(scope, constructs.Construct):
            raise PodkitTypeError(
                "", f"scope must be an App (podkit.App or cdk8s.App), got {type(scope).__name__}"
            )
        if not isinstance(id, str) or not id:
            raise PodkitTypeError("", f"chart id must be a non-empty str, got {id!r}")
        if not id.isprintable() or id != id.strip():
            # cdk8s would quietly turn "web\n" into the file web--.k8s.yaml
            raise InvalidNameError(
                repr(id),
                f"chart id {id!r} has surrounding spaces or control characters; the id names the output "
                f"file (<id>.k8s.yaml): use {id.strip() or 'a plain name'!r}",
            )
        if namespace is not None:
            _checks.dns_label(id, "namespace", namespace)
        _checks.check_bool(id, "forbid_inline_secrets", forbid_inline_secrets)
        _checks.check_bool(id, "validate_schema", validate_schema)
        if pod_security is not None:
            _check_level(id, pod_security)
        checked_labels = _checks.labels(id, labels or {})
        with _node.unchecked():  # checked above
            if scope.node.try_find_child(id) is not None:
                raise DuplicateError(
                    id,
                    f"there is already a chart (or construct) with id {id!r} in this app; chart ids name "
                    f"the output files and must be unique: pick another id",
                )
            super().__init__(scope, id, namespace=namespace, labels=checked_labels)
            # cdk8s.App.synth() validates the whole app before writing: render and check there
            # (podkit.App renders every chart before writing anything, so it needs no validation)
            if not _is_podkit_app(scope):
                self.node.add_validation(_jsii.ChecksBeforeWriting(self._check_podkit_objects))
        self._podkit_objects: list[PodkitResource] = []
        # construct ids in use per scope (Python identity of the scope object -> scope, ids)
        self._podkit_ids: dict[int, tuple[constructs.Construct, dict[str, PodkitResource]]] = {}
        self._podkit_defaults: tuple[dict[str, str], str | None] | None = None
        self._podkit_path: str | None = None
        self._podkit_rendering = False
        # cdk8s.App renders FOLDER_PER_CHART_FILE_PER_RESOURCE object by object, without asking
        # the chart (App.synth -> chartToKube): there, podkit objects must exist in Node
        self._podkit_eager = _renders_objects_directly(scope)
        self._in_podkit_app = _is_podkit_app(scope)
        self._podkit_final: list[tuple[str, Any]] = []
        self._podkit_unpatched_secrets: list[Any] = []
        self.forbid_inline_secrets = forbid_inline_secrets
        self.validate_schema = validate_schema
        self.pod_security = pod_security

    # -- registry -----------------------------------------------------------------
    def _register(self, obj: PodkitResource, scope: constructs.Construct, id: str) -> None:
        # `id` is the construct id here (cdk8s's parameter name), hence builtins.id
        _, ids = self._podkit_ids.setdefault(builtins.id(scope), (scope, {}))
        if id in ids:
            raise DuplicateError(obj.path, id_clash(scope_path(scope), id, obj, ids[id]))
        ids[id] = obj
        self._podkit_objects.append(obj)
        if self._podkit_eager:
            obj._materialize()

    @property
    def podkit_objects(self) -> list[PodkitResource]:
        """Every podkit construct in this chart, in creation order."""
        return list(self._podkit_objects)

    @overload
    def select(
        self, selector: str | Mapping[str, str] = "", *, kind: None = None
    ) -> list[PodkitResource]: ...

    @overload
    def select(self, selector: str | Mapping[str, str] = "", *, kind: type[R]) -> list[R]: ...

    def select(
        self, selector: str | Mapping[str, str] = "", *, kind: type[R] | None = None
    ) -> list[PodkitResource] | list[R]:
        """Find this chart's podkit objects by label, like ``kubectl get pods -l SELECTOR``.

        :param selector: a kubectl label selector (``"app=web,tier!=db,canary,!legacy"``;
            also ``in``/``notin`` sets: ``"env in (dev,prod)"``) or a mapping of required
            labels. Default: everything.
        :param kind: only objects of this podkit class (e.g. ``SidecarPod``), typed as such.
        """
        match = parse_selector(selector)
        if kind is not None and not isinstance(kind, type):
            raise PodkitTypeError(
                scope_path(self),
                f"select kind must be a podkit class such as SidecarPod, got {type(kind).__name__} {kind!r}",
            )
        found = [o for o in self._podkit_objects if match(o._metadata().get("labels") or {})]
        if kind is None:
            return found
        return [o for o in found if isinstance(o, kind)]

    # -- rendering ----------------------------------------------------------------
    def _defaults(self) -> tuple[dict[str, str], str | None]:
        if self._podkit_defaults is None:
            self._podkit_defaults = (dict(self.labels or {}), self.namespace)
        return self._podkit_defaults

    def to_json(self) -> list[Any]:
        """Render the chart: its other cdk8s objects first, then its podkit objects.

        The other objects (L1 ``Kube*`` classes, cdk8s-plus, Helm, Include) come first, in
        cdk8s's order, so that what they usually declare (Namespaces, CRDs, ServiceAccounts)
        is applied before the podkit objects that live in it. podkit objects follow in the
        order they were created, except that dependencies added with
        ``construct.node.add_dependency(other)`` come before their dependents.

        Every object, podkit's or not, is checked on its final form (escape-hatch patches
        applied): the strict schema, the API server's rules and the chart's Pod Security
        level. Raises :class:`SynthError` listing every problem found, before anything is
        written.
        """
        # Node renders the other constructs; materialized podkit objects answer with a slot
        global _rendering
        self._podkit_rendering = True
        _rendering += 1
        try:
            node_docs: list[Any] = list(super().to_json())
        finally:
            self._podkit_rendering = False
            _rendering -= 1
        chart_path = scope_path(self)
        problems: list[Problem] = []
        final: list[tuple[str, Any]] = []
        failed: list[Any] = []  # rendered, not written: their Secret values are scrubbed all the same
        # the object each final document comes from, by position: its problems name the user's
        # line that created it (None for other cdk8s constructs: no line is known)
        owners: list[Any] = []
        for doc in node_docs:
            if not is_slot(doc):
                final.append((foreign_path(chart_path, doc), doc))
                owners.append(None)
        for obj in self._ordered():
            doc, found = obj.render()
            if found:
                problems.extend(found)
                failed.append(doc)
            else:
                final.append((obj.path, doc))
                owners.append(obj)
        for _, doc in final:
            _clear_cluster_namespace(doc)
        # what podkit.App reads for its app-wide checks, also when this chart fails
        self._podkit_final = final
        self._podkit_unpatched_secrets = failed + _validate.unpatched_secrets(self._podkit_objects)
        problems.extend(self._id_clashes())
        problems.extend(_duplicates(chart_path, [doc for _, doc in final]))
        settings = _validate.settings_of(self)
        for (path, doc), owner in zip(final, owners, strict=True):
            passed = owner._passed_at_call() if owner is not None else None
            found = _validate.check_final(doc, path, chart=self, settings=settings, passed=passed)
            problems.extend(owner._sourced(found) if owner is not None and found else found)
        if not self._in_podkit_app:
            # a podkit.App checks references and scrubs Secret values app-wide; elsewhere, per chart
            entries = [_references.Entry(p, chart_path, d) for p, d in final]
            problems.extend(_references.check(entries, sites=self._podkit_sites()))
            _validate.warn_secret_values_in_config_maps(
                final, self._podkit_unpatched_secrets, sites=self._podkit_sites()
            )
        if problems:
            if not self._in_podkit_app:
                hidden = _validate.app_secret_values(final, self._podkit_unpatched_secrets)
                problems = _validate.scrub(problems, hidden)
            raise SynthError(problems)
        return [doc for _, doc in final]

    def _podkit_sites(self) -> dict[str, Any]:
        """Where the user created each podkit object of this chart, by construct path (the line a
        warning about the object names)."""
        return {obj.path: obj._source for obj in self._podkit_objects}

    def _check_podkit_objects(self) -> None:
        """Render and check this chart's podkit objects, in Python only (see ChecksBeforeWriting:
        this runs inside a Node callback, where rendering Node's objects would call back again).
        The other objects are checked in :meth:`to_json`, as before."""
        if _rendering:
            # cdk8s validates the whole app again inside every Chart.toJson, and this chart's
            # own rendering (to_json) checks everything anyway: only the first round counts
            return
        problems = [p for obj in self._podkit_objects for p in obj.checked()[1]]
        if problems:
            raise SynthError(problems)

    def _id_clashes(self) -> list[Problem]:
        """Construct ids a podkit object shares with another cdk8s construct of its scope.

        podkit objects are not in Node's construct tree until they materialize, so Node cannot
        see the clash; it would surface later as "There is already a Construct with name".
        One jsii call per scope that holds podkit objects.
        """
        out = []
        for scope, ids in self._podkit_ids.values():
            for child in scope.node.children:
                if isinstance(child, ChartMember):
                    continue
                child_id = child.node.id
                if child_id in ids:
                    out.append(
                        Problem(
                            f"{scope_path(scope)}/{child_id}",
                            f"construct id {child_id!r} is used by a podkit construct and by another cdk8s "
                            f"construct ({type(child).__name__}) in the same scope",
                            "construct ids must be unique: rename one",
                            "duplicate",
                        )
                    )
        return out

    def _ordered(self) -> list[PodkitResource]:
        """podkit objects in creation order, each preceded by what it depends on.

        Only materialized objects can carry dependencies (adding one hands the constructs
        to Node), so only those are asked, at one jsii call each. cdk8s has already
        rejected dependency cycles in ``super().to_json()``.
        """
        deps: dict[int, list[PodkitResource]] = {}
        for obj in self._podkit_objects:
            if obj.is_materialized:
                # a dependency on the escape-hatch child (ApiObject.of(obj)) means its owner
                targets = [getattr(dep, "_owner", None) or dep for dep in obj.node.dependencies]
                deps[id(obj)] = [t for t in targets if isinstance(t, ChartMember) and t._chart is self]  # type: ignore[attr-defined,misc]
        if not any(deps.values()):
            return list(self._podkit_objects)
        out: list[PodkitResource] = []
        placed: set[int] = set()

        def place(obj: PodkitResource) -> None:
            if id(obj) in placed:
                return
            placed.add(id(obj))
            for dep in deps.get(id(obj), []):
                place(dep)
            out.append(obj)

        for obj in self._podkit_objects:
            place(obj)
        return out


def _renders_objects_directly(scope: constructs.Construct) -> bool:
    if _is_podkit_app(scope) or not isinstance(scope, cdk8s.App):
        return False
    return bool(scope.yaml_output_type == cdk8s.YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE)


def _check_level(path: str, level: object) -> None:
    from .pod_security import PodSecurity

    if not isinstance(level, PodSecurity):
        raise PodkitTypeError(
            path,
            f"pod_security must be a PodSecurity (PodSecurity.BASELINE or PodSecurity.RESTRICTED), got {level!r}",
        )


def foreign_path(chart_path: str, doc: Any) -> str:
    """How messages name an object no podkit construct rendered (``chart: Kind name``); a
    ``podkit.App`` names a plain cdk8s chart's objects the same way."""
    meta = doc.get("metadata") if isinstance(doc, dict) else None
    name = meta.get("name") if isinstance(meta, dict) else None
    kind = doc.get("kind") if isinstance(doc, dict) else None
    return f"{chart_path}: {kind} {name}"


def _duplicates(path: str, docs: Iterable[Any]) -> list[Problem]:
    seen: set[tuple[str, str, str, str]] = set()
    out: list[Problem] = []
    for d in docs:
        if not isinstance(d, dict):
            continue
        meta = d.get("metadata") or {}
        group = str(d.get("apiVersion", "")).rpartition("/")[0]
        key = (group, str(d.get("kind")), str(meta.get("namespace", "")), str(meta.get("name")))
        if key in seen:
            out.append(
                Problem(
                    path,
                    f"two objects are both {key[1]} {key[3]!r}: Kubernetes keeps only one",
                    "rename one of them (name=...)",
                    "duplicate",
                )
            )
        seen.add(key)
    return out


def _is_podkit_app(scope: object) -> bool:
    """Whether ``scope`` is a ``podkit.App`` (which renders every chart before writing): asked by
    a marker, since app.py imports this module and not the other way round."""
    return getattr(type(scope), "_podkit_app", False) is True


#: podkit charts rendering right now (to_json inside to_json: a chart rendered by another's
#: Node call); their checks make the construct validations redundant (ChecksBeforeWriting)
_rendering = 0


def chart_of(scope: constructs.Construct) -> Chart | None:
    """The podkit Chart that renders constructs created in ``scope`` (``None`` if not one)."""
    if isinstance(scope, Chart):
        return scope
    if isinstance(scope, ChartMember):
        return scope._chart  # type: ignore[attr-defined,no-any-return]
    try:
        chart = cdk8s.Chart.of(scope)
    except Exception as e:  # jsii raises a generic error: make it a podkit one
        raise PodkitError(
            "", f"a podkit construct must be created inside a chart (podkit.Chart), not in {scope}: {e}"
        ) from None
    return chart if isinstance(chart, Chart) else None


def id_clash(where: str, id: str, new: object, existing: object) -> str:
    """The message for a construct id used twice in one scope. Kubernetes allows one name for
    objects of different kinds (a Deployment and its Service), but construct ids are unique in a
    scope whatever the kind: say how to keep the name."""
    kind, other = getattr(new, "KIND", None), getattr(existing, "KIND", None)
    head = f"there is already a {other or type(existing).__name__} with construct id {id!r} in {where or 'the app'}"
    if kind is None or other is None or kind == other:
        return f"{head}; construct ids become Kubernetes names and must be unique in a scope: pick another id"
    fix = (
        f"give this {kind} another id and keep the Kubernetes name with name={id!r} "
        f"(e.g. {type(new).__name__}(scope, {id + '-' + kind.lower()!r}, name={id!r}, ...))"
    )
    service, workload = (new, existing) if kind == "Service" else (existing, new)
    if getattr(service, "KIND", None) == "Service" and hasattr(workload, "expose"):
        fix += f", or let the {workload.KIND} make it: {workload.KIND.lower()}.expose()"  # type: ignore[attr-defined]
    return (
        f"{head}; Kubernetes allows one name for a {other} and a {kind}, but construct ids must be unique "
        f"in a scope whatever the kind: {fix}"
    )


def construct_path(scope: object, id: object) -> str:
    """The path a construct ``id`` in ``scope`` has (``chart/web``), also before it exists:
    checks that run before a constructor's ``super().__init__`` name it the same way."""
    parent = scope_path(scope) if isinstance(scope, constructs.Construct) else ""
    return f"{parent}/{id}" if parent else str(id)


def scope_path(scope: constructs.Construct) -> str:
    if isinstance(scope, Chart):
        if scope._podkit_path is None:
            scope._podkit_path = scope.node.path
        return scope._podkit_path
    if isinstance(scope, ChartMember):
        return scope.path  # type: ignore[attr-defined,no-any-return]
    return str(scope.node.path)


_REQ = re.compile(
    r"^\s*(?:(?P<notexists>!)\s*(?P<nkey>[^\s!=,()]+)"
    r"|(?P<key>[^\s!=,()]+)\s*(?:(?P<op>==|=|!=)\s*(?P<value>[^\s,()]*)"
    r"|\s+(?P<setop>in|notin)\s*\((?P<values>[^)]*)\))?)\s*$"
)


Labels = Mapping[str, str]
Predicate = Callable[[Labels], bool]


def _requirement(m: re.Match[str]) -> Predicate:
    if m["notexists"]:
        absent = m["nkey"]
        return lambda labels: absent not in labels
    key = m["key"]
    if m["setop"]:
        values = {v.strip() for v in m["values"].split(",") if v.strip()}
        if m["setop"] == "in":
            return lambda labels: labels.get(key) in values
        return lambda labels: labels.get(key) not in values
    if m["op"] == "!=":
        value = m["value"]
        return lambda labels: labels.get(key) != value
    if m["op"]:
        value = m["value"]
        return lambda labels: labels.get(key) == value
    return lambda labels: key in labels


def parse_selector(selector: str | Mapping[str, str]) -> Predicate:
    """Compile a kubectl-style label selector into a predicate over a label mapping."""
    if isinstance(selector, Mapping):
        wanted = dict(selector)
        return lambda labels: all(labels.get(k) == v for k, v in wanted.items())
    if not isinstance(selector, str):
        raise PodkitTypeError(
            "",
            f"label selector must be a str ('app=web,tier!=db') or a mapping of labels, "
            f"got {type(selector).__name__} {selector!r}",
        )
    tests: list[Predicate] = []
    for part in _split_selector(selector):
        m = _REQ.match(part)
        if not m:
            raise PodkitError(
                "",
                f"label selector {selector!r}: cannot parse {part!r}; expected 'key=value', "
                f"'key!=value', 'key', '!key', 'key in (a,b)' or 'key notin (a,b)', comma-separated",
            )
        tests.append(_requirement(m))
    return lambda labels: all(t(labels) for t in tests)


def _split_selector(selector: str) -> list[str]:
    parts, depth, cur = [], 0, ""
    for ch in selector:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    if cur.strip():
        parts.append(cur)
    return [p for p in parts if p.strip()]


def _clear_cluster_namespace(doc: Any) -> None:
    """A cluster-scoped object (a Namespace) has no namespace: the API server clears one, so the
    namespace a chart stamps on every object (cdk8s's Chart(namespace=)) is not written there."""
    if isinstance(doc, dict) and _rules.is_cluster_scoped(doc):
        meta = doc.get("metadata")
        if isinstance(meta, dict):
            meta.pop("namespace", None)
