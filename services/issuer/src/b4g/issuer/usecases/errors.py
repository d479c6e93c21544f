"""Errors of the issuer's use cases, mapped to RFC 9457 problems by their status and code."""

from __future__ import annotations

from b4g.core.infra.problems import ApiError, Conflict, Forbidden, NotFound, Unauthorized


class IssuerNotFound(NotFound):
    code = "issuer_not_found"
    title = "Issuer not found"


class AchievementNotFound(NotFound):
    code = "achievement_not_found"
    title = "Achievement not found"


class CredentialNotFound(NotFound):
    code = "credential_not_found"
    title = "Credential not found"


class BulkJobNotFound(NotFound):
    code = "bulk_job_not_found"
    title = "Bulk job not found"


class InvalidBulkUpload(ApiError):
    code = "invalid_bulk_upload"
    title = "The upload cannot be read as a bulk job"


class ApiKeyNotFound(NotFound):
    code = "api_key_not_found"
    title = "API key not found"


class KeyNotFound(NotFound):
    code = "signing_key_not_found"
    title = "Signing key not found"


class PlatformNotFound(NotFound):
    code = "platform_not_found"
    title = "Platform not found"


class InvalidApiKey(Unauthorized):
    code = "invalid_api_key"
    title = "Invalid or revoked API key"


class MissingScope(Forbidden):
    code = "missing_scope"
    title = "The API key lacks the scope this operation needs"


class IdempotencyKeyReused(Conflict):
    code = "idempotency_key_reused"
    title = "Idempotency-Key reused with a different request"


class InvalidTransition(Conflict):
    code = "invalid_status_transition"
    title = "The credential cannot change to that status"


class SuspensionNotEnabled(Conflict):
    code = "suspension_not_enabled"
    title = "The issuer does not issue suspendable credentials"


class RotationUnsupported(Conflict):
    code = "rotation_unsupported"
    title = "A did:key issuer cannot rotate its key"


class InvalidRequest(ApiError):
    code = "invalid_request"
    title = "Invalid request"


class NotAcceptable(ApiError):
    status, code, title = 406, "not_acceptable", "Not acceptable"


class InvalidCredential(ApiError):
    code = "invalid_credential"
    title = "The credential cannot be issued as given"


class UndefinedTerms(ApiError):
    """W3C Data Integrity DATA_LOSS_DETECTION_ERROR: a term the contexts do not define would
    not be signed."""

    code = "data_loss_detected"
    title = "The credential uses terms its contexts do not define"


class IssuerRequired(ApiError):
    status, code, title = 422, "issuer_required", "No issuer profile to sign with"


class ShuttingDown(ApiError):
    status, code, title = 503, "shutting_down", "Service shutting down"
