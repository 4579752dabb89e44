"""First contact: the app answers, signs in, and lists a school's pupils."""

import httpx

from tests.factories import PASSWORD, World


async def test_health_answers_without_a_token(client: httpx.AsyncClient) -> None:
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_password_grant_issues_a_token_that_lists_the_schools_pupils(
    client: httpx.AsyncClient, world: World
) -> None:
    response = await client.post(
        "/api/v1/auth/token",
        data={
            "grant_type": "password",
            "username": world.users["teacher"].email,
            "password": PASSWORD,
        },
    )
    assert response.status_code == 200, response.text
    token = response.json()["access_token"]
    listing = await client.get(
        "/api/v1/pupils",
        params={"school_id": str(world.school.id)},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert listing.status_code == 200, listing.text
    assert sorted(p["surname"] for p in listing.json()["items"]) == ["Khan", "Okafor"]
