"""The verification page in a real headless Chromium: one headline per verdict (genuine and
trusted), in English and Lithuanian, with a screenshot of each."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx
import pytest

from b4g.core.crypto.keys import Ed25519KeyPair
from b4g.core.infra.kafka import ensure_topics
from b4g.core.jsonld.canon import rdf_canonizer
from b4g.core.jsonld.documents import ContextStore
from b4g.core.models.ob3 import email_identity, to_document
from b4g.core.proofs.data_integrity import add_proof, create_proof
from tests.e2e.test_services import start_service
from tests.integration.test_verifier_verify import (
    badge,
    publish,
    publish_trust,
    publish_witness,
    sign,
)
from tests.support.browser import SCREENSHOTS, chromium, require_chromium

pytestmark = pytest.mark.e2e

REGISTRY = "https://registry.badges4good.example"
OUTSIDER = Ed25519KeyPair.from_seed(bytes(range(40, 72)))
OUTSIDER_DID = f"did:key:{OUTSIDER.public_multibase}"
TRUST = {
    "did": "did:web:issuer.example%3A8001:issuers:i1",
    "organisation_id": "7d5c1e2a-0b7f-4f0e-9a55-3c1b2a4d6e8f",
    "organisation_name": "Kaunas Youth Centre",
    "registry_status": "active",
    "did_proven": True,
    "label_status": "active",
    "label_valid_until": "2029-01-01T00:00:00Z",
    "sequence": 1,
    "label_history": [{"status": "active", "start": "2025-01-01T00:00:00Z"}],
}
WITHDRAWN = {
    **TRUST,
    "label_status": "withdrawn",
    "sequence": 2,
    "label_history": [
        {"status": "active", "start": "2025-01-01T00:00:00Z", "end": "2026-02-01T00:00:00Z"}
    ],
}


@pytest.fixture
async def verifier(stack, prefix):
    require_chromium()
    await ensure_topics(stack.bootstrap, prefix=prefix)
    url = await stack.new_database("page")
    proc, base = start_service(
        "verifier", url, stack.bootstrap, prefix, extra_env={"B4G_REGISTRY_PUBLIC_URL": REGISTRY}
    )
    yield base
    proc.kill()
    proc.wait()
    Path(proc.log_path).unlink(missing_ok=True)
    await stack.drop(url)


async def wait_for(base: str, credential: dict, predicate) -> dict:
    async with httpx.AsyncClient() as client, asyncio.timeout(20):
        while True:
            response = await client.post(
                f"{base}/credentials/verify", json={"verifiableCredential": credential}
            )
            if response.status_code in (200, 422) and predicate(response.json()):
                return response.json()
            await asyncio.sleep(0.1)


async def submit(
    page, base: str, credential: dict | str, shot: str, email: str = "", lang: str = "en"
) -> str:
    await page.goto(f"{base}/verify?lang={lang}")
    await page.locator("#credential").fill(
        credential if isinstance(credential, str) else json.dumps(credential)
    )
    if email:
        await page.locator("#email").fill(email)
    await page.locator("form[action='/verify'] button[type=submit]").first.click()
    await page.wait_for_selector("[role=status]")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / f"verify-{shot}-{lang}.png"), full_page=True)
    return await page.inner_text("main")


async def headline(page) -> str:
    return (await page.inner_text("[role=status]")).strip()


def outsider_badge() -> dict:
    """A genuine badge by a did:key the registry has never heard of."""
    document = {**badge(30), "issuer": {"id": OUTSIDER_DID, "type": ["Profile"], "name": "Out"}}
    document.pop("credentialStatus")
    document["credentialSubject"] = {
        **document["credentialSubject"],
        "identifier": [to_document(email_identity("learner@example.org", salt="pepper"))],
    }
    proof = create_proof(
        document,
        key=OUTSIDER,
        verification_method=f"{OUTSIDER_DID}#{OUTSIDER.public_multibase}",
        created="2026-01-01T00:00:00Z",
        rdf=rdf_canonizer(ContextStore()),
    )
    return add_proof(document, proof)


async def test_each_headline_in_english_and_lithuanian(verifier, stack, prefix):
    labelled = sign(badge(11))  # dated 2026-01-01
    witnessed = sign(badge(12))
    await publish(stack.bootstrap, prefix, revoked=set(), version=1)
    await publish_trust(stack.bootstrap, prefix, TRUST)
    await publish_witness(stack.bootstrap, prefix, witnessed["id"], "2026-01-03T10:00:00Z")
    await wait_for(verifier, labelled, lambda b: b["standing"] == "qualityLabel")
    async with chromium() as browser:
        page = await browser.new_page(viewport={"width": 390, "height": 844})  # a phone
        text = await submit(page, verifier, labelled, "label")
        assert await headline(page) == "Genuine badge from a Quality Label holder"
        assert "Signature: Passed." in text and "Quality Label now: Yes." in text
        link = page.get_by_role("link", name="Kaunas Youth Centre in the Badges4Good registry")
        assert await link.get_attribute("href") == (
            f"{REGISTRY}/organisations/{TRUST['organisation_id']}/page"
        )
        # Codes and cryptosuites only inside the folded technical details.
        assert "eddsa-rdfc-2022" not in text.split("Technical details")[0]
        assert not await page.locator("details .tech").first.is_visible()
        await submit(page, verifier, labelled, "label", lang="lt")
        assert await headline(page) == "Tikras ženklelis, išduotas Kokybės ženklo turėtojo"
        assert await page.get_attribute("html", "lang") == "lt"

        # The label is withdrawn on 2026-02-01.
        await publish_trust(stack.bootstrap, prefix, WITHDRAWN)
        await wait_for(verifier, witnessed, lambda b: b["standing"] == "qualityLabelAtIssuance")
        text = await submit(page, verifier, witnessed, "label-at-issuance")
        assert await headline(page) == (
            "Genuine badge; its issuer held the Quality Label when it issued it, but the label "
            "was withdrawn on 1 February 2026"
        )
        assert "Quality Label now: No." in text and "✓ Passed" not in text
        await submit(page, verifier, witnessed, "label-at-issuance", lang="lt")
        assert "2026-02-01 ženklas atšauktas" in await headline(page)

        # Dated before the withdrawal, never witnessed: the issuer's claim is not enough.
        text = await submit(page, verifier, labelled, "not-witnessed")
        assert await headline(page) == (
            "Genuine badge; its issuer dates it 1 January 2026, before its Quality Label was "
            "withdrawn on 1 February 2026, but the registry has no record of its issuance"
        )
        assert "Quality Label when the badge was issued: Unknown." in text
        await submit(page, verifier, labelled, "not-witnessed", lang="lt")
        assert "registras neturi įrašo" in await headline(page)

        # An issuer the registry does not know; the recipient-email check.
        outsider = outsider_badge()
        text = await submit(page, verifier, outsider, "not-registered", "learner@example.org")
        assert await headline(page) == (
            "Genuine badge; its issuer is not in the Badges4Good registry"
        )
        assert "The badge was issued to learner@example.org." in text
        text = await submit(
            page, verifier, outsider, "not-registered", "someone@example.org", lang="lt"
        )
        assert await headline(page) == "Tikras ženklelis; jo išdavėjo nėra Badges4Good registre"
        assert "Ženklelis išduotas ne adresu someone@example.org." in text

        # A forged badge: its claims are not the headline, and are folded away.
        tampered = {**labelled, "validFrom": "2025-06-01T00:00:00Z"}
        text = await submit(page, verifier, tampered, "forged")
        assert await headline(page) == "This badge could not be verified."
        assert "Signature: Failed." in text
        assert not await page.get_by_role("heading", name="Verified").is_visible()
        assert not await page.get_by_text("Kaunas Youth Centre is a registered").is_visible()
        await submit(page, verifier, tampered, "forged", lang="lt")
        assert await headline(page) == "Šio ženklelio patvirtinti nepavyko."

        await publish(stack.bootstrap, prefix, revoked={11}, version=2)
        await wait_for(verifier, labelled, lambda b: not b["genuine"])
        text = await submit(page, verifier, labelled, "revoked")
        assert await headline(page) == "This badge has been revoked by its issuer."
        assert "Revocation and suspension: Failed." in text
        await submit(page, verifier, labelled, "revoked", lang="lt")
        assert await headline(page) == "Išdavėjas šį ženklelį atšaukė."

        text = await submit(page, verifier, "not a badge", "not-a-badge")
        assert "could not be verified" in text


async def test_the_language_follows_accept_language_and_the_switch(verifier):
    async with chromium() as browser:
        context = await browser.new_context(locale="lt-LT")
        page = await context.new_page()
        await page.goto(f"{verifier}/verify")
        assert await page.get_attribute("html", "lang") == "lt"
        assert await page.get_by_label("Įklijuokite ženklelį").is_visible()
        await page.get_by_role("link", name="English").click()
        assert await page.get_attribute("html", "lang") == "en"
        await page.goto(f"{verifier}/verify")  # the switch is remembered
        assert await page.get_by_label("Paste a badge").is_visible()
        await context.close()
