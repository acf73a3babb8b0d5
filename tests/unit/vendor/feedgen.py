"""Feed files for tests: valid GTINs, realistic rows, and a given number of bad rows."""

from __future__ import annotations

import csv
import io
import json

from functions.vendor.logic.ids import gtin_check_digit

HEADER = (
    "id",
    "title",
    "description",
    "price",
    "availability",
    "quantity",
    "brand",
    "gtin",
    "condition",
    "product_type",
)


def gtin13(n: int, prefix: str = "400") -> str:
    body = f"{prefix}{n:09d}"[:12]
    return body + str(gtin_check_digit(body))


def bad_indices(count: int, bad: int) -> set[int]:
    step = count // bad if bad else 0
    return set(range(step - 1, count, step)[:bad]) if bad else set()


def rows(
    count: int, *, bad: int = 0, prefix: str = "SKU", gtin_prefix: str = "400", title: str = "Wollpullover"
) -> list[dict[str, str]]:
    """`count` rows; `bad` of them, spread evenly, have a wrong GTIN check digit (one error each)."""
    wrong = bad_indices(count, bad)
    out = []
    for i in range(count):
        gtin = gtin13(i, gtin_prefix)
        if i in wrong:
            gtin = gtin[:-1] + str((int(gtin[-1]) + 1) % 10)
        out.append(
            {
                "id": f"{prefix}-{i:06d}",
                "title": f"{title} {i}",
                "description": f"Warmer Pullover aus Merinowolle, Modell {i}",
                "price": f"{19 + i % 50}.{i % 100:02d} EUR",
                "availability": "in stock" if i % 7 else "out of stock",
                "quantity": str(0 if i % 7 == 0 else 5 + i % 20),
                "brand": ["Wolkenweber", "Noordzee", "Tatra"][i % 3],
                "gtin": gtin,
                "condition": "new",
                "product_type": "Kleidung > Pullover",
            }
        )
    return out


def csv_bytes(items: list[dict[str, str]], delimiter: str = ",", encoding: str = "utf-8", header=HEADER) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for item in items:
        writer.writerow([item.get(name, "") for name in header])
    return buffer.getvalue().encode(encoding)


def jsonl_bytes(items: list[dict[str, str]]) -> bytes:
    return "".join(
        json.dumps({k: v for k, v in item.items() if not k.startswith("_")}) + "\n" for item in items
    ).encode()


def xml_bytes(items: list[dict[str, str]]) -> bytes:
    from xml.sax.saxutils import escape

    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:g="http://base.google.com/ns/1.0"><channel><title>t</title>'
    ]
    for item in items:
        fields = "".join(f"<g:{k}>{escape(v)}</g:{k}>" for k, v in item.items() if not k.startswith("_"))
        parts.append(f"<item>{fields}</item>\n")
    parts.append("</channel></rss>\n")
    return "".join(parts).encode()
