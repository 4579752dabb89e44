"""Percentile models: expected progress is what similar learners made, from reference cells."""

import statistics
import uuid
from typing import Any

import httpx
import pytest

from api.runtime import Runtime
from domain.analytics import progress_model_service as progress_models
from domain.analytics.progress import ModelKind
from tests.api.progress_support import SYSTEM, Tracker

LAST_YEAR_GAINS = [0, 1, 1, 2, 2, 2, 3, 3, 4, 6]  # median 2 steps in 298 days


@pytest.fixture
async def percentile_school(runtime: Runtime) -> tuple[Tracker, uuid.UUID]:
    tracker = await Tracker.build(runtime)
    [model] = await progress_models.list_models(runtime.system_uow(), SYSTEM, tracker.framework.id)
    revised = await progress_models.revise_model(
        runtime.system_uow(),
        SYSTEM,
        model.id,
        progress_models.ModelSpec(
            "Similar learners",
            kind=ModelKind.PERCENTILE,
            start_band_width=5,
            age_band_years=30,
            min_peers=5,
        ),
    )
    for gain in LAST_YEAR_GAINS:
        await tracker.progress(await tracker.pupil(), "ENG", "2022/23", gain)
    return tracker, revised.id


async def test_rebuilding_stores_the_quartiles_of_last_years_annual_gains_as_a_new_version(
    client: httpx.AsyncClient, runtime: Runtime, percentile_school: tuple[Tracker, uuid.UUID]
) -> None:
    tracker, model_id = percentile_school
    headers = await tracker.headers()
    response = await client.post(
        f"/api/v1/progress-models/{model_id}/reference",
        json={"academic_years": ["2022/23"]},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["model"]["label"], body["cells"]) == ("Similar learners v3", 1)
    cells = (
        await client.get(
            f"/api/v1/progress-models/{body['model']['id']}/reference", headers=headers
        )
    ).json()
    per_year = [g * 365.25 / 298 for g in LAST_YEAR_GAINS]
    [cell] = cells
    assert (cell["strand_id"], cell["start_band"], cell["learners"]) == (
        str(tracker.strand("ENG")),
        0,
        10,
    )
    assert cell["p50"] == pytest.approx(statistics.median(per_year), abs=1e-3)
    assert cell["p25"] == pytest.approx(
        statistics.quantiles(per_year, n=4, method="inclusive")[0], abs=1e-3
    )


async def test_this_years_pupils_are_banded_against_the_median_of_similar_learners(
    client: httpx.AsyncClient, runtime: Runtime, percentile_school: tuple[Tracker, uuid.UUID]
) -> None:
    tracker, model_id = percentile_school
    headers = await tracker.headers()
    rebuilt = await client.post(
        f"/api/v1/progress-models/{model_id}/reference",
        json={"academic_years": ["2022/23"]},
        headers=headers,
    )
    assert rebuilt.status_code == 201
    pupils = {gain: await tracker.pupil() for gain in (1, 2, 3, 4)}
    for gain, pupil in pupils.items():
        await tracker.progress(pupil, "ENG", "2023/24", gain)
    bands: dict[int, Any] = {}
    for gain, pupil in pupils.items():
        body = (
            await client.get(
                f"/api/v1/pupils/{pupil.id}/progress",
                params={"academic_year": "2023/24", "module": 6},
                headers=headers,
            )
        ).json()
        [strand] = body["strands"]
        assert strand["model"] == "Similar learners v3"
        assert strand["expected_gain"] == pytest.approx(2 * 365.25 / 298 * 299 / 365.25, abs=1e-3)
        bands[gain] = strand["band"]
    # expected ~2.007: 2 steps is just under 1.0x, 3 steps 1.49x, 4 steps 1.99x
    assert bands == {1: "below_expected", 2: "below_expected", 3: "expected", 4: "above_expected"}


async def test_only_percentile_models_can_be_rebuilt(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    tracker = await Tracker.build(runtime)
    [model] = await progress_models.list_models(runtime.system_uow(), SYSTEM, tracker.framework.id)
    response = await client.post(
        f"/api/v1/progress-models/{model.id}/reference",
        json={},
        headers=await tracker.headers(),
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "model_id"
