"""The one seam between podkit's Python state and jsii (the Node process behind cdk8s).

Everything podkit does that depends on how jsii works lives here, so that a jsii upgrade is
checked in one module (``tests/test_jsii_seam.py`` is its contract test):

* **Lazy constructs.** A jsii round trip costs ~0.2 ms and a real Node construct costs two or
  three of them, which for a 3,000-object app is most of synth. So a podkit construct is a
  ``constructs.Construct`` whose Node half is created only when something hands it to jsii
  (``ApiObject.of(pod)``, ``pod.node``, using it as a scope or a dependency): jsii reads
  ``__jsii_ref__``, and reading it *materializes* the construct (``Construct.__init__`` at the
  same scope and id, plus a ``Resource`` child for the escape hatch). ``LazyMeta`` skips
  ``JSIIMeta.__call__``'s eager registration, which would read ``__jsii_ref__`` at once.
* **Attach after a successful constructor.** ``LazyMeta.__call__`` calls ``_podkit_attach()``
  only once ``__init__`` returned, so a constructor that raises leaves nothing behind (no
  registered id, no half-built object in the chart). Constructs created while another is being
  constructed (a StatefulSet's headless Service) attach after their parent, or not at all.
* **JSON patches** added through the escape hatch are opaque Node objects; they are applied
  with one ``JsonPatch.apply`` call per patched object, and a failure is reported without the
  document (which may hold Secret data).
* **Errors cross jsii with their type.** A podkit exception raised inside a callback from Node
  (``Chart.to_json`` called by ``cdk8s.App.synth()`` or ``Testing.synth``) comes back out of
  the outer jsii call as a bare ``RuntimeError``; :func:`install_error_translation` re-raises
  the original podkit exception instead, so ``pytest.raises(podkit.SynthError)`` works.
"""

from __future__ import annotations

import contextlib
import inspect
import re
from collections.abc import Callable, Sequence
from typing import Any

import cdk8s
import constructs
import jsii

from . import _node
from ._checks import class_signature, document_init, keyword_error

# Objects whose constructor is running, innermost last: children wait for their parent.
_constructing: list[Any] = []


