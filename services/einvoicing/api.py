"""The einvoicing service's HTTP API (INV-2, INV-8): a member's invoices (the persons they may
act on who pay them), an invoice's details with its lines, and its documents, PDF and UBL;
member services see every household's, and the credits of the fund's account. An invoice is
named by its number, never by the household.

A member asking for an invoice that is not theirs is told there is none (404)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Request, Response
from pydantic import BaseModel

from services.einvoicing.announcements import AnnouncementView, current
from services.einvoicing.documents.invoice_pdf import render_invoice
from services.einvoicing.documents.ubl import invoice_ubl
from services.einvoicing.households import Households
from services.einvoicing.read_model import Invoices
from services.einvoicing.views import (
    IncomingPaymentView,
    InvoiceDeliveryView,
    InvoiceView,
    invoice_document,
    invoice_view,
    language_of,
)
from shared.access.http import Authenticated, act
from shared.access.persons import Persons
from shared.access.tokens import Principal
from shared.contracts.einvoicing import ChangeInvoiceDelivery, Channel
from shared.identifiers import Email, PhoneNumber
from shared.problems import Problem, problems
from shared.service import Runtime

STAFF = frozenset({"member_services", "admin"})
PersonId = Annotated[str, Path(max_length=64, description="The person's id")]
Number = Annotated[str, Path(pattern=r"^\d{10}$", description="The invoice's number")]


class DeliveryChange(BaseModel):
    """Fields left out stay as they are."""

    electronic: bool | None = None
    notify: bool | None = None
    channel: Channel | None = None
    email: Email | None = None
    phone: PhoneNumber | None = None


def router(runtime: Runtime) -> APIRouter:
    api = APIRouter(tags=["einvoicing"])

    async def may_see(conn, principal: Principal, person_id: str) -> bool:
        if principal.role in STAFF:
            return True
        if principal.role != "member":
            raise Problem(403, "role_not_allowed", f"a {principal.role} reads no invoices")
        return person_id in await Persons(conn).persons_of(principal.actor)

    async def visible_invoice(conn, principal: Principal, number: str) -> dict:
        found = await Invoices(conn).by_number(number)
        if found is None or not await may_see(conn, principal, found["payer_person_id"]):
            raise Problem(404, "no_such_invoice", "no such invoice among those you may see")
        return found

    @api.get(
        "/persons/{person_id}/invoices",
        response_model=list[InvoiceView],
        responses=problems(403, 404),
    )
    async def person_invoices(
        person_id: PersonId, principal: Authenticated, status: Literal["open", "paid"] | None = None
    ) -> list[InvoiceView]:
        """INV-2: the invoices this person pays, the latest month first; `status=open` for
        those still to pay."""
        async with runtime.database.read() as conn:
            if not await may_see(conn, principal, person_id):
                raise Problem(404, "no_such_person", "no such person among those you may act on")
            found = await Invoices(conn).of_payers({person_id}, status)
        return [await invoice_view(row) for row in found]

    @api.get("/invoices/{number}", response_model=InvoiceView, responses=problems(403, 404))
    async def invoice(number: Number, principal: Authenticated) -> InvoiceView:
        """INV-2: the invoice with the details of its lines: whose premium, which product, how
        much and on what basis (the age band, the household's case)."""
        async with runtime.database.read() as conn:
            found = await visible_invoice(conn, principal, number)
            return await invoice_view(found, Households(conn))

    @api.get(
        "/invoices/{number}/pdf",
        response_class=Response,
        responses={200: {"content": {"application/pdf": {}}}, **problems(403, 404)},
    )
    async def invoice_pdf(
        number: Number, principal: Authenticated, language: Literal["nl", "fr"] | None = None
    ) -> Response:
        """INV-2: the invoice as a PDF with its EPC QR code, in the payer's language unless
        another is asked."""
        async with runtime.database.read() as conn:
            found = await visible_invoice(conn, principal, number)
            households = Households(conn)
            payer = (await households.persons({found["payer_person_id"]})).get(
                found["payer_person_id"]
            )
            language = language_of(payer, language)
            invoice = await invoice_document(found, households, runtime.store.federation, language)
        return Response(
            render_invoice(invoice, language),
            media_type="application/pdf",
            headers={"Content-Disposition": f'inline; filename="invoice-{number}.pdf"'},
        )

    @api.get(
        "/invoices/{number}/ubl",
        response_class=Response,
        responses={200: {"content": {"application/xml": {}}}, **problems(403, 404)},
    )
    async def invoice_xml(number: Number, principal: Authenticated) -> Response:
        """The invoice as UBL 2.1 XML (EN 16931), for bookkeeping software."""
        async with runtime.database.read() as conn:
            found = await visible_invoice(conn, principal, number)
            households = Households(conn)
            invoice = await invoice_document(found, households, runtime.store.federation, "nl")
        return Response(
            invoice_ubl(invoice),
            media_type="application/xml",
            headers={"Content-Disposition": f'attachment; filename="invoice-{number}.xml"'},
        )

    @api.get(
        "/persons/{person_id}/invoice-delivery",
        response_model=InvoiceDeliveryView,
        responses=problems(403, 404),
    )
    async def invoice_delivery(
        person_id: PersonId, principal: Authenticated
    ) -> InvoiceDeliveryView:
        """INV-1, INV-3: how this person receives invoices: inbox or paper, notices or not, on
        which channel and where (an empty address: the dossier's)."""
        async with runtime.database.read() as conn:
            if not await may_see(conn, principal, person_id):
                raise Problem(404, "no_such_person", "no such person among those you may act on")
            found = await Households(conn).delivery(person_id)
        return InvoiceDeliveryView.of(found)

    @api.put(
        "/persons/{person_id}/invoice-delivery",
        status_code=204,
        responses=problems(403, 404, 409, 422),
    )
    async def change_invoice_delivery(
        person_id: PersonId, change: DeliveryChange, request: Request, principal: Authenticated
    ) -> None:
        """INV-1, INV-3: switch e-invoicing off (paper again) or on, notices off or on, the
        channel and the address; fields left out stay as they are."""
        async with runtime.database.read() as conn:
            if not await may_see(conn, principal, person_id):
                raise Problem(404, "no_such_person", "no such person among those you may act on")
        command = ChangeInvoiceDelivery(person_id=person_id, **change.model_dump(exclude_none=True))
        await act(request, principal, command)

    @api.get("/announcements", response_model=list[AnnouncementView], responses=problems(403))
    async def current_announcements(principal: Authenticated) -> list[AnnouncementView]:
        """INV-5, INV-6: maintenance that limits or suspends e-invoicing, until it is over, and
        changes of the terms, announced 15 working days ahead, until a month after."""
        async with runtime.database.read() as conn:
            return await current(conn, runtime.clock.now())

    @api.get(
        "/incoming-payments", response_model=list[IncomingPaymentView], responses=problems(403)
    )
    async def incoming_payments(
        principal: Authenticated,
        outcome: Literal["paid", "partly_paid", "overpaid", "already_paid", "unmatched"]
        | None = None,
    ) -> list[IncomingPaymentView]:
        """INV-8, for member services: the credits of the fund's account and what became of
        each, the latest first; `outcome=unmatched` for those a handler must place, with why."""
        if principal.role not in STAFF:
            raise Problem(403, "role_not_allowed", "member services read the fund's account")
        async with runtime.database.read() as conn:
            return [IncomingPaymentView(**row) for row in await Invoices(conn).incoming(outcome)]

    return api
