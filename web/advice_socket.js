// The advice WebSocket (functions/advice/README.md): JSON frames, `action` out and `type` in.
// One socket per view; a heartbeat every 30 s keeps the connection (and an advisor's presence)
// alive; after a dropped connection it reconnects, sets the advisor's presence again and resumes
// the running sessions.

import { config } from "./config.js";
import { session } from "./auth.js";

const HEARTBEAT_MS = 30_000;
const RETRY_MS = [1_000, 2_000, 5_000, 10_000];

/** True when the site knows where the advice socket is. */
export function adviceAvailable() {
  return Boolean(config().ws_url);
}

export class AdviceSocket {
  constructor() {
    this.listeners = new Map();
    this.queue = [];
    this.sessions = new Set();
    this.presence = null;
    this.ws = null;
    this.closed = false;
    this.attempt = 0;
    this.heartbeat = null;
  }

  /** Call `listener(frame)` for server frames of `type` ("*" for all); returns an unsubscribe. */
  on(type, listener) {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type).add(listener);
    return () => this.listeners.get(type)?.delete(listener);
  }

  /** Send a frame, opening the connection first when needed. */
  send(action, fields = {}) {
    const frame = JSON.stringify({ action, ...fields });
    if (action === "presence") this.presence = fields.status;
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(frame);
    else {
      this.queue.push(frame);
      this.open();
    }
  }

  /** Sessions to resume after a reconnect. */
  track(sessionId) {
    this.sessions.add(sessionId);
  }

  untrack(sessionId) {
    this.sessions.delete(sessionId);
  }

  open() {
    if (this.closed || this.ws) return;
    const user = session();
    if (!user || !user.accessToken) {
      this.emit({ type: "connection", state: "signed_out" });
      return;
    }
    const url = new URL(config().ws_url);
    url.searchParams.set("token", user.accessToken);
    const ws = new WebSocket(url.toString());
    this.ws = ws;
    this.emit({ type: "connection", state: "connecting" });
    ws.addEventListener("open", () => {
      const reconnected = this.attempt > 0;
      this.attempt = 0;
      this.emit({ type: "connection", state: "open" });
      if (reconnected) {
        if (this.presence && this.presence !== "offline") ws.send(JSON.stringify({ action: "presence", status: this.presence }));
        for (const id of this.sessions) ws.send(JSON.stringify({ action: "resume", session_id: id }));
      }
      for (const frame of this.queue.splice(0)) ws.send(frame);
      clearInterval(this.heartbeat);
      this.heartbeat = setInterval(() => this.send("heartbeat"), HEARTBEAT_MS);
    });
    ws.addEventListener("message", (event) => {
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch {
        return;
      }
      if (frame && typeof frame.type === "string") this.emit(frame);
    });
    ws.addEventListener("close", () => {
      clearInterval(this.heartbeat);
      this.ws = null;
      if (this.closed) return;
      this.emit({ type: "connection", state: "lost" });
      const wait = RETRY_MS[Math.min(this.attempt, RETRY_MS.length - 1)];
      this.attempt += 1;
      setTimeout(() => this.open(), wait);
    });
  }

  emit(frame) {
    for (const key of [frame.type, "*"]) {
      for (const listener of this.listeners.get(key) || []) listener(frame);
    }
  }

  /** Close for good (the view is left). */
  close() {
    this.closed = true;
    clearInterval(this.heartbeat);
    this.listeners.clear();
    this.ws?.close();
    this.ws = null;
  }
}
