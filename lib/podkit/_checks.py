"""The raising checks constructs call where a value arrives, and the Python-type checks.

The rule texts are the API server's (``podkit._rules.names``): a check here raises the text a
rule returns, and the final-object rules report the same text, so an early error and a
synth-time problem always say the same thing.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from typing import Any, NoReturn, TypeGuard, TypeVar

from ._rules.names import (
    ENV_NAME,
    INT32_MAX,
    PERCENT,
    Rule,
    config_key_error,
    divisor_error,
    dns1035_label_error,
    dns_label_error,
    dns_subdomain_error,
    env_name_error,
    field_path_error,
    host_path_error,
    http_header_name_error,
    image_ref_error,
    label_value_error,
    mount_path_error,
    port_name_error,
    qualified_name_error,
    relative_path_error,
    resource_field_error,
    sub_path_error,
    sysctl_host_conflict,
)
from .errors import InvalidNameError, PodkitTypeError

__all__ = [
    "ENV_NAME",
    "INT32_MAX",
    "PERCENT",
    "ValueMeta",
    "divisor_error",
    "dns1035_label_error",
    "dns_label_error",
    "field_path_error",
    "keyword_error",
    "label_value_error",
    "resource_field_error",
    "sysctl_host_conflict",
]


def is_list(value: object) -> TypeGuard[Iterable[Any]]:
    """Whether ``value`` can stand for a list argument: iterable, but not a str or bytes (read one
    character at a time) nor a mapping (read as its keys). Every list parameter asks this."""
    if type(value) is list or type(value) is tuple:
        return True  # the common case, without the ABC checks below (a hot path at build)
    return isinstance(value, Iterable) and not isinstance(value, str | bytes | Mapping)


def fail_type(path: str, what: str, value: object, expected: str) -> NoReturn:
    raise PodkitTypeError(path, f"{what} must be {expected}, got {type(value).__name__} {value!r}")


def check_str(path: str, what: str, value: object) -> str:
    if not isinstance(value, str):
        fail_type(path, what, value, "a str")
    return value


def check_str_map(path: str, what: str, value: object) -> dict[str, str]:
    if not isinstance(value, Mapping):
        fail_type(path, what, value, "a mapping of str to str")
    out: dict[str, str] = {}
    for k, v in value.items():
        if not isinstance(k, str) or not isinstance(v, str):
            raise PodkitTypeError(
                path,
                f"{what} must map str to str; entry {k!r}: {v!r} has a {type(v).__name__} value "
                f"(quote it: {k!r}: {str(v)!r})",
            )
        out[k] = v
    return out


def _raise_if(path: str, error: str | None, *, podkit: bool = False) -> None:
    if error is not None:
        raise InvalidNameError(path, f"{PODKIT_RULE}{error}" if podkit else error)


#: how a message of a check podkit makes at the call, stricter than the API server, begins
PODKIT_RULE = "podkit rule: "


def _valid(path: str, what: str, value: object, rule: Rule, *, podkit: bool = False) -> str:
    """``value`` when it is a str that ``rule`` accepts; else raise with the rule's text
    (``podkit``: a podkit rule, stricter than the API server, and the message says so)."""
    if type(value) is str and (rule, value) in _ACCEPTED:
        return value  # apps repeat the same names, keys and images thousands of times
    text = check_str(path, what, value)
    _raise_if(path, rule(what, text), podkit=podkit)
    if len(_ACCEPTED) < 100_000:
        _ACCEPTED.add((rule, text))
    return text


#: (rule, value) pairs a rule accepted (rules depend on the value only; ``what`` names it in errors)
_ACCEPTED: set[tuple[Rule, str]] = set()


# Value checks that run before a construct path exists (the pod or construct that receives
# the value re-raises with its path): enum members, instances, sequences.
E = TypeVar("E", bound=enum.Enum)


def check_enum(what: str, value: object, enum_type: type[E]) -> E:
    """An enum member, or a type error that names the member to use when given its value."""
    if isinstance(value, enum_type):
        return value
    members = {m.value: m for m in enum_type}
    if isinstance(value, str):
        match = members.get(value) or next(
            (m for m in enum_type if m.value.lower() == value.lower() or m.name == value.upper()), None
        )
        if match is not None:
            raise PodkitTypeError(
                "",
                f"{what} must be a {enum_type.__name__}, got str {value!r}; use {enum_type.__name__}.{match.name}",
            )
    choices = ", ".join(f"{enum_type.__name__}.{m.name}" for m in enum_type)
    raise PodkitTypeError(
        "", f"{what} must be a {enum_type.__name__} ({choices}), got {type(value).__name__} {value!r}"
    )


def check_optional_enum(what: str, value: object, enum_type: type[E]) -> E | None:
    return None if value is None else check_enum(what, value, enum_type)


def check_instance(what: str, value: object, cls: type[Any], hint: str) -> Any:
    if value is not None and not isinstance(value, cls):
        raise PodkitTypeError(
            "", f"{what} must be a {cls.__name__} ({hint}), got {type(value).__name__} {value!r}"
        )
    return value


def check_sequence(what: str, value: object, example: str, *, path: str = "") -> tuple[Any, ...]:
    """A list or tuple; a bare str (read one character at a time) or a mapping (read as its
    keys) is refused. ``what`` names the argument, ``path`` the construct that received it."""
    if not is_list(value):
        raise PodkitTypeError(
            path, f"{what} must be a list or tuple, got {type(value).__name__} {value!r}; e.g. {example}"
        )
    return tuple(value)


def check_bool(path: str, what: str, value: object) -> bool:
    """A flag: True or False (a str such as "false" would be truthy)."""
    if not isinstance(value, bool):
        raise PodkitTypeError(path, f"{what} must be a bool, got {type(value).__name__} {value!r}")
    return value


def optional_bool(path: str, what: str, value: object) -> bool | None:
    if value is not None and not isinstance(value, bool):
        fail_type(path, what, value, "True, False or None")
    return value


def dns_label(path: str, what: str, value: object) -> str:
    """RFC 1123 label: container, volume and port-less names (max 63)."""
    return _valid(path, what, value, dns_label_error)


def dns_subdomain(path: str, what: str, value: object) -> str:
    """RFC 1123 subdomain: object names (max 253)."""
    return _valid(path, what, value, dns_subdomain_error)


def env_name(path: str, value: object, *, what: str = "env var name") -> str:
    return _valid(path, what, value, env_name_error)


def config_key(path: str, value: object, *, what: str = "key") -> str:
    return _valid(path, what, value, config_key_error)


def label_key(path: str, value: object, *, what: str = "label key") -> str:
    return _valid(path, what, value, qualified_name_error)


def label_value(path: str, key: str, value: object) -> str:
    if not isinstance(value, str):
        fail_type(path, f"label {key!r}", value, f"a str (quote it: {str(value)!r})")
    _raise_if(path, label_value_error(f"label {key!r}", value))
    return value


def labels(path: str, value: object) -> dict[str, str]:
    if not isinstance(value, Mapping):
        fail_type(path, "labels", value, "a mapping of str to str")
    return {label_key(path, k): label_value(path, k, v) for k, v in value.items()}


def port_name(path: str, value: object, *, what: str = "port name") -> str:
    return _valid(path, what, value, port_name_error)


def port_number(path: str, what: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        fail_type(path, what, value, "an int between 1 and 65535")
    if not 1 <= value <= 65535:
        raise InvalidNameError(path, f"{what} {value} is out of range: use a port between 1 and 65535")
    return value


def image_ref(path: str, value: object, *, what: str = "image") -> str:
    """An image reference a container runtime can pull (``nginx:1.27``, ``ghcr.io/org/app@sha256:...``).

    A podkit rule: the API server accepts any non-empty image (the kubelet fails to pull it)."""
    return _valid(path, what, value, image_ref_error, podkit=value != "")


def http_header_name(path: str, value: object, *, what: str = "probe header name") -> str:
    return _valid(path, what, value, http_header_name_error)


def relative_path(path: str, what: str, value: object, *, reserved: bool = False) -> str:
    """A file path inside a volume (item paths): relative, without a '..' element."""
    text = check_str(path, what, value)
    _raise_if(path, relative_path_error(what, text, reserved=reserved))
    return text


def sub_path(path: str, value: object, *, what: str = "sub_path") -> str:
    """A mount's ``subPath``: relative, without a '..' element."""
    return _valid(path, what, value, sub_path_error)


