"""The newsletter's double opt-in and a member's subscription.

1. The community context publishes NewsletterOptInRequested when a member ticks the newsletter in
   their profile; `opt_in_requested` e-mails them a signed link to the web client's confirmation
   page (`#/newsletter/confirm/{token}`).
2. That page shows the consent wording (`wording`); confirming it (`confirm`) records the consent
   with its time and the exact wording shown, and the member's interests; from then on (and only
   then) campaigns reach them. The page also opens the community's own confirmation link (returned
   as `profile_confirm_url`) so the profile shows the subscription.
3. `unsubscribe` (settings, or the one-click link of every campaign through the core's
   preferences) ends it; the withdrawal is recorded like the consent.
"""

from __future__ import annotations

import contextlib
import html
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Protocol
from urllib.parse import quote

from functions.common.auth import Principal
from functions.common.errors import Conflict, UnprocessableEntity
from functions.common.events import ConsumedView
from functions.notifications.logic.campaigns import Signer
from functions.notifications.logic.domain import Channel, Consent, OutgoingMail, Topic, default_preferences
from functions.notifications.logic.ports import Clock, Mailer, PreferenceStore, Recipients
from functions.notifications.logic.segments import AudienceEvent, AudienceMember, AudienceProjection, AudienceStore
from functions.notifications.models import consumed as c
from functions.notifications.models.campaigns import (
    ConsentOut,
    NewsletterConfirmIn,
    NewsletterOut,
    NewsletterWording,
)
from functions.notifications.models.consumed import NewsletterOptInRequestedView

NEWSLETTER_PURPOSE = "newsletter-confirm"
WORDING_ID = "newsletter-2026-12"
WITHDRAWAL_ID = "newsletter-withdrawal"
WORDINGS: dict[str, dict[str, str]] = {
    WORDING_ID: {
        "nl": "Ja, ik wil de nieuwsbrief van Plein per e-mail ontvangen, met nieuws, tips en aanbiedingen die bij "
        "mijn interesses passen. Afmelden kan altijd: met één klik onderaan elke nieuwsbrief of in mijn instellingen.",
        "de": "Ja, ich möchte den Newsletter von Plein per E-Mail erhalten, mit Neuigkeiten, Tipps und Angeboten "
        "passend zu meinen Interessen. Abmelden kann ich mich jederzeit: mit einem Klick am Ende jedes Newsletters "
        "oder in meinen Einstellungen.",
        "en": "Yes, I want to receive the Plein newsletter by e-mail, with news, tips and offers that match my "
        "interests. I can unsubscribe at any time: with one click at the bottom of every newsletter or in my settings.",
    },
    WITHDRAWAL_ID: {
        "nl": "Ik meld me af voor de nieuwsbrief van Plein.",
        "de": "Ich melde mich vom Newsletter von Plein ab.",
        "en": "I unsubscribe from the Plein newsletter.",
    },
}
INTERESTS = ("fashion", "home", "lighting", "kitchen", "garden", "kids", "sports", "beauty", "outdoor", "gifts")
CONFIRM_MAIL = {
    "nl": ("Bevestig je aanmelding voor de nieuwsbrief", "Klik op de knop om je aanmelding te bevestigen.", "Bevestig"),
    "de": (
        "Bestätige deine Newsletter-Anmeldung",
        "Klicke auf den Knopf zum Bestätigen.",
        "Bestätigen",
    ),
    "en": ("Confirm your newsletter subscription", "Click the button to confirm your subscription.", "Confirm"),
}
IGNORED_NOTE = {
    "nl": "Heb je je niet aangemeld? Negeer dan deze e-mail; je ontvangt niets.",
    "de": "Du hast dich nicht angemeldet? Dann ignoriere diese E-Mail; du erhältst nichts.",
    "en": "Did not sign up? Then ignore this e-mail; you will receive nothing.",
}


def wording(wording_id: str, language: str) -> str:
    texts = WORDINGS.get(wording_id)
    if texts is None:
        raise UnprocessableEntity("unknown consent wording", code="unknown_wording")
    return texts.get(language) or texts["en"]


def mask(email: str | None) -> str | None:
    if not email or "@" not in email:
        return None
    local, _, domain = email.partition("@")
    return f"{local[:1]}{'*' * max(len(local) - 1, 1)}@{domain}"


@dataclass(frozen=True)
class ConsentRecord:
    """One opt-in or withdrawal as given."""

    user_id: str
    at: datetime
    granted: bool
    wording_id: str
    wording: str
    language: str
    email: str | None
    interests: tuple[str, ...] = ()
    source: str = "double_opt_in"


class ConsentStore(Protocol):
    def add_consent(self, record: ConsentRecord) -> None:
        """Append to the member's consent history (never overwritten)."""
        ...

    def latest_consent(self, user_id: str) -> ConsentRecord | None: ...

    def use_link(self, nonce: str, user_id: str, at: datetime) -> bool:
        """Mark a confirmation link used; False when it was used before."""
        ...


