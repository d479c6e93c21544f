"""Public HTML pages: the organisations holding the Quality Label (`/labels`) and one page per
organisation (`/organisations/{id}/page`). Server-rendered, no scripts, no external assets; the
label mark is an inline SVG drawn here."""

from __future__ import annotations

import math
import uuid
from datetime import datetime
from html import escape
from typing import Annotated
from urllib.parse import urlencode

from litestar import Response, get
from litestar.params import FromPath, QueryParameter

from b4g.registry.api.deps import Ctx
from b4g.registry.api.errors import STATUS
from b4g.registry.domain.errors import NotFound, RegistryError
from b4g.registry.domain.public import PublicOrganisation
from b4g.registry.usecases import directory

LABEL_NAME = "Quality Label for badge recognition"

# Light scheme only, so every colour pair below is checked once: text #1b1b1b on #fff (16:1),
# links #0b5394 (7.9:1), the green #14532d (10:1), the warning #7a2e00 (9:1), muted #4a4a4a (8.9:1).
STYLE = """
:root{color-scheme:light;--ink:#1b1b1b;--paper:#fff;--ok:#14532d;--warn:#7a2e00;--muted:#4a4a4a}
body{font:16px/1.5 system-ui,sans-serif;margin:0 auto;max-width:48rem;padding:1rem;
color:var(--ink);background:var(--paper)}
a{color:#0b5394}a:focus{outline:3px solid #0b5394;outline-offset:2px}
header{border-bottom:1px solid #ccc;margin-bottom:1rem}header p{margin:.25rem 0 .75rem}
h1{font-size:1.6rem;line-height:1.25}h2{font-size:1.2rem}
ul.orgs{list-style:none;padding:0;margin:0}
ul.orgs li{display:flex;gap:1rem;align-items:center;padding:.75rem 0;border-bottom:1px solid #ddd}
.mark{width:64px;height:64px;flex:none}.mark.big{width:96px;height:96px}
.state{display:flex;gap:1rem;align-items:center;padding:1rem;border:2px solid;border-radius:.5rem;
margin:1rem 0}.state.ok{border-color:var(--ok)}.state.bad{border-color:var(--warn)}
.state.none{border-color:#767676}.state p{margin:0}
.state strong{display:block;font-size:1.1rem}.ok strong{color:var(--ok)}
.bad strong{color:var(--warn)}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}dt{font-weight:600}
dd{margin:0;overflow-wrap:anywhere}.muted{color:var(--muted)}
code{overflow-wrap:anywhere;word-break:break-all}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.35rem;
border-bottom:1px solid #ddd}
form{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end;margin:1rem 0}
input,button{font-size:1rem;padding:.4rem .6rem}
footer{margin-top:2rem;border-top:1px solid #ccc;font-size:.9rem}
@media (max-width:30rem){dl{grid-template-columns:1fr}dt{margin-top:.5rem}}
"""


def label_mark(title_id: str, *, big: bool = False) -> str:
    """The label mark: a rosette with a tick; `title_id` names it for screen readers."""
    size = " big" if big else ""
    points = " ".join(
        f"{48 + r * _cos(i):.1f},{48 + r * _sin(i):.1f}"
        for i, r in ((i, 44 if i % 2 == 0 else 36) for i in range(24))
    )
    return (
        f'<svg class="mark{size}" viewBox="0 0 96 96" role="img" aria-labelledby="{title_id}">'
        f'<title id="{title_id}">{LABEL_NAME} mark</title>'
        f'<polygon points="{points}" fill="#14532d"/>'
        '<circle cx="48" cy="48" r="29" fill="#fff"/>'
        '<circle cx="48" cy="48" r="25" fill="#14532d"/>'
        '<path d="M35 49l9 9 18-20" fill="none" stroke="#fff" stroke-width="7"'
        ' stroke-linecap="round" stroke-linejoin="round"/></svg>'
    )


def _cos(i: int) -> float:
    return math.cos(math.pi * 2 * i / 24)


def _sin(i: int) -> float:
    return math.sin(math.pi * 2 * i / 24)


def page(title: str, body: str, status_code: int = 200) -> Response[str]:
    html = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>"
        '<header><p><a href="/labels">Badges4Good registry</a></p></header>'
        f"<main>{body}</main>"
        "<footer><p>The registry of badge issuers of the Badges4Good network. Machine-readable:"
        ' <a href="/directory">directory</a>, <a href="/snapshot">signed snapshot</a>,'
        ' <a href="/schema">API</a>.</p></footer></body></html>'
    )
    return Response(
        html,
        status_code=status_code,
        media_type="text/html; charset=utf-8",
        headers={
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
            "form-action 'self'",
            "Cache-Control": "public, max-age=60",
        },
    )


def readable(moment: str | None) -> str:
    """`2026-01-15T09:00:00Z` → `15 January 2026`."""
    if not moment:
        return "—"
    parsed = datetime.fromisoformat(moment.replace("Z", "+00:00"))
    return f"{parsed.day} {parsed:%B %Y}"


Country = Annotated[
    str | None, QueryParameter(pattern="^[A-Z]{2}$", description="ISO 3166-1 alpha-2")
]
Cursor = Annotated[str | None, QueryParameter(max_length=600)]


