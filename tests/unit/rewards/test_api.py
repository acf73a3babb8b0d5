"""The rewards API through the real resolver: authorization (own ledger only, admin-only rules and
segments), validation to 4xx with codes, idempotent redemption over HTTP, CSV export."""

from __future__ import annotations

from typing import Any

from tests.unit.rewards.conftest import Call, World

ADMIN = ("shopper", "admin")


def test_signed_out_callers_get_401(call: Call) -> None:
    status, body = call("GET", "/rewards/me")
    assert (status, body["error"]["code"]) == (401, "unauthenticated")


def test_members_see_only_their_own_balance_and_ledger(call: Call, world: World) -> None:
    world.deliver("u1", "o1", [4200])
    world.deliver("u2", "o2", [9900])

    status, me = call("GET", "/rewards/me", user="u1")
    assert status == 200
    assert (me["user_id"], me["balance"], me["stage"]) == ("u1", 42, "new")
    assert me["progress"]["next_stage"] == "regular"
    assert me["progress"]["purchases"] == {"have": 1, "need": 3, "left": 2}
    assert [e["points"] for e in me["recent"]] == [42]

    status, page = call("GET", "/rewards/me/ledger", user="u2", query={"limit": "10"})
    assert status == 200
    assert [e["points"] for e in page["items"]] == [99]


def test_the_ledger_pages_with_cursors_bound_to_the_member(call: Call, world: World) -> None:
    for index in range(3):
        world.clock.advance(minutes=1)
        world.deliver("u1", f"o{index}", [100 * (index + 1)])
    status, first = call("GET", "/rewards/me/ledger", user="u1", query={"limit": "2"})
    assert status == 200
    assert [e["points"] for e in first["items"]] == [3, 2]
    cursor = first["next_cursor"]
    status, second = call("GET", "/rewards/me/ledger", user="u1", query={"limit": "2", "cursor": cursor})
    assert [e["points"] for e in second["items"]] == [1]
    assert second["next_cursor"] is None
    status, stolen = call("GET", "/rewards/me/ledger", user="u2", query={"cursor": cursor})
    assert (status, stolen["error"]["code"]) == (400, "invalid_cursor")


def test_rules_and_segments_are_admin_only(call: Call) -> None:
    for method, path in (
        ("GET", "/admin/rewards/rules"),
        ("GET", "/admin/segments"),
        ("GET", "/admin/segments/new/members"),
    ):
        status, body = call(method, path, user="u1")
        assert (status, body["error"]["code"]) == (403, "missing_group"), path
    status, body = call("PUT", "/admin/rewards/rules", {"expected_version": 0, "rules": {}}, user="u1")
    assert status == 403


def test_admins_edit_validated_versioned_rules(call: Call) -> None:
    status, current = call("GET", "/admin/rewards/rules", user="a1", groups=ADMIN)
    assert (status, current["version"]) == (200, 0)
    rules: dict[str, Any] = current["rules"]
    rules["orders"]["points_per_euro"] = 3

    status, saved = call(
        "PUT", "/admin/rewards/rules", {"expected_version": 0, "rules": rules}, user="a1", groups=ADMIN
    )
    assert (status, saved["version"], saved["updated_by"], saved["rules"]["orders"]["points_per_euro"]) == (
        200,
        1,
        "a1",
        3,
    )
    status, stale = call(
        "PUT", "/admin/rewards/rules", {"expected_version": 0, "rules": rules}, user="a1", groups=ADMIN
    )
    assert (status, stale["error"]["code"]) == (409, "rules_version_conflict")

    bad = {**rules, "stage_thresholds": {**rules["stage_thresholds"], "fan": {"purchases": 0}}}
    status, invalid = call(
        "PUT", "/admin/rewards/rules", {"expected_version": 1, "rules": bad}, user="a1", groups=ADMIN
    )
    assert (status, invalid["error"]["code"]) == (422, "validation_failed")
    naive = {
        **rules,
        "campaigns": [{"name": "x", "starts_at": "2026-11-01T00:00:00", "ends_at": "2026-12-01T00:00:00"}],
    }
    status, _ = call("PUT", "/admin/rewards/rules", {"expected_version": 1, "rules": naive}, user="a1", groups=ADMIN)
    assert status == 422  # campaign times need a time zone
    unknown = {**rules, "orders": {"points_per_dollar": 1}}
    status, _ = call("PUT", "/admin/rewards/rules", {"expected_version": 1, "rules": unknown}, user="a1", groups=ADMIN)
    assert status == 422


def test_redemption_over_http_needs_a_key_and_repeats_with_200(call: Call, world: World) -> None:
    world.deliver("u1", "o1", [60000])
    status, body = call("POST", "/rewards/redemptions", {"reward_id": "gift-card-5"}, user="u1")
    assert (status, body["error"]["code"]) == (400, "missing_idempotency_key")
    status, body = call(
        "POST", "/rewards/redemptions", {"reward_id": "gift-card-5"}, user="u1", headers={"Idempotency-Key": "a b"}
    )
    assert (status, body["error"]["code"]) == (400, "invalid_idempotency_key")

    headers = {"Idempotency-Key": "redeem-1"}
    status, first = call("POST", "/rewards/redemptions", {"reward_id": "gift-card-5"}, user="u1", headers=headers)
    assert status == 201
    assert first["gift_card"]["code"].startswith("PLN-")
    assert first["balance"] == 100
    status, again = call("POST", "/rewards/redemptions", {"reward_id": "gift-card-5"}, user="u1", headers=headers)
    assert status == 200
    assert again["gift_card"]["code"] is None
    assert again["balance"] == 100
    status, poor = call(
        "POST", "/rewards/redemptions", {"reward_id": "gift-card-5"}, user="u1", headers={"Idempotency-Key": "r2"}
    )
    assert (status, poor["error"]["code"]) == (409, "insufficient_points")

    status, cards = call("GET", "/rewards/me/gift-cards", user="u1")
    assert [(c["balance"], c["code"]) for c in cards["items"]] == [(500, None)]
    status, hold = call(
        "POST",
        "/rewards/gift-cards/redeem",
        {"code": first["gift_card"]["code"], "amount": 1999, "key": "order-1"},
        user="u1",
    )
    assert (status, hold["applied"], hold["balance"]) == (200, 500, 0)