def mount_path(path: str, value: object, *, what: str = "mount path", podkit: bool = False) -> str:
    """A mount's ``mountPath``: absolute and not empty (``podkit``: a podkit rule, the API
    server accepts a relative mount path, which the runtime resolves against the root)."""
    return _valid(path, what, value, mount_path_error, podkit=podkit)


def host_path(path: str, value: object, *, what: str = "host path") -> str:
    return _valid(path, what, value, host_path_error)


def jsonable(value: Any) -> Any:
    """Drop ``None`` values and sort mapping keys recursively, as cdk8s does for ApiObjects.

    One pass over the tree; scalars (most of it) are copied without a call (issue #16)."""
    if type(value) is dict:
        return _jsonable_dict(value)
    if type(value) is list:
        return _jsonable_list(value)
    if isinstance(value, dict | list):  # subclasses: the general (slower) path
        return jsonable(dict(value) if isinstance(value, dict) else list(value))
    return value


# Every rendered object passes here at synth (~10 us a pod): plain loops with the type tests
# inline, and no sort for a one-key mapping, cost a third less than one recursive comprehension.
def _jsonable_dict(value: dict[Any, Any]) -> dict[Any, Any]:
    out = {}
    for k in sorted(value) if len(value) > 1 else value:
        v = value[k]
        if v is None:
            continue
        t = type(v)
        if t is dict:
            v = _jsonable_dict(v)
        elif t is list:
            v = _jsonable_list(v)
        out[k] = v
    return out


