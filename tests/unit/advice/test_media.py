"""Media adapters against the real API shapes (botocore Stubber): Chime SDK meetings and KVS WebRTC."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, parse_qsl, quote, urlsplit

import boto3
import pytest
from botocore.credentials import Credentials
from botocore.stub import Stubber

from functions.advice.logic.domain import Mode, ProductContext, Session
from functions.advice.store.media import ChimeMedia, KinesisVideoMedia, PeerToPeerMedia, sigv4_presigner
from tests.unit.advice.fakes import T0

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
PRESIGN = sigv4_presigner(lambda: Credentials("AKIDEXAMPLE", SECRET), "eu-west-1")

MEETING: dict[str, Any] = {
    "MeetingId": "11111111-2222-3333-4444-555555555555",
    "ExternalMeetingId": "s1",
    "MediaRegion": "eu-west-1",
    "MediaPlacement": {
        "AudioHostUrl": "audio.example:3478",
        "AudioFallbackUrl": "wss://audio.example",
        "SignalingUrl": "wss://signal.example",
        "TurnControlUrl": "https://turn.example",
        "ScreenDataUrl": "wss://screen.example",
        "ScreenViewingUrl": "wss://viewing.example",
        "ScreenSharingUrl": "wss://sharing.example",
        "EventIngestionUrl": "https://events.example",
    },
}
CHANNEL_ARN = "arn:aws:kinesisvideo:eu-west-1:123456789012:channel/plein-test-advice-a1/1700000000000"


def session(media_ref: str | None = None) -> Session:
    return Session(
        session_id="s1",
        request_id="r1",
        program_id="p1",
        advisor_id="a1",
        advisor_name="Sam",
        shopper_id="u1",
        product=ProductContext(product_id="grinder"),
        question="?",
        language="nl",
        mode=Mode.VIDEO,
        requested_at=T0,
        accepted_at=T0,
        media_ref=media_ref,
    )


def client(service: str) -> Any:
    return boto3.session.Session(aws_access_key_id="x", aws_secret_access_key="x", region_name="eu-west-1").client(
        service
    )


@pytest.fixture
def chime() -> Iterator[tuple[Any, Stubber]]:
    meetings = client("chime-sdk-meetings")
    with Stubber(meetings) as stub:
        yield meetings, stub
        stub.assert_no_pending_responses()


def attendee(user_id: str) -> dict[str, Any]:
    return {"Attendee": {"ExternalUserId": user_id, "AttendeeId": f"att-{user_id}", "JoinToken": f"token-{user_id}"}}


def test_chime_creates_one_meeting_and_an_attendee_per_participant(chime: tuple[Any, Stubber]) -> None:
    meetings, stub = chime
    stub.add_response(
        "create_meeting",
        {"Meeting": MEETING},
        {"ClientRequestToken": "s1", "MediaRegion": "eu-west-1", "ExternalMeetingId": "s1"},
    )
    for user in ("u1", "a1"):
        stub.add_response(
            "create_attendee", attendee(user), {"MeetingId": MEETING["MeetingId"], "ExternalUserId": user}
        )

    reference, joins = ChimeMedia(meetings, "eu-west-1").start(session())

    assert reference == MEETING["MeetingId"]
    assert joins["a1"].provider == "chime"
    assert joins["a1"].data["attendee"] == attendee("a1")["Attendee"]
    assert joins["u1"].data["meeting"] == MEETING


def test_chime_joins_an_existing_meeting_and_deletes_it_at_the_end(chime: tuple[Any, Stubber]) -> None:
    meetings, stub = chime
    stub.add_response("get_meeting", {"Meeting": MEETING}, {"MeetingId": MEETING["MeetingId"]})
    for user in ("u1", "a1"):
        stub.add_response(
            "create_attendee", attendee(user), {"MeetingId": MEETING["MeetingId"], "ExternalUserId": user}
        )
    stub.add_response("delete_meeting", {}, {"MeetingId": MEETING["MeetingId"]})
    stub.add_client_error("delete_meeting", "NotFoundException", http_status_code=404)
    media = ChimeMedia(meetings, "eu-west-1")

    media.start(session(str(MEETING["MeetingId"])))
    media.end(session(str(MEETING["MeetingId"])))
    media.end(session(str(MEETING["MeetingId"])))  # already gone: fine


def test_kvs_creates_the_advisor_channel_and_hands_out_master_and_viewer() -> None:
    video = client("kinesisvideo")
    signaling = client("kinesis-video-signaling")
    endpoints = {
        "MASTER": [
            {"Protocol": "WSS", "ResourceEndpoint": "wss://m.kinesisvideo.example"},
            {"Protocol": "HTTPS", "ResourceEndpoint": "https://m.kinesisvideo.example"},
        ],
        "VIEWER": [
            {"Protocol": "WSS", "ResourceEndpoint": "wss://v.kinesisvideo.example"},
            {"Protocol": "HTTPS", "ResourceEndpoint": "https://v.kinesisvideo.example"},
        ],
    }
    ice = {"IceServerList": [{"Uris": ["turn:1.2.3.4:443"], "Username": "u", "Password": "p", "Ttl": 300}]}
    asked: list[str] = []
    with Stubber(video) as stub, Stubber(signaling) as signals:
        stub.add_client_error("describe_signaling_channel", "ResourceNotFoundException", http_status_code=404)
        stub.add_response(
            "create_signaling_channel",
            {"ChannelARN": CHANNEL_ARN},
            {
                "ChannelName": "plein-test-advice-a1",
                "ChannelType": "SINGLE_MASTER",
                "SingleMasterConfiguration": {"MessageTtlSeconds": 60},
            },
        )
        for role, client_id in (("MASTER", None), ("VIEWER", "u1")):
            stub.add_response(
                "get_signaling_channel_endpoint",
                {"ResourceEndpointList": endpoints[role]},
                {
                    "ChannelARN": CHANNEL_ARN,
                    "SingleMasterChannelEndpointConfiguration": {"Protocols": ["WSS", "HTTPS"], "Role": role},
                },
            )
            expected = {"ChannelARN": CHANNEL_ARN, "Service": "TURN", **({"ClientId": client_id} if client_id else {})}
            signals.add_response("get_ice_server_config", ice, expected)

        def signaling_at(endpoint: str) -> Any:
            asked.append(endpoint)
            return signaling

        media = KinesisVideoMedia(video, signaling_at, prefix="plein-test-advice", presign=PRESIGN)
        reference, joins = media.start(session())

        stub.assert_no_pending_responses()
        signals.assert_no_pending_responses()
    assert reference == CHANNEL_ARN
    assert (joins["a1"].data["role"], joins["u1"].data["role"]) == ("MASTER", "VIEWER")
    assert joins["u1"].data["endpoints"] == {
        "WSS": "wss://v.kinesisvideo.example",
        "HTTPS": "https://v.kinesisvideo.example",
    }
    assert joins["u1"].data["ice_servers"] == [{"urls": ["turn:1.2.3.4:443"], "username": "u", "credential": "p"}]
    assert asked == ["https://m.kinesisvideo.example", "https://v.kinesisvideo.example"]
    master, viewer = (urlsplit(str(joins[user].data["signaling_url"])) for user in ("a1", "u1"))
    assert (master.netloc, viewer.netloc) == ("m.kinesisvideo.example", "v.kinesisvideo.example")
    assert parse_qs(master.query)["X-Amz-ChannelARN"] == parse_qs(viewer.query)["X-Amz-ChannelARN"] == [CHANNEL_ARN]
    assert "X-Amz-ClientId" not in parse_qs(master.query)
    assert parse_qs(viewer.query)["X-Amz-ClientId"] == ["u1"]


def test_the_signalling_url_is_a_sigv4_presigned_kinesisvideo_request() -> None:
    url = PRESIGN(f"wss://v.kinesisvideo.example?X-Amz-ChannelARN={CHANNEL_ARN}&X-Amz-ClientId=u1")

    # Recomputed as the SigV4 specification describes, independently of botocore
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    date = query["X-Amz-Date"]
    assert query["X-Amz-Credential"] == f"AKIDEXAMPLE/{date[:8]}/eu-west-1/kinesisvideo/aws4_request"
    assert (query["X-Amz-Algorithm"], query["X-Amz-SignedHeaders"], query["X-Amz-Expires"]) == (
        "AWS4-HMAC-SHA256",
        "host",
        "300",
    )
    unsigned = sorted((k, v) for k, v in query.items() if k != "X-Amz-Signature")
    canonical_query = "&".join(f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}" for k, v in unsigned)
    canonical = "\n".join(
        ["GET", "/", canonical_query, f"host:{parts.netloc}", "", "host", hashlib.sha256(b"").hexdigest()]
    )
    scope = f"{date[:8]}/eu-west-1/kinesisvideo/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = f"AWS4{SECRET}".encode()
    for part in (date[:8], "eu-west-1", "kinesisvideo", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    assert query["X-Amz-Signature"] == hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()


def test_kvs_reuses_an_existing_channel() -> None:
    video = client("kinesisvideo")
    with Stubber(video) as stub:
        stub.add_response(
            "describe_signaling_channel",
            {"ChannelInfo": {"ChannelName": "plein-test-advice-a1", "ChannelARN": CHANNEL_ARN}},
            {"ChannelName": "plein-test-advice-a1"},
        )
        media = KinesisVideoMedia(video, lambda _endpoint: None, prefix="plein-test-advice", presign=PRESIGN)
        assert media.channel_arn("a1") == CHANNEL_ARN


def test_p2p_has_the_shopper_offer_without_ice_servers() -> None:
    reference, joins = PeerToPeerMedia().start(session())
    assert reference is None
    assert joins["u1"].data == {"role": "offerer", "peer": "a1", "ice_servers": []}
    assert joins["a1"].data == {"role": "answerer", "peer": "u1", "ice_servers": []}
