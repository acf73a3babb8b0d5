// One-click unsubscribe (#/unsubscribe/<token>): the link from an e-mail's footer. Shows what it
// unsubscribes from and confirms with one click; no sign-in (the signed token is the key).

import { api, seg } from "../../api.js";
import { busy, h, loading, mount } from "../../ui.js";
import { linkProblem, topics } from "./shared.js";
import { t } from "../../i18n.js";

export async function render(view, { params, signal }) {
  const title = h("h1", {}, t("Unsubscribe"));
  mount(view, title, loading());
  const path = `/unsubscribe/${seg(params.id)}`;
  let state;
  try {
    state = await api.get(path, { signal });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    mount(view, title, linkProblem(error, t("This unsubscribe link does not work")));
    return;
  }
  const topic = topics()[state.topic] || state.topic;
  const by = { inbox: t("by inbox"), email: t("by e-mail"), push: t("by push") }[state.channel] ?? t("by {channel}", { channel: state.channel.toLowerCase() });
  const done = () => h("p", { class: "notice success-box", role: "status", "data-testid": "unsubscribed" }, t("You are unsubscribed from {topic} {by}.", { topic, by }));
  if (!state.subscribed) {
    mount(view, title, done(), h("p", {}, h("a", { href: "#/settings/notifications" }, t("All notification settings"))));
    return;
  }
  const confirm = h("button", { type: "button", class: "button" }, t("Unsubscribe"));
  const box = h("div", { class: "card" }, h("p", {}, t("Stop receiving {topic} {by}?", { topic, by })), confirm);
  confirm.addEventListener("click", () =>
    busy(confirm, async () => {
      try {
        await api.post(path);
        mount(box, done());
      } catch (error) {
        mount(box, linkProblem(error, t("Could not unsubscribe")));
      }
    }),
  );
  mount(view, title, box, h("p", { class: "muted" }, h("a", { href: "#/settings/notifications" }, t("All notification settings")), t(" (sign-in needed)")));
}
