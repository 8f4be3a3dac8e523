"""The service edge: Ingress, Gateway API routes and NetworkPolicies, built from objects.

Guide entries (code -> YAML, run for real by ``tools/gen_docs.py``) for ``podkit.ingress`` and
``podkit.network_policy`` and ``podkit.gateway``.
"""

from __future__ import annotations

from gen_docs import Concept, Group

TITLE = "The service edge by example"
INTRO = (
    "Routes into the cluster (Ingress, Gateway API) and the flows between pods (NetworkPolicy), each built "
    "from the Service, workload, port and Secret objects they refer to: a route to a port the "
    "Service does not have, a TLS host no rule serves or a policy port the pods do not declare "
    "fails in Python, at the call or at synth, naming the object. `podkit graph` draws what they "
    "write (routes to Service ports, allowed flows, config reads) as Mermaid or Graphviz DOT."
)

INGRESS: list[Concept] = [
    Concept(
        "E1",
        "`expose_via_ingress`: one call from a workload to a route (the Service is created when there is none)",
        """
http = pk.Port(8080, name="http")
web = pk.Deployment(chart, "web", main=pk.Container(name="nginx", image="nginx:1.27", ports=[http]))
web.expose_via_ingress("/", host="www.example.com", ingress_class_name="nginx")
""",
    ),
    Concept(
        "E2",
        "Rules by host and path to a Service port by object, a default backend, TLS from a tls Secret",
        """
http, admin = pk.Port(8080, name="http"), pk.Port(9000, name="admin")
web = pk.Deployment(chart, "web", main=pk.Container(name="nginx", image="nginx:1.27", ports=[http, admin]))
svc = web.expose(ports=[pk.ServicePort(http, port=80), pk.ServicePort(admin)])
# the secret cert-manager's Certificate writes: a reference with the tls keys
cert = pk.SecretEnv.from_name("shop-tls", keys=["tls.crt", "tls.key"])
shop = pk.Ingress(chart, "shop", ingress_class_name="nginx", tls={cert: ["shop.example.com"]})
shop.add_rule("/", pk.IngressBackend.service(svc, port=http), host="shop.example.com")
shop.add_rule("/admin", pk.IngressBackend.service(svc, port=admin), host="shop.example.com",
              path_type=pk.PathType.EXACT)
shop.add_default_backend(pk.IngressBackend.service(svc, port="http"))
""",
    ),
    Concept(
        "E3",
        "A TLS host that no rule serves fails synth (the certificate would never be used)",
        """
http = pk.Port(8080, name="http")
web = pk.Deployment(chart, "web", main=pk.Container(name="nginx", image="nginx:1.27", ports=[http]))
ing = web.expose_via_ingress("/", host="www.example.com")
ing.add_tls(pk.SecretEnv.from_name("api-tls"), hosts=["api.example.com"])
""",
        fails=True,
    ),
]

POLICIES: list[Concept] = [
    Concept(
        "E4",
        "Default deny for the namespace, DNS for every pod, and one flow written on both sides",
        """
pg = pk.Port(5432, name="pg")
web = pk.Deployment(chart, "web", main=pk.Container(name="nginx", image="nginx:1.27"))
db = pk.StatefulSet(chart, "db", main=pk.Container(name="postgres", image="postgres:16", ports=[pg]))
pk.default_deny(chart)   # nothing in, nothing out...
pk.allow_dns(chart)      # ...but names resolve
web.connections.allow_to(db, port=pg)  # web's egress policy and db's ingress policy
""",
    ),
    Concept(
        "E5",
        "Peers of every kind: pods by object, a namespace by object, namespaces by label, an IP block",
        """
http = pk.Port(8080, name="http")
web = pk.Deployment(chart, "web", main=pk.Container(name="nginx", image="nginx:1.27", ports=[http]))
monitoring = pk.Namespace(chart, "monitoring")
pk.NetworkPolicy(
    chart,
    "web-ingress",
    selector=web,
    ingress=[
        pk.NetworkPolicyRule([pk.Peer.namespace(monitoring)], [pk.PolicyPort.named("http")]),
        pk.NetworkPolicyRule([pk.Peer.namespaces({"team": "payments"})], [http]),
        pk.NetworkPolicyRule([pk.Peer.ip_block("10.0.0.0/8", except_cidrs=["10.1.0.0/16"])], [http]),
    ],
)
""",
    ),
    Concept(
        "E6",
        "A named port the destination pods do not declare fails synth (the policy would allow nothing)",
        """
web = pk.Deployment(chart, "web", main=pk.Container(name="nginx", image="nginx:1.27"))
db = pk.StatefulSet(chart, "db", main=pk.Container(name="postgres", image="postgres:16",
                                                   ports=[pk.Port(5432, name="pg")]))
web.connections.allow_to(db, port="postgres")
""",
        fails=True,
    ),
]

