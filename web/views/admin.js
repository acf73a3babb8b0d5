// The admin console (#/admin): every admin task in one place, with what waits for a decision.

import { api } from "../api.js";
import { h, mount } from "../ui.js";
import { t } from "../i18n.js";

// a function, not a constant: the texts follow the interface language, loaded after the import
const sections = () => [
  ["#/admin/vendors", t("Vendor applications"), t("Approve or decline shops that want to sell, and set their commission.")],
  ["#/admin/community", t("Moderation"), t("Reported reviews, questions and articles; ideas in review; feedback.")],
  ["#/admin/rewards", t("Rewards and segments"), t("Earning rules, members' points and the journey segments.")],
  ["#/admin/campaigns", t("Campaigns"), t("Newsletters to segments, with preview and send.")],
  ["#/partner", t("Advice programs"), t("Advisor programs, invites, tests and reports.")],
];

export async function render(view, { signal, session }) {
  if (!session.groups.includes("admin")) {
    mount(view, h("h1", {}, t("Admin console")), h("p", { class: "notice" }, t("This page is for admins.")));
    return;
  }
  const waiting = h("span", { class: "muted small", "data-testid": "pending-applications" });
  mount(
    view,
    h("h1", {}, t("Admin console")),
    h(
      "ul",
      { class: "console-grid" },
      sections().map(([href, title, text], i) =>
        h("li", { class: "card" }, h("h2", {}, h("a", { href }, title)), h("p", { class: "muted" }, text), i === 0 ? waiting : null),
      ),
    ),
  );
  try {
    const page = await api.get("/admin/vendors", { query: { status: "pending", limit: 100 }, signal });
    const count = page.items.length + (page.next_cursor ? "+" : "");
    waiting.textContent = page.items.length ? t("{count} waiting for a decision", { count }) : t("Nothing waiting");
  } catch (error) {
    if (error.name === "AbortError") throw error;
    waiting.textContent = t("Could not count the waiting applications.");
  }
}
