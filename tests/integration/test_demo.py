"""Demo data (issue 3, item 8): households the dossier accepts, whose children stand on both
sides of each policy's age boundary, so identity grants the holders what the policy says."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from mutualis import demo
from services.dossier.app import definition as dossier_service
from services.identity.app import definition as identity_service
from services.identity.domain.person_access import age_on
from shared.access.read_model import grants
from shared.reference import load_federation
from tests.support.dossier import person_id_in
from tests.support.services import running
from tests.support.waiting import eventually


@pytest.mark.parametrize("federation, limit", [("socialist", 16), ("liberal", 18)])
async def test_id7_demo_households_straddle_the_age_boundary_of_the_policy(
    federation, limit, database_url, kafka, signer, tmp_path, monkeypatch
):
    monkeypatch.setenv("MUTUALIS_FEDERATION", federation)
    today = date.today()
    identity_db = f"sqlite+aiosqlite:///{tmp_path / 'identity.sqlite'}"
    async with (
        running(dossier_service, database_url, kafka) as files,
        running(identity_service, identity_db, kafka) as identity,
    ):
        await signer.known_by(files)

        async def send(command: str, payload: dict):
            return await signer.send("dossier", command, payload, "member_services")

        outcomes = await demo.seed(send, load_federation(federation), today)
        again = await demo.seed(send, load_federation(federation), today)

        dependants = [p for h in demo.households(today) for p in h if p.role == "dependant"]
        # Grants name persons by the ids the dossier gave them.
        minors = {
            await person_id_in(files, p.national_register_number)
            for p in dependants
            if age_on(p.birth_date, today) < limit
        }

        async def granted():
            async with identity.database.read() as conn:
                found = set(await conn.scalars(select(grants.c.person)))
            return found if found == minors else None

        assert await eventually(granted)
    ages = sorted(age_on(p.birth_date, today) for p in dependants)
    assert {limit - 1, limit} <= set(ages), "children on both sides of the boundary"
    assert [o.status for o in outcomes] == ["accepted"] * len(outcomes)
    assert {o.status for o in again} == {"rejected"}, "seeding twice changes nothing"
