"""`b4g prove-did` and `b4g enrol`: proving control of a DID to the Badges4Good registry.

prove-did  for organisations that hold their own key: the registry's challenge (a file, or asked
           for with --registry/--organisation/--token) is signed with the seed or key file
           (Data Integrity eddsa-jcs-2022, proofPurpose authentication, the registry's domain and
           challenge) and printed, or submitted with --token.
enrol      for issuer profiles of the issuer service, whose keys are sealed there: the registry
           issues the challenge, the issuer service signs it and submits it; nobody sees a key.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx

from b4g.core.crypto.keys import Ed25519KeyPair
from b4g.core.did.did_key import did_key_vm
from b4g.core.proofs.data_integrity import JCS, add_proof, create_proof

from .keyfile import load_key

TIMEOUT = 30.0


class EnrolmentFailed(Exception):
    """A service refused or could not be reached; printed as one line (exit 1)."""


ReadJson = Callable[[str], dict[str, Any]]


def add_parsers(commands: Any, usage_error: type[Exception], read_json: ReadJson) -> None:
    prove = commands.add_parser(
        "prove-did",
        help="prove control of your own did:key (or did:web key) to the registry",
        description="Sign the registry's DID-control challenge with your key; print the "
        "signed document, or submit it with --token.",
    )
    key = prove.add_mutually_exclusive_group(required=True)
    key.add_argument("--seed", help="64 hex characters (what `b4g keys generate` prints)")
    key.add_argument("--key-file", help="a JSON file as `b4g keys generate` prints it")
    prove.add_argument(
        "--verification-method",
        help="the key's id in your DID document (default: the did:key of the seed)",
    )
    prove.add_argument("--registry", help="the registry's base URL (asks it for a challenge)")
    prove.add_argument("--organisation", help="your organisation's id in the registry")
    prove.add_argument("--token", help="a registry API key that may register and prove DIDs")
    prove.add_argument(
        "challenge",
        nargs="?",
        help="the registry's challenge (its `sign` document or whole answer) as a file, or -",
    )
    prove.set_defaults(run=lambda args: cmd_prove_did(args, usage_error, read_json))

    enrol = commands.add_parser(
        "enrol",
        help="enrol an issuer profile of the issuer service in the registry",
        description="Registers the profile's DID at the registry and has the issuer service "
        "sign and submit the challenge with the profile's sealed key.",
    )
    enrol.add_argument("--issuer-url", required=True, help="the issuer service's base URL")
    enrol.add_argument("--api-key", required=True, help="the platform's issuer API key (manage)")
    enrol.add_argument("--issuer", required=True, help="the issuer profile's id")
    enrol.add_argument("--registry", required=True, help="the registry's base URL")
    enrol.add_argument("--organisation", required=True, help="the organisation's id there")
    enrol.add_argument("--token", required=True, help="a registry API key that may prove DIDs")
    enrol.set_defaults(run=cmd_enrol)


def sign_challenge(sign: dict[str, Any], key: Ed25519KeyPair, vm: str) -> dict[str, Any]:
    """The registry's challenge with our authentication proof, bound to its domain."""
    created = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    proof = create_proof(
        sign,
        key=key,
        verification_method=vm,
        created=created,
        cryptosuite=JCS,
        proof_purpose="authentication",
        domain=str(sign["domain"]),
        challenge=str(sign["challenge"]),
    )
    return add_proof(sign, proof)


def cmd_prove_did(
    args: argparse.Namespace, usage_error: type[Exception], read_json: ReadJson
) -> int:
    key = load_key(args.seed, args.key_file, usage_error)
    vm = args.verification_method or did_key_vm(key.public_multibase)
    did = vm.split("#", 1)[0]
    online = args.registry is not None
    if online and not (args.organisation and args.token):
        raise usage_error("--registry needs --organisation and --token")
    if online == (args.challenge is not None):
        raise usage_error("give either the challenge file or --registry (to ask for one)")
    with httpx.Client(timeout=TIMEOUT) as client:
        if online:
            base = f"{args.registry.rstrip('/')}/organisations/{args.organisation}"
            answer = _call(client, "POST", f"{base}/dids", args.token, {"did": did})
            sign = answer["sign"]
        else:
            answer = read_json(args.challenge)
            sign = answer.get("sign", answer)
            if not isinstance(sign, dict) or set(sign) != {"did", "challenge", "domain"}:
                raise usage_error("not a registry challenge (did, challenge, domain)")
            base = None
        if sign.get("did") != did:
            raise usage_error(f"the challenge is for {sign.get('did')}; this key is of {did}")
        signed = sign_challenge(sign, key, vm)
        if base is None and not args.token:
            print(json.dumps(signed, indent=2))
            return 0
        if base is None:
            if not (args.registry and args.organisation):
                raise usage_error("submitting needs --registry and --organisation")
            base = f"{args.registry.rstrip('/')}/organisations/{args.organisation}"
        trust = _call(client, "POST", f"{base}/dids/proof", args.token, signed)
    print(json.dumps(trust, indent=2))
    return 0


def cmd_enrol(args: argparse.Namespace) -> int:
    registry = args.registry.rstrip("/")
    issuer_url = args.issuer_url.rstrip("/")
    with httpx.Client(timeout=TIMEOUT) as client:
        profile = _call(client, "GET", f"{issuer_url}/issuers/{args.issuer}", args.api_key)
        base = f"{registry}/organisations/{args.organisation}"
        sign = _call(client, "POST", f"{base}/dids", args.token, {"did": profile["did"]})["sign"]
        done = _call(
            client,
            "POST",
            f"{issuer_url}/issuers/{args.issuer}/did-control-proofs",
            args.api_key,
            {"document": sign, "submitTo": f"{base}/dids/proof", "registryToken": args.token},
        )
    print(
        json.dumps(
            {"did": done["did"], "proofId": done["proofId"], "registry": done["registry"]["body"]},
            indent=2,
        )
    )
    return 0


def _call(
    client: httpx.Client, method: str, url: str, token: str, body: Any = None
) -> dict[str, Any]:
    try:
        response = client.request(
            method, url, json=body, headers={"Authorization": f"Bearer {token}"}
        )
    except httpx.HTTPError as exc:
        raise EnrolmentFailed(f"{url} could not be reached: {exc}") from exc
    try:
        answer = response.json()
    except ValueError:
        answer = None
    if response.status_code >= 400:
        detail = answer.get("detail") or answer.get("title") if isinstance(answer, dict) else None
        code = answer.get("code") if isinstance(answer, dict) else None
        raise EnrolmentFailed(
            f"{method} {url} answered {response.status_code}"
            + (f" ({code})" if code else "")
            + (f": {detail}" if detail else "")
        )
    if not isinstance(answer, dict):
        raise EnrolmentFailed(f"{method} {url} did not answer with a JSON object")
    return answer
