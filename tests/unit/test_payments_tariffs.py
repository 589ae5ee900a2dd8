"""Legal reimbursement rules as data: VT (PAY-3), GMD (DOS-4), the oral care path (DOS-9).

Every shipped tariff row is asked for by a person it is for, and must answer with its own
figures; the expected GP figures are written out from the sources the rows cite (HZIV and VNZ
tables of 2024; Domus Medica for the 2025 and 2026 fees; the fixed co-payments). RIZIV's
NomenSoft export is read from small files in its own layout, written here.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from services.payments.domain import dental
from services.payments.domain.nomensoft import load_riziv_export
from services.payments.domain.tariffs import (
    Condition,
    MissingFact,
    Nomenclature,
    TariffBook,
    TariffDataError,
    TariffRow,
    UnknownTariff,
    load_tariffs,
    provider_kind,
    shipped_tariffs,
)
from shared.identifiers import InvalidIdentifier, normalize_riziv_number

BOOK = shipped_tariffs()
EUR = Decimal


def _row_id(row: TariffRow) -> str:
    return f"{row.code}-{row.valid_from}-{row.condition}"


def _person_for(row: TariffRow) -> dict | None:
    """A person the row is for, and for whom no narrower row (an exception) applies."""
    c = row.condition
    top = c.age_max if c.age_max is not None else c.age_min + 40
    others = [
        o for o in BOOK.rows if o.code == row.code and o is not row and o.valid_on(row.valid_from)
    ]
    for vt in [c.vt] if c.vt is not None else [False, True]:
        for gmd in [c.gmd] if c.gmd is not None else [False, True]:
            for age in sorted({c.age_min, (c.age_min + top) // 2, top}):
                person = dict(vt=vt, gmd=gmd, age=age, dental_regular=c.dental_regular)
                narrower = [
                    o for o in others
                    if o.condition.admits(**person) and o.condition.within(c)
                ]  # fmt: skip
                if not narrower:
                    return person
    return None


@pytest.mark.parametrize("row", BOOK.rows, ids=_row_id)
def test_pay3_dos4_dos9_every_shipped_row_is_what_its_persons_get(row):
    """PAY-3, DOS-4, DOS-9: ordinary and VT, with and without GMD, regular and not: each row
    answers for a person it is for."""
    person = _person_for(row)
    assert person is not None, "no person reaches this row: it is hidden by narrower rows"
    got = BOOK.reimbursement(row.code, row.valid_from, **person)
    assert (got.fee, got.reimbursed, got.co_payment) == (row.fee, row.reimbursed, row.co_payment)
    assert (got.source, got.confirmed) == (row.source, row.confirmed)
    if row.valid_to is not None:
        assert BOOK.reimbursement(row.code, row.valid_to, **person) == got


@pytest.mark.parametrize("row", BOOK.rows, ids=_row_id)
def test_pay3_fee_is_reimbursed_plus_co_payment_in_cents(row):
    assert row.fee == row.reimbursed + row.co_payment
    for amount in (row.fee, row.reimbursed, row.co_payment):
        assert isinstance(amount, Decimal) and amount == amount.quantize(EUR("0.01"))
        assert amount >= 0


@pytest.mark.parametrize("row", BOOK.rows, ids=_row_id)
def test_pay3_every_row_cites_a_source_and_says_when_its_figure_is_not_confirmed(row):
    assert "http" in row.source
    assert ("figure not confirmed" in row.source) == (not row.confirmed)


ON_2026 = date(2026, 3, 2)


def _gp(on: date, *, vt: bool, gmd: bool, age: int = 40):
    return BOOK.reimbursement("101076", on, vt=vt, gmd=gmd, age=age)


@pytest.mark.parametrize(
    ("vt", "gmd", "age", "reimbursed", "co_payment"),
    [
        (False, True, 40, "29.73", "4.00"),
        (False, False, 40, "27.73", "6.00"),
        (True, True, 40, "32.73", "1.00"),
        (True, False, 40, "32.23", "1.50"),
        (True, True, 24, "33.73", "0.00"),
        (True, True, 25, "32.73", "1.00"),
        (True, False, 24, "32.23", "1.50"),
        (False, True, 12, "29.73", "4.00"),
    ],
)
def test_dos4_gp_consultation_2026_co_payment_with_and_without_gmd(
    vt, gmd, age, reimbursed, co_payment
):
    """DOS-4: with a GMD at that GP the co-payment is EUR 4 (VT EUR 1, and nothing for VT up to
    24 years); without, EUR 6 (VT EUR 1.50). The 2026 fee is EUR 33.73."""
    got = _gp(ON_2026, vt=vt, gmd=gmd, age=age)
    assert (got.fee, got.reimbursed, got.co_payment) == (
        EUR("33.73"),
        EUR(reimbursed),
        EUR(co_payment),
    )


def test_dos4_gp_consultation_2024_is_the_official_table():
    """DOS-4, PAY-3: HZIV and VNZ 2024: fee 31.81; 27.81 / 25.81 ordinary, 30.81 / 30.31 VT."""
    on = date(2024, 6, 1)
    assert _gp(on, vt=False, gmd=True).reimbursed == EUR("27.81")
    assert _gp(on, vt=False, gmd=False).reimbursed == EUR("25.81")
    assert _gp(on, vt=True, gmd=True).reimbursed == EUR("30.81")
    assert _gp(on, vt=True, gmd=False).reimbursed == EUR("30.31")
    assert _gp(on, vt=True, gmd=True, age=18).co_payment == EUR("0.00")
    assert _gp(on, vt=False, gmd=True).confirmed


def test_dos4_gp_consultation_2025_fee():
    assert _gp(date(2025, 12, 31), vt=False, gmd=True).fee == EUR("32.84")


@pytest.mark.parametrize(
    ("vt", "gmd", "age", "reimbursed"),
    [
        (False, True, 5, "37.81"),
        (False, False, 5, "37.81"),
        (False, True, 40, "29.78"),
        (False, False, 40, "28.78"),
        (False, True, 80, "34.59"),
        (False, False, 80, "29.78"),
        (True, True, 20, "45.81"),
        (True, False, 5, "43.81"),
        (True, False, 20, "42.25"),
        (True, True, 40, "42.25"),
        (True, True, 80, "43.32"),
        (True, False, 80, "42.25"),
    ],
)
def test_dos4_gp_home_visit_2024_by_age_and_gmd(vt, gmd, age, reimbursed):
    """DOS-4, PAY-3: the home visit's reimbursement by age band (<10, 10-74, 75+), GMD and VT."""
    got = BOOK.reimbursement("103132", date(2024, 9, 9), vt=vt, gmd=gmd, age=age)
    assert (got.fee, got.reimbursed) == (EUR("45.81"), EUR(reimbursed))


