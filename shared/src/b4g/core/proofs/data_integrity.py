"""W3C Data Integrity proofs with the EdDSA cryptosuites v1.0 (pure; no I/O).

    hashData  = SHA-256(canonical proof config) ‖ SHA-256(canonical document)
    signature = Ed25519(secret key, hashData);  proofValue = "z" + base58btc(signature)

`eddsa-rdfc-2022` canonicalises with RDFC-1.0 (an injected `RdfCanonizer`, so this module needs
no JSON-LD machinery of its own); `eddsa-jcs-2022` with RFC 8785. Verification also accepts the
legacy `eddsa-2022` cryptosuite name and `Ed25519Signature2020` proofs. Proof sets (several
proofs) and proof chains (`previousProof`) follow Data Integrity §4.

VC 1.1 documents do not define the proof terms: pass them through `with_data_integrity_context`
before signing (as digitalbazaar's suites add the context), or the data-loss check refuses them.

API:

* `create_proof(document, *, key, verification_method, created, cryptosuite, proof_purpose,
  proof_id, previous_proof, domain, challenge, rdf) -> proof` is synchronous (no I/O);
  `add_proof(document, proof)` adds it to the proof set.
* `verify_proof(document, proof, public_key, *, rdf, expected_purpose, expected_domain,
  expected_challenge) -> ProofResult` checks one proof with a key already resolved.
* `await verify_document(document, *, resolve_key, rdf, expected_controller, ...)` checks every
  proof, resolving each verification method through an async `KeyResolver` (for example
  `b4g.core.did.resolver.DidResolver.resolve_key`), one `ProofResult` per proof.

Results carry the W3C Data Integrity error names as codes; nothing raises for a bad proof.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

import msgspec

from b4g.core.crypto.keys import Signer, verify_ed25519
from b4g.core.crypto.multibase import MultibaseError, multibase_decode, multibase_encode
from b4g.core.errors import B4GError
from b4g.core.jsonld.values import as_list
from b4g.core.proofs import jcs
from b4g.core.proofs.appended_contexts import appended_context_problem
from b4g.core.urls import DATA_INTEGRITY_CONTEXT, ED25519_2020_CONTEXT, VC2_CONTEXT

RDFC = "eddsa-rdfc-2022"
JCS = "eddsa-jcs-2022"
LEGACY_RDFC = "eddsa-2022"
ED25519_2020 = "Ed25519Signature2020"

RdfCanonizer = Callable[[Mapping[str, Any]], str]


class ProofError(B4GError):
    code = "PROOF_GENERATION_ERROR"


class ProofResult(msgspec.Struct, frozen=True, kw_only=True):
    """The outcome of one proof. `code` uses the W3C Data Integrity error names."""

    verified: bool
    code: str
    message: str
    type: str | None = None
    cryptosuite: str | None = None
    verification_method: str | None = None
    proof_purpose: str | None = None


class ResolvedKey(msgspec.Struct, frozen=True, kw_only=True):
    """A verification method's Ed25519 public key, after the resolver checked that it belongs
    to the expected controller and is listed under the proof's purpose."""

    public_key: bytes
    controller: str


class KeyResolutionFailure(msgspec.Struct, frozen=True, kw_only=True):
    code: str  # e.g. INVALID_VERIFICATION_METHOD, or could_not_resolve when the fetch failed
    message: str
    retryable: bool = False


# (verification method id, proof purpose, expected controller) -> key or failure
KeyResolver = Callable[[str, str, str | None], Awaitable[ResolvedKey | KeyResolutionFailure]]


# -- signing -----------------------------------------------------------------------------------


