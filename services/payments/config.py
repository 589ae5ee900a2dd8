"""Payments' own settings: the fund's account payments leave from, and when the daily
payment run goes."""

from __future__ import annotations

from datetime import time
from functools import cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.identifiers import Bic, Iban


class PaymentsSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PAYMENTS_", extra="ignore")

    # The fund's account reimbursements are paid from (the debtor of the SEPA file). The
    # default is a valid example account for one machine; a deployment gives its own.
    debtor_iban: Iban = "BE68539007547034"
    debtor_bic: Bic = "GKCCBEBB"
    # Empty: the federation's name from the reference data.
    debtor_name: str = Field("", max_length=70)
    # The daily run, in Brussels time.
    run_at: time = time(18, 0)
    # How many items one transaction of a run pays; a run of more goes in several parts,
    # each its own transaction and transfer file.
    run_part_size: int = Field(20_000, ge=1)


@cache
def payments_settings() -> PaymentsSettings:
    return PaymentsSettings()
