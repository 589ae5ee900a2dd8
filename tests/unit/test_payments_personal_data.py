"""DOS-12: the payments' part of a person's copy, shaped from what payments holds of them —
their reimbursed care with where its money stands, MAF refunds, benefits month by month, the
payments into their account and their household's maximum bill — and what it never holds:
another person's care, even when it was paid into their account. After an erasure it is what
the law keeps: the care "erased", the accounts "restricted" until their retention ends, in the
part as in the bank files the fund keeps (PAY-6)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal as D

from services.payments import sepa
from services.payments.domain.benefit import benefit_of_item, period_item
from services.payments.domain.household_year import HouseholdYear, refund_id, year_of_refund
from services.payments.domain.maf import Ceiling
from services.payments.domain.personal_data import (
    Held,
    Owed,
    benefit_ids,
    kept_restricted,
    maf_years,
    part,
)
from shared.contracts.payments import (
    BenefitPeriodDue,
    CareItem,
    IncapacityBenefitDecided,
    PaidItem,
    PaymentMade,
    PaymentsPersonalDataShredded,
    ProviderPaid,
    Reimbursement,
)
from shared.privacy.marking import ERASED
from tests.unit.test_payments_sepa import a_file, a_transfer

ELS, LOTTE = "p-els", "p-lotte"  # Lotte is on Els's booklet, without an account of her own
BOOKLET = "b-peeters"
CARE_DAY = date(2026, 3, 2)
RUN_DAY = date(2026, 3, 5)
GP = ("10005549004", "Dr. An Wouters")
DENTIST = ("30005563001", "Tandarts Bart Claes")


def reimbursed(
    cid: str, person: str = ELS, provider=GP, code="101076", amount="29.73", **more
) -> Reimbursement:
    riziv, name = provider
    values = {
        "certificate_id": cid,
        "person_id": person,
        "booklet_id": BOOKLET,
        "care": CareItem(
            person_id=person,
            care_date=CARE_DAY,
            provider_riziv_number=riziv,
            provider_name=name,
            code=code,
            description="Raadpleging huisarts",
        ),
        "fee_asked": D("33.73"),
        "supplement": D("0.00"),
        "legal_fee": D("33.73"),
        "reimbursed": D(amount),
        "co_payment": D("33.73") - D(amount),
        "increased_reimbursement": False,
        "gmd": True,
        "paid_to": "member",
    }
    return Reimbursement(**values | more)


def owed(item_id: str, kind: str = "reimbursement", amount="29.73", **more) -> Owed:
    values = {
        "item_id": item_id,
        "kind": kind,
        "booklet_id": BOOKLET,
        "amount": D(amount),
        "due_on": CARE_DAY,
        "status": "paid",
        "payment_id": "pay-1",
    }
    return Owed(**values | more)


def paid_item(cid: str, person: str = ELS, amount="29.73") -> PaidItem:
    return PaidItem(
        item_id=f"reimbursement:{cid}",
        kind="reimbursement",
        person_id=person,
        amount=D(amount),
        certificate_id=cid,
        care_date=CARE_DAY,
    )


def payment_to_els(*items: PaidItem) -> PaymentMade:
    return PaymentMade(
        payment_id="pay-1",
        run_id=RUN_DAY.isoformat(),
        person_id=ELS,
        amount=sum((i.amount for i in items), D("0.00")),
        items=list(items),
        value_date=RUN_DAY,
        iban="BE68539007547034",
        account_holder="Els Peeters",
    )


def els_and_lotte_at_the_doctor() -> tuple[Held, Held]:
    """Els's GP visit and Lotte's dentist visit, both paid into Els's account."""
    els_visit, lottes_visit = reimbursed("c-1"), reimbursed("c-2", LOTTE, DENTIST, "371615")
    payment = payment_to_els(paid_item("c-1"), paid_item("c-2", LOTTE))
    els = Held(
        person_id=ELS,
        reimbursed=[els_visit],
        owed=[owed("reimbursement:c-1")],
        payments={"pay-1": payment},
    )
    lotte = Held(
        person_id=LOTTE,
        reimbursed=[lottes_visit],
        owed=[owed("reimbursement:c-2")],
        payments={"pay-1": payment},
    )
    return els, lotte