@pytest.mark.parametrize("code", ["101076", "103132", "560011", "567011", "301593", "302234"])
def test_pay3_vt_gets_at_least_as_much_back_for_the_same_care(code):
    """PAY-3: a VT member gets a higher (or equal) reimbursement, never a lower one."""
    for age in (5, 20, 40, 70, 80):
        for gmd in (False, True):
            for regular in (True, False):
                figures = {}
                for vt in (False, True):
                    try:
                        figures[vt] = BOOK.reimbursement(
                            code, ON_2026, vt=vt, gmd=gmd, age=age, dental_regular=regular
                        )
                    except UnknownTariff:
                        continue
                if len(figures) == 2:
                    assert figures[True].reimbursed >= figures[False].reimbursed
                    assert figures[True].co_payment < figures[False].co_payment or (
                        figures[False].co_payment == 0
                    )


def test_pay3_physiotherapy_session_2024():
    """PAY-3: CM 2024: EUR 30 a session, EUR 6.25 co-payment, EUR 2.50 with VT."""
    on = date(2024, 4, 1)
    assert BOOK.reimbursement("560011", on, vt=False, age=40).co_payment == EUR("6.25")
    assert BOOK.reimbursement("560011", on, vt=True, age=40).co_payment == EUR("2.50")


@pytest.mark.parametrize("code", ["302153", "302175", "302190", "302212", "302234"])
def test_dos9_without_care_last_year_an_adult_gets_half_the_scaling_reimbursement(code):
    """DOS-9: from 18, no reimbursed dental care the year before halves the scaling
    reimbursement; the regular figure is the one of the sources."""
    regular = BOOK.reimbursement(code, date(2022, 9, 1), vt=False, age=30, dental_regular=True)
    irregular = BOOK.reimbursement(code, date(2022, 9, 1), vt=False, age=30, dental_regular=False)
    assert (regular.fee, regular.reimbursed, regular.co_payment) == (
        EUR("15.00"),
        EUR("11.50"),
        EUR("3.50"),
    )
    assert irregular.reimbursed == regular.reimbursed / 2
    assert irregular.co_payment > regular.co_payment
    assert regular.confirmed and not irregular.confirmed


