"""podkit's ConfigMaps and Secrets as cdk8s-plus resources, without depending on cdk8s-plus.

cdk8s-plus consumes a ConfigMap through ``IConfigMap`` and a Secret through ``ISecret``
(``Env.from_config_map``, ``EnvValue.from_config_map``, ``Volume.from_config_map``,
``Env.from_secret``, ``EnvValue.from_secret_value``, ``Volume.from_secret``). Its code runs in
Node and reads the object's members there, mostly ``name``. A Python object serves such
members to Node only if jsii knew, *when it created the object's Node half*, which jsii
interface the object implements (``jsii.implements``: jsii then sends the members as
"overrides" that Node calls back into Python for). Without that, Node sees a bare construct,
``configMap.name`` is ``undefined`` and cdk8s-plus writes ``configMapRef: {}``.

podkit cannot name cdk8s-plus's interfaces in its class definitions: cdk8s-plus is optional,
and importing it costs time. So the interface is declared at the one moment it matters, just
before jsii creates the Node object (:func:`declare`):

* a podkit construct (``ConfigFromMap``, ``SecretEnv``, ...) in ``PodkitResource._materialize``:
  at once in a plain ``cdk8s.Chart``, and in a ``podkit.Chart`` when the object is first
  handed to jsii (a cdk8s-plus call, ``ApiObject.of``);
* a reference (``ConfigFromMap.from_name``), which is no construct, through
  :class:`NodeOnDemand`: when it is first handed to jsii.

The interface of every cdk8s-plus module the app has imported is declared; podkit never imports
cdk8s-plus for this (see :func:`imported_kplus`). The members themselves (:class:`KplusMembers`) are plain Python properties:
``name`` is read when Node asks, so a content-hash name is the name the object has then.
"""

from __future__ import annotations

import importlib
import re
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import TYPE_CHECKING, Any, ClassVar

import jsii

from . import _checks

if TYPE_CHECKING:
    import cdk8s_plus_33

#: the cdk8s-plus module podkit works with (pyproject's optional ``cdk8s-plus-33`` pin)
KPLUS_MODULE = "cdk8s_plus_33"

# SOURCE_KIND (the kind pods read) -> the cdk8s-plus interface and RBAC resource type
_INTERFACES = {"ConfigMap": "IConfigMap", "Secret": "ISecret"}
_RESOURCE_TYPES = {"ConfigMap": "configmaps", "Secret": "secrets"}


#: the cdk8s-plus modules podkit declares interfaces for: any major version the app imported
_KPLUS_NAME = re.compile(r"cdk8s_plus_[0-9]+")


def imported_kplus() -> list[ModuleType]:
    """The cdk8s-plus modules this app has imported (``cdk8s_plus_33``, ``cdk8s_plus_32``, ...).

    podkit never imports cdk8s-plus to declare its interfaces: code that can hand a podkit object
    to cdk8s-plus has imported it already (an app imports it at the top), and importing it for
    apps that do not use it would cost ~0.1 s. An object whose Node half was created before
    cdk8s-plus was imported renders ``configMapRef: {}`` there, which podkit's API-server rules
    reject at synth, naming the object.
    """
    return [m for name, m in list(sys.modules.items()) if m is not None and _KPLUS_NAME.fullmatch(name)]


def kplus() -> ModuleType | None:
    """cdk8s-plus for :meth:`KplusMembers.env_value`: imported already, or imported now."""
    found = imported_kplus()
    if found:
        return max(found, key=lambda m: int(m.__name__.rsplit("_", 1)[1]))
    try:
        return importlib.import_module(KPLUS_MODULE)
    except ImportError:
        return None


def declare(cls: type[Any]) -> None:
    """Declare the cdk8s-plus interface of ``cls`` (by its ``SOURCE_KIND``) before jsii creates
    an instance's Node object. A no-op for other classes, or when no cdk8s-plus is imported."""
    interface_name = _INTERFACES.get(getattr(cls, "SOURCE_KIND", ""))
    if interface_name is None:
        return
    for module in imported_kplus():
        interface = getattr(module, interface_name, None)
        # jsii reads __jsii_ifaces__ from the class (and its bases) when it creates the Node object
        if interface is None or interface in getattr(cls, "__jsii_ifaces__", ()):
            continue
        jsii.implements(interface)(cls)
        # a subclass of another kind (SecretRef extends ConfigMapRef) is not its base's interface
        others = {getattr(module, name, None) for name in _INTERFACES.values()} - {interface}
        cls.__jsii_ifaces__ = [i for i in cls.__jsii_ifaces__ if i not in others]


