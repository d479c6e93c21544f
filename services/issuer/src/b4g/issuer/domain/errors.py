"""Errors of the issuer: a stable `code`, a `title` and a sentence for the caller; no HTTP.

Each error is of one kind (its base class); `api/errors.py` maps the kinds to RFC 9457 problems
once, and bulk jobs record the code and sentence of a row's error.
"""

from __future__ import annotations

from b4g.core.errors import B4GError


class IssuerError(B4GError):
    code = "issuer_error"
    title = "The request cannot be carried out"

    def __init__(self, detail: str | None = None) -> None:
        super().__init__(detail or self.title)
        self.detail = detail


class Invalid(IssuerError):
    """The request itself is wrong."""


class NotFound(IssuerError):
    """Something the request names does not exist, or is not the caller's."""


class Conflict(IssuerError):
    """The request contradicts the state of what it names."""


class Unauthenticated(IssuerError):
    """No usable credentials."""


class NotPermitted(IssuerError):
    """The caller may not do this."""


class Unprocessable(IssuerError):
    """Well formed, but nothing can be done with it as it is."""


class Unacceptable(IssuerError):
    """No representation the caller accepts."""


class Unavailable(IssuerError):
    """Not now; a retry may succeed."""


class IssuerNotFound(NotFound):
    code, title = "issuer_not_found", "Issuer not found"


class AchievementNotFound(NotFound):
    code, title = "achievement_not_found", "Achievement not found"


class CredentialNotFound(NotFound):
    code, title = "credential_not_found", "Credential not found"


class BulkJobNotFound(NotFound):
    code, title = "bulk_job_not_found", "Bulk job not found"


class ApiKeyNotFound(NotFound):
    code, title = "api_key_not_found", "API key not found"


class KeyNotFound(NotFound):
    code, title = "signing_key_not_found", "Signing key not found"


class PlatformNotFound(NotFound):
    code, title = "platform_not_found", "Platform not found"


class InvalidBulkUpload(Invalid):
    code, title = "invalid_bulk_upload", "The upload cannot be read as a bulk job"


class InvalidRequest(Invalid):
    code, title = "invalid_request", "Invalid request"


class InvalidCredential(Invalid):
    code, title = "invalid_credential", "The credential cannot be issued as given"


class UndefinedTerms(Invalid):
    """W3C Data Integrity DATA_LOSS_DETECTION_ERROR: a term the contexts do not define would
    not be signed."""

    code, title = "data_loss_detected", "The credential uses terms its contexts do not define"


class InvalidApiKey(Unauthenticated):
    code, title = "invalid_api_key", "Invalid or revoked API key"


class MissingScope(NotPermitted):
    code, title = "missing_scope", "The API key lacks the scope this operation needs"


class IdempotencyKeyReused(Conflict):
    code, title = "idempotency_key_reused", "Idempotency-Key reused with a different request"


class InvalidTransition(Conflict):
    code, title = "invalid_status_transition", "The credential cannot change to that status"


class SuspensionNotEnabled(Conflict):
    code, title = "suspension_not_enabled", "The issuer does not issue suspendable credentials"


class RotationUnsupported(Conflict):
    code, title = "rotation_unsupported", "A did:key issuer cannot rotate its key"


class NotAcceptable(Unacceptable):
    code, title = "not_acceptable", "Not acceptable"


class IssuerRequired(Unprocessable):
    code, title = "issuer_required", "No issuer profile to sign with"


class ShuttingDown(Unavailable):
    code, title = "shutting_down", "Service shutting down"
