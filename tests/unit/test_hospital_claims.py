"""PAY-5: hospitalisation-insurance claims computed from the Neutra product sheet (seed 003).

Every cell of the sheet's tables is a golden test below (one test per table row, parametrised by
product), followed by the rules around them: deductibles and maxima over a year, a stay over New
Year, the pre/post window, foreign cover, exclusions, the 3-year prescription and the order of
intervention. Dates are in 2026, the year the shipped tables are taken to be valid from."""

from dataclasses import FrozenInstanceError
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from services.payments.domain.hospital.calendar import (
    add_months,
    nights_per_year,
)
from services.payments.domain.hospital.claims import (
    AroundStay,
    Cause,
    Claim,
    ClaimDecision,
    DayAdmission,
    DentalCare,
    Forfait,
    HomeBirth,
    HospitalStay,
    Line,
    PsychiatricStay,
    Room,
    SeriousIllnessCare,
    YearUsage,
    decide_claim,
)
from services.payments.domain.hospital.products import LineKind as K
from services.payments.domain.hospital.products import Product as P
from services.payments.domain.hospital.tables import (
    TABLES_DIR,
    HospitalTableError,
    load_hospital_table,
    shipped_hospital_tables,
    table_for,
)

D = Decimal
ADMITTED, DISCHARGED = date(2026, 3, 2), date(2026, 3, 5)  # three nights
FILED = date(2026, 7, 1)
AFTER = date(2026, 4, 15)  # within three months of the discharge
PLUS_CONFORT_TOP = (P.PLUS, P.CONFORT, P.TOP)


def stay(room: Room = Room.SHARED, admitted=ADMITTED, discharged=DISCHARGED) -> HospitalStay:
    return HospitalStay(admitted, discharged, room)


def decide(product, care, *lines, country="BE", causes=(), history=None, filed=FILED):
    claim = Claim(product, filed, care, tuple(lines), country, frozenset(causes))
    return decide_claim(claim, history)


def cells(*pairs):
    """Parametrise a table row over its products: (product, expected, id of the sheet's cell)."""
    return pytest.mark.parametrize(
        ("product", "expected"),
        [pytest.param(product, D(value), id=cell) for product, value, cell in pairs],
    )


def deducted(year=2026, **taken) -> dict[int, YearUsage]:
    return {year: YearUsage(deducted={k: D(v) for k, v in taken.items()})}


# --- Table "Neutra Base / Neutra Optimum" -------------------------------------------------------


@cells(
    (P.BASE, "100.00", "neutra_base-max_100_per_day"),
    (P.OPTIMUM, "200.00", "neutra_optimum-max_200_per_day"),
)
def test_pay5_day_admission_one_day_clinic_max_per_day(product, expected):
    """'Dagopname indien facturatie van een forfait in "one day clinic"': Max. 100 / 200 € per
    dag; day admissions are outside the yearly maximum."""
    care = DayAdmission(ADMITTED, Forfait.ONE_DAY_CLINIC)
    decision = decide(
        product, care, Line(K.FEES, D("350"), ziv_paid=D("50")), Line(K.OTHER, D("20"))
    )

    assert decision.benefit == expected
    assert decision.lines[0].row.startswith("Dagopname indien facturatie")
    assert "yearly_maximum" not in decision.usage.get(2026, YearUsage()).paid


@cells(
    (P.BASE, "60.00", "neutra_base-max_60_per_day"),
    (P.OPTIMUM, "60.00", "neutra_optimum-max_60_per_day"),
)
def test_pay5_day_admission_sterilisation_contraception_ivf_not_ziv_max_60_per_day(
    product, expected
):
    care = DayAdmission(ADMITTED, Forfait.ONE_DAY_CLINIC, fertility_not_ziv=True)
    decision = decide(product, care, Line(K.OTHER, D("400"), ziv_reimbursed=False))

    assert decision.benefit == expected
    assert decision.lines[0].row.startswith("Voor sterilisatie, anticonceptie")


@cells(
    (P.BASE, "20.00", "neutra_base-5_per_day"),
    (P.OPTIMUM, "20.00", "neutra_optimum-5_per_day"),
)
def test_pay5_hospital_hotel_5_per_day(product, expected):
    """'Verblijf in een ziekenhuishotel of opvangcentrum': 5 € per dag (deductible taken)."""
    line = Line(K.HOSPITAL_HOTEL, D("240"), quantity=4)
    decision = decide(product, stay(), line, history=deducted(stay="200"))

    assert decision.benefit == expected
    assert decision.lines[0].row == "Verblijf in een ziekenhuishotel of opvangcentrum"


@cells(
    (P.BASE, "100.00", "neutra_base-200_per_year"),
    (P.OPTIMUM, "100.00", "neutra_optimum-200_per_year"),
)
def test_pay5_deductible_base_optimum_200_per_year(product, expected):
    """'Vrijstelling': 200 € per jaar, on a stay of more than one day: 60 days x 5 = 300 - 200."""
    decision = decide(product, stay(), Line(K.HOSPITAL_HOTEL, D("900"), quantity=60))

    assert decision.benefit == expected
    assert decision.usage[2026].deducted == {"stay": D("200.00")}
    assert (
        "'Vrijstelling': 200 € per jaar (2026): 200.00 EUR deducted"
        in decision.lines[0].reasons[-1]
    )


@cells(
    (P.BASE, "50.00", "neutra_base-1000"),
    (P.OPTIMUM, "50.00", "neutra_optimum-3000"),
)
def test_pay5_yearly_maximum_base_1000_optimum_3000(product, expected):
    """'Het jaarlijkse maximumbedrag van de terugbetalingen ... bedraagt' 1.000 € / 3.000 €."""
    already = {"base": "950", "optimum": "2950"}[product.value]
    history = {2026: YearUsage(paid={"yearly_maximum": D(already)}, deducted={"stay": D("200")})}
    decision = decide(
        product, stay(), Line(K.HOSPITAL_HOTEL, D("500"), quantity=20), history=history
    )

    assert decision.benefit == expected
    assert decision.usage[2026].paid["yearly_maximum"] == D(already) + expected


@cells(
    (P.BASE, "100.00", "neutra_base-max_100"),
    (P.OPTIMUM, "150.00", "neutra_optimum-max_150"),
)
def test_pay5_home_birth_related_costs_max(product, expected):
    """'Thuisbevalling: Terugbetaling van gerelateerde kosten': Max. 100 € / Max. 150 €."""
    decision = decide(product, HomeBirth(ADMITTED), Line(K.FEES, D("400"), ziv_paid=D("100")))

    assert decision.benefit == expected


@pytest.mark.parametrize(
    ("product", "row", "amount"),
    [
        pytest.param(P.BASE, 0, "6.14", id="neutra_base-geen_personen_ten_laste-6.14"),
        pytest.param(P.BASE, 1, "8.64", id="neutra_base-met_personen_ten_laste-8.64"),
        pytest.param(P.OPTIMUM, 0, "12.35", id="neutra_optimum-geen_personen_ten_laste-12.35"),
        pytest.param(P.OPTIMUM, 1, "16.09", id="neutra_optimum-met_personen_ten_laste-16.09"),
    ],
)
def test_pay5_monthly_premium_per_family(product, row, amount):
    table = table_for(product, ADMITTED)

    assert table.premiums_label == "Maandelijkse bijdragen per gezin vanaf 1 januari"
    assert table.premiums[row].amount == D(amount)