def test_dos12_the_payments_part_is_the_care_reimbursed_and_the_payment_into_their_account():
    els, _ = els_and_lotte_at_the_doctor()

    shown = part(els)

    assert shown["reimbursements"] == [
        {
            "certificate_id": "c-1",
            "care_date": "2026-03-02",
            "provider_riziv_number": GP[0],
            "provider_name": GP[1],
            "code": "101076",
            "description": "Raadpleging huisarts",
            "fee_asked": "33.73",
            "supplement": "0.00",
            "legal_fee": "33.73",
            "reimbursed": "29.73",
            "co_payment": "4.00",
            "increased_reimbursement": False,
            "gmd": True,
            "paid_to": "member",
            "status": "paid",
            "payment_id": "pay-1",
            "paid_into": ELS,
            "value_date": "2026-03-05",
        }
    ]
    [payment] = shown["payments"]
    assert {k: v for k, v in payment.items() if k != "items"} == {
        "payment_id": "pay-1",
        "value_date": "2026-03-05",
        "amount": "59.46",
        "iban": "BE68539007547034",
        "account_holder": "Els Peeters",
    }
    assert (shown["maf_refunds"], shown["benefits"], shown["maximum_bill"]) == ([], [], [])
    assert json.loads(json.dumps(shown)) == shown  # JSON, as it is sealed


def test_dos12_anothers_care_paid_into_the_persons_account_shows_only_whose_and_how_much():
    els, lotte = els_and_lotte_at_the_doctor()

    holders, childs = part(els), part(lotte)

    # Els's payment names Lotte's item by her id, its amount and day; not what the care was.
    assert [(i["person_id"], i["amount"]) for i in holders["payments"][0]["items"]] == [
        (ELS, "29.73"),
        (LOTTE, "29.73"),
    ]
    for lottes in (DENTIST[1], DENTIST[0], "371615"):
        assert lottes not in json.dumps(holders)
    # Lotte's part has her care, paid into her mother's account; the payment is not hers.
    [care] = childs["reimbursements"]
    assert (care["provider_name"], care["status"], care["paid_into"]) == (DENTIST[1], "paid", ELS)
    assert childs["payments"] == []
    assert "BE68539007547034" not in json.dumps(childs)


def test_dos12_care_with_nothing_to_pay_and_care_paid_to_the_provider_say_so():
    nothing = reimbursed("c-1", amount="0.00")
    third_party = reimbursed("c-2", paid_to="provider", provider_iban="BE71096123456769")
    to_provider = ProviderPaid(
        payment_id="pay-p",
        run_id=RUN_DAY.isoformat(),
        provider_riziv_number=GP[0],
        provider_name=GP[1],
        iban="BE71096123456769",
        amount=D("29.73"),
        items=[paid_item("c-2")],
        value_date=RUN_DAY,
    )
    held = Held(
        person_id=ELS,
        reimbursed=[third_party, nothing],
        owed=[owed("reimbursement:c-2", payment_id="pay-p")],
        payments={"pay-p": to_provider},
    )

    shown = part(held)

    assert [
        (r["certificate_id"], r["status"], r["paid_into"]) for r in shown["reimbursements"]
    ] == [
        ("c-1", "nothing_due", None),
        ("c-2", "paid", "provider"),
    ]
    assert shown["payments"] == []  # none into her account
    assert "BE71096123456769" not in json.dumps(shown)


def test_dos12_maf_refunds_benefit_months_and_the_households_maximum_bill_are_in_the_part():
    refund = owed(
        f"refund:{refund_id(BOOKLET, 2026, 'c-1')}",
        "maf_refund",
        "4.00",
        certificate_id="c-1",
        status="due",
        payment_id=None,
    )
    march, april = date(2026, 3, 1), date(2026, 4, 1)
    benefit = [
        IncapacityBenefitDecided(
            benefit_id="ben-1",
            person_id=ELS,
            daily_amount=D("60.00"),
            start=march,
            end=date(2026, 4, 15),
        ),
        BenefitPeriodDue(
            benefit_id="ben-1",
            person_id=ELS,
            start=march,
            end=date(2026, 3, 31),
            days=26,
            amount=D("1560.00"),
        ),
        BenefitPeriodDue(
            benefit_id="ben-1",
            person_id=ELS,
            start=april,
            end=date(2026, 4, 15),
            days=13,
            amount=D("780.00"),
        ),
    ]
    months = [
        owed(period_item("ben-1", march), "benefit", "1560.00"),
        owed(period_item("ben-1", april), "benefit", "780.00", status="held", payment_id=None),
    ]
    household = HouseholdYear.rebuild(BOOKLET, 2026)
    household.refunded, household.chronically_ill = D("4.00"), {ELS}
    household.ceiling = Ceiling(2026, D("450.00"), 1, False, D("0.00"), False, "test")
    payment = payment_to_els(
        PaidItem(item_id=months[0].item_id, kind="benefit", person_id=ELS, amount=D("1560.00"))
    )
    held = Held(
        person_id=ELS,
        owed=[refund, *months],
        payments={"pay-1": payment},
        benefits=[benefit],
        households=[household],
        counted={2026: D("454.00")},
    )

    shown = part(held)

    assert (benefit_ids(held.owed), maf_years([], held.owed)) == ({"ben-1"}, {2026})
    assert shown["maf_refunds"] == [
        {
            "year": 2026,
            "certificate_id": "c-1",
            "amount": "4.00",
            "due_since": "2026-03-02",
            "status": "due",
            "payment_id": None,
            "paid_into": None,
            "value_date": None,
        }
    ]
    [decided] = shown["benefits"]
    assert (decided["daily_amount"], decided["start"], decided["end"]) == (
        "60.00",
        "2026-03-01",
        "2026-04-15",
    )
    assert [
        (m["start"], m["benefit_days"], m["amount"], m["status"]) for m in decided["months"]
    ] == [
        ("2026-03-01", 26, "1560.00", "paid"),
        ("2026-04-01", 13, "780.00", "held"),
    ]
    assert decided["months"][0]["value_date"] == "2026-03-05"
    assert shown["maximum_bill"] == [
        {
            "year": 2026,
            "co_payments_counted": "454.00",
            "ceiling": "450.00",
            "income_bracket": 1,
            "refunded": "4.00",
            "chronic_illness_recognised": True,
        }
    ]


