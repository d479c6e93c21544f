"""The verification page in a real headless Chromium: a good, a revoked and a tampered badge."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx
import pytest

from b4g.core.infra.kafka import ensure_topics
from tests.e2e.test_services import start_service
from tests.integration.test_verifier_verify import badge, publish, sign
from tests.support.browser import SCREENSHOTS, chromium, require_chromium

pytestmark = pytest.mark.e2e


@pytest.fixture
async def verifier(stack, prefix):
    require_chromium()
    await ensure_topics(stack.bootstrap, prefix=prefix)
    url = await stack.new_database("page")
    proc, base = start_service("verifier", url, stack.bootstrap, prefix)
    yield base
    proc.kill()
    proc.wait()
    Path(proc.log_path).unlink(missing_ok=True)
    await stack.drop(url)


async def wait_verified(base: str, credential: dict, expected: bool) -> None:
    async with httpx.AsyncClient() as client, asyncio.timeout(20):
        while True:
            response = await client.post(
                f"{base}/credentials/verify", json={"verifiableCredential": credential}
            )
            if (response.status_code == 200) == expected:
                return
            await asyncio.sleep(0.1)


async def submit(page, base: str, credential: dict | str, shot: str) -> str:
    await page.goto(f"{base}/verify")
    await page.get_by_label("Paste a badge").fill(
        credential if isinstance(credential, str) else json.dumps(credential)
    )
    await page.get_by_role("button", name="Verify", exact=True).click()
    await page.wait_for_selector("[role=status]")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / f"{shot}.png"), full_page=True)
    return await page.inner_text("main")


async def test_page_shows_good_revoked_and_tampered_badges(verifier, stack, prefix):
    credential = sign(badge(11))
    await publish(stack.bootstrap, prefix, revoked=set(), version=1)
    await wait_verified(verifier, credential, True)
    async with chromium() as browser:
        page = await browser.new_page(viewport={"width": 390, "height": 844})  # a phone
        text = await submit(page, verifier, credential, "good")
        assert "This badge is genuine and valid." in text
        assert "Verified" in text and "Issuer One" in text
        assert "Signature: Passed." in text and "Revocation and suspension: Passed." in text

        tampered = {**credential, "validFrom": "2025-06-01T00:00:00Z"}
        text = await submit(page, verifier, tampered, "tampered")
        assert "This badge could not be verified." in text
        assert "Signature: Failed." in text

        await publish(stack.bootstrap, prefix, revoked={11}, version=2)
        await wait_verified(verifier, credential, False)
        text = await submit(page, verifier, credential, "revoked")
        assert "This badge has been revoked by its issuer." in text
        assert "Revocation and suspension: Failed." in text

        await page.goto(f"{verifier}/verify")
        await page.get_by_label("Paste a badge").fill("not a badge")
        await page.get_by_role("button", name="Verify", exact=True).click()
        assert "could not be verified" in await page.inner_text("main")
