"""``Namespace`` and ``ServiceAccount``.

A Namespace scopes names, quotas and policies. It is cluster-scoped itself, so it never
gets a ``metadata.namespace`` (not even the chart's).

A ServiceAccount is the identity a pod's processes have towards the API server. Pods use
the namespace's ``default`` one unless told otherwise: give a workload
``service_account=ServiceAccount(...)`` (the object, not its name). Most apps never call
the API, so ``automount_service_account_token=False`` keeps the token out of the pods.
``image_pull_secrets`` makes every pod of the account pull with those registry
credentials (``SecretEnv.docker_registry(...)`` builds one like kubectl does).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import constructs

from . import _checks
from ._resource import PodkitResource
from .errors import PodkitError, PodkitTypeError, Problem
from .secret import PULL_SECRET_TYPES, SecretEnv, SecretRef

if TYPE_CHECKING:
    from .rbac import Role

__all__ = ["Namespace", "ServiceAccount"]


class Namespace(PodkitResource):
    """A Namespace.

    :param name: Kubernetes name (a DNS-1123 label). Default: ``id``.
    :param labels: labels of the Namespace, added to the chart's (these win). Default: none.
    :param annotations: annotations of the Namespace. Default: none.
    """

    KIND = "Namespace"

    def __init__(
        self,
        scope: constructs.Construct,
        id: str,
        *,
        labels: Mapping[str, str] | None = None,
        annotations: Mapping[str, str] | None = None,
        name: str | None = None,
    ) -> None:
        super().__init__(scope, id, name=name, labels=labels, annotations=annotations)
        _checks.dns_label(self.path, "Namespace name", self.name)

    def _metadata(self) -> dict[str, Any]:
        # cluster-scoped: the chart's namespace does not apply
        return {**super()._metadata(), "namespace": None}

    def _render_body(self, problems: list[Problem]) -> dict[str, Any]:
        return {}


class ServiceAccount(PodkitResource):
    """A ServiceAccount.

    :param automount_service_account_token: mount an API token into pods using this account.
        Default: not set (Kubernetes mounts it).
    :param image_pull_secrets: registry credentials for every pod of this account: Secret
        objects of type ``kubernetes.io/dockerconfigjson`` (``SecretEnv.docker_registry``) or
        ``SecretEnv.from_name(...)`` references. Default: none.
    :param name: Kubernetes name. Default: ``id``.
    :param namespace: default: the chart's namespace, if any.
    :param labels: labels of the ServiceAccount, added to the chart's (these win). Default: none.
    :param annotations: annotations of the ServiceAccount. Default: none.
    """

    KIND = "ServiceAccount"

    def __init__(
        self,
        scope: constructs.Construct,
        id: str,
        *,
        automount_service_account_token: bool | None = None,
        image_pull_secrets: Sequence[SecretEnv | SecretRef] = (),
        labels: Mapping[str, str] | None = None,
        annotations: Mapping[str, str] | None = None,
        name: str | None = None,
        namespace: str | None = None,
    ) -> None:
        super().__init__(scope, id, name=name, labels=labels, annotations=annotations, namespace=namespace)
        self.automount_service_account_token = (
            None
            if automount_service_account_token is None
            else _checks.check_bool(
                self.path, "automount_service_account_token", automount_service_account_token
            )
        )
        self._pull: list[SecretEnv | SecretRef] = []
        if isinstance(image_pull_secrets, SecretEnv | SecretRef | str):
            raise PodkitTypeError(
                self.path,
                f"image_pull_secrets takes a list, got a single {image_pull_secrets!r}: write [secret]",
            )
        if not _checks.is_list(image_pull_secrets):
            raise PodkitTypeError(
                self.path,
                f"image_pull_secrets must be a list of Secrets, got {type(image_pull_secrets).__name__} "
                f"{image_pull_secrets!r}",
            )
        for s in image_pull_secrets:
            self.add_image_pull_secret(s)

    @property
    def image_pull_secrets(self) -> list[SecretEnv | SecretRef]:
        return list(self._pull)

    def add_image_pull_secret(self, secret: SecretEnv | SecretRef) -> None:
        """Pull images with this registry Secret (a docker-registry Secret or a reference)."""
        if isinstance(secret, SecretEnv):
            if secret.type not in PULL_SECRET_TYPES:
                raise PodkitError(
                    self.path,
                    f"image pull secret {secret.path!r} has type {secret.type.value}; expected "
                    f"kubernetes.io/dockerconfigjson: build it with SecretEnv.docker_registry(...)",
                )
            self._in_my_chart(
                secret,
                "image pull secret",
                "it must be in this namespace",
                f"create it in this chart, or use SecretEnv.from_name({secret.name!r})",
            )
        elif not isinstance(secret, SecretRef):
            raise PodkitTypeError(
                self.path,
                f"image_pull_secrets takes Secret objects (SecretEnv.docker_registry(...) or "
                f"SecretEnv.from_name('regcred')), got {type(secret).__name__} {secret!r}",
            )
        if any(s.name == secret.name for s in self._pull):
            raise PodkitError(self.path, f"image pull secret {secret.name!r} is added twice")
        self._pull.append(secret)

    def grant(
        self, *, on: PodkitResource | type[PodkitResource] | str, verbs: Sequence[str], id: str | None = None
    ) -> Role:
        """Let this account do ``verbs`` on ``on`` (an object, a podkit kind or a resource such as
        ``"pods/log"``): a Role and a RoleBinding, see :func:`podkit.grant`."""
        from .rbac import grant

        return grant(self, on=on, verbs=verbs, id=id)

    def grant_read(self, *, on: PodkitResource | type[PodkitResource] | str, id: str | None = None) -> Role:
        """Let this account get, list and watch ``on``; see :func:`podkit.grant_read`."""
        from .rbac import grant_read

        return grant_read(self, on=on, id=id)

    def _render_body(self, problems: list[Problem]) -> dict[str, Any]:
        return {
            "automountServiceAccountToken": self.automount_service_account_token,
            "imagePullSecrets": [{"name": s.name} for s in self._pull] or None,
        }
