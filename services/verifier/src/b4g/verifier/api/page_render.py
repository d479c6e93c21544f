"""The verification page's HTML: one headline answering "genuine?" and "trusted?", the badge,
the checks in plain words, and the technical detail (codes, cryptosuites, schema files) folded
away. Server-rendered, no scripts, no external assets."""

from __future__ import annotations

from html import escape
from urllib.parse import quote

from litestar import Response

from b4g.core.verdict import Check
from b4g.core.verification import VerificationResult
from b4g.verifier.api.page_language import date_text, fill
from b4g.verifier.api.page_texts import (
    CHECK_NAMES,
    FINDINGS,
    HEADLINES,
    PASSED,
    STATE_WORDS,
    TRUST,
    TRUST_WORDS,
    WORDS,
)
from b4g.verifier.domain.summary import recipient_matches, summarize
from b4g.verifier.domain.verdict import Verdict, verdict

STYLE = """
:root{color-scheme:light dark;--ok:#1a7f37;--bad:#c62828;--unk:#8a6d00}
body{font:16px/1.5 system-ui,sans-serif;margin:0 auto;max-width:44rem;padding:1rem}
h1{font-size:1.5rem}textarea{width:100%;min-height:10rem;font:14px monospace;box-sizing:border-box}
button{font-size:1rem;padding:.5rem 1.25rem;margin-top:.5rem}input[type=email]{width:100%}
.verdict{padding:1rem;border-radius:.5rem;font-weight:600;font-size:1.15rem;margin:1rem 0;
border:2px solid}.verdict.ok{border-color:var(--ok)}.verdict.bad{border-color:var(--bad)}
.verdict.warn{border-color:var(--unk)}
.badge{display:flex;gap:1rem;align-items:flex-start;margin:1rem 0}
.badge img,.placeholder{width:96px;height:96px;border-radius:50%;flex:none}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:0}dt{font-weight:600}
dd{margin:0;overflow-wrap:anywhere}ul.checks{list-style:none;padding:0}
ul.checks li{padding:.5rem;border-bottom:1px solid #8884}.pass .mark{color:var(--ok)}
.fail .mark{color:var(--bad)}.could_not_check .mark{color:var(--unk)}.mark{font-weight:700}
details{margin-top:.25rem}summary{cursor:pointer;opacity:.8}
.tech{font:12px monospace;opacity:.8;overflow-wrap:anywhere}
.label{border-left:6px solid var(--ok);padding:.5rem 1rem;background:#1a7f3712}
nav.lang{text-align:right}
"""

MEDAL = (
    '<svg class="placeholder" viewBox="0 0 96 96" aria-hidden="true">'
    '<circle cx="48" cy="56" r="30" fill="none" stroke="currentColor" stroke-width="4"/>'
    '<path d="M34 8h28l-8 22H42z" fill="currentColor"/>'
    '<path d="M48 40l5 10 11 2-8 8 2 11-10-5-10 5 2-11-8-8 11-2z" fill="currentColor"/>'
    "</svg>"
)
MARKS = {"pass": "✓", "fail": "✗", "could_not_check": "?"}


def page(body: str, lang: str, switch: str = "") -> Response[str]:
    html = (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(WORDS[lang]['title'])}</title><style>{STYLE}</style></head>"
        f'<body><nav class="lang">{switch}</nav><main>{body}</main></body></html>'
    )
    return Response(
        html,
        media_type="text/html; charset=utf-8",
        headers={
            "Content-Security-Policy": "default-src 'none'; img-src data:; "
            "style-src 'unsafe-inline'; form-action 'self'",
            "Content-Language": lang,
            "Vary": "Accept-Language, Cookie",
        },
    )


def other(lang: str) -> str:
    return "lt" if lang == "en" else "en"


def switch_link(lang: str, url: str | None = None) -> str:
    target = f"/verify?lang={other(lang)}" + (f"&url={quote(url, safe='')}" if url else "")
    return f'<a href="{escape(target)}" hreflang="{other(lang)}">{WORDS[lang]["switch"]}</a>'


def switch_form(lang: str, credential: str, email: str) -> str:
    """On a result page the switch verifies the same badge again in the other language."""
    return (
        '<form method="post" action="/verify">'
        f'<input type="hidden" name="credential" value="{escape(credential)}">'
        f'<input type="hidden" name="email" value="{escape(email)}">'
        f'<input type="hidden" name="lang" value="{other(lang)}">'
        f'<button type="submit" lang="{other(lang)}">{WORDS[lang]["switch"]}</button></form>'
    )


def form(lang: str, value: str = "", email: str = "") -> str:
    w = WORDS[lang]
    return (
        f"<h1>{escape(w['title'])}</h1>"
        '<form method="post" action="/verify">'
        f'<input type="hidden" name="lang" value="{lang}">'
        f'<label for="credential">{escape(w["paste"])}</label>'
        f'<textarea id="credential" name="credential" required>{escape(value)}</textarea>'
        f'<label for="email">{escape(w["email"])}</label>'
        f'<input id="email" name="email" type="email" value="{escape(email)}">'
        f'<button type="submit">{escape(w["verify"])}</button></form>'
        f'<form method="post" action="/verify/upload?lang={lang}"'
        ' enctype="multipart/form-data">'
        f'<label for="file">{escape(w["upload"])}</label> '
        '<input id="file" name="file" type="file" accept="image/png,image/svg+xml" required> '
        f'<button type="submit">{escape(w["verify_image"])}</button></form>'
    )


