"""Demo community: members with profiles, reviews (some verified, one with a vendor reply),
questions and answers, hearts, two public collections across vendors, ideas at different
milestones, feedback. Written through the community logic, so the outbox relays its events
(ratings reach the catalog, points reach rewards) once event delivery starts.

Deterministic: the same members, texts and counts on every run; a second run changes nothing
(a marker document records that the community was seeded). Timestamps are relative to the
seeding time, so hearts are recent enough to trend.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from functions.common.auth import Principal, Role
from functions.common.errors import PleinError
from functions.common.pagination import CursorCodec
from functions.community.logic.articles import ArticleService
from functions.community.logic.collections import CollectionService
from functions.community.logic.consumers import EventConsumer
from functions.community.logic.deps import Deps, PublicUrls
from functions.community.logic.domain import CaseState
from functions.community.logic.feedback import FeedbackService
from functions.community.logic.hearts import HeartService
from functions.community.logic.ideas import IdeaService
from functions.community.logic.moderation import ModerationService, Policy, Screener
from functions.community.logic.ports import Put, Ref
from functions.community.logic.profiles import ProfileService
from functions.community.logic.questions import QuestionService
from functions.community.logic.reviews import ReviewService
from functions.community.models.api import (
    AnswerInput,
    ArticleInput,
    CollectionInput,
    CollectionItemInput,
    CommentInput,
    FeedbackInput,
    IdeaInput,
    LookInput,
    ProfileInput,
    QuestionInput,
    ReviewInput,
    SuggestionInput,
)
from functions.community.models.consumed import DeliveredLine, OrderDeliveredView
from functions.community.store.dynamo import DynamoDocuments
from functions.community.store.s3 import S3Uploads
from local.seed import DemoUser, SeedContext
from local.seed.users import create_user, demo_password
from local.seed.vendor import demo_product

MEMBERS = (
    ("anna", "Anna de Vries", "Koffie, wandelen en goede pannen.", ["coffee", "kitchen", "hiking"], ["nl", "en"]),
    ("bram", "Bram Jansen", "Fietser. Repareert alles zelf.", ["bikes", "tools", "outdoor"], ["nl"]),
    ("carla", "Carla Weber", "Strickt, kocht, reist an die Ostsee.", ["knitting", "kitchen", "travel"], ["de", "en"]),
    ("daan", "Daan Horváth", "Dizajn, svetlo a drevo.", ["design", "lighting", "wood"], ["sk", "nl", "en"]),
)
REVIEWS = (
    (5, "Precies wat ik zocht", "Goed gemaakt en snel geleverd. Na een maand nog steeds als nieuw."),
    (4, "Solid and well made", "Does what it promises. The packaging could use less plastic."),
    (3, "Ganz okay", "Für den Preis in Ordnung, die Farbe ist etwas dunkler als auf dem Foto."),
    (5, "Výborná kvalita", "Kvalitné spracovanie, odporúčam každému."),
    (2, "Had meer verwacht", "Werkt, maar voelt wat goedkoop aan. Klantenservice reageerde wel snel."),
)
QUESTIONS = (
    ("Is dit ook geschikt voor buitengebruik?", "Ja, wij gebruiken het al een jaar op het balkon."),
    ("Wie groß ist das genau?", "Die Maße stehen auf dem Etikett; es ist etwas größer als erwartet."),
    ("Does it come with a warranty?", "Two years, and the vendor handled my claim quickly."),
)
IDEA_SUPPORTERS = (
    ("Gietijzeren wafelpan in hartvorm", "Een wafelpan voor inductie, met hartjes. Voor zondagochtend.", 99),
    ("Modular bike bag system", "Bags that click onto any rack and become a backpack off the bike.", 105),
    ("Strickset für Anfänger", "Wolle, Nadeln und eine Anleitung auf Deutsch, Niederländisch und Slowakisch.", 12),
)
SEEDED = Ref("seed", "community")
ARTICLES_SEEDED = Ref("seed", "community-articles")
"""Articles have a marker of their own: a data folder seeded before they existed gets them too."""
URLS = PublicUrls(api_url="http://127.0.0.1:3000", web_url="http://127.0.0.1:8080")
"""The local runtime's defaults (the seed writes no links with them)."""
SUPPORTER_PREFIX = "seed-supporter-"
"""Supporters of the seeded ideas beyond the demo members (ids of no account: history, not people)."""