# --- Table "Neutra + / Neutra Confort / Neutra Top": Kosten tijdens de hospitalisatie ----------


@cells(
    (P.PLUS, "150.00", "neutra_plus-max_50_per_day"),
    (P.CONFORT, "450.00", "neutra_confort-max_150_per_day"),
    (P.TOP, "750.00", "neutra_top-max_250_per_day"),
)
def test_pay5_room_max_per_day(product, expected):
    """'Verblijfskosten (kamer)': three days of a shared room billed 1.000 €."""
    decision = decide(product, stay(), Line(K.ROOM, D("1000")))

    assert decision.benefit == expected
    assert decision.lines[0].row == "Verblijfskosten (kamer)"


def test_pay5_room_neutra_confort_max_150_per_day_pays_less_when_less_is_charged():
    assert decide(P.CONFORT, stay(), Line(K.ROOM, D("240"))).benefit == D("240.00")


@cells(
    (P.PLUS, "100.00", "neutra_plus-max_1x_legal_fee"),
    (P.CONFORT, "300.00", "neutra_confort-max_3x_legal_fee"),
    (P.TOP, "400.00", "neutra_top-max_4x_legal_fee"),
)
def test_pay5_doctors_fees_multiple_of_legal_fee(product, expected):
    """'Erelonen en ereloonsupplementen van artsen': Max. 1x / 3x / 4x het wettelijke ereloon."""
    line = Line(K.FEES, D("600"), ziv_paid=D("75"), legal_fee=D("100"))

    assert decide(product, stay(), line).benefit == expected


@cells(
    (P.PLUS, "90.00", "neutra_plus-100_percent"),
    (P.CONFORT, "90.00", "neutra_confort-100_percent"),
    (P.TOP, "90.00", "neutra_top-100_percent"),
)
def test_pay5_pharmacy_during_stay_recognised_or_not_100_percent(product, expected):
    """'Farmaceutische kosten (al dan niet erkend door de Z.I.V.)': 100 % terugbetaald."""
    recognised = Line(K.PHARMACY_ZIV, D("40"), ziv_paid=D("10"))
    not_recognised = Line(K.PHARMACY_NON_ZIV, D("60"))
    decision = decide(product, stay(), recognised, not_recognised)

    assert [d.benefit for d in decision.lines] == [D("30.00"), D("60.00")]
    assert decision.benefit == expected


@cells(
    (P.PLUS, "300.00", "neutra_plus-max_1x_legal_intervention"),
    (P.CONFORT, "900.00", "neutra_confort-max_3x_legal_intervention"),
    (P.TOP, "1200.00", "neutra_top-100_percent"),
)
def test_pay5_prostheses_art_27_31_multiple_of_legal_intervention(product, expected):
    line = Line(K.PROSTHESIS, D("1500"), ziv_paid=D("300"), legal_intervention=D("300"))
    decision = decide(product, stay(), line)

    assert decision.benefit == expected
    assert decision.lines[0].row.startswith("Prothesen die zijn opgenomen in artikel 27")


@cells(
    (P.PLUS, "0.00", "neutra_plus-not_in_sheet"),
    (P.CONFORT, "0.00", "neutra_confort-not_in_sheet"),
    (P.TOP, "250.00", "neutra_top-100_percent_alsook_medisch_materiaal"),
)
def test_pay5_medical_material_purchase_during_stay(product, expected):
    """Top: '100% alsook voor medisch materiaal'; + and Confort have no row for it."""
    decision = decide(product, stay(), Line(K.MATERIAL_PURCHASE, D("250")))

    assert decision.benefit == expected
    if expected == 0:
        assert "not in the product sheet" in decision.lines[0].reasons[-1]


@cells(
    (P.PLUS, "30.00", "neutra_plus-max_10_per_night"),
    (P.CONFORT, "45.00", "neutra_confort-max_15_per_night"),
    (P.TOP, "75.00", "neutra_top-max_25_per_night"),
)
def test_pay5_parent_staying_with_child_under_12_per_night(product, expected):
    decision = decide(product, stay(), Line(K.PARENT_STAY, D("120")))

    assert decision.benefit == expected
    assert decision.usage[2026].counts["parent_stay"] == 3


@cells(
    (P.PLUS, "10.00", "neutra_plus-30_nights_per_year"),
    (P.CONFORT, "15.00", "neutra_confort-30_nights_per_year"),
    (P.TOP, "25.00", "neutra_top-30_nights_per_year"),
)
def test_pay5_parent_staying_30_nights_per_calendar_year(product, expected):
    history = {2026: YearUsage(counts={"parent_stay": 29})}
    decision = decide(product, stay(), Line(K.PARENT_STAY, D("120")), history=history)

    assert decision.benefit == expected
    assert decision.usage[2026].counts["parent_stay"] == 30
    assert "1 of 3; 30 per calendar year, 29 used in 2026" in decision.lines[0].reasons[1]


@cells(
    (P.PLUS, "0.00", "neutra_plus-dash"),
    (P.CONFORT, "200.00", "neutra_confort-100_percent"),
    (P.TOP, "200.00", "neutra_top-100_percent"),
)
def test_pay5_medical_material_rental_during_stay(product, expected):
    decision = decide(product, stay(), Line(K.MATERIAL_RENTAL, D("200")))

    assert decision.benefit == expected
    if expected == 0:
        assert decision.lines[0].reasons[-1] == (
            "'Huur van medisch materiaal': -: not covered by Neutra +; 0.00 EUR"
        )


@cells(
    (P.PLUS, "0.00", "neutra_plus-dash"),
    (P.CONFORT, "15.00", "neutra_confort-max_5_per_night"),
    (P.TOP, "30.00", "neutra_top-max_10_per_night"),
)
def test_pay5_miscellaneous_costs_per_night(product, expected):
    assert decide(product, stay(), Line(K.MISC, D("60"))).benefit == expected


@cells(
    (P.PLUS, "50.00", "neutra_plus-as_ordinary_hospitalisation"),
    (P.CONFORT, "150.00", "neutra_confort-as_ordinary_hospitalisation"),
    (P.TOP, "250.00", "neutra_top-as_ordinary_hospitalisation"),
)
def test_pay5_day_admission_mini_or_maxi_forfait_paid_as_hospitalisation(product, expected):
    """'Dagopname indien een mini- of maxiforfait wordt aangerekend': one day of room."""
    decision = decide(product, DayAdmission(ADMITTED, Forfait.MINI_MAXI), Line(K.ROOM, D("400")))

    assert decision.benefit == expected
    assert decision.lines[0].reasons[1] == (
        "'Dagopname indien een mini- of maxiforfait wordt aangerekend': "
        "Terugbetaald zoals een gewone hospitalisatie"
    )


@cells(
    (P.PLUS, "150.00", "neutra_plus-dash"),
    (P.CONFORT, "325.00", "neutra_confort-125_per_calendar_year"),
    (P.TOP, "650.00", "neutra_top-100_per_calendar_year"),
)
def test_pay5_single_room_deductible(product, expected):
    """'Vrijstelling in geval van eenpersoonskamer': - / 125 € / 100 € per kalenderjaar."""
    decision = decide(product, stay(Room.SINGLE), Line(K.ROOM, D("1000")))

    assert decision.benefit == expected


