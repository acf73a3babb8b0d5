// One running advice session, the same for the shopper and the advisor: who you talk with, the
// chat with a typing indicator, video (peer to peer locally), end, and for advisors "forward to
// customer service". Everything arrives over the advice socket (functions/advice/README.md).

import { startCall } from "../advice_call.js";
import { h, mount } from "../ui.js";
import { dateLocale, t } from "../i18n.js";

const TYPING_SHOWN_MS = 3_000;
const TYPING_SENT_EVERY_MS = 2_000;

/** Plain words for the socket's refusal codes (built when asked, so in the chosen language). */
export const refusals = () => ({
  not_an_advisor: t("Only approved advisors can go online."),
  too_many_sessions: t("You already have 3 sessions running. End one before accepting another."),
  session_not_found: t("This session is not available."),
  session_ended: t("This session has already ended."),
  request_not_found: t("This question is no longer open."),
  not_offered: t("This question was not offered to you."),
  advisor_only: t("Only the advisor can do this."),
  signal_not_relayed: t("The video connection could not reach the other side."),
  invalid_frame: t("The message could not be sent. Please check what you typed."),
});

export function refusal(frame) {
  return refusals()[frame.code] || frame.message || t("Something went wrong.");
}

const time = (iso) =>
  new Date(iso || Date.now()).toLocaleTimeString(dateLocale(), { hour: "2-digit", minute: "2-digit" });

/**
 * The panel of session `matched` (a `matched` or `resumed` frame). `onEnded(frame)` runs once
 * when the session ends. Returns `{el, destroy()}`.
 */
