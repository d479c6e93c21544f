"""Verifying a credential: every check, each passed, failed or not checkable, with a reason code
(pure: key resolution, status lists, trust and the clock are injected).

`verified` answers "is it genuine": no required check failed and every one passed. The trust
checks and `endorsement` are advisory (see `b4g.core.verdict`): a credential can be authentic
without its issuer being in our registry, so they are reported and decide `verified` only when a
caller's policy asks for them. `schema` counts when a schema was at hand: a violation fails the
credential, an unreachable schema does not. Each proof is checked against its own verification
method's controller; `issuer_binding` then asks that one valid assertion proof is the issuer's.

The modules: `verifier` runs the checks in order; `credential_checks` (structure, validity),
`proof_checks`, `jwt_checks`, `schema_checks`, `status_checks` and `endorsement_checks` each make
one kind; `result` holds the result and the injected callables' types.
"""

from b4g.core.verdict import ADVISORY, BEST_EFFORT, Check, decide
from b4g.core.verification.credential_checks import structure_check, validity_check
from b4g.core.verification.endorsement_checks import (
    MAX_ENDORSEMENT_DEPTH,
    MAX_ENDORSEMENTS,
    endorsement_check,
    endorsements,
)
from b4g.core.verification.jwt_checks import jwks_url
from b4g.core.verification.proof_checks import issuer_binding_check
from b4g.core.verification.result import (
    JwksFetcher,
    MethodResolver,
    SchemaFetcher,
    StatusFetcher,
    TrustCheck,
    VerificationResult,
)
from b4g.core.verification.verifier import Verifier

__all__ = [
    "ADVISORY",
    "BEST_EFFORT",
    "MAX_ENDORSEMENTS",
    "MAX_ENDORSEMENT_DEPTH",
    "Check",
    "JwksFetcher",
    "MethodResolver",
    "SchemaFetcher",
    "StatusFetcher",
    "TrustCheck",
    "VerificationResult",
    "Verifier",
    "decide",
    "endorsement_check",
    "endorsements",
    "issuer_binding_check",
    "jwks_url",
    "structure_check",
    "validity_check",
]
