"""Iran's 31 provinces and their centres, and one key to compare place names by (REG-7, EXAM-5).

REG-7: an applicant names a city and so a province; EXAM-5: the exam is held in Tehran and
every province centre, each candidate in their own province's centre. Both need the provinces
as reference data and a way to match a name however it was typed.

Each :class:`Province` carries the Statistical Centre of Iran's two-digit code of the national
divisions (``"00"`` Markazi … ``"30"`` Alborz), its official Persian name, its English name as
commonly written, and its centre in both languages. Cities other than the centres are not
listed here: each cycle lists its own (LAUNCH-1); compare them with :func:`normalise_place`.

Stored, a province is its code. :func:`province_code` reads any name or code;
:func:`province_label` shows a stored value in Persian; :func:`province_spellings` lists what a
filter matches, records stored before codes holding the name as typed; :func:`province_key` and
:func:`place_key` compare a province (by its code when known) and a (province, city) pair.

Matching, in two steps:

1. :func:`normalise_place` folds spelling that does not change a name: Arabic letter forms
   (ي ى ئ → ی, ك → ک, ة ۀ ھ → ه, أ إ آ ٱ → ا, ؤ → و), Arabic presentation forms, diacritics
   (Persian harakat and Latin accents), tatweel (removed), the zero-width non-joiner (a space:
   «آذربایجان‌شرقی» is «آذربایجان شرقی»), Persian and Arabic-Indic digits, Latin case,
   apostrophes (removed), ``&`` (``and``), and every other punctuation mark, hyphen included
   (a space: ``Boyer-Ahmad`` is ``boyer ahmad``); runs of spaces become one.
2. Spellings that differ in more than that (``Khorasan Razavi``, ``Azarbaijan``, ``Chahar
   Mahaal``, «بویر احمد») are listed, per province and per centre, in :data:`PROVINCE_ALIASES`
   and :data:`CENTRE_ALIASES`. Every alias names one province only: ``Khorasan`` or
   ``Azerbaijan`` alone name none.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from daftar.domain.digits import normalize_digits


@dataclass(frozen=True, slots=True)
class Province:
    """One of Iran's 31 provinces (استان) and its centre (مرکز استان).

    Attributes:
        code: the Statistical Centre of Iran's two-digit code (``"00"`` to ``"30"``).
        name_fa: the official Persian name, e.g. «آذربایجان شرقی».
        name_en: the English name as commonly written, e.g. ``East Azerbaijan``.
        centre_fa: the centre's Persian name, e.g. «تبریز».
        centre_en: the centre's English name, e.g. ``Tabriz``.
    """

    code: str
    name_fa: str
    name_en: str
    centre_fa: str
    centre_en: str


#: The 31 provinces in the order of their codes.
PROVINCES: tuple[Province, ...] = (
    Province("00", "مرکزی", "Markazi", "اراک", "Arak"),
    Province("01", "گیلان", "Gilan", "رشت", "Rasht"),
    Province("02", "مازندران", "Mazandaran", "ساری", "Sari"),
    Province("03", "آذربایجان شرقی", "East Azerbaijan", "تبریز", "Tabriz"),
    Province("04", "آذربایجان غربی", "West Azerbaijan", "ارومیه", "Urmia"),
    Province("05", "کرمانشاه", "Kermanshah", "کرمانشاه", "Kermanshah"),
    Province("06", "خوزستان", "Khuzestan", "اهواز", "Ahvaz"),
    Province("07", "فارس", "Fars", "شیراز", "Shiraz"),
    Province("08", "کرمان", "Kerman", "کرمان", "Kerman"),
    Province("09", "خراسان رضوی", "Razavi Khorasan", "مشهد", "Mashhad"),
    Province("10", "اصفهان", "Isfahan", "اصفهان", "Isfahan"),
    Province("11", "سیستان و بلوچستان", "Sistan and Baluchestan", "زاهدان", "Zahedan"),
    Province("12", "کردستان", "Kurdistan", "سنندج", "Sanandaj"),
    Province("13", "همدان", "Hamadan", "همدان", "Hamadan"),
    Province("14", "چهارمحال و بختیاری", "Chaharmahal and Bakhtiari", "شهرکرد", "Shahrekord"),
    Province("15", "لرستان", "Lorestan", "خرم‌آباد", "Khorramabad"),
    Province("16", "ایلام", "Ilam", "ایلام", "Ilam"),
    Province("17", "کهگیلویه و بویراحمد", "Kohgiluyeh and Boyer-Ahmad", "یاسوج", "Yasuj"),
    Province("18", "بوشهر", "Bushehr", "بوشهر", "Bushehr"),
    Province("19", "زنجان", "Zanjan", "زنجان", "Zanjan"),
    Province("20", "سمنان", "Semnan", "سمنان", "Semnan"),
    Province("21", "یزد", "Yazd", "یزد", "Yazd"),
    Province("22", "هرمزگان", "Hormozgan", "بندرعباس", "Bandar Abbas"),
    Province("23", "تهران", "Tehran", "تهران", "Tehran"),
    Province("24", "اردبیل", "Ardabil", "اردبیل", "Ardabil"),
    Province("25", "قم", "Qom", "قم", "Qom"),
    Province("26", "قزوین", "Qazvin", "قزوین", "Qazvin"),
    Province("27", "گلستان", "Golestan", "گرگان", "Gorgan"),
    Province("28", "خراسان شمالی", "North Khorasan", "بجنورد", "Bojnord"),
    Province("29", "خراسان جنوبی", "South Khorasan", "بیرجند", "Birjand"),
    Province("30", "البرز", "Alborz", "کرج", "Karaj"),
)

#: Other spellings of each province's name, by code, beyond what `normalise_place` folds.
PROVINCE_ALIASES: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "00": ("Central",),
    "01": ("Guilan", "Gillan"),
    "02": ("Mazenderan",),
    "03": ("East Azarbaijan", "Eastern Azerbaijan", "Azerbaijan East", "Azarbaijan East",
           "Azarbaijan Sharqi", "Azarbaijan-e Sharqi", "Azerbaijan Sharqi",
           "Azarbayjan-e Sharqi", "Azarbaijan Sharghi", "Azerbaijan Sharghi",
           "Azarbaijan-e Sharghi"),
    "04": ("West Azarbaijan", "Western Azerbaijan", "Azerbaijan West", "Azarbaijan West",
           "Azarbaijan Gharbi", "Azarbaijan-e Gharbi", "Azerbaijan Gharbi",
           "Azarbayjan-e Gharbi"),
    "05": ("Kermanshahan", "Bakhtaran"),
    "06": ("Khuzistan", "Khouzestan"),
    "07": ("Pars",),
    "08": (),
    "09": ("Khorasan Razavi", "Khorasan-e Razavi"),
    "10": ("Esfahan", "Ispahan"),
    "11": ("Sistan and Baluchistan",
           "Sistan va Baluchestan", "Sistan-o-Baluchestan", "Sistan o Baluchestan",
           "Sistan Baluchestan", "سیستان بلوچستان", "سیستان وبلوچستان"),
    "12": ("Kordestan", "Kurdestan", "Kordistan"),
    "13": ("Hamedan",),
    "14": ("Chahar Mahaal and Bakhtiari", "Chahar Mahal and Bakhtiari",
           "Chaharmahaal and Bakhtiari", "Chaharmahal-o-Bakhtiari", "Chaharmahal va Bakhtiari",
           "Chaharmahal Bakhtiari", "Chahar Mahal Bakhtiari", "Chaharmahal and Bakhtiyari",
           "چهار محال و بختیاری", "چهارمحال بختیاری", "چهارمحال وبختیاری"),
    "15": ("Luristan", "Lurestan"),
    "16": (),
    "17": ("Kohgiluyeh and Boyerahmad", "Kohkiluyeh and Boyer-Ahmad",
           "Kohgiloyeh and Boyer-Ahmad", "Kohgiluyeh va Boyer-Ahmad", "Kohgiluye and Boyer-Ahmad",
           "Kohgiluyeh Boyer-Ahmad", "Kohgiluyeh and Buyer Ahmad", "Kohgiluyeh-o-Boyer-Ahmad",
           "کهگیلویه و بویر احمد", "کهگیلویه وبویراحمد", "کهکیلویه و بویراحمد",
           "کهگیلویه بویراحمد"),
    "18": ("Bushire", "Bushher"),
    "19": ("Zenjan",),
    "20": (),
    "21": ("Yezd",),
    "22": ("Hormozgaan",),
    "23": ("Teheran",),
    "24": ("Ardebil",),
    "25": ("Ghom", "Qum"),
    "26": ("Ghazvin", "Kazvin"),
    "27": ("Gulistan",),
    "28": ("Khorasan North", "Khorasan Shomali", "Khorasan-e Shomali", "Northern Khorasan"),
    "29": ("Khorasan South", "Khorasan Jonubi", "Khorasan-e Jonubi", "Southern Khorasan"),
    "30": (),
})

#: Other spellings of each province centre's name, by province code.
CENTRE_ALIASES: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "00": ("Araak",),
    "01": (),
    "02": ("Sary",),
    "03": ("Tebriz",),
    "04": ("Orumiyeh", "Orumieh", "Urumieh", "Urumiyeh", "Oroumieh", "Urumia", "اورمیه"),
    "05": ("Kermanshahan", "Bakhtaran"),
    "06": ("Ahwaz", "Ahvaaz"),
    "07": (),
    "08": (),
    "09": ("Mashad", "Meshed", "Meshhed"),
    "10": ("Esfahan", "Ispahan"),
    "11": (),
    "12": ("Senneh",),
    "13": ("Hamedan",),
    "14": ("Shahr-e Kord", "Shahrkord", "Shahrekurd", "شهر کرد"),
    "15": ("Khoramabad", "Khorram Abad", "Khoram Abad", "خرماباد"),
    "16": (),
    "17": ("Yasouj", "Yasooj", "Yasoj"),
    "18": ("Bushire", "Bushher"),
    "19": ("Zenjan",),
    "20": (),
    "21": ("Yezd",),
    "22": ("Bandar-e Abbas", "Bandarabbas", "Bandar Abbass", "بندر عباس"),
    "23": ("Teheran",),
    "24": ("Ardebil",),
    "25": ("Ghom", "Qum"),
    "26": ("Ghazvin", "Kazvin"),
    "27": (),
    "28": ("Bojnurd", "Bojnourd"),
    "29": (),
    "30": (),
})

# Letters folded to their Persian form; tatweel and zero-width marks dropped. Alef with madda
# or hamza, waw with hamza and yeh with hamza lose their mark in the NFKD step below.
_LETTERS = str.maketrans({
    "ي": "ی", "ى": "ی", "ك": "ک", "ة": "ه", "ۀ": "ه", "ە": "ه", "ھ": "ه", "ٱ": "ا",
    "\u0640": None,            # tatweel
    "\u200c": " ",             # zero-width non-joiner: a break between parts of a name
    "&": " and ",
    "'": None, "’": None, "‘": None, "ʼ": None, "ʻ": None, "`": None, "´": None,
})

_PROVINCE_WORDS_BEFORE = ("استان ", "province of ", "ostan e ", "ostan ")
_PROVINCE_WORDS_AFTER = (" province", " ostan")


def normalise_place(text: str) -> str:
    """A key to compare place names by: equal keys, same name (REG-7, EXAM-5).

    Folds Arabic letter forms to Persian ones (ي ى ئ → ی, ك → ک, ة ۀ ھ → ه, أ إ آ ٱ → ا,
    ؤ → و), removes diacritics, tatweel, apostrophes and other zero-width characters, reads the
    zero-width non-joiner, hyphens and other punctuation as a space and ``&`` as ``and``, makes
    digits ASCII, case-folds Latin letters, and collapses spaces. The key is for comparing, not
    for display.

    Args:
        text: a place name as typed, in Persian or English.

    Returns:
        The name's key, e.g. ``"boyer ahmad"`` for ``"Boyer-Ahmad"``; ``""`` for a blank name.
    """
    # Folding first makes ۀ a letter of its own rather than ە + hamza, which NFKD would split.
    folded = unicodedata.normalize("NFKD", normalize_digits(text).translate(_LETTERS))
    out: list[str] = []
    for ch in folded:
        category = unicodedata.category(ch)
        if category in ("Mn", "Me", "Cf"):
            continue
        if category[0] in "LN":
            out.append(ch)
        else:
            out.append(" ")
    return " ".join("".join(out).translate(_LETTERS).casefold().split())


def _index(names: Mapping[str, tuple[str, ...]], what: str) -> dict[str, Province]:
    """Every name's key → its province; a key naming two provinces is an error in the tables."""
    index: dict[str, Province] = {}
    for province in PROVINCES:
        for name in names[province.code]:
            key = normalise_place(name)
            other = index.setdefault(key, province)
            if other is not province:
                raise ValueError(f"The {what} name {name!r} names both {other.name_en} and "
                                 f"{province.name_en}.")
    return index


