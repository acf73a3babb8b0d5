"""A vendor's saved column mapping (`FeedMapping`) applied to the rows of its own spreadsheet.

The mapping applies to a table whose header has the column it maps to `id` (names compared
ignoring case and surrounding spaces). Its columns then name the fields, and its value rules turn
the vendor's way of writing into the Merchant Center forms that logic/feeds/rows.py validates:
amounts with a decimal comma, thousands separators and currency symbols; day-first dates; bare
weights; condition and availability words in Dutch, German and English; the vendor's categories
onto the marketplace's. A value no rule recognises is passed on unchanged, so the row's error
names the field and what was written.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from functions.vendor.logic.domain import FeedMapping

CONDITION_WORDS = {
    **dict.fromkeys(("new", "neu", "nieuw", "brand new", "originalverpackt"), "new"),
    **dict.fromkeys(("used", "gebraucht", "gebruikt", "tweedehands", "second hand", "pre-owned"), "used"),
    **dict.fromkeys(("refurbished", "generalüberholt", "gereviseerd", "refurbished (a-grade)"), "refurbished"),
}
AVAILABILITY_WORDS = {
    **dict.fromkeys(
        ("in stock", "in_stock", "available", "op voorraad", "leverbaar", "auf lager", "lieferbar", "verfügbar"),
        "in_stock",
    ),
    **dict.fromkeys(
        (
            "out of stock",
            "out_of_stock",
            "sold out",
            "uitverkocht",
            "niet op voorraad",
            "niet leverbaar",
            "ausverkauft",
            "nicht auf lager",
            "nicht lieferbar",
            "nicht verfügbar",
        ),
        "out_of_stock",
    ),
    **dict.fromkeys(("preorder", "pre-order", "voorbestelling", "vorbestellung"), "preorder"),
    **dict.fromkeys(("backorder", "nabestelling", "nachbestellung", "nachlieferung"), "backorder"),
}
CURRENCY_SYMBOLS = {"€": "EUR", "£": "GBP", "$": "USD", "CHF": "CHF", "Fr.": "CHF", "Kč": "CZK", "zł": "PLN"}
AMOUNT_FIELDS = frozenset({"price", "sale_price"})
_CURRENCY_CODE = re.compile(r"(?<![A-Za-z])([A-Z]{3})(?![A-Za-z])")
_NUMBER = re.compile(r"(\d[\d.,' \u202f]*?)(?:[.,](\d{1,2}))?")
_GROUP_MARKS = re.compile(r"[.,' \u202f]")
_DATE = re.compile(r"(\d{1,4})[./-](\d{1,2})[./-](\d{1,4})(?:[ T](\d{1,2}):(\d{2}))?")
_ISO_INTERVAL = re.compile(r"\d{4}-\S+/\d{4}-\S+")
_BARE_NUMBER = re.compile(r"^\d{1,6}(?:[.,]\d{1,3})?$")


def header_applies(mapping: FeedMapping, header: list[str]) -> bool:
    """Whether the table with this header is the vendor's own spreadsheet: it has the id column."""
    names = {match_key(name) for name in header}
    return any(target == "id" and match_key(source) in names for source, target in mapping.columns.items())


def column_fields(mapping: FeedMapping, header: list[str]) -> dict[str, str | None]:
    """Each column of the header → the field the mapping names for it (None: not mapped)."""
    by_key = {match_key(source): target for source, target in mapping.columns.items()}
    return {name: by_key.get(match_key(name)) for name in header}


def absent_columns(mapping: FeedMapping, header: list[str]) -> dict[str, str]:
    """Mapped columns the header lacks: field → the column the mapping expects for it."""
    names = {match_key(name) for name in header}
    return {target: source for source, target in mapping.columns.items() if match_key(source) not in names}


def match_key(name: str) -> str:
    """A column name, category or word as the mapping compares them: ignoring case and surrounding spaces."""
    return name.strip().strip("\ufeff").strip().casefold()


def rewritten(mapping: FeedMapping, fields: dict[str, str | list[str]]) -> dict[str, str | list[str]]:
    """The row's values in the forms the row validation reads."""
    rules = _rules(mapping)
    result: dict[str, str | list[str]] = {}
    for name, value in fields.items():
        rule = rules.get(name)
        if rule is None:
            result[name] = value
        elif isinstance(value, list):
            result[name] = [rule(item) for item in value]
        else:
            result[name] = rule(value)
    return result


