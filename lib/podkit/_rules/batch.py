"""batch/v1: Job and CronJob (pkg/apis/batch/validation)."""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Mapping
from functools import cache
from typing import Any

from ._base import Report, as_dict, subdomain
from .core.pod import check_template
from .meta import check_metadata
from .registry import kind

__all__ = ["MAX_CRONJOB_NAME", "NO_ZONE_DATABASE", "schedule_error"]

MAX_CRONJOB_NAME = 52  # a Job name is the CronJob name plus an 11-character suffix


def _job_spec(r: Report, spec: Mapping[str, Any], where: str) -> None:
    for field in ("parallelism", "completions", "backoffLimit", "ttlSecondsAfterFinished"):
        r.at_least(f"{where}.{field}", spec.get(field), 0)
    r.at_least(f"{where}.activeDeadlineSeconds", spec.get("activeDeadlineSeconds"), 1)
    mode = spec.get("completionMode")
    r.enum(f"{where}.completionMode", mode, ("NonIndexed", "Indexed"))
    if mode == "Indexed" and spec.get("completions") is None:
        r.add(f"{where}.completions is missing: an Indexed Job needs a number of completions")
    # The Job controller generates the selector unless manualSelector is set.
    check_template(r, spec, where, ("OnFailure", "Never"), selector=bool(spec.get("manualSelector")))


@kind("batch/v1", "Job", name_rule=subdomain, upstream="ValidateJob")
def _job(r: Report, doc: Mapping[str, Any], spec: Mapping[str, Any]) -> None:
    _job_spec(r, spec, "spec")


@kind("batch/v1", "CronJob", name_rule=subdomain, upstream="ValidateCronJob")
def _cron_job(r: Report, doc: Mapping[str, Any], spec: Mapping[str, Any]) -> None:
    name = as_dict(doc.get("metadata")).get("name")
    if isinstance(name, str) and len(name) > MAX_CRONJOB_NAME:
        r.add(
            f"metadata.name {name!r} is {len(name)} characters: a CronJob name may have at most 52, "
            f"since its Jobs add an 11-character suffix; shorten it"
        )
    schedule = spec.get("schedule")
    if not isinstance(schedule, str) or not schedule.strip():
        r.add("spec.schedule is missing: use a cron schedule such as '*/5 * * * *' or '@hourly'")
    else:
        r.add(schedule_error(schedule))
    zone = spec.get("timeZone")
    if isinstance(zone, str):
        r.add(_time_zone_error(zone))
    elif zone is not None:
        r.add(f"spec.timeZone {zone!r} is not an IANA time zone name: use a str such as 'Europe/Paris'")
    r.enum("spec.concurrencyPolicy", spec.get("concurrencyPolicy"), ("Allow", "Forbid", "Replace"))
    for field in ("startingDeadlineSeconds", "successfulJobsHistoryLimit", "failedJobsHistoryLimit"):
        r.at_least(f"spec.{field}", spec.get(field), 0)
    template = spec.get("jobTemplate")
    if not isinstance(template, dict):
        r.add("spec.jobTemplate is missing: a CronJob needs the Job to run")
        return
    tmeta = template.get("metadata")
    if isinstance(tmeta, dict):
        check_metadata(r, tmeta, "spec.jobTemplate.metadata", None)
    job = template.get("spec")
    _job_spec(r, as_dict(job), "spec.jobTemplate.spec")


_MACROS = frozenset(("@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"))
_EVERY = re.compile(r"@every (?:[0-9]+(?:\.[0-9]*)?(?:ns|us|µs|ms|s|m|h))+\Z")
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
    """A schedule as the CronJob controller parses it (robfig/cron's standard parser)."""
    where = f"spec.schedule {schedule!r}"
    if "TZ" in schedule:
        return (
            f"{where} sets a time zone with TZ/CRON_TZ, which Kubernetes rejects: use spec.timeZone instead"
        )
    spec = schedule.strip()
    if spec.startswith("@"):
        if spec in _MACROS or _EVERY.match(spec):
            return None
        return f"{where} is not a known macro: use @yearly, @monthly, @weekly, @daily, @hourly or five fields"
    fields = spec.split()
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


def _cron_field_error(text: str, low: int, high: int, names: dict[str, int]) -> str | None:
    def number(part: str) -> int | None:
        if part.isdigit() and part.isascii():
            return int(part)
        return names.get(part.lower())

    for expr in text.split(","):
        range_part, _, step_text = expr.partition("/")
        if "/" in step_text:
            return "has more than one '/'"
        if range_part in ("*", "?"):
            start, end = low, high
        else:
            first, dash, last = range_part.partition("-")
            start_n = number(first)
            end_n = number(last) if dash else start_n
            if start_n is None or end_n is None:
                return f"is not a number, range, step or '*' (allowed values {low}-{high})"
            start, end = start_n, end_n
            if step_text and not dash:
                end = high
        if start < low or end > high:
            return f"is out of range: use values {low}-{high}"
        if start > end:
            return f"has a range that ends before it starts ({start}-{end})"
        if step_text and (not step_text.isdigit() or int(step_text) == 0):
            return "has a step that is not a positive number"
    return None


@cache
def _time_zone_error(zone: str) -> str | None:
    where = f"spec.timeZone {zone!r}"
    if not zone:
        return f"{where} is empty: use an IANA time zone such as 'Europe/Paris', or leave it out"
    if zone.lower() == "local":
        return f"{where} is not allowed: name an explicit IANA time zone such as 'Etc/UTC'"
    if not _zone_data():
        # without a database every name would pass unchecked: say so instead
        return f"{where} cannot be checked: {NO_ZONE_DATABASE}"
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
    try:
        # no_cache: a zone loaded earlier must not stand in for a database that is gone
        zoneinfo.ZoneInfo.no_cache("Etc/UTC")
    except zoneinfo.ZoneInfoNotFoundError:
        return False
    return True
