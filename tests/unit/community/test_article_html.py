"""The article sanitiser as a property: whatever goes in, nothing that runs comes out (no script,
style or iframe elements, no on* attributes, no javascript:/data: URLs), checked by parsing the
output as a browser-like HTML parser would."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from functions.community.logic.html import plain_text, sanitise
from functions.community.logic.search import fold, terms

DANGEROUS_TAGS = {"script", "style", "iframe", "object", "embed", "svg", "math", "template", "base", "meta", "link"}
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):")


class Elements(HTMLParser):
    """Every start tag and its attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))

    handle_startendtag = handle_starttag


def elements(fragment: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    parser = Elements()
    parser.feed(fragment)
    parser.close()
    return parser.found


def scheme(url: str) -> str | None:
    compact = re.sub(r"[\x00-\x20\x7f-\x9f]+", "", html.unescape(url)).lower()
    match = _SCHEME.match(compact)
    return match.group(1) if match else None


TAG_NAMES = st.sampled_from(
    ["p", "a", "img", "script", "SCRIPT", "style", "iframe", "svg", "b", "div", "span", "math", "object", "s<script>"]
)
ATTRIBUTE_NAMES = st.sampled_from(["href", "src", "onclick", "ONERROR", "onload", "style", "title", "xlink:href", "on"])
URLS = st.sampled_from(
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " \tjavascript:alert(1)",
        "jav&#x09;ascript:alert(1)",
        "jav\nascript:alert(1)",
        "&#106;avascript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "vbscript:msgbox(1)",
        "https://plein.test/ok",
        "mailto:a@plein.test",
        "#anchor",
        "//evil.test/x",
    ]
)
ATTRIBUTE_VALUES = st.one_of(URLS, st.text(max_size=20))


@st.composite
def markup(draw: st.DrawFn) -> str:
    """HTML-ish soup: tags with dangerous attributes and URLs, text and stray brackets in between."""
    parts: list[str] = []
    for _ in range(draw(st.integers(0, 8))):
        tag = draw(TAG_NAMES)
        attrs = "".join(
            f" {draw(ATTRIBUTE_NAMES)}={draw(st.sampled_from(['', chr(34), chr(39)]))}{draw(ATTRIBUTE_VALUES)}"
            for _ in range(draw(st.integers(0, 3)))
        )
        parts.append(f"<{tag}{attrs}>{draw(st.text(max_size=15))}")
        if draw(st.booleans()):
            parts.append(f"</{tag}>")
        parts.append(draw(st.sampled_from(["", "<", ">", "<!--", "-->", "</", "<![CDATA[", "&lt;script&gt;"])))
    return "".join(parts)


def assert_harmless(output: str) -> None:
    assert "<script" not in output.lower()
    for tag, attrs in elements(output):
        assert tag not in DANGEROUS_TAGS, output
        for name, value in attrs:
            assert not name.lower().startswith("on"), output
            assert name in {"href", "src", "title", "alt", "width", "height", "rel"}, output
            if name in {"href", "src"}:
                assert value is not None
                assert scheme(value) in {"http", "https", "mailto"} or value.startswith("#"), output
        if tag == "a":
            assert ("rel", "noopener nofollow") in attrs, output


@settings(max_examples=200, deadline=None)
@given(st.one_of(markup(), st.text(max_size=300)))
def test_no_sanitised_output_can_run_anything(raw: str) -> None:
    output = sanitise(raw)

    assert_harmless(output)
    assert sanitise(output) == output  # stored bodies stay as they are when edited again


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_plain_text_never_holds_markup(raw: str) -> None:
    text = plain_text(f"<p>{raw}</p><script>alert('{raw}')</script>")
    assert "alert(" not in text or "alert(" in raw


def test_what_the_allowlist_keeps() -> None:
    raw = (
        '<h2 id="x" class="y">Title</h2><p style="color:red">Some <strong>bold</strong> text.</p>'
        '<a href="https://plein.test/p/1" target="_blank">product</a><img src="https://img.test/a.jpg" alt="A">'
        "<ul><li>one</li></ul><iframe src=https://evil.test>x</iframe><style>p{}</style>"
    )
    assert sanitise(raw) == (
        '<h2>Title</h2><p>Some <strong>bold</strong> text.</p><a href="https://plein.test/p/1" '
        'rel="noopener nofollow">product</a><img src="https://img.test/a.jpg" alt="A"><ul><li>one</li></ul>'
    )


@given(st.text(max_size=60))
def test_folding_is_stable_and_drops_accents(text: str) -> None:
    assert fold(fold(text)) == fold(text)
    assert terms("Küche Straße") == {"kuc", "str"}