class PodkitMeta(jsii.JSIIMeta):
    """Metaclass of podkit's jsii classes (``App``, ``Chart`` and, through :class:`LazyMeta`, every
    construct): ``help()``, ``inspect.signature`` and IDEs show podkit's own parameters.

    jsii's metaclass defines ``__call__(*args, **kwargs)``, which ``inspect.signature`` would
    report for the class; and an ``__init__`` without a docstring inherits "Creates a new
    construct node." from ``constructs.Construct``. So the class's signature is its
    ``__init__``'s, and that ``__init__`` documents itself with the class docstring (where podkit
    describes every parameter).
    """

    def __init__(cls, name: str, bases: tuple[type, ...], namespace: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(name, bases, namespace, **kwargs)
        document_init(cls, namespace)

    @property
    def __signature__(cls) -> inspect.Signature:
        signature: inspect.Signature = class_signature(cls)
        return signature


class LazyMeta(PodkitMeta):
    """Metaclass of podkit constructs: no eager jsii registration; attach after ``__init__``."""

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        inst: Any = object.__new__(cls)  # type: ignore[arg-type]
        inst.__dict__["_podkit_children"] = []
        _constructing.append(inst)
        try:
            try:
                inst.__init__(*args, **kwargs)
            except TypeError as e:
                raise keyword_error(cls, e, args, kwargs) from None
            # the whole object is built: what it must check as a whole (a pod's rules), before
            # it joins its chart, so a refused object leaves nothing behind
            inst._podkit_built()
        finally:
            _constructing.pop()
        if _constructing:
            # created inside another construct's constructor: attach with it (or never)
            _constructing[-1].__dict__["_podkit_children"].append(inst)
        else:
            _attach_tree(inst)
        return inst


def _attach_tree(inst: Any) -> None:
    inst._podkit_attach()
    for child in inst.__dict__.pop("_podkit_children", []):
        _attach_tree(child)


def _ref_get(self: LazyConstruct) -> Any:
    ref = self.__dict__.get("_podkit_jsii_ref")
    if ref is None:
        self._materialize()
        ref = self.__dict__["_podkit_jsii_ref"]
    return ref


def _ref_set(self: LazyConstruct, value: Any) -> None:
    self.__dict__["_podkit_jsii_ref"] = value


class LazyConstruct(constructs.Construct, metaclass=LazyMeta):
    """A construct that exists only in Python until jsii needs it (see module docs).

    Subclasses set ``_scope``/``_id`` in ``__init__`` (``constructs.Construct.__init__`` is
    deliberately not called there), implement ``_podkit_attach`` and ``_make_default_child``.
    """

    # jsii reads and writes this attribute; reading it materializes the Node object.
    __jsii_ref__ = property(_ref_get, _ref_set)

    _scope: constructs.Construct
    _id: str

    @property
    def is_materialized(self) -> bool:
        """Whether this construct also exists as a Node object."""
        return "_podkit_jsii_ref" in self.__dict__

    def _podkit_attach(self) -> None:
        raise NotImplementedError

    def _podkit_built(self) -> None:
        """Called once the outermost ``__init__`` returned, before the construct attaches:
        checks of the object as a whole. Default: nothing."""

    def _make_default_child(self) -> None:
        raise NotImplementedError

    def _materialize(self) -> None:
        if self.is_materialized:
            return
        constructs.Construct.__init__(self, self._scope, self._id)
        self._make_default_child()


class PatchError(Exception):
    """A JSON patch could not be applied; ``reason`` holds no part of the document."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# fast-json-patch names its failures (OPERATION_PATH_UNRESOLVABLE, TEST_OPERATION_FAILED, ...)
_PATCH_NAME = re.compile(r"^name: (\w+)$", re.MULTILINE)
_PATCH_INDEX = re.compile(r"^index: (\d+)$", re.MULTILINE)
_PATCH_REASONS = {
    "OPERATION_PATH_UNRESOLVABLE": "its path does not exist in the object (a parent is missing)",
    "OPERATION_PATH_CANNOT_ADD": "its path cannot be added to (index out of range?)",
    "OPERATION_PATH_ILLEGAL_ARRAY_INDEX": "its path has an invalid array index",
    "OPERATION_VALUE_OUT_OF_BOUNDS": "its array index is out of bounds",
    "OPERATION_FROM_UNRESOLVABLE": "its 'from' path does not exist in the object",
    "TEST_OPERATION_FAILED": "it is a test operation and the value differs",
    "OPERATION_PATH_INVALID": "its path is not a valid JSON pointer",
}


# What each JSON patch operation is (op, path, from; never its value), recorded when it is made:
# a cdk8s.JsonPatch is an opaque Node object whose operation jsii cannot read back.
_OP_PARAMETERS = {
    "add": ("path", "value"),
    "copy": ("from_", "path"),
    "move": ("from_", "path"),
    "remove": ("path",),
    "replace": ("path", "value"),
    "test": ("path", "value"),
}


def _recording(op: str, make: Callable[..., Any]) -> Callable[..., Any]:
    names = _OP_PARAMETERS[op]

    def record(*args: Any, **kwargs: Any) -> Any:
        patch = make(*args, **kwargs)
        given = {**dict(zip(names, args, strict=False)), **kwargs}
        with contextlib.suppress(AttributeError, TypeError):
            patch.__dict__["_podkit_op"] = (op, given.get("path"), given.get("from_"))
        return patch

    record.__wrapped__ = make  # type: ignore[attr-defined]
    record.__doc__ = make.__doc__
    record._podkit_recording = True  # type: ignore[attr-defined]
    return record


for _op, _make in [(op, getattr(cdk8s.JsonPatch, op)) for op in _OP_PARAMETERS]:
    if not getattr(_make, "_podkit_recording", False):
        setattr(cdk8s.JsonPatch, _op, staticmethod(_recording(_op, _make)))


def describe_patch(patch: object) -> str:
    """``replace /spec/replicas`` (``move /a from /b``): what a patch does, without its value;
    ``a JSON patch`` when it was made before podkit was imported."""
    recorded = getattr(patch, "__dict__", {}).get("_podkit_op")
    if recorded is None:
        return "a JSON patch"
    op, path, source = recorded
    return f"{op} {path}" + (f" from {source}" if source is not None else "")


def apply_json_patches(doc: dict[str, Any], ops: Sequence[cdk8s.JsonPatch]) -> dict[str, Any]:
    """Apply escape-hatch patches (one jsii call), keeping apiVersion/kind/metadata first.

    Raises :class:`PatchError` whose reason names the failing operation (its number, ``op`` and
    ``path``: they are not secret) and the cause, but never echoes the document or the
    operation's value (either may be Secret data).
    """
    try:
        patched = cdk8s.JsonPatch.apply(doc, *ops)
    except Exception as e:  # jsii raises RuntimeError/JSIIError with the whole tree in it
        text = str(e)
        name = _PATCH_NAME.search(text)
        index_match = _PATCH_INDEX.search(text)
        index = int(index_match.group(1)) if index_match else _failing_index(doc, ops)
        reason = _PATCH_REASONS.get(name.group(1), name.group(1)) if name else _plain_reason(text)
        if index is None:
            raise PatchError(f"a JSON patch failed: {reason}") from None
        which = f"JSON patch #{index + 1} ({describe_patch(ops[index])})"
        raise PatchError(f"{which} failed: {reason}") from None
    if not isinstance(patched, dict):
        raise PatchError("the JSON patches replaced the whole object with something that is not an object")
    head = [k for k in ("apiVersion", "kind", "metadata") if k in patched]
    return {**{k: patched[k] for k in head}, **{k: v for k, v in patched.items() if k not in head}}


def _failing_index(doc: dict[str, Any], ops: Sequence[cdk8s.JsonPatch]) -> int | None:
    """The first operation that fails (asked only after the patches failed: one jsii call each)."""
    import copy

    current: Any = copy.deepcopy(doc)
    for i, op in enumerate(ops):
        try:
            current = cdk8s.JsonPatch.apply(current, op)
        except Exception:
            return i
    return None


def _plain_reason(text: str) -> str:
    """The cause of a failure fast-json-patch did not name (a parent of the path is missing and
    Node's own TypeError surfaced): never the document."""
    if "Cannot read properties of undefined" in text or "Cannot set properties of undefined" in text:
        return "its path does not exist in the object (a parent is missing)"
    return "it could not be applied"


# -- podkit exceptions across jsii: installed before cdk8s loads, so they live in _node.py ------
_podkit_cause = _node._podkit_cause
_translating = _node._translating
install_error_translation = _node.install_error_translation


@jsii.implements(constructs.IValidation)
class ChecksBeforeWriting:
    """podkit's synth checks as a construct validation, for ``cdk8s.App.synth()``.

    ``cdk8s.App.synth()`` writes chart by chart, so a chart that failed only when cdk8s asked it
    for its objects would leave the charts before it written. But cdk8s first validates every
    construct of the app (``node.validate()``) and writes nothing if one fails: podkit's checks
    run there too. The :class:`SynthError` raised inside this callback reaches the caller as
    itself (:func:`install_error_translation`). ``podkit.App`` does not need this: it renders
    every chart before writing anything.
    """

    def __init__(self, check: Callable[[], object]) -> None:
        self._check = check

    def validate(self) -> list[str]:
        self._check()
        return []
