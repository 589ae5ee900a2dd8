"""A premium invoice as a UBL 2.1 Invoice (the XML of e-invoices, INV-2), after the European
norm EN 16931: who bills whom, the month, the lines, the totals, the due date, and the
payment means with the structured communication as PaymentID (INV-8).

It declares the EN 16931 core, not Peppol BIS Billing 3.0: Peppol requires an electronic
address (EndpointID) for both parties, and neither the fund's enterprise number nor one for
the member is in the data. Elements are written in the order the UBL 2.1 schema requires
(tests check every shape against the OASIS XSDs)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

from services.einvoicing.domain.invoice import CENT, Invoice, PostalAddress
from shared.pdf import issuer

NS = {
    "": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
EN16931 = "urn:cen.eu:en16931:2017"
COMMERCIAL_INVOICE = "380"  # UNTDID 1001
SEPA_CREDIT_TRANSFER = "58"  # UNTDID 4461
ONE = "C62"  # UN/ECE rec. 20: a unit, here a month's premium
# The reference data holds no VAT number for a fund, and EN 16931 lets only category O (not
# subject to VAT) go without one (BR-O-02; an exempt E requires it, BR-E-02). Whether the
# premiums are rather exempt is for the fund's accountant to confirm.
VAT_CATEGORY, VAT_EXEMPTION = "O", "VATEX-EU-O"


def invoice_ubl(invoice: Invoice) -> bytes:
    """The invoice as UTF-8 UBL 2.1 XML bytes."""
    for prefix, uri in NS.items():  # else ElementTree names them ns0, ns1, ns2
        ET.register_namespace(prefix, uri)
    root = ET.Element(_q("", "Invoice"))
    for name, value in (
        ("UBLVersionID", "2.1"),
        ("CustomizationID", EN16931),
        ("ID", invoice.number),
        ("IssueDate", invoice.issued_on.isoformat()),
        ("DueDate", invoice.due_on.isoformat()),
        ("InvoiceTypeCode", COMMERCIAL_INVOICE),
        ("DocumentCurrencyCode", invoice.currency),
        ("BuyerReference", invoice.customer_number),
    ):
        _cbc(root, name, value)
    period = _cac(root, "InvoicePeriod")
    _cbc(period, "StartDate", invoice.period.isoformat())
    _cbc(period, "EndDate", invoice.period_end.isoformat())
    if invoice.supplements:  # EN 16931 BG-3, the preceding invoice
        reference = _cac(_cac(root, "BillingReference"), "InvoiceDocumentReference")
        _cbc(reference, "ID", invoice.supplements)
    _supplier(root, invoice)
    _customer(root, invoice)
    _payment_means(root, invoice)
    _totals(root, invoice)
    for number, line in enumerate(invoice.lines, start=1):
        item = _cac(root, "InvoiceLine")
        _cbc(item, "ID", str(number))
        _cbc(item, "Note", line.person_name)
        _cbc(item, "InvoicedQuantity", "1", unitCode=ONE)
        _amount(item, "LineExtensionAmount", line.amount)
        product = _cac(item, "Item")
        _cbc(product, "Description", line.description)
        _cbc(product, "Name", line.product)
        _tax_category(product, "ClassifiedTaxCategory", with_reason=False)
        _amount(_cac(item, "Price"), "PriceAmount", line.amount)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _q(prefix: str, name: str) -> str:
    return f"{{{NS[prefix]}}}{name}"


def _cac(parent: ET.Element, name: str) -> ET.Element:
    return ET.SubElement(parent, _q("cac", name))


def _cbc(parent: ET.Element, tag: str, text: str, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, _q("cbc", tag), attributes)
    element.text = text
    return element


def _amount(parent: ET.Element, name: str, amount: Decimal) -> None:
    _cbc(parent, name, str(amount.quantize(CENT)), currencyID="EUR")


def _address(party: ET.Element, address: PostalAddress | None, country: str = "BE") -> None:
    postal = _cac(party, "PostalAddress")
    if address is not None:
        _cbc(postal, "StreetName", address.street)
        _cbc(postal, "CityName", address.city)
        _cbc(postal, "PostalZone", address.postal_code)
    _cbc(_cac(postal, "Country"), "IdentificationCode", country)


def _supplier(root: ET.Element, invoice: Invoice) -> None:
    name, contact, website = issuer(invoice.federation, invoice.fund)
    party = _cac(_cac(root, "AccountingSupplierParty"), "Party")
    if website:
        _cbc(party, "WebsiteURI", str(website))
    _cbc(_cac(party, "PartyName"), "Name", name)
    at = contact.address
    _address(party, None if at is None else PostalAddress(at.street, at.postal_code, at.city))
    _cbc(_cac(party, "PartyLegalEntity"), "RegistrationName", name)
    if contact.phone or contact.email:
        reach = _cac(party, "Contact")
        if contact.phone:
            _cbc(reach, "Telephone", contact.phone)
        if contact.email:
            _cbc(reach, "ElectronicMail", contact.email)


def _customer(root: ET.Element, invoice: Invoice) -> None:
    payer = invoice.payer
    party = _cac(_cac(root, "AccountingCustomerParty"), "Party")
    _cbc(_cac(party, "PartyName"), "Name", payer.name)
    _address(party, payer.address, payer.address.country)
    _cbc(_cac(party, "PartyLegalEntity"), "RegistrationName", payer.name)


def _payment_means(root: ET.Element, invoice: Invoice) -> None:
    means = _cac(root, "PaymentMeans")
    _cbc(means, "PaymentMeansCode", SEPA_CREDIT_TRANSFER, name="SEPA credit transfer")
    # As printed on the invoice: Belgian accounting packages read and write it with its +++.
    _cbc(means, "PaymentID", str(invoice.communication))
    account = _cac(means, "PayeeFinancialAccount")
    _cbc(account, "ID", invoice.creditor.iban)
    _cbc(account, "Name", invoice.creditor.name)
    if invoice.creditor.bic:
        _cbc(_cac(account, "FinancialInstitutionBranch"), "ID", invoice.creditor.bic)


def _tax_category(parent: ET.Element, name: str, with_reason: bool) -> None:
    category = _cac(parent, name)
    _cbc(category, "ID", VAT_CATEGORY)
    if with_reason:  # BR-O-10: the VAT breakdown says why there is no VAT
        _cbc(category, "TaxExemptionReasonCode", VAT_EXEMPTION)
        _cbc(category, "TaxExemptionReason", "Not subject to VAT")
    _cbc(_cac(category, "TaxScheme"), "ID", "VAT")


def _totals(root: ET.Element, invoice: Invoice) -> None:
    tax = _cac(root, "TaxTotal")
    _amount(tax, "TaxAmount", Decimal(0))
    subtotal = _cac(tax, "TaxSubtotal")
    _amount(subtotal, "TaxableAmount", invoice.total)
    _amount(subtotal, "TaxAmount", Decimal(0))
    _tax_category(subtotal, "TaxCategory", with_reason=True)
    money = _cac(root, "LegalMonetaryTotal")
    # No allowances, charges, prepayments or VAT: every total is the sum of the lines.
    for name in (
        "LineExtensionAmount",
        "TaxExclusiveAmount",
        "TaxInclusiveAmount",
        "PayableAmount",
    ):
        _amount(money, name, invoice.total)
