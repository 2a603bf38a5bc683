"""Iran's provinces and centres (REG-7, EXAM-5), and the key place names are compared by."""

from __future__ import annotations

import dataclasses

import pytest

from daftar.domain.places import (
    CENTRE_ALIASES,
    PROVINCE_ALIASES,
    PROVINCES,
    PROVINCES_BY_CODE,
    Province,
    centre_of,
    find_province,
    is_centre,
    normalise_place,
    province_by_code,
    same_place,
)

#: The Statistical Centre of Iran's codes, written out once more by hand.
SCI_CODES = {
    "00": "Markazi", "01": "Gilan", "02": "Mazandaran", "03": "East Azerbaijan",
    "04": "West Azerbaijan", "05": "Kermanshah", "06": "Khuzestan", "07": "Fars", "08": "Kerman",
    "09": "Razavi Khorasan", "10": "Isfahan", "11": "Sistan and Baluchestan", "12": "Kurdistan",
    "13": "Hamadan", "14": "Chaharmahal and Bakhtiari", "15": "Lorestan", "16": "Ilam",
    "17": "Kohgiluyeh and Boyer-Ahmad", "18": "Bushehr", "19": "Zanjan", "20": "Semnan",
    "21": "Yazd", "22": "Hormozgan", "23": "Tehran", "24": "Ardabil", "25": "Qom", "26": "Qazvin",
    "27": "Golestan", "28": "North Khorasan", "29": "South Khorasan", "30": "Alborz",
}

CENTRES = {
    "Markazi": "Arak", "Gilan": "Rasht", "Mazandaran": "Sari", "East Azerbaijan": "Tabriz",
    "West Azerbaijan": "Urmia", "Kermanshah": "Kermanshah", "Khuzestan": "Ahvaz",
    "Fars": "Shiraz", "Kerman": "Kerman", "Razavi Khorasan": "Mashhad", "Isfahan": "Isfahan",
    "Sistan and Baluchestan": "Zahedan", "Kurdistan": "Sanandaj", "Hamadan": "Hamadan",
    "Chaharmahal and Bakhtiari": "Shahrekord", "Lorestan": "Khorramabad", "Ilam": "Ilam",
    "Kohgiluyeh and Boyer-Ahmad": "Yasuj", "Bushehr": "Bushehr", "Zanjan": "Zanjan",
    "Semnan": "Semnan", "Yazd": "Yazd", "Hormozgan": "Bandar Abbas", "Tehran": "Tehran",
    "Ardabil": "Ardabil", "Qom": "Qom", "Qazvin": "Qazvin", "Golestan": "Gorgan",
    "North Khorasan": "Bojnord", "South Khorasan": "Birjand", "Alborz": "Karaj",
}

ARABIC_FORMS = set("يىكةۀأإؤئ") | {"\u0640"}
ids = [p.code for p in PROVINCES]


def by_en(name: str) -> Province:
    return next(p for p in PROVINCES if p.name_en == name)


# --- the reference data ---------------------------------------------------------------------


def test_there_are_31_provinces_with_the_sci_codes_in_order() -> None:
    assert len(PROVINCES) == 31
    assert {p.code: p.name_en for p in PROVINCES} == SCI_CODES
    assert [p.code for p in PROVINCES] == [f"{i:02d}" for i in range(31)]
    assert dict(PROVINCES_BY_CODE) == {p.code: p for p in PROVINCES}


def test_codes_and_names_are_unique() -> None:
    for field in ("code", "name_fa", "name_en", "centre_fa", "centre_en"):
        values = [getattr(p, field) for p in PROVINCES]
        assert len(set(values)) == 31, field
        assert len({normalise_place(v) for v in values}) == 31, field


