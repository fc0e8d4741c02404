"""`{% cameo_access viewer person %}`: on a profile, whether the viewer may use the person's
cameo, and a one-click "Request access" when asking is what stands in the way.

A template tag, so the profile page (accounts, the ground floor) shows it without accounts
importing cameos.
"""

from __future__ import annotations

from typing import Any

from django import template

from cameos.models import Cameo, CameoGrant
from cameos.permissions import ASKABLE, cameo_can_use

register = template.Library()


@register.inclusion_tag("cameos/_access.html")
def cameo_access(viewer: Any, person: Any) -> dict[str, Any]:
    cameo = (
        Cameo.objects.filter(owner=person, kind=Cameo.Kind.PERSON).select_related("owner").first()
    )
    if cameo is None or not cameo.is_usable:
        return {"state": None}
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return {"state": "sign_in", "cameo": cameo}
    if viewer.pk == person.pk:
        return {"state": "yours", "cameo": cameo}
    decision = cameo_can_use(cameo=cameo, user=viewer)
    if decision.allowed:
        return {"state": "allowed", "cameo": cameo}
    grant = CameoGrant.objects.filter(cameo=cameo, user=viewer).first()
    if grant is not None and grant.status == CameoGrant.Status.REQUESTED:
        return {"state": "requested", "cameo": cameo}
    if grant is not None or decision.code not in ASKABLE:
        return {"state": None}  # declined, revoked, blocked, only-me: nothing to ask
    return {"state": "ask", "cameo": cameo, "reason": decision.reason}
