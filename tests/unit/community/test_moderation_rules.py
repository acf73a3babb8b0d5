"""The automatic checks: profanity in four languages (with disguises), links, e-mail addresses,
phone numbers; duplicates and the hourly allowance per member."""

from __future__ import annotations

import pytest

from functions.community.logic.domain import Status
from functions.community.logic.moderation import screen_text, status_for
from tests.unit.community.conftest import build


@pytest.mark.parametrize(
    "text",
    [
        "This is fucking useless",  # en
        "Wat een kut product",  # nl
        "Totale Scheiße, nie wieder",  # de
        "Totale scheisse",  # de, without ß
        "To je kurva drahé",  # sk
        "Je to piča",  # sk with accent
        "F0CK this, sh1t quality",  # leetspeak: "sh1t"
        "fuuuuuck",  # stretched
    ],
)
def test_profanity_is_rejected(text: str) -> None:
    reasons = screen_text(text)

    assert "profanity" in reasons
    assert status_for(reasons) is Status.REJECTED


@pytest.mark.parametrize(
    "text",
    [
        "Prima pan, goed verpakt",
        "Scunthorpe and Essex are fine",  # no substring matches
        "Klasse Kaffeebecher, 250 ml",
        "Rozmer 28 cm, cena 49,99 EUR",
        "Order 12345 arrived on 2026-11-30",
    ],
)
def test_ordinary_text_passes(text: str) -> None:
    assert screen_text(text) == []


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("see https://cheap.example/pan", "link"),
        ("visit www.pans.example", "link"),
        ("better on pannenshop.nl", "link"),
        ("mail me: jan.jansen+pan@example.com", "email_address"),
        ("bel 06-12345678", "phone_number"),
        ("call +31 20 123 4567", "phone_number"),
        ("ruf an: 0049 (0)30 1234567", "phone_number"),
    ],
)
def test_contact_details_and_links_wait_for_a_moderator(text: str, reason: str) -> None:
    reasons = screen_text(text)

    assert reason in reasons
    assert status_for(reasons) is Status.PENDING


def test_an_e_mail_address_is_not_also_a_link() -> None:
    assert screen_text("write to anna@example.com") == ["email_address"]


def test_the_same_text_twice_by_a_member_is_a_duplicate_but_not_for_another_member() -> None:
    community = build()
    first = community.deps.screener.screen("u1", "Great mug", "Keeps coffee hot")
    community.docs.commit(first.changes)

    again = community.deps.screener.screen("u1", "great  MUG", "keeps coffee hot")
    other = community.deps.screener.screen("u2", "Great mug", "Keeps coffee hot")

    assert (first.status, again.status, again.reasons) == (Status.PUBLISHED, Status.REJECTED, ["duplicate"])
    assert other.status is Status.PUBLISHED


def test_posts_beyond_the_hourly_allowance_wait_for_a_moderator() -> None:
    community = build(posts_per_hour=2)
    screener = community.deps.screener
    verdicts = []
    for n in range(3):
        verdict = screener.screen("u1", f"text number {n}")
        community.docs.commit(verdict.changes)
        verdicts.append(verdict)

    assert [v.status for v in verdicts] == [Status.PUBLISHED, Status.PUBLISHED, Status.PENDING]
    assert verdicts[2].reasons == ["rate_limited"]
    community.clock.advance(hours=1)
    assert screener.screen("u1", "a new hour").status is Status.PUBLISHED