def test_each_province_has_its_centre() -> None:
    assert {p.name_en: p.centre_en for p in PROVINCES} == CENTRES
    assert by_en("East Azerbaijan").centre_fa == "تبریز"
    assert by_en("Razavi Khorasan").centre_fa == "مشهد"
    assert by_en("Sistan and Baluchestan").centre_fa == "زاهدان"
    assert by_en("Kohgiluyeh and Boyer-Ahmad").centre_fa == "یاسوج"
    assert by_en("Chaharmahal and Bakhtiari").centre_fa == "شهرکرد"


def test_persian_names_are_official_spellings() -> None:
    assert [p.name_fa for p in PROVINCES if p.code in ("03", "09", "11", "14", "17", "23")] == [
        "آذربایجان شرقی", "خراسان رضوی", "سیستان و بلوچستان", "چهارمحال و بختیاری",
        "کهگیلویه و بویراحمد", "تهران"]


@pytest.mark.parametrize("province", PROVINCES, ids=ids)
def test_the_tables_hold_persian_letters_and_tidy_text(province: Province) -> None:
    for value in dataclasses.astuple(province):
        assert not set(value) & ARABIC_FORMS, value
        assert value == value.strip() and "  " not in value
    assert len(province.code) == 2 and province.code.isdigit()


def test_a_province_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        PROVINCES[0].name_en = "Central"  # type: ignore[misc]


def test_every_province_has_an_alias_entry() -> None:
    assert set(PROVINCE_ALIASES) == set(SCI_CODES) == set(CENTRE_ALIASES)


# --- normalise_place ----------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "key"), [
    # Arabic letter forms and Persian ones
    ("آذربايجان شرقي", "اذربایجان شرقی"),
    ("كرمانشاه", "کرمانشاه"),
    ("کرمانشاه", "کرمانشاه"),
    ("قرية", "قریه"),
    ("خانۀ", "خانه"),
    ("أراك", "اراک"),
    ("إيلام", "ایلام"),
    ("مؤمن", "مومن"),
    ("پائین", "پایین"),
    # presentation forms, as copied out of PDFs
    ("ﻛﺮﻣﺎﻥ", "کرمان"),
    # diacritics, tatweel, zero-width characters
    ("تَهْرانْ", "تهران"),
    ("تهـــران", "تهران"),
    ("آذربایجان\u200cشرقی", "اذربایجان شرقی"),
    ("خرم\u200cآباد", "خرم اباد"),
    ("\u200fتهران\u200e", "تهران"),
    ("Sīstān", "sistan"),
    # digits, spaces, case, hyphens and punctuation
    ("منطقه ۱۲", "منطقه 12"),
    ("  Tehran\t\n ", "tehran"),
    ("\u00a0East   Azerbaijan", "east azerbaijan"),
    ("TEHRAN", "tehran"),
    ("Boyer-Ahmad", "boyer ahmad"),
    ("Boyer–Ahmad", "boyer ahmad"),
    ("Boyer_Ahmad", "boyer ahmad"),
    ("Shahr-e Kord", "shahr e kord"),
    ("Qa'emshahr", "qaemshahr"),
    ("Qa’emshahr", "qaemshahr"),
    ("Sistan & Baluchestan", "sistan and baluchestan"),
    ("Sistan&Baluchestan", "sistan and baluchestan"),
    ("Tehran (city)", "tehran city"),
    ("", ""),
    (" -\u200c ", ""),
])
def test_normalise_place_folds_what_does_not_change_a_name(typed: str, key: str) -> None:
    assert normalise_place(typed) == key


def test_normalise_place_is_idempotent() -> None:
    for p in PROVINCES:
        for name in (*dataclasses.astuple(p), *PROVINCE_ALIASES[p.code], *CENTRE_ALIASES[p.code]):
            key = normalise_place(name)
            assert normalise_place(key) == key


def test_the_non_joiner_is_a_space_not_nothing() -> None:
    """One reading everywhere: «آذربایجان‌شرقی» is «آذربایجان شرقی», not «آذربایجانشرقی»."""
    assert normalise_place("آذربایجان\u200cشرقی") == normalise_place("آذربایجان شرقی")
    assert normalise_place("آذربایجان\u200cشرقی") != normalise_place("آذربایجانشرقی")


