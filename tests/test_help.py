"""``help()`` tells the truth: every exported class shows its real public parameters and
documents them, so ``help(pk.Deployment)``, ``inspect.signature`` and an IDE agree with the code.

For each class of ``podkit.__all__`` (enums and exceptions aside, whose constructors are
Python's): no private parameter names, no bare ``**kwargs`` where the fields are known (a
``**pod: Unpack[WorkloadArgs]`` is spelled out), a class docstring, and every parameter named in
the class or ``__init__`` docstring.
"""

from __future__ import annotations

import enum
import inspect
import pydoc
import re
from typing import is_typeddict

import pytest

import podkit as pk


def _classes() -> list[str]:
    out = []
    for name in pk.__all__:
        obj = getattr(pk, name)
        if not isinstance(obj, type) or issubclass(obj, enum.Enum | BaseException) or is_typeddict(obj):
            continue
        out.append(name)
    return out


def _documented(doc: str, name: str) -> bool:
    return re.search(rf"(:param {name}:|``{name}``|\b{name}\b)", doc) is not None


@pytest.mark.parametrize("name", _classes())
def test_every_public_class_shows_its_real_parameters(name: str) -> None:
    cls = getattr(pk, name)
    signature = inspect.signature(cls)
    params = list(signature.parameters.values())
    assert not [p.name for p in params if p.name.startswith("_")], f"{name}{signature}"
    assert not [p for p in params if p.kind is p.VAR_KEYWORD], f"{name}{signature} hides its fields"
    assert cls.__doc__, f"{name} has no docstring"
    init_doc = cls.__init__.__doc__ or ""
    assert not init_doc.startswith("Initialize self"), f"help({name}.__init__) says 'Initialize self'"


#: every public module: each class it exports documents every parameter
DOCUMENTED_MODULES = (
    "podkit._crd",
    "podkit._pod",
    "podkit.app",
    "podkit.autoscaling",
    "podkit.chart",
    "podkit.config_map",
    "podkit.container",
    "podkit.disruption",
    "podkit.env",
    "podkit.errors",
    "podkit.external_secret",
    "podkit.gateway",
    "podkit.ingress",
    "podkit.lifecycle",
    "podkit.namespace",
    "podkit.network_policy",
    "podkit.pod",
    "podkit.priority",
    "podkit.probe",
    "podkit.quota",
    "podkit.rbac",
    "podkit.resources",
    "podkit.scheduling",
    "podkit.sealed_secret",
    "podkit.secret",
    "podkit.security",
    "podkit.service",
    "podkit.storage",
    "podkit.volume",
    "podkit.workloads",
)


def test_every_module_of_an_exported_class_is_documented() -> None:
    modules = {getattr(pk, n).__module__ for n in _classes()}
    assert not modules - set(DOCUMENTED_MODULES), "add these modules to DOCUMENTED_MODULES"


@pytest.mark.parametrize("name", [n for n in _classes() if getattr(pk, n).__module__ in DOCUMENTED_MODULES])
def test_every_parameter_is_documented(name: str) -> None:
    cls = getattr(pk, name)
    params = inspect.signature(cls).parameters
    docs = f"{cls.__doc__}\n{cls.__init__.__doc__ or ''}"
    missing = [p for p in params if p not in ("scope", "id") and not _documented(docs, p)]
    assert not missing, f"{name}: undocumented parameters {missing}"


@pytest.mark.parametrize("name", [n for n in pk.__all__ if isinstance(getattr(pk, n), type)])
def test_every_public_class_and_enum_has_a_docstring(name: str) -> None:
    assert getattr(pk, name).__doc__, name


def test_a_controller_shows_every_pod_field() -> None:
    shown = inspect.signature(pk.Deployment)
    assert {"replicas", "sidecars", "tolerations", "security_context", "pod_labels", "dns_policy"} <= set(
        shown.parameters
    )
    assert shown.parameters["rollout_on_config_change"].default is True
    assert shown.parameters["sidecars"].default == ()
    assert shown.parameters["tolerations"].default is None  # None: not set
    text = pydoc.render_doc(pk.Deployment, renderer=pydoc.plaintext)  # type: ignore[attr-defined]
    assert ":param tolerations: taints the pod tolerates" in text


def test_pod_fields_lists_its_fields() -> None:
    text = pydoc.render_doc(pk.PodFields, renderer=pydoc.plaintext)  # type: ignore[attr-defined]
    for field in pk.PodFields.__annotations__:
        assert f":param {field}:" in text, field


def test_a_factory_built_class_shows_no_private_constructor() -> None:
    assert list(inspect.signature(pk.Probe).parameters) == []
    text = pydoc.render_doc(pk.Probe, renderer=pydoc.plaintext)  # type: ignore[attr-defined]
    assert "Probe(_handler" not in text and "http_get(path: 'str' = '/', *, port:" in text
    with pytest.raises(
        pk.PodkitTypeError, match=r"^Probe is built with its factories: Probe.http_get\(...\)"
    ):
        pk.Probe()  # type: ignore[call-arg]
    assert pk.Probe.http_get("/", port=80) == pk.Probe.http_get("/", port=80)


def test_container_init_documents_itself() -> None:
    doc = pk.Container.__init__.__doc__ or ""
    assert doc.startswith("One container of a pod.") and ":param readiness:" in doc
    assert str(inspect.signature(pk.Container)).startswith("(*, name: 'str', image: 'str',")


def test_a_class_with_private_fields_shows_only_its_public_ones() -> None:
    assert str(inspect.signature(pk.Volume)) == "(name: 'str') -> None"
    assert pk.Volume("data").render() == {"name": "data"}  # the constructor is unchanged
    for cls in (pk.Projection, pk.IngressBackend, pk.Peer):
        assert list(inspect.signature(cls).parameters) == [], cls
    with pytest.raises(pk.PodkitTypeError, match=r"^Peer is built with its factories: Peer.pods\(...\)"):
        pk.Peer()
