"""`b4g`: keys, signing, verification and status lists from the command line.

b4g keys generate [--seed HEX64]
b4g sign --suite eddsa-rdfc-2022|eddsa-jcs-2022|vc-jwt (--seed HEX64 | --key-file FILE)
         [--created ISO8601] FILE|-
b4g verify [--allow-http-origin ORIGIN]... [--allow-private-host HOST]... [--registry URL]
           [--local-stack] FILE|-
                             exit 0 verified, 1 a check failed, 3 a check could not be done,
                             2 unusable input
b4g status-list decode FILE|-
b4g unbake FILE              the credential baked into a PNG or SVG
b4g prove-did (--seed HEX64 | --key-file FILE) [--verification-method VM]
              (CHALLENGE_FILE [--registry URL --organisation ID --token T]
               | --registry URL --organisation ID --token T)
                             sign the registry's DID-control challenge with your own key;
                             print it, or submit it (exit 1 when the registry refuses)
b4g enrol --issuer-url URL --api-key KEY --issuer ID --registry URL --organisation ID --token T
                             enrol an issuer profile of the issuer service: it signs the
                             challenge with the profile's sealed key and submits it
b4g bulk-upload --url URL --api-key KEY --issuer ID FILE.csv [--errors FILE]
                             issue a CSV of badges through the issuer service (progress bar
                             on stderr); exit 0 all issued, 1 some rows failed, 2 upload failed
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from b4g.core.baking import PNG_SIGNATURE, unbake
from b4g.core.crypto.keys import Ed25519KeyPair
from b4g.core.did.did_key import did_key_of, did_key_vm
from b4g.core.errors import B4GError
from b4g.core.jsonld.canon import rdf_canonizer
from b4g.core.jsonld.documents import ContextStore
from b4g.core.proofs.data_integrity import JCS, RDFC, add_proof, create_proof
from b4g.core.proofs.vc_jwt import sign_vc_jwt
from b4g.core.statuslist import decode_bits, set_indexes

from . import bulk_upload, enrolment
from .keyfile import load_key
from .verify_cmd import add_verify_parser

EXIT_OK, EXIT_FAILED, EXIT_UNUSABLE, EXIT_UNCHECKED = 0, 1, 2, 3


class UsageError(Exception):
    """Input the command cannot use; printed as one line, exit 2."""


def read_input(name: str) -> str:
    try:
        return sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {name}: {exc}") from exc


def read_json(name: str) -> dict[str, Any]:
    try:
        value = json.loads(read_input(name))
    except json.JSONDecodeError as exc:
        raise UsageError(f"{name} is not JSON: {exc}") from exc
    if not isinstance(value, dict):
        raise UsageError(f"{name} must hold a JSON object")
    return value


def key_from_seed(seed: str | None) -> Ed25519KeyPair:
    if seed is None:
        return Ed25519KeyPair.generate()
    try:
        raw = bytes.fromhex(seed)
    except ValueError as exc:
        raise UsageError("--seed must be 64 hexadecimal characters") from exc
    if len(raw) != 32:
        raise UsageError("--seed must be 64 hexadecimal characters (32 bytes)")
    return Ed25519KeyPair.from_seed(raw)


def cmd_keys_generate(args: argparse.Namespace) -> int:
    key = key_from_seed(args.seed)
    print(
        json.dumps(
            {
                "seed": key.seed.hex(),  # what `b4g sign --seed` and `b4g prove-did --seed` take
                "did": did_key_of(key.public_multibase),
                "verificationMethod": did_key_vm(key.public_multibase),
                "publicKeyMultibase": key.public_multibase,
                "secretKeyMultibase": key.secret_multibase,
            },
            indent=2,
        )
    )
    return EXIT_OK


def cmd_sign(args: argparse.Namespace) -> int:
    key = load_key(args.seed, args.key_file, UsageError)
    credential = read_json(args.file)
    did = did_key_of(key.public_multibase)
    issuer = credential.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if issuer_id != did:
        # A signature by a key the issuer does not control would never verify.
        raise UsageError(
            f"the credential's issuer is {issuer_id!r}; signing with this seed "
            f"requires issuer {did!r}"
        )
    vm = did_key_vm(key.public_multibase)
    if args.suite == "vc-jwt":
        print(sign_vc_jwt(credential, key=key, kid=vm))
        return EXIT_OK
    created = args.created or datetime.now(UTC).replace(microsecond=0).isoformat().replace(
        "+00:00", "Z"
    )
    proof = create_proof(
        credential,
        key=key,
        verification_method=vm,
        created=created,
        cryptosuite=args.suite,
        rdf=rdf_canonizer(ContextStore()),
    )
    print(json.dumps(add_proof(credential, proof), indent=2, ensure_ascii=False))
    return EXIT_OK


def read_presented(name: str) -> dict[str, Any] | str:
    """A credential as JSON, a compact VC-JWT, or either baked into a PNG or SVG."""
    try:
        raw = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {name}: {exc}") from exc
    if raw.startswith(PNG_SIGNATURE) or b"<svg" in raw[:4096]:
        return unbake(raw)
    try:
        text = raw.decode("utf-8").strip()
    except UnicodeDecodeError as exc:
        raise UsageError(f"{name} is neither text nor a PNG/SVG image") from exc
    if text.startswith("{"):
        try:
            presented = json.loads(text)
        except json.JSONDecodeError as exc:
            raise UsageError(f"not JSON: {exc}") from exc
        if not isinstance(presented, dict):
            raise UsageError("a credential must be a JSON object")
        return presented
    if text.count(".") == 2 and " " not in text:
        return text
    raise UsageError("expected a JSON-LD credential, a compact VC-JWT or a baked PNG/SVG")


def cmd_status_decode(args: argparse.Namespace) -> int:
    credential = read_json(args.file)
    subject = credential.get("credentialSubject", {})
    if not isinstance(subject, dict) or "encodedList" not in subject:
        raise UsageError("not a status-list credential (no credentialSubject.encodedList)")
    size = int(subject.get("statusSize", 1) or 1)
    bits = decode_bits(str(subject["encodedList"]))
    print(
        json.dumps(
            {
                "id": credential.get("id"),
                "purpose": subject.get("statusPurpose"),
                "entries": len(bits) * 8 // size,
                "statusSize": size,
                "set": set_indexes(bits, size),
            },
            indent=2,
        )
    )
    return EXIT_OK


def cmd_unbake(args: argparse.Namespace) -> int:
    baked = read_presented(args.file)
    print(baked if isinstance(baked, str) else json.dumps(baked, indent=2, ensure_ascii=False))
    return EXIT_OK


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="b4g", description="Open Badges 3.0 keys, signing, verification and status lists."
    )
    commands = root.add_subparsers(dest="command", required=True)
    keys = commands.add_parser("keys", help="Ed25519 keys").add_subparsers(
        dest="keys", required=True
    )
    generate = keys.add_parser("generate", help="a new key pair and its did:key")
    generate.add_argument("--seed", help="64 hex characters for a deterministic key")
    generate.set_defaults(run=cmd_keys_generate)
    sign = commands.add_parser("sign", help="sign a credential with the did:key of a seed")
    sign.add_argument("--suite", choices=[RDFC, JCS, "vc-jwt"], default=RDFC)
    signing_key = sign.add_mutually_exclusive_group(required=True)
    signing_key.add_argument("--seed", help="64 hex characters (`seed` of `b4g keys generate`)")
    signing_key.add_argument("--key-file", help="a JSON file as `b4g keys generate` prints it")
    sign.add_argument("--created", help="proof creation time (ISO 8601)")
    sign.add_argument("file", help="the credential (JSON), or - for standard input")
    sign.set_defaults(run=cmd_sign)
    add_verify_parser(commands, read_presented, UsageError)
    unbake_cmd = commands.add_parser("unbake", help="print the credential baked into a PNG/SVG")
    unbake_cmd.add_argument("file")
    unbake_cmd.set_defaults(run=cmd_unbake)
    status = commands.add_parser("status-list", help="status lists").add_subparsers(
        dest="status", required=True
    )
    decode = status.add_parser("decode", help="purpose, size and set entries of a list")
    decode.add_argument("file")
    decode.set_defaults(run=cmd_status_decode)
    bulk_upload.add_parser(commands)
    enrolment.add_parsers(commands, UsageError, read_json)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        code: int = args.run(args)
    except (UsageError, B4GError) as exc:
        print(f"b4g: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    except enrolment.EnrolmentFailed as exc:
        print(f"b4g: {exc}", file=sys.stderr)
        return EXIT_FAILED
    return code


if __name__ == "__main__":
    sys.exit(main())