def test_different_names_keep_different_keys() -> None:
    assert normalise_place("Kerman") != normalise_place("Kermanshah")
    assert normalise_place("کرمان") != normalise_place("کرمانشاه")
    assert normalise_place("Khorasan") != normalise_place("Razavi Khorasan")


def test_same_place() -> None:
    assert same_place("آذربايجان‌شرقي", "آذربایجان شرقی")
    assert same_place("BOYER-AHMAD", "boyer ahmad")
    assert not same_place("Kerman", "Kermanshah")
    assert not same_place("", " ")


# --- find_province ----------------------------------------------------------------------------


@pytest.mark.parametrize("province", PROVINCES, ids=ids)
def test_every_name_and_code_round_trips(province: Province) -> None:
    assert find_province(province.name_fa) is province
    assert find_province(province.name_en) is province
    assert find_province(province.code) is province
    assert province_by_code(province.code) is province


@pytest.mark.parametrize("province", PROVINCES, ids=ids)
def test_typing_variants_of_every_name_match(province: Province) -> None:
    arabic = province.name_fa.replace("ی", "ي").replace("ک", "ك")
    assert find_province(arabic) is province
    assert find_province(province.name_fa.replace(" ", "\u200c")) is province
    assert find_province(f"  {province.name_fa}  ") is province
    assert find_province(province.name_en.upper()) is province
    assert find_province(province.name_en.lower().replace(" ", "-")) is province
    assert find_province(province.name_en.replace("-", " ")) is province
    assert find_province(f"استان {province.name_fa}") is province
    assert find_province(f"{province.name_en} Province") is province
    assert find_province(f"Province of {province.name_en}") is province


@pytest.mark.parametrize("province", PROVINCES, ids=ids)
def test_every_alias_names_its_province(province: Province) -> None:
    for alias in PROVINCE_ALIASES[province.code]:
        assert find_province(alias) is province, alias


def test_no_alias_is_one_normalise_place_already_folds() -> None:
    """The lists hold real other spellings only; what the key folds needs no entry."""
    for p in PROVINCES:
        names = {normalise_place(p.name_fa), normalise_place(p.name_en)}
        for alias in PROVINCE_ALIASES[p.code]:
            assert normalise_place(alias) not in names, alias
        centres = {normalise_place(p.centre_fa), normalise_place(p.centre_en)}
        for alias in CENTRE_ALIASES[p.code]:
            assert normalise_place(alias) not in centres, alias


def test_no_alias_names_two_provinces() -> None:
    keys: dict[str, str] = {}
    for p in PROVINCES:
        for name in (p.name_fa, p.name_en, *PROVINCE_ALIASES[p.code]):
            assert keys.setdefault(normalise_place(name), p.code) == p.code, name


@pytest.mark.parametrize(("typed", "code"), [
    ("Khorasan Razavi", "09"),
    ("Razavi Khorasan", "09"),
    ("khorasan-e razavi", "09"),
    ("خراسان‌رضوی", "09"),
    ("East Azarbaijan", "03"),
    ("Azarbaijan-e Sharqi", "03"),
    ("Āz̄ārbāyjān-e Shārqī", "03"),
    ("آذربايجان غربي", "04"),
    ("West Azarbaijan", "04"),
    ("Sistan & Baluchestan", "11"),
    ("Sistan and Baluchistan", "11"),
    ("سیستان وبلوچستان", "11"),
    ("Kohgiluyeh and Boyer Ahmad", "17"),
    ("Kohgiluyeh & Boyer-Ahmad", "17"),
    ("KOHGILUYEH AND BOYER-AHMAD", "17"),
    ("کهگیلویه و بویر احمد", "17"),
    ("كهگيلويه و بويراحمد", "17"),
    ("Chahar Mahaal and Bakhtiari", "14"),
    ("Chaharmahal & Bakhtiari", "14"),
    ("چهار محال و بختیاری", "14"),
    ("Esfahan", "10"),
    ("Kordestan", "12"),
    ("Hamedan", "13"),
    ("Khorasan Shomali", "28"),
    ("Khorasan-e Jonubi", "29"),
    ("Ghom", "25"),
    ("Teheran", "23"),
    ("ostan-e tehran", "23"),
    ("۲۳", "23"),
    (" 07 ", "07"),
])
def test_common_variants_find_their_province(typed: str, code: str) -> None:
    found = find_province(typed)
    assert found is not None and found.code == code


