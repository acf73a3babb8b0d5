"""Reports of answers, questions and comments: once per member, never one's own; a rejected
report takes the text out of its thread and counts."""

from __future__ import annotations

from tests.unit.community.conftest import Api


def reject_first_open_case(api: Api) -> dict[str, object]:
    _, queue = api("GET", "/admin/moderation", user="a", groups="admin")
    case = queue["items"][0]
    status, decided = api(
        "POST", f"/admin/moderation/{case['case_id']}/decision", {"decision": "reject"}, user="a", groups="admin"
    )
    assert status == 200
    return dict(decided)


def test_a_reported_accepted_answer_is_withdrawn_from_its_question(api: Api) -> None:
    _, question = api("POST", "/products/pan/questions", {"text": "Oven safe?"}, user="asker")
    qid = question["question_id"]
    _, answer = api("POST", f"/questions/{qid}/answers", {"text": "Up to 250 degrees."}, user="m1")
    api("POST", f"/questions/{qid}/answers/{answer['answer_id']}/accept", user="asker")
    spam = {"subject": "answer", "subject_id": answer["answer_id"], "reason": "spam"}

    assert api("POST", "/reports", spam, user="m1")[1]["error"]["code"] == "own_content"
    assert api("POST", "/reports", spam, user="m2") == (
        200,
        {"subject": "answer", "subject_id": answer["answer_id"], "reports": 1},
    )
    assert api("POST", "/reports", spam, user="m2")[1]["error"]["code"] == "already_reported"
    assert api("POST", "/reports", {**spam, "reason": "rude"}, user="m3")[0] == 422
    assert api("POST", "/reports", {**spam, "subject": "idea"}, user="m3")[0] == 422
    assert reject_first_open_case(api)["subject"] == "answer"

    _, thread = api("GET", f"/questions/{qid}")
    assert (thread["answers"], thread["question"]["answers"], thread["question"]["accepted_answer_id"]) == ([], 0, None)
    assert api("POST", "/reports", spam, user="m4")[0] == 404


def test_a_reported_comment_and_question_leave_their_lists(api: Api) -> None:
    _, collection = api("POST", "/collections", {"title": "Desk", "visibility": "public"}, user="owner")
    cid = collection["collection_id"]
    _, comment = api("POST", f"/collections/{cid}/comments", {"text": "Nice lamp"}, user="c1")
    report = {"subject": "comment", "subject_id": comment["comment_id"], "reason": "off_topic"}
    api("POST", "/reports", report, user="owner")
    reject_first_open_case(api)

    assert api("GET", f"/collections/{cid}/comments")[1]["items"] == []
    assert api("GET", f"/collections/{cid}")[1]["comments"] == 0

    _, question = api("POST", "/products/pan/questions", {"text": "Why so pricey?"}, user="q1")
    report = {"subject": "question", "subject_id": question["question_id"], "reason": "other", "note": "rant"}
    api("POST", "/reports", report, user="q2")
    reject_first_open_case(api)
    assert api("GET", "/products/pan/questions")[1]["items"] == []
    unknown = {"subject": "comment", "subject_id": "nope", "reason": "spam"}
    assert api("POST", "/reports", unknown)[1]["error"]["code"] == "comment_not_found"
    assert api("POST", "/reports", {**unknown, "subject_id": "<b>"})[1]["error"]["code"] == "comment_not_found"
