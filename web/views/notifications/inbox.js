// The member's inbox (#/inbox): notifications newest first, unread ones marked; open one (its
// link), mark it read, or mark all read. The bell's count follows (`plein:inbox`), and a live
// `notification` frame (web/bell.js) puts a new one on top.

import { api, seg } from "../../api.js";
import { busy, date, empty, h, loading, mount, pagedLoader, toast } from "../../ui.js";
import { appLink, linkProblem } from "./shared.js";
import { t } from "../../i18n.js";

export async function render(view, { signal }) {
  const title = h("h1", {}, t("Inbox"));
  mount(view, title, loading(t("Loading your notifications…")));
  const list = h("ul", { class: "inbox-list", "data-testid": "inbox" });
  const more = h("div", {});
  const state = { unread: 0 };
  const counter = h("p", { class: "muted", "aria-live": "polite" });
  const readAll = h("button", { type: "button", class: "button button-small button-ghost" }, t("Mark all as read"));

  const report = (unread) => {
    state.unread = unread;
    mount(counter, unread ? t("{n} unread", { n: unread }) : t("All read"));
    readAll.disabled = !unread;
    document.dispatchEvent(new CustomEvent("plein:inbox", { detail: unread }));
  };

  const item = (n) => {
    const target = appLink(n.link);
    const mark = h("button", { type: "button", class: "button button-small button-ghost", hidden: n.read }, t("Mark as read"));
    const li = h(
      "li",
      { class: `card inbox-item${n.read ? "" : " unread"}`, "data-topic": n.topic, "data-id": n.notification_id },
      h("p", { class: "inbox-title" }, n.read ? null : h("span", { class: "chip" }, t("new")), " ", h("strong", {}, n.title)),
      h("p", {}, n.body),
      h("p", { class: "muted small" }, date(n.created_at)),
      h("div", { class: "actions" }, target ? h("a", { class: "button button-small", href: target, onclick: () => markRead(true) }, t("View")) : null, mark),
    );
    async function markRead(quiet = false) {
      if (li.classList.contains("unread") === false) return;
      try {
        await api.post(`/me/notifications/${seg(n.notification_id)}/read`);
        li.classList.remove("unread");
        li.querySelector(".chip")?.remove();
        mark.hidden = true;
        report(Math.max(0, state.unread - 1));
      } catch (error) {
        if (!quiet) toast(error.message, "error");
      }
    }
    mark.addEventListener("click", () => busy(mark, () => markRead()));
    return li;
  };

  readAll.addEventListener("click", () =>
    busy(readAll, async () => {
      try {
        const result = await api.post("/me/notifications/read-all");
        for (const li of list.querySelectorAll(".unread")) {
          li.classList.remove("unread");
          li.querySelector(".chip")?.remove();
          li.querySelector(".actions button")?.setAttribute("hidden", "");
        }
        report(result.unread);
      } catch (error) {
        toast(error.message, "error");
      }
    }),
  );

  const load = pagedLoader({
    fetchPage: (cursor) => api.get("/me/notifications", { query: { cursor, limit: 20 }, signal }),
    into: list,
    renderItem: item,
    more,
    label: t("Older notifications"),
  });
  let first;
  try {
    first = await load(null);
  } catch (error) {
    if (error.name === "AbortError" || error.status === 401) throw error;
    mount(view, title, linkProblem(error, t("Could not load your inbox")));
    return;
  }
  report(first.unread);
  const live = (event) => {
    if (!view.isConnected) return document.removeEventListener("plein:notification", live);
    const frame = event.detail;
    if (list.querySelector(`[data-id="${CSS.escape(frame.notification_id)}"]`)) return;
    list.prepend(item({ ...frame, read: false }));
    report(frame.unread);
  };
  document.addEventListener("plein:notification", live);
  mount(
    view,
    h("div", { class: "heading-row" }, title, h("a", { href: "#/settings/notifications" }, t("Settings"))),
    h("div", { class: "heading-row" }, counter, readAll),
    first.items.length ? null : empty(t("Nothing here yet. Order updates, answers and rewards show up here.")),
    list,
    more,
  );
}