@cells(
    (P.PLUS, "200.00", "neutra_plus-no_maximum"),
    (P.CONFORT, "50.00", "neutra_confort-10000_non_ziv_pharmacy"),
    (P.TOP, "50.00", "neutra_top-10000_non_ziv_pharmacy"),
)
def test_pay5_yearly_maximum_non_ziv_pharmacy_10000(product, expected):
    history = {2026: YearUsage(paid={"pharmacy_non_ziv": D("9950")})}
    decision = decide(product, stay(), Line(K.PHARMACY_NON_ZIV, D("200")), history=history)

    assert decision.benefit == expected


@cells(
    (P.PLUS, "300.00", "neutra_plus-no_maximum"),
    (P.CONFORT, "100.00", "neutra_confort-10000_prostheses_implants_material"),
    (P.TOP, "100.00", "neutra_top-10000_prostheses_implants_material"),
)
def test_pay5_yearly_maximum_prostheses_implants_material_10000(product, expected):
    history = {2026: YearUsage(paid={"prostheses_implants_material": D("9900")})}
    line = Line(K.PROSTHESIS, D("600"), ziv_paid=D("300"), legal_intervention=D("300"))
    decision = decide(product, stay(), line, history=history)

    assert decision.benefit == expected


# --- Verstrekkingen voor en na de hospitalisatie (2 maanden ervoor en 3 maanden erna) ----------


def around(*lines, product, **kwargs):
    return decide(product, AroundStay(stay()), *lines, **kwargs)


@cells(
    (P.PLUS, "50.00", "neutra_plus-max_1x_legal_intervention"),
    (P.CONFORT, "150.00", "neutra_confort-max_3x_legal_intervention"),
    (P.TOP, "250.00", "neutra_top-100_percent"),
)
def test_pay5_pre_post_fees_physio_nurses_analyses(product, expected):
    line = Line(K.FEES, D("300"), ziv_paid=D("50"), legal_intervention=D("50"), on=AFTER)

    assert around(line, product=product).benefit == expected


@cells(
    (P.PLUS, "10.00", "neutra_plus-100_percent"),
    (P.CONFORT, "10.00", "neutra_confort-100_percent"),
    (P.TOP, "10.00", "neutra_top-100_percent"),
)
def test_pay5_pre_post_pharmacy_recognised_by_ziv(product, expected):
    line = Line(K.PHARMACY_ZIV, D("30"), ziv_paid=D("20"), on=AFTER)

    assert around(line, product=product).benefit == expected


@cells(
    (P.PLUS, "16.67", "neutra_plus-50_percent"),
    (P.CONFORT, "16.67", "neutra_confort-50_percent"),
    (P.TOP, "33.33", "neutra_top-100_percent"),
)
def test_pay5_pre_post_pharmacy_not_recognised_by_ziv(product, expected):
    """50 % of 33,33 € is 16,665 €, rounded half up to 16,67 €."""
    assert (
        around(Line(K.PHARMACY_NON_ZIV, D("33.33"), on=AFTER), product=product).benefit == expected
    )


@cells(
    (P.PLUS, "0.00", "neutra_plus-dash"),
    (P.CONFORT, "100.00", "neutra_confort-100_percent"),
    (P.TOP, "100.00", "neutra_top-100_percent"),
)
def test_pay5_pre_post_medical_material_rental(product, expected):
    assert around(Line(K.MATERIAL_RENTAL, D("100"), on=AFTER), product=product).benefit == expected


@cells(
    (P.PLUS, "150.00", "neutra_plus-ambulance_100_percent"),
    (P.CONFORT, "150.00", "neutra_confort-ambulance_100_percent"),
    (P.TOP, "150.00", "neutra_top-ambulance_100_percent"),
)
def test_pay5_ambulance_100_percent(product, expected):
    line = Line(K.AMBULANCE, D("250"), ziv_paid=D("100"), on=AFTER)

    assert around(line, product=product).benefit == expected


@cells(
    (P.PLUS, "375.00", "neutra_plus-helicopter_max_375_per_case"),
    (P.CONFORT, "375.00", "neutra_confort-helicopter_max_375_per_case"),
    (P.TOP, "375.00", "neutra_top-helicopter_max_375_per_case"),
)
def test_pay5_helicopter_max_375_per_case(product, expected):
    decision = decide(product, stay(), Line(K.HELICOPTER, D("2000")))

    assert decision.benefit == expected
    assert decision.lines[0].row == "Ambulance- en helikopterkosten (indien medische reden)"


@cells(
    (P.PLUS, "200.00", "neutra_plus-max_200"),
    (P.CONFORT, "400.00", "neutra_confort-max_400"),
    (P.TOP, "600.00", "neutra_top-max_600"),
)
def test_pay5_home_birth_care_max(product, expected):
    """'Terugbetaling van de zorgen Thuisbetalling' (sic, home birth): Max. 200 / 400 / 600 €."""
    lines = (Line(K.FEES, D("700"), ziv_paid=D("200")), Line(K.OTHER, D("200")))
    decision = decide(product, HomeBirth(ADMITTED), *lines)

    assert decision.benefit == expected


@cells(
    (P.PLUS, "50.00", "neutra_plus-max_10_per_night"),
    (P.CONFORT, "75.00", "neutra_confort-max_15_per_night"),
    (P.TOP, "100.00", "neutra_top-max_20_per_night"),
)
def test_pay5_psychiatric_stay_services_34_to_43_per_night(product, expected):
    care = PsychiatricStay(date(2026, 5, 4), date(2026, 5, 9), service=34)
    decision = decide(product, care, Line(K.OTHER, D("500"), ziv_paid=D("100")))

    assert decision.benefit == expected
    assert decision.usage[2026].counts["psychiatric"] == 5


@cells(
    (P.PLUS, "20.00", "neutra_plus-30_nights_per_year"),
    (P.CONFORT, "30.00", "neutra_confort-30_nights_per_year"),
    (P.TOP, "40.00", "neutra_top-30_nights_per_year"),
)
def test_pay5_psychiatric_stay_30_nights_per_calendar_year(product, expected):
    care = PsychiatricStay(date(2026, 5, 4), date(2026, 5, 9), service=43)
    history = {2026: YearUsage(counts={"psychiatric": 28})}

    assert decide(product, care, Line(K.OTHER, D("500")), history=history).benefit == expected


# --- Ernstige ziekten ---------------------------------------------------------------------------

ILL_ON = date(2026, 5, 10)
DEDUCTIBLE_TAKEN = deducted(serious_illness="125")


def serious(*lines, product, history=DEDUCTIBLE_TAKEN, disease="kanker"):
    return decide(product, SeriousIllnessCare(disease), *lines, history=history)


@cells(
    (P.PLUS, "50.00", "neutra_plus-max_1x_legal_intervention"),
    (P.CONFORT, "150.00", "neutra_confort-max_3x_legal_intervention"),
    (P.TOP, "250.00", "neutra_top-100_percent"),
)
def test_pay5_serious_illness_fees(product, expected):
    line = Line(K.FEES, D("300"), ziv_paid=D("50"), legal_intervention=D("50"), on=ILL_ON)

    assert serious(line, product=product).benefit == expected