def create_proof(
    document: Mapping[str, Any],
    *,
    key: Signer,
    verification_method: str,
    created: str,
    cryptosuite: str = RDFC,
    proof_purpose: str = "assertionMethod",
    proof_id: str | None = None,
    previous_proof: str | list[str] | None = None,
    domain: str | list[str] | None = None,
    challenge: str | None = None,
    rdf: RdfCanonizer | None = None,
) -> dict[str, Any]:
    """A proof object for `document` (whose existing `proof`, if any, is kept out of the hash
    except for the proofs named in `previous_proof`). `domain` and `challenge` bind the proof
    to a verifier's request (Data Integrity §2.1)."""
    options: dict[str, Any] = {"type": "DataIntegrityProof", "cryptosuite": cryptosuite}
    if proof_id is not None:
        options["id"] = proof_id
    options |= {
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
    }
    if domain is not None:
        options["domain"] = domain
    if challenge is not None:
        options["challenge"] = challenge
    if previous_proof is not None:
        options["previousProof"] = previous_proof
    # Only the proofs named in previousProof are signed over (a ProofError if one is missing).
    unsecured = _unsecured(document, _previous_proofs(document, options))
    if cryptosuite == JCS and "@context" in document:
        options["@context"] = document["@context"]  # eddsa-jcs-2022 §3.3.1 step 2
    hash_data = _hash_data(unsecured, options, cryptosuite, rdf)
    return {**options, "proofValue": multibase_encode(key.sign(hash_data), "z")}


def with_data_integrity_context(document: Mapping[str, Any]) -> dict[str, Any]:
    """`document` with the Data Integrity context appended when its contexts do not define the
    proof terms already (VC 1.1 documents; VC 2.0's context includes them). Sign the result:
    the context is part of what is signed."""
    contexts = as_list(document.get("@context"))
    if VC2_CONTEXT in contexts or DATA_INTEGRITY_CONTEXT in contexts:
        return dict(document)
    return {**document, "@context": [*contexts, DATA_INTEGRITY_CONTEXT]}


def add_proof(document: Mapping[str, Any], proof: Mapping[str, Any]) -> dict[str, Any]:
    """`document` with `proof` added to its proof set (a single proof stays an object)."""
    existing = _proofs(document)
    secured = dict(document)
    secured["proof"] = dict(proof) if not existing else [*existing, dict(proof)]
    return secured


# -- verification ------------------------------------------------------------------------------


def verify_proof(
    document: Mapping[str, Any],
    proof: Mapping[str, Any],
    public_key: bytes,
    *,
    rdf: RdfCanonizer | None = None,
    expected_purpose: str = "assertionMethod",
    expected_domain: str | None = None,
    expected_challenge: str | None = None,
) -> ProofResult:
    """Check one proof of `document` (which may carry a proof set) against `public_key`."""
    meta = _meta(proof)
    problem = _malformed(proof, expected_purpose) or _unbound(
        proof, expected_domain, expected_challenge
    )
    if problem is not None:
        return ProofResult(verified=False, code=problem[0], message=problem[1], **meta)
    suite = _suite(proof)
    try:
        signature = multibase_decode(proof["proofValue"])
    except MultibaseError as exc:
        return ProofResult(
            verified=False, code="MALFORMED_PROOF_ERROR", message=f"proofValue: {exc}", **meta
        )
    if not str(proof["proofValue"]).startswith("z") or len(signature) != 64:
        return ProofResult(
            verified=False,
            code="MALFORMED_PROOF_ERROR",
            message="proofValue must be z-base58btc of a 64-byte signature",
            **meta,
        )
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    if suite == JCS and "@context" in options:
        doc_ctx, proof_ctx = as_list(document.get("@context")), as_list(options["@context"])
        if doc_ctx[: len(proof_ctx)] != proof_ctx:
            return ProofResult(
                verified=False,
                code="PROOF_VERIFICATION_ERROR",
                message="the proof's @context does not match the document's",
                **meta,
            )
    try:
        previous = _previous_proofs(document, proof)
        unsecured = _unsecured(document, previous)
        presented: dict[str, Any] | None = None
        if suite == JCS and "@context" in options:
            if as_list(unsecured.get("@context")) != as_list(options["@context"]):
                presented = dict(unsecured)  # contexts were appended after signing
            unsecured["@context"] = options["@context"]  # eddsa-jcs-2022 §3.3.2 step 4.2
        hash_data = _hash_data(unsecured, options, suite, rdf)
    except ProofError as exc:
        return ProofResult(verified=False, code=exc.code, message=str(exc), **meta)
    except B4GError as exc:  # data loss, unknown context, canonicalisation limits
        return ProofResult(verified=False, code=exc.code, message=str(exc), **meta)
    if not verify_ed25519(public_key, hash_data, signature):
        return ProofResult(
            verified=False,
            code="PROOF_VERIFICATION_ERROR",
            message="the signature does not match the document",
            **meta,
        )
    if presented is not None:
        problem = appended_context_problem(presented, unsecured, rdf)
        if problem is not None:
            return ProofResult(verified=False, code=problem[0], message=problem[1], **meta)
    return ProofResult(verified=True, code="ok", message="signature verified", **meta)


