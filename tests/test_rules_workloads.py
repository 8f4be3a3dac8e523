"""The workload rules (apps/v1 and batch/v1), one row per rule: a valid object, one mutation,
the exact problem message(s). The API server defaults a v1 object before it validates it, so
several rows pin what a default does (a DaemonSet's maxUnavailable 1, a Deployment's
progressDeadlineSeconds 600, a Job's completions 1)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from podkit._rules import check_object
from podkit._rules.batch import schedule_error

from .test_apiserver import (
    Doc,
    Mutation,
    both,
    cron_job,
    daemon_set,
    deployment,
    drop,
    job,
    put,
    replica_set,
    stateful_set,
)

Row = tuple[str, Callable[[], Doc], Mutation, "list[str]"]

SS_TEMPLATE = ("spec", "template", "spec")
JOB_POLICY = {"rules": [{"action": "FailJob", "onExitCodes": {"operator": "In", "values": [1]}}]}
CLAIM = {
    "metadata": {"name": "data"},
    "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}},
}

ACCEPTED: list[tuple[str, Callable[[], Doc], Mutation]] = [
    # v1 defaulting: maxSurge 0 with maxUnavailable 25% (Deployment)
    ("deployment-surge-zero", deployment, put(("spec", "strategy"), {"rollingUpdate": {"maxSurge": 0}})),
    ("deployment-surge-150", deployment, put(("spec", "strategy", "rollingUpdate", "maxSurge"), "150%")),
    ("deployment-strategy-empty-type", deployment, put(("spec", "strategy"), {"type": ""})),
    (
        "daemonset-ondelete-rolling",
        daemon_set,
        put(("spec", "updateStrategy", "rollingUpdate"), {"maxUnavailable": 0}),
    ),
    ("daemonset-default", daemon_set, drop(("spec", "updateStrategy"))),
    (
        "daemonset-surge",
        daemon_set,
        put(("spec", "updateStrategy"), {"rollingUpdate": {"maxSurge": "100%", "maxUnavailable": 0}}),
    ),
    ("statefulset-revision-history", stateful_set, put(("spec", "revisionHistoryLimit"), -1)),
    (
        "statefulset-max-unavailable-dropped",
        stateful_set,
        put(("spec", "updateStrategy", "rollingUpdate", "maxUnavailable"), 0),
    ),
    (
        "statefulset-empty-policies",
        stateful_set,
        both(
            put(("spec", "podManagementPolicy"), ""),
            put(
                ("spec", "persistentVolumeClaimRetentionPolicy"), {"whenDeleted": "", "whenScaled": "Delete"}
            ),
        ),
    ),
    ("statefulset-claims", stateful_set, put(("spec", "volumeClaimTemplates"), [CLAIM])),
    ("job-deadline-zero", job, put(("spec", "activeDeadlineSeconds"), 0)),
    (
        "job-indexed-defaulted",
        job,
        both(
            put(("spec", "completionMode"), "Indexed"),
            drop(("spec", "completions")),
            drop(("spec", "parallelism")),
        ),
    ),
    ("job-job-name-label", job, put(("spec", "template", "metadata", "labels", "job-name"), "migrate")),
    (
        "job-generated-selector-by-name",
        job,
        put(("spec", "selector"), {"matchLabels": {"batch.kubernetes.io/job-name": "migrate"}}),
    ),
    (
        "job-condition-status-defaulted",
        job,
        both(
            put(("spec", "template", "spec", "restartPolicy"), "Never"),
            put(
                ("spec", "podFailurePolicy"),
                {
                    "rules": [
                        {"action": "Ignore", "onPodConditions": [{"type": "DisruptionTarget", "status": ""}]}
                    ]
                },
            ),
        ),
    ),
    ("cron-concurrency-empty", cron_job, put(("spec", "concurrencyPolicy"), "")),
]


@pytest.mark.parametrize(("rule", "make", "mutate"), ACCEPTED, ids=[r[0] for r in ACCEPTED])
def test_accepts_what_the_api_server_accepts(rule: str, make: Callable[[], Doc], mutate: Mutation) -> None:
    doc = make()
    mutate(doc)
    assert [p.message for p in check_object(doc, "t/x")] == []


CATALOGUE: list[Row] = [
    (
        "statefulset-name-label",
        stateful_set,
        put(("metadata", "name"), "db.v1"),
        [
            "metadata.name 'db.v1' is not a valid DNS-1123 label: use at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit (e.g. 'db-v1')"
        ],
    ),
    (
        "statefulset-retention",
        stateful_set,
        put(("spec", "persistentVolumeClaimRetentionPolicy"), {"whenDeleted": "Keep"}),
        [
            "spec.persistentVolumeClaimRetentionPolicy.whenDeleted 'Keep' is not supported: use one of Retain, Delete"
        ],
    ),
    (
        "statefulset-ordinals",
        stateful_set,
        put(("spec", "ordinals"), {"start": -1}),
        ["spec.ordinals.start -1 is invalid: use a non-negative int"],
    ),
    (
        "statefulset-ondelete-rolling",
        stateful_set,
        put(("spec", "updateStrategy", "type"), "OnDelete"),
        [
            "spec.updateStrategy.rollingUpdate is only allowed with type RollingUpdate: remove it (type is OnDelete)"
        ],
    ),
    (
        "statefulset-deadline",
        stateful_set,
        put(("spec", "template", "spec", "activeDeadlineSeconds"), 30),
        [
            "spec.template.spec.activeDeadlineSeconds 30 is not allowed in a StatefulSet: remove it (its pods run until replaced; only Jobs and bare Pods take a deadline)"
        ],
    ),
    (
        "statefulset-claim-storage",
        stateful_set,
        put(
            ("spec", "volumeClaimTemplates"),
            [{**CLAIM, "spec": {"accessModes": [], "resources": {"requests": {"storage": "10GB"}}}}],
        ),
        [
            "spec.volumeClaimTemplates[0].spec.accessModes is empty: use at least one of ReadWriteOnce, ReadOnlyMany, ReadWriteMany, ReadWriteOncePod",
            "spec.volumeClaimTemplates[0].spec.resources.requests['storage'] '10GB' is not a Kubernetes quantity; expected a number with an optional suffix: Ki Mi Gi Ti Pi Ei (binary), n u m k M G T P E (decimal), or an exponent such as 1e3. Did you mean '10G' or '10Gi'?",
        ],
    ),
    (
        "statefulset-selector-mismatch",
        stateful_set,
        put(("spec", "selector", "matchLabels"), {"app": "db"}),
        [
            "spec.template.metadata.labels {'app': 'web', 'app.kubernetes.io/name': 'web'} do not match spec.selector: the StatefulSet would never find its pods; add the selected labels to the template"
        ],
    ),
    (
        "deployment-deadline-default",
        deployment,
        put(("spec", "minReadySeconds"), 600),
        [
            "spec.progressDeadlineSeconds (default 600) must be greater than spec.minReadySeconds 600: set progressDeadlineSeconds above 600 or lower minReadySeconds"
        ],
    ),
    (
        "deployment-deadline",
        deployment,
        both(put(("spec", "minReadySeconds"), 30), put(("spec", "progressDeadlineSeconds"), 30)),
        [
            "spec.progressDeadlineSeconds 30 must be greater than spec.minReadySeconds 30: raise progressDeadlineSeconds or lower minReadySeconds"
        ],
    ),
    (
        "deployment-unavailable-100",
        deployment,
        put(("spec", "strategy", "rollingUpdate", "maxUnavailable"), "101%"),
        ["spec.strategy.rollingUpdate.maxUnavailable '101%' is above 100%: use at most '100%'"],
    ),
    (
        "deployment-selector-missing",
        deployment,
        drop(("spec", "selector")),
        [
            "spec.selector is missing: a Deployment needs a selector of its pod template's labels (e.g. matchLabels: {app: web})"
        ],
    ),
    (
        "deployment-selector-operator",
        deployment,
        put(("spec", "selector", "matchExpressions", 0, "operator"), "Near"),
        [
            "spec.selector.matchExpressions[0].operator 'Near' is not a valid selector operator: use one of In, NotIn, Exists, DoesNotExist"
        ],
    ),
    (
        "replicaset-deadline",
        replica_set,
        put(("spec", "template", "spec", "activeDeadlineSeconds"), 5),
        [
            "spec.template.spec.activeDeadlineSeconds 5 is not allowed in a ReplicaSet: remove it (its pods run until replaced; only Jobs and bare Pods take a deadline)"
        ],
    ),
    (
        "daemonset-both-zero",
        daemon_set,
        put(("spec", "updateStrategy"), {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "0%"}}),
        [
            "spec.updateStrategy.rollingUpdate.maxUnavailable '0%' cannot be 0 when maxSurge is 0: a rollout could never progress; raise one of them"
        ],
    ),
    (
        "daemonset-both-set",
        daemon_set,
        put(("spec", "updateStrategy"), {"rollingUpdate": {"maxUnavailable": 1, "maxSurge": "10%"}}),
        [
            "spec.updateStrategy.rollingUpdate.maxSurge '10%' may not be set when maxUnavailable is non-zero (1): a DaemonSet rolls out by surging or by taking nodes down, not both; set maxUnavailable to 0 or remove maxSurge"
        ],
    ),
    (
        "daemonset-surge-100",
        daemon_set,
        put(("spec", "updateStrategy"), {"rollingUpdate": {"maxUnavailable": 0, "maxSurge": "101%"}}),
        ["spec.updateStrategy.rollingUpdate.maxSurge '101%' is above 100%: use at most '100%'"],
    ),
    (
        "daemonset-type",
        daemon_set,
        put(("spec", "updateStrategy", "type"), "Recreate"),
        ["spec.updateStrategy.type 'Recreate' is not supported: use one of RollingUpdate, OnDelete"],
    ),
    (
        "job-indexed-completions",
        job,
        both(put(("spec", "completionMode"), "Indexed"), drop(("spec", "completions"))),
        ["spec.completions is missing: an Indexed Job needs a number of completions"],
    ),
    (
        "job-indexed-parallelism",
        job,
        both(put(("spec", "completionMode"), "Indexed"), put(("spec", "parallelism"), 100001)),
        ["spec.parallelism 100001 is too high for an Indexed Job: use at most 100000"],
    ),
    (
        "job-indexed-hostname",
        job,
        both(
            put(("metadata", "name"), "m" * 62),
            put(("spec", "completionMode"), "Indexed"),
            put(("spec", "completions"), 10),
        ),
        [
            "metadata.name 'mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm' gives the Indexed Job's last pod the hostname 'mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm-9', which is not a valid DNS-1123 label (at most 63 lower-case letters, digits and '-'): the Job could not create its pods; shorten the name"
        ],
    ),
    (
        "job-per-index-nonindexed",
        job,
        put(("spec", "backoffLimitPerIndex"), 1),
        [
            "spec.backoffLimitPerIndex 1 requires completionMode Indexed: set it, or remove backoffLimitPerIndex"
        ],
    ),
    (
        "job-max-failed-needs-per-index",
        job,
        both(put(("spec", "completionMode"), "Indexed"), put(("spec", "maxFailedIndexes"), 1)),
        [
            "spec.backoffLimitPerIndex is missing: set it when maxFailedIndexes is set, or remove maxFailedIndexes"
        ],
    ),
    (
        "job-max-failed-completions",
        job,
        both(
            put(("spec", "completionMode"), "Indexed"),
            put(("spec", "backoffLimitPerIndex"), 1),
            put(("spec", "maxFailedIndexes"), 2),
        ),
        ["spec.maxFailedIndexes 2 is more than completions 1: use at most 1"],
    ),
    (
        "job-high-completions",
        job,
        both(
            put(("spec", "completionMode"), "Indexed"),
            put(("spec", "completions"), 100001),
            put(("spec", "parallelism"), 10001),
            put(("spec", "backoffLimitPerIndex"), 1),
        ),
        [
            "spec.maxFailedIndexes is missing: it is required when completions (100001) are above 100000 with backoffLimitPerIndex; set it (at most 10000)",
            "spec.parallelism 10001 is too high when completions (100001) are above 100000 with backoffLimitPerIndex: use at most 10000",
        ],
    ),
    (
        "job-managed-by",
        job,
        put(("spec", "managedBy"), "my-controller"),
        ["spec.managedBy 'my-controller' is not a domain-prefixed path: use one such as 'acme.io/foo'"],
    ),
    (
        "job-managed-by-long",
        job,
        put(("spec", "managedBy"), "example.com/" + "x" * 60),
        [
            "spec.managedBy 'example.com/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' is 72 characters: use at most 63"
        ],
    ),
    (
        "job-success-policy-mode",
        job,
        put(("spec", "successPolicy"), {"rules": [{"succeededCount": 1}]}),
        ["spec.successPolicy requires completionMode Indexed: set it, or remove successPolicy"],
    ),
    (
        "job-success-policy-rules",
        job,
        both(
            put(("spec", "completionMode"), "Indexed"),
            put(("spec", "completions"), 5),
            put(
                ("spec", "successPolicy"), {"rules": [{}, {"succeededIndexes": "0-2,2", "succeededCount": 6}]}
            ),
        ),
        [
            "spec.successPolicy.rules[0] sets neither succeededCount nor succeededIndexes: set at least one of them",
            "spec.successPolicy.rules[1].succeededIndexes '0-2,2' is invalid: non-increasing order, previous: 2, current: 2; write ascending indexes below completions (5) and ranges such as '0,2-4'",
            "spec.successPolicy.rules[1].succeededCount 6 is more than completions 5: use at most 5",
            "spec.successPolicy.rules[1].succeededCount 6 is more than the 0 indexes of succeededIndexes: use at most 0",
        ],
    ),
    (
        "job-success-policy-count",
        job,
        both(
            put(("spec", "completionMode"), "Indexed"),
            put(("spec", "completions"), 5),
            put(("spec", "successPolicy"), {"rules": [{"succeededIndexes": "1-2", "succeededCount": 3}]}),
        ),
        [
            "spec.successPolicy.rules[0].succeededCount 3 is more than the 2 indexes of succeededIndexes: use at most 2"
        ],
    ),
    (
        "job-failure-policy-restart",
        job,
        put(("spec", "podFailurePolicy"), JOB_POLICY),
        ["spec.template.spec.restartPolicy 'OnFailure' is not allowed with a podFailurePolicy: use Never"],
    ),
    (
        "job-failure-policy-rule",
        job,
        both(
            put(("spec", "template", "spec", "restartPolicy"), "Never"),
            put(
                ("spec", "podFailurePolicy"),
                {
                    "rules": [
                        {
                            "action": "Restart",
                            "onExitCodes": {
                                "operator": "In",
                                "containerName": "nope",
                                "values": [0, 3, 3, 2],
                            },
                        },
                        {"action": "FailIndex", "onPodConditions": [{"type": "Bad Type", "status": "Maybe"}]},
                        {"action": "Count"},
                    ]
                },
            ),
        ),
        [
            "spec.podFailurePolicy.rules[0].action 'Restart' is not supported: use one of Count, FailIndex, FailJob, Ignore",
            "spec.podFailurePolicy.rules[0].onExitCodes.containerName 'nope' is not a container or initContainer of the pod template: use one of proxy, web",
            "spec.podFailurePolicy.rules[0].onExitCodes.values[0] 0 is not allowed with operator In: remove it (0 is success)",
            "spec.podFailurePolicy.rules[0].onExitCodes.values[2] 3 is a duplicate: list each exit code once",
            "spec.podFailurePolicy.rules[0].onExitCodes.values [0, 3, 3, 2] must be in ascending order: sort them",
            "spec.podFailurePolicy.rules[1].action 'FailIndex' requires spec backoffLimitPerIndex: set it, or use another action",
            "spec.podFailurePolicy.rules[1].onPodConditions[0].type 'Bad Type' is invalid: use an optional DNS subdomain prefix and '/', then at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit (e.g. 'app.kubernetes.io/name')",
            "spec.podFailurePolicy.rules[1].onPodConditions[0].status 'Maybe' is not supported: use one of False, True, Unknown",
            "spec.podFailurePolicy.rules[2] sets neither onExitCodes nor onPodConditions: a rule needs one of them",
        ],
    ),
    (
        "job-replacement",
        job,
        both(
            put(("spec", "template", "spec", "restartPolicy"), "Never"),
            put(("spec", "podFailurePolicy"), JOB_POLICY),
            put(("spec", "podReplacementPolicy"), "TerminatingOrFailed"),
        ),
        [
            "spec.podReplacementPolicy 'TerminatingOrFailed' is not supported (with a podFailurePolicy): use Failed"
        ],
    ),
    (
        "job-replacement-empty",
        job,
        put(("spec", "podReplacementPolicy"), ""),
        ["spec.podReplacementPolicy '' is not supported: use one of Failed, TerminatingOrFailed"],
    ),
    (
        "job-uid-label",
        job,
        put(("spec", "template", "metadata", "labels", "controller-uid"), "1a2b3c"),
        [
            "spec.template.metadata.labels['controller-uid'] cannot be set: the API server sets it to the Job's uid; remove it (or set spec.manualSelector: true and write your own selector)"
        ],
    ),
    (
        "job-name-label",
        job,
        put(("spec", "template", "metadata", "labels", "batch.kubernetes.io/job-name"), "other"),
        [
            "spec.template.metadata.labels['batch.kubernetes.io/job-name'] 'other' must be the Job's name 'migrate': remove it, the API server sets it"
        ],
    ),
    (
        "job-selector-not-generated",
        job,
        put(("spec", "selector"), {"matchLabels": {"app": "web"}}),
        [
            "spec.selector {'matchLabels': {'app': 'web'}} is not the one the API server generates: remove it (the Job selects its pods by its uid), or set spec.manualSelector: true"
        ],
    ),
    (
        "job-manual-selector-missing",
        job,
        put(("spec", "manualSelector"), True),
        ["spec.selector is missing: with manualSelector: true, select the pod template's labels"],
    ),
    (
        "job-manual-selector-mismatch",
        job,
        both(
            put(("spec", "manualSelector"), True), put(("spec", "selector"), {"matchLabels": {"app": "api"}})
        ),
        [
            "spec.template.metadata.labels {'app': 'web', 'app.kubernetes.io/name': 'web'} do not match spec.selector: the Job would never find its pods; add the selected labels to the template"
        ],
    ),
    (
        "cron-job-template-selector",
        cron_job,
        put(("spec", "jobTemplate", "spec", "selector"), {"matchLabels": {"app": "web"}}),
        [
            "spec.jobTemplate.spec.selector cannot be set: the API server generates each Job's selector; remove it"
        ],
    ),
    (
        "cron-job-template-manual",
        cron_job,
        put(("spec", "jobTemplate", "spec", "manualSelector"), True),
        ["spec.jobTemplate.spec.manualSelector true is not supported in a CronJob: remove it"],
    ),
    (
        "cron-time-zone-chars",
        cron_job,
        put(("spec", "timeZone"), "Europe/Paris_Is_Too_Long"),
        [
            "spec.timeZone 'Europe/Paris_Is_Too_Long' is not an IANA time zone: use a name such as 'Europe/Paris' or 'America/New_York' (parts of at most 14 letters, digits, '.', '-', '_' or '+')"
        ],
    ),
    (
        "cron-every-overflow",
        cron_job,
        put(("spec", "schedule"), "@every 2562048h"),
        [
            "spec.schedule '@every 2562048h': @every needs a Go duration such as '1h30m' or '90s': '2562048h' overflows a Go time.Duration (at most about 292 years)"
        ],
    ),
    (
        "cron-every-unit",
        cron_job,
        put(("spec", "schedule"), "@every 1d"),
        [
            "spec.schedule '@every 1d': @every needs a Go duration such as '1h30m' or '90s': '1d' has an unknown unit 'd': use ns, us, ms, s, m or h"
        ],
    ),
    (
        "cron-go-space",
        cron_job,
        put(("spec", "schedule"), "0\x1c0 * * * *"),
        [
            "spec.schedule '0\\x1c0 * * * *': minute field '0\\x1c0' is not a number, range, step or '*' (allowed values 0-59)"
        ],
    ),
    (
        "cron-leading-space-macro",
        cron_job,
        put(("spec", "schedule"), " @hourly"),
        [
            "spec.schedule ' @hourly' has 1 fields: use five (minute hour day-of-month month day-of-week), e.g. '*/5 * * * *'"
        ],
    ),
    (
        "cron-history",
        cron_job,
        put(("spec", "failedJobsHistoryLimit"), -1),
        ["spec.failedJobsHistoryLimit -1 is invalid: use a non-negative int"],
    ),
]


@pytest.mark.parametrize(("rule", "make", "mutate", "expected"), CATALOGUE, ids=[r[0] for r in CATALOGUE])
def test_fails_on_each_rule(
    rule: str, make: Callable[[], Doc], mutate: Mutation, expected: list[str]
) -> None:
    doc = make()
    mutate(doc)
    problems = check_object(doc, "t/x")
    assert [p.message for p in problems] == expected
    for problem in problems:
        assert problem.message.startswith(problem.field), problem
        assert problem.rule.startswith("apiserver:"), problem


@pytest.mark.parametrize(
    "schedule",
    [
        "@every 0",
        "@every -1h",
        "@every .5s",
        "@every 1.5h30m",
        "@every 2562047h",
        "@every 10\u00b5s",
        "*-5 * * * *",
        "+5 * * * *",
        "\t0 0 * * *\n",
        "0 0 ? * MON-fri",
        "5/15 * * * *",
    ],
)
def test_accepts_what_robfig_cron_parses(schedule: str) -> None:
    assert schedule_error(schedule) is None


@pytest.mark.parametrize(
    ("schedule", "message"),
    [
        ("@every 1h ", "@every needs a Go duration such as '1h30m' or '90s': '1h ' has an unknown unit 'h '"),
        ("@every ", "@every needs a Go duration such as '1h30m' or '90s': '' is not a duration"),
        ("@every h", "@every needs a Go duration such as '1h30m' or '90s': 'h' is not a duration"),
        (
            "@every 10",
            "@every needs a Go duration such as '1h30m' or '90s': '10' is missing a unit (ns, us, ms, s, m, h)",
        ),
        ("5/ * * * *", "minute field '5/' has a step that is not a positive number"),
        ("1-2-3 * * * *", "minute field '1-2-3' has more than one '-'"),
        ("1/2/3 * * * *", "minute field '1/2/3' has more than one '/'"),
        ("-1 * * * *", "minute field '-1' is not a number, range, step or '*' (allowed values 0-59)"),
    ],
)
def test_fails_on_what_robfig_cron_refuses(schedule: str, message: str) -> None:
    error = schedule_error(schedule)
    assert error is not None
    assert error.startswith(f"spec.schedule {schedule!r}: {message}")