@cells(
    (P.PLUS, "10.00", "neutra_plus-100_percent"),
    (P.CONFORT, "10.00", "neutra_confort-100_percent"),
    (P.TOP, "10.00", "neutra_top-100_percent"),
)
def test_pay5_serious_illness_pharmacy_recognised(product, expected):
    line = Line(K.PHARMACY_ZIV, D("30"), ziv_paid=D("20"), on=ILL_ON)

    assert serious(line, product=product).benefit == expected


@cells(
    (P.PLUS, "40.00", "neutra_plus-50_percent"),
    (P.CONFORT, "40.00", "neutra_confort-50_percent"),
    (P.TOP, "80.00", "neutra_top-100_percent"),
)
def test_pay5_serious_illness_pharmacy_not_recognised(product, expected):
    assert (
        serious(Line(K.PHARMACY_NON_ZIV, D("80"), on=ILL_ON), product=product).benefit == expected
    )


@cells(
    (P.PLUS, "150.00", "neutra_plus-100_percent"),
    (P.CONFORT, "150.00", "neutra_confort-100_percent"),
    (P.TOP, "150.00", "neutra_top-100_percent"),
)
def test_pay5_serious_illness_ambulance(product, expected):
    line = Line(K.AMBULANCE, D("250"), ziv_paid=D("100"), on=ILL_ON)

    assert serious(line, product=product).benefit == expected


@cells(
    (P.PLUS, "100.00", "neutra_plus-100_percent"),
    (P.CONFORT, "100.00", "neutra_confort-100_percent"),
    (P.TOP, "100.00", "neutra_top-100_percent"),
)
def test_pay5_serious_illness_medical_material_rental(product, expected):
    assert (
        serious(Line(K.MATERIAL_RENTAL, D("100"), on=ILL_ON), product=product).benefit == expected
    )


@cells(
    (P.PLUS, "0.00", "neutra_plus-dash"),
    (P.CONFORT, "0.00", "neutra_confort-dash"),
    (P.TOP, "120.00", "neutra_top-100_percent"),
)
def test_pay5_serious_illness_medical_supplies_purchase(product, expected):
    line = Line(K.MATERIAL_PURCHASE, D("120"), on=ILL_ON)

    assert serious(line, product=product).benefit == expected


@cells(
    (P.PLUS, "30.00", "neutra_plus-0.15_per_km"),
    (P.CONFORT, "30.00", "neutra_confort-0.15_per_km"),
    (P.TOP, "30.00", "neutra_top-0.15_per_km"),
)
def test_pay5_serious_illness_transport_015_per_km(product, expected):
    line = Line(K.TRANSPORT_KM, D("40"), quantity=200, ziv_reimbursed=False, on=ILL_ON)

    assert serious(line, product=product).benefit == expected


@cells(
    (P.PLUS, "15.00", "neutra_plus-max_125_per_year"),
    (P.CONFORT, "15.00", "neutra_confort-max_125_per_year"),
    (P.TOP, "15.00", "neutra_top-max_125_per_year"),
)
def test_pay5_serious_illness_transport_max_125_per_calendar_year(product, expected):
    history = {
        2026: YearUsage(paid={"transport_km": D("110")}, deducted={"serious_illness": D("125")})
    }
    line = Line(K.TRANSPORT_KM, D("40"), quantity=200, on=ILL_ON)
    decision = serious(line, product=product, history=history)

    assert decision.benefit == expected
    assert decision.usage[2026].paid["transport_km"] == D("125.00")


@cells(
    (P.PLUS, "0.00", "neutra_plus-125_per_year"),
    (P.CONFORT, "25.00", "neutra_confort-125_per_year"),
    (P.TOP, "125.00", "neutra_top-125_per_year"),
)
def test_pay5_serious_illness_deductible_125_per_calendar_year(product, expected):
    line = Line(K.FEES, D("300"), ziv_paid=D("50"), legal_intervention=D("50"), on=ILL_ON)
    decision = serious(line, product=product, history=None)

    assert decision.benefit == expected
    taken = min(D("125"), {P.PLUS: D("50"), P.CONFORT: D("150"), P.TOP: D("250")}[product])
    assert decision.usage[2026].deducted == {"serious_illness": taken}


# --- Tandheelkundige zorg, geldig in België -----------------------------------------------------

TOOTH_ON = date(2026, 6, 1)


def dental(*lines, product, country="BE", history=None):
    return decide(product, DentalCare(), *lines, country=country, history=history)


@cells(
    (P.PLUS, "7.63", "neutra_plus-50_percent_remgeld"),
    (P.CONFORT, "7.63", "neutra_confort-50_percent_remgeld"),
    (P.TOP, "7.63", "neutra_top-50_percent_remgeld"),
)
def test_pay5_dental_belgium_preventive_50_percent_of_co_payment(product, expected):
    """50 % of a 15,25 € remgeld is 7,625 €, rounded half up."""
    line = Line(
        K.DENTAL_PREVENTIVE, D("60"), ziv_paid=D("44.75"), co_payment=D("15.25"), on=TOOTH_ON
    )

    assert dental(line, product=product).benefit == expected


@cells(
    (P.PLUS, "50.00", "neutra_plus-50_percent_remgeld"),
    (P.CONFORT, "50.00", "neutra_confort-50_percent_remgeld"),
    (P.TOP, "50.00", "neutra_top-50_percent_remgeld"),
)
def test_pay5_dental_belgium_prosthesis_with_ziv_50_percent_of_co_payment(product, expected):
    line = Line(K.DENTAL_PROSTHESIS, D("800"), ziv_paid=D("500"), co_payment=D("100"), on=TOOTH_ON)

    assert dental(line, product=product).benefit == expected


@cells(
    (P.PLUS, "50.00", "neutra_plus-50_max_per_year"),
    (P.CONFORT, "100.00", "neutra_confort-100_max_per_year"),
    (P.TOP, "200.00", "neutra_top-200_max_per_year"),
)
def test_pay5_dental_belgium_plate_prosthesis_max_per_calendar_year(product, expected):
    first = dental(Line(K.DENTAL_PLATE, D("400"), on=TOOTH_ON), product=product)
    again = dental(
        Line(K.DENTAL_PLATE, D("400"), on=TOOTH_ON), product=product, history=first.usage
    )

    assert (first.benefit, again.benefit) == (expected, D("0.00"))


@cells(
    (P.PLUS, "100.00", "neutra_plus-50_per_crown"),
    (P.CONFORT, "200.00", "neutra_confort-100_per_crown"),
    (P.TOP, "400.00", "neutra_top-200_per_crown"),
)
def test_pay5_dental_belgium_crown_per_crown(product, expected):
    assert (
        dental(Line(K.DENTAL_CROWN, D("1000"), quantity=2, on=TOOTH_ON), product=product).benefit
        == expected
    )


@cells(
    (P.PLUS, "50.00", "neutra_plus-50_per_implant"),
    (P.CONFORT, "100.00", "neutra_confort-100_per_implant"),
    (P.TOP, "200.00", "neutra_top-200_per_implant"),
)
def test_pay5_dental_belgium_implant_per_implant(product, expected):
    assert (
        dental(Line(K.DENTAL_IMPLANT, D("1200"), on=TOOTH_ON), product=product).benefit == expected
    )


