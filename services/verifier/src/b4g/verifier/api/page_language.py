"""How the verification page chooses its language (`?lang=`, then the `b4g_lang` cookie the
switch sets, then Accept-Language) and writes values into its sentences."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from b4g.verifier.api.page_texts import CHANGES

LANGUAGES = ("en", "lt")
COOKIE = "b4g_lang"
MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def choose(query: str | None, cookie: str | None, accept_language: str | None) -> str:
    for explicit in (query, cookie):
        if explicit in LANGUAGES:
            return str(explicit)
    ranked: list[tuple[float, str]] = []
    for part in (accept_language or "").split(","):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        base = tag.split("-")[0].lower()
        if base in LANGUAGES:
            ranked.append((quality, base))
    return max(ranked, key=lambda r: r[0])[1] if ranked else "en"


def date_text(value: str | None, lang: str) -> str:
    """A date as people write it: `1 January 2026` in English, `2026-01-01` in Lithuanian."""
    if not value:
        return "?"
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    if lang == "lt":
        return f"{moment:%Y-%m-%d}"
    return f"{moment.day} {MONTHS_EN[moment.month - 1]} {moment.year}"


def fill(template: str, facts: Mapping[str, str], lang: str) -> str:
    """The template with its named values; dates written for the language, a missing value
    as "?" (never a KeyError)."""
    values = {
        key: date_text(value, lang)
        if key.endswith("At") or key.startswith(("label", "valid"))
        else value
        for key, value in facts.items()
    }
    values.setdefault("organisationName", "?")
    values["change"] = CHANGES[lang].get(facts.get("labelStatus", ""), CHANGES[lang][""])

    class Missing(dict[str, str]):
        def __missing__(self, key: str) -> str:
            return "?"

    return template.format_map(Missing(values))