class NewsletterService:
    def __init__(
        self,
        *,
        audience: AudienceStore,
        consents: ConsentStore,
        preferences: PreferenceStore,
        contacts: Recipients,
        mailer: Mailer,
        signer: Signer,
        web_url: str,
        clock: Clock,
        log: Callable[[str], None] = lambda _: None,
    ):
        self._audience = audience
        self._consents = consents
        self._preferences = preferences
        self._contacts = contacts
        self._mailer = mailer
        self._signer = signer
        self._web_url = web_url.rstrip("/")
        self._clock = clock
        self._log = log

    def _member(self, user_id: str) -> AudienceMember:
        return self._audience.audience_member(user_id) or AudienceMember(user_id=user_id)

    # ------------------------------------------------------------ 1. the confirmation mail

    def opt_in_requested(self, event: NewsletterOptInRequestedView) -> None:
        """E-mail the confirmation link (idempotent on `event_id`: a redelivery after the mail
        went out sends nothing)."""
        member = self._member(event.user_id)
        if member.extra.get("optin_event") == event.event_id:
            return
        contact = self._contacts.contact(event.user_id)
        email = event.email or (contact.email if contact else None)
        if not email:
            self._log("newsletter opt-in without an e-mail address: nothing sent")
            return
        language = member.language if member.affinities_at else (contact.language if contact else member.language)
        language = language if language in CONFIRM_MAIL else "en"
        token = self._signer.issue(
            {"u": event.user_id, "e": email, "l": language, "n": event.event_id, "cu": event.confirm_url},
            event.expires_at,
        )
        link = f"{self._web_url}/#/newsletter/confirm/{quote(token)}"
        self._mailer.send(_confirmation_mail(email, language, link))
        status = member.newsletter if member.subscribed else "pending"
        extra = {**member.extra, "optin_event": event.event_id}
        self._audience.save_audience_member(
            replace(member, newsletter=status, email=email, language=language, extra=extra)
        )

    # ------------------------------------------------------------ 2. the confirmation page

    def _claims(self, token: str) -> dict[str, str]:
        claims = self._signer.verify(token, self._clock())
        if not all(isinstance(claims.get(k), str) for k in ("u", "e", "l", "n")):
            raise UnprocessableEntity("this link is not a newsletter confirmation", code="link_not_found")
        return {k: str(v) for k, v in claims.items() if isinstance(v, str)}

    def wording(self, token: str) -> NewsletterWording:
        claims = self._claims(token)
        return NewsletterWording(
            email=mask(claims["e"]),
            language=claims["l"],
            wording_id=WORDING_ID,
            wording=wording(WORDING_ID, claims["l"]),
            interests=list(INTERESTS),
        )

    def confirm(self, token: str, request: NewsletterConfirmIn) -> NewsletterOut:
        """Record the consent (time, exact wording, interests) once per link. A repeat while the
        member is subscribed answers with the subscription; a used link after an unsubscribe is
        409 `link_used` (a new opt-in sends a new link)."""
        claims = self._claims(token)
        if request.wording_id != WORDING_ID:
            raise UnprocessableEntity("confirm the wording the page shows", code="unknown_wording")
        user_id, now = claims["u"], self._clock()
        if not self._consents.use_link(claims["n"], user_id, now):
            if self._member(user_id).subscribed:
                return self._out(self._member(user_id), claims.get("cu"))
            raise Conflict("this confirmation link was used already", code="link_used")
        text = wording(WORDING_ID, claims["l"])
        record = ConsentRecord(
            user_id=user_id,
            at=now,
            granted=True,
            wording_id=WORDING_ID,
            wording=text,
            language=claims["l"],
            email=claims["e"],
            interests=tuple(request.interests),
        )
        self._consents.add_consent(record)
        self._set_preference(user_id, claims["l"], granted=True, text=text, at=now)
        member = self._member(user_id)
        interests = frozenset(i.casefold() for i in request.interests)
        extra = {k: v for k, v in member.extra.items() if k != "unsubscribed_at"}
        updated = replace(
            member,
            newsletter="subscribed",
            email=claims["e"],
            language=claims["l"],
            affinities=member.affinities | interests,
            extra=extra,
        )
        self._audience.save_audience_member(updated)
        return self._out(updated, claims.get("cu"))

    def _set_preference(self, user_id: str, language: str, *, granted: bool, text: str, at: datetime) -> None:
        """Newsletter e-mail on or off in the member's preferences (the core's sending rules read
        them), with the consent; retried once when the preferences moved on meanwhile."""
        for attempt in range(2):
            prefs = self._preferences.preferences(user_id) or default_preferences(user_id, language)
            channels = dict(prefs.channels)
            channels[Topic.NEWSLETTER] = frozenset({Channel.EMAIL}) if granted else frozenset()
            consent = Consent(channel=Channel.EMAIL, topic=Topic.NEWSLETTER, granted=granted, wording=text, at=at)
            try:
                self._preferences.save_preferences(
                    replace(prefs, channels=channels, consents=(*prefs.consents, consent))
                )
                return
            except Conflict:
                if attempt:
                    raise

    # ------------------------------------------------------------ 3. the member's settings

    def status(self, caller: Principal) -> NewsletterOut:
        """The subscription; one ended by the one-click link of a campaign (which turns the
        newsletter off in the preferences) shows as unsubscribed, and the projection follows."""
        member = self._member(caller.user_id)
        if member.subscribed:
            prefs = self._preferences.preferences(caller.user_id)
            if prefs is not None and not prefs.allows(Topic.NEWSLETTER, Channel.EMAIL):
                member = replace(member, newsletter="unsubscribed")
                with contextlib.suppress(Conflict):  # changed meanwhile: the next read follows again
                    self._audience.save_audience_member(member)
        return self._out(member)

    def unsubscribe(self, caller: Principal) -> NewsletterOut:
        """End the subscription (idempotent); the withdrawal is recorded like a consent."""
        member = self._member(caller.user_id)
        if member.newsletter in ("none", "unsubscribed"):
            return self._out(member)
        now = self._clock()
        text = wording(WITHDRAWAL_ID, member.language)
        self._consents.add_consent(
            ConsentRecord(
                user_id=caller.user_id,
                at=now,
                granted=False,
                wording_id=WITHDRAWAL_ID,
                wording=text,
                language=member.language,
                email=member.email,
                source="settings",
            )
        )
        self._set_preference(caller.user_id, member.language, granted=False, text=text, at=now)
        updated = replace(member, newsletter="unsubscribed", extra={**member.extra, "unsubscribed_at": now.isoformat()})
        self._audience.save_audience_member(updated)
        return self._out(updated)

    def _out(self, member: AudienceMember, profile_confirm_url: str | None = None) -> NewsletterOut:
        consent = self._consents.latest_consent(member.user_id)
        granted = consent if consent is not None and consent.granted else None
        unsubscribed = member.extra.get("unsubscribed_at")
        return NewsletterOut(
            status=member.newsletter,
            email=member.email,
            interests=list(granted.interests) if granted else [],
            consent=ConsentOut(
                at=granted.at, wording_id=granted.wording_id, wording=granted.wording, language=granted.language
            )
            if granted and member.subscribed
            else None,
            unsubscribed_at=datetime.fromisoformat(unsubscribed) if unsubscribed else None,
            profile_confirm_url=profile_confirm_url,
        )


