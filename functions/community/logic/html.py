"""Rich text of articles: HTML sanitised on write against an allowlist, and its plain text.

Allowed: paragraphs, headings (h2-h4), emphasis, lists, quotes, code, figures, links and images.
Everything else is dropped: `script`, `style`, `iframe` (and their content), every `on*` handler,
`style` and `class` attributes. `href` keeps only http(s), mailto and in-page `#anchors`; `src`
only http(s). Every link gets `rel="noopener nofollow"`. The allowlist is enforced by nh3
(ammonia: a real HTML5 parser, so entity-encoded or split schemes do not slip through); the
attribute filter below checks URLs once more after decoding them, so a scheme we do not list
never survives even if the library's defaults change.
"""

from __future__ import annotations

import html
import re

import nh3

TAGS = frozenset(
    {
        "p", "br", "hr", "h2", "h3", "h4", "strong", "em", "b", "i", "u", "s", "sub", "sup", "small",
        "blockquote", "ul", "ol", "li", "a", "img", "figure", "figcaption", "code", "pre", "span",
    }
)  # fmt: skip
DROPPED_WITH_CONTENT = frozenset(
    {"script", "style", "iframe", "object", "embed", "noscript", "template", "textarea", "svg", "math", "title"}
)
ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title", "width", "height"}}
LINK_REL = "noopener nofollow"
SCHEMES = frozenset({"http", "https", "mailto"})
_CONTROL = re.compile(r"[\x00-\x20\x7f-\x9f]+")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):")
_SIZE = re.compile(r"^\d{1,4}$")


def _safe_url(value: str, schemes: frozenset[str], anchors: bool) -> bool:
    """Whether a URL is absolute with an allowed scheme (or an in-page `#anchor`)."""
    compact = _CONTROL.sub("", html.unescape(value)).lower()
    if anchors and compact.startswith("#"):
        return True
    match = _SCHEME.match(compact)
    return match is not None and match.group(1) in schemes and not compact.startswith(f"{match.group(1)}:\\")


def _attribute(tag: str, name: str, value: str) -> str | None:
    if name == "href":
        return value if _safe_url(value, SCHEMES, anchors=True) else None
    if name == "src":
        return value if _safe_url(value, frozenset({"http", "https"}), anchors=False) else None
    if name in {"width", "height"}:
        return value if _SIZE.match(value) else None
    return value


def sanitise(raw: str) -> str:
    """The allowed part of an HTML fragment (see the module's docstring).

    Cleaned twice: one pass may leave `rel` where the input had it while the next one moves it
    last, and a stored body must come back unchanged when its author saves it again.
    """
    return _clean(_clean(raw))


def _clean(raw: str) -> str:
    return nh3.clean(
        raw,
        tags=set(TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        attribute_filter=_attribute,
        strip_comments=True,
        link_rel=LINK_REL,
        url_schemes=set(SCHEMES),
    ).strip()


def plain_text(fragment: str) -> str:
    """The text of an HTML fragment (for moderation and excerpts), whitespace collapsed."""
    text = nh3.clean(fragment, tags=set(), clean_content_tags=set(DROPPED_WITH_CONTENT))
    return " ".join(html.unescape(text).split())