def test_dos12_an_erased_persons_care_reads_erased_and_their_accounts_restricted():
    els, _ = els_and_lotte_at_the_doctor()
    [visit] = els.reimbursed
    care = visit.care.model_copy(
        update={
            f: ERASED for f in ("provider_riziv_number", "provider_name", "code", "description")
        }
    )
    erased = PaymentsPersonalDataShredded(
        person_id=ELS, categories=["health"], restricted=["financial"]
    )
    after = Held(
        person_id=ELS,
        reimbursed=[visit.model_copy(update={"care": care})],
        owed=els.owed,
        payments=els.payments,
        shredded=[erased],
    )

    shown = part(after)

    [kept] = shown["reimbursements"]
    assert {kept[f] for f in ("provider_riziv_number", "provider_name", "code", "description")} == {
        "erased"
    }
    assert (kept["reimbursed"], kept["status"], kept["value_date"]) == (
        "29.73",
        "paid",
        "2026-03-05",
    )
    [payment] = shown["payments"]
    assert (payment["iban"], payment["account_holder"], payment["amount"]) == (
        "restricted",
        "restricted",
        "59.46",
    )
    assert json.loads(json.dumps(shown)) == shown


def test_dos12_what_an_erasure_restricted_is_no_longer_once_its_retention_shredded_it():
    erased = PaymentsPersonalDataShredded(
        person_id=ELS, categories=["health"], restricted=["financial"]
    )
    retention_over = PaymentsPersonalDataShredded(person_id=ELS, categories=["financial"])

    assert kept_restricted([]) == frozenset()
    assert kept_restricted([erased]) == {"financial"}
    assert kept_restricted([erased, retention_over]) == frozenset()


def test_dos12_payments_holds_nothing_of_a_person_without_care_refunds_benefits_or_payments():
    assert part(Held(person_id="p-nobody")) == {}
    # Payments to others of the booklet found on the way are not the person's.
    _, lotte = els_and_lotte_at_the_doctor()
    assert part(Held(person_id="p-nobody", payments=lotte.payments)) == {}


def test_dos12_a_refund_and_a_benefit_month_name_their_year_and_benefit_in_their_ids():
    assert year_of_refund(BOOKLET, refund_id(BOOKLET, 2025, "c:1/2")) == 2025
    assert year_of_refund(BOOKLET, refund_id(BOOKLET, 2025, "ceiling-3")) == 2025
    assert year_of_refund("b-other", refund_id(BOOKLET, 2025, "c-1")) is None
    assert benefit_of_item(period_item("ben-1", date(2026, 3, 1))) == "ben-1"


# The bank files the fund keeps name each payee's account in clear.


def test_dos12_pay6_an_erasure_conceals_the_persons_name_and_account_in_a_bank_file_only():
    els = a_transfer(end_to_end_id="PAYELS", creditor_name="Els Peeters", amount_cents=2973)
    jan = a_transfer(
        end_to_end_id="PAYJAN", creditor_name="Jan Claes", iban="BE71096123456769", bic="GKCCBEBB"
    )
    kept = a_file([els, jan])

    concealed = sepa.conceal_creditors(kept, {"PAYELS"}, "restricted")

    assert b"Els Peeters" not in concealed and b"BE68539007547034" not in concealed
    assert b"<Nm>restricted</Nm>" in concealed and b"<IBAN>restricted</IBAN>" in concealed
    assert b"Jan Claes" in concealed and b"BE71096123456769" in concealed
    assert sepa.summary(concealed) == sepa.summary(kept)  # every amount stays
    assert b"PAYELS" in concealed
    assert len(concealed) == len(kept) - len(b"Els Peeters") - len(b"BE68539007547034") + 20


def test_dos12_a_bank_file_without_the_persons_payment_is_left_as_it_was():
    kept = a_file([a_transfer(end_to_end_id="PAYJAN")])

    assert sepa.conceal_creditors(kept, {"PAYELS"}, "erased") == kept
    assert sepa.conceal_creditors(kept, set(), "erased") == kept
