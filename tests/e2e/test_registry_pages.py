"""The registry's public pages in a real headless Chromium: the labelled organisations with the
label mark and validity, an organisation's page for an active, a suspended and a withdrawn
label, on a phone and on a desktop."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from b4g.core.infra.kafka import ensure_topics
from tests.e2e.test_services import start_service
from tests.integration.test_registry_public import key_of, organisation, staff_of, suspend, withdraw
from tests.support.browser import SCREENSHOTS, chromium, require_chromium

pytestmark = pytest.mark.e2e

LABEL = "Quality Label for badge recognition"


@pytest.fixture
async def registry(stack, prefix):
    require_chromium()
    await ensure_topics(stack.bootstrap, prefix=prefix)
    url = await stack.new_database("pages")
    proc, base = start_service("registry", url, stack.bootstrap, prefix)
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        client.b4g_database_url = url  # type: ignore[attr-defined]
        yield client
    proc.kill()
    proc.wait()
    Path(proc.log_path).unlink(missing_ok=True)
    await stack.drop(url)


async def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / f"registry-{name}.png"), full_page=True)


async def test_label_pages_in_a_browser(registry):
    client = registry
    base = str(client.base_url).rstrip("/")
    staff = await staff_of(client)
    held, _ = await organisation(client, staff, "Kaunas Youth Centre", "LT", key_of(21), label=True)
    paused, paused_grant = await organisation(
        client, staff, "Alytus Lab", "LT", key_of(22), label=True
    )
    gone, gone_grant = await organisation(
        client, staff, "Zarasai Hub", "LV", key_of(23), label=True
    )
    plain, _ = await organisation(client, staff, "Birzai Club", "LT", key_of(24), label=False)
    assert paused_grant and gone_grant
    await suspend(client, staff, paused_grant)
    await withdraw(client, staff, gone_grant)

    async with chromium() as browser:
        for device, viewport in (
            ("phone", {"width": 390, "height": 844}),
            ("desktop", {"width": 1280, "height": 900}),
        ):
            page = await browser.new_page(viewport=viewport)
            requests: list[str] = []
            page.on("request", lambda request, seen=requests: seen.append(request.url))

            await page.goto(f"{base}/labels")
            assert await page.get_attribute("html", "lang") == "en"
            assert await page.locator("main").count() == 1
            assert await page.locator("header").count() == 1
            assert await page.locator("footer").count() == 1
            heading = await page.get_by_role("heading", level=1).inner_text()
            assert LABEL in heading
            listing = page.get_by_role("list", name="Labelled organisations")
            names = await listing.get_by_role("link").all_inner_texts()
            assert names == ["Kaunas Youth Centre"]  # only a label held now is listed
            marks = listing.get_by_role("img", name=f"{LABEL} mark")
            assert await marks.count() == 1
            assert "valid until" in await listing.inner_text()
            # Readable on a phone: nothing wider than the screen.
            width = await page.evaluate("document.documentElement.scrollWidth")
            assert width <= viewport["width"]
            await shot(page, f"labels-{device}")

            await listing.get_by_role("link", name="Kaunas Youth Centre").click()
            await page.wait_for_url(f"**/organisations/{held}/page")
            main = await page.inner_text("main")
            assert f"Holds the {LABEL}" in main and "Valid from" in main and "until" in main
            assert await page.get_by_role("img", name=f"{LABEL} mark").count() == 1
            assert "secret-contact" not in await page.content()
            assert await page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
            await shot(page, f"held-{device}")

            await page.goto(f"{base}/organisations/{paused}/page")
            main = await page.inner_text("main")
            assert f"The {LABEL} is suspended" in main
            assert await page.get_by_role("img", name=f"{LABEL} mark").count() == 0
            await shot(page, f"suspended-{device}")

            await page.goto(f"{base}/organisations/{gone}/page")
            main = await page.inner_text("main")
            assert f"The {LABEL} was withdrawn" in main
            assert await page.get_by_role("img", name=f"{LABEL} mark").count() == 0
            assert "Label history" in main

            await page.goto(f"{base}/organisations/{plain}/page")
            assert f"Does not hold the {LABEL}" in await page.inner_text("main")

            await page.goto(f"{base}/labels?country=LV")
            assert "No organisation holds the label in LV" in await page.inner_text("main")

            missing = await page.goto(f"{base}/organisations/{paused[:-4]}ffff/page")
            assert missing is not None and missing.status == 404
            assert "Organisation not found" in await page.inner_text("h1")

            # No external assets: every request went to the registry itself.
            assert requests and all(url.startswith(base) for url in requests)
            await page.close()
