"""Issue 10, item 6; principle 7 of the architecture (no plaintext personal data in logs): a
structlog processor, and a filter for the standard library's records, mask national register
numbers, IBANs, e-mail addresses and phone numbers in every log line, and leave what only looks
like them (dates, UUIDs, amounts, positions) readable.

That a full test run logs none of them in clear is checked by tests/support/log_audit.py.
"""

from __future__ import annotations

import io
import json
import logging
import subprocess
import sys
import textwrap
import uuid
from datetime import date
from pathlib import Path

import pytest
import structlog
from hypothesis import given, settings

from shared.identifiers import normalize_insz
from shared.logging import MaskPersonalData, mask_personal_data
from shared.masking import is_insz_checksum_valid, mask
from tests.unit.test_identifiers import (
    be_iban,
    births,
    grouped,
    insz_for,
    month_offsets,
    serials,
)

PROPERTY = settings(max_examples=200, deadline=None)
ROOT = Path(__file__).resolve().parents[2]

NRN = "85073003328"  # born 30 July 1985, serial 033
NRN_FROM_2000 = "17073003384"  # born 30 July 2017: check digits over 2170730033
BIS = "98472899765"
IBAN = "BE71096123456769"
EMAIL = "els.peeters@example.be"
PHONE = "+32470123456"


# --- national register numbers ------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        NRN,
        "85.07.30-033.28",
        "850730 033 28",
        "850730-033-28",
        "85 07 30 033 28",
        NRN_FROM_2000,
        "17.07.30-033.84",
        BIS,
        "98.47.28-997.65",
    ],
)
def test_principle7_a_national_register_number_in_a_log_line_is_masked(written):
    assert mask(f"person {written} registered") == "person [nrn] registered"


def test_principle7_a_national_register_number_in_a_url_is_masked():
    line = f"GET /persons/{NRN}/contact-details HTTP/1.1 200"
    assert mask(line) == "GET /persons/[nrn]/contact-details HTTP/1.1 200"


@given(born=births, serial=serials, month_offset=month_offsets)
@PROPERTY
def test_principle7_every_number_the_person_file_accepts_is_masked(born, serial, month_offset):
    number = insz_for(born, serial, month_offset)
    assert normalize_insz(number) == number
    assert mask(f"insz={number}") == "insz=[nrn]"


@pytest.mark.parametrize("number", ["85073003329", "12345678901", "20260115103", "10000000000"])
def test_principle7_an_11_digit_number_whose_check_digits_fail_is_not_masked(number):
    """Event positions, offsets and ids of 11 digits stay readable."""
    assert not is_insz_checksum_valid(number)
    assert mask(f"position {number}") == f"position {number}"


def test_principle7_a_valid_number_inside_a_longer_one_is_not_masked():
    for line in (f"1{NRN}", f"{NRN}0", f"id-x{NRN}", f"{NRN}abc"):
        assert mask(line) == line


# --- IBANs ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        IBAN,
        grouped(IBAN),
        IBAN.lower(),
        grouped(IBAN).lower(),
        be_iban(1, 1234567),
        "GB29 NWBK 6016 1331 9268 19",
        "NL91ABNA0417164300",
        "DE89 3704 0044 0532 0130 00",
        "FR14 2004 1010 0505 0001 3M02 606",
    ],
)
def test_principle7_an_iban_in_a_log_line_is_masked(written):
    assert mask(f"refund to {written} planned") == "refund to [iban] planned"


def test_principle7_an_iban_followed_by_words_or_another_iban_is_masked_alone():
    second = "NL91 ABNA 0417 1643 00"
    line = f"account {grouped(IBAN)} was {second} and then something else"
    assert mask(line) == "account [iban] was [iban] and then something else"
    assert mask(f"{grouped(IBAN)} {second}") == "[iban] [iban]"


def test_principle7_an_iban_after_a_word_that_looks_like_its_start_is_masked():
    assert mask(f"ab12 {grouped(IBAN)}") == "ab12 [iban]"


@pytest.mark.parametrize(
    "line",
    [
        "BE71 0961 2345 6760",  # one digit off: its checksum fails
        "BE71096123456760",
        "XX71096123456769",  # no such country
        "ab12 cdef ghij klmn",
        "sha256 ab12cdef0123456789abcdef0123456789abcdef0123456789abcdef01234567",
    ],
)
def test_principle7_what_only_looks_like_an_iban_is_not_masked(line):
    assert mask(line) == line