def test_dos9_a_dental_tariff_that_depends_on_regularity_needs_the_fact():
    with pytest.raises(MissingFact, match="dental_regular"):
        BOOK.reimbursement("302234", ON_2026, vt=False, age=30)


def test_dos9_an_oral_exam_does_not_depend_on_regularity():
    """DOS-9: preventive care is outside the oral care path."""
    regular = BOOK.reimbursement("301593", ON_2026, vt=False, age=30, dental_regular=True)
    irregular = BOOK.reimbursement("301593", ON_2026, vt=False, age=30, dental_regular=False)
    assert regular == irregular == BOOK.reimbursement("301593", ON_2026, vt=False, age=30)


def test_dos9_children_get_fillings_and_oral_exams_fully_reimbursed():
    for code, age in (("373892", 8), ("374371", 16), ("371615", 17)):
        got = BOOK.reimbursement(code, ON_2026, vt=False, age=age, dental_regular=False)
        assert got.co_payment == 0
    with pytest.raises(UnknownTariff, match="aged 18"):
        BOOK.reimbursement("374371", ON_2026, vt=False, age=18)


def test_dos9_regularity_applies_from_the_18th_birthday():
    birth = date(2008, 5, 10)
    assert dental.is_regular(birth, date(2026, 5, 9), had_dental_care_previous_year=False)
    assert not dental.is_regular(birth, date(2026, 5, 10), had_dental_care_previous_year=False)
    assert dental.is_regular(birth, date(2026, 5, 10), had_dental_care_previous_year=True)


def test_dos9_age_counts_completed_years():
    assert dental.age_on(date(2008, 2, 29), date(2026, 2, 28)) == 17
    assert dental.age_on(date(2008, 2, 29), date(2026, 3, 1)) == 18
    assert dental.age_on(date(1990, 1, 1), date(1990, 1, 1)) == 0


def test_dos9_the_dental_care_pass_says_whether_a_visit_is_still_needed_this_year():
    today = date(2026, 10, 1)
    assert dental.visit_needed_this_year(date(1980, 1, 1), today, had_dental_care_this_year=False)
    assert not dental.visit_needed_this_year(
        date(1980, 1, 1), today, had_dental_care_this_year=True
    )
    # 17 next year still: care in 2027 does not depend on 2026
    assert not dental.visit_needed_this_year(
        date(2010, 6, 1), today, had_dental_care_this_year=False
    )
    # turns 18 during 2027: care in 2026 counts
    assert dental.visit_needed_this_year(date(2009, 6, 1), today, had_dental_care_this_year=False)


def test_dos9_dental_codes_are_the_shipped_dental_codes():
    assert dental.DENTAL == {code for code in BOOK.codes() if BOOK.kind(code) == "dental"}
    assert dental.is_dental(" 302234 ") and not dental.is_dental("101076")


def test_pay3_an_unknown_code_is_refused_with_a_reason():
    with pytest.raises(UnknownTariff, match="no tariff is known for nomenclature code 999999"):
        BOOK.reimbursement("999999", ON_2026, vt=False, age=40)
    with pytest.raises(UnknownTariff):
        BOOK.description("999999", "nl")
    assert issubclass(UnknownTariff, ValueError)
    assert not BOOK.knows("999999") and BOOK.knows("101076")


