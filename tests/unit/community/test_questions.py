"""Questions and answers: roles from the caller's groups, AnswerPosted to the asker, acceptance."""

from __future__ import annotations

from functions.community.models.events import AnswerAccepted, AnswerPosted
from tests.unit.community.conftest import Api, Community


def ask(api: Api, text: str = "Does it work on induction?") -> str:
    status, question = api("POST", "/products/pan/questions", {"text": text}, user="asker")
    assert status == 201
    return str(question["question_id"])


def test_answers_are_marked_by_role_and_announced_to_the_asker(api: Api, community: Community) -> None:
    question_id = ask(api)
    path = f"/questions/{question_id}/answers"

    member = api("POST", path, {"text": "Yes, works on mine."}, user="m1")
    vendor = api(
        "POST", path, {"text": "Yes, all our pans do."}, user="v-user", groups="shopper,vendor", vendor_id="v1"
    )
    advisor = api("POST", path, {"text": "Yes, it has a steel base."}, user="adv", groups="shopper,advisor")

    assert [r[0] for r in (member, vendor, advisor)] == [201, 201, 201]
    assert [r[1]["role"] for r in (member, vendor, advisor)] == ["member", "vendor", "advisor"]
    assert vendor[1]["vendor_id"] == "v1"
    posted = community.docs.of_type(AnswerPosted)
    assert [(e.author_role, e.asker_id) for e in posted] == [
        ("member", "asker"),
        ("vendor", "asker"),
        ("advisor", "asker"),
    ]
    _, thread = api("GET", f"/questions/{question_id}", user=None)
    assert thread["question"]["answers"] == 3
    _, listed = api("GET", "/products/pan/questions", user=None)
    assert [q["question_id"] for q in listed["items"]] == [question_id]


def test_only_the_asker_accepts_and_the_accepted_answer_leads(api: Api, community: Community) -> None:
    question_id = ask(api)
    first = api("POST", f"/questions/{question_id}/answers", {"text": "Yes."}, user="m1")[1]
    second = api("POST", f"/questions/{question_id}/answers", {"text": "It does, tried it."}, user="m2")[1]
    accept = f"/questions/{question_id}/answers/{second['answer_id']}/accept"

    status, error = api("POST", accept, user="m1")
    assert (status, error["error"]["code"]) == (403, "not_your_question")

    status, thread = api("POST", accept, user="asker")
    assert status == 200
    assert [a["answer_id"] for a in thread["answers"]] == [second["answer_id"], first["answer_id"]]
    assert thread["question"]["accepted_answer_id"] == second["answer_id"]
    assert [(e.user_id, e.asker_id) for e in community.docs.of_type(AnswerAccepted)] == [("m2", "asker")]

    # Accepting another answer moves the mark.
    status, thread = api("POST", f"/questions/{question_id}/answers/{first['answer_id']}/accept", user="asker")
    assert [a["accepted"] for a in thread["answers"]] == [True, False]
    assert thread["answers"][0]["answer_id"] == first["answer_id"]


def test_the_asker_cannot_accept_their_own_answer(api: Api) -> None:
    question_id = ask(api)
    own = api("POST", f"/questions/{question_id}/answers", {"text": "Found out: yes."}, user="asker")[1]

    status, error = api("POST", f"/questions/{question_id}/answers/{own['answer_id']}/accept", user="asker")

    assert (status, error["error"]["code"]) == (403, "own_answer")


def test_a_held_answer_is_announced_when_a_moderator_approves_it(api: Api, community: Community) -> None:
    question_id = ask(api)
    status, held = api("POST", f"/questions/{question_id}/answers", {"text": "Ask me: hans@example.com"}, user="m1")
    assert (status, held["status"]) == (201, "pending")
    assert community.docs.of_type(AnswerPosted) == []

    _, queue = api("GET", "/admin/moderation", user="a", groups="admin")
    case = queue["items"][0]
    assert (case["subject"], case["reasons"]) == ("answer", ["email_address"])
    api("POST", f"/admin/moderation/{case['case_id']}/decision", {"decision": "approve"}, user="a", groups="admin")

    assert [e.answer_id for e in community.docs.of_type(AnswerPosted)] == [held["answer_id"]]
    assert api("GET", f"/questions/{question_id}")[1]["question"]["answers"] == 1


def test_unknown_questions_and_answers_are_404(api: Api) -> None:
    assert api("GET", "/questions/nope")[1]["error"]["code"] == "question_not_found"
    question_id = ask(api)
    assert api("POST", f"/questions/{question_id}/answers/nope/accept", user="asker")[0] == 404
    assert api("POST", "/products/pan/questions", {"text": ""})[0] == 422