@get("/labels", include_in_schema=False)
async def labels_page(ctx: Ctx, country: Country = None, cursor: Cursor = None) -> Response[str]:
    try:
        listing = await directory.directory(ctx, country=country, cursor=cursor, limit=50)
    except RegistryError as exc:
        return page(
            "Page not available",
            f'<h1>Page not available</h1><p>{escape(str(exc))}. <a href="/labels">Start'
            " again</a>.</p>",
            STATUS[exc.kind],
        )
    heading = f"Organisations holding the {LABEL_NAME}"
    items = []
    for n, entry in enumerate(listing.items):
        items.append(
            f"<li>{label_mark(f'mark-{n}')}<div>"
            f'<a href="/organisations/{entry.id}/page"><strong>{escape(entry.legal_name)}'
            f"</strong></a><br>{escape(entry.country)} · valid until "
            f'<time datetime="{escape(entry.label_valid_until)}">'
            f"{readable(entry.label_valid_until)}</time></div></li>"
        )
    listed = (
        f'<ul class="orgs" aria-label="Labelled organisations">{"".join(items)}</ul>'
        if items
        else "<p>No organisation holds the label"
        + (f" in {escape(country)}" if country else "")
        + " at the moment.</p>"
    )
    more = ""
    if listing.next_cursor:
        query = urlencode(
            {"cursor": listing.next_cursor, **({"country": country} if country else {})}
        )
        more = f'<nav aria-label="Pages"><a href="/labels?{escape(query)}">Next page</a></nav>'
    body = (
        f"<h1>{heading}</h1>"
        "<p>The label is granted by the network's assessors for three years to organisations"
        " that issue quality badges, and can be suspended or withdrawn.</p>"
        '<form method="get" action="/labels" role="search">'
        '<label for="country">Country code (e.g. LT)</label>'
        f'<input id="country" name="country" pattern="[A-Z]{{2}}" maxlength="2" size="4"'
        f' value="{escape(country or "")}"><button type="submit">Filter</button></form>'
        f"{listed}{more}"
    )
    return page(heading, body)


def organisation_html(org: PublicOrganisation) -> str:
    label = org.label
    name = escape(org.legal_name)
    if label.held_now:
        state = (
            f'<section class="state ok" aria-labelledby="label-state">'
            f'{label_mark("org-mark", big=True)}<p><strong id="label-state">Holds the'
            f" {LABEL_NAME}</strong>Valid from {readable(label.valid_from)} until"
            f" {readable(label.valid_until)}.</p></section>"
        )
    else:
        words = {
            "suspended": f"The {LABEL_NAME} is suspended",
            "withdrawn": f"The {LABEL_NAME} was withdrawn",
            "expired": f"The {LABEL_NAME} has expired",
            "superseded": f"The {LABEL_NAME} was superseded",
            "active": f"The {LABEL_NAME} is not valid at the moment",
        }
        said = words.get(label.status, f"Does not hold the {LABEL_NAME}")
        since = (
            f"Granted {readable(label.valid_from)}, valid until {readable(label.valid_until)}."
            if label.valid_from
            else "No label has been granted."
        )
        css = "none" if label.status == "none" else "bad"
        state = (
            f'<section class="state {css}" aria-labelledby="label-state"><p>'
            f'<strong id="label-state">{said}</strong>{since}</p></section>'
        )
    website = (
        f'<a href="{escape(org.website)}" rel="nofollow noopener">{escape(org.website)}</a>'
        if org.website
        else "—"
    )
    facts = (
        f"<dl><dt>Country</dt><dd>{escape(org.country)}</dd>"
        f"<dt>Website</dt><dd>{website}</dd>"
        f"<dt>Registry status</dt><dd>{escape(org.registry_status)}</dd></dl>"
    )
    dids = (
        "<ul>"
        + "".join(
            f'<li><code>{escape(d.did)}</code> <span class="muted">since'
            f" {readable(d.valid_from)}"
            + (f" until {readable(d.valid_until)}" if d.valid_until else "")
            + "</span></li>"
            for d in org.dids
        )
        + "</ul>"
        if org.dids
        else "<p>No identifier has been proven yet.</p>"
    )
    history = ""
    if label.history:
        rows = "".join(
            f"<tr><td>{escape(i.status)}</td><td>{readable(i.start)}</td>"
            f"<td>{readable(i.end) if i.end else 'now'}</td></tr>"
            for i in label.history
        )
        history = (
            '<h2>Label history</h2><table><caption class="muted">When the label was active'
            ' or suspended</caption><thead><tr><th scope="col">State</th>'
            '<th scope="col">From</th><th scope="col">Until</th></tr></thead>'
            f"<tbody>{rows}</tbody></table>"
        )
    return (
        f"<h1>{name}</h1>{state}<h2>About</h2>{facts}"
        f"<h2>Badge issuer identifiers (DIDs)</h2>{dids}{history}"
        '<p><a href="/labels">All labelled organisations</a></p>'
    )


@get("/organisations/{org_id:uuid}/page", include_in_schema=False)
async def organisation_page(ctx: Ctx, org_id: FromPath[uuid.UUID]) -> Response[str]:
    try:
        org = await directory.organisation(ctx, org_id)
    except NotFound:
        return page(
            "Organisation not found",
            "<h1>Organisation not found</h1><p>The registry has no organisation with this"
            ' address. <a href="/labels">See the labelled organisations</a>.</p>',
            404,
        )
    return page(f"{org.legal_name} — Badges4Good registry", organisation_html(org))


ROUTES = [labels_page, organisation_page]
