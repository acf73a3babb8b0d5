// Video for an advice session: WebRTC between the shopper's and the advisor's browser. The
// shopper offers, the advisor answers, and both trickle ICE candidates; what carries them depends
// on the provider:
// - `p2p` (local): `signal` frames over the advice socket.
// - `kvs` (AWS): the advisor's Kinesis Video Streams signalling channel, a WebSocket of its own
//   (`signaling_url`, presigned by the API: no AWS keys in the browser) speaking KVS's protocol:
//   `{action: SDP_OFFER|SDP_ANSWER|ICE_CANDIDATE, messagePayload: base64(JSON), recipientClientId}`
//   out, `{messageType, messagePayload, senderClientId}` in. The advisor is the channel's master
//   and answers the viewer whose offer it got; TURN servers come with the join data.
// - `chime` (AWS): an Amazon Chime SDK meeting; the SDK (vendor/amazon-chime-sdk.js, bundled by
//   tools/chime_bundle.mjs at install) does signalling and media and is loaded only for a call.

import { t } from "./i18n.js";
import { h } from "./ui.js";

// Built when asked (not at import), so that the texts are in the chosen language.
const states = () => ({
  new: t("Starting the call…"),
  connecting: t("Connecting the video…"),
  connected: t("Video connected"),
  disconnected: t("The video connection is interrupted…"),
  failed: t("The video connection failed."),
  closed: t("The video call has ended."),
});

/**
 * Start the call described by `media` (a `media` frame or the `media` of `matched`) and show it
 * in `localVideo` and `remoteVideo`; `onState(state, text)` follows the connection. Returns
 * `{stop()}`.
 */
export function startCall({ socket, sessionId, media, localVideo, remoteVideo, onState }) {
  if (media.provider === "chime") return startChimeCall({ media, localVideo, remoteVideo, onState });
  // A signalling channel that drops before the video connects fails the call (a refused or expired KVS URL).
  const dropped = () => pc.connectionState === "connected" || fail(new Error(t("the signalling connection closed")));
  const signalling = media.provider === "p2p" ? overAdviceSocket(socket, sessionId) : media.provider === "kvs" ? overKvs(media, dropped) : null;
  if (!signalling) {
    onState("unsupported", t("Video is not available in this web client yet; please continue in the chat."));
    return { stop() {} };
  }
  const pc = new RTCPeerConnection({ iceServers: media.ice_servers || [] });
  const report = () => onState(pc.connectionState, states()[pc.connectionState] || pc.connectionState);
  pc.addEventListener("connectionstatechange", report);
  pc.addEventListener("track", (event) => {
    if (remoteVideo.srcObject !== event.streams[0]) remoteVideo.srcObject = event.streams[0];
  });
  pc.addEventListener("icecandidate", (event) => {
    if (event.candidate) signalling.send({ candidate: event.candidate.toJSON() });
  });

  // Signals are handled one after the other: the offer's description is set before its candidates.
  let chain = Promise.resolve();
  let stream = null;
  const fail = (error) => onState("failed", t("The video could not start: {reason}", { reason: error.message || error }));

  const ready = navigator.mediaDevices
    .getUserMedia({ video: true, audio: true })
    .then((local) => {
      stream = local;
      localVideo.srcObject = local;
      for (const track of local.getTracks()) pc.addTrack(track, local);
    });

  signalling.receive((payload) => {
    chain = chain.then(() => ready).then(() => handle(payload)).catch(fail);
  });

  async function handle(payload) {
    if (payload.type === "offer") {
      await pc.setRemoteDescription(payload);
      await pc.setLocalDescription(await pc.createAnswer());
      signalling.send({ type: "answer", sdp: pc.localDescription.sdp });
    } else if (payload.type === "answer") {
      await pc.setRemoteDescription(payload);
    } else if (payload.candidate) {
      await pc.addIceCandidate(payload.candidate);
    }
  }

  report();
  if (media.role === "offerer" || media.role === "VIEWER") {
    chain = chain
      .then(() => ready)
      .then(async () => {
        await pc.setLocalDescription(await pc.createOffer());
        signalling.send({ type: "offer", sdp: pc.localDescription.sdp });
      })
      .catch(fail);
  } else {
    ready.catch(fail);
  }

  return {
    stop() {
      signalling.close();
      pc.close();
      for (const track of stream?.getTracks() || []) track.stop();
      localVideo.srcObject = null;
      remoteVideo.srcObject = null;
      onState("closed", states().closed);
    },
  };
}

