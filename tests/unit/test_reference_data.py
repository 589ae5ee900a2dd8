"""ORG-1 / ORG-2: the federations and regional funds shipped as reference data (seeds 000-002)."""

from __future__ import annotations

import fnmatch
import os
import re
import tomllib
from importlib import resources
from pathlib import Path

import email_validator
import phonenumbers
import pytest
import yaml
from pydantic import ValidationError

from shared.reference import (
    Contact,
    EMutPolicy,
    Federation,
    MyLMPolicy,
    RegionalFund,
    federation_ids,
    load_federation,
    load_federations,
)

REPO = Path(__file__).resolve().parents[2]
SEEDS = Path(os.environ.get("MUTUALIS_SEEDS_DIR", REPO.parent / "shared" / "seeds"))
FEDERATIONS = ("liberal", "socialist")


def all_funds() -> list[RegionalFund]:
    return [fund for federation in load_federations().values() for fund in federation.funds]


def all_contacts() -> list[Contact]:
    contacts = []
    for federation in load_federations().values():
        contacts.append(federation.headquarters)
        contacts.extend([federation.dpo] if federation.dpo else [])
        for fund in federation.funds:
            contacts.extend(fund.contacts)
            contacts.extend([fund.dpo] if fund.dpo else [])
    return contacts


def raw_values(node, key: str) -> list[str]:
    """Every value under `key` anywhere in the parsed YAML, as written in the file."""
    if isinstance(node, dict):
        found = [node[key]] if isinstance(node.get(key), str) else []
        return found + [v for child in node.values() for v in raw_values(child, key)]
    if isinstance(node, list):
        return [v for child in node for v in raw_values(child, key)]
    return []


def raw(federation_id: str):
    path = resources.files("shared.reference") / "federations" / f"{federation_id}.yaml"
    return yaml.safe_load(path.read_text("utf-8"))


def seed_lines(number: str) -> list[str]:
    # The source documents stand beside the repository (../shared/seeds), in CI too.
    assert SEEDS.is_dir(), f"seed documents not found in {SEEDS}; set MUTUALIS_SEEDS_DIR"
    (path,) = SEEDS.glob(f"{number}_*.txt")
    return path.read_text("utf-8").splitlines()


def seed_text() -> str:
    return "\n".join("\n".join(seed_lines(n)) for n in ("000", "001", "002"))


# ORG-1 ------------------------------------------------------------------------------------


def test_org1_both_federations_are_shipped():
    assert federation_ids() == FEDERATIONS
    socialist, liberal = load_federation("socialist"), load_federation("liberal")
    assert socialist.name == "Nationaal Verbond van Socialistische Mutualiteiten"
    assert socialist.portal_name == "e-Mut"
    assert liberal.name == "Landsbond van Liberale Mutualiteiten"
    assert liberal.portal_name == "My LM"


def test_org1_the_socialist_regional_emut_desks_of_seed_000():
    socialist = load_federation("socialist")
    assert [fund.name for fund in socialist.funds] == [
        "De VoorZorg Antwerpen",
        "De Voorzorg Limburg",
        "Bond Moyson Oost-Vlaanderen",
        "Bond Moyson West-Vlaanderen",
    ]
    desk = socialist.fund("bondmoyson-west-vlaanderen").contact
    assert str(desk.address) == "Zilverstraat 43, 8000 Brugge"
    assert (desk.phone, desk.email) == ("050 44 58 61", "emut.wvl@bondmoyson.be")


def test_org1_the_liberal_funds_of_seeds_001_and_002():
    liberal = load_federation("liberal")
    assert [fund.name for fund in liberal.health_funds] == [
        "LM Plus",
        "LM Oost-Vlaanderen",
        "LM MUTPLUS.be",
        "ML Hainaut-Namur",
        "ML Liège-Luxembourg",
    ]
    assert [fund.name for fund in liberal.funds if not fund.manages_dossiers] == [
        "MOB Zorgkas van de Liberale Mutualiteiten",
        "VMOB Hospitaal-Plus",
        "SMOB BRUMUT",
        "SMOB WALLOMUT",
    ]
    hainaut = liberal.fund("ml-hainaut-namur")
    assert [c.address.city for c in hainaut.contacts] == ["La Louvière", "Namur"]
    assert hainaut.dpo.email == "privacy.409@ml.be"
    assert liberal.dpo.email == "dpo.lm@lm.be"


@pytest.mark.parametrize("fund", all_funds(), ids=lambda fund: fund.id)
def test_org1_every_regional_fund_has_contact_data(fund: RegionalFund):
    for contact in fund.contacts:
        assert contact.address is not None
        assert contact.phone is not None
    emails = [c.email for c in (*fund.contacts, fund.dpo) if c is not None and c.email]
    assert emails, f"{fund.id} cannot be reached by e-mail"
    # The DPO: by e-mail (seed 002 section 4) or by post at the desk (seed 000 art 8).
    assert fund.dpo is not None
    assert fund.dpo.email or fund.dpo.address


def test_org1_every_fund_id_is_unique():
    ids = [fund.id for fund in all_funds()]
    assert len(ids) == len(set(ids)) == 13


def test_org1_a_federation_with_a_repeated_fund_id_is_refused():
    data = raw("liberal")
    data["funds"].append(data["funds"][0])
    with pytest.raises(ValidationError, match="repeated fund id"):
        Federation.model_validate(data)


def test_org1_unknown_fund_gives_a_clear_error():
    with pytest.raises(LookupError, match="no regional fund 'x' in federation 'liberal'"):
        load_federation("liberal").fund("x")
    # A fund of the other federation is not one of this federation's.
    with pytest.raises(LookupError, match="in federation 'socialist'"):
        load_federation("socialist").fund("lm-plus")


