"""What can go wrong in the registry, as codes and titles without HTTP: `api/errors.py` maps
each kind to a status once. Use cases raise these; the detail is a sentence for the user."""

from __future__ import annotations

from typing import ClassVar, Literal

Kind = Literal[
    "invalid", "unauthorized", "forbidden", "not_found", "conflict", "unprocessable", "unavailable"
]


class RegistryError(Exception):
    """A refusal the registry means: a stable `code`, a `title`, and what kind of refusal."""

    kind: ClassVar[Kind] = "invalid"
    code: ClassVar[str] = "bad_request"
    title: ClassVar[str] = "Bad request"

    def __init__(self, detail: str | None = None) -> None:
        super().__init__(detail or self.title)
        self.detail = detail


class Invalid(RegistryError):
    pass


class Unauthorized(RegistryError):
    kind, code, title = "unauthorized", "unauthorized", "Authentication required"


class Forbidden(RegistryError):
    kind, code, title = "forbidden", "forbidden", "Not allowed"


class NotFound(RegistryError):
    kind, code, title = "not_found", "not_found", "Not found"


class Conflict(RegistryError):
    kind, code, title = "conflict", "conflict", "Conflict"


class TransitionRefused(RegistryError):
    kind, code, title = "conflict", "invalid_transition", "Not possible in the current state"


class NoChallenge(RegistryError):
    kind, code, title = "conflict", "no_challenge", "No challenge to answer"


class InvalidProof(RegistryError):
    kind, code, title = "unprocessable", "proof_of_control_failed", "Proof of control failed"


class InvalidScheme(RegistryError):
    kind, code, title = "unprocessable", "invalid_scheme", "The scheme is not valid"


class BadCursor(RegistryError):
    code, title = "invalid_cursor", "Invalid cursor"


class BadTime(RegistryError):
    code, title = "invalid_time", "Invalid time"


class UnknownAuthority(RegistryError):
    kind, code, title = "not_found", "unknown_authority", "Unknown authority"


class UnknownActionResource(RegistryError):
    kind, code, title = "not_found", "unknown_action_resource", "Unknown action or resource"


class SigningNotConfigured(RegistryError):
    kind, code, title = (
        "unavailable",
        "signing_not_configured",
        "Snapshot signing is not configured",
    )


class InvalidWitnessHash(RegistryError):
    code, title = "invalid_witness_hash", "Not a credential hash"