@pytest.mark.parametrize(
    "kind,counter", [(K.DENTAL_CROWN, "crowns"), (K.DENTAL_IMPLANT, "implants")]
)
def test_pay5_dental_crowns_and_implants_max_5_per_calendar_year(kind, counter):
    history = {2026: YearUsage(counts={counter: 4})}
    decision = dental(
        Line(kind, D("3000"), quantity=3, on=TOOTH_ON), product=P.TOP, history=history
    )

    assert decision.benefit == D("200.00")  # one of three
    assert decision.usage[2026].counts[counter] == 5


# --- Tandheelkundige zorg, geldig in Duitsland, Frankrijk, Luxemburg en Nederland ----------------


@cells(
    (P.PLUS, "6.00", "neutra_plus-6"),
    (P.CONFORT, "6.00", "neutra_confort-6"),
    (P.TOP, "6.00", "neutra_top-6"),
)
def test_pay5_dental_neighbours_preventive_6(product, expected):
    decision = dental(
        Line(K.DENTAL_PREVENTIVE, D("40"), on=TOOTH_ON), product=product, country="DE"
    )

    assert decision.benefit == expected


@cells(
    (P.PLUS, "50.00", "neutra_plus-50"),
    (P.CONFORT, "65.00", "neutra_confort-65"),
    (P.TOP, "65.00", "neutra_top-65"),
)
def test_pay5_dental_neighbours_per_prosthesis(product, expected):
    line = Line(K.DENTAL_PROSTHESIS, D("700"), on=TOOTH_ON)

    assert dental(line, product=product, country="FR").benefit == expected


@cells(
    (P.PLUS, "50.00", "neutra_plus-50_max_per_year"),
    (P.CONFORT, "100.00", "neutra_confort-100_max_per_year"),
    (P.TOP, "200.00", "neutra_top-200_max_per_year"),
)
def test_pay5_dental_neighbours_plate_prosthesis(product, expected):
    line = Line(K.DENTAL_PLATE, D("400"), on=TOOTH_ON)

    assert dental(line, product=product, country="LU").benefit == expected


@cells(
    (P.PLUS, "50.00", "neutra_plus-50"),
    (P.CONFORT, "100.00", "neutra_confort-100"),
    (P.TOP, "200.00", "neutra_top-200"),
)
def test_pay5_dental_neighbours_crown(product, expected):
    line = Line(K.DENTAL_CROWN, D("900"), on=TOOTH_ON)

    assert dental(line, product=product, country="NL").benefit == expected


@cells(
    (P.PLUS, "50.00", "neutra_plus-50"),
    (P.CONFORT, "100.00", "neutra_confort-100"),
    (P.TOP, "200.00", "neutra_top-200"),
)
def test_pay5_dental_neighbours_implant(product, expected):
    line = Line(K.DENTAL_IMPLANT, D("1500"), on=TOOTH_ON)

    assert dental(line, product=product, country="NL").benefit == expected


def test_pay5_dental_limits_are_shared_between_belgium_and_neighbours():
    here = dental(Line(K.DENTAL_PLATE, D("150"), on=TOOTH_ON), product=P.TOP)
    there = dental(
        Line(K.DENTAL_PLATE, D("150"), on=TOOTH_ON), product=P.TOP, country="DE", history=here.usage
    )

    assert (here.benefit, there.benefit) == (D("150.00"), D("50.00"))


# --- Maandelijkse bijdragen per persoon ---------------------------------------------------------

BANDS = ("0-6", "7-25", "26-50", "51-60", "61-65", "66-70", "71+")
PREMIUMS = {
    P.PLUS: ("0.00", "3.65", "9.84", "9.84", "9.84", "16.45", "23.03"),
    P.CONFORT: ("0.00", "9.20", "25.90", "31.20", "31.20", "53.54", "76.98"),
    P.TOP: ("20.02", "20.02", "42.08", "46.60", "63.36", "90.22", "119.01"),
}


@pytest.mark.parametrize(
    ("product", "band", "amount"),
    [
        pytest.param(product, i, amount, id=f"neutra_{product.value}-{BANDS[i]}-{amount}")
        for product, amounts in PREMIUMS.items()
        for i, amount in enumerate(amounts)
    ],
)
def test_pay5_monthly_premium_per_person(product, band, amount):
    table = table_for(product, ADMITTED)

    assert table.premiums_label == "Maandelijkse bijdragen per persoon"
    assert table.premiums[band].amount == D(amount)


@pytest.mark.parametrize(
    ("product", "otherwise"), [(P.PLUS, D("2.42")), (P.CONFORT, D("6.12")), (P.TOP, None)]
)
def test_pay5_premium_footnote_free_children_otherwise(product, otherwise):
    assert table_for(product, ADMITTED).premiums[0].otherwise == otherwise


# --- Deductibles and maxima over a year ---------------------------------------------------------


def test_pay5_base_deductible_is_taken_once_a_year_over_several_stays():
    """'200 € per jaar per persoon voor elke ziekenhuisopname van meer dan één dag': once a
    year (neutrahospi.be FAQ: hospitalised twice in a year, the deductible is taken once)."""
    first = decide(P.BASE, stay(), Line(K.HOSPITAL_HOTEL, D("150"), quantity=30))
    second_stay = stay(admitted=date(2026, 6, 1), discharged=date(2026, 6, 3))
    second = decide(
        P.BASE, second_stay, Line(K.HOSPITAL_HOTEL, D("100"), quantity=20), history=first.usage
    )
    third_stay = stay(admitted=date(2026, 9, 1), discharged=date(2026, 9, 4))
    third = decide(
        P.BASE, third_stay, Line(K.HOSPITAL_HOTEL, D("100"), quantity=20), history=second.usage
    )

    assert [first.benefit, second.benefit, third.benefit] == [D("0.00"), D("50.00"), D("100.00")]
    assert third.usage[2026].deducted == {"stay": D("200.00")}
    assert third.usage[2026].paid == {"yearly_maximum": D("150.00")}


def test_pay5_base_deductible_not_on_a_day_admission_nor_a_stay_of_one_day():
    day = decide(P.BASE, DayAdmission(ADMITTED, Forfait.ONE_DAY_CLINIC), Line(K.FEES, D("80")))
    same_day = decide(P.BASE, stay(discharged=ADMITTED), Line(K.HOSPITAL_HOTEL, D("5")))

    assert (day.benefit, same_day.benefit) == (D("80.00"), D("5.00"))
    assert day.usage == {} and "deducted" not in str(same_day.lines[0].reasons)


def test_pay5_base_yearly_maximum_over_several_claims_excludes_day_admissions():
    history = {2026: YearUsage(paid={"yearly_maximum": D("990")}, deducted={"stay": D("200")})}
    hotel = decide(P.BASE, stay(), Line(K.HOSPITAL_HOTEL, D("100"), quantity=20), history=history)
    day = decide(
        P.BASE,
        DayAdmission(ADMITTED, Forfait.ONE_DAY_CLINIC),
        Line(K.FEES, D("80")),
        history=hotel.usage,
    )

    assert (hotel.benefit, day.benefit) == (D("10.00"), D("80.00"))
    assert "'Het jaarlijkse maximumbedrag" in hotel.lines[0].reasons[-1]
    assert day.usage[2026].paid["yearly_maximum"] == D("1000.00")