# --- e-mail addresses -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [EMAIL, "Els.Peeters+mutualis@Example.BE", "e_p@sub.example.co.uk", "jos\u00e9@ex.be"],
)
def test_principle7_an_email_address_in_a_log_line_is_masked(written):
    assert mask(f"code sent to {written}.") == "code sent to [email]."


def test_principle7_what_only_has_an_at_sign_is_not_masked():
    for line in ("retry @ 10:30", "user@localhost", "a@b", "@mention"):
        assert mask(line) == line


# --- phone numbers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        PHONE,
        "+32 470 12 34 56",
        "+32 (0)470 12 34 56",
        "0032 470 12 34 56",
        "+44 20 7946 0958",
        "0470 12 34 56",
        "0470123456",
        "0470/12.34.56",
        "0470-12-34-56",
        "02 123 45 67",
        "09/123.45.67",
    ],
)
def test_principle7_a_phone_number_in_a_log_line_is_masked(written):
    assert mask(f"code sent to {written}, once") == "code sent to [phone], once"


# --- what must stay readable ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "2026-01-15",
        "2026-01-15T10:30:45.123456+00:00",
        "2026-01-15T10:30:45Z",
        "2026-01-15 10:30:45,123 INFO started",
        "15/01/2026",
        "15.01.2026 10:30",
        "05.12.2024 10:30:00",
        "10:30:45",
        "+01:00",
        "-05:30",
        str(uuid.UUID("04701234-5678-90ab-cdef-0123456789ab")),
        str(uuid.UUID("00123456-7890-abcd-ef01-234567890123")),
        str(uuid.UUID("0e5c1234-0470-4abc-9def-012345678901")),
        "t0a1b2c3d4e.dossier.events",
        "amount 1234567.89 EUR",
        "amount 0.0123456789",
        "+1234.56",
        "postgresql+asyncpg://mutualis@127.0.0.1:5432/dossier_0123",
        "127.0.0.1:54321",
        "localhost:9092",
        "offset 0 partition 3 position 123456789012",
        '"position": 20260115103045, "version": 12',
        "took 0.004711 s",
        "sha256:0470123456abcdef",
        "version 1.2.3",
    ],
)
def test_principle7_dates_times_uuids_amounts_ports_and_positions_stay_intact(line):
    assert mask(line) == line


def test_principle7_a_line_without_digits_or_at_sign_is_returned_as_it_is():
    line = "service.started " * 10
    assert mask(line) is line


def test_principle7_masking_twice_changes_nothing_more():
    line = f"{NRN} {grouped(IBAN)} {EMAIL} {PHONE}"
    assert mask(line) == "[nrn] [iban] [email] [phone]"
    assert mask(mask(line)) == mask(line)


# --- the structlog processor ----------------------------------------------------------------------


def test_principle7_the_processor_masks_every_string_however_nested():
    event = {
        "event": f"person {NRN} updated",
        "person": {"email": EMAIL, "accounts": [IBAN, ("phone", PHONE)]},
        NRN: "a key too",
        "count": 3,
        "ratio": 0.5,
        "flag": True,
        "nothing": None,
    }
    assert mask_personal_data(None, "info", event) == {
        "event": "person [nrn] updated",
        "person": {"email": "[email]", "accounts": ["[iban]", ["phone", "[phone]"]]},
        "[nrn]": "a key too",
        "count": 3,
        "ratio": 0.5,
        "flag": True,
        "nothing": None,
    }


def test_principle7_a_number_or_object_that_renders_as_personal_data_is_masked():
    when = date(2026, 1, 15)
    masked = mask_personal_data(
        None, "info", {"insz": int(NRN), "error": ValueError(EMAIL), "position": 12, "on": when}
    )
    assert masked == {
        "insz": "[nrn]",
        "error": "ValueError('[email]')",
        "position": 12,
        "on": when,
    }


