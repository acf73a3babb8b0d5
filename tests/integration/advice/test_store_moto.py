"""The advice table on moto: the conditions and transactions the logic relies on.

The accept race, the load cap, ending and rating once (with the outbox event in the same
transaction), single-use invites, conversions once per order, and the indexes behind presence,
escalation and the partner report.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from moto import mock_aws

from functions.advice.logic.domain import (
    AdviceRequest,
    AdvisorProfile,
    Application,
    Candidate,
    CompensationKind,
    Connection,
    Conversion,
    Earning,
    Invite,
    Message,
    Mode,
    PresenceStatus,
    ProductContext,
    Rating,
    RequestStatus,
    Session,
    SessionStatus,
)
from functions.advice.models.events import (
    AdviceMissed,
    AdviceSessionEnded,
    AdviceSessionRated,
    AdvisorApproved,
    AdvisorInvited,
)
from functions.advice.store.cognito import CognitoDirectory
from functions.advice.store.dynamo import DynamoAdviceStore
from functions.advice.store.records import AdviceRecord
from functions.common.errors import Conflict
from local.aws.resources import table_definition

TABLE = "plein-test-advice"
REGION = "eu-west-1"
T0 = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("AWS_ACCOUNT_ID_ENDPOINT_MODE", "disabled")
    with mock_aws():
        dynamodb = boto3.client("dynamodb", region_name=REGION)
        dynamodb.create_table(**table_definition(AdviceRecord, TABLE, stream=True))
        yield dynamodb


@pytest.fixture
def store(aws: Any) -> DynamoAdviceStore:
    return DynamoAdviceStore(TABLE, aws)


def outbox(aws: Any) -> list[str]:
    items = aws.scan(TableName=TABLE)["Items"]
    return sorted(i["detail_type"]["S"] for i in items if i["pk"]["S"].startswith("outbox#"))


def card(user_id: str, status: PresenceStatus = PresenceStatus.ONLINE) -> Candidate:
    return Candidate(
        user_id=user_id,
        display_name=user_id,
        programs=["p1"],
        expertise=["coffee"],
        languages=["nl"],
        status=status,
        active_sessions=0,
        heartbeat_at=T0,
    )


def request(request_id: str = "r1", offered: tuple[str, ...] = ("a1", "a2")) -> AdviceRequest:
    return AdviceRequest(
        request_id=request_id,
        program_id="p1",
        shopper_id="u1",
        product=ProductContext(product_id="grinder"),
        question="Welke molen?",
        language="nl",
        mode=Mode.CHAT,
        offered=list(offered),
        rounds=1,
        created_at=T0,
        escalate_at=T0 + timedelta(seconds=20),
    )


def session(session_id: str, advisor_id: str, request_id: str = "r1") -> Session:
    return Session(
        session_id=session_id,
        request_id=request_id,
        program_id="p1",
        advisor_id=advisor_id,
        advisor_name=advisor_id,
        shopper_id="u1",
        product=ProductContext(product_id="grinder"),
        question="Welke molen?",
        language="nl",
        mode=Mode.CHAT,
        requested_at=T0,
        accepted_at=T0 + timedelta(seconds=5),
    )


def ended(s: Session) -> AdviceSessionEnded:
    return AdviceSessionEnded(
        session_id=s.session_id,
        program_id=s.program_id,
        advisor_id=s.advisor_id,
        shopper_id=s.shopper_id,
        product_id=s.product.product_id,
        duration_seconds=60,
    )


def test_first_accept_wins_the_other_is_taken(store: DynamoAdviceStore) -> None:
    for advisor in ("a1", "a2"):
        store.save_card(card(advisor))
    store.create_request(request())
    open_request = store.request("r1")
    assert open_request is not None

    store.accept(open_request, session("s1", "a1"))
    with pytest.raises(Conflict) as lost:
        store.accept(open_request, session("s2", "a2"))

    assert lost.value.code == "taken"
    assert store.request("r1").status is RequestStatus.MATCHED  # type: ignore[union-attr]
    assert store.session("s2") is None
    assert (store.card("a1").active_sessions, store.card("a2").active_sessions) == (1, 0)  # type: ignore[union-attr]
    assert store.requests_due(T0 + timedelta(hours=1)) == []
    assert store.sessions_of("u1", 10, None) == ([store.session("s1")], None)


def test_an_advisor_never_holds_more_than_three_sessions(store: DynamoAdviceStore) -> None:
    store.save_card(card("a1"))
    for index in range(4):
        store.create_request(request(f"r{index}", ("a1",)))
    for index in range(3):
        store.accept(store.request(f"r{index}"), session(f"s{index}", "a1", f"r{index}"))  # type: ignore[arg-type]
    with pytest.raises(Conflict) as full:
        store.accept(store.request("r3"), session("s3", "a1", "r3"))  # type: ignore[arg-type]
    assert full.value.code == "too_many_sessions"
    assert store.request("r3").status is RequestStatus.OPEN  # type: ignore[union-attr]
    # saving presence keeps the count the sessions hold
    store.save_card(card("a1", PresenceStatus.AWAY))
    assert store.card("a1").active_sessions == 3  # type: ignore[union-attr]


def test_presence_index_declines_and_escalation(store: DynamoAdviceStore) -> None:
    store.save_card(card("a1"))
    store.save_card(card("a2"))
    store.save_card(card("a2", PresenceStatus.OFFLINE))
    assert [c.user_id for c in store.online()] == ["a1"]
    store.mark_offered(["a1", "ghost"], T0)
    assert store.card("a1").last_offered_at == T0  # type: ignore[union-attr]
    assert store.card("ghost") is None

    store.create_request(request())
    store.decline("r1", "a1")
    store.decline("r1", "a1")
    assert store.request("r1").declined == ["a1"]  # type: ignore[union-attr]
    assert store.requests_due(T0) == []
    due = store.requests_due(T0 + timedelta(seconds=20))
    assert [r.request_id for r in due] == ["r1"]
    later = due[0].model_copy(update={"escalate_at": T0 + timedelta(seconds=40), "offered": ["a1", "a2", "a3"]})
    store.save_offers(later)
    assert store.requests_due(T0 + timedelta(seconds=30)) == []
    assert store.request("r1").declined == ["a1"]  # type: ignore[union-attr]
    store.close_request(later.model_copy(update={"status": RequestStatus.NO_ADVISOR}))
    assert store.request("r1").status is RequestStatus.NO_ADVISOR  # type: ignore[union-attr]
    assert store.requests_due(T0 + timedelta(hours=1)) == []


def test_ending_and_rating_happen_once_with_their_events(aws: Any, store: DynamoAdviceStore) -> None:
    store.save_card(card("a1"))
    store.create_request(request())
    running = session("s1", "a1")
    store.accept(store.request("r1"), running)  # type: ignore[arg-type]
    store.add_message(Message(session_id="s1", sender_id="a1", role="advisor", text="Hoi", sent_at=T0), True)
    store.add_message(Message(session_id="s1", sender_id="u1", role="shopper", text="Hey", sent_at=T0), False)
    store.set_media_ref("s1", "meeting-1")
    store.set_media_ref("s1", "meeting-2")
    done = running.model_copy(update={"status": SessionStatus.ENDED, "ended_at": T0 + timedelta(minutes=1)})

    assert store.end(done, ended(done))
    assert not store.end(done, ended(done))

    stored = store.session("s1")
    assert stored is not None
    assert (stored.status, stored.first_response_at, stored.media_ref) == (SessionStatus.ENDED, T0, "meeting-1")
    assert [m.text for m in store.transcript("s1")] == ["Hoi", "Hey"]
    assert store.card("a1").active_sessions == 0  # type: ignore[union-attr]
    assert store.stats("a1").response_ms == [5000]

    rated = stored.model_copy(update={"rating": Rating(csat=4, rated_at=T0), "quality": 0.7, "flagged": True})
    earning = Earning(
        session_id="s1", program_id="p1", kind=CompensationKind.CASH, points=0, cash=250, currency="EUR", earned_at=T0
    )
    event = AdviceSessionRated(
        session_id="s1",
        program_id="p1",
        advisor_id="a1",
        shopper_id="u1",
        rating=4,
        compensation_kind="cash",
        compensation_points=0,
        compensation_cash=250,
    )
    store.rate(rated, earning, event)
    with pytest.raises(Conflict) as twice:
        store.rate(rated, earning, event.model_copy(update={"event_id": "other"}))

    assert twice.value.code == "already_rated"
    assert [e.cash for e in store.earnings("a1")] == [250]
    stats = store.stats("a1")
    assert (stats.rating, stats.quality) == (4.0, 0.7)
    assert store.session("s1").rating.csat == 4  # type: ignore[union-attr]
    assert [s.session_id for s in store.flagged()] == ["s1"]
    assert outbox(aws) == ["AdviceSessionEnded", "AdviceSessionRated"]


def test_conversions_count_once_per_order(store: DynamoAdviceStore) -> None:
    store.save_card(card("a1"))
    store.create_request(request())
    store.accept(store.request("r1"), session("s1", "a1"))  # type: ignore[arg-type]
    conversion = Conversion(session_id="s1", order_id="o1", revenue=1299, ordered_at=T0)
    assert store.add_conversion(conversion)
    assert not store.add_conversion(conversion)
    stored = store.session("s1")
    assert (stored.conversions, stored.revenue) == (1, 1299)  # type: ignore[union-attr]
    assert [s.session_id for s in store.sessions_since("u1", T0 - timedelta(days=7))] == ["s1"]
    assert store.sessions_since("u1", T0 + timedelta(days=1)) == []
    window = (T0 - timedelta(hours=1), T0 + timedelta(hours=1))
    assert [r.request_id for r in store.requests_between("p1", *window)] == ["r1"]
    assert [s.session_id for s in store.sessions_between("p1", *window)] == ["s1"]
    assert store.sessions_between("p2", *window) == []


def test_only_the_close_that_wins_publishes_the_missed_advice(aws: Any, store: DynamoAdviceStore) -> None:
    store.create_request(request())
    closed = request().model_copy(update={"status": RequestStatus.NO_ADVISOR})

    def missed() -> AdviceMissed:
        return AdviceMissed(request_id="r1", program_id="p1", product_id="grinder", question="?", advisor_ids=["a1"])

    store.close_request(closed, missed())
    store.close_request(closed, missed())  # a racing sweep: the request is closed already

    assert store.request("r1").status is RequestStatus.NO_ADVISOR  # type: ignore[union-attr]
    assert outbox(aws) == ["AdviceMissed"]


def test_an_invite_and_its_invitations_are_saved_together(aws: Any, store: DynamoAdviceStore) -> None:
    invitations = [
        AdvisorInvited(program_id="p1", program_name="Coffee", invitee_id=user, code="CODE2") for user in ("u1", "u2")
    ]
    store.create_invite(Invite(code="CODE2", program_id="p1", max_uses=2), invitations)
    with pytest.raises(Conflict):  # the same code again: neither the invite nor its invitations
        store.create_invite(Invite(code="CODE2", program_id="p1", max_uses=2), invitations)

    assert store.invite("CODE2").max_uses == 2  # type: ignore[union-attr]
    assert outbox(aws) == ["AdvisorInvited", "AdvisorInvited"]


def test_a_single_use_invite_admits_one_application(aws: Any, store: DynamoAdviceStore) -> None:
    store.create_invite(Invite(code="CODE1", program_id="p1", max_uses=1))
    invite = store.invite("CODE1")
    assert invite is not None

    def application(user_id: str) -> Application:
        return Application(
            application_id=f"app-{user_id}", program_id="p1", user_id=user_id, invite_code="CODE1", created_at=T0
        )

    store.use_invite(invite, application("u1"))
    with pytest.raises(Conflict) as used:
        store.use_invite(invite, application("u2"))
    assert used.value.code == "invite_used_up"
    assert store.invite("CODE1").uses == 1  # type: ignore[union-attr]
    assert store.application_of("u1", "p1").application_id == "app-u1"  # type: ignore[union-attr]
    assert store.application_of("u2", "p1") is None

    profile = AdvisorProfile(user_id="u1", display_name="Sam", programs=["p1"])
    store.approve(application("u1"), profile, AdvisorApproved(advisor_id="u1", program_id="p1"))
    assert store.profile("u1") == profile
    assert outbox(aws) == ["AdvisorApproved"]


def test_connections_by_user(store: DynamoAdviceStore) -> None:
    for connection_id in ("c1", "c2"):
        store.save_connection(Connection(connection_id=connection_id, user_id="u1", advisor=False, connected_at=T0))
    assert sorted(c.connection_id for c in store.connections_of("u1")) == ["c1", "c2"]
    store.drop_connection("c1")
    assert [c.connection_id for c in store.connections_of("u1")] == ["c2"]
    assert store.connection("c1") is None


def test_the_cognito_adapter_adds_the_advisor_group() -> None:
    with mock_aws():
        cognito = boto3.client("cognito-idp", region_name=REGION)
        pool = cognito.create_user_pool(PoolName="p")["UserPool"]["Id"]
        cognito.create_group(UserPoolId=pool, GroupName="advisor")
        cognito.admin_create_user(UserPoolId=pool, Username="sam", MessageAction="SUPPRESS")

        CognitoDirectory(cognito, pool).add_to_group("sam", "advisor")

        groups = cognito.admin_list_groups_for_user(UserPoolId=pool, Username="sam")["Groups"]
    assert [g["GroupName"] for g in groups] == ["advisor"]


def test_the_cognito_adapter_finds_a_member_by_e_mail_address() -> None:
    with mock_aws():
        cognito = boto3.client("cognito-idp", region_name=REGION)
        pool = cognito.create_user_pool(PoolName="p")["UserPool"]["Id"]
        for username, email in (
            ("ann", "ann@example.org"),
            ("twin-1", "twin@example.org"),
            ("twin-2", "twin@example.org"),
        ):
            attributes = [{"Name": "email", "Value": email}]
            cognito.admin_create_user(
                UserPoolId=pool, Username=username, UserAttributes=attributes, MessageAction="SUPPRESS"
            )
        ann = cognito.admin_get_user(UserPoolId=pool, Username="ann")["UserAttributes"]
        directory = CognitoDirectory(cognito, pool)

        assert directory.member_by_email(" Ann@Example.org ") == next(a["Value"] for a in ann if a["Name"] == "sub")
        assert directory.member_by_email("nobody@example.org") is None
        assert directory.member_by_email("twin@example.org") is None  # two accounts: ambiguous


def test_a_users_sessions_page_newest_first(store: DynamoAdviceStore) -> None:
    store.save_card(card("a1"))
    for index in range(3):
        store.create_request(request(f"r{index}", ("a1",)))
        accepted = session(f"s{index}", "a1", f"r{index}").model_copy(
            update={"accepted_at": T0 + timedelta(minutes=index)}
        )
        store.accept(store.request(f"r{index}"), accepted)  # type: ignore[arg-type]

    first, after = store.sessions_of("u1", 2, None)
    second, end = store.sessions_of("u1", 2, after)

    assert [s.session_id for s in first + second] == ["s2", "s1", "s0"]
    assert end is None or store.sessions_of("u1", 2, end) == ([], None)


def test_a_programs_advisors_and_their_offline_cards(store: DynamoAdviceStore) -> None:
    # Given two advisors saved with their programs (one later approved for a second program)
    def profile(user_id: str, *programs: str) -> AdvisorProfile:
        return AdvisorProfile(user_id=user_id, display_name=user_id, programs=list(programs))

    store.save_profile(profile("a1", "p1"))
    store.save_profile(profile("a2", "p2"))
    store.save_profile(profile("a2", "p1", "p2"))
    store.save_card(card("a1", PresenceStatus.OFFLINE))

    # Then each program lists its advisors, and cards are read for any of them, offline ones too
    assert sorted(store.program_advisors("p1")) == ["a1", "a2"]
    assert store.program_advisors("p2") == ["a2"]
    assert store.program_advisors("p3") == []
    assert store.program("p1") is None  # the memberships are not a program
    assert [(c.user_id, c.status) for c in store.cards_of(["a1", "a2", "a1"])] == [("a1", PresenceStatus.OFFLINE)]
    assert store.cards_of([]) == []
