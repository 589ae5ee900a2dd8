"""Einvoicing's own settings: the account premiums are paid to, when the monthly billing run
goes, and how long an invoice gives to pay."""

from __future__ import annotations

from datetime import time
from functools import cache

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared.identifiers import Bic, Iban
from shared.notifying import NotifyingSettings


class EinvoicingSettings(NotifyingSettings):
    """Besides its own, the mail server and SMS gateway the notices go out through (INV-3;
    shared.notifying)."""

    model_config = SettingsConfigDict(env_prefix="EINVOICING_", extra="ignore")

    # The account premiums are paid to (the creditor of the invoices and their QR codes). The
    # default is a valid example account for one machine; a deployment gives its own.
    creditor_iban: Iban = "BE48001123456727"
    creditor_bic: Bic = "GEBABEBB"
    # Empty: the federation's name from the reference data.
    creditor_name: str = Field("", max_length=70)
    # The billing run of a month, on its first day, in Brussels time.
    billing_at: time = time(6, 0)
    # An invoice is due this many days after it is issued (INV-4: whether or not read).
    due_after_days: int = Field(30, ge=1)
    # INV-4: reminders of an invoice still open, this many days after its due date.
    first_reminder_after_days: int = Field(15, ge=1)
    second_reminder_after_days: int = Field(30, ge=2)
    # How many households one transaction of a billing run invoices.
    run_part_size: int = Field(2_000, ge=1)


@cache
def einvoicing_settings() -> EinvoicingSettings:
    return EinvoicingSettings()
