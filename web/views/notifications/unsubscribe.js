// One-click unsubscribe (#/unsubscribe/<token>): the link from an e-mail's footer. Shows what it
// unsubscribes from and confirms with one click; no sign-in (the signed token is the key).

import { api, seg } from "../../api.js";
import { busy, h, loading, mount } from "../../ui.js";
import { CHANNELS, TOPICS, linkProblem } from "./shared.js";

export async function render(view, { params, signal }) {
  const title = h("h1", {}, "Unsubscribe");
  mount(view, title, loading());
  const path = `/unsubscribe/${seg(params.id)}`;
  let state;
  try {
    state = await api.get(path, { signal });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    mount(view, title, linkProblem(error, "This unsubscribe link does not work"));
    return;
  }
  const what = `${TOPICS[state.topic] || state.topic} by ${(CHANNELS[state.channel] || state.channel).toLowerCase()}`;
  const done = () => h("p", { class: "notice success-box", role: "status", "data-testid": "unsubscribed" }, `You are unsubscribed from ${what}.`);
  if (!state.subscribed) {
    mount(view, title, done(), h("p", {}, h("a", { href: "#/settings/notifications" }, "All notification settings")));
    return;
  }
  const confirm = h("button", { type: "button", class: "button" }, "Unsubscribe");
  const box = h("div", { class: "card" }, h("p", {}, `Stop receiving ${what}?`), confirm);
  confirm.addEventListener("click", () =>
    busy(confirm, async () => {
      try {
        await api.post(path);
        mount(box, done());
      } catch (error) {
        mount(box, linkProblem(error, "Could not unsubscribe"));
      }
    }),
  );
  mount(view, title, box, h("p", { class: "muted" }, h("a", { href: "#/settings/notifications" }, "All notification settings"), " (sign-in needed)"));
}
