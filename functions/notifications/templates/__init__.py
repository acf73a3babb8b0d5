"""Rendering of notification e-mails (plain text and HTML) and of inbox and push texts.

Every interpolated value is HTML-escaped in the HTML part; URLs are placed only in `href`
attributes after escaping, and only http(s) URLs are accepted.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from string import Template

from functions.notifications.templates.messages import CHROME, MESSAGES

LANGUAGES = ("nl", "de", "en")
FALLBACK_LANGUAGE = "nl"


@dataclass(frozen=True)
class Rendered:
    subject: str
    lead: str
    text: str
    html: str


def language_of(language: str | None) -> str:
    return language if language in LANGUAGES else FALLBACK_LANGUAGE


def kinds() -> list[str]:
    return sorted(MESSAGES)


def _fill(template: str, values: dict[str, str]) -> str:
    return Template(template).safe_substitute(values)


def _safe_url(url: str | None) -> str | None:
    if url is None:
        return None
    return url if url.startswith(("https://", "http://")) else None


def render(
    kind: str,
    language: str | None,
    values: dict[str, str],
    *,
    name: str | None = None,
    action_url: str | None = None,
    unsubscribe_url: str | None = None,
    preferences_url: str | None = None,
) -> Rendered:
    """The message `kind` in `language` (Dutch when the language is not offered)."""
    lang = language_of(language)
    message = MESSAGES[kind][lang]
    chrome = CHROME[lang]
    subject = _fill(message.subject, values).strip()
    lead = _fill(message.lead, values).strip()
    greeting = _fill(chrome["greeting"], {"name": name}) if name else chrome["greeting_anonymous"]
    action, unsubscribe, preferences = _safe_url(action_url), _safe_url(unsubscribe_url), _safe_url(preferences_url)

    text_lines = [greeting, "", lead, ""]
    if action:
        text_lines += [f"{message.action}: {action}", ""]
    text_lines += ["-- ", chrome["footer"]]
    if preferences:
        text_lines.append(f"{chrome['preferences']}: {preferences}")
    if unsubscribe:
        text_lines.append(f"{chrome['unsubscribe']}: {unsubscribe}")
    text = "\n".join(text_lines) + "\n"

    e = html.escape
    parts = [
        "<!doctype html>",
        f'<html lang="{lang}"><head><meta charset="utf-8"><title>{e(subject)}</title></head>',
        '<body style="font-family:sans-serif;line-height:1.5;color:#222;max-width:36em">',
        f"<p>{e(greeting)}</p>",
        f"<p>{e(lead)}</p>",
    ]
    if action:
        parts.append(
            f'<p><a href="{e(action)}" style="background:#1f6f50;color:#fff;padding:.5em 1em;'
            f'text-decoration:none;border-radius:4px">{e(message.action)}</a></p>'
        )
    footer = [f"{e(chrome['footer'])}"]
    if preferences:
        footer.append(f'<a href="{e(preferences)}">{e(chrome["preferences"])}</a>')
    if unsubscribe:
        footer.append(f'<a href="{e(unsubscribe)}">{e(chrome["unsubscribe"])}</a>')
    parts.append(f'<hr><p style="font-size:12px;color:#666">{" · ".join(footer)}</p>')
    parts.append("</body></html>")
    return Rendered(subject=subject, lead=lead, text=text, html="\n".join(parts) + "\n")