def test_principle7_the_traceback_of_a_logged_exception_is_masked():
    try:
        raise ValueError(f"no account {grouped(IBAN)} for {EMAIL}")
    except ValueError:
        event = structlog.processors.format_exc_info(None, "error", {"exc_info": True})
    masked = mask_personal_data(None, "error", event)
    assert "ValueError: no account [iban] for [email]" in masked["exception"]
    assert IBAN[:4] not in masked["exception"] and EMAIL not in masked["exception"]


# --- the standard library's records ---------------------------------------------------------------


@pytest.fixture
def stdlib_logger():
    """A logger of its own with one handler, the filter on it, as configure_logging sets the
    root's handlers up."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(MaskPersonalData())
    logger = logging.getLogger(f"tests.masking.{uuid.uuid4().hex}")
    logger.propagate, logger.level = False, logging.INFO
    logger.addHandler(handler)
    yield logger, stream
    logger.removeHandler(handler)


def test_principle7_a_standard_library_record_with_arguments_is_masked(stdlib_logger):
    logger, stream = stdlib_logger
    logger.info('127.0.0.1:50000 - "%s %s HTTP/1.1" %d', "GET", f"/persons/{NRN}/contact", 200)
    assert stream.getvalue() == '127.0.0.1:50000 - "GET /persons/[nrn]/contact HTTP/1.1" 200\n'


def test_principle7_the_traceback_and_stack_of_a_standard_library_record_are_masked(
    stdlib_logger,
):
    logger, stream = stdlib_logger
    try:
        raise RuntimeError(f"refused {EMAIL}")
    except RuntimeError:
        logger.exception("failed for %s", PHONE, stack_info=True)
    written = stream.getvalue()
    assert written.startswith("failed for [phone]\n")
    assert "RuntimeError: refused [email]" in written and "Stack (most recent call last)" in written
    assert EMAIL not in written and PHONE not in written


def test_principle7_a_record_whose_arguments_do_not_fit_is_left_to_its_handler():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "%d items", ("many",), None)
    assert MaskPersonalData().filter(record)
    assert (record.msg, record.args) == ("%d items", ("many",))


# --- configure_logging, as a service process calls it ---------------------------------------------

SERVICE_PROCESS = textwrap.dedent(
    f"""
    import logging
    from shared.logging import configure_logging, get_logger

    configure_logging("dossier", "INFO")
    get_logger("dossier").info("person.registered", insz="{NRN}", iban="{grouped(IBAN)}",
                               contact={{"email": "{EMAIL}", "phone": "{PHONE}"}})
    try:
        raise ValueError("no person {NRN}")
    except ValueError:
        get_logger("dossier").exception("person.failed")
    logging.getLogger("uvicorn.access").info(
        '%s - "%s %s HTTP/1.1" %d', "127.0.0.1:50000", "GET", "/persons/{NRN}/contact-details", 200
    )
    logging.getLogger("aiokafka").warning("no mail for %s", "{EMAIL}")
    get_logger("dossier").debug("not at INFO", insz="{NRN}")
    """
)


@pytest.fixture(scope="module")
def service_logs() -> list[str]:
    """The stderr of a process that configures its logging as shared.service.serve does."""
    ran = subprocess.run(
        [sys.executable, "-c", SERVICE_PROCESS],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ran.returncode == 0, ran.stderr
    return ran.stderr.splitlines()


def test_principle7_a_service_logs_json_lines_with_personal_data_masked(service_logs):
    registered = json.loads(service_logs[0])
    assert registered["event"] == "person.registered" and registered["service"] == "dossier"
    assert (registered["insz"], registered["iban"]) == ("[nrn]", "[iban]")
    assert registered["contact"] == {"email": "[email]", "phone": "[phone]"}
    failed = json.loads(service_logs[1])
    assert failed["event"] == "person.failed"
    assert failed["exception"].endswith("ValueError: no person [nrn]")


def test_principle7_a_services_uvicorn_and_aiokafka_lines_are_masked(service_logs):
    assert service_logs[2:] == [
        '127.0.0.1:50000 - "GET /persons/[nrn]/contact-details HTTP/1.1" 200',
        "no mail for [email]",
    ]


def test_principle7_no_personal_data_in_clear_anywhere_in_a_services_logs(service_logs):
    written = "\n".join(service_logs)
    for value in (NRN, IBAN[:4], EMAIL, PHONE):
        assert value not in written
    assert all(mask(line) == line for line in service_logs)
