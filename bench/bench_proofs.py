"""Signing and verification throughput on one core, on an OB 3.0 sample credential.

Baseline: naive pyld (`jsonld.normalize` URDNA2015 + pynacl), as most Python issuers do it.
Floor: raw Ed25519 signing of 64 bytes. eddsa-rdfc-2022 is measured twice: as services run it
(the fast JSON-LD → RDF path) and by the pyld path it falls back to (the previous default).
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable
from pathlib import Path

from pyld import jsonld

from b4g.core.crypto.keys import Ed25519KeyPair, verify_ed25519
from b4g.core.crypto.multibase import b58encode
from b4g.core.jsonld.canon import pyld_canonize, rdf_canonizer
from b4g.core.jsonld.documents import ContextStore, pyld_document_loader
from b4g.core.proofs.data_integrity import (
    JCS,
    RDFC,
    RdfCanonizer,
    add_proof,
    create_proof,
    verify_proof,
)
from b4g.core.proofs.vc_jwt import decode_jwt, ed25519_jwk, sign_vc_jwt, verify_signature

SAMPLE = json.loads((Path(__file__).parent / "data" / "ob3-sample.json").read_text())
KEY = Ed25519KeyPair.from_seed(bytes(32))
VM = f"did:key:{KEY.public_multibase}#{KEY.public_multibase}"
STORE = ContextStore()
RDF = rdf_canonizer(STORE)
CREATED = "2026-03-01T09:00:00Z"


def pyld_rdf(document: object) -> str:
    return pyld_canonize(document, store=STORE)  # type: ignore[arg-type]


def rate(fn: Callable[[], object], seconds: float = 1.5) -> float:
    fn()
    count, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        fn()
        count += 1
    return count / elapsed


def naive_pyld_sign() -> bytes:
    options = {
        "algorithm": "URDNA2015",
        "format": "application/n-quads",
        "documentLoader": pyld_document_loader(STORE),
    }
    canonical = jsonld.normalize(SAMPLE, options)
    return KEY.sign(canonical.encode())


_seconds = itertools.count()


def fresh_created() -> str:
    """A different `created` on every signature, as in production (no caching by date)."""
    second = next(_seconds)
    return f"2026-03-01T{second // 3600 % 24:02d}:{second // 60 % 60:02d}:{second % 60:02d}Z"


def main() -> None:
    rdfc_signed = add_proof(
        SAMPLE, create_proof(SAMPLE, key=KEY, verification_method=VM, created=CREATED, rdf=RDF)
    )
    jcs_signed = add_proof(
        SAMPLE,
        create_proof(SAMPLE, key=KEY, verification_method=VM, created=CREATED, cryptosuite=JCS),
    )
    token = sign_vc_jwt(SAMPLE, key=KEY, kid=VM)
    signature = KEY.sign(bytes(64))

    def rdfc_sign(rdf: RdfCanonizer) -> Callable[[], object]:
        return lambda: create_proof(
            SAMPLE,
            key=KEY,
            verification_method=VM,
            created=fresh_created(),
            cryptosuite=RDFC,
            rdf=rdf,
        )

    def rdfc_verify(rdf: RdfCanonizer) -> Callable[[], object]:
        return lambda: verify_proof(rdfc_signed, rdfc_signed["proof"], KEY.public_key, rdf=rdf)

    rows = [
        ("floor: raw Ed25519 sign (64 bytes)", rate(lambda: KEY.sign(bytes(64)))),
        (
            "floor: raw Ed25519 verify",
            rate(lambda: verify_ed25519(KEY.public_key, bytes(64), signature)),
        ),
        ("baseline: naive pyld normalize + sign", rate(naive_pyld_sign)),
        ("base58btc encode (64-byte signature)", rate(lambda: b58encode(signature))),
        ("eddsa-rdfc-2022 sign", rate(rdfc_sign(RDF))),
        ("eddsa-rdfc-2022 verify", rate(rdfc_verify(RDF))),
        ("eddsa-rdfc-2022 sign (pyld path)", rate(rdfc_sign(pyld_rdf))),
        ("eddsa-rdfc-2022 verify (pyld path)", rate(rdfc_verify(pyld_rdf))),
        (
            "eddsa-jcs-2022 sign",
            rate(
                lambda: create_proof(
                    SAMPLE,
                    key=KEY,
                    verification_method=VM,
                    created=fresh_created(),
                    cryptosuite=JCS,
                )
            ),
        ),
        (
            "eddsa-jcs-2022 verify",
            rate(lambda: verify_proof(jcs_signed, jcs_signed["proof"], KEY.public_key)),
        ),
        ("vc-jwt sign", rate(lambda: sign_vc_jwt(SAMPLE, key=KEY, kid=VM))),
        (
            "vc-jwt verify",
            rate(lambda: verify_signature(decode_jwt(token), ed25519_jwk(KEY.public_key))),
        ),
    ]
    baseline = rows[2][1]
    print(f"{'operation (one core, OB 3.0 sample)':<42}{'ops/s':>10}{'vs baseline':>13}")
    for name, value in rows:
        print(f"{name:<42}{value:>10.0f}{value / baseline:>12.1f}x")


if __name__ == "__main__":
    main()
