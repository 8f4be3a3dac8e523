"""batch/v1: Job and CronJob (pkg/apis/batch/validation)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import Any

from ._base import Report, as_dict, as_list, is_int, label, one_of, qualified, subdomain, upstream
from .core.pod import check_template
from .meta import check_label_selector, check_metadata, selector_matches
from .registry import kind

__all__ = ["MAX_CRONJOB_NAME", "NO_ZONE_DATABASE", "schedule_error"]

MAX_CRONJOB_NAME = 52  # a Job name is the CronJob name plus an 11-character suffix

_INDEXED_MAX_PARALLELISM = 100_000  # maxParallelismForIndexedJob
_MAX_FAILED_INDEXES = 100_000  # maxFailedIndexesForIndexedJob
_COMPLETIONS_SOFT_LIMIT = 100_000
_HIGH_COMPLETIONS_LIMIT = 10_000  # parallelism and maxFailedIndexes above the soft limit
_MAX_POLICY_RULES = 20  # podFailurePolicy.rules and successPolicy.rules
_MAX_EXIT_CODES = 255
_MAX_CONDITION_PATTERNS = 20
_MAX_MANAGED_BY = 63
_MAX_SUCCEEDED_INDEXES = 64 * 1024
_ACTIONS = ("Count", "FailIndex", "FailJob", "Ignore")
_CONDITION_STATUSES = ("False", "True", "Unknown")
_HTTP_PATH = re.compile(r"[A-Za-z0-9/\-._~%!$&'()*+,;=:]+\Z")
_ATOI = re.compile(r"[+-]?[0-9]+\Z")
_INT64_MAX = 2**63 - 1
#: the Job's uid is assigned by the API server: no label value a user writes can equal it
_UID = "\x00uid"
_UID_LABELS = ("controller-uid", "batch.kubernetes.io/controller-uid")
_NAME_LABELS = ("job-name", "batch.kubernetes.io/job-name")


def _int(value: object) -> int | None:
    return value if is_int(value) else None  # type: ignore[return-value]


@upstream("validateJobSpec")
def _job_spec(r: Report, spec: Mapping[str, Any], where: str) -> None:
    """A Job's spec, or a CronJob's jobTemplate.spec, read as batch/v1 defaults it: completions
    and parallelism 1 when both are unset, completionMode NonIndexed, podFailurePolicy condition
    statuses True."""
    for field in (
        "parallelism",
        "completions",
        "activeDeadlineSeconds",
        "backoffLimit",
        "ttlSecondsAfterFinished",
        "backoffLimitPerIndex",
        "maxFailedIndexes",
    ):
        r.at_least(f"{where}.{field}", spec.get(field), 0)
    completions, parallelism = spec.get("completions"), spec.get("parallelism")
    if completions is None and parallelism is None:
        completions = parallelism = 1  # defaulted
    completions_n, parallelism_n = _int(completions), _int(parallelism)
    per_index, max_failed = spec.get("backoffLimitPerIndex"), spec.get("maxFailedIndexes")
    max_failed_n = _int(max_failed)
    if max_failed is not None and per_index is None:
        r.add(
            f"{where}.backoffLimitPerIndex is missing: set it when maxFailedIndexes is set, or remove maxFailedIndexes"
        )
    managed_by = spec.get("managedBy")
    if isinstance(managed_by, str):
        r.add(_managed_by_error(f"{where}.managedBy", managed_by))
    mode = spec.get("completionMode")
    if mode is not None and mode not in ("NonIndexed", "Indexed"):
        r.add(f"{where}.completionMode {mode!r} is not supported: use one of NonIndexed, Indexed")
    if mode == "Indexed":
        if completions is None:
            r.add(f"{where}.completions is missing: an Indexed Job needs a number of completions")
        if parallelism_n is not None and parallelism_n > _INDEXED_MAX_PARALLELISM:
            r.add(
                f"{where}.parallelism {parallelism_n} is too high for an Indexed Job: use at most "
                f"{_INDEXED_MAX_PARALLELISM}"
            )
        if completions_n is not None and max_failed_n is not None and max_failed_n > completions_n:
            r.add(
                f"{where}.maxFailedIndexes {max_failed_n} is more than completions {completions_n}: "
                f"use at most {completions_n}"
            )
        if max_failed_n is not None and max_failed_n > _MAX_FAILED_INDEXES:
            r.add(f"{where}.maxFailedIndexes {max_failed_n} is too high: use at most {_MAX_FAILED_INDEXES}")
        if completions_n is not None and completions_n > _COMPLETIONS_SOFT_LIMIT and per_index is not None:
            high = f"when completions ({completions_n}) are above {_COMPLETIONS_SOFT_LIMIT} with backoffLimitPerIndex"
            if max_failed is None:
                r.add(
                    f"{where}.maxFailedIndexes is missing: it is required {high}; set it (at most {_HIGH_COMPLETIONS_LIMIT})"
                )
            if parallelism_n is not None and parallelism_n > _HIGH_COMPLETIONS_LIMIT:
                r.add(
                    f"{where}.parallelism {parallelism_n} is too high {high}: use at most {_HIGH_COMPLETIONS_LIMIT}"
                )
            if max_failed_n is not None and max_failed_n > _HIGH_COMPLETIONS_LIMIT:
                r.add(
                    f"{where}.maxFailedIndexes {max_failed_n} is too high {high}: use at most {_HIGH_COMPLETIONS_LIMIT}"
                )
    elif mode is None or mode == "NonIndexed":
        for field, value in (("backoffLimitPerIndex", per_index), ("maxFailedIndexes", max_failed)):
            if value is not None:
                r.add(f"{where}.{field} {value!r} requires completionMode Indexed: set it, or remove {field}")
    template = as_dict(spec.get("template"))
    pod = as_dict(template.get("spec"))
    failure = spec.get("podFailurePolicy")
    if isinstance(failure, dict):
        _pod_failure_policy(r, failure, spec, pod, f"{where}.podFailurePolicy")
    success = spec.get("successPolicy")
    if isinstance(success, dict):
        if mode != "Indexed":
            r.add(f"{where}.successPolicy requires completionMode Indexed: set it, or remove successPolicy")
        else:
            _success_policy(r, success, completions_n, f"{where}.successPolicy")
    replacement = spec.get("podReplacementPolicy")
    if replacement is not None:  # only an unset one is defaulted: an explicit "" is refused
        allowed = ("Failed",) if isinstance(failure, dict) else ("Failed", "TerminatingOrFailed")
        if replacement not in allowed:
            why = " (with a podFailurePolicy)" if isinstance(failure, dict) else ""
            r.add(
                f"{where}.podReplacementPolicy {replacement!r} is not supported{why}: use {one_of(allowed)}"
            )
    check_template(r, spec, where, ("OnFailure", "Never"))
    if isinstance(failure, dict) and pod.get("restartPolicy") == "OnFailure":
        r.add(
            f"{where}.template.spec.restartPolicy 'OnFailure' is not allowed with a podFailurePolicy: "
            f"use Never"
        )


def _managed_by_error(where: str, value: str) -> str | None:
    """``IsDomainPrefixedPath`` and at most 63 characters."""
    if len(value) > _MAX_MANAGED_BY:
        return f"{where} {value!r} is {len(value)} characters: use at most {_MAX_MANAGED_BY}"
    host, slash, path = value.partition("/")
    if not value:
        return f"{where} is empty: name the controller as a domain-prefixed path such as 'acme.io/foo', or remove it"
    if not slash or not host or not path:
        return f"{where} {value!r} is not a domain-prefixed path: use one such as 'acme.io/foo'"
    error = subdomain(f"{where} domain", host)
    if error is not None:
        return error
    if not _HTTP_PATH.match(path):
        return f"{where} {value!r} has an invalid path {path!r}: use letters, digits and /-._~%!$&'()*+,;=:"
    return None


@upstream("validatePodFailurePolicy")
def _pod_failure_policy(
    r: Report, policy: Mapping[str, Any], spec: Mapping[str, Any], pod: Mapping[str, Any], where: str
) -> None:
    rules = as_list(policy.get("rules"))
    if len(rules) > _MAX_POLICY_RULES:
        r.add(f"{where}.rules has {len(rules)} rules: use at most {_MAX_POLICY_RULES}")
    containers = {
        c.get("name")
        for field in ("containers", "initContainers")
        for c in as_list(pod.get(field))
        if isinstance(c, dict) and isinstance(c.get("name"), str)
    }
    for i, rule in enumerate(rules):
        if not isinstance(rule, dict):
            continue
        at = f"{where}.rules[{i}]"
        action = rule.get("action")
        if action is None or action == "":
            r.add(f"{at}.action is missing: use one of {', '.join(_ACTIONS)}")
        elif action == "FailIndex":
            if spec.get("backoffLimitPerIndex") is None:
                r.add(
                    f"{at}.action 'FailIndex' requires spec backoffLimitPerIndex: set it, or use another action"
                )
        elif action not in _ACTIONS:
            r.add(f"{at}.action {action!r} is not supported: use one of {', '.join(_ACTIONS)}")
        exit_codes = rule.get("onExitCodes")
        conditions = as_list(rule.get("onPodConditions"))
        if isinstance(exit_codes, dict):
            _on_exit_codes(r, exit_codes, containers, f"{at}.onExitCodes")
        if conditions:
            _on_pod_conditions(r, conditions, f"{at}.onPodConditions")
        if exit_codes is not None and conditions:
            r.add(
                f"{at} sets both onExitCodes and onPodConditions: a rule takes one of them; split it in two rules"
            )
        if exit_codes is None and not conditions:
            r.add(f"{at} sets neither onExitCodes nor onPodConditions: a rule needs one of them")


def _on_exit_codes(r: Report, req: Mapping[str, Any], containers: set[Any], where: str) -> None:
    op = req.get("operator")
    if op is None or op == "":
        r.add(f"{where}.operator is missing: use one of In, NotIn")
    elif op not in ("In", "NotIn"):
        r.add(f"{where}.operator {op!r} is not supported: use one of In, NotIn")
    name = req.get("containerName")
    if isinstance(name, str) and name not in containers:
        r.add(
            f"{where}.containerName {name!r} is not a container or initContainer of the pod template: "
            f"use one of {', '.join(sorted(str(c) for c in containers))}"
        )
    values = req.get("values")
    if not isinstance(values, list):
        if values is None:
            r.add(f"{where}.values is empty: list at least one exit code")
        return
    if not values:
        r.add(f"{where}.values is empty: list at least one exit code")
    elif len(values) > _MAX_EXIT_CODES:
        r.add(f"{where}.values has {len(values)} exit codes: use at most {_MAX_EXIT_CODES}")
    seen: set[int] = set()
    ordered = True
    previous: int | None = None
    for j, value in enumerate(values):
        if not is_int(value):
            continue
        if op == "In" and value == 0:
            r.add(f"{where}.values[{j}] 0 is not allowed with operator In: remove it (0 is success)")
        if value in seen:
            r.add(f"{where}.values[{j}] {value} is a duplicate: list each exit code once")
        seen.add(value)
        if previous is not None and previous > value:
            ordered = False
        previous = value
    if not ordered:
        r.add(f"{where}.values {values!r} must be in ascending order: sort them")


def _on_pod_conditions(r: Report, patterns: list[Any], where: str) -> None:
    if len(patterns) > _MAX_CONDITION_PATTERNS:
        r.add(f"{where} has {len(patterns)} patterns: use at most {_MAX_CONDITION_PATTERNS}")
    for j, pattern in enumerate(patterns):
        if not isinstance(pattern, dict):
            continue
        at = f"{where}[{j}]"
        condition = pattern.get("type")
        if isinstance(condition, str):
            r.add(qualified(f"{at}.type", condition))
        status = pattern.get("status")
        # batch/v1 defaults an empty status to True
        if status not in (None, "", *_CONDITION_STATUSES):
            r.add(f"{at}.status {status!r} is not supported: use one of {', '.join(_CONDITION_STATUSES)}")


@upstream("validateSuccessPolicy")
def _success_policy(r: Report, policy: Mapping[str, Any], completions: int | None, where: str) -> None:
    rules = policy.get("rules")
    if (isinstance(rules, list) and not rules) or rules is None:
        r.add(f"{where}.rules is empty: a successPolicy needs at least one rule, or remove it")
    rules = as_list(rules)
    if len(rules) > _MAX_POLICY_RULES:
        r.add(f"{where}.rules has {len(rules)} rules: use at most {_MAX_POLICY_RULES}")
    for i, rule in enumerate(rules):
        if not isinstance(rule, dict):
            continue
        at = f"{where}.rules[{i}]"
        count, indexes = _int(rule.get("succeededCount")), rule.get("succeededIndexes")
        if count is None and rule.get("succeededCount") is not None:
            continue  # a wrong type: the schema check reports it
        if count is None and indexes is None:
            r.add(f"{at} sets neither succeededCount nor succeededIndexes: set at least one of them")
        total = 0
        if isinstance(indexes, str):
            if len(indexes) > _MAX_SUCCEEDED_INDEXES:
                r.add(
                    f"{at}.succeededIndexes is {len(indexes)} characters: use at most {_MAX_SUCCEEDED_INDEXES}"
                )
            if completions is not None:
                total, error = indexes_format(indexes, completions)
                if error is not None:
                    r.add(
                        f"{at}.succeededIndexes {indexes[:80]!r} is invalid: {error}; write ascending indexes "
                        f"below completions ({completions}) and ranges such as '0,2-4'"
                    )
        if count is not None:
            if count < 0:
                r.add(f"{at}.succeededCount {count} is invalid: use a non-negative int")
            if completions is not None and count > completions:
                r.add(
                    f"{at}.succeededCount {count} is more than completions {completions}: use at most {completions}"
                )
            if isinstance(indexes, str) and count > total:
                r.add(
                    f"{at}.succeededCount {count} is more than the {total} indexes of succeededIndexes: "
                    f"use at most {total}"
                )


def indexes_format(text: str, completions: int) -> tuple[int, str | None]:
    """``validateIndexesFormat``: the number of indexes in ``text`` ('1,3-5,7'), or the error."""
    if not text:
        return 0, None
    last: int | None = None
    total = 0
    for interval in text.split(","):
        parts = interval.split("-")
        if len(parts) > 2:
            return 0, f"the fragment {interval!r} has more than two parts separated by '-'"
        bounds: list[int] = []
        for part in parts:
            index = _go_atoi(part)
            if index is None:
                return 0, f"cannot convert {part[:20]!r} to an index"
            if index >= completions:
                return 0, f"index {part!r} is too large"
            bounds.append(index)
        x, y = bounds[0], bounds[-1]
        if len(bounds) == 2 and x >= y:
            return 0, f"non-increasing order, previous: {x}, current: {y}"
        if last is not None and last >= x:
            return 0, f"non-increasing order, previous: {last}, current: {x}"
        total += y - x + 1
        last = y
    return total, None


@upstream("validateGeneratedSelector")
def _job_selector(r: Report, meta: Mapping[str, Any], spec: Mapping[str, Any]) -> None:
    """The Job's selector: with manualSelector the user's, matching the template; without, the
    API server generates it (batch.kubernetes.io/controller-uid: <uid>) and the template labels
    job-name/controller-uid (both spellings), keeping labels the user already wrote."""
    selector = spec.get("selector")
    template = as_dict(spec.get("template"))
    labels = dict(as_dict(as_dict(template.get("metadata")).get("labels")))
    if spec.get("manualSelector") is True:
        if selector is None:
            r.add("spec.selector is missing: with manualSelector: true, select the pod template's labels")
            return
        if (
            isinstance(selector, dict)
            and check_label_selector(r, selector, "spec.selector")
            and not selector_matches(selector, labels)
        ):
            r.add(
                f"spec.template.metadata.labels {labels!r} do not match spec.selector: the Job would "
                f"never find its pods; add the selected labels to the template"
            )
        return
    name = meta.get("name")
    job_name = name if isinstance(name, str) else ""
    expected = {key: _UID for key in _UID_LABELS} | {key: job_name for key in _NAME_LABELS}
    for key in (*_UID_LABELS, *_NAME_LABELS):
        if key not in labels:
            labels[key] = expected[key]
        elif key in _UID_LABELS:
            r.add(
                f"spec.template.metadata.labels[{key!r}] cannot be set: the API server sets it to the "
                f"Job's uid; remove it (or set spec.manualSelector: true and write your own selector)"
            )
        elif labels[key] != job_name and isinstance(name, str):
            r.add(
                f"spec.template.metadata.labels[{key!r}] {labels[key]!r} must be the Job's name "
                f"{job_name!r}: remove it, the API server sets it"
            )
    if selector is None:
        return
    if not isinstance(selector, dict) or not check_label_selector(r, selector, "spec.selector"):
        return
    match_labels = dict(as_dict(selector.get("matchLabels")))
    match_labels.setdefault("batch.kubernetes.io/controller-uid", _UID)
    generated = {**selector, "matchLabels": match_labels}
    if not selector_matches(generated, expected):
        r.add(
            f"spec.selector {selector!r} is not the one the API server generates: remove it (the Job selects "
            f"its pods by its uid), or set spec.manualSelector: true"
        )
    elif not selector_matches(generated, labels):
        r.add(
            f"spec.template.metadata.labels {labels!r} do not match spec.selector: the Job would never find "
            f"its pods; add the selected labels to the template"
        )


@kind("batch/v1", "Job", name_rule=subdomain, upstream="ValidateJob")
def _job(r: Report, doc: Mapping[str, Any], spec: Mapping[str, Any]) -> None:
    meta = as_dict(doc.get("metadata"))
    _job_selector(r, meta, spec)
    _job_spec(r, spec, "spec")
    name = meta.get("name")
    completions = _int(spec.get("completions"))
    if spec.get("completions") is None and spec.get("parallelism") is None:
        completions = 1  # defaulted
    if (
        spec.get("completionMode") == "Indexed"
        and completions is not None
        and completions > 0
        and isinstance(name, str)
    ):
        host = f"{name}-{completions - 1}"
        if label("hostname", host) is not None:
            r.add(
                f"metadata.name {name!r} gives the Indexed Job's last pod the hostname {host!r}, which is "
                f"not a valid DNS-1123 label (at most 63 lower-case letters, digits and '-'): the Job "
                f"could not create its pods; shorten the name"
            )


@kind("batch/v1", "CronJob", name_rule=subdomain, upstream="ValidateCronJobCreate")
def _cron_job(r: Report, doc: Mapping[str, Any], spec: Mapping[str, Any]) -> None:
    name = as_dict(doc.get("metadata")).get("name")
    if isinstance(name, str) and len(name) > MAX_CRONJOB_NAME:
        r.add(
            f"metadata.name {name!r} is {len(name)} characters: a CronJob name may have at most 52, "
            f"since its Jobs add an 11-character suffix; shorten it"
        )
    schedule = spec.get("schedule")
    if schedule is None or schedule == "":
        r.add("spec.schedule is missing: use a cron schedule such as '*/5 * * * *' or '@hourly'")
    elif isinstance(schedule, str):
        r.add(schedule_error(schedule))
    r.at_least("spec.startingDeadlineSeconds", spec.get("startingDeadlineSeconds"), 0)
    zone = spec.get("timeZone")
    if isinstance(zone, str):
        r.add(_time_zone_error(zone))
    elif zone is not None:
        r.add(f"spec.timeZone {zone!r} is not an IANA time zone name: use a str such as 'Europe/Paris'")
    policy = spec.get("concurrencyPolicy")
    if policy not in (None, "", "Allow", "Forbid", "Replace"):  # "" is defaulted to Allow
        r.add(f"spec.concurrencyPolicy {policy!r} is not supported: use one of Allow, Forbid, Replace")
    template = spec.get("jobTemplate")
    if not isinstance(template, dict):
        if template is None:
            r.add("spec.jobTemplate is missing: a CronJob needs the Job to run")
        return
    tmeta = template.get("metadata")
    if isinstance(tmeta, dict):
        # not validated with the CronJob, but copied onto every Job it creates
        check_metadata(r, tmeta, "spec.jobTemplate.metadata", None)
    job = as_dict(template.get("spec"))
    _job_spec(r, job, "spec.jobTemplate.spec")
    if job.get("selector") is not None:
        r.add(
            "spec.jobTemplate.spec.selector cannot be set: the API server generates each Job's selector; "
            "remove it"
        )
    if job.get("manualSelector") is True:
        r.add("spec.jobTemplate.spec.manualSelector true is not supported in a CronJob: remove it")
    for field in ("successfulJobsHistoryLimit", "failedJobsHistoryLimit"):
        r.at_least(f"spec.{field}", spec.get(field), 0)


_MACROS = frozenset(("@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"))
#: the characters Go's strings.Fields splits on (unicode.IsSpace), and no others (Python's
#: str.split also splits on \x1c-\x1f)
_GO_SPACE = re.compile("[\t\n\v\f\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+")
_MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_DAY_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
_MONTHS = {m: i + 1 for i, m in enumerate(_MONTH_NAMES)}
_DAYS = {d: i for i, d in enumerate(_DAY_NAMES)}
_CRON_FIELDS: tuple[tuple[str, int, int, dict[str, int]], ...] = (
    ("minute", 0, 59, {}),
    ("hour", 0, 23, {}),
    ("day of month", 1, 31, {}),
    ("month", 1, 12, _MONTHS),
    ("day of week", 0, 6, _DAYS),
)


@cache
def schedule_error(schedule: str) -> str | None:
    """A schedule as the CronJob validation parses it (robfig/cron v3's ParseStandard)."""
    where = f"spec.schedule {schedule!r}"
    if "TZ" in schedule:
        return (
            f"{where} sets a time zone with TZ/CRON_TZ, which Kubernetes rejects: use spec.timeZone instead"
        )
    if not schedule:
        return "spec.schedule is missing: use a cron schedule such as '*/5 * * * *' or '@hourly'"
    if schedule.startswith("@"):
        if schedule in _MACROS:
            return None
        if schedule.startswith("@every "):
            error = _duration_error(schedule[len("@every ") :])
            if error is None:
                return None
            return f"{where}: @every needs a Go duration such as '1h30m' or '90s': {error}"
        return f"{where} is not a known macro: use @yearly, @monthly, @weekly, @daily, @hourly or five fields"
    fields = [f for f in _GO_SPACE.split(schedule) if f]
    if len(fields) != 5:
        return (
            f"{where} has {len(fields)} fields: use five (minute hour day-of-month month day-of-week), "
            f"e.g. '*/5 * * * *'"
        )
    for text, (name, low, high, names) in zip(fields, _CRON_FIELDS, strict=True):
        error = _cron_field_error(text, low, high, names)
        if error:
            return f"{where}: {name} field {text!r} {error}"
    return None


def _go_atoi(text: str) -> int | None:
    """strconv.Atoi: an optional sign and decimal digits, within int64."""
    if not _ATOI.match(text) or len(text.lstrip("+-").lstrip("0")) > 19:
        return None
    value = int(text)
    return value if -_INT64_MAX - 1 <= value <= _INT64_MAX else None


def _cron_field_error(text: str, low: int, high: int, names: dict[str, int]) -> str | None:
    """robfig/cron's getRange on each comma-separated part of one field."""

    def number(part: str) -> int | None:
        if part.lower() in names:
            return names[part.lower()]
        return _go_atoi(part)

    for expr in text.split(","):
        range_and_step = expr.split("/")
        low_and_high = range_and_step[0].split("-")
        if low_and_high[0] in ("*", "?"):
            start, end = low, high  # the rest of a '*-x' range is ignored
        else:
            start_n = number(low_and_high[0])
            if start_n is None or start_n < 0:
                return f"is not a number, range, step or '*' (allowed values {low}-{high})"
            start = end = start_n
            if len(low_and_high) == 2:
                end_n = number(low_and_high[1])
                if end_n is None or end_n < 0:
                    return f"is not a number, range, step or '*' (allowed values {low}-{high})"
                end = end_n
            elif len(low_and_high) > 2:
                return "has more than one '-'"
        if len(range_and_step) == 2:
            step = _go_atoi(range_and_step[1])
            if step is None or step <= 0:
                return "has a step that is not a positive number"
            if len(low_and_high) == 1:
                end = high  # 'N/step' means N-max/step
        elif len(range_and_step) > 2:
            return "has more than one '/'"
        if start < low or end > high:
            return f"is out of range: use values {low}-{high}"
        if start > end:
            return f"has a range that ends before it starts ({start}-{end})"
    return None


_UNITS = {
    "ns": 1,
    "us": 10**3,
    "\u00b5s": 10**3,
    "\u03bcs": 10**3,
    "ms": 10**6,
    "s": 10**9,
    "m": 60 * 10**9,
    "h": 3600 * 10**9,
}
_DIGITS = frozenset("0123456789")


def _duration_error(text: str) -> str | None:
    """Go's time.ParseDuration: why ``text`` is not a duration (an int64 of nanoseconds)."""
    s = text
    negative = False
    if s[:1] in ("-", "+"):
        negative = s[0] == "-"
        s = s[1:]
    if s == "0":
        return None
    if not s:
        return f"{text!r} is not a duration"
    total = 0
    limit = 1 << 63
    while s:
        if not (s[0] == "." or s[0] in _DIGITS):
            return f"{text!r} is not a duration"
        i = 0
        while i < len(s) and s[i] in _DIGITS:
            i += 1
        whole = int(s[:i]) if i else 0
        if whole > limit:
            return f"{text!r} overflows a Go time.Duration (at most about 292 years)"
        pre = i > 0
        s = s[i:]
        fraction, scale, post = 0, 1, False
        if s[:1] == ".":
            s = s[1:]
            i = 0
            overflow = False
            while i < len(s) and s[i] in _DIGITS:
                if not overflow:
                    if fraction > (limit - 1) // 10 or fraction * 10 + int(s[i]) > limit:
                        overflow = True
                    else:
                        fraction = fraction * 10 + int(s[i])
                        scale *= 10
                i += 1
            post = i > 0
            s = s[i:]
        if not pre and not post:
            return f"{text!r} is not a duration"
        i = 0
        while i < len(s) and not (s[i] == "." or s[i] in _DIGITS):
            i += 1
        if i == 0:
            return f"{text!r} is missing a unit (ns, us, ms, s, m, h)"
        unit = _UNITS.get(s[:i])
        if unit is None:
            return f"{text!r} has an unknown unit {s[:i]!r}: use ns, us, ms, s, m or h"
        s = s[i:]
        if whole > limit // unit:
            return f"{text!r} overflows a Go time.Duration (at most about 292 years)"
        value = whole * unit
        if fraction > 0:
            value += int(float(fraction) * (float(unit) / scale))
            if value > limit:
                return f"{text!r} overflows a Go time.Duration (at most about 292 years)"
        total += value
        if total > limit:
            return f"{text!r} overflows a Go time.Duration (at most about 292 years)"
    if not negative and total > limit - 1:
        return f"{text!r} overflows a Go time.Duration (at most about 292 years)"
    return None


_TZ_PART = re.compile(r"[A-Za-z.\-_0-9+]{1,14}\Z")


@cache
def _time_zone_error(zone: str) -> str | None:
    where = f"spec.timeZone {zone!r}"
    if not zone:
        return f"{where} is empty: use an IANA time zone such as 'Europe/Paris', or leave it out"
    for part in zone.split("/"):
        if part in (".", "..") or part.startswith("-") or not _TZ_PART.match(part):
            return (
                f"{where} is not an IANA time zone: use a name such as 'Europe/Paris' or "
                f"'America/New_York' (parts of at most 14 letters, digits, '.', '-', '_' or '+')"
            )
    if zone.lower() == "local":
        return f"{where} is not allowed: name an explicit IANA time zone such as 'Etc/UTC'"
    if not _zone_data():
        # without a database every name would pass unchecked: say so instead
        return f"{where} cannot be checked: {NO_ZONE_DATABASE}"
    import zoneinfo  # (~2 ms, loaded by the first CronJob with a timeZone, not by every synth)

    try:
        zoneinfo.ZoneInfo(zone)
    except (ValueError, zoneinfo.ZoneInfoNotFoundError):
        return f"{where} is not an IANA time zone: use a name such as 'Europe/Paris' or 'America/New_York'"
    return None


#: why a time zone name cannot be checked; zoneinfo reads the system's files (zoneinfo.TZPATH)
#: or, where there are none (slim containers, Windows), the tzdata package podkit depends on
NO_ZONE_DATABASE = (
    "no IANA time zone database was found to check it against (neither system zoneinfo files in "
    "zoneinfo.TZPATH nor the tzdata package, a podkit dependency): reinstall podkit's dependencies "
    "(pip install tzdata)"
)


@cache
def _zone_data() -> bool:
    """Whether zoneinfo finds a tz database at all (system files or the tzdata package)."""
    import zoneinfo

    try:
        # no_cache: a zone loaded earlier must not stand in for a database that is gone
        zoneinfo.ZoneInfo.no_cache("Etc/UTC")
    except zoneinfo.ZoneInfoNotFoundError:
        return False
    return True
