"""Build functions/common/google_taxonomy.tsv.gz from Google's product taxonomy files.

Google publishes its product taxonomy per language as `taxonomy-with-ids.<locale>.txt`
(https://www.google.com/basepages/producttype/taxonomy-with-ids.en-US.txt and the nl-NL and de-DE
files beside it), one `<id> - <path>` line per category. This joins the three into one line per
category: `id, parent id, English, Dutch and German name`, the English path being the canonical one
(functions/common/taxonomy.py). A name a language's file lacks (the German file is older than the
English one) is left empty and shows in English.

    python -m tools.google_taxonomy taxonomy-with-ids.en-US.txt taxonomy-with-ids.nl-NL.txt \
        taxonomy-with-ids.de-DE.txt
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

OUTPUT = Path(__file__).resolve().parents[1] / "functions" / "common" / "google_taxonomy.tsv.gz"
SEPARATOR = " > "


def read(path: Path) -> dict[int, list[str]]:
    """Category id → path (names, root first) of one `taxonomy-with-ids` file."""
    paths: dict[int, list[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        number, _, path_text = line.partition(" - ")
        paths[int(number)] = [" ".join(name.split()) for name in path_text.split(SEPARATOR)]
    return paths


def build(english: Path, dutch: Path, german: Path) -> list[str]:
    en, nl, de = read(english), read(dutch), read(german)
    by_path = {tuple(path): number for number, path in en.items()}
    lines = []
    for number, path in en.items():
        parent = by_path[tuple(path[:-1])] if len(path) > 1 else 0
        names = [path[-1]]
        for other in (nl, de):
            translated = other.get(number)
            names.append(translated[-1] if translated and len(translated) == len(path) else "")
        if any("\t" in name for name in names):
            raise SystemExit(f"category {number} has a tab in its name")
        lines.append("\t".join([str(number), str(parent), *names]))
    return lines


def main() -> None:
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    lines = build(*(Path(arg) for arg in sys.argv[1:]))
    with gzip.open(OUTPUT, "wt", encoding="utf-8", compresslevel=9) as out:
        out.write("\n".join(lines) + "\n")
    sys.stdout.write(f"{len(lines)} categories → {OUTPUT}\n")


if __name__ == "__main__":
    main()