def test_catalog_is_public(call: Call) -> None:
    status, catalog = call("GET", "/rewards/catalog")
    assert status == 200
    assert {"gift_card", "perk", "charity"} <= {item["kind"] for item in catalog["items"]}


def test_claims_answer_201_or_the_refusal_reason(call: Call) -> None:
    _, mine = call("GET", "/referrals/me", user="alice", email="alice@example.com")
    assert mine["link"].endswith(mine["code"])
    assert mine["referrals"] == []
    status, body = call("POST", "/referrals/claim", {"code": mine["code"]}, user="alice")
    assert (status, body["error"]["code"]) == (422, "self_referral")
    status, body = call("POST", "/referrals/claim", {"code": mine["code"]}, user="bob", email="bob@example.com")
    assert (status, body["status"]) == (201, "claimed")
    status, body = call("POST", "/referrals/claim", {"code": "not a code"}, user="carol")
    assert (status, body["error"]["code"]) == (422, "validation_failed")
    _, mine = call("GET", "/referrals/me", user="alice")
    assert sorted((r["referee_id"], r["status"], r["reason"]) for r in mine["referrals"]) == [
        ("alice", "refused", "self_referral"),
        ("bob", "claimed", None),
    ]


def test_segments_count_list_and_export_csv(call: Call, world: World) -> None:
    for user in ("u1", "u2", "u3"):
        world.deliver(user, f"o-{user}", [1000])
    for index in range(3):
        world.deliver("u3", f"more{index}", [1000])

    status, counts = call("GET", "/admin/segments", user="a1", groups=ADMIN)
    assert status == 200
    assert counts["total"] == 3
    assert {s["stage"]: s["members"] for s in counts["stages"]}["regular"] == 1

    status, page = call("GET", "/admin/segments/new/members", user="a1", groups=ADMIN, query={"limit": "1"})
    assert status == 200
    assert [m["user_id"] for m in page["items"]] == ["u1"]
    assert page["next_cursor"]
    status, csv = call("GET", "/admin/segments/new/members", user="a1", groups=ADMIN, query={"format": "csv"})
    assert status == 200
    assert csv.splitlines() == ["user_id,stage,stage_since,balance,affinities", "u1,new,,10,", "u2,new,,10,"]
    status, body = call("GET", "/admin/segments/vip/members", user="a1", groups=ADMIN)
    assert (status, body["error"]["code"]) == (404, "segment_not_found")


def test_visits_and_entitlements_over_http(call: Call, world: World) -> None:
    status, visit = call("POST", "/rewards/visits", user="u1")
    assert (status, visit["points"], visit["streak"]) == (200, 1, 1)
    status, perks = call("GET", "/rewards/me/entitlements", user="u1")
    assert (status, perks["items"]) == (200, [])


def test_adjustments_are_admin_only_and_need_a_key(call: Call) -> None:
    body = {"user_id": "u1", "points": 10, "reason": "goodwill"}
    status, _ = call("POST", "/admin/rewards/adjustments", body, user="u1", headers={"Idempotency-Key": "k"})
    assert status == 403
    status, entry = call(
        "POST", "/admin/rewards/adjustments", body, user="a1", groups=ADMIN, headers={"Idempotency-Key": "k"}
    )
    assert (status, entry["points"], entry["kind"]) == (201, 10, "adjust")
    status, me = call("GET", "/rewards/me", user="u1")
    assert me["balance"] == 10


def test_the_advice_statement_takes_a_month(call: Call) -> None:
    status, statement = call("GET", "/rewards/me/advice-statement", user="adv", query={"period": "2026-11"})
    assert (status, statement["sessions"], statement["cash"]) == (200, 0, 0)
    for period in ("2026-13", "0000-01", "9999-12"):
        status, body = call("GET", "/rewards/me/advice-statement", user="adv", query={"period": period})
        assert (status, body["error"]["code"]) == (422, "validation_failed"), period


def test_admins_audit_any_members_ledger_and_members_cannot(call: Call, world: World) -> None:
    world.deliver("u1", "o1", [1500])
    world.clock.advance(minutes=1)
    headers = {"Idempotency-Key": "adj-9"}
    body = {"user_id": "u1", "points": -5, "reason": "duplicate order"}
    status, _ = call("POST", "/admin/rewards/adjustments", body, user="a1", groups=ADMIN, headers=headers)
    assert status == 201

    status, page = call("GET", "/admin/rewards/members/u1/ledger", user="a1", groups=ADMIN)
    assert status == 200
    assert [(e["kind"], e["points"], e["actor"], e["rule"]) for e in page["items"]] == [
        ("adjust", -5, "a1", "adjustment"),
        ("earn", 15, None, "order_delivered"),
    ]
    status, summary = call("GET", "/admin/rewards/members/u1", user="a1", groups=ADMIN)
    assert (status, summary["balance"]) == (200, 10)
    for path in ("/admin/rewards/members/u1", "/admin/rewards/members/u1/ledger"):
        status, denied = call("GET", path, user="u2")
        assert (status, denied["error"]["code"]) == (403, "missing_group")