def _jsonable_list(value: list[Any]) -> list[Any]:
    out = []
    for v in value:
        t = type(v)
        if t is dict:
            v = _jsonable_dict(v)
        elif t is list:
            v = _jsonable_list(v)
        out.append(v)
    return out


def set_only(**fields: Any) -> dict[str, Any]:
    """The fields that are set (not ``None``), in order: a value's render, built without the unset
    fields that :func:`without_none` (the rules' view) or :func:`jsonable` (the written object)
    would drop again."""
    return {k: v for k, v in fields.items() if v is not None}


def without_none(value: Any) -> Any:
    """Drop ``None`` values recursively, keeping key order: what the rules read (the written
    object is :func:`jsonable`'s, sorted; the rules do not care about order, and a construct asking
    them at its call should not pay for sorting)."""
    if type(value) is dict:
        return {
            k: without_none(v) if type(v) is dict or type(v) is list else v
            for k, v in value.items()
            if v is not None
        }
    if type(value) is list:
        return [without_none(v) if type(v) is dict or type(v) is list else v for v in value]
    if isinstance(value, dict | list):
        return without_none(dict(value) if isinstance(value, dict) else list(value))
    return value


def enum_arg(path: str, what: str, value: object, cls: type[E]) -> E:
    """``value`` as a member of ``cls``; a str that names a member's value says which member."""
    if isinstance(value, cls):
        return value
    member = next((m for m in cls if isinstance(value, str) and value.lower() == str(m.value).lower()), None)
    hint = f": use {cls.__name__}.{member.name}" if member else ""
    members = ", ".join(f"{cls.__name__}.{m.name}" for m in cls)
    raise PodkitTypeError(path, f"{what} must be a {cls.__name__} ({members}), got {value!r}{hint}")