#: Each province by its exact two-digit code.
PROVINCES_BY_CODE: Mapping[str, Province] = MappingProxyType({p.code: p for p in PROVINCES})
_BY_NAME = _index({p.code: (p.name_fa, p.name_en, *PROVINCE_ALIASES[p.code])
                   for p in PROVINCES}, "province")
_CENTRE_KEYS: dict[str, frozenset[str]] = {
    p.code: frozenset(normalise_place(n)
                      for n in (p.centre_fa, p.centre_en, *CENTRE_ALIASES[p.code]))
    for p in PROVINCES
}


def province_by_code(code: str) -> Province | None:
    """The province of an SCI two-digit code (Persian digits accepted), or None.

    Args:
        code: two digits, e.g. ``"23"`` or ``"۲۳"``.

    Returns:
        The province, or None when no province has that code.
    """
    return PROVINCES_BY_CODE.get(normalize_digits(code).strip())


def find_province(text: str) -> Province | None:
    """The province a name or code stands for (REG-7), or None when it names none.

    Accepts the Persian or English name in any spelling :func:`normalise_place` folds, every
    alias of :data:`PROVINCE_ALIASES`, the same with «استان» before it or ``Province`` after
    it, and the two-digit SCI code.

    Args:
        text: e.g. «آذربايجان شرقي», ``"Khorasan Razavi"``, ``"Tehran Province"`` or ``"23"``.

    Returns:
        The province, or None for an unknown or ambiguous name (``"Khorasan"``).
    """
    by_code = province_by_code(text)
    if by_code is not None:
        return by_code
    key = normalise_place(text)
    found = _BY_NAME.get(key)
    if found is not None:
        return found
    for before in _PROVINCE_WORDS_BEFORE:
        if key.startswith(before):
            return _BY_NAME.get(key.removeprefix(before))
    for after in _PROVINCE_WORDS_AFTER:
        if key.endswith(after):
            return _BY_NAME.get(key.removesuffix(after))
    return None