@pytest.mark.parametrize("federation_id", ["christian", "../reference/federations/liberal", ""])
def test_org1_unknown_federation_gives_a_clear_error(federation_id):
    with pytest.raises(LookupError, match=r"no federation .* \(shipped: liberal, socialist\)"):
        load_federation(federation_id)


@pytest.mark.parametrize("federation_id", FEDERATIONS)
def test_org1_email_addresses_are_valid(federation_id):
    emails = raw_values(raw(federation_id), "email")
    assert emails
    for email in emails:
        email_validator.validate_email(email, check_deliverability=False)


@pytest.mark.parametrize("federation_id", FEDERATIONS)
def test_org1_phone_numbers_look_belgian(federation_id):
    data = raw(federation_id)
    numbers = raw_values(data, "phone") + raw_values(data, "fax")
    assert numbers
    for number in numbers:
        parsed = phonenumbers.parse(number, "BE")
        assert phonenumbers.is_valid_number(parsed), number
        assert phonenumbers.region_code_for_number(parsed) == "BE", number


def test_org1_phone_numbers_convert_to_international_notation():
    assert load_federation("liberal").fund("lm-plus").contact.phone_e164 == "+3224171717"
    assert load_federation("liberal").fund("ml-liege-luxembourg").contact.phone == "0800 14 448"


@pytest.mark.parametrize("bad", ["+32 2 417 17 17", "02 417 17", "12 417 17 17", "02-417-17-17"])
def test_org1_malformed_phone_is_refused(bad):
    with pytest.raises(ValidationError, match="Belgian phone"):
        Contact(phone=bad)


def test_org1_malformed_email_and_empty_contact_are_refused():
    with pytest.raises(ValidationError):
        Contact(email="info@@lm.be")
    with pytest.raises(ValidationError, match="at least an address"):
        Contact(label="nothing")


def test_org1_contact_data_comes_from_the_seeds():
    """Nothing invented: every e-mail, phone, place and website occurs in seeds 000-002."""
    text = seed_text()
    for federation_id in FEDERATIONS:
        data = raw(federation_id)
        for email in raw_values(data, "email"):
            assert email in text, email
        for number in raw_values(data, "phone") + raw_values(data, "fax"):
            spaced = r"\s*".join(number.replace(" ", ""))
            assert re.search(rf"(?<!\d){spaced}(?!\d)", text), number
        for website in raw_values(data, "website"):
            assert website in text, website
    for contact in all_contacts():
        if contact.address:
            assert f"{contact.address.postal_code} {contact.address.city}" in text


def test_org1_every_fund_names_its_seed_lines():
    """Each fund's `sources` point at lines of the seeds that name it."""
    for fund in all_funds():
        names = (fund.name, *fund.aliases)
        quoted = []
        for source in fund.sources:
            number, _, lines = source.partition(":")
            first, _, last = lines.partition("-")
            quoted += seed_lines(number)[int(first) - 1 : int(last or first)]
        assert any(name in line for line in quoted for name in names), fund.id


def test_org1_reference_data_is_read_from_the_package():
    """Shipped as package data (importlib.resources), not read from the source tree."""
    folder = resources.files("shared.reference") / "federations"
    assert {f"{federation_id}.yaml" for federation_id in FEDERATIONS} <= {
        entry.name for entry in folder.iterdir()
    }
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))
    package_data = pyproject["tool"]["setuptools"]["package-data"]
    patterns = package_data.get("*", []) + package_data.get("shared.reference", [])
    assert any(fnmatch.fnmatch("federations/liberal.yaml", p) for p in patterns), patterns


def test_org1_reference_data_is_loaded_once_and_immutable():
    liberal = load_federation("liberal")
    assert load_federation("liberal") is liberal
    with pytest.raises(ValidationError):
        liberal.fund("lm-plus").name = "LM Min"


# ORG-2 ------------------------------------------------------------------------------------


def test_org2_access_policy_is_configuration():
    """ID-7: the two federations load different policies, with the ages of seeds 000/001."""
    emut = load_federation("socialist").access_policy
    mylm = load_federation("liberal").access_policy
    assert emut == EMutPolicy(
        child_access_until_age=16,
        mandate_from_age=16,
        child_may_block=True,
        child_block_window_months=1,
    )
    assert mylm == MyLMPolicy(
        dependant_access_until_age=18,
        minor_may_revoke=True,
        adult_requires_explicit_grant=True,
    )


def test_org2_policy_kind_selects_the_model():
    data = raw("socialist")
    data["access_policy"] = {
        "kind": "mylm",
        "dependant_access_until_age": 16,
        "minor_may_revoke": False,
        "adult_requires_explicit_grant": True,
    }
    assert isinstance(Federation.model_validate(data).access_policy, MyLMPolicy)
    data["access_policy"] = {"kind": "christian"}
    with pytest.raises(ValidationError):
        Federation.model_validate(data)


def test_org2_emut_policy_leaves_no_age_without_a_rule():
    with pytest.raises(ValidationError, match="mandate_from_age"):
        EMutPolicy(
            child_access_until_age=14,
            mandate_from_age=16,
            child_may_block=True,
            child_block_window_months=1,
        )


@pytest.mark.parametrize("federation_id", FEDERATIONS)
def test_org2_supported_languages(federation_id):
    expected = {"socialist": ("nl",), "liberal": ("nl", "fr")}[federation_id]
    assert load_federation(federation_id).languages == expected
