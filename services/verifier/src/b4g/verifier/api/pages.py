"""The verification page: paste a credential or a VC-JWT, upload a baked image, or open
`/verify?url=…`; read one headline, the badge and every check in plain words, in English or
Lithuanian (`?lang=`, the switch's cookie, or Accept-Language)."""

from __future__ import annotations

from html import escape
from typing import Annotated, Any

import msgspec
from litestar import Request, Response, get, post
from litestar.datastructures import Cookie, State
from litestar.enums import RequestEncodingType
from litestar.params import Body, QueryParameter

from b4g.core.baking import BakingError, unbake
from b4g.core.errors import B4GError
from b4g.verifier.api.page_language import COOKIE, choose
from b4g.verifier.api.page_render import form, page, result_html, switch_form, switch_link
from b4g.verifier.api.page_texts import WORDS
from b4g.verifier.api.verify import BadgeUpload, verification_of


class VerifyForm(msgspec.Struct, frozen=True, kw_only=True):
    credential: str
    email: str = ""
    lang: str = ""


def parse(text: str) -> dict[str, Any] | str:
    text = text.strip()
    if text.startswith("{"):
        value = msgspec.json.decode(text)
        if not isinstance(value, dict):
            raise ValueError("not a JSON object")
        return value
    return text


def language(request: Request[Any, Any, Any], explicit: str | None = None) -> str:
    return choose(
        explicit or request.query_params.get("lang"),
        request.cookies.get(COOKIE),
        request.headers.get("accept-language"),
    )


def registry_url(state: State) -> str:
    """Where people open the registry's pages (the operator's setting)."""
    settings = state.runtime.settings
    return str(
        getattr(settings, "registry_public_url", "") or getattr(settings, "registry_base_url", "")
    )


def remembered(response: Response[str], request: Request[Any, Any, Any], lang: str) -> None:
    """An explicit choice (the switch) is kept in a cookie for the next pages."""
    if request.query_params.get("lang") == lang:
        response.set_cookie(Cookie(key=COOKIE, value=lang, path="/", samesite="lax"))


@post("/verify/upload", include_in_schema=False, status_code=200)
async def verify_uploaded(
    request: Request[Any, Any, Any],
    state: State,
    data: Annotated[BadgeUpload, Body(media_type=RequestEncodingType.MULTI_PART)],
) -> Response[str]:
    lang = language(request)
    try:
        presented = unbake(await data.file.read())
    except BakingError as exc:
        alert = WORDS[lang]["no_badge_in_image"].format(reason=exc)
        return page(form(lang) + f'<p role="alert">{escape(alert)}</p>', lang, switch_link(lang))
    result = await verification_of(state).verify(presented)
    body = result_html(result, lang, registry_url=registry_url(state))
    return page(body + form(lang), lang, switch_link(lang))


@get(["/", "/verify"], include_in_schema=False)
async def verify_page(
    request: Request[Any, Any, Any],
    state: State,
    url: Annotated[str | None, QueryParameter(max_length=2048)] = None,
) -> Response[str]:
    lang = language(request)
    if not url:
        response = page(form(lang), lang, switch_link(lang))
        remembered(response, request, lang)
        return response
    verification = verification_of(state)
    try:
        fetched = await verification.fetch_document(url)
    except B4GError as exc:
        alert = WORDS[lang]["fetch_failed"].format(reason=exc)
        return page(form(lang) + f'<p role="alert">{escape(alert)}</p>', lang, switch_link(lang))
    result = await verification.verify(fetched)
    body = result_html(result, lang, registry_url=registry_url(state))
    response = page(body + form(lang), lang, switch_link(lang, url))
    remembered(response, request, lang)
    return response


@post("/verify", include_in_schema=False, status_code=200)
async def verify_submitted(
    request: Request[Any, Any, Any],
    state: State,
    data: Annotated[VerifyForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Response[str]:
    lang = language(request, data.lang or None)
    email = data.email.strip()
    try:
        presented = parse(data.credential)
    except (msgspec.DecodeError, ValueError):
        alert = WORDS[lang]["not_a_badge"]
        return page(
            form(lang, data.credential, email) + f'<p role="alert">{escape(alert)}</p>',
            lang,
            switch_form(lang, data.credential, email),
        )
    result = await verification_of(state).verify(presented)
    body = result_html(result, lang, email=email, registry_url=registry_url(state))
    response = page(body + form(lang, email=email), lang, switch_form(lang, data.credential, email))
    if data.lang == lang:
        response.set_cookie(Cookie(key=COOKIE, value=lang, path="/", samesite="lax"))
    return response