class SeedClock:
    """A clock the seed moves along: profiles joined months ago, contributions days ago, hearts today."""

    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now


class SeedIds:
    """Ids from a fixed sequence, so every run writes the same ones."""

    def __init__(self) -> None:
        self._next = 0

    def __call__(self) -> str:
        self._next += 1
        return f"seed{self._next:05d}"


@dataclass
class Services:
    docs: DynamoDocuments
    clock: SeedClock
    reviews: ReviewService
    questions: QuestionService
    hearts: HeartService
    collections: CollectionService
    ideas: IdeaService
    profiles: ProfileService
    feedback: FeedbackService
    consumer: EventConsumer
    articles: ArticleService
    deps: Deps


def _services(ctx: SeedContext, now: datetime) -> Services:
    environment = ctx.environment("community")
    docs = DynamoDocuments(environment["TABLE_NAME"], client=ctx.client("dynamodb"))
    clock = SeedClock(now - timedelta(days=120))
    deps = Deps(
        docs=docs,
        screener=Screener(docs, clock, Policy(posts_per_hour=10_000)),
        cursors=CursorCodec(environment["CURSOR_SECRET"]),
        clock=clock,
        new_id=SeedIds(),
    )
    return Services(
        docs=docs,
        clock=clock,
        reviews=ReviewService(deps),
        questions=QuestionService(deps),
        hearts=HeartService(deps),
        collections=CollectionService(deps),
        ideas=IdeaService(deps),
        profiles=ProfileService(deps, URLS, S3Uploads(environment["FEEDS_BUCKET"], ctx.client("s3"))),
        feedback=FeedbackService(deps),
        consumer=EventConsumer(deps),
        articles=ArticleService(deps, URLS, S3Uploads(environment["FEEDS_BUCKET"], ctx.client("s3"))),
        deps=deps,
    )


def _members(ctx: SeedContext) -> list[DemoUser]:
    found = []
    for username, *_ in MEMBERS:
        user = ctx.users.get(username)
        if user is None and ctx.user_pool_id is not None:
            user = create_user(
                ctx.client("cognito-idp"),
                ctx.user_pool_id,
                username,
                password=demo_password(username),
                groups=(Role.SHOPPER.value,),
            )
            ctx.users[username] = user
        if user is not None:
            found.append(user)
    return found


def _principal(user: DemoUser) -> Principal:
    groups = frozenset(Role(group) for group in user.groups if group in {role.value for role in Role})
    return Principal(user_id=user.sub, username=user.username, groups=groups, vendor_id=user.vendor_id)


def _quietly(ctx: SeedContext, what: str, action: Any, *args: Any) -> Any:
    """Run one seeding step; one the logic refuses is logged and skipped."""
    try:
        return action(*args)
    except PleinError as exc:
        ctx.log(f"community: {what} skipped ({exc.code})")
        return None


