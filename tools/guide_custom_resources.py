"""Custom resources: podkit import crd, typed constructs checked against their CRDs.

Guide entries (code -> YAML, run for real by ``tools/gen_docs.py``) for ``podkit import crd``
(``podkit._crd_import``), the generated constructs of the example's vendored ``imports/`` and
the by-object helpers (``podkit._crd_refs``).
"""

from __future__ import annotations

from gen_docs import Concept, Group

TITLE = "Custom resources by example"
INTRO = (
    "`podkit import crd SOURCE... [--out imports/]` reads CRDs (YAML/JSON files or folders, or a "
    "`@kubernetes-models/*` npm package) and writes plain, typed Python: `imports/<group>/<version>.py` "
    "with a construct per kind (keyword-only, `TypedDict`s for nested objects, enums as `Literal`s, "
    "field names as the schema spells them) and the schemas synth checks against. Importing a "
    "generated module registers its kinds: every object of them, the construct's or a raw "
    "`cdk8s.ApiObject`'s, is checked at synth against the CRD's structural schema and its CEL rules "
    "(`x-kubernetes-validations`), and a cluster-scoped kind gets no namespace. The example vendors "
    "Gateway API, cert-manager and prometheus-operator; small helpers connect them to podkit objects."
)

CONSTRUCTS: list[Concept] = [
    Concept(
        "X1",
        "A cert-manager Certificate, its issuer and the Secret it writes, by object",
        """
from imports.cert_manager_io.v1 import Certificate, ClusterIssuer

issuer = ClusterIssuer(chart, "internal-ca", spec={"ca": {"secretName": "internal-ca-keys"}})
cert = Certificate(
    chart,
    "web-tls",
    spec={"secretName": "web-tls", "dnsNames": ["web.example.com"], "issuerRef": pk.issuer_ref(issuer)},
)
web = pk.Deployment(chart, "web", main=pk.Container(name="web", image="nginx:1.27", ports=[8443]))
# the Secret cert-manager writes, named from the Certificate: the two cannot drift
web.mount(pk.Volume.from_secret(pk.certificate_secret(cert), name="tls"), at="/tls", read_only=True)
""",
    ),
    Concept(
        "X2",
        "A ServiceMonitor scraping a Service port, selector and endpoint from the Service",
        """
from imports.monitoring_coreos_com.v1 import ServiceMonitor

metrics = pk.Port(9090, name="metrics")
web = pk.Deployment(chart, "web", main=pk.Container(name="web", image="nginx:1.27", ports=[metrics]))
service = web.expose(ports=[metrics])
service.add_label("app.kubernetes.io/name", "web")
ServiceMonitor(chart, "web-metrics", spec=pk.service_monitor_spec(service, port=metrics, interval="30s"))
""",
    ),
]

CHECKS: list[Concept] = [
    Concept(
        "X3",
        "A CRD's CEL rule, with its own message and the field it is about",
        """
from imports.gateway_networking_k8s_io.v1 import HTTPRoute

edge = {"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": "edge"}
HTTPRoute(chart, "shop", spec={"parentRefs": [edge, edge], "rules": [{"backendRefs": [{"name": "shop", "port": 80}]}]})
""",
        fails=True,
    ),
    Concept(
        "X4",
        "A raw ApiObject of an imported kind is checked the same way",
        """
import cdk8s
import imports.cert_manager_io.v1  # registers cert-manager's kinds

raw = cdk8s.ApiObject(chart, "legacy", api_version="cert-manager.io/v1", kind="Certificate", metadata={"name": "legacy"})
raw.add_json_patch(cdk8s.JsonPatch.add("/spec", {"secretName": "legacy", "issuerRef": {"name": "ca"}, "dnsName": "a"}))
""",
        fails=True,
    ),
]

GROUPS = [
    Group("Generated constructs, connected by object", "", CONSTRUCTS),
    Group(
        "Checked like core kinds",
        "Problems carry the field path and the rule's own message; a kind no imported CRD describes "
        "keeps the metadata-only checks. As the API server does, the CEL rules run beside schema problems "
        "that leave the object's shape alone (a pattern, a minimum, a format, a duplicate list key), and "
        "both are reported; after a wrong type, a missing required field, a value outside an enum, too long "
        'a string or list, or an unknown field, they are not run, and the last problem says so ("some '
        'validation rules were not checked because the object was invalid; ...").',
        CHECKS,
    ),
]