def test_pay3_a_date_outside_every_period_is_refused_with_the_periods_known():
    with pytest.raises(UnknownTariff) as refused:
        BOOK.reimbursement("101076", date(2023, 12, 31), vt=False, gmd=True, age=40)
    assert refused.value.code == "101076" and refused.value.on == date(2023, 12, 31)
    assert "2024-01-01 to 2026-12-31" in str(refused.value)
    with pytest.raises(UnknownTariff, match="2017-01-01 to 2017-12-31"):
        BOOK.reimbursement("102034", ON_2026, vt=False, age=40)


def test_pay3_a_person_no_row_is_for_is_refused_with_the_situation():
    with pytest.raises(UnknownTariff, match="aged 85"):
        BOOK.reimbursement("301593", ON_2026, vt=False, age=85)


def test_pay3_specialist_consultation_has_the_fixed_co_payment_since_2015():
    got = BOOK.reimbursement("102034", date(2017, 3, 1), vt=False, age=40)
    assert (got.fee, got.co_payment) == (EUR("37.15"), EUR("12.00"))
    assert BOOK.reimbursement("102034", date(2017, 3, 1), vt=True, age=40).co_payment == 3


def test_pay3_descriptions_and_agreements():
    assert "huisarts" in BOOK.description("101076", "nl")
    assert "généraliste" in BOOK.description("101076", "fr")
    assert {code for code in BOOK.codes() if BOOK.needs_agreement(code)} == {"701013", "702015"}
    assert BOOK.kind("560011") == "physiotherapy"


def test_dos5_speech_therapy_bilans_need_the_advising_physicians_agreement():
    """DOS-5: speech therapy (logopedie, art. 36), bilan and treatment, is reimbursed only once
    the advising physician agreed (cm.be). HZIV 2024: the initial bilan costs EUR 42.75, EUR
    7.50 co-payment (VT 3.00); the evolution bilan EUR 51.50, EUR 11.00 (VT 4.50)."""
    assert BOOK.needs_agreement("701013") and BOOK.needs_agreement(" 702015 ")
    assert not BOOK.needs_agreement("560011")
    assert BOOK.kind("701013") == "speech_therapy"
    on = date(2024, 3, 1)
    initial = BOOK.reimbursement("701013", on, vt=False, age=7)
    assert (initial.fee, initial.reimbursed, initial.co_payment) == (
        EUR("42.75"),
        EUR("35.25"),
        EUR("7.50"),
    )
    assert initial.confirmed and "caami-hziv.fgov.be" in initial.source
    assert BOOK.reimbursement("701013", on, vt=True, age=7).co_payment == EUR("3.00")
    assert BOOK.reimbursement("702015", on, vt=False, age=40).co_payment == EUR("11.00")
    assert BOOK.reimbursement("702015", on, vt=True, age=40).co_payment == EUR("4.50")
    assert not BOOK.reimbursement("701013", ON_2026, vt=False, age=7).confirmed


def test_pay3_the_shipped_book_is_read_once():
    assert shipped_tariffs() is BOOK


def _row(condition: Condition, fee="10.00", reimbursed="5.00") -> TariffRow:
    return TariffRow(
        "101076", date(2026, 1, 1), None, condition, EUR(fee), EUR(reimbursed), "test http://x"
    )


def test_pay3_overlapping_rows_must_nest():
    codes = {"101076": Nomenclature("101076", "nl", "fr")}
    nested = TariffBook(codes, [_row(Condition(vt=True)), _row(Condition(vt=True, age_max=24))])
    assert len(nested.rows) == 2
    with pytest.raises(TariffDataError, match="overlap"):
        TariffBook(codes, [_row(Condition(vt=True, age_max=24)), _row(Condition(gmd=True))])
    with pytest.raises(TariffDataError, match="overlap"):
        TariffBook(codes, [_row(Condition(vt=True)), _row(Condition(vt=True))])
    with pytest.raises(TariffDataError, match="above fee"):
        TariffBook(codes, [_row(Condition(), reimbursed="11.00")])
    with pytest.raises(TariffDataError, match="cents"):
        TariffBook(codes, [_row(Condition(), reimbursed="1.005")])


