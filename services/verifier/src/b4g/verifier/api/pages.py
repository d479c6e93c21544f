"""The verification page: paste a credential or a VC-JWT, or open `/verify?url=…`; see the badge
and every check in plain words. Server-rendered HTML, no scripts, no external assets."""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Annotated, Any

import msgspec
from litestar import Response, get, post
from litestar.datastructures import State
from litestar.enums import RequestEncodingType
from litestar.params import Body, QueryParameter

from b4g.core.baking import BakingError, unbake
from b4g.core.errors import B4GError
from b4g.core.verification import VerificationResult
from b4g.verifier.api.verify import BadgeUpload, verification_of
from b4g.verifier.domain.summary import summarize

CHECK_NAMES = {
    "structure": "Credential format",
    "schema": "Open Badges schema",
    "proof": "Signature",
    "jwt_claims": "Token claims match the badge",
    "validity_window": "Dates",
    "status": "Revocation and suspension",
    "endorsement": "Endorsement",
    "issuer_trust": "Issuer trust (Quality Label)",
}
STATE_WORDS = {
    "pass": ("✓", "Passed"),
    "fail": ("✗", "Failed"),
    "could_not_check": ("?", "Could not check"),
}

STYLE = """
:root{color-scheme:light dark;--ok:#1a7f37;--bad:#c62828;--unk:#8a6d00}
body{font:16px/1.5 system-ui,sans-serif;margin:0 auto;max-width:44rem;padding:1rem}
h1{font-size:1.5rem}textarea{width:100%;min-height:10rem;font:14px monospace;box-sizing:border-box}
button{font-size:1rem;padding:.5rem 1.25rem;margin-top:.5rem}
.verdict{padding:1rem;border-radius:.5rem;font-weight:600;margin:1rem 0;border:2px solid}
.verdict.ok{border-color:var(--ok)}.verdict.bad{border-color:var(--bad)}
.badge{display:flex;gap:1rem;align-items:flex-start;margin:1rem 0}
.badge img,.placeholder{width:96px;height:96px;border-radius:50%;flex:none}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:0}dt{font-weight:600}
dd{margin:0;overflow-wrap:anywhere}ul.checks{list-style:none;padding:0}
ul.checks li{padding:.5rem;border-bottom:1px solid #8884}.pass .mark{color:var(--ok)}
.fail .mark{color:var(--bad)}.could_not_check .mark{color:var(--unk)}.mark{font-weight:700}
.code{font:12px monospace;opacity:.75}
.label{border-left:6px solid var(--ok);padding:.5rem 1rem;background:#1a7f3712}
"""


MEDAL = (
    '<svg class="placeholder" viewBox="0 0 96 96" aria-hidden="true">'
    '<circle cx="48" cy="56" r="30" fill="none" stroke="currentColor" stroke-width="4"/>'
    '<path d="M34 8h28l-8 22H42z" fill="currentColor"/>'
    '<path d="M48 40l5 10 11 2-8 8 2 11-10-5-10 5 2-11-8-8 11-2z" fill="currentColor"/>'
    "</svg>"
)


def page(body: str, title: str = "Verify an Open Badge") -> Response[str]:
    html = (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head>"
        f"<body><main>{body}</main></body></html>"
    )
    return Response(
        html,
        media_type="text/html; charset=utf-8",
        headers={
            "Content-Security-Policy": "default-src 'none'; img-src data:; "
            "style-src 'unsafe-inline'; form-action 'self'"
        },
    )


def form(value: str = "") -> str:
    return (
        "<h1>Verify an Open Badge</h1>"
        '<form method="post" action="/verify">'
        '<label for="credential">Paste a badge: the credential JSON or its VC-JWT</label>'
        f'<textarea id="credential" name="credential" required>{escape(value)}</textarea>'
        '<button type="submit">Verify</button></form>'
        '<form method="post" action="/verify/upload" enctype="multipart/form-data">'
        '<label for="file">…or upload a baked badge image (PNG or SVG)</label> '
        '<input id="file" name="file" type="file" accept="image/png,image/svg+xml" required> '
        '<button type="submit">Verify image</button></form>'
    )


