// The admin console (#/admin): every admin task in one place, with what waits for a decision.

import { api } from "../api.js";
import { h, mount } from "../ui.js";

const SECTIONS = [
  ["#/admin/vendors", "Vendor applications", "Approve or decline shops that want to sell, and set their commission."],
  ["#/admin/community", "Moderation", "Reported reviews, questions and articles; ideas in review; feedback."],
  ["#/admin/rewards", "Rewards and segments", "Earning rules, members' points and the journey segments."],
  ["#/admin/campaigns", "Campaigns", "Newsletters to segments, with preview and send."],
  ["#/partner", "Advice programs", "Advisor programs, invites, tests and reports."],
];

export async function render(view, { signal, session }) {
  if (!session.groups.includes("admin")) {
    mount(view, h("h1", {}, "Admin console"), h("p", { class: "notice" }, "This page is for admins."));
    return;
  }
  const waiting = h("span", { class: "muted small", "data-testid": "pending-applications" });
  mount(
    view,
    h("h1", {}, "Admin console"),
    h(
      "ul",
      { class: "console-grid" },
      SECTIONS.map(([href, title, text], i) =>
        h("li", { class: "card" }, h("h2", {}, h("a", { href }, title)), h("p", { class: "muted" }, text), i === 0 ? waiting : null),
      ),
    ),
  );
  try {
    const page = await api.get("/admin/vendors", { query: { status: "pending", limit: 100 }, signal });
    const count = page.items.length + (page.next_cursor ? "+" : "");
    waiting.textContent = page.items.length ? `${count} waiting for a decision` : "Nothing waiting";
  } catch (error) {
    if (error.name === "AbortError") throw error;
    waiting.textContent = "Could not count the waiting applications.";
  }
}