HEADER = (
    "code,valid_from,valid_to,vt,gmd,age_min,age_max,dental_regular,fee,reimbursed,co_payment,"
    "confirmed,sources,note\n"
)
OUR_YAML = """
codes:
  "101076": {kind: gp_consultation, nl: Raadpleging, fr: Consultation, needs_agreement: true}
sources:
  s: {title: Test source, url: "https://example.org/tariffs", date: "2026-01-01"}
"""


def test_pay3_our_loader_reads_a_directory_and_refuses_amounts_that_do_not_add_up(tmp_path):
    (tmp_path / "codes.yaml").write_text(OUR_YAML, encoding="utf-8")
    (tmp_path / "rows.csv").write_text(
        HEADER + "101076,2026-01-01,,no,,,,,30.00,26.00,4.00,yes,s,\n", encoding="utf-8"
    )
    book = load_tariffs(tmp_path)
    got = book.reimbursement("101076", date(2030, 1, 1), vt=False, age=40)
    assert got.reimbursed == EUR("26.00") and got.source.startswith("Test source, https://")
    assert book.needs_agreement("101076")
    (tmp_path / "rows.csv").write_text(
        HEADER + "101076,2026-01-01,,no,,,,,30.00,26.00,3.00,yes,s,\n", encoding="utf-8"
    )
    with pytest.raises(TariffDataError, match="rows.csv, line 2"):
        load_tariffs(tmp_path)
    (tmp_path / "rows.csv").write_text(
        HEADER + "101076,2026-01-01,,no,,,,,30.00,26.00,4.00,yes,unknown-key,\n", encoding="utf-8"
    )
    with pytest.raises(TariffDataError, match="unknown-key"):
        load_tariffs(tmp_path)


def _honoraires(code: str, desc_nl: str, desc_fr: str, rows: list[tuple]) -> str:
    """NomenSoft's fee export (nomen_honoraires.xsd) for one code: (start, end, fee code
    descriptions NL and FR, amount, document)."""
    records = "".join(
        f"""  <NOMEN_HONORAIRES>
    <nomen_code>{code}</nomen_code>
    <nomen_desc_nl>{desc_nl}</nomen_desc_nl>
    <nomen_desc_fr>{desc_fr}</nomen_desc_fr>
    <dbegin_fee>{start}</dbegin_fee>
    <dend_fee>{end}</dend_fee>
    <fee_code_cat>0</fee_code_cat>
    <fee_code_desc_nl>{fee_nl}</fee_code_desc_nl>
    <fee_code_desc_fr>{fee_fr}</fee_code_desc_fr>
    <fee>{amount}</fee>
    <author_doc>{document}</author_doc>
  </NOMEN_HONORAIRES>
"""
        for start, end, fee_nl, fee_fr, amount, document in rows
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<dataroot xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchema'
        'Location="https://webappsa.riziv-inami.fgov.be/Nomen/xsd/v2/nomen_honoraires.xsd">\n'
        f"{records}</dataroot>\n"
    )


GP_EXPORT = _honoraires(
    "101076",
    "Raadpleging in de spreekkamer van een geaccrediteerde erkende huisarts",
    "Consultation au cabinet d'un médecin généraliste agréé accrédité",
    [
        ("2024-01-01", "2999-12-31", "Honorarium", "Honoraire", "31.810000", "OA2023_1"),
        ("2024-01-01", "2999-12-31", "Tegemoetkoming", "Intervention sans régime préférentiel",
         "25.810000", "OA2023_1"),
        ("2024-01-01", "2999-12-31", "Tegemoetkoming", "Intervention avec régime préférentiel",
         "30.310000", "OA2023_1"),
        ("2024-01-01", "2999-12-31", "Tegemoetkoming",
         "Intervention sans régime préférentiel dans le cadre du DMG", "27.810000", "OA2023_1"),
        ("2024-01-01", "2999-12-31", "Tegemoetkoming",
         "Intervention avec régime préférentiel dans le cadre du DMG", "30.810000", "OA2023_1"),
        ("2024-01-01", "2999-12-31", "Tegemoetkoming",
         "Intervention avec régime préférentiel jusqu'au 25ème anniversaire dans le cadre du DMG",
         "31.810000", "OA2023_1"),
        ("2024-01-01", "2999-12-31", "Remgeld", "Ticket modérateur", "4.000000", "OA2023_1"),
        ("2024-01-01", "2999-12-31", "Tegemoetkoming",
         "Intervention sans régime préférentiel prestataire non conventionné à taux exceptionnel",
         "20.000000", "OA2023_1"),
    ],
)  # fmt: skip

