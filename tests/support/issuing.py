"""Set-up shared by the end-to-end outage tests: a platform with a key, and an issuer profile
with one achievement, made through the operator command and the API as a platform would."""

from __future__ import annotations

import httpx

from tests.e2e.test_services import issuer_cli


def platform_auth(database_url: str, name: str) -> dict[str, str]:
    """A new platform on the issuer database and the auth header of a key with every scope."""
    platform = issuer_cli(database_url, "create-platform", name)["platformId"]
    token = issuer_cli(database_url, "create-key", "--platform", platform)["token"]
    return {"Authorization": f"Bearer {token}"}


async def issuer_with_achievement(client: httpx.AsyncClient, name: str) -> tuple[str, str]:
    """A new issuer profile called `name` and an achievement of it: their ids."""
    slug = name.lower().replace(" ", "-")
    created = await client.post("/issuers", json={"name": name, "url": f"https://{slug}.example"})
    assert created.status_code == 201, created.text
    issuer_id: str = created.json()["id"]
    achievement = await client.post(
        f"/issuers/{issuer_id}/achievements",
        json={
            "name": f"{name} badge",
            "description": "Issued while something failed on purpose.",
            "criteria": {"narrative": "Kept issuing through the failure."},
        },
    )
    assert achievement.status_code == 201, achievement.text
    achievement_id: str = achievement.json()["id"]
    return issuer_id, achievement_id