def centre_of(text: str) -> tuple[str, str] | None:
    """The centre of the province a name or code stands for (EXAM-5), as (Persian, English).

    Args:
        text: a province's name or code, as :func:`find_province` accepts it.

    Returns:
        e.g. ``("تبریز", "Tabriz")`` for «آذربایجان شرقی», or None for an unknown province.
    """
    province = find_province(text)
    return None if province is None else (province.centre_fa, province.centre_en)


def is_centre(province: Province, city_text: str) -> bool:
    """Whether a city, as typed, is the centre of ``province`` (EXAM-5).

    Args:
        province: the province.
        city_text: a city's name in Persian or English, in any spelling
            :func:`normalise_place` folds or listed in :data:`CENTRE_ALIASES`.

    Returns:
        True when the name is the province's centre.
    """
    return normalise_place(city_text) in _CENTRE_KEYS[province.code]


#: Every spelling of every province's centre (normalised) → its official Persian name.
_CENTRES_FA: Mapping[str, str] = MappingProxyType({
    key: p.centre_fa for p in PROVINCES for key in _CENTRE_KEYS[p.code]})


def city_label(city: str | None, province: str | None = None) -> str:
    """A stored city as it is shown (REG-7, LAUNCH-1): a centre by its official Persian name.

    Args:
        city: the city as the applicant or admin typed it.
        province: its province (name or code); when given, the city is named in Persian only
            when it is that province's centre.

    Returns:
        e.g. «تهران» for ``Tehran``; any other city as stored; "" for none.
    """
    if not city:
        return ""
    if province is not None:
        found = find_province(province)
        return found.centre_fa if found is not None and is_centre(found, city) else city
    return _CENTRES_FA.get(normalise_place(city), city)


