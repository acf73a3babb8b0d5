"""Media adapters of the `MediaProvider` port: Amazon Chime SDK meetings and Kinesis Video Streams
WebRTC on AWS, peer-to-peer WebRTC (signalling relayed over the advice socket) locally."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from functions.advice.logic.domain import MediaJoin, Session

KVS_MESSAGE_TTL_SECONDS = 60
KVS_URL_SECONDS = 300
"""How long a presigned signalling URL lets a browser connect (the connection then stays open)."""


class PeerToPeerMedia:
    """No media server: the shopper's browser offers, the advisor's answers, and their SDP and
    ICE candidates travel as `signal` frames. No STUN or TURN servers (loopback and LAN)."""

    name = "p2p"

    def start(self, session: Session) -> tuple[str | None, dict[str, MediaJoin]]:
        return None, {
            session.shopper_id: MediaJoin(
                provider="p2p", data={"role": "offerer", "peer": session.advisor_id, "ice_servers": []}
            ),
            session.advisor_id: MediaJoin(
                provider="p2p", data={"role": "answerer", "peer": session.shopper_id, "ice_servers": []}
            ),
        }

    def end(self, session: Session) -> None:
        return None


class ChimeMedia:
    """One Chime SDK meeting per session (idempotent on the session id), one attendee per
    participant, deleted when the session ends."""

    name = "chime"

    def __init__(self, client: Any, media_region: str):
        self._client = client
        self._region = media_region

    def start(self, session: Session) -> tuple[str | None, dict[str, MediaJoin]]:
        if session.media_ref is not None:
            meeting = self._client.get_meeting(MeetingId=session.media_ref)["Meeting"]
        else:
            meeting = self._client.create_meeting(
                ClientRequestToken=session.session_id,
                MediaRegion=self._region,
                ExternalMeetingId=session.session_id[:64],
            )["Meeting"]
        joins = {}
        for user_id in (session.shopper_id, session.advisor_id):
            attendee = self._client.create_attendee(MeetingId=meeting["MeetingId"], ExternalUserId=user_id[:64])
            joins[user_id] = MediaJoin(provider="chime", data={"meeting": meeting, "attendee": attendee["Attendee"]})
        return str(meeting["MeetingId"]), joins

    def end(self, session: Session) -> None:
        if session.media_ref is None:
            return
        try:
            self._client.delete_meeting(MeetingId=session.media_ref)
        except self._client.exceptions.NotFoundException:
            return  # already gone: Chime ends meetings nobody is in


class KinesisVideoMedia:
    """A single-master signalling channel per advisor (`<prefix>-<advisor id>`): the advisor is the
    master, the shopper a viewer. Each gets the channel's endpoints, ICE (TURN) servers and a
    presigned signalling URL (`presign`: see `sigv4_presigner`), so a browser connects without
    AWS keys and without the KVS SDK."""

    name = "kvs"

    def __init__(self, client: Any, signaling: Callable[[str], Any], prefix: str, presign: Callable[[str], str]):
        self._client = client
        self._signaling = signaling
        self._prefix = prefix
        self._presign = presign

    def channel_name(self, advisor_id: str) -> str:
        return f"{self._prefix}-{advisor_id}"[:256]

    def channel_arn(self, advisor_id: str) -> str:
        name = self.channel_name(advisor_id)
        try:
            info = self._client.describe_signaling_channel(ChannelName=name)["ChannelInfo"]
            return str(info["ChannelARN"])
        except self._client.exceptions.ResourceNotFoundException:
            created = self._client.create_signaling_channel(
                ChannelName=name,
                ChannelType="SINGLE_MASTER",
                SingleMasterConfiguration={"MessageTtlSeconds": KVS_MESSAGE_TTL_SECONDS},
            )
            return str(created["ChannelARN"])

    def start(self, session: Session) -> tuple[str | None, dict[str, MediaJoin]]:
        arn = self.channel_arn(session.advisor_id)
        joins = {
            session.advisor_id: self._join(arn, "MASTER", session.advisor_id),
            session.shopper_id: self._join(arn, "VIEWER", session.shopper_id),
        }
        return arn, joins

    def _join(self, arn: str, role: str, user_id: str) -> MediaJoin:
        endpoints = self._client.get_signaling_channel_endpoint(
            ChannelARN=arn, SingleMasterChannelEndpointConfiguration={"Protocols": ["WSS", "HTTPS"], "Role": role}
        )["ResourceEndpointList"]
        by_protocol = {e["Protocol"]: e["ResourceEndpoint"] for e in endpoints}
        client_id = None if role == "MASTER" else user_id[:256]
        request = {"ChannelARN": arn, "Service": "TURN", **({"ClientId": client_id} if client_id else {})}
        servers = self._signaling(by_protocol["HTTPS"]).get_ice_server_config(**request)["IceServerList"]
        query = {"X-Amz-ChannelARN": arn, **({"X-Amz-ClientId": client_id} if client_id else {})}
        return MediaJoin(
            provider="kvs",
            data={
                "channel_arn": arn,
                "role": role,
                "client_id": client_id,
                "endpoints": by_protocol,
                "signaling_url": self._presign(f"{by_protocol['WSS']}?{urlencode(query)}"),
                "ice_servers": [
                    {"urls": s["Uris"], "username": s.get("Username"), "credential": s.get("Password")} for s in servers
                ],
            },
        )

    def end(self, session: Session) -> None:
        return None  # the advisor's channel outlives the session


def sigv4_presigner(credentials: Callable[[], Any], region: str) -> Callable[[str], str]:
    """Presigns a KVS signalling WebSocket URL (SigV4 in the query, service `kinesisvideo`, as the
    KVS WebRTC SDK signs with its caller's keys) with the function's own credentials, which allow
    `ConnectAsMaster`/`ConnectAsViewer` on the advice channels only. `credentials` returns
    botocore credentials (read per URL: a role's keys rotate)."""
    from botocore.auth import SigV4QueryAuth
    from botocore.awsrequest import AWSRequest

    def presign(url: str) -> str:
        request = AWSRequest(method="GET", url=url)
        SigV4QueryAuth(
            credentials().get_frozen_credentials(), "kinesisvideo", region, expires=KVS_URL_SECONDS
        ).add_auth(request)
        return str(request.url)

    return presign
