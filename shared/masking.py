"""Masking of personal data in free text, for log lines (issue 10, item 6; principle 7 of the
architecture: no plaintext personal data in logs).

:func:`mask` replaces, wherever they stand in a string,

* a national register number or BIS number (INSZ/NISS) with ``[nrn]``: 11 digits, written
  compact or grouped YY.MM.DD-SSS.CC (dots, dashes or spaces), whose check digits are right;
* an IBAN of any country with ``[iban]``: compact or in groups of four, any case, valid for
  schwifty (the country's length and layout, and the ISO 7064 mod-97 check);
* an e-mail address with ``[email]``;
* a phone number with ``[phone]``: international (``+32 470 12 34 56``, ``0032 470 ...``) or
  Belgian national (``0470 12 34 56``, ``0470/12.34.56``, ``02 123 45 67``).

The checks keep what only looks like personal data readable: 11-digit positions or ids whose
check digits fail, ISO dates and times, UUIDs, amounts, ports and offsets stay as they are.
"""

from __future__ import annotations

import re

from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

# Nothing to mask can be written without a digit or an "@": most strings stop here.
_MAYBE_PERSONAL = re.compile(r"[0-9@]")

# YYMMDD SSS CC, each group optionally after a dot, dash or space; not inside a longer word or
# number ("+" too: "+32470123456" is a phone number, whatever its check digits say).
_NRN = re.compile(
    r"(?<![0-9A-Za-z+])"
    r"[0-9]{2}[.\- ]?[0-9]{2}[.\- ]?[0-9]{2}[.\- ]?[0-9]{3}[.\- ]?[0-9]{2}"
    r"(?![0-9A-Za-z])"
)
# Country code, check digits, then 11 to 30 letters or digits with single spaces allowed
# between them; the run may go on past the IBAN, _iban_length finds where it ends.
_IBAN_RUN = re.compile(
    r"(?<![0-9A-Za-z])[A-Za-z]{2}[0-9]{2}(?: ?[0-9A-Za-z]){11,30}(?![0-9A-Za-z])"
)
_EMAIL = re.compile(r"(?<![\w.%+-])[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}(?![\w-])")

# A phone number stands alone: not glued to a word, an amount ("1.0470..."), a time (":"), a
# date or a UUID ("2024-01-15", "...-0470-..."), nor followed by one ("0470123-45ab").
_PHONE = re.compile(
    r"(?<![\w.,:+/-])"
    r"(?:"
    r"(?:\+|00)[1-9][0-9]{0,2}(?:[ ./-]?\(0\))?(?:[ ./-]?[0-9]){6,12}"  # +32 470 12 34 56
    r"|0[1-9](?:[ ./-]?[0-9]){7,8}"  # 0470 12 34 56, 02 123 45 67
    r")"
    r"(?![\w:]|[.,/-][\w])"
)


def mask(text: str) -> str:
    """``text`` with every national register number, IBAN, e-mail address and phone number
    replaced by ``[nrn]``, ``[iban]``, ``[email]`` or ``[phone]``."""
    if not _MAYBE_PERSONAL.search(text):
        return text
    text = _mask_ibans(text)
    if "@" in text:
        text = _EMAIL.sub("[email]", text)
    text = _NRN.sub(_masked_nrn, text)
    return _PHONE.sub("[phone]", text)


def is_insz_checksum_valid(digits: str) -> bool:
    """Whether 11 digits end with the check digits of their first nine, for a birth before
    2000 (97 - YYMMDDSSS mod 97) or from 2000 (97 - 2YYMMDDSSS mod 97).

    shared.identifiers validates an INSZ through python-stdnum, which also rejects impossible
    birth dates; a log line is masked on the checksum alone, which errs on the side of masking.
    """
    body, check = int(digits[:9]), int(digits[9:])
    return check in (97 - body % 97, 97 - (2_000_000_000 + body) % 97)


def _masked_nrn(match: re.Match[str]) -> str:
    digits = re.sub(r"[.\- ]", "", match.group())
    return "[nrn]" if is_insz_checksum_valid(digits) else match.group()


def _mask_ibans(text: str) -> str:
    kept, pos = [], 0
    while run := _IBAN_RUN.search(text, pos):
        start = run.start()
        if length := _iban_length(run.group()):
            kept += [text[pos:start], "[iban]"]
        else:  # the run's first word only looked like a start: search again after it
            length = len(run.group().split(" ", 1)[0])
            kept.append(text[pos : start + length])
        pos = start + length
    kept.append(text[pos:])
    return "".join(kept)


def _iban_length(run: str) -> int:
    """The length of the longest IBAN at the start of the run, 0 if none: a run can go on
    with the words after an IBAN, or with a second IBAN."""
    words = run.split(" ")
    for count in range(len(words), 0, -1):
        if _is_iban("".join(words[:count])):
            return len(" ".join(words[:count]))
    return 0


def _is_iban(compact: str) -> bool:
    if len(compact) < 15:  # Norway's, the shortest
        return False
    try:
        return IBAN(compact, allow_invalid=True).is_valid
    except SchwiftyException:
        return False