def city_choices(stored: Iterable[str] = ()) -> list[str]:
    """What a city field offers: every province's centre and the cities given, in Persian."""
    names = [p.centre_fa for p in PROVINCES] + [city_label(c) for c in stored]
    return sorted(dict.fromkeys(names))


def same_place(a: str, b: str) -> bool:
    """Whether two names are one place's name in the same language (REG-7, LAUNCH-1).

    Args:
        a: a name as typed.
        b: another name as typed.

    Returns:
        True when both have the same :func:`normalise_place` key and it is not blank.
    """
    key = normalise_place(a)
    return bool(key) and key == normalise_place(b)


def province_code(text: str) -> str | None:
    """The SCI two-digit code of the province a name or code stands for, or None.

    Args:
        text: a province's name in any spelling :func:`find_province` accepts, or its code.

    Returns:
        e.g. ``"23"`` for «تهران», ``"Teheran"`` or ``"۲۳"``; None when it names no province.
    """
    province = find_province(text)
    return None if province is None else province.code


def province_label(value: str) -> str:
    """The official Persian name of the province a stored value names, for display.

    Args:
        value: a code (as stored since provinces are reference data) or a name (as older
            records hold it, in any spelling :func:`find_province` accepts).

    Returns:
        e.g. «تهران» for ``"23"`` or ``"Tehran"``; the value unchanged when it names no
        province (free text of an old record).
    """
    province = find_province(value)
    return value if province is None else province.name_fa