class KplusMembers:
    """The members of cdk8s-plus's ``IResource`` (and ``ISecret.env_value``), for a ConfigMap or
    Secret. They describe the object *pods read*, so an object that writes something else
    (a SealedSecret, an ExternalSecret) still answers as the Secret it becomes.

    The base of ``KeyedSource``. jsii only serves members found on a class that comes before
    ``constructs.Construct`` in the method resolution order: a construct that is a
    ``KeyedSource`` lists it before ``PodkitResource``.
    """

    SOURCE_KIND: ClassVar[str]

    def _before_node(self) -> None:
        # a ConfigMap or Secret handed to cdk8s-plus must be an IConfigMap/ISecret in Node,
        # which jsii only sets up when it creates the Node object: now
        declare(type(self))

    if TYPE_CHECKING:  # provided by the class that mixes this in (KeyedSource's members)

        @property
        def name(self) -> str: ...

        @property
        def path(self) -> str: ...

        def _note_keys(self, keys: Sequence[str]) -> None: ...

    @property
    def kind(self) -> str:
        """``ConfigMap`` or ``Secret``: the kind of object pods read (cdk8s-plus ``IResource.kind``)."""
        return self.SOURCE_KIND

    @property
    def api_version(self) -> str:
        """``v1``: ConfigMaps and Secrets are core objects (cdk8s-plus ``IResource.apiVersion``)."""
        return "v1"

    @property
    def api_group(self) -> str:
        """``""``, the core API group, as RBAC rules name it (cdk8s-plus ``IApiResource.apiGroup``)."""
        return ""

    @property
    def resource_type(self) -> str:
        """``configmaps`` or ``secrets``, as RBAC rules name it (cdk8s-plus ``IApiResource.resourceType``)."""
        return _RESOURCE_TYPES[self.SOURCE_KIND]

    @property
    def resource_name(self) -> str | None:
        """The object's name, for RBAC ``resourceNames`` (cdk8s-plus ``IApiResource.resourceName``)."""
        return self.name

    def env_value(self, key: str, *, optional: bool | None = None) -> cdk8s_plus_33.EnvValue:
        """One key as a **cdk8s-plus** ``EnvValue``, for a cdk8s-plus container
        (``ISecret.envValue``). podkit containers take :meth:`value` instead.

        A reference that lists its keys (``from_name(..., keys=[...])``) rejects another key
        here; a key this app's ConfigMap or Secret lacks is *not* caught (cdk8s-plus renders
        the pod, not podkit).

        :param optional: whether the pod may start without the key. Default: left out
            (Kubernetes: required).
        """
        key = _checks.config_key(self.path, key)
        self._note_keys([key])
        module = kplus()
        if module is None:
            raise ModuleNotFoundError(
                f"[{self.path}] env_value({key!r}) makes a cdk8s-plus EnvValue, but {KPLUS_MODULE} is not "
                f"installed: install cdk8s-plus-33, or for a podkit container use value({key!r})"
            )
        if self.SOURCE_KIND == "ConfigMap":
            value = module.EnvValue.from_config_map(self, key, optional=optional)
        else:
            value = module.EnvValue.from_secret_value(
                module.SecretValue(secret=self, key=key), optional=optional
            )
        return value


class NodeOnDemand:
    """A plain Python object that is one Node object, created when jsii first needs it.

    jsii turns a Python object that is not a construct into a new Node object each time it is
    passed; podkit's references are created once, like constructs (see ``_jsii.py``): jsii
    reads ``__jsii_ref__``, and the first read declares the cdk8s-plus interface and creates it.
    """

    # a plain JavaScript object (jsii's "Object"), with overrides for the interface's members
    __jsii_type__: ClassVar[str] = "Object"

    def _jsii_ref_get(self) -> Any:
        ref = self.__dict__.get("_podkit_jsii_ref")
        if ref is None:
            declare(type(self))
            jsii.create(type(self), self)  # assigns __jsii_ref__ (the setter below)
            ref = self.__dict__["_podkit_jsii_ref"]
        return ref

    def _jsii_ref_set(self, value: Any) -> None:
        self.__dict__["_podkit_jsii_ref"] = value

    __jsii_ref__ = property(_jsii_ref_get, _jsii_ref_set)