/** Signals as `signal` frames of the session over the advice socket (the local provider). */
function overAdviceSocket(socket, sessionId) {
  let unsubscribe = () => {};
  return {
    send: (payload) => socket.send("signal", { session_id: sessionId, payload }),
    receive(handler) {
      unsubscribe = socket.on("signal", (frame) => {
        if (frame.session_id === sessionId) handler(frame.payload);
      });
    },
    close: () => unsubscribe(),
  };
}

const KVS_ACTIONS = { offer: "SDP_OFFER", answer: "SDP_ANSWER" };

/** Signals over the session's Kinesis Video Streams signalling channel (the AWS provider);
 * `onDrop()` when the channel closes without being asked to. */
function overKvs(media, onDrop) {
  const ws = new WebSocket(media.signaling_url);
  let closing = false;
  ws.addEventListener("close", () => closing || onDrop());
  const pending = [];
  let handler = () => {};
  let viewer = null; // the master answers the viewer whose offer it got
  const transmit = (message) => (ws.readyState === WebSocket.OPEN ? ws.send(message) : pending.push(message));
  ws.addEventListener("open", () => pending.splice(0).forEach((message) => ws.send(message)));
  ws.addEventListener("message", (event) => {
    if (!event.data) return; // KVS sends empty keep-alive frames
    const message = JSON.parse(event.data);
    if (!message.messagePayload) return; // STATUS_RESPONSE, GO_AWAY, RECONNECT_ICE_SERVER
    if (media.role === "MASTER" && message.senderClientId) viewer = message.senderClientId;
    const body = JSON.parse(atob(message.messagePayload));
    if (message.messageType === "ICE_CANDIDATE") handler({ candidate: body });
    else if (message.messageType in { SDP_OFFER: 1, SDP_ANSWER: 1 }) handler(body);
  });
  return {
    send(payload) {
      const action = payload.candidate ? "ICE_CANDIDATE" : KVS_ACTIONS[payload.type];
      const message = { action, messagePayload: btoa(JSON.stringify(payload.candidate || payload)) };
      if (media.role === "MASTER") message.recipientClientId = viewer;
      transmit(JSON.stringify(message));
    },
    receive(next) {
      handler = next;
    },
    close() {
      closing = true;
      ws.close();
    },
  };
}

/** The session's Chime SDK meeting: the shopper's and the advisor's video tiles and audio. */
function startChimeCall({ media, localVideo, remoteVideo, onState }) {
  let audioVideo = null;
  let stopped = false;
  const audio = h("audio", { hidden: true, autoplay: true });
  remoteVideo.after(audio);
  const fail = (error) => onState("failed", t("The video could not start: {reason}", { reason: error?.message || error }));
  const observer = {
    audioVideoDidStartConnecting: () => onState("connecting", states().connecting),
    audioVideoDidStart: () => onState("connected", states().connected),
    audioVideoDidStop: () => onState(stopped ? "closed" : "failed", stopped ? states().closed : states().failed),
    connectionDidBecomePoor: () => onState("disconnected", states().disconnected),
    connectionDidBecomeGood: () => onState("connected", states().connected),
    videoTileDidUpdate: (tile) => {
      if (tile.boundAttendeeId && !tile.isContent) audioVideo.bindVideoElement(tile.tileId, tile.localTile ? localVideo : remoteVideo);
    },
  };
  onState("new", states().new);
  import("./vendor/amazon-chime-sdk.js")
    .then(async (sdk) => {
      if (stopped) return;
      const logger = new sdk.ConsoleLogger("advice", sdk.LogLevel.WARN);
      const configuration = new sdk.MeetingSessionConfiguration(media.meeting, media.attendee);
      audioVideo = new sdk.DefaultMeetingSession(configuration, logger, new sdk.DefaultDeviceController(logger)).audioVideo;
      audioVideo.addObserver(observer);
      const [microphone] = await audioVideo.listAudioInputDevices();
      if (microphone) await audioVideo.startAudioInput(microphone.deviceId);
      const [camera] = await audioVideo.listVideoInputDevices();
      if (camera) await audioVideo.startVideoInput(camera.deviceId);
      await audioVideo.bindAudioElement(audio);
      if (stopped) return; // stopped while the devices started: stop() released them
      audioVideo.start();
      audioVideo.startLocalVideoTile();
    })
    .catch(fail);
  return {
    stop() {
      stopped = true;
      if (audioVideo) {
        audioVideo.stopLocalVideoTile();
        audioVideo.stop();
        audioVideo.stopVideoInput();
        audioVideo.stopAudioInput();
      } else {
        onState("closed", states().closed);
      }
      audio.remove();
    },
  };
}
