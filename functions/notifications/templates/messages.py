"""The wording of every notification in Dutch, German and English.

Each message has a subject (also the inbox and push title), a lead sentence (the inbox and push
body) and the label of its one action. `$name` placeholders are filled by `render`; values are
HTML-escaped in the HTML part.
"""

from __future__ import annotations

from typing import NamedTuple


class Message(NamedTuple):
    subject: str
    lead: str
    action: str


MESSAGES: dict[str, dict[str, Message]] = {
    "order_placed": {
        "nl": Message(
            "Je bestelling $order_id is ontvangen",
            "Bedankt! We hebben je bestelling van $total ontvangen.",
            "Bekijk je bestelling",
        ),
        "de": Message(
            "Deine Bestellung $order_id ist eingegangen",
            "Danke! Wir haben deine Bestellung über $total erhalten.",
            "Bestellung ansehen",
        ),
        "en": Message(
            "Your order $order_id is confirmed", "Thank you! We received your order of $total.", "View your order"
        ),
    },
    "vendor_new_order": {
        "nl": Message(
            "Nieuwe bestelling $order_id",
            "Er is een nieuwe bestelling met $lines artikel(en) voor je winkel.",
            "Open de bestelling",
        ),
        "de": Message(
            "Neue Bestellung $order_id",
            "Es gibt eine neue Bestellung mit $lines Artikel(n) für deinen Shop.",
            "Bestellung öffnen",
        ),
        "en": Message(
            "New order $order_id", "There is a new order with $lines item(s) for your shop.", "Open the order"
        ),
    },
    "order_shipped": {
        "nl": Message(
            "Je bestelling $order_id is verzonden",
            "Verzonden met $carrier, track & trace: $tracking_number.",
            "Volg je pakket",
        ),
        "de": Message(
            "Deine Bestellung $order_id ist unterwegs",
            "Versendet mit $carrier, Sendungsnummer: $tracking_number.",
            "Sendung verfolgen",
        ),
        "en": Message(
            "Your order $order_id has shipped",
            "Shipped with $carrier, tracking number: $tracking_number.",
            "Track your parcel",
        ),
    },
    "order_delivered": {
        "nl": Message(
            "Je bestelling $order_id is bezorgd", "Je pakket is bezorgd. Veel plezier ermee!", "Bekijk je bestelling"
        ),
        "de": Message(
            "Deine Bestellung $order_id wurde zugestellt",
            "Dein Paket wurde zugestellt. Viel Freude damit!",
            "Bestellung ansehen",
        ),
        "en": Message("Your order $order_id was delivered", "Your parcel was delivered. Enjoy!", "View your order"),
    },
    "review_request": {
        "nl": Message(
            "Hoe bevalt je aankoop?",
            "Je bestelling $order_id is al een tijdje binnen. Help anderen met een review.",
            "Schrijf een review",
        ),
        "de": Message(
            "Wie gefällt dir dein Einkauf?",
            "Deine Bestellung $order_id ist schon eine Weile da. Hilf anderen mit einer Bewertung.",
            "Bewertung schreiben",
        ),
        "en": Message(
            "How do you like your purchase?",
            "Your order $order_id arrived a while ago. Help others with a review.",
            "Write a review",
        ),
    },
    "answer_posted": {
        "nl": Message(
            "Er is een antwoord op je vraag", "Iemand heeft je vraag over een product beantwoord.", "Lees het antwoord"
        ),
        "de": Message(
            "Deine Frage wurde beantwortet", "Jemand hat deine Frage zu einem Produkt beantwortet.", "Antwort lesen"
        ),
        "en": Message(
            "Your question has an answer", "Someone answered your question about a product.", "Read the answer"
        ),
    },
    "review_replied": {
        "nl": Message(
            "De verkoper reageerde op je review",
            "De verkoper heeft publiek gereageerd op je review.",
            "Lees de reactie",
        ),
        "de": Message(
            "Der Händler hat auf deine Bewertung geantwortet",
            "Der Händler hat öffentlich auf deine Bewertung geantwortet.",
            "Antwort lesen",
        ),
        "en": Message(
            "The vendor replied to your review", "The vendor replied publicly to your review.", "Read the reply"
        ),
    },
    "idea_milestone": {
        "nl": Message(
            "Je idee heeft $supporters supporters",
            "Je idee bereikte mijlpaal $milestone met $supporters supporters.",
            "Bekijk je idee",
        ),
        "de": Message(
            "Deine Idee hat $supporters Unterstützer",
            "Deine Idee hat Meilenstein $milestone mit $supporters Unterstützern erreicht.",
            "Idee ansehen",
        ),
        "en": Message(
            "Your idea has $supporters supporters",
            "Your idea reached milestone $milestone with $supporters supporters.",
            "View your idea",
        ),
    },
    "idea_accepted": {
        "nl": Message("Je idee is aangenomen", "Goed nieuws: je idee is aangenomen. $feedback", "Bekijk je idee"),
        "de": Message(
            "Deine Idee wurde angenommen", "Gute Nachricht: deine Idee wurde angenommen. $feedback", "Idee ansehen"
        ),
        "en": Message("Your idea was accepted", "Good news: your idea was accepted. $feedback", "View your idea"),
    },
    "idea_declined": {
        "nl": Message("Besluit over je idee", "Je idee is deze keer niet aangenomen. $feedback", "Bekijk je idee"),
        "de": Message(
            "Entscheidung zu deiner Idee", "Deine Idee wurde diesmal nicht angenommen. $feedback", "Idee ansehen"
        ),
        "en": Message("A decision on your idea", "Your idea was not accepted this time. $feedback", "View your idea"),
    },
    "article_published": {
        "nl": Message(
            "Nieuw artikel: $title",
            "Iemand die je volgt heeft een nieuw artikel gepubliceerd: $title.",
            "Lees het artikel",
        ),
        "de": Message(
            "Neuer Artikel: $title",
            "Jemand, dem du folgst, hat einen neuen Artikel veröffentlicht: $title.",
            "Artikel lesen",
        ),
        "en": Message("New article: $title", "Someone you follow published a new article: $title.", "Read the article"),
    },
    "points_awarded": {
        "nl": Message(
            "Je hebt $points punten verdiend",
            "Je hebt $points punten verdiend; je saldo is nu $balance.",
            "Bekijk je punten",
        ),
        "de": Message(
            "Du hast $points Punkte gesammelt",
            "Du hast $points Punkte gesammelt; dein Stand ist jetzt $balance.",
            "Punkte ansehen",
        ),
        "en": Message(
            "You earned $points points", "You earned $points points; your balance is now $balance.", "View your points"
        ),
    },
    "stage_changed": {
        "nl": Message("Je bent nu $stage", "Je reis bij Plein gaat verder: je bent nu $stage.", "Bekijk je voordelen"),
        "de": Message(
            "Du bist jetzt $stage", "Deine Reise bei Plein geht weiter: du bist jetzt $stage.", "Vorteile ansehen"
        ),
        "en": Message("You are now $stage", "Your journey at Plein goes on: you are now $stage.", "View your benefits"),
    },
    "gift_card_issued": {
        "nl": Message("Je cadeaubon van $amount", "Je cadeaubon van $amount staat klaar.", "Bekijk je cadeaubon"),
        "de": Message("Dein Gutschein über $amount", "Dein Gutschein über $amount ist bereit.", "Gutschein ansehen"),
        "en": Message("Your gift card of $amount", "Your gift card of $amount is ready.", "View your gift card"),
    },
    "vendor_approved": {
        "nl": Message(
            "Welkom bij Plein, $vendor_name", "Je verkopersaccount $vendor_name is goedgekeurd.", "Naar je winkel"
        ),
        "de": Message(
            "Willkommen bei Plein, $vendor_name", "Dein Händlerkonto $vendor_name wurde freigegeben.", "Zu deinem Shop"
        ),
        "en": Message(
            "Welcome to Plein, $vendor_name", "Your vendor account $vendor_name was approved.", "Go to your shop"
        ),
    },
    "vendor_declined": {
        "nl": Message(
            "Je aanvraag voor $vendor_name",
            "We kunnen $vendor_name nog niet goedkeuren: $reason Pas je aanvraag aan en dien hem opnieuw in.",
            "Aanvraag aanpassen",
        ),
        "de": Message(
            "Deine Bewerbung für $vendor_name",
            "Wir können $vendor_name noch nicht freigeben: $reason Passe deine Bewerbung an und reiche sie erneut ein.",
            "Bewerbung anpassen",
        ),
        "en": Message(
            "Your application for $vendor_name",
            "We cannot approve $vendor_name yet: $reason Change your application and submit it again.",
            "Change your application",
        ),
    },
    "feed_import_completed": {
        "nl": Message(
            "Feed-import $status",
            "Je feed is verwerkt: $created nieuw, $updated bijgewerkt, $rejected geweigerd.",
            "Bekijk de import",
        ),
        "de": Message(
            "Feed-Import $status",
            "Dein Feed wurde verarbeitet: $created neu, $updated aktualisiert, $rejected abgelehnt.",
            "Import ansehen",
        ),
        "en": Message(
            "Feed import $status",
            "Your feed was processed: $created new, $updated updated, $rejected rejected.",
            "View the import",
        ),
    },
    "advisor_approved": {
        "nl": Message(
            "Je bent adviseur", "Gefeliciteerd, je bent goedgekeurd als adviseur.", "Naar je adviseursprofiel"
        ),
        "de": Message("Du bist Berater", "Glückwunsch, du wurdest als Berater freigegeben.", "Zu deinem Beraterprofil"),
        "en": Message(
            "You are an advisor", "Congratulations, you were approved as an advisor.", "Go to your advisor profile"
        ),
    },
    "advisor_invited": {
        "nl": Message(
            "Uitnodiging: word adviseur bij $program",
            "$program nodigt je uit om andere klanten te adviseren. Je uitnodigingscode: $code.",
            "Meld je aan als adviseur",
        ),
        "de": Message(
            "Einladung: werde Berater bei $program",
            "$program lädt dich ein, andere Kunden zu beraten. Dein Einladungscode: $code.",
            "Als Berater anmelden",
        ),
        "en": Message(
            "Invitation: become an advisor for $program",
            "$program invites you to advise other shoppers. Your invite code: $code.",
            "Apply as an advisor",
        ),
    },
    "advice_missed": {
        "nl": Message(
            "Een klant zocht advies over $product",
            "Terwijl je afwezig was, vroeg een klant: “$question”. Ga online om de volgende vraag aan te nemen.",
            "Naar de adviseursconsole",
        ),
        "de": Message(
            "Eine Kundin suchte Rat zu $product",
            "Während du abwesend warst, fragte jemand: „$question“. Geh online, um die nächste Frage anzunehmen.",
            "Zur Beraterkonsole",
        ),
        "en": Message(
            "A shopper wanted advice on $product",
            "While you were away, a shopper asked: “$question”. Go online to take the next question.",
            "Open the advisor console",
        ),
    },
    "advisor_paid": {
        "nl": Message(
            "Je advies-uitbetaling voor $period",
            "Voor je beoordeelde adviesgesprekken in $period betalen we je $amount uit.",
            "Bekijk je verdiensten",
        ),
        "de": Message(
            "Deine Beratungsauszahlung für $period",
            "Für deine bewerteten Beratungen im $period zahlen wir dir $amount aus.",
            "Verdienste ansehen",
        ),
        "en": Message(
            "Your advice payout for $period",
            "For your rated advice sessions in $period we pay you $amount.",
            "See your earnings",
        ),
    },
}

CHROME: dict[str, dict[str, str]] = {
    "nl": {
        "greeting": "Hallo $name,",
        "greeting_anonymous": "Hallo,",
        "footer": "Je krijgt dit bericht omdat je lid bent van Plein.",
        "unsubscribe": "Afmelden voor dit soort berichten",
        "preferences": "Meldingsvoorkeuren",
    },
    "de": {
        "greeting": "Hallo $name,",
        "greeting_anonymous": "Hallo,",
        "footer": "Du erhältst diese Nachricht, weil du Mitglied bei Plein bist.",
        "unsubscribe": "Von dieser Art Nachrichten abmelden",
        "preferences": "Benachrichtigungseinstellungen",
    },
    "en": {
        "greeting": "Hi $name,",
        "greeting_anonymous": "Hi,",
        "footer": "You receive this message because you are a member of Plein.",
        "unsubscribe": "Unsubscribe from messages like this",
        "preferences": "Notification preferences",
    },
}