def test_pay5_confort_single_room_and_serious_illness_deductibles_are_independent():
    """'Beide vrijstellingen staan los van elkaar.'"""
    room = decide(P.CONFORT, stay(Room.SINGLE), Line(K.ROOM, D("300")))
    ill = decide(
        P.CONFORT,
        SeriousIllnessCare("de ziekte van Crohn"),
        Line(K.PHARMACY_ZIV, D("200"), ziv_paid=D("20"), on=ILL_ON),
        history=room.usage,
    )
    room_again = decide(
        P.CONFORT,
        stay(Room.SINGLE, date(2026, 8, 3), date(2026, 8, 5)),
        Line(K.ROOM, D("300")),
        history=ill.usage,
    )

    assert [room.benefit, ill.benefit, room_again.benefit] == [D("175.00"), D("55.00"), D("300.00")]
    assert room_again.usage[2026].deducted == {
        "single_room": D("125.00"),
        "serious_illness": D("125.00"),
    }


def test_pay5_single_room_deductible_only_on_room_and_fees_not_on_pharmacy():
    lines = (Line(K.PHARMACY_ZIV, D("90")), Line(K.FEES, D("200"), legal_fee=D("100")))
    decision = decide(P.TOP, stay(Room.SINGLE), *lines)

    assert [d.benefit for d in decision.lines] == [D("90.00"), D("100.00")]


def test_pay5_no_yearly_maximum_for_neutra_plus():
    assert table_for(P.PLUS, ADMITTED).yearly_maxima == ()


# --- A stay over New Year -----------------------------------------------------------------------


def test_pay5_nights_belong_to_the_year_of_their_evening():
    assert nights_per_year(date(2026, 12, 30), date(2027, 1, 2)) == {2026: 2, 2027: 1}


def test_pay5_stay_over_new_year_splits_room_nights_and_caps_per_calendar_year():
    """30 December to 2 January: 2 nights in 2026, 1 in 2027; the 900 € room is split 600 / 300."""
    over = HospitalStay(date(2026, 12, 30), date(2027, 1, 2))
    history = {2026: YearUsage(counts={"parent_stay": 29})}
    decision = decide(
        P.TOP,
        over,
        Line(K.ROOM, D("900")),
        Line(K.PARENT_STAY, D("90")),
        history=history,
        filed=date(2027, 2, 1),
    )

    room = [(d.year, d.asked, d.benefit) for d in decision.lines if d.kind is K.ROOM]
    parent = [(d.year, d.benefit) for d in decision.lines if d.kind is K.PARENT_STAY]
    assert room == [(2026, D("600.00"), D("500.00")), (2027, D("300.00"), D("250.00"))]
    assert parent == [(2026, D("25.00")), (2027, D("25.00"))]  # 30-night limit per year
    assert (
        decision.usage[2026].counts["parent_stay"],
        decision.usage[2027].counts["parent_stay"],
    ) == (30, 1)


def test_pay5_stay_over_new_year_amounts_split_to_the_cent():
    over = HospitalStay(date(2026, 12, 31), date(2027, 1, 3))
    decision = decide(
        P.PLUS, over, Line(K.ROOM, D("100.00"), ziv_paid=D("10.00")), filed=date(2027, 2, 1)
    )

    assert [d.asked for d in decision.lines] == [D("33.33"), D("66.67")]
    assert [d.left for d in decision.lines] == [D("30.00"), D("60.00")]


def test_pay5_stay_over_new_year_ending_by_15_january_takes_one_single_room_deductible():
    over = HospitalStay(date(2026, 12, 30), date(2027, 1, 15), Room.SINGLE)
    decision = decide(P.CONFORT, over, Line(K.ROOM, D("3000")), filed=date(2027, 2, 1))

    assert [(d.year, d.benefit) for d in decision.lines] == [
        (2026, D("175.00")),
        (2027, D("2100.00")),
    ]
    assert 2027 not in decision.usage or not decision.usage[2027].deducted


def test_pay5_stay_over_new_year_past_15_january_takes_the_new_years_deductible_too():
    over = HospitalStay(date(2026, 12, 30), date(2027, 1, 16), Room.SINGLE)
    decision = decide(P.CONFORT, over, Line(K.ROOM, D("3000")), filed=date(2027, 2, 1))

    assert [(d.year, d.benefit) for d in decision.lines] == [
        (2026, D("175.00")),
        (2027, D("2125.00")),
    ]
    assert decision.usage[2027].deducted == {"single_room": D("125.00")}


def test_pay5_a_dated_line_of_a_stay_over_new_year_counts_in_its_own_year():
    over = HospitalStay(date(2026, 12, 30), date(2027, 1, 2))
    line = Line(K.PHARMACY_NON_ZIV, D("100"), on=date(2027, 1, 1))
    decision = decide(
        P.CONFORT,
        over,
        line,
        history={2027: YearUsage(paid={"pharmacy_non_ziv": D("9960")})},
        filed=date(2027, 2, 1),
    )

    assert (decision.lines[0].year, decision.benefit) == (2027, D("40.00"))


# --- Pre- and post-hospitalisation window --------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "paid"),
    [
        pytest.param(date(2026, 1, 1), False, id="day_before_the_2_months_before"),
        pytest.param(date(2026, 1, 2), True, id="first_day_2_months_before_admission"),
        pytest.param(date(2026, 1, 3), True, id="day_after_the_first_day"),
        pytest.param(date(2026, 6, 4), True, id="day_before_3_months_after_discharge"),
        pytest.param(date(2026, 6, 5), True, id="last_day_3_months_after_discharge"),
        pytest.param(date(2026, 6, 6), False, id="day_after_3_months_after_discharge"),
    ],
)
def test_pay5_pre_post_window_2_months_before_3_months_after(on, paid):
    decision = around(Line(K.PHARMACY_ZIV, D("30"), ziv_paid=D("20"), on=on), product=P.CONFORT)

    assert decision.benefit == (D("10.00") if paid else D("0.00"))
    if not paid:
        assert "is outside 2026-01-02 to 2026-06-05" in decision.lines[0].reasons[0]


def test_pay5_window_months_end_on_the_last_day_of_a_shorter_month():
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2026, 5, 31), -3) == date(2026, 2, 28)


def test_pay5_serious_illness_care_has_no_time_limit_and_needs_a_listed_disease():
    years_later = serious(
        Line(K.PHARMACY_ZIV, D("30"), ziv_paid=D("20"), on=date(2026, 6, 30)), product=P.PLUS
    )
    not_listed = serious(
        Line(K.PHARMACY_ZIV, D("30"), on=ILL_ON), product=P.PLUS, disease="migraine"
    )

    assert years_later.benefit == D("10.00")
    assert not_listed.benefit == D("0.00")
    assert "'migraine' is not a serious illness of the sheet" in not_listed.refusal


@pytest.mark.parametrize("product", [P.BASE, P.OPTIMUM])
def test_pay5_serious_illness_and_dental_are_not_covered_by_base_and_optimum(product):
    ill = serious(Line(K.PHARMACY_ZIV, D("30"), on=ILL_ON), product=product)
    teeth = dental(Line(K.DENTAL_CROWN, D("900"), on=TOOTH_ON), product=product)

    assert (ill.benefit, teeth.benefit) == (D("0.00"), D("0.00"))
    assert ill.refusal.startswith("Neutra") and "buiten de hospitalisatie" in ill.refusal
    assert "tandheelkundige zorg" in teeth.refusal