def _rules(mapping: FeedMapping) -> dict[str, Callable[[str], str]]:
    categories = {match_key(source): path for source, path in mapping.categories.items()}

    def amount(text: str) -> str:
        return _amount(text, mapping)

    def shipping(text: str) -> str:
        head, separator, price = text.rpartition(":")
        return f"{head}{separator}{_amount(price, mapping)}" if separator else text

    def category(text: str) -> str:
        return categories.get(match_key(text), text)

    return {
        **dict.fromkeys(AMOUNT_FIELDS, amount),
        "shipping": shipping,
        "quantity": lambda text: _whole(text, mapping),
        "condition": lambda text: CONDITION_WORDS.get(match_key(text), text),
        "availability": lambda text: AVAILABILITY_WORDS.get(match_key(text), text),
        "sale_price_effective_date": lambda text: _date_range(text, mapping),
        "shipping_weight": lambda text: _weight(text, mapping),
        "product_type": category,
    }


def _amount(text: str, mapping: FeedMapping) -> str:
    """`€ 1.234,50` (decimal comma) or `$1,234.50` → `1234.50 EUR`/`1234.50 USD`. One or two
    digits after the last `.` or `,` are always cents; three are thousands only when that mark is
    the mapping's thousands separator (else the value is ambiguous and passed on unchanged, so the
    row is rejected naming it)."""
    value = text.strip().replace("\u00a0", " ")
    currency = None
    for symbol, code in CURRENCY_SYMBOLS.items():
        if symbol in value:
            currency, value = code, value.replace(symbol, " ")
            break
    codes = _CURRENCY_CODE.findall(value)
    if len(codes) == 1:
        currency, value = codes[0], _CURRENCY_CODE.sub(" ", value)
    written = _NUMBER.fullmatch(value.strip())
    if written is None:
        return text
    whole, cents = written.groups()
    groups = _GROUP_MARKS.split(whole)
    decimal_mark = "," if mapping.decimal_comma else "."
    if len(groups) > 1 and (decimal_mark in whole or len(groups[0]) > 3 or any(len(g) != 3 for g in groups[1:])):
        return text
    plain = "".join(groups) + (f".{cents}" if cents else "")
    currency = currency or mapping.currency
    return f"{plain} {currency}" if currency else plain


def _whole(text: str, mapping: FeedMapping) -> str:
    """`1.250` (decimal comma: thousands with a dot) or `1,250` → `1250`; unchanged otherwise."""
    value = text.strip()
    thousands = "." if mapping.decimal_comma else ","
    grouped = re.fullmatch(rf"\d{{1,3}}(?:[{re.escape(thousands)}' \u00a0]\d{{3}})+", value)
    return re.sub(r"\D", "", value) if grouped else value


def _weight(text: str, mapping: FeedMapping) -> str:
    value = text.strip()
    if mapping.weight_unit is None or not _BARE_NUMBER.match(value):
        return text
    return f"{value.replace(',', '.')} {mapping.weight_unit}"


def _date_range(text: str, mapping: FeedMapping) -> str:
    """Two written dates (`01.12.2026 - 24.12.2026`, `12/01/2026 bis 12/24/2026`) → the ISO 8601
    interval `2026-12-01/2026-12-24`; unchanged unless exactly two dates are found."""
    if _ISO_INTERVAL.fullmatch(text.strip()):
        return text
    found = list(_dates(text, mapping.day_first))
    if len(found) != 2 or None in found:
        return text
    return f"{found[0]}/{found[1]}"


def _dates(text: str, day_first: bool) -> Iterator[str | None]:
    for match in _DATE.finditer(text):
        first, second, third, hour, minute = match.groups()
        if len(first) == 4:
            year, month, day = first, second, third
        elif len(third) == 4:
            year, month, day = (third, second, first) if day_first else (third, first, second)
        else:
            yield None
            continue
        if not (1 <= int(month) <= 12 and 1 <= int(day) <= 31):
            yield None
            continue
        moment = f"{int(year):04d}-{int(month):02d}-{int(day):02d}"
        yield f"{moment}T{int(hour):02d}:{minute}" if hour is not None else moment