def result_html(result: VerificationResult) -> str:
    ok = result.verified
    failed = {c.code for c in result.checks if c.state == "fail"}
    if ok:
        verdict = "This badge is genuine and valid."
    elif "revoked" in failed:
        verdict = "This badge has been revoked by its issuer."
    elif "suspended" in failed:
        verdict = "This badge is suspended by its issuer."
    elif failed == {"expired"}:
        verdict = "This badge has expired."
    elif failed:
        verdict = "This badge could not be verified."
    else:
        verdict = "Some checks could not be completed."
    parts = [
        f'<div class="verdict {"ok" if ok else "bad"}" role="status" '
        f'aria-live="polite">{escape(verdict)}</div>'
    ]
    if result.credential:
        s = summarize(result.credential)
        image = (
            f'<img src="{escape(s.image)}" alt="Badge image of {escape(s.name)}">'
            if s.image
            else MEDAL
        )
        rows = [
            ("Issuer", s.issuer_name or s.issuer_id),
            ("Issuer ID", s.issuer_id),
            ("Recipient", s.recipient),
            ("Valid from", readable(s.valid_from)),
            ("Valid until", readable(s.valid_until)),
        ]
        details = "".join(f"<dt>{k}</dt><dd>{escape(v)}</dd>" for k, v in rows if v)
        description = f"<p>{escape(s.description)}</p>" if s.description else ""
        parts.append(
            f'<section class="badge" aria-label="Badge">{image}<div>'
            f"<h2>{escape(s.name)}</h2>{description}<dl>{details}</dl></div></section>"
        )
    trust = result.first("issuer_trust")
    if trust is not None and trust.code == "label_held":
        parts.append(
            '<p class="label" role="note"><strong>Quality Label for badge recognition'
            f"</strong> — {escape(trust.message)}</p>"
        )
    items = []
    for check in result.checks:
        mark, word = STATE_WORDS[check.state]
        label = CHECK_NAMES.get(check.name, check.name)
        items.append(
            f'<li class="{check.state}"><span class="mark" aria-hidden="true">{mark}'
            f"</span> <strong>{escape(label)}: {word}.</strong> "
            f'{escape(check.message)} <span class="code">({escape(check.code)})</span></li>'
        )
    parts.append(f'<h2>Checks</h2><ul class="checks">{"".join(items)}</ul>')
    parts.append('<p><a href="/verify">Verify another badge</a></p>')
    return "".join(parts)


def readable(moment: str | None) -> str | None:
    """`2026-01-01T00:00:00Z` → `1 January 2026, 00:00 UTC`; anything else as it is."""
    if moment is None:
        return None
    try:
        parsed = datetime.fromisoformat(moment.replace("Z", "+00:00"))
    except ValueError:
        return moment
    return f"{parsed.day} {parsed:%B %Y, %H:%M} {parsed.tzname() or ''}".strip()


class VerifyForm(msgspec.Struct, frozen=True, kw_only=True):
    credential: str


def parse(text: str) -> dict[str, Any] | str:
    text = text.strip()
    if text.startswith("{"):
        value = msgspec.json.decode(text)
        if not isinstance(value, dict):
            raise ValueError("not a JSON object")
        return value
    return text


@post("/verify/upload", include_in_schema=False, status_code=200)
async def verify_uploaded(
    state: State, data: Annotated[BadgeUpload, Body(media_type=RequestEncodingType.MULTI_PART)]
) -> Response[str]:
    try:
        presented = unbake(await data.file.read())
    except BakingError as exc:
        return page(
            form() + f'<p role="alert">No badge found in that image: {escape(str(exc))}</p>'
        )
    return page(result_html(await verification_of(state).verify(presented)) + form())


@get(["/", "/verify"], include_in_schema=False)
async def verify_page(
    state: State, url: Annotated[str | None, QueryParameter(max_length=2048)] = None
) -> Response[str]:
    if not url:
        return page(form())
    verification = verification_of(state)
    try:
        fetched = await verification.fetch_document(url)
    except B4GError as exc:
        return page(form() + f'<p role="alert">Could not fetch the badge: {escape(str(exc))}</p>')
    return page(result_html(await verification.verify(fetched)) + form())


@post("/verify", include_in_schema=False, status_code=200)
async def verify_submitted(
    state: State,
    data: Annotated[VerifyForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Response[str]:
    try:
        presented = parse(data.credential)
    except (msgspec.DecodeError, ValueError):
        return page(
            form(data.credential)
            + '<p role="alert">That is neither credential JSON nor a VC-JWT.</p>'
        )
    result = await verification_of(state).verify(presented)
    return page(result_html(result) + form())