def province_spellings(value: str) -> tuple[str, ...]:
    """Every stored value a filter by ``value`` matches.

    The province's code, Persian name and English name, and ``value`` itself as given: records
    stored before provinces were codes hold the name as it was typed.

    Args:
        value: a province's name or code, as a user gives it to a filter.

    Returns:
        e.g. ``("23", "تهران", "Tehran", "tehran")`` for ``"tehran"``, without repeats;
        ``(value,)`` when it names no province.
    """
    province = find_province(value)
    if province is None:
        return (value,)
    return tuple(dict.fromkeys((province.code, province.name_fa, province.name_en, value)))


def province_key(text: str) -> str:
    """A key to compare provinces by (REG-7, LAUNCH-1).

    The code of a province :func:`find_province` knows, else the :func:`normalise_place` key of
    the text (old records may hold free text).

    Args:
        text: a province's name or code, as typed or stored.

    Returns:
        e.g. ``"23"`` for both ``"Tehran"`` and «تهران»; ``"atlantis"`` for ``"Atlantis"``.
    """
    code = province_code(text)
    return code if code is not None else normalise_place(text)


def place_key(province: str, city: str) -> tuple[str, str]:
    """A key to compare a (province, city) pair by (REG-7, LAUNCH-1).

    The province by :func:`province_key` (its code when known, so «تهران» and ``"23"`` are the
    same), the city by :func:`normalise_place` («ري» and «ری», ``Rey`` and ``rey`` are the same).
    """
    return (province_key(province), normalise_place(city))
