"""Who may do what in the registry (pure)."""

from __future__ import annotations

from typing import Final

ROLES: Final = ("registry_admin", "assessor", "committee", "org_admin", "auditor")

PERMISSIONS: Final = {
    "organisation.create": {"registry_admin"},
    "organisation.status": {"registry_admin"},
    "did.register": {"registry_admin", "org_admin"},
    "did.prove": {"registry_admin", "org_admin"},
    "did.validity": {"registry_admin", "org_admin"},
    "audit.read": {"auditor", "registry_admin"},
    "label.apply": {"org_admin", "registry_admin"},
    "label.assess": {"assessor"},
    "label.confirm": {"assessor", "committee"},
    "label.govern": {"committee"},
    "label.read": {"assessor", "committee", "registry_admin", "auditor", "org_admin"},
    "label.check": {"assessor", "registry_admin"},
    "scheme.publish": {"registry_admin"},
    "organisation.facts": {"registry_admin"},
    "values.accept": {"org_admin", "registry_admin"},
    "cases.read": {"committee", "registry_admin", "auditor"},
    "cases.close": {"committee"},
}

# Who may move an application with each action.
APPLICATION_ACTIONS: Final = {
    "complete_course": "label.apply",
    "apply": "label.apply",
    "withdraw": "label.apply",
    "start_assessment": "label.assess",
    "return_for_changes": "label.assess",
}


def allowed(role: str, action: str, *, own_organisation: bool = True) -> bool:
    """Organisation admins act only on their own organisation."""
    if role not in PERMISSIONS.get(action, set()):
        return False
    return own_organisation or role != "org_admin"
