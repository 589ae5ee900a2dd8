"""Issue 8, item 14: the Gent (9000) demo household was enrolled with the Antwerp fund, since
the demo gave every household the federation's first fund. The reference data now says which
provinces each regional fund serves, from the fund's name in the seeds (ORG-1), and the demo
enrols each household with the fund that serves its postal code."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from mutualis import demo
from shared.contracts import CommandOutcome
from shared.reference import Federation, load_federation, load_federations, province, province_of

TODAY = date(2026, 3, 2)


@pytest.mark.parametrize(
    "federation, postal_code, fund",
    [
        ("socialist", "9000", "bondmoyson-oost-vlaanderen"),  # Gent
        ("socialist", "2800", "devoorzorg-antwerpen"),  # Mechelen lies in Antwerp province
        ("socialist", "3500", "devoorzorg-limburg"),
        ("socialist", "8000", "bondmoyson-west-vlaanderen"),
        ("liberal", "9000", "lm-oost-vlaanderen"),
        ("liberal", "4000", "ml-liege-luxembourg"),
        ("liberal", "6600", "ml-liege-luxembourg"),  # Bastogne: Luxembourg, not Hainaut
        ("liberal", "6000", "ml-hainaut-namur"),  # Charleroi
        ("liberal", "5000", "ml-hainaut-namur"),
    ],
)
def test_issue8_14_org1_the_fund_that_serves_a_postal_code(federation, postal_code, fund):
    assert load_federation(federation).fund_serving(postal_code).id == fund


@pytest.mark.parametrize("postal_code", ["4000", "1000", "NL-1011", "99999", ""])
def test_issue8_14_org1_no_fund_where_the_seeds_name_none(postal_code):
    # The socialist seed lists Flemish funds only; the rest are no Belgian postal codes.
    assert load_federation("socialist").fund_serving(postal_code) is None


def test_issue8_14_org1_a_fund_serves_the_provinces_its_name_names_in_the_seeds():
    """Nothing invented: a served province is named in the fund's name as the seeds write it."""
    for federation in load_federations().values():
        for fund in federation.funds:
            for served in fund.serves:
                names = province(served).names
                assert any(name in fund.name for name in names), (fund.id, served)


def test_issue8_14_org1_one_fund_per_province_and_only_health_funds_serve_an_area():
    socialist = load_federation("socialist").model_dump()
    socialist["funds"][1]["serves"] = ["antwerp"]  # Limburg's fund claims Antwerp too
    with pytest.raises(ValidationError, match="repeated province served.*antwerp"):
        Federation.model_validate(socialist)
    liberal = load_federation("liberal").model_dump()
    liberal["funds"][-1]["serves"] = ["hainaut"]  # SMOB WALLOMUT, an insurer
    with pytest.raises(ValidationError, match="manages no dossiers"):
        Federation.model_validate(liberal)


def test_issue8_14_every_belgian_postal_code_lies_in_one_province():
    assert all(province_of(str(code)) is not None for code in range(1000, 10_000))
    assert province_of("0999") is None


@pytest.mark.parametrize(
    "federation, funds",
    [
        (
            "socialist",
            {
                "demo-peeters": ("9000", "bondmoyson-oost-vlaanderen"),
                "demo-dubois": ("9600", "bondmoyson-oost-vlaanderen"),
                "demo-janssens": ("2000", "devoorzorg-antwerpen"),
            },
        ),
        (
            "liberal",
            {
                "demo-peeters": ("9000", "lm-oost-vlaanderen"),
                "demo-dubois": ("4000", "ml-liege-luxembourg"),
                "demo-janssens": ("9100", "lm-oost-vlaanderen"),
            },
        ),
    ],
)
async def test_issue8_14_org1_each_demo_household_gets_the_fund_serving_its_postal_code(
    federation, funds
):
    sent = []

    async def send(command: str, payload: dict) -> CommandOutcome:
        if command in ("EnrolMember", "AddDependant"):
            sent.append(payload)
        return CommandOutcome(command_id="c", correlation_id="c", status="accepted")

    await demo.seed(send, load_federation(federation), TODAY)

    enrolled = {}
    for payload in sent:
        person = payload.get("holder") or payload["dependant"]
        place = (person["address"]["postal_code"], person["regional_fund"])
        enrolled.setdefault(payload["booklet_id"], set()).add(place)
    assert enrolled == {booklet: {place} for booklet, place in funds.items()}