SCALING_EXPORT = _honoraires(
    "302234",
    "Verwijderen van tandsteen, meerdere kwadranten",
    "Détartrage, plusieurs quadrants",
    [
        ("2022-06-01", "2999-12-31", "Honorarium", "Honoraire", "15.000000", "OA2022_1"),
        ("2022-06-01", "2999-12-31", "Tegemoetkoming", "Intervention sans régime préférentiel",
         "11.500000", "OA2022_1"),
        ("2022-06-01", "2999-12-31", "Tegemoetkoming", "Intervention avec régime préférentiel",
         "15.000000", "OA2022_1"),
        ("2022-06-01", "2999-12-31", "Tegemoetkoming",
         "Intervention sans régime préférentiel pas de prestations dans l'année calendrier "
         "précédente", "5.750000", "OA2022_1"),
    ],
)  # fmt: skip


def test_pay3_dos4_a_nomensoft_export_reads_into_the_same_model(tmp_path):
    """PAY-3, DOS-4: RIZIV's own layout gives the same figures as our rows for 2024."""
    export = tmp_path / "101076.xml"
    export.write_text(GP_EXPORT, encoding="utf-8")
    book = load_riziv_export(export)
    on = date(2024, 6, 1)
    for vt, gmd, age in [(False, True, 40), (False, False, 40), (True, True, 40), (True, False, 40),
                         (True, True, 18), (True, True, 25)]:  # fmt: skip
        got = book.reimbursement("101076", on, vt=vt, gmd=gmd, age=age)
        assert (got.fee, got.reimbursed, got.co_payment) == (
            lambda r: (r.fee, r.reimbursed, r.co_payment)
        )(BOOK.reimbursement("101076", on, vt=vt, gmd=gmd, age=age))
        assert got.source == "RIZIV NomenSoft export 101076.xml, OA2023_1" and got.confirmed
    assert book.description("101076", "fr").startswith("Consultation au cabinet")
    assert book.reimbursement("101076", date(2040, 1, 1), vt=False, age=40).fee == EUR("31.81")
    reasons = {row.description: row.reason for row in book.skipped}
    assert "co-payment" in reasons["Ticket modérateur"]
    assert "not understood" in next(r for d, r in reasons.items() if "non conventionné" in d)


def test_dos9_a_nomensoft_export_marks_the_regular_and_the_irregular_rows(tmp_path):
    """DOS-9: "pas de prestations dans l'année calendrier précédente" is the irregular row;
    the others of the code and period are then the regular ones."""
    export = tmp_path / "302234.xml"
    export.write_text(SCALING_EXPORT, encoding="utf-8")
    book = load_riziv_export(export)
    on = date(2024, 1, 1)
    assert book.reimbursement(
        "302234", on, vt=False, age=30, dental_regular=True
    ).reimbursed == EUR("11.50")
    assert book.reimbursement(
        "302234", on, vt=False, age=30, dental_regular=False
    ).co_payment == EUR("9.25")
    with pytest.raises(MissingFact):
        book.reimbursement("302234", on, vt=False, age=30)
    with pytest.raises(UnknownTariff):  # no VT row for the irregular: not guessed
        book.reimbursement("302234", on, vt=True, age=30, dental_regular=False)


