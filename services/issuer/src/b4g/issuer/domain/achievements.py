"""OB 3.0 Achievement objects as credentials embed them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

# OB 3.0 AchievementType vocabulary; anything else must be an `ext:` extension term.
ACHIEVEMENT_TYPES: Final = frozenset(
    {
        "Achievement", "ApprenticeshipCertificate", "Assessment", "Assignment",
        "AssociateDegree", "Award", "Badge", "BachelorDegree", "Certificate",
        "CertificateOfCompletion", "Certification", "CommunityService", "Competency", "Course",
        "CoCurricular", "Degree", "Diploma", "DoctoralDegree", "Fieldwork",
        "GeneralEducationDevelopment", "JourneymanCertificate", "LearningProgram", "License",
        "Membership", "ProfessionalDoctorate", "QualityAssuranceCredential", "MasterCertificate",
        "MasterDegree", "MicroCredential", "ResearchDoctorate", "SecondarySchoolDiploma",
    }
)  # fmt: skip


def achievement_uri(achievement_id: uuid.UUID) -> str:
    return f"urn:uuid:{achievement_id}"


def valid_achievement_type(value: str) -> bool:
    return value in ACHIEVEMENT_TYPES or (value.startswith("ext:") and len(value) > 4)


def achievement_document(achievement_id: uuid.UUID, fields: dict[str, Any]) -> dict[str, Any]:
    """The Achievement object (id, type first) from the platform's fields (camelCase, no nulls).

    Nested OB objects get their `type`; result descriptions without an id get a stable one so a
    Result can point at them (`resultDescription` ids are required by OB 3.0).
    """
    document: dict[str, Any] = {"id": achievement_uri(achievement_id), "type": ["Achievement"]}
    for name, value in fields.items():
        if name == "image":
            value = {"type": "Image", **value}
        elif name == "alignment":
            value = [{"type": ["Alignment"], **entry} for entry in value]
        elif name == "resultDescription":
            value = [_result_description(achievement_id, i, entry) for i, entry in enumerate(value)]
        document[name] = value
    return document


def _result_description(
    achievement_id: uuid.UUID, position: int, entry: dict[str, Any]
) -> dict[str, Any]:
    described = {"type": ["ResultDescription"], **entry}
    if "alignment" in described:
        described["alignment"] = [{"type": ["Alignment"], **a} for a in described["alignment"]]
    described.setdefault(
        "id", f"urn:uuid:{uuid.uuid5(achievement_id, f'resultDescription/{position}')}"
    )
    return {"id": described.pop("id"), **described}


@dataclass(frozen=True, slots=True)
class Achievement:
    """One version of an achievement: the OB 3.0 Achievement document it was then."""

    id: uuid.UUID
    issuer_id: uuid.UUID
    version: int
    document: dict[str, Any]
    created_at: datetime
    updated_at: datetime