def seed(ctx: SeedContext) -> None:
    members = _members(ctx)
    if len(members) < len(MEMBERS):
        ctx.log("community: no user pool, community seed skipped")
        return
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    services = _services(ctx, now)
    people = [_principal(user) for user in members]
    products = [demo_product(i) for i in range(min(ctx.products, 24))]
    if len(products) < 12:
        ctx.log("community: too few demo products, community seed skipped")
        return
    _articles(ctx, services, people, products, now)
    if services.docs.get(SEEDED) is not None:
        ctx.log("community: seeded before")
        return
    progress = ctx.progress("community", 7)

    for principal, (_, name, bio, interests, languages) in zip(people, MEMBERS, strict=True):
        profile = ProfileInput(display_name=name, bio=bio, interests=interests, languages=languages)
        services.profiles.update(principal, profile)
    progress.advance()

    services.clock.now = now - timedelta(days=10)
    _reviews(ctx, services, people, products)
    progress.advance()
    _questions(ctx, services, people, products)
    progress.advance()
    _collections(ctx, services, people, products)
    progress.advance()
    _ideas(ctx, services, people)
    progress.advance()
    _hearts(services, people, products, now)
    progress.advance()
    services.clock.now = now - timedelta(hours=1)
    _quietly(
        ctx,
        "feedback",
        services.feedback.submit,
        people[0],
        FeedbackInput(topic="checkout", text="Afrekenen ging heel soepel!", rating=5),
    )
    _quietly(
        ctx,
        "suggestion",
        services.feedback.submit,
        people[1],
        SuggestionInput(topic="bikes", text="Verkoop ook reserveonderdelen voor bakfietsen.", product_url=None),
    )
    progress.advance()
    services.docs.commit([Put(SEEDED, {"at": now.isoformat()}, expect=0)])
    ctx.log(f"community: {len(people)} members ({', '.join(u.username for u in members)}; password plein-<name>-demo)")


def _reviews(
    ctx: SeedContext, services: Services, people: list[Principal], products: list[tuple[str, list[str]]]
) -> None:
    vendor = ctx.users.get("vendor")
    for index, (product_id, sellers) in enumerate(products[:12]):
        for offset in range(2 + index % 2):
            author = people[(index + offset) % len(people)]
            stars, title, text = REVIEWS[(index * 3 + offset) % len(REVIEWS)]
            if index % 3 != 2:  # this member bought it here: a verified review
                delivered = OrderDeliveredView(
                    event_id=f"seed-delivery-{index}-{offset}",
                    occurred_at=services.clock(),
                    order_id=f"seed-history-{index}-{offset}",
                    user_id=author.user_id,
                    vendor_id=sellers[0],
                    lines=[DeliveredLine(product_id=product_id, vendor_id=sellers[0])],
                )
                services.consumer.order_delivered(delivered)
            services.clock.now += timedelta(hours=3)
            review = _quietly(
                ctx,
                "review",
                services.reviews.write,
                author,
                product_id,
                ReviewInput(rating=stars, title=title, text=f"{text} (#{index + 1})"),
            )
            if review is not None and offset == 1:
                _quietly(
                    ctx, "helpful vote", services.reviews.helpful, people[(index + 3) % len(people)], review.review_id
                )
            if (
                review is not None
                and vendor is not None
                and vendor.vendor_id == sellers[0]
                and offset == 0
                and index % 2 == 0
            ):
                _quietly(
                    ctx,
                    "vendor reply",
                    services.reviews.reply,
                    _principal(vendor),
                    review.review_id,
                    f"Dank je wel! / Danke schön! (#{index + 1})",
                )


def _questions(
    ctx: SeedContext, services: Services, people: list[Principal], products: list[tuple[str, list[str]]]
) -> None:
    answerers = [people[2]] + [_principal(u) for name in ("vendor", "advisor") if (u := ctx.users.get(name))]
    for index, (question, answer) in enumerate(QUESTIONS):
        asker = people[index % len(people)]
        services.clock.now += timedelta(hours=5)
        asked = _quietly(
            ctx, "question", services.questions.ask, asker, products[index][0], QuestionInput(text=question)
        )
        if asked is None:
            continue
        replied = None
        for number, answerer in enumerate(answerers):
            text = answer if number == 0 else f"{answer} ({answerer.username})"
            services.clock.now += timedelta(minutes=30)
            replied = (
                _quietly(ctx, "answer", services.questions.answer, answerer, asked.question_id, AnswerInput(text=text))
                or replied
            )
        if replied is not None and index == 0:
            _quietly(ctx, "accepted answer", services.questions.accept, asker, asked.question_id, replied.answer_id)