def test_pay3_a_nomensoft_csv_with_the_same_columns_reads_the_same(tmp_path):
    """PAY-3: the CSV export of the same columns, Belgian style (semicolons, decimal commas,
    dates as dd/mm/yyyy), reads like the XML."""
    export = tmp_path / "fees.csv"
    export.write_text(
        "NOMEN_CODE;NOMEN_DESC_NL;NOMEN_DESC_FR;DBEGIN_FEE;DEND_FEE;FEE_CODE_CAT;FEE_CODE_DESC_NL;"
        "FEE_CODE_DESC_FR;FEE;AUTHOR_DOC\n"
        "560011;Zitting;Séance;01/01/2024;31/12/2999;0;Honorarium;Honoraire;30,00;X\n"
        "560011;Zitting;Séance;01/01/2024;31/12/2999;1;Tegemoetkoming zonder voorkeurregeling;;"
        "23,75;X\n"
        "560011;Zitting;Séance;01/01/2024;31/12/2999;1;Tegemoetkoming met voorkeurregeling;;"
        "27,50;X\n",
        encoding="utf-8",
    )
    book = load_riziv_export(export)
    assert book.reimbursement("560011", date(2024, 2, 1), vt=False, age=50).co_payment == EUR(
        "6.25"
    )
    assert book.reimbursement("560011", date(2024, 2, 1), vt=True, age=50).co_payment == EUR("2.50")
    assert book.description("560011", "nl") == "Zitting"


def test_pay3_the_full_nomensoft_export_joins_the_fee_code_descriptions(tmp_path):
    """PAY-3: in the full export a row names its fee code; NOMEN_FEECODES describes it."""
    export = tmp_path / "full.xml"
    export.write_text(
        "<dataroot>"
        "<NOMEN_FEECODES><fee_code>1</fee_code><fee_code_desc_fr>Honoraire</fee_code_desc_fr>"
        "</NOMEN_FEECODES>"
        "<NOMEN_FEECODES><fee_code>2</fee_code>"
        "<fee_code_desc_fr>Intervention avec régime préférentiel</fee_code_desc_fr>"
        "</NOMEN_FEECODES>"
        "<NOMEN_CODE_FEE_LIM><nomen_code>560011</nomen_code><fee_code>1</fee_code>"
        "<dbegin_fee>2024-01-01T00:00:00</dbegin_fee><dend_fee>2024-12-31</dend_fee>"
        "<fee>30</fee></NOMEN_CODE_FEE_LIM>"
        "<NOMEN_CODE_FEE_LIM><nomen_code>560011</nomen_code><fee_code>2</fee_code>"
        "<dbegin_fee>2024-01-01</dbegin_fee><dend_fee>2024-12-31</dend_fee>"
        "<fee>27.5</fee></NOMEN_CODE_FEE_LIM>"
        "</dataroot>",
        encoding="utf-8",
    )
    book = load_riziv_export(export)
    got = book.reimbursement("560011", date(2024, 12, 31), vt=True, age=50)
    assert (got.fee, got.co_payment) == (EUR("30.00"), EUR("2.50"))
    with pytest.raises(UnknownTariff, match="2024-01-01 to 2024-12-31"):
        book.reimbursement("560011", date(2025, 1, 1), vt=True, age=50)


def test_pay1_riziv_number_accepts_modulo_97_and_modulo_89_check_digits():
    """PAY-1: the provider on a certificate: check digits 97 - (n mod 97), or 89 - (n mod 89)
    for the numbers handed out since RIZIV's note I 2012/26."""
    assert normalize_riziv_number("1-00055-49-004") == "10005549004"
    assert normalize_riziv_number("1-00055-70-004") == "10005570004"
    with pytest.raises(InvalidIdentifier, match="check digits"):
        normalize_riziv_number("1-00055-48-004")
    with pytest.raises(InvalidIdentifier, match="11 digits"):
        normalize_riziv_number("1-00055-49")


def test_pay1_provider_kind_from_the_riziv_number():
    assert provider_kind("1-00055-49-004") == "general practitioner"
    assert provider_kind("1-00055-49-580") == "physician"
    assert provider_kind("3-00055-63-001") == "dentist"
    assert provider_kind("5-00055-77-001") == "physiotherapist"
