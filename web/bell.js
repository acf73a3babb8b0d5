// The bell in the header: the inbox's unread count for a signed-in member. Live: the advice
// WebSocket (functions/advice/README.md) carries a `notification` frame with `unread` whenever
// something lands in the inbox; the count is also read over REST at sign-in, on every page
// change, and when the inbox view reports a change (the `plein:inbox` event, detail = unread).
// Advisors poll every 30 s instead: an open socket (with its heartbeats) would keep them online
// for offers after they closed the advisor console.

import { api } from "./api.js";
import { adviceAvailable, AdviceSocket } from "./advice_socket.js";
import { h, mount } from "./ui.js";
import { t } from "./i18n.js";

const POLL_MS = 30_000;
let socket = null;
let poller = null;
let seen = new Set();

function bell() {
  return document.getElementById("bell");
}

export function showUnread(unread) {
  const a = bell();
  if (!a) return;
  const n = Number(unread) || 0;
  a.setAttribute("aria-label", n ? t("Notifications: {n} unread", { n }) : t("Notifications"));
  mount(a, h("span", { "aria-hidden": "true" }, "🔔"), n ? h("span", { class: "count", "data-testid": "unread-count" }, String(n)) : null);
}

export async function refreshUnread() {
  try {
    const page = await api.get("/me/notifications", { query: { limit: 1 } });
    showUnread(page.unread);
  } catch {
    /* signed out or offline: keep what is shown */
  }
}

/** Show or hide the bell for `user` and open (or close) its live connection. */
export function bellFor(user) {
  const a = bell();
  if (!a) return;
  a.hidden = !user;
  socket?.close?.();
  socket = null;
  clearInterval(poller);
  poller = null;
  seen = new Set();
  if (!user) return;
  showUnread(0);
  refreshUnread();
  if (!adviceAvailable() || user.groups.includes("advisor")) {
    poller = setInterval(refreshUnread, POLL_MS);
    return;
  }
  socket = new AdviceSocket();
  socket.on("notification", (frame) => {
    if (seen.has(frame.notification_id)) return; // a relayed duplicate
    seen.add(frame.notification_id);
    showUnread(frame.unread);
    document.dispatchEvent(new CustomEvent("plein:notification", { detail: frame }));
  });
  socket.send("heartbeat");
}

document.addEventListener("plein:inbox", (event) => showUnread(event.detail));