export function sessionPanel({ socket, matched, onEnded }) {
  const id = matched.session_id;
  const role = matched.role;
  const named = matched.peer?.name;
  /** A text about the other side: with their name, else about "your advisor" (for the shopper)
   *  or "the shopper" (for the advisor); whole sentences, as languages put these in different cases. */
  const aboutPeer = (withName, ofAdvisor, ofShopper) => (named ? withName : role === "shopper" ? ofAdvisor : ofShopper);
  const peerName = aboutPeer(named, t("your advisor"), t("the shopper"));
  const unsubscribes = [];
  const mine = (type, listener) =>
    unsubscribes.push(socket.on(type, (frame) => (frame.session_id === undefined || frame.session_id === id) && listener(frame)));
  socket.track(id);

  const log = h("ol", { class: "advice-log", role: "log", "aria-live": "polite", "aria-label": aboutPeer(t("Chat with {name}", { name: named }), t("Chat with your advisor"), t("Chat with the shopper")) });
  const typing = h("p", { class: "advice-typing muted small", "aria-live": "polite", "data-testid": "advice-typing" });
  const note = h("div", { class: "advice-note", "aria-live": "polite" });
  const input = h("textarea", { rows: "2", maxlength: "4000", "aria-label": t("Your message"), placeholder: t("Type your message") });
  const send = h("button", { type: "submit", class: "button" }, t("Send"));
  const form = h("form", { class: "advice-compose" }, input, send);
  const videoState = h("p", { class: "advice-video-state", "data-testid": "advice-video-state", "aria-live": "polite" });
  const localVideo = h("video", { autoplay: true, muted: true, playsinline: true, class: "advice-video-local", "aria-label": t("Your camera") });
  const remoteVideo = h("video", { autoplay: true, playsinline: true, class: "advice-video-remote", "aria-label": aboutPeer(t("{name}'s camera", { name: named }), t("your advisor's camera"), t("the shopper's camera")) });
  localVideo.muted = true;
  const video = h("div", { class: "advice-video", hidden: true }, h("div", { class: "advice-videos" }, remoteVideo, localVideo), videoState);
  const startVideo = h("button", { type: "button", class: "button button-ghost" }, t("Start video"));
  const end = h("button", { type: "button", class: "button button-danger" }, t("End session"));
  const forward = role === "advisor" ? h("button", { type: "button", class: "button button-ghost" }, t("Forward to customer service")) : null;
  const controls = h("div", { class: "advice-controls" }, startVideo, forward, end);

  let call = null;
  let ended = false;
  let typingTimer = null;
  let lastTyping = 0;

  const addMessage = (message) => {
    const self = message.role === role;
    log.append(
      h(
        "li",
        { class: `advice-message ${self ? "advice-mine" : "advice-theirs"}` },
        h("span", { class: "advice-who" }, self ? t("You") : peerName),
        h("span", { class: "advice-text" }, message.text),
        h("time", { class: "muted small", datetime: message.sent_at || "" }, time(message.sent_at)),
      ),
    );
    log.scrollTop = log.scrollHeight;
  };
  const showCall = (media) => {
    if (call || ended) return;
    video.hidden = false;
    startVideo.hidden = true;
    call = startCall({
      socket,
      sessionId: id,
      media,
      localVideo,
      remoteVideo,
      onState: (state, text) => {
        videoState.dataset.state = state;
        videoState.textContent = text;
      },
    });
  };
  const finish = (frame) => {
    if (ended) return;
    ended = true;
    call?.stop();
    socket.untrack(id);
    for (const el of [input, send, startVideo, end, forward]) if (el) el.disabled = true;
    mount(typing);
    onEnded(frame);
  };

  for (const message of matched.transcript || []) addMessage(message);
  mine("message", (frame) => {
    addMessage(frame);
    if (frame.role !== role) mount(typing);
  });
  mine("typing", () => {
    typing.textContent = aboutPeer(t("{name} is typing…", { name: named }), t("your advisor is typing…"), t("the shopper is typing…"));
    clearTimeout(typingTimer);
    typingTimer = setTimeout(() => mount(typing), TYPING_SHOWN_MS);
  });
  mine("media", (frame) => showCall(frame));
  mine("forwarded", () => mount(note, h("p", { class: "notice" }, t("This question was passed on to customer service. They will contact the shopper."))));
  mine("ended", (frame) => finish(frame));
  mine("resumed", (frame) => {
    mount(log);
    for (const message of frame.transcript || []) addMessage(message);
    if (frame.status && frame.status !== "active") finish({ ...frame, by: null });
  });
  mine("error", (frame) => {
    if (frame.session_id === undefined && !["message", "typing", "media", "end", "forward", "signal"].includes(frame.action)) return;
    mount(note, h("p", { class: "error", role: "alert" }, refusal(frame)));
  });

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text || ended) return;
    socket.send("message", { session_id: id, text });
    input.value = "";
    input.focus();
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  input.addEventListener("input", () => {
    const now = Date.now();
    if (now - lastTyping < TYPING_SENT_EVERY_MS) return;
    lastTyping = now;
    socket.send("typing", { session_id: id });
  });
  startVideo.addEventListener("click", () => socket.send("media", { session_id: id }));
  end.addEventListener("click", () => socket.send("end", { session_id: id }));
  forward?.addEventListener("click", () => socket.send("forward", { session_id: id, to: "customer_service" }));

  const product = matched.product || {};
  const [talkingBefore, talkingAfter] = t("You are talking with {name}").split("{name}");
  const el = h(
    "section",
    { class: "card advice-session", "data-session": id, "aria-label": aboutPeer(t("Session with {name}", { name: named }), t("Session with your advisor"), t("Session with the shopper")) },
    h("p", { class: "advice-peer", "data-testid": "advice-peer" }, talkingBefore || null, h("strong", {}, peerName), talkingAfter || null),
    product.title || matched.question
      ? h(
          "p",
          { class: "muted small" },
          product.title ? [t("About "), h("strong", {}, product.title)] : null,
          matched.question ? [product.title ? ": " : "", `“${matched.question}”`] : null,
        )
      : null,
    video,
    log,
    typing,
    form,
    note,
    controls,
  );
  if (matched.media) showCall(matched.media);
  return {
    el,
    destroy() {
      clearTimeout(typingTimer);
      call?.stop();
      for (const unsubscribe of unsubscribes) unsubscribe();
    },
  };
}