async def verify_document(
    document: Mapping[str, Any],
    *,
    resolve_key: KeyResolver,
    rdf: RdfCanonizer | None = None,
    expected_controller: str | None = None,
    expected_purpose: str = "assertionMethod",
    expected_domain: str | None = None,
    expected_challenge: str | None = None,
) -> list[ProofResult]:
    """Verify every proof of `document`; each key resolved through `resolve_key`."""
    proofs = _proofs(document)
    if not proofs:
        return [
            ProofResult(
                verified=False, code="PROOF_VERIFICATION_ERROR", message="the document has no proof"
            )
        ]
    results = []
    for proof in proofs:
        if not isinstance(proof, Mapping):
            results.append(
                ProofResult(
                    verified=False,
                    code="MALFORMED_PROOF_ERROR",
                    message="a proof must be an object",
                )
            )
            continue
        vm = proof.get("verificationMethod")
        if not isinstance(vm, str):
            results.append(
                ProofResult(
                    verified=False,
                    code="MALFORMED_PROOF_ERROR",
                    message="verificationMethod must be a URL",
                    **_meta(proof),
                )
            )
            continue
        resolved = await resolve_key(vm, str(proof.get("proofPurpose")), expected_controller)
        if isinstance(resolved, KeyResolutionFailure):
            results.append(
                ProofResult(
                    verified=False, code=resolved.code, message=resolved.message, **_meta(proof)
                )
            )
            continue
        results.append(
            verify_proof(
                document,
                proof,
                resolved.public_key,
                rdf=rdf,
                expected_purpose=expected_purpose,
                expected_domain=expected_domain,
                expected_challenge=expected_challenge,
            )
        )
    return results


# -- internals ---------------------------------------------------------------------------------


def _suite(proof: Mapping[str, Any]) -> str:
    if proof.get("type") == ED25519_2020:
        return ED25519_2020
    suite = str(proof.get("cryptosuite"))
    return RDFC if suite == LEGACY_RDFC else suite


def _meta(proof: Mapping[str, Any]) -> dict[str, Any]:
    def text(name: str) -> str | None:
        value = proof.get(name)
        return value if isinstance(value, str) else None

    return {
        "type": text("type"),
        "cryptosuite": text("cryptosuite"),
        "verification_method": text("verificationMethod"),
        "proof_purpose": text("proofPurpose"),
    }


def _malformed(proof: Mapping[str, Any], expected_purpose: str) -> tuple[str, str] | None:
    kind = proof.get("type")
    if kind == "DataIntegrityProof":
        if proof.get("cryptosuite") not in (RDFC, JCS, LEGACY_RDFC):
            return (
                "PROOF_VERIFICATION_ERROR",
                f"unsupported cryptosuite {proof.get('cryptosuite')!r}",
            )
    elif kind != ED25519_2020:
        return "PROOF_VERIFICATION_ERROR", f"unsupported proof type {kind!r}"
    for field in ("verificationMethod", "proofPurpose", "proofValue"):
        if not isinstance(proof.get(field), str):
            return "MALFORMED_PROOF_ERROR", f"proof.{field} is missing or not a string"
    if "created" in proof and not isinstance(proof["created"], str):
        return "MALFORMED_PROOF_ERROR", "proof.created must be a dateTime string"
    if proof["proofPurpose"] != expected_purpose:
        return (
            "PROOF_VERIFICATION_ERROR",
            f"proofPurpose is {proof['proofPurpose']!r}, expected {expected_purpose!r}",
        )
    return None


def _unbound(
    proof: Mapping[str, Any], expected_domain: str | None, expected_challenge: str | None
) -> tuple[str, str] | None:
    """Data Integrity §4.3 steps for the verifier's domain and challenge, when it set them."""
    if expected_domain is not None and expected_domain not in as_list(proof.get("domain")):
        return "INVALID_DOMAIN_ERROR", f"the proof is not for domain {expected_domain!r}"
    if expected_challenge is not None and proof.get("challenge") != expected_challenge:
        return "INVALID_CHALLENGE_ERROR", "the proof does not answer the expected challenge"
    return None