def headline(found: Verdict, lang: str) -> str:
    return fill(HEADLINES[lang][found.headline], found.facts, lang)


def _tone(found: Verdict) -> str:
    if not found.genuine:
        return "bad"
    return "ok" if found.standing == "qualityLabel" else "warn"


def result_html(
    result: VerificationResult, lang: str, *, email: str = "", registry_url: str = ""
) -> str:
    found = verdict(result)
    w = WORDS[lang]
    parts = [
        f'<div class="verdict {_tone(found)}" role="status" aria-live="polite">'
        f"{escape(headline(found, lang))}</div>"
    ]
    org_id, org_name = found.facts.get("organisationId"), found.facts.get("organisationName")
    if found.genuine and org_id and registry_url:
        link = f"{registry_url.rstrip('/')}/organisations/{quote(org_id, safe='')}/page"
        text = fill(w["registry_link"], {"organisationName": org_name or "?"}, lang)
        parts.append(f'<p class="label"><a href="{escape(link)}">{escape(text)}</a></p>')
    # When the signature does not hold, the issuer it names is only a claim: its standing is
    # folded away with the badge's other claims.
    unsigned = found.headline in ("not_verified", "incomplete")
    shown = [c for c in result.checks if not (unsigned and c.name in TRUST)]
    if result.credential:
        badge = _badge_html(result, lang)
        if unsigned:
            claimed = "".join(_check_html(c, lang) for c in result.checks if c.name in TRUST)
            badge += f'<ul class="checks">{claimed}</ul>'
        # A badge that is not genuine is shown only as its unverified claims, folded away.
        parts.append(
            badge
            if found.genuine
            else f"<details><summary>{escape(w['claims'])}</summary>{badge}</details>"
        )
        if email:
            key = "email.yes" if recipient_matches(result.credential, email) else "email.no"
            parts.append(f'<p role="note">{escape(w[key].format(email=email))}</p>')
    items = "".join(_check_html(c, lang) for c in shown)
    parts.append(f'<h2>{escape(w["checks"])}</h2><ul class="checks">{items}</ul>')
    parts.append(f'<p><a href="/verify?lang={lang}">{escape(w["again"])}</a></p>')
    return "".join(parts)


def _badge_html(result: VerificationResult, lang: str) -> str:
    assert result.credential is not None
    w = WORDS[lang]
    s = summarize(result.credential)
    image = (
        f'<img src="{escape(s.image)}" alt="{escape(w["image_alt"].format(name=s.name))}">'
        if s.image
        else MEDAL
    )
    recipient = {
        "not named": w["recipient.none"],
        "hidden (identified by a hashed identity)": w["recipient.hidden"],
    }.get(s.recipient, s.recipient)
    rows = [
        (w["issuer"], s.issuer_name or s.issuer_id),
        (w["issuer_id"], s.issuer_id),
        (w["recipient"], recipient),
        (w["valid_from"], date_text(s.valid_from, lang) if s.valid_from else None),
        (w["valid_until"], date_text(s.valid_until, lang) if s.valid_until else None),
    ]
    details = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in rows if v)
    description = f"<p>{escape(s.description)}</p>" if s.description else ""
    return (
        f'<section class="badge" aria-label="Badge">{image}<div>'
        f"<h2>{escape(s.name)}</h2>{description}<dl>{details}</dl></div></section>"
    )


def plain(check: Check, lang: str) -> str:
    """The check in one plain sentence of the language."""
    if check.state == "pass":
        key = check.name
        if check.name == "label_at_issuance" and "witnessedAt" in check.facts:
            key = "label_at_issuance.witnessed"
        template = PASSED[lang].get(key)
    else:
        template = FINDINGS[lang].get(check.code) or FINDINGS[lang][check.state]
    if template is None:
        return check.message if lang == "en" else FINDINGS[lang]["could_not_check"]
    return fill(template, check.facts, lang)


def _check_html(check: Check, lang: str) -> str:
    words = TRUST_WORDS if check.name in TRUST else STATE_WORDS
    label = CHECK_NAMES[lang].get(check.name, check.name)
    technical = [f"code: {check.code}", check.message]
    technical += [f"{k}: {v}" for k, v in sorted(check.facts.items())]
    tech = "<br>".join(escape(t) for t in technical)
    return (
        f'<li class="{check.state}"><span class="mark" aria-hidden="true">'
        f"{MARKS[check.state]}</span> <strong>{escape(label)}: "
        f"{words[lang][check.state]}.</strong> {escape(plain(check, lang))}"
        f"<details><summary>{escape(WORDS[lang]['technical'])}</summary>"
        f'<div class="tech">{tech}</div></details></li>'
    )