# -- keyword typos (``readyness=``): the closest parameter, for every construct and value class --
def keyword_error(cls: Any, error: TypeError, args: tuple[Any, ...], kwargs: dict[str, Any]) -> TypeError:
    """``error``, or, when it is Python's own complaint about the call's keywords (a typo such as
    ``readyness=``, a keyword the class does not take), a :class:`PodkitTypeError` that names the
    closest parameter. Asked only once a call has failed, so a good call costs nothing."""
    if isinstance(error, PodkitTypeError) or not kwargs:
        return error
    import inspect

    try:
        signature = inspect.signature(cls)
    except (TypeError, ValueError):
        return error
    try:
        signature.bind(*args, **kwargs)
    except TypeError:
        pass
    else:
        return error  # the call's arguments fit: the TypeError came from inside
    unknown = [k for k in kwargs if k not in signature.parameters]
    if not unknown:
        return error
    return PodkitTypeError("", unexpected_keywords(cls, unknown))


def unexpected_keywords(cls: Any, unknown: list[str]) -> str:
    """The message for keywords ``cls`` (a class or a function) does not take: the closest
    parameter of each, or, when none is close, every parameter it takes. A class may explain a
    keyword itself with ``_unexpected_keyword(key) -> str | None``."""
    import difflib
    import inspect

    hint = getattr(cls, "_unexpected_keyword", None) if isinstance(cls, type) else None
    special = hint(unknown[0]) if hint is not None else None
    if special is not None:
        return str(special)
    try:
        names = [n for n in inspect.signature(cls).parameters if not n.startswith("_")]
    except (TypeError, ValueError):
        names = []
    parts = []
    guessed = True
    for key in unknown:
        close = difflib.get_close_matches(key, names, n=1)
        guessed = guessed and bool(close)
        parts.append(f"{key!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
    takes = "" if guessed else f"; it takes: {', '.join(names)}"
    return f"{cls.__qualname__}() got an unexpected keyword argument {', '.join(parts)}{takes}"


class ValueMeta(type):
    """Metaclass of podkit's value classes (``Container``, ``Probe``, ...): a keyword the class
    does not take is a :class:`PodkitTypeError` naming the closest parameter, not Python's bare
    ``TypeError``. (Constructs get the same from ``_jsii.LazyMeta``.)"""

    def __init__(cls, name: str, bases: tuple[type, ...], namespace: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(name, bases, namespace, **kwargs)
        document_init(cls, namespace)

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().__call__(*args, **kwargs)
        except TypeError as e:
            raise keyword_error(cls, e, args, kwargs) from None

    @property
    def __signature__(cls) -> Any:
        return class_signature(cls)


def class_signature(cls: Any) -> Any:
    """The signature ``help()``, ``inspect.signature`` and IDEs show for ``cls(...)``: its
    ``__init__``'s without ``self``, with ``**kwargs: Unpack[SomeArgs]`` spelled out as the
    keyword-only parameters ``SomeArgs`` lists (defaults: those of the ``__init__`` that
    consumes them, else ``None``, which means "not set")."""
    import inspect

    init = cls.__init__
    signature = inspect.signature(init)
    params = list(signature.parameters.values())[1:]  # without self
    out = [p for p in params if p.kind is not p.VAR_KEYWORD]
    for p in params:
        if p.kind is not p.VAR_KEYWORD:
            continue
        fields = unpacked_fields(init, p.annotation)
        if fields is None:
            out.append(p)
            continue
        taken = {q.name for q in out}
        for name, annotation in fields.items():
            if name in taken:
                continue
            out.append(
                inspect.Parameter(
                    name, inspect.Parameter.KEYWORD_ONLY, default=_default(cls, name), annotation=annotation
                )
            )
    return signature.replace(parameters=out, return_annotation=inspect.Signature.empty)


def unpacked_fields(function: Any, annotation: object) -> dict[str, str] | None:
    """The keys of the TypedDict in ``**kwargs: Unpack[TD]`` (name -> annotation text), or ``None``."""
    text = annotation if isinstance(annotation, str) else getattr(annotation, "__forward_arg__", None)
    if text is None or not text.startswith("Unpack[") or not text.endswith("]"):
        return None
    typed = getattr(function, "__globals__", {}).get(text[len("Unpack[") : -1])
    hints = getattr(typed, "__annotations__", None)
    if not isinstance(hints, dict):
        return None
    return {
        k: getattr(v, "__forward_arg__", v if isinstance(v, str) else getattr(v, "__name__", str(v)))
        for k, v in hints.items()
    }


def _default(cls: Any, name: str) -> Any:
    import inspect

    for klass in cls.__mro__:
        init = klass.__dict__.get("__init__")
        if init is None:
            continue
        try:
            param = inspect.signature(init).parameters.get(name)
        except (TypeError, ValueError):
            continue
        if param is not None and param.default is not inspect.Parameter.empty:
            return param.default
    return None


def document_init(cls: Any, namespace: Mapping[str, Any]) -> None:
    """``help(cls.__init__)`` shows the class docstring (where podkit documents every parameter)
    rather than "Initialize self"; a ``**kwargs: Unpack[SomeArgs]`` adds ``SomeArgs``'s and its
    bases' ``:param`` lines, so every parameter the signature shows is documented."""
    init = namespace.get("__init__")
    if init is None or not cls.__doc__:
        return
    if init.__doc__ is None:
        init.__doc__ = cls.__doc__
    import inspect

    try:
        params = inspect.signature(init).parameters.values()
    except (TypeError, ValueError):
        return
    for p in params:
        if p.kind is p.VAR_KEYWORD and unpacked_fields(init, p.annotation) is not None:
            typed = init.__globals__[str(p.annotation)[len("Unpack[") : -1]]
            extra = "\n\n".join(_dedent(t.__doc__) for t in _typed_dict_chain(typed) if t.__doc__)
            init.__doc__ = f"{_dedent(init.__doc__)}\n\n{extra}"


def _typed_dict_chain(typed: Any) -> list[Any]:
    """``typed`` and the TypedDicts it extends (3.11 keeps no bases on a TypedDict: those of its
    module whose keys it has)."""
    import sys
    from typing import is_typeddict

    keys = set(typed.__annotations__)
    module = vars(sys.modules[typed.__module__])
    bases = [
        t for t in module.values() if is_typeddict(t) and t is not typed and set(t.__annotations__) <= keys
    ]
    return [typed, *sorted(bases, key=lambda t: -len(t.__annotations__))]


def _dedent(text: str) -> str:
    import inspect

    return inspect.cleandoc(text)


C = TypeVar("C", bound=type)


def factory_built(cls: C) -> C:
    """For a value class built only by its static factories (``Probe.http_get(...)``): its
    dataclass ``__init__`` (whose fields are private) becomes ``cls._make`` for the factories,
    ``cls(...)`` says which factories to use, ``help()`` shows no private parameter, and each
    factory answers a keyword typo with the closest parameter."""
    import functools

    make: Any = vars(cls).get("__init__") or next(
        vars(k)["__init__"] for k in cls.__mro__ if "__init__" in vars(k)
    )
    factories = [n for n, v in vars(cls).items() if isinstance(v, staticmethod) and not n.startswith("_")]
    shown = ", ".join(f"{cls.__name__}.{n}(...)" for n in factories)

    def __init__(self: Any) -> None:
        raise PodkitTypeError("", f"{cls.__name__} is built with its factories: {shown}")

    __init__.__doc__ = cls.__doc__
    __init__.__qualname__ = f"{cls.__qualname__}.__init__"

    def _make(*args: Any, **kwargs: Any) -> Any:
        obj: Any = object.__new__(cls)
        make(obj, *args, **kwargs)
        return obj

    for name in factories:
        function = vars(cls)[name].__func__

        @functools.wraps(function)
        def factory(*args: Any, __function: Any = function, **kwargs: Any) -> Any:
            try:
                return __function(*args, **kwargs)
            except TypeError as e:
                raise keyword_error(__function, e, args, kwargs) from None

        setattr(cls, name, staticmethod(factory))
    cls.__init__ = __init__  # type: ignore[misc]
    cls._make = staticmethod(_make)  # type: ignore[attr-defined]
    return cls