def _collections(
    ctx: SeedContext, services: Services, people: list[Principal], products: list[tuple[str, list[str]]]
) -> None:
    by_vendor: dict[str, str] = {}
    for product_id, sellers in products:
        by_vendor.setdefault(sellers[0], product_id)
    across = list(by_vendor.values())
    outfits = (
        (people[0], "Zondagochtend in de keuken", "Alles voor een rustig ontbijt.", across[:3]),
        (
            people[2],
            "Herbst an der Ostsee",
            "Warm, wetterfest und schön.",
            [p for p, _ in products[12:16]] + across[:1],
        ),
    )
    for owner, title, description, product_ids in outfits:
        services.clock.now += timedelta(hours=6)
        request = CollectionInput(
            title=title,
            description=description,
            cover_image="https://img.example/collections/cover.jpg",
            visibility="public",
            items=[
                CollectionItemInput(product_id=p, note="Favoriet" if n == 0 else None)
                for n, p in enumerate(product_ids)
            ],
        )
        created = services.collections.create(owner, request)
        for stars, rater in zip((5, 4, 5), (p for p in people if p != owner), strict=False):
            services.collections.rate(rater, created.collection_id, stars)
        services.collections.comment(
            people[1] if owner != people[1] else people[3],
            created.collection_id,
            CommentInput(text="Mooie combinatie, de kleuren passen goed bij elkaar."),
        )


def _ideas(ctx: SeedContext, services: Services, people: list[Principal]) -> None:
    existing = {entry.ref.id for entry in services.docs.entries("ideas", "all", limit=100).entries}
    for index, (title, description, supporters) in enumerate(IDEA_SUPPORTERS):
        services.clock.now += timedelta(hours=4)
        author = people[index % len(people)]
        known = [i for i in existing if (doc := services.docs.get(Ref("idea", i))) and doc.data["title"] == title]
        idea_id = (
            known[0]
            if known
            else services.ideas.propose(author, IdeaInput(title=title, description=description)).idea_id
        )
        backers = [p for p in people if p != author]
        backers += [
            Principal(user_id=f"{SUPPORTER_PREFIX}{n:04d}", groups=frozenset({Role.SHOPPER}))
            for n in range(supporters - len(backers))
        ]
        for backer in backers[:supporters]:
            _quietly(ctx, "idea support", services.ideas.support, backer, idea_id)


def _hearts(services: Services, people: list[Principal], products: list[tuple[str, list[str]]], now: datetime) -> None:
    for index, (product_id, _) in enumerate(products[:10]):
        for offset, member in enumerate(people[: 1 + (10 - index) % len(people)]):
            services.clock.now = now - timedelta(hours=2 + index * 2 + offset)
            services.hearts.heart(member, product_id)


GUIDE_BODY = """<h2>Goede koffie begint bij de bonen</h2>
<p>Maal vlak voor het zetten en gebruik water van ongeveer <strong>94 °C</strong>. Zo haal je het
meeste uit je bonen, ook zonder dure machine.</p>
<ul><li>60 gram koffie per liter water</li><li>vier minuten laten trekken</li><li>langzaam drukken</li></ul>
<p>Meer weten? Lees <a href="https://nl.wikipedia.org/wiki/Cafeti%C3%A8re">de geschiedenis van de cafetière</a>.</p>"""


def _follow_the_editors(ctx: SeedContext, services: Services, editor: Principal) -> None:
    """The demo shopper and Anna follow the admin (the editors): its lookbook and the scheduled
    guide reach their inboxes as `content` notifications (notifications consumes ArticlePublished)."""
    profile = ProfileInput(display_name="Plein-redactie", bio="Gidsen en lookbooks van de redactie.")
    services.profiles.update(editor, profile)
    for username in ("shopper", "anna"):
        reader = ctx.users.get(username)
        if reader is not None:
            follower = _principal(reader)
            _quietly(ctx, f"{username} follows the editors", services.profiles.follow, follower, editor.user_id)


