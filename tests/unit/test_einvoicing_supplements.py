"""INV-7: a cover recorded after its month was invoiced gets a supplementary invoice of what
the month asks beyond the lines already invoiced: a new person's line whole, the part of a
higher amount above what was asked; an amount now lower is not credited for that month."""

from __future__ import annotations

from decimal import Decimal as D

from services.einvoicing.domain.billing import MonthLines
from shared.contracts.einvoicing import InvoiceLine
from shared.contracts.insurance import Product


def line(person: str, amount: str, kind="premium", product=Product.CONFORT) -> InvoiceLine:
    return InvoiceLine(
        person_id=person, kind=kind, product=product, amount=D(amount), basis="26-49 jaar"
    )


def test_inv7_a_person_whose_cover_came_late_is_invoiced_their_own_line_only():
    invoiced = [line("els", "24.31"), line("lotte", "6.12")]
    month = MonthLines((line("els", "24.31"), line("lotte", "6.12"), line("mats", "6.12")), False)

    more = month.beyond(invoiced)

    assert more is not None and more.lines == (line("mats", "6.12"),)


def test_inv7_a_household_contribution_that_rises_is_invoiced_for_the_difference():
    base = {"kind": "household_contribution", "product": Product.BASE}
    invoiced = [line("els", "3.50", **base)]
    month = MonthLines((line("els", "5.00", **base),), provisional=True)

    [difference] = month.beyond(invoiced).lines

    assert difference.amount == D("1.50") and difference.basis.startswith("the difference")
    assert month.beyond(invoiced).provisional


def test_inv7_nothing_more_and_nothing_credited_when_the_month_asks_less_or_the_same():
    invoiced = [line("els", "24.31"), line("lotte", "6.12")]

    assert MonthLines(tuple(invoiced), False).beyond(invoiced) is None
    assert MonthLines((line("els", "24.31"), line("lotte", "0.00")), False).beyond(invoiced) is None
