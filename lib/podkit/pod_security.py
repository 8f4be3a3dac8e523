"""Pod Security Standards levels, for ``Chart(pod_security=...)``.

The checker itself lives with podkit's other final-object rules (``podkit._rules.pod_security``):
the admission controller's checks for policy v1.33, run on every object as it will be written.
"""

from __future__ import annotations

from ._rules.pod_security import PodSecurity, check_pod_security

__all__ = ["PodSecurity", "check_pod_security"]