def _articles(
    ctx: SeedContext,
    services: Services,
    people: list[Principal],
    products: list[tuple[str, list[str]]],
    now: datetime,
) -> None:
    """A vendor's guide, an admin's lookbook, a member's approved guide on their profile, a
    member's guide waiting in the moderation queue, and an admin's guide scheduled for shortly
    after seeding (the publisher makes it public within minutes)."""
    if services.docs.get(ARTICLES_SEEDED) is not None:
        return
    vendor, admin = ctx.users.get("vendor"), ctx.users.get("admin")
    if vendor is None or admin is None:
        ctx.log("community: no demo vendor or admin, articles skipped")
        return
    writer, editor = _principal(vendor), _principal(admin)
    _follow_the_editors(ctx, services, editor)
    own = [p for p, sellers in products if vendor.vendor_id in sellers] or [p for p, _ in products]
    services.clock.now = now - timedelta(days=3)
    guide = ArticleInput(
        kind="guide",
        title="Koffie zetten met een cafetière",
        language="nl",
        summary="In vier minuten een volle, ronde kop koffie: zo doe je dat thuis.",
        body=GUIDE_BODY,
        cover_image="https://img.example/p/1.jpg",
        product_ids=own[:3],
        tags=["koffie", "keuken"],
    )
    _quietly(ctx, "guide", services.articles.create, writer, guide)
    services.clock.now = now - timedelta(days=2)
    lookbook = ArticleInput(
        kind="lookbook",
        title="Herbst zu Hause",
        language="de",
        summary="Warme Stoffe, weiches Licht und eine gemütliche Küche für kurze Tage.",
        body="<p>Drei Looks für den Herbst, zusammengestellt aus Produkten unserer Händler.</p>",
        cover_image="https://img.example/p/4.jpg",
        looks=[
            LookInput(image=f"https://img.example/p/{4 + n}.jpg", caption=caption, product_ids=ids)
            for n, (caption, ids) in enumerate(
                (
                    ("Die Leseecke", [p for p, _ in products[4:6]]),
                    ("Sonntagsfrühstück", [p for p, _ in products[6:9]]),
                    ("Draußen am Abend", [p for p, _ in products[9:11]]),
                )
            )
        ],
        tags=["herbst", "wohnen"],
    )
    _quietly(ctx, "lookbook", services.articles.create, editor, lookbook)
    services.clock.now = now - timedelta(days=1)
    member_guide = ArticleInput(
        kind="guide",
        title="Fietstas kiezen voor woon-werkverkeer",
        language="nl",
        summary="Waterdicht, makkelijk los te klikken en groot genoeg voor een laptop.",
        body="<p>Na drie jaar elke dag fietsen: dit zijn mijn lessen.</p>",
        product_ids=[p for p, _ in products[11:13]],
        tags=["fietsen"],
    )
    written = _quietly(ctx, "member guide", services.articles.create, people[1], member_guide)
    deps = services.deps
    moderation = ModerationService(
        deps.docs, deps.cursors, deps.clock, {"article": services.articles.article_moderated}
    )
    for case in moderation.queue(editor, CaseState.OPEN, 100, None).items:
        if written is not None and case.subject_id == written.article_id:
            moderation.decide(editor, case.case_id, approve=True, note="Seed: a good first guide")
    waiting = ArticleInput(
        kind="guide",
        title="Breien voor beginners",
        language="nl",
        summary="Mijn eerste sjaal, stap voor stap. Tips welkom via www.breiclub-voorbeeld.nl",
        body="<p>Begin met dikke wol en grote naalden.</p>",
        tags=["breien"],
    )
    _quietly(ctx, "pending guide", services.articles.create, people[2], waiting)
    services.clock.now = now
    scheduled = ArticleInput(
        kind="guide",
        title="Winter checklist for your bike",
        language="en",
        summary="Lights, tyres and a chain that keeps running when it freezes.",
        body="<p>Check these five things before the first frost.</p>",
        publish_at=datetime.now(UTC) + timedelta(minutes=3),
        tags=["bikes", "winter"],
    )
    _quietly(ctx, "scheduled guide", services.articles.create, editor, scheduled)
    services.docs.commit([Put(ARTICLES_SEEDED, {"at": now.isoformat()}, expect=0)])
    ctx.log("community: 5 articles (a guide, a lookbook, a member's guide, one in moderation, one scheduled)")
