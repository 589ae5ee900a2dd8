"""What a payment run pays, to whom (PAY-6): a member's items to their own account, a child's
to the holder's when the child has none, third-party items to the provider, and items of a
person with no account anywhere held with the reason."""

from decimal import Decimal

from services.payments.domain.payment_run import Account, Item, payment_id, plan

D = Decimal
HOLDER = Account("p-holder", "Els Peeters", "BE68539007547034", None)


def item(item_id: str, person: str, amount: str, payee: str = "member", **more) -> Item:
    return Item(item_id, "reimbursement", person, "b-1", D(amount), payee, **more)


def test_pay6_items_go_to_the_persons_account_or_else_the_holders():
    items = [item("r:1", "p-holder", "21.50"), item("r:2", "p-child", "8.00")]

    made = plan("2026-12-02/1", items, {"p-holder": HOLDER}, {"b-1": "p-holder"})

    [payment] = made.members
    assert payment.account == HOLDER
    assert payment.amount == D("29.50")
    assert [i.item_id for i in payment.items] == ["r:1", "r:2"]
    assert made.held == ()


def test_pay6_without_an_account_anywhere_the_items_wait_with_the_reason():
    items = [item("r:1", "p-child", "8.00"), item("r:2", "p-child", "2.00", held=True)]

    made = plan("2026-12-02/1", items, {}, {"b-1": "p-holder"})

    [held] = made.held
    assert (held.person_id, held.amount) == ("p-child", D("10.00"))
    assert [i.item_id for i in held.newly] == ["r:1"]
    assert made.members == ()


def test_pay3_third_party_payment_goes_to_the_provider():
    provider = {
        "provider_riziv_number": "10005549004",
        "provider_name": "Dr. Janssens",
        "provider_iban": "BE71096123456769",
    }
    items = [
        item("r:1", "p-holder", "30.00", "provider", **provider),
        item("r:2", "p-child", "25.00", "provider", **provider),
    ]

    made = plan("2026-12-02/1", items, {"p-holder": HOLDER}, {"b-1": "p-holder"})

    [paid] = made.providers
    assert (paid.name, paid.iban, paid.amount) == ("Dr. Janssens", "BE71096123456769", D("55.00"))
    assert made.members == ()


def test_pay6_the_same_part_paying_the_same_account_has_the_same_payment_id():
    assert payment_id("2026-12-02/1", "member:p") == payment_id("2026-12-02/1", "member:p")
    assert payment_id("2026-12-02/1", "member:p") != payment_id("2026-12-02/2", "member:p")