# --- Territoriality and foreign cover -----------------------------------------------------------


@pytest.mark.parametrize("product", [P.BASE, P.OPTIMUM])
def test_pay5_base_and_optimum_only_in_belgium(product):
    decision = decide(product, stay(), Line(K.HOSPITAL_HOTEL, D("100")), country="FR")

    assert decision.benefit == D("0.00")
    assert (
        decision.refusal
        == "care in FR: 'Neutra Base et Neutra Optimum zijn alleen geldig in België.'"
    )


def test_pay5_foreign_confort_max_500_per_day():
    """Five nights in France: rows give 750 + 3.000 = 3.750 €, capped at 5 x 500 €."""
    five = stay(admitted=date(2026, 8, 3), discharged=date(2026, 8, 8))
    lines = (Line(K.ROOM, D("1000")), Line(K.FEES, D("4000"), legal_fee=D("1000")))
    decision = decide(P.CONFORT, five, *lines, country="FR", filed=date(2026, 9, 1))

    assert decision.benefit == D("2500.00")
    assert decision.usage[2026].paid["foreign"] == D("2500.00")


@pytest.mark.parametrize(
    ("product", "already", "expected"),
    [
        pytest.param(P.CONFORT, "4800", "200.00", id="neutra_confort-5000_per_year"),
        pytest.param(P.TOP, "9900", "100.00", id="neutra_top-10000_per_year"),
    ],
)
def test_pay5_foreign_yearly_cap(product, already, expected):
    history = {2026: YearUsage(paid={"foreign": D(already)})}
    decision = decide(
        product, stay(), Line(K.PHARMACY_ZIV, D("500")), country="ES", history=history
    )

    assert decision.benefit == D(expected)


def test_pay5_foreign_top_max_1000_per_day():
    line = Line(K.FEES, D("5000"), legal_fee=D("1000"))

    assert decide(P.TOP, stay(), line, country="US").benefit == D("3000.00")  # 3 days x 1.000


def test_pay5_foreign_neutra_plus_as_in_belgium_after_the_fictive_ziv_intervention():
    line = Line(K.PHARMACY_ZIV, D("100"), fictive_ziv=D("40"))
    plus = decide(P.PLUS, stay(), line, country="ES")
    confort = decide(P.CONFORT, stay(), line, country="ES")

    assert (plus.benefit, confort.benefit) == (D("60.00"), D("100.00"))
    assert "legal insurance (ZIV) 40.00 EUR" in plus.lines[0].reasons[0]


# --- Exclusions ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cause", "words"),
    [
        (Cause.AESTHETIC, "Esthetische of verjongingsbehandelingen"),
        (Cause.THERMAL_CURE, "Thermale behandelingen"),
        (Cause.ALCOHOL_OR_DRUGS, "dronkenschap"),
        (Cause.WAR, "Oorlogsfeiten"),
        (Cause.AERIAL_OR_MOTOR_SPORT, "luchtsport of gemotoriseerde sport"),
        (Cause.PROFESSIONAL_SPORT, "elke sport als beroepsactiviteit"),
        (Cause.DELIBERATE_ACT, "bewuste handeling"),
        (Cause.RADIOACTIVITY, "radioactieve stoffen"),
        (Cause.SELF_HARM, "Vrijwillige verminking of poging tot zelfdoding"),
        (Cause.AIRCREW, "bemanning van een luchttransport"),
        (Cause.PERSONAL_CONVENIENCE, "Hospitalisaties voor persoonlijk gemak"),
        (Cause.NOT_MEDICALLY_ESTABLISHED, "niet door een medisch onderzoek"),
    ],
)
@pytest.mark.parametrize("product", list(P))
def test_pay5_exclusions_refuse_the_whole_claim(product, cause, words):
    decision = decide(
        product, stay(), Line(K.HOSPITAL_HOTEL, D("50")), Line(K.ROOM, D("500")), causes={cause}
    )

    assert decision.benefit == D("0.00")
    assert words in decision.refusal
    assert all(d.reasons == (decision.refusal,) for d in decision.lines)


def test_pay5_psychiatric_hospitalisation_excluded_for_base_and_optimum_only():
    care = PsychiatricStay(date(2026, 5, 4), date(2026, 5, 9), service=40)

    assert "diensten 34 tot en met 43" in decide(P.OPTIMUM, care, Line(K.OTHER, D("500"))).refusal
    assert decide(
        P.BASE, stay(), Line(K.HOSPITAL_HOTEL, D("5")), causes={Cause.PSYCHIATRIC}
    ).refusal
    assert decide(
        P.CONFORT, stay(), Line(K.ROOM, D("100")), causes={Cause.PSYCHIATRIC}
    ).benefit == D("100.00")


@pytest.mark.parametrize(
    ("product", "expected"), [(P.PLUS, "0.00"), (P.CONFORT, "0.00"), (P.TOP, "120.00")]
)
def test_pay5_services_not_reimbursed_by_ziv_excluded_for_plus_and_confort(product, expected):
    line = Line(K.FEES, D("120"), ziv_reimbursed=False, on=AFTER)
    decision = around(line, product=product)

    assert decision.benefit == D(expected)
    if expected == "0.00":
        assert (
            "Verstrekkingen die niet door de Z.I.V. worden terugbetaald"
            in decision.lines[0].reasons[0]
        )


def test_pay5_non_ziv_pharmacy_is_not_caught_by_the_non_ziv_exclusion():
    assert decide(
        P.PLUS, stay(), Line(K.PHARMACY_NON_ZIV, D("40"), ziv_reimbursed=False)
    ).benefit == D("40.00")


def test_pay5_ambulance_without_a_medical_reason_is_refused():
    decision = decide(P.TOP, stay(), Line(K.AMBULANCE, D("300"), medical_reason=False))

    assert decision.benefit == D("0.00")
    assert decision.lines[0].reasons == (
        "'Ambulance- en helikopterkosten (indien medische reden)': no medical reason",
    )


def test_pay5_dental_outside_the_five_countries_is_refused():
    decision = dental(Line(K.DENTAL_CROWN, D("900"), on=TOOTH_ON), product=P.TOP, country="ES")

    assert decision.benefit == D("0.00") and "dental care in ES" in decision.refusal


# --- The 3-year prescription --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filed", "paid"),
    [
        pytest.param(date(2029, 3, 1), True, id="day_before_three_years"),
        pytest.param(date(2029, 3, 2), True, id="three_years_to_the_day"),
        pytest.param(date(2029, 3, 3), False, id="day_after_three_years"),
    ],
)
def test_pay5_claims_prescribe_three_years_after_the_care(filed, paid):
    decision = decide(P.CONFORT, stay(), Line(K.ROOM, D("300")), filed=filed)

    assert decision.benefit == (D("300.00") if paid else D("0.00"))
    if not paid:
        assert (
            decision.lines[0]
            .reasons[0]
            .startswith("prescribed: care of 2026-03-02 filed on 2029-03-03")
        )
        assert "verjaart drie jaar" in decision.lines[0].reasons[0]


