// Video for an advice session. Locally (`provider: "p2p"`) the two browsers connect peer to peer:
// the shopper (`offerer`) sends an SDP offer, the advisor (`answerer`) answers, and both trickle
// ICE candidates, all as `signal` frames over the advice socket. Chime and KVS join data need
// their vendors' browser SDKs, which this build-free client does not bundle.

import { t } from "./i18n.js";

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
  if (media.provider !== "p2p") {
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
    if (event.candidate) socket.send("signal", { session_id: sessionId, payload: { candidate: event.candidate.toJSON() } });
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

  const unsubscribe = socket.on("signal", (frame) => {
    if (frame.session_id !== sessionId) return;
    chain = chain.then(() => ready).then(() => handle(frame.payload)).catch(fail);
  });

  async function handle(payload) {
    if (payload.type === "offer") {
      await pc.setRemoteDescription(payload);
      await pc.setLocalDescription(await pc.createAnswer());
      socket.send("signal", { session_id: sessionId, payload: { type: "answer", sdp: pc.localDescription.sdp } });
    } else if (payload.type === "answer") {
      await pc.setRemoteDescription(payload);
    } else if (payload.candidate) {
      await pc.addIceCandidate(payload.candidate);
    }
  }

  report();
  if (media.role === "offerer") {
    chain = chain
      .then(() => ready)
      .then(async () => {
        await pc.setLocalDescription(await pc.createOffer());
        socket.send("signal", { session_id: sessionId, payload: { type: "offer", sdp: pc.localDescription.sdp } });
      })
      .catch(fail);
  } else {
    ready.catch(fail);
  }

  return {
    stop() {
      unsubscribe();
      pc.close();
      for (const track of stream?.getTracks() || []) track.stop();
      localVideo.srcObject = null;
      remoteVideo.srcObject = null;
      onState("closed", states().closed);
    },
  };
}
