"""Scale and access: autoscaling, disruption budgets, RBAC and quotas, by example.

Each entry is run for real by ``tools/gen_docs.py``: the code, then the YAML it synthesizes (or,
for a mistake podkit refuses at synth, the error).
"""

from __future__ import annotations

from gen_docs import Concept, Group

TITLE = "Scale and access"
INTRO = (
    "The other half of a production chart: an autoscaler and a disruption budget for the web "
    "tier, least-privilege access for its ServiceAccount, and the namespace's quota and limits. "
    "Each is built from the objects it concerns, and the mistakes policy tools flag after the fact "
    "(a budget that blocks every drain, utilization without requests, an autoscaler fighting a "
    "fixed replica count, a rule on a resource that does not exist) fail at synth."
)

_WEB = """
web = pk.Deployment(
    chart,
    "web",
    main=pk.Container(
        name="web",
        image="nginx:1.27",
        resources=pk.Resources(cpu_request="250m", memory_request="128Mi", memory_limit="256Mi"),
    ),
    replicas=3,
)
"""

GROUPS: list[Group] = [
    Group(
        "Autoscaling",
        "A `HorizontalPodAutoscaler` (`autoscaling/v2`) targets the workload object. A target "
        "with a fixed `replicas` is refused unless `owns_replicas=True`: the Deployment is then "
        "written **without** `replicas`, so applying the manifest never resets the count.",
        [
            Concept(
                "A1",
                "CPU utilization between 3 and 10 replicas; the Deployment loses its `replicas`",
                _WEB
                + """
pk.HorizontalPodAutoscaler(
    chart,
    "web-hpa",
    name="web",
    target=web,
    min_replicas=3,
    max_replicas=10,
    metrics=[pk.Metric.cpu_utilization(70)],
    owns_replicas=True,
    scale_down=pk.ScalingRules(policies=[pk.ScalingPolicy.pods(1, per_seconds=60)], stabilization_window_seconds=300),
)
""",
            ),
            Concept(
                "A2",
                "Utilization is a percentage of the requests: a container without one is named",
                """
web = pk.Deployment(
    chart,
    "web",
    main=pk.Container(name="web", image="nginx:1.27", resources=pk.Resources(cpu_request="250m")),
    sidecars=[pk.Container(name="log-shipper", image="busybox:1.36")],
)
pk.HorizontalPodAutoscaler(chart, "web-hpa", target=web, max_replicas=5)  # default metric: CPU at 80%
""",
                fails=True,
            ),
        ],
    ),
    Group(
        "Disruption budgets",
        "`workload.disruption_budget(...)` uses the workload's own selector. A budget that can "
        "never allow an eviction (here `min_available` equals the replicas) blocks every "
        "`kubectl drain` of a node running one of its pods, and is refused.",
        [
            Concept(
                "D1",
                "At most one pod down during a drain",
                _WEB + "\nweb.disruption_budget(max_unavailable=1)\n",
            ),
            Concept(
                "D2",
                "A budget that blocks the drain names it",
                _WEB + "\nweb.disruption_budget(min_available=3)\n",
                fails=True,
            ),
        ],
    ),
    Group(
        "Access",
        "Roles are checked against the Kubernetes 1.33 API's resources, subresources and verbs, "
        "shipped with podkit. `grant_read` gives a ServiceAccount get/list/watch on one object "
        "(by name), with a Role and RoleBinding in that object's namespace. A typo fails at the call: "
        '`role.allow(["get"], ["deployment"])` raises *resource \'deployment\' is not a resource of '
        "Kubernetes 1.33; did you mean 'deployments' in group 'apps'?*",
        [
            Concept(
                "R1",
                "A ServiceAccount that may read its own ConfigMap",
                """
settings = pk.ConfigFromMap(chart, "settings", from_literal={"API_URL": "https://api.example.com"})
sa = pk.ServiceAccount(chart, "web")
sa.grant_read(on=settings)
""",
            ),
            Concept(
                "R2",
                "Typed rules: subresources, and a ClusterRole for what is cluster-wide",
                """
sa = pk.ServiceAccount(chart, "debugger", namespace="ops")
role = pk.Role(chart, "pod-debugger", namespace="ops")
role.allow(["get", "list"], ["pods"])
role.allow(["get"], ["pods/log"])
role.bind(sa)
nodes = pk.ClusterRole(chart, "node-reader")
nodes.allow(["get", "list", "watch"], ["nodes"])
nodes.bind(sa)
""",
            ),
            Concept(
                "R3",
                "Grants on every object of a kind, and on a subresource",
                """
sa = pk.ServiceAccount(chart, "ci")
pk.grant(sa, on=pk.Deployment, verbs=["get", "patch"])
pk.grant(sa, on="pods/log", verbs=["get"])
""",
            ),
        ],
    ),
    Group(
        "Quotas, limits and priority",
        "A `ResourceQuota` on `limits.*`/`requests.*` makes every container of the namespace state "
        "that resource (unless a `LimitRange` gives a default); podkit checks the pods of that "
        "namespace in the same app at synth, as admission would when the pods are created.",
        [
            Concept(
                "Q1",
                "A namespace quota, per-container limits with defaults, and a priority class",
                _WEB
                + """
pk.ResourceQuota(chart, "quota", hard={"requests.cpu": "4", "limits.memory": "16Gi", "pods": 20})
pk.LimitRange(chart, "limits", limits=[pk.LimitRangeItem.container(max={"cpu": "2"}, default={"memory": "512Mi"})])
pk.PriorityClass(chart, "customer-facing", value=100000, description="the web tier")
""",
            ),
            Concept(
                "Q2",
                "A container without the limit the quota caps",
                """
pk.Deployment(chart, "worker", main=pk.Container(name="worker", image="busybox:1.36"))
pk.ResourceQuota(chart, "quota", hard={"limits.cpu": "4"})
""",
                fails=True,
            ),
        ],
    ),
]