@pytest.mark.parametrize("typed", [
    "", " ", "Khorasan", "خراسان", "Azerbaijan", "آذربایجان", "Tehran City", "Tabriz", "Persia",
    "31", "99", "7", "023", "Province", "استان", "Tehran Tehran", "Kermanshahr",
])
def test_unknown_or_ambiguous_names_give_none(typed: str) -> None:
    assert find_province(typed) is None


def test_province_by_code_takes_codes_only() -> None:
    assert province_by_code("۰۳") is PROVINCES[3]
    assert province_by_code("Tehran") is None
    assert province_by_code("3") is None


# --- centres -------------------------------------------------------------------------------------


@pytest.mark.parametrize("province", PROVINCES, ids=ids)
def test_each_province_knows_its_centre(province: Province) -> None:
    assert centre_of(province.name_en) == (province.centre_fa, province.centre_en)
    assert centre_of(province.name_fa) == (province.centre_fa, province.centre_en)
    assert centre_of(province.code) == (province.centre_fa, province.centre_en)
    assert is_centre(province, province.centre_fa)
    assert is_centre(province, province.centre_en)
    assert is_centre(province, province.centre_en.upper())
    assert is_centre(province, province.centre_fa.replace("ی", "ي").replace("ک", "ك"))
    for alias in CENTRE_ALIASES[province.code]:
        assert is_centre(province, alias), alias


@pytest.mark.parametrize("province", PROVINCES, ids=ids)
def test_no_other_centre_is_this_province_s(province: Province) -> None:
    for other in PROVINCES:
        if other is not province:
            assert not is_centre(province, other.centre_fa)
            assert not is_centre(province, other.centre_en)


@pytest.mark.parametrize(("province", "city"), [
    ("Lorestan", "خرم‌آباد"), ("Lorestan", "خرم آباد"), ("Lorestan", "Khorram-Abad"),
    ("Hormozgan", "بندر عباس"), ("Hormozgan", "Bandar-e Abbas"), ("Hormozgan", "bandar abbas"),
    ("Chaharmahal and Bakhtiari", "Shahr-e Kord"), ("Chaharmahal and Bakhtiari", "شهر کرد"),
    ("West Azerbaijan", "Orumiyeh"), ("West Azerbaijan", "اورمیه"),
    ("Kohgiluyeh and Boyer-Ahmad", "Yasouj"), ("North Khorasan", "Bojnurd"),
    ("Khuzestan", "Ahwaz"), ("Razavi Khorasan", "Mashad"), ("Alborz", "كرج"),
])
def test_centre_variants(province: str, city: str) -> None:
    assert is_centre(by_en(province), city)


def test_cities_that_are_not_centres() -> None:
    assert not is_centre(by_en("East Azerbaijan"), "مراغه")
    assert not is_centre(by_en("Tehran"), "Karaj")
    assert not is_centre(by_en("Kermanshah"), "Kerman")
    assert not is_centre(by_en("Kerman"), "Kermanshah")
    assert not is_centre(by_en("Tehran"), "")


def test_centre_of_an_unknown_province_is_none() -> None:
    assert centre_of("Khorasan") is None
    assert centre_of("") is None