def test_pay5_prescription_counts_per_line_date():
    lines = (
        Line(K.PHARMACY_ZIV, D("30"), ziv_paid=D("20"), on=date(2026, 1, 5)),
        Line(K.PHARMACY_ZIV, D("30"), ziv_paid=D("20"), on=date(2026, 6, 1)),
    )
    decision = around(*lines, product=P.PLUS, filed=date(2029, 2, 1))

    assert [d.benefit for d in decision.lines] == [D("0.00"), D("10.00")]


# --- Order of intervention ----------------------------------------------------------------------


def test_pay5_benefit_never_exceeds_what_remains_after_ziv_and_other_insurers():
    line = Line(K.ROOM, D("1000"), ziv_paid=D("300"), other_paid=D("500"))
    decision = decide(P.TOP, stay(), line)

    assert (decision.left, decision.benefit) == (D("200.00"), D("200.00"))
    assert decision.lines[0].reasons[0] == (
        "asked 1000.00 EUR; legal insurance (ZIV) 300.00 EUR; other insurers 500.00 EUR; "
        "left 200.00 EUR"
    )


def test_pay5_other_insurer_paid_everything_leaves_nothing():
    line = Line(K.FEES, D("400"), ziv_paid=D("100"), other_paid=D("300"), legal_fee=D("100"))

    assert decide(P.TOP, stay(), line).benefit == D("0.00")


def test_pay5_dental_maf_refund_is_deducted_like_the_legal_insurance():
    """'De maximumfactuur (MAF) wordt in mindering gebracht': 50 % of (20 - 8) remgeld."""
    line = Line(
        K.DENTAL_PREVENTIVE,
        D("60"),
        ziv_paid=D("40"),
        maf_refund=D("8"),
        co_payment=D("20"),
        on=TOOTH_ON,
    )
    decision = dental(line, product=P.CONFORT)

    assert decision.benefit == D("6.00")
    assert "less the MAF refund 8.00 EUR" in decision.lines[0].reasons[1]


# --- Base / Optimum rows that the truncated sheet does not show ---------------------------------


@pytest.mark.parametrize("kind", [K.ROOM, K.FEES, K.PHARMACY_ZIV, K.PROSTHESIS, K.PARENT_STAY])
def test_pay5_base_rows_not_in_the_product_sheet_pay_nothing_and_say_so(kind):
    decision = decide(
        P.OPTIMUM, stay(), Line(kind, D("100"), legal_fee=D("50"), legal_intervention=D("50"))
    )

    assert decision.benefit == D("0.00")
    assert (
        decision.lines[0]
        .reasons[-1]
        .startswith("not in the product sheet: Neutra Optimum has no row")
    )


def test_pay5_base_mini_maxi_day_admission_is_not_in_the_product_sheet():
    decision = decide(P.BASE, DayAdmission(ADMITTED, Forfait.MINI_MAXI), Line(K.FEES, D("100")))

    assert decision.benefit == D("0.00")
    assert "mini maxi forfait" in decision.lines[0].reasons[-1]


# --- The data files -----------------------------------------------------------------------------


def test_pay5_shipped_tables_one_per_product_with_sources_and_unconfirmed():
    tables = shipped_hospital_tables()

    assert [t.product for t in tables] == list(P)
    assert all(t.valid_from == date(2026, 1, 1) and t.sources and t.unconfirmed for t in tables)
    assert any(
        "not in the product sheet" in note for note in table_for(P.BASE, ADMITTED).unconfirmed
    )
    assert len(table_for(P.TOP, ADMITTED).serious_illnesses) == 26
    assert shipped_hospital_tables() is tables  # cached


def test_pay5_no_table_before_2026():
    with pytest.raises(LookupError, match="no top table is valid on 2025-12-31"):
        table_for(P.TOP, date(2025, 12, 31))


@pytest.mark.parametrize(
    ("old", "new", "fault"),
    [
        ('amount: "150.00"', "amount: 150.0", "amounts are strings"),
        ("rule: per_day, amount", "rule: per_week, amount", "per_week"),
        ('rule: per_day, amount: "150.00"', "rule: per_day", "needs amount"),
        ("product: confort", "product: luxe", "luxe"),
        ('valid_from: "2026-01-01"', 'valid_from: "2026-13-01"', "month must be in 1..12"),
    ],
)
def test_pay5_a_wrong_table_file_raises_a_clear_error(tmp_path: Path, old, new, fault):
    text = (TABLES_DIR / "neutra-confort-2026.yaml").read_text("utf-8")
    assert old in text
    broken = tmp_path / "neutra-confort-2026.yaml"
    broken.write_text(text.replace(old, new, 1), "utf-8")

    with pytest.raises(HospitalTableError, match=fault) as raised:
        load_hospital_table(broken)
    assert str(broken) in str(raised.value)


def test_pay5_two_rows_for_the_same_line_are_refused(tmp_path: Path):
    text = (TABLES_DIR / "neutra-top-2026.yaml").read_text("utf-8")
    broken = tmp_path / "neutra-top-2026.yaml"
    broken.write_text(text.replace("lines: [misc]", "lines: [room]"), "utf-8")

    with pytest.raises(HospitalTableError, match="two rows for"):
        load_hospital_table(broken)


# --- The decision itself ------------------------------------------------------------------------


def test_pay5_decision_is_immutable_in_cents_and_explains_every_line():
    decision = decide(P.CONFORT, stay(), Line(K.ROOM, "200"), Line(K.PHARMACY_ZIV, 15))

    assert isinstance(decision, ClaimDecision)
    assert (decision.asked, decision.benefit) == (D("215.00"), D("215.00"))
    assert decision.table == "Neutra Confort, valid from 2026-01-01"
    assert all(len(d.reasons) >= 2 for d in decision.lines)
    with pytest.raises(FrozenInstanceError):
        decision.benefit = D("1")  # type: ignore[misc]


def test_pay5_money_is_never_a_float():
    with pytest.raises(TypeError, match="not 10.5"):
        Line(K.ROOM, 10.5)  # type: ignore[arg-type]


def test_pay5_lines_outside_a_stay_need_their_date():
    with pytest.raises(ValueError, match="carry their dates"):
        decide(P.TOP, DentalCare(), Line(K.DENTAL_CROWN, D("100")))


def test_pay5_a_service_without_legal_fee_or_co_payment_has_nothing_to_multiply():
    """Top pays non-ZIV services, but a multiple of a legal fee that does not exist is 0."""
    fee = decide(P.TOP, stay(), Line(K.FEES, D("300"), ziv_reimbursed=False))
    prosthesis = dental(Line(K.DENTAL_PROSTHESIS, D("900"), on=TOOTH_ON), product=P.TOP)

    assert (fee.benefit, prosthesis.benefit) == (D("0.00"), D("0.00"))
    assert "no legal fee (wettelijk ereloon) on the line" in fee.lines[0].reasons[1]
    assert "no legal co-payment (remgeld) on the line" in prosthesis.lines[0].reasons[1]


def test_pay5_a_claim_row_explains_itself_on_every_line_even_under_its_cap():
    decision = decide(P.TOP, HomeBirth(ADMITTED), Line(K.FEES, D("300"), ziv_paid=D("100")))

    assert decision.benefit == D("200.00")
    assert decision.lines[0].reasons[1] == (
        "'Terugbetaling van de zorgen Thuisbetalling': Max. 600 €: 600.00 EUR x 1 = "
        "600.00 EUR for the claim in 2026; benefit 200.00 EUR"
    )