def _confirmation_mail(email: str, language: str, link: str) -> OutgoingMail:
    subject, lead, action = CONFIRM_MAIL[language]
    text_wording = wording(WORDING_ID, language)
    note = IGNORED_NOTE[language]
    body = (
        f'<!doctype html><html lang="{language}"><body><p>{html.escape(lead)}</p>'
        f"<blockquote>{html.escape(text_wording)}</blockquote>"
        f'<p><a href="{html.escape(link)}">{html.escape(action)}</a></p>'
        f"<p><small>{html.escape(note)}</small></p></body></html>"
    )
    return OutgoingMail(
        to_address=email,
        language=language,
        subject=subject,
        text=f"{lead}\n\n{text_wording}\n\n{action}: {link}\n\n{note}",
        html=body,
        tags={"topic": "newsletter_confirm"},
    )


class AudienceConsumer:
    """Routes the events `notifications-audience` receives: the opt-in mail, and the audience
    projection (stage, activity, interests). Validates each detail against its consumed view."""

    def __init__(self, newsletter: NewsletterService, projection: AudienceProjection):
        self._newsletter = newsletter
        self._projection = projection

    def handle(self, source: str, detail_type: str, detail: dict[str, Any]) -> None:
        view = AUDIENCE_VIEWS.get((source, detail_type))
        if view is None:
            return
        event = view.model_validate(detail)
        if isinstance(event, c.NewsletterOptInRequestedView):
            self._newsletter.opt_in_requested(event)
            return
        if isinstance(event, c.ProductHeartedView) and not event.hearted:
            return
        self._projection.handle(
            detail_type,
            AudienceEvent(
                event_id=event.event_id,
                occurred_at=event.occurred_at,
                user_id=getattr(event, "user_id", ""),
                new_stage=getattr(event, "new_stage", None),
                interests=getattr(event, "interests", []),
                languages=getattr(event, "languages", []),
            ),
        )


AUDIENCE_VIEWS: dict[tuple[str, str], type[ConsumedView]] = {
    (view.source, view.detail_type): view
    for view in (
        c.NewsletterOptInRequestedView,
        c.ProfileUpdatedView,
        c.ReviewPublishedView,
        c.ProductHeartedView,
        c.StageChangedView,
        c.OrderPlacedView,
    )
}
