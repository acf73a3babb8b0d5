"""Reports of answers, questions and comments: once per member, never one's own; a rejected
report takes the text out of its thread and counts."""

from __future__ import annotations

from typing import Any

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


def test_a_reported_article_comment_is_queued_audited_and_hidden(api: Api) -> None:
    vendor: dict[str, Any] = {"user": "vendor-user", "groups": "vendor", "vendor_id": "vd_kiel"}
    guide = {"kind": "guide", "title": "Knives", "language": "en", "summary": "Sharp", "body": "<p>Hone</p>"}
    _, article = api("POST", "/articles", guide, **vendor)
    path = f"/articles/{article['article_id']}/comments"
    _, kept = api("POST", path, {"text": "Great tips"}, user="c1")
    _, spam = api("POST", path, {"text": "Buy my knives"}, user="c2")
    report = {"subject": "article_comment", "subject_id": spam["comment_id"], "reason": "spam"}

    # Given two members report the comment (the first opens the case), the author cannot
    assert api("POST", "/reports", report, user="c2")[1]["error"]["code"] == "own_content"
    assert api("POST", "/reports", report, user="r1") == (
        200,
        {"subject": "article_comment", "subject_id": spam["comment_id"], "reports": 1},
    )
    assert api("POST", "/reports", report, user="r1")[1]["error"]["code"] == "already_reported"
    assert api("POST", "/reports", report, user="r2")[1]["reports"] == 2
    _, queue = api("GET", "/admin/moderation", user="a", groups="admin")
    assert [(c["subject"], c["origin"], c["reasons"]) for c in queue["items"]] == [
        ("article_comment", "report", ["reported_spam"])
    ]

    # When a moderator rejects it, it leaves the thread and the count; the decision is audited
    decided = reject_first_open_case(api)
    assert (decided["subject"], decided["state"], decided["decided_by"]) == ("article_comment", "rejected", "a")
    assert [c["comment_id"] for c in api("GET", path, user=None)[1]["items"]] == [kept["comment_id"]]
    assert api("GET", f"/articles/{article['article_id']}", user=None)[1]["comments"] == 1
    _, audit = api("GET", "/admin/moderation", user="a", groups="admin", query={"state": "rejected"})
    assert [c["case_id"] for c in audit["items"]] == [decided["case_id"]]
    assert api("POST", "/reports", report, user="r3")[1]["error"]["code"] == "article_comment_not_found"
    unknown = {**report, "subject_id": "<b>"}
    assert api("POST", "/reports", unknown, user="r3")[1]["error"]["code"] == "article_comment_not_found"
