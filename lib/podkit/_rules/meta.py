"""Object metadata (names, namespace, labels, annotations) and label selectors (apimachinery's ValidateObjectMeta, ValidateLabelSelector)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._base import Report, as_dict, data_size, label, label_value, qualified, upstream
from .names import Rule

__all__ = ["MAX_ANNOTATIONS", "any_name", "check_labels", "check_metadata", "check_selector"]

MAX_ANNOTATIONS = 256 * 1024  # TotalAnnotationSizeLimitB


def any_name(what: str, value: str) -> str | None:
    """Names of kinds podkit does not know: only what every resource's URL path needs."""
    if value in (".", "..") or "/" in value or "%" in value:
        return f"{what} {value!r} cannot be used in a URL path: remove '/' and '%' (and not '.' or '..')"
    return None


@upstream("ValidateObjectMeta")
def check_metadata(r: Report, meta: Mapping[str, Any], where: str, name_rule: Rule | None) -> None:
    template = name_rule is None and where != "metadata"
    generate = meta.get("generateName")
    if not template and generate is not None and not meta.get("name"):
        # the API server would accept it (and name it), but `kubectl apply` cannot create an
        # object without a name: a podkit rule, stricter than the server, only for this case
        r.add(
            f"{where}.generateName is set without a name: kubectl apply cannot create objects with a "
            f"generated name; set {where}.name instead"
        )
    elif not template:
        r.required(f"{where}.name", meta.get("name"), name_rule or any_name, "every object needs a name")
    if isinstance(generate, str) and generate and not template:
        # a prefix: the name rule holds for what the server appends to, less its last character
        r.add((name_rule or any_name)(f"{where}.generateName", generate.rstrip("-") or "x"))
    namespace = meta.get("namespace")
    if isinstance(namespace, str) and namespace:
        r.add(label(f"{where}.namespace", namespace))
    check_labels(r, meta.get("labels"), f"{where}.labels")
    annotations = meta.get("annotations")
    if isinstance(annotations, dict) and annotations:
        total = 0
        for key, value in annotations.items():
            if isinstance(key, str):
                # ValidateAnnotations checks the lower-cased key
                r.add(qualified(f"{where}.annotations key", key.lower()))
                total += data_size(key)
            total += data_size(value)
        if total > MAX_ANNOTATIONS:
            r.add(
                f"{where}.annotations total {total} bytes, more than the 262144 (256 KiB) allowed: "
                f"move large data to a ConfigMap"
            )


def check_labels(r: Report, labels: object, where: str) -> None:
    if not isinstance(labels, dict):
        return
    for key, value in labels.items():
        if isinstance(key, str):
            r.add(qualified(f"{where} key", key))
            if isinstance(value, str):
                r.add(label_value(f"{where}[{key!r}]", value))


@upstream("ValidateLabelSelector")
def check_selector(r: Report, selector: object, where: str, labels: object, template: str) -> None:
    if not isinstance(selector, dict) or not (
        selector.get("matchLabels") or selector.get("matchExpressions")
    ):
        r.add(f"{where} is empty: select the pod template's labels (e.g. matchLabels: {{app: web}})")
        return
    labels = as_dict(labels)
    match_labels = selector.get("matchLabels")
    check_labels(r, match_labels, f"{where}.matchLabels")
    matches = True
    if isinstance(match_labels, dict):
        for key, value in match_labels.items():
            if labels.get(key) != value:
                matches = False
    expressions = selector.get("matchExpressions")
    for i, expr in enumerate(expressions if isinstance(expressions, list) else []):
        if not isinstance(expr, dict):
            continue
        at = f"{where}.matchExpressions[{i}]"
        key, op, values = expr.get("key"), expr.get("operator"), expr.get("values") or []
        if not isinstance(key, str) or not isinstance(values, list):
            continue  # a wrong type: the schema check reports it
        r.add(qualified(f"{at}.key", key))
        if op in ("In", "NotIn"):
            if not values:
                r.add(f"{at}.values is empty: operator {op} needs at least one value")
                continue
        elif op in ("Exists", "DoesNotExist"):
            if values:
                r.add(f"{at}.values must be empty for operator {op}: remove it")
                continue
        else:
            r.enum(f"{at}.operator", op, ("In", "NotIn", "Exists", "DoesNotExist"))
            continue
        present = key in labels
        if (
            (op == "In" and labels.get(key) not in values)
            or (op == "NotIn" and present and labels.get(key) in values)
            or (op == "Exists" and not present)
            or (op == "DoesNotExist" and present)
        ):
            matches = False
    if not matches:
        r.add(
            f"{where} does not match {template}.metadata.labels {dict(labels)!r}: "
            f"the workload would never find its pods; add the selected labels to the template"
        )