GATEWAY: list[Concept] = [
    Concept(
        "E7",
        "A Gateway with an HTTPS listener (certificate from a tls Secret) and an HTTPRoute to a Service port, with a canary",
        """
http = pk.Port(8080, name="http")
web = pk.Deployment(chart, "web", main=pk.Container(name="nginx", image="nginx:1.27", ports=[http]))
canary = pk.Deployment(chart, "web-canary", main=pk.Container(name="nginx", image="nginx:1.28", ports=[http]))
cert = pk.SecretEnv.from_name("shop-tls", keys=["tls.crt", "tls.key"])  # cert-manager's Certificate writes it
https = pk.Listener("https", 443, pk.GatewayProtocol.HTTPS, hostname="*.example.com", certificates=[cert])
edge = pk.Gateway(chart, "edge", gateway_class_name="envoy", listeners=[https])
shop = pk.HTTPRoute(chart, "shop", parents=[pk.ParentRef(edge, section=https)], hostnames=["shop.example.com"])
shop.add_rule(
    [pk.BackendRef(web.expose(), port=http, weight=95), pk.BackendRef(canary.expose(), port=http, weight=5)],
    matches=[pk.HTTPMatch.prefix("/")],
    filters=[pk.HTTPFilter.response_headers(set={"strict-transport-security": "max-age=31536000"})],
)
""",
    ),
    Concept(
        "E8",
        "A GRPCRoute by service and method, attached to a Gateway another team owns (by name and listener)",
        """
grpc = pk.Port(50051, name="grpc")
cart = pk.Deployment(chart, "cart", main=pk.Container(name="cart", image="registry.example.com/cart:2.1", ports=[grpc]))
route = pk.GRPCRoute(chart, "cart-route", name="cart", parents=[pk.ParentRef("shared", namespace="infra", section="https")])
route.add_rule(pk.BackendRef(cart.expose(), port=grpc), matches=[pk.GRPCMatch(service="shop.v1.Cart")])
""",
    ),
    Concept(
        "E9",
        "A route whose hostname the listener does not serve fails synth (it would never attach)",
        """
http = pk.Port(8080, name="http")
web = pk.Deployment(chart, "web", main=pk.Container(name="nginx", image="nginx:1.27", ports=[http]))
plain = pk.Listener("http", 80, pk.GatewayProtocol.HTTP, hostname="*.example.com")
edge = pk.Gateway(chart, "edge", gateway_class_name="envoy", listeners=[plain])
route = pk.HTTPRoute(chart, "shop", parents=[edge], hostnames=["shop.example.org"])
route.add_rule(pk.BackendRef(web.expose(), port=http))
""",
        fails=True,
    ),
]

GROUPS: list[Group] = [
    Group(
        "Ingress",
        "Routes from outside the cluster to Service ports (`podkit.ingress`).",
        INGRESS,
    ),
    Group(
        "NetworkPolicy",
        "Which pods may talk to which (`podkit.network_policy`); the API server's rules for both kinds "
        "live in `podkit/_rules/networking.py`.",
        POLICIES,
    ),
    Group(
        "Gateway API",
        "The successor of Ingress (`podkit.gateway`): a Gateway's listeners, and HTTP and gRPC routes "
        "attached to them, checked against the Gateway API CRDs' schemas and CEL rules.",
        GATEWAY,
    ),
]
