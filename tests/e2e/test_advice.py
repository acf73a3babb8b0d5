"""Live advice on the local runtime: onboarding over REST, a session over the WebSocket gateway
(offers, the accept race, chat, p2p WebRTC between two aiortc peers), rating and the partner report."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.e2e.advice_peers import advice_socket, negotiate
from tests.e2e.conftest import Plein
from tests.support.loop import run

pytestmark = pytest.mark.e2e
PASSWORD = "Advice-e2e-1!"
TEST = {
    "knowledge": [{"question_id": "q1", "text": "Stay on Plein?", "choices": ["no", "yes"], "correct": 1}],
    "pass_mark": 1,
    "communication": [{"scenario_id": "c1", "prompt": "Help", "rubric": ["thanks", "recommend"], "required": 1}],
    "motivation": ["Why?"],
}
ANSWERS = {"knowledge": [1], "communication": ["Thanks, I recommend it"], "motivation": ["I love helping people."]}


def test_advice_from_invite_to_partner_report(plein: Plein) -> None:
    vendor = plein.client("vendor")
    # Given a program of the demo vendor with a test, a multi-use invite code and no retry wait
    vendor_id = plein.users["vendor"].vendor_id
    program = vendor.post(
        "/advice/programs",
        json={"name": "E2E advice", "vendor_id": vendor_id, "compensation": {"kind": "cash", "cash": 300}},
    )
    assert program.status_code == 201, program.text
    program_id = program.json()["program_id"]
    assert vendor.put(f"/advice/programs/{program_id}/test", json={**TEST, "retry_after_hours": 0}).status_code == 200
    expires = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    invite = vendor.post(f"/advice/programs/{program_id}/invites", json={"max_uses": 5, "expires_at": expires}).json()

    # When two members apply with it, pass the test, complete a profile and confirm the knowledge base
    advisors = [_become_advisor(plein, f"e2e-advisor-{n}", invite["code"]) for n in (1, 2)]

    # Then they go online; a shopper asks; both get the offer, the first accept wins, the other gets "taken"
    session_id, winner, loser = run(_live_session(plein, program_id, advisors))

    # And the shopper rates the ended session, which shows in the partner report
    shopper = plein.client("shopper")
    rated = shopper.post(f"/advice/sessions/{session_id}/rating", json={"csat": 5, "nps": 10, "feedback": "Top"})
    assert rated.status_code == 200, rated.text
    transcript = shopper.get(f"/advice/sessions/{session_id}").json()["transcript"]
    assert [m["role"] for m in transcript] == ["shopper", "advisor"]
    assert plein.client(loser[0]).get(f"/advice/sessions/{session_id}").status_code == 404
    earnings = plein.client(winner[0]).get("/advice/advisors/me/earnings").json()
    assert (earnings["cash"], earnings["sessions"]) == (300, 1)

    window = {
        "from": (datetime.now(UTC) - timedelta(hours=1)).isoformat(),
        "to": (datetime.now(UTC) + timedelta(hours=1)).isoformat(),
    }
    report = vendor.get(f"/advice/programs/{program_id}/report", params=window).json()
    assert (report["program"]["requests"], report["program"]["accepted"]) == (1, 1)
    assert (report["program"]["rating_average"], report["program"]["feedback"]) == (5.0, ["Top"])
    by_advisor = {a["advisor_id"]: a["accepted"] for a in report["advisors"]}
    assert by_advisor == {winner[1]: 1, loser[1]: 0}
    csv = vendor.get(f"/advice/programs/{program_id}/report", params={**window, "format": "csv"})
    assert csv.headers["content-type"].startswith("text/csv")
    assert len(csv.text.splitlines()) == 4


def _become_advisor(plein: Plein, username: str, code: str) -> tuple[str, str]:
    user = plein.create_user(username, PASSWORD, ["shopper"])
    client = plein.client(username)
    created = client.post("/advice/applications", json={"invite_code": code})
    assert created.status_code == 201, created.text
    path = f"/advice/applications/{created.json()['application_id']}"
    failed = client.post(f"{path}/answers", json={**ANSWERS, "knowledge": [0]}).json()
    assert (failed["passed"], failed["wrong_questions"], failed["attempts_left"]) == (False, ["q1"], 2)
    assert client.post(f"{path}/answers", json=ANSWERS).json()["passed"] is True
    confirm = {"knowledge_base_confirmed": True}
    assert client.patch(path, json=confirm).json()["error"]["code"] == "profile_incomplete"
    profile = {"display_name": username, "expertise": ["coffee"], "languages": ["nl"], "bio": "e2e"}
    assert client.put("/advice/advisors/me", json=profile).status_code == 200
    approved = client.patch(path, json=confirm)
    assert approved.json()["status"] == "approved", approved.text
    groups = plein.boto3_client("cognito-idp").admin_list_groups_for_user(
        UserPoolId=plein.user_pool_id, Username=username
    )["Groups"]
    assert "advisor" in {g["GroupName"] for g in groups}
    return username, user.sub


async def _live_session(
    plein: Plein, program_id: str, advisors: list[tuple[str, str]]
) -> tuple[str, tuple[str, str], tuple[str, str]]:
    url = f"{plein.ws_url}/advice"
    tokens = [plein.access_token(name) for name, _ in advisors]
    async with (
        advice_socket(url, tokens[0]) as first,
        advice_socket(url, tokens[1]) as second,
        advice_socket(url, plein.access_token("shopper")) as shopper,
    ):
        sockets = [first, second]
        for socket in sockets:
            await socket.send(action="presence", status="online")
            assert (await socket.take("presence"))["status"] == "online"

        await shopper.send(
            action="request",
            product_id="e2e-grinder",
            question="Welke koffiemolen voor espresso?",
            language="nl",
            mode="video",
            program_id=program_id,
        )
        request_id = (await shopper.take("queued", "no_advisor"))["request_id"]
        offers = [await socket.take("offer") for socket in sockets]
        assert {offer["request_id"] for offer in offers} == {request_id}

        # the race: both accept at once
        await asyncio.gather(*(s.send(action="accept", request_id=request_id) for s in sockets))
        outcomes = [await socket.take("matched", "taken") for socket in sockets]
        assert sorted(o["type"] for o in outcomes) == ["matched", "taken"]
        won = next(i for i, o in enumerate(outcomes) if o["type"] == "matched")
        advisor, winner, loser = sockets[won], advisors[won], advisors[1 - won]
        matched = await shopper.take("matched")
        session_id = str(matched["session_id"])
        assert matched["peer"]["user_id"] == winner[1]
        assert (matched["media"]["provider"], matched["media"]["role"]) == ("p2p", "offerer")  # a video request

        # chat, with a typing indicator
        await shopper.send(action="message", session_id=session_id, text="Hoi! Welke molen?")
        assert (await advisor.take("message"))["text"] == "Hoi! Welke molen?"
        assert (await shopper.take("message"))["sender_id"] == plein.users["shopper"].sub  # on every device
        await advisor.send(action="typing", session_id=session_id)
        assert (await shopper.take("typing"))["from"] == winner[1]
        await advisor.send(action="message", session_id=session_id, text="Hallo! Een burr molen, zeker voor espresso.")
        assert (await shopper.take("message"))["role"] == "advisor"

        # media: p2p, negotiated by two aiortc peers through the gateway
        await shopper.send(action="media", session_id=session_id)
        media = [await shopper.take("media"), await advisor.take("media")]
        assert [(m["provider"], m["role"]) for m in media] == [("p2p", "offerer"), ("p2p", "answerer")]
        assert await negotiate(shopper, advisor, session_id) == "hello"

        # a dropped shopper reconnects and resumes the running session with its transcript
        async with advice_socket(url, plein.access_token("shopper")) as again:
            await again.send(action="resume", session_id=session_id)
            resumed = await again.take("resumed")
        assert (resumed["status"], len(resumed["transcript"])) == ("active", 2)

        await advisor.send(action="end", session_id=session_id)
        ends: list[Any] = [await shopper.take("ended"), await advisor.take("ended")]
        assert {e["session_id"] for e in ends} == {session_id}
    return session_id, winner, loser


def test_invitations_and_missed_requests_reach_members_inboxes_and_mailboxes(plein: Plein) -> None:
    vendor = plein.client("vendor")
    program = vendor.post(
        "/advice/programs",
        json={
            "name": "E2E invitations",
            "vendor_id": plein.users["vendor"].vendor_id,
            "compensation": {"kind": "points", "points": 10},
        },
    ).json()
    program_id = program["program_id"]
    assert vendor.put(f"/advice/programs/{program_id}/test", json={**TEST, "retry_after_hours": 0}).status_code == 200

    # Given a member the brand invites by e-mail address (in another case than they signed up with)
    plein.create_user("e2e-invitee", PASSWORD, ["shopper"])
    invite = vendor.post(
        f"/advice/programs/{program_id}/invites", json={"max_uses": 1, "invitees": ["E2E-Invitee@plein.local"]}
    )
    assert invite.status_code == 201, invite.text
    code = invite.json()["code"]
    plein.wait_until_idle(60)

    # Then the invitation with its code is in their inbox and their mailbox
    inbox = plein.client("e2e-invitee").get("/me/notifications").json()["items"]
    assert [(n["topic"], n["link"]) for n in inbox] == [("advice", f"#/advice?code={code}")]
    mails = httpx.get(f"{plein.rest_url}/local/mailbox", timeout=30).json()["mails"]
    [mail] = [m for m in mails if "e2e-invitee@plein.local" in m["to"]]
    assert code in mail["text"]

    # When the member becomes an advisor with it, is away, and a shopper asks with nobody online
    advisor = _become_advisor(plein, "e2e-invitee", code)
    run(_ask_while_away(plein, program_id, advisor[0]))
    plein.wait_until_idle(60)

    # Then the missed request reaches the advisor's inbox, after the approval
    titles = [n["title"] for n in plein.client("e2e-invitee").get("/me/notifications").json()["items"]]
    assert any("E2E-grinder" in title for title in titles), titles

    # When the advisor has left the app (offline) and a shopper asks again
    run(_ask_nobody_online(plein, program_id, "E2E-kettle"))
    plein.wait_until_idle(60)

    # Then the offline advisor hears of that one too
    titles = [n["title"] for n in plein.client("e2e-invitee").get("/me/notifications").json()["items"]]
    assert any("E2E-kettle" in title for title in titles), titles


async def _ask_while_away(plein: Plein, program_id: str, advisor: str) -> None:
    url = f"{plein.ws_url}/advice"
    async with advice_socket(url, plein.access_token(advisor)) as away:
        await away.send(action="presence", status="away")
        assert (await away.take("presence"))["status"] == "away"
        await _ask_nobody_online(plein, program_id, "E2E-grinder")


async def _ask_nobody_online(plein: Plein, program_id: str, title: str) -> None:
    async with advice_socket(f"{plein.ws_url}/advice", plein.access_token("shopper")) as shopper:
        await shopper.send(
            action="request",
            product_id=title.lower(),
            product={"title": title},
            question="Welke koffiemolen voor espresso?",
            language="nl",
            mode="chat",
            program_id=program_id,
        )
        assert (await shopper.take("queued", "no_advisor"))["reason"] == "nobody_available"