def _proofs(document: Mapping[str, Any]) -> list[Any]:
    return as_list(document.get("proof"))


def _previous_proofs(document: Mapping[str, Any], proof: Mapping[str, Any]) -> list[Any]:
    wanted = as_list(proof.get("previousProof"))
    if not wanted:
        return []
    by_id = {p.get("id"): p for p in _proofs(document) if isinstance(p, Mapping)}
    missing = [w for w in wanted if w not in by_id]
    if missing:
        raise ProofError(f"previousProof {missing[0]!r} is not in the proof set")
    return [by_id[w] for w in wanted]


def _unsecured(document: Mapping[str, Any], previous: Sequence[Any]) -> dict[str, Any]:
    """The document as it was signed: without its proofs, except the chained ones."""
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    if previous:
        # Always a list, even of one (Data Integrity §4.2 "matchingProofs"; the W3C chain
        # vector's proofChainTempDoc2.json): RDF cannot tell, but JCS can.
        unsecured["proof"] = list(previous)
    return unsecured


def _hash_data(
    unsecured: Mapping[str, Any],
    options: Mapping[str, Any],
    suite: str,
    rdf: RdfCanonizer | None,
) -> bytes:
    if suite == JCS:
        # The proof configuration is the proof options as they stand: the signer copied the
        # document's @context into them (a proof without one was signed without one).
        return (
            hashlib.sha256(jcs.canonicalize(options)).digest()
            + hashlib.sha256(jcs.canonicalize(unsecured)).digest()
        )
    if rdf is None:
        raise ProofError("this cryptosuite needs an RDF canonicaliser")
    # The proof configuration is read with the document's contexts (a legacy proof without
    # them falls back to its suite's own context).
    config = {k: v for k, v in options.items() if k != "@context"}
    config["@context"] = unsecured.get("@context") or (
        ED25519_2020_CONTEXT if suite == ED25519_2020 else None
    )
    proof_nquads = proof_config_nquads(config, rdf)
    doc_nquads = rdf(unsecured)
    return (
        hashlib.sha256(proof_nquads.encode()).digest()
        + hashlib.sha256(doc_nquads.encode()).digest()
    )


# Canonicalising a proof configuration costs as much context processing as a whole credential
# while only `created` changes between signatures. Its N-Quads are therefore computed once per
# configuration with a placeholder date, and the date is put in afterwards. That is exact: a
# configuration of strings is one node, so its blank node is always _:c14n0, and its single
# dc:created quad sorts by predicate before the literal is reached. Dates that would need
# N-Quads escaping, nested objects, or a placeholder appearing elsewhere take the general path.
_PLACEHOLDER = "1970-01-01T00:00:00Z"
_DATE_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?(Z|[+-]\d\d:\d\d)?")
_CONFIG_CACHE_SIZE = 512
_config_cache: dict[tuple[RdfCanonizer, bytes], str] = {}


def proof_config_nquads(config: Mapping[str, Any], rdf: RdfCanonizer) -> str:
    """`rdf(config)`, reusing the canonical form of configurations that differ only in date."""
    created = config.get("created")
    flat = all(
        isinstance(v, str) or (isinstance(v, list) and all(isinstance(i, str) for i in v))
        for k, v in config.items()
        if k != "@context"
    )
    # A nested object would be a second blank node, labelled by hashes that see the date.
    if not flat or not isinstance(created, str) or not _DATE_TIME.fullmatch(created):
        return rdf(config)
    template = {**config, "created": _PLACEHOLDER}
    try:
        key = (rdf, jcs.canonicalize(template))
    except jcs.JcsError:
        return rdf(config)
    nquads = _config_cache.get(key)
    if nquads is None:
        nquads = rdf(template)
        if len(_config_cache) >= _CONFIG_CACHE_SIZE:
            _config_cache.clear()
        _config_cache[key] = nquads
    literal = f'"{_PLACEHOLDER}"'
    if nquads.count(literal) != 1:
        return rdf(config)
    return nquads.replace(literal, f'"{created}"')
