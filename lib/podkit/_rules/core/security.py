"""Security settings of a pod and its containers: security contexts, sysctls, seccomp and
AppArmor (fields and their legacy annotations), user namespaces, Windows and hostProcess
options, the pod's OS (core validation: validatePodSpecSecurityContext, ValidateSecurityContext,
validateSysctls, validateSeccompAnnotationsAndFields, ValidateAppArmorProfileField, validateOS,
validateWindowsHostProcessPod, validateHostUsers)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import names as n
from .._base import Report, upstream

__all__ = ["check_security"]


@upstream("validatePodSpecSecurityContext")
def check_security(r: Report, spec: Mapping[str, Any], meta: Mapping[str, Any], where: str) -> None:
    """The security settings of the pod spec ``spec`` at ``where``; ``meta`` is the pod's
    metadata (the seccomp/AppArmor annotations live there)."""
    security = spec.get("securityContext")
    sysctls = security.get("sysctls") if isinstance(security, dict) else None
    for i, sysctl in enumerate(sysctls if isinstance(sysctls, list) else []):
        name = sysctl.get("name") if isinstance(sysctl, dict) else None
        if isinstance(name, str):
            host = n.sysctl_host_conflict(
                name, host_network=spec.get("hostNetwork") is True, host_ipc=spec.get("hostIPC") is True
            )
            if host is not None:
                r.add(
                    f"{where}.securityContext.sysctls[{i}] {name!r} may not be specified when {host!r} is true"
                )
