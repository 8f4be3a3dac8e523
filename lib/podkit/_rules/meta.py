"""Object metadata (names, namespace, labels, annotations) and label selectors (apimachinery's ValidateObjectMeta, ValidateLabelSelector)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._base import Report, as_dict, as_list, data_size, label, label_value, qualified, upstream
from .names import Rule

__all__ = [
    "MAX_ANNOTATIONS",
    "SELECTOR_OPERATORS",
    "STANDARD_FINALIZERS",
    "any_name",
    "check_annotations",
    "check_label_selector",
    "check_labels",
    "check_metadata",
    "check_requirement",
    "selector_matches",
]

MAX_ANNOTATIONS = 256 * 1024  # TotalAnnotationSizeLimitB


def any_name(what: str, value: str) -> str | None:
    """Names of kinds podkit does not know: only what every resource's URL path needs
    (``path.ValidatePathSegmentName``)."""
    if value in (".", "..") or "/" in value or "%" in value:
        return f"{what} {value!r} cannot be used in a URL path: remove '/' and '%' (and not '.' or '..')"
    return None


def _any_prefix(what: str, value: str) -> str | None:
    """A generateName of a kind podkit does not know (``IsValidPathSegmentPrefix``): the
    generated suffix makes '.' and '..' fine."""
    if "/" in value or "%" in value:
        return f"{what} {value!r} cannot be used in a URL path: remove '/' and '%'"
    return None


def _mask_trailing_dash(value: str) -> str:
    """apimachinery's ``maskTrailingDash``, quirk included: a generateName ending in '-' is judged
    with its last two characters replaced by 'a' (the generated suffix follows the dash)."""
    return value[:-2] + "a" if len(value) > 1 and value.endswith("-") else value


#: finalizer names a built-in kind may use without a domain (``helper.IsStandardFinalizerName``)
STANDARD_FINALIZERS = ("kubernetes", "orphan", "foregroundDeletion")


@upstream("ValidateObjectMeta")
def check_metadata(
    r: Report, meta: Mapping[str, Any], where: str, name_rule: Rule | None, *, namespaced: bool = True
) -> None:
    """An object's metadata at ``where`` (``metadata``), named by ``name_rule`` (``None``: a kind
    podkit does not know); ``namespaced=False`` for cluster-scoped kinds, whose namespace the API
    server clears. A template's metadata (``where`` not ``metadata``, no ``name_rule``) is checked
    as the API server checks templates: its labels and annotations only."""
    if name_rule is None and where != "metadata":
        check_labels(r, meta.get("labels"), f"{where}.labels")
        check_annotations(r, meta.get("annotations"), f"{where}.annotations")
        return
    generate = meta.get("generateName")
    if generate is not None and not meta.get("name"):
        # the API server would accept it (and name it), but `kubectl apply` cannot create an
        # object without a name: a podkit rule, stricter than the server, only for this case
        r.add(
            f"{where}.generateName is set without a name: kubectl apply cannot create objects with a "
            f"generated name; set {where}.name instead"
        )
    else:
        r.required(f"{where}.name", meta.get("name"), name_rule or any_name, "every object needs a name")
    if isinstance(generate, str) and generate:
        prefix_rule = name_rule or _any_prefix
        if prefix_rule(f"{where}.generateName", _mask_trailing_dash(generate)) is not None:
            # masking changed only a trailing '-': the written value is as wrong, and is what to show
            r.add(prefix_rule(f"{where}.generateName", generate))
    namespace = meta.get("namespace")
    # an empty namespace is the kubectl context's; a cluster-scoped kind's is cleared by the server
    if namespaced and isinstance(namespace, str) and namespace:
        r.add(label(f"{where}.namespace", namespace))
    check_labels(r, meta.get("labels"), f"{where}.labels")
    check_annotations(r, meta.get("annotations"), f"{where}.annotations")
    # rarely set: read (and their paths made) only when they are
    refs, finalizers = meta.get("ownerReferences"), meta.get("finalizers")
    if refs:
        _owner_references(r, refs, f"{where}.ownerReferences")
    if finalizers:
        _finalizers(r, finalizers, f"{where}.finalizers", built_in=name_rule is not None)


def check_annotations(r: Report, annotations: object, where: str) -> None:
    """``ValidateAnnotations``: keys are qualified names (case aside), 256 KiB in all."""
    if not isinstance(annotations, dict) or not annotations:
        return
    total = 0
    for key, value in annotations.items():
        if isinstance(key, str):
            # ValidateAnnotations checks the lower-cased key
            r.add(qualified(f"{where} key", key.lower()))
            total += data_size(key)
        total += data_size(value)
    if total > MAX_ANNOTATIONS:
        r.add(
            f"{where} total {total} bytes, more than the 262144 (256 KiB) allowed: move large data to a ConfigMap"
        )


def _owner_references(r: Report, refs: object, where: str) -> None:
    """``ValidateOwnerReferences``: each names its owner fully, an Event owns nothing, and at most
    one is the controller. (A missing field is the schema check's to report.)"""
    controller = ""
    for i, ref in enumerate(as_list(refs)):
        if not isinstance(ref, dict):
            continue
        at = f"{where}[{i}]"
        api_version, kind_name = ref.get("apiVersion"), ref.get("kind")
        if isinstance(api_version, str) and not _group_version(api_version)[1]:
            r.add(
                f"{at}.apiVersion {api_version!r} names no version: write 'v1' or 'group/version' (e.g. 'apps/v1')"
            )
        for key, what in (
            ("kind", "the owner's kind"),
            ("name", "the owner's name"),
            ("uid", "the owner's uid"),
        ):
            if ref.get(key) == "":
                r.add(f"{at}.{key} is empty: set {what}")
        if _group_version(api_version) == ("", "v1") and kind_name == "Event":
            r.add(f"{at} names an Event: an Event cannot own objects; remove this reference")
        if ref.get("controller") is True:
            name = f"{kind_name}/{ref.get('name')}"
            if controller:
                r.add(
                    f"{at}.controller is true for {name} as well as {controller}: only one owner "
                    f"may be the controller; set it false on all but one"
                )
            else:
                controller = name


def _group_version(api_version: object) -> tuple[str, str]:
    """``schema.ParseGroupVersion``: ('', '') when the apiVersion cannot be read."""
    if not isinstance(api_version, str) or api_version in ("", "/") or api_version.count("/") > 1:
        return ("", "")
    group, _, version = api_version.rpartition("/")
    return (group, version)


def _finalizers(r: Report, finalizers: object, where: str, *, built_in: bool) -> None:
    """``ValidateFinalizers``, and for built-in kinds ``validateKubeFinalizerName``."""
    names = [f for f in as_list(finalizers) if isinstance(f, str)]
    for i, name in enumerate(as_list(finalizers)):
        if not isinstance(name, str):
            continue
        error = qualified(f"{where}[{i}]", name)
        if error is not None:
            r.add(error)
        elif built_in and "/" not in name and name not in STANDARD_FINALIZERS:
            r.add(
                f"{where}[{i}] {name!r} is neither a standard finalizer ({', '.join(STANDARD_FINALIZERS)}) "
                f"nor domain-qualified: write it as 'example.com/{name}'"
            )
    if "orphan" in names and "foregroundDeletion" in names:
        r.add(f"{where} has both 'orphan' and 'foregroundDeletion': keep one of them")


def check_labels(r: Report, labels: object, where: str) -> None:
    if not isinstance(labels, dict):
        return
    for key, value in labels.items():
        if isinstance(key, str):
            if isinstance(value, str) and (key, value) in _VALID_LABELS:
                continue  # every object of an app repeats the same few labels: no paths made
            key_error = qualified(f"{where} key", key)
            r.add(key_error)
            if isinstance(value, str):
                value_error = label_value(f"{where}[{key!r}]", value)
                r.add(value_error)
                if key_error is None and value_error is None and len(_VALID_LABELS) < 50_000:
                    _VALID_LABELS.add((key, value))


#: (key, value) label pairs found valid (both rules are pure: a valid pair is valid everywhere)
_VALID_LABELS: set[tuple[str, str]] = set()


#: the operators of a label selector requirement; node selectors add Gt and Lt
SELECTOR_OPERATORS = ("In", "NotIn", "Exists", "DoesNotExist")


def check_requirement(
    r: Report,
    req: Mapping[str, Any],
    at: str,
    operators: tuple[str, ...] = SELECTOR_OPERATORS,
    check_values: bool = True,
) -> None:
    """One selector requirement at ``at`` (ValidateLabelSelectorRequirement; with ``operators``
    holding Gt/Lt, ValidateNodeSelectorRequirement); ``check_values``: each value must be a
    label value."""
    op, values = req.get("operator"), as_list(req.get("values"))
    if op in ("In", "NotIn"):
        if not values:
            r.add(f"{at}.values is empty: operator {op} needs at least one value")
    elif op in ("Exists", "DoesNotExist"):
        if values:
            r.add(f"{at}.values must be empty for operator {op}: remove them")
    elif op in ("Gt", "Lt") and op in operators:
        if len(values) != 1:
            r.add(f"{at}.values must hold exactly one value for operator {op} (an integer, e.g. ['3'])")
    elif op is None or op == "":
        r.add(f"{at}.operator is missing: use one of {', '.join(operators)}")
    else:
        r.add(f"{at}.operator {op!r} is not a valid selector operator: use one of {', '.join(operators)}")
    key = req.get("key")
    if isinstance(key, str):
        r.add(qualified(f"{at}.key", key))
    elif key is None:
        r.add(f"{at}.key is missing: name the label to match")
    if check_values:
        for k, value in enumerate(values):
            if isinstance(value, str):
                r.add(label_value(f"{at}.values[{k}]", value))


@upstream("ValidateLabelSelector")
def check_label_selector(r: Report, selector: object, where: str) -> bool:
    """A label selector at ``where`` (label values checked: AllowInvalidLabelValueInSelector is
    only ever set on update); whether it is valid (converts to a labels.Selector)."""
    if not isinstance(selector, dict):
        return False  # a wrong type: the schema check reports it
    before = len(r.problems)
    check_labels(r, selector.get("matchLabels"), f"{where}.matchLabels")
    for i, req in enumerate(as_list(selector.get("matchExpressions"))):
        if isinstance(req, dict):
            check_requirement(r, req, f"{where}.matchExpressions[{i}]")
    return len(r.problems) == before


def _requirement_matches(expr: Mapping[str, Any], labels: Mapping[str, Any]) -> bool:
    key, op, values = expr.get("key"), expr.get("operator"), as_list(expr.get("values"))
    if not isinstance(key, str):
        return op in ("NotIn", "DoesNotExist")
    present = key in labels
    if op == "In":
        return present and labels.get(key) in values
    if op == "NotIn":
        return not present or labels.get(key) not in values
    if op == "Exists":
        return present
    return not present  # DoesNotExist


def selector_matches(selector: Mapping[str, Any], labels: Mapping[str, Any]) -> bool:
    """``labels.Selector.Matches``: every matchLabels pair and every expression holds."""
    for key, value in as_dict(selector.get("matchLabels")).items():
        if key not in labels or labels[key] != value:
            return False
    return all(
        _requirement_matches(expr, labels)
        for expr in as_list(selector.get("matchExpressions"))
        if isinstance(expr, dict)
    )
