// Vendor applications (#/admin/vendors?status=pending|declined|approved): the admin approves a
// pending application with its commission, or declines it with a reason the applicant sees.

import { api, seg } from "../api.js";
import { busy, date, empty, errorBox, field, h, loading, mount, pagedLoader, toast } from "../ui.js";
import { link } from "../router.js";
import { t } from "../i18n.js";

// a function, not a constant: the tab names follow the interface language, loaded after the import
const statuses = () => [
  ["pending", t("Waiting")],
  ["declined", t("Declined")],
  ["approved", t("Approved")],
];
const DEFAULT_COMMISSION_PERCENT = "12";

export async function render(view, { query, signal, session }) {
  if (!session.groups.includes("admin")) {
    mount(view, h("h1", {}, t("Vendor applications")), h("p", { class: "notice" }, t("This page is for admins.")));
    return;
  }
  const tabs = statuses();
  const status = tabs.some(([key]) => key === query.get("status")) ? query.get("status") : "pending";
  const list = h("ul", { class: "application-list" });
  const more = h("div", { class: "pager" });
  const body = h("div", {}, loading(t("Loading applications…")));
  mount(
    view,
    h("p", { class: "muted small" }, h("a", { href: "#/admin" }, t("Admin console"))),
    h("h1", {}, t("Vendor applications")),
    h(
      "nav",
      { class: "tabs", "aria-label": t("Application status") },
      tabs.map(([key, label]) => h("a", { href: link("/admin/vendors", { status: key }), "aria-current": key === status ? "page" : null }, label)),
    ),
    body,
  );
  const load = pagedLoader({
    fetchPage: (cursor) => api.get("/admin/vendors", { query: { status, limit: 20, cursor }, signal }),
    into: list,
    renderItem: (vendor) => applicationCard(vendor),
    more,
    label: t("Load more applications"),
  });
  try {
    const first = await load(null);
    mount(body, first.items.length ? [list, more] : empty(status === "pending" ? t("No application is waiting. Well done!") : t("None.")));
  } catch (error) {
    if (error.name === "AbortError" || error.status === 401) throw error;
    mount(body, errorBox(error, { title: t("Could not load the applications") }));
  }
}

function applicationCard(vendor) {
  const card = h("li", { class: "card application", "data-testid": "application", "data-vendor": vendor.vendor_id });
  const contact = vendor.contact || {};
  mount(
    card,
    h("h2", {}, vendor.name),
    h("p", { class: "muted small" }, t("Applied {date} by ", { date: date(vendor.created_at) }), h("strong", {}, vendor.owner_username || t("unknown"))),
    vendor.story ? h("p", { class: "story" }, vendor.story) : h("p", { class: "muted" }, t("No description given.")),
    h(
      "dl",
      { class: "facts" },
      contact.website ? [h("dt", {}, t("Website")), h("dd", {}, h("a", { href: contact.website, rel: "noopener noreferrer", target: "_blank" }, contact.website))] : null,
      contact.email ? [h("dt", {}, t("E-mail")), h("dd", {}, h("a", { href: `mailto:${contact.email}` }, contact.email))] : null,
      contact.phone ? [h("dt", {}, t("Phone")), h("dd", {}, contact.phone)] : null,
      vendor.decline_reason ? [h("dt", {}, t("Declined because")), h("dd", {}, vendor.decline_reason)] : null,
    ),
    vendor.status === "approved" ? null : decisions(vendor, card),
  );
  return card;
}

function decisions(vendor, card) {
  const commission = h("input", { name: "commission", type: "number", min: 0, max: 100, step: "0.1", value: DEFAULT_COMMISSION_PERCENT, inputmode: "decimal" });
  const reason = h("textarea", { name: "reason", rows: 2, minlength: 5, maxlength: 1000 });
  const problem = h("div", { "aria-live": "assertive" });
  const approve = h("button", { type: "button", class: "button" }, t("Approve {name}", { name: vendor.name }));
  const decline = h("button", { type: "button", class: "button button-ghost" }, t("Decline {name}", { name: vendor.name }));
  const decided = (message) => (result) => {
    toast(message(result.name));
    card.remove();
  };
  approve.addEventListener("click", async () => {
    mount(problem);
    const percent = Number(commission.value);
    if (!commission.value || Number.isNaN(percent) || percent < 0 || percent > 100) {
      mount(problem, errorBox(new Error(t("Enter a commission between 0 and 100 percent."))));
      return;
    }
    const body = { commission_bps: Math.round(percent * 100) };
    await busy(approve, () => api.post(`/admin/vendors/${seg(vendor.vendor_id)}/approve`, body))
      .then(decided((name) => t("{name} is approved.", { name })))
      .catch((error) => mount(problem, errorBox(error, { title: t("Could not approve") })));
  });
  decline.addEventListener("click", async () => {
    mount(problem);
    if (reason.value.trim().length < 5) {
      mount(problem, errorBox(new Error(t("Tell the applicant why, in a sentence: they see it and can change their application."))));
      reason.focus();
      return;
    }
    await busy(decline, () => api.post(`/admin/vendors/${seg(vendor.vendor_id)}/decline`, { reason: reason.value.trim() }))
      .then(decided((name) => t("{name} is declined.", { name })))
      .catch((error) => mount(problem, errorBox(error, { title: t("Could not decline") })));
  });
  return h(
    "div",
    { class: "application-decision" },
    field(t("Commission (%)"), commission, t("Of each order line's total.")),
    vendor.status === "pending" ? field(t("Reason, if you decline"), reason, t("The applicant sees it.")) : null,
    problem,
    h("div", { class: "actions" }, approve, vendor.status === "pending" ? decline : null),
  );
}
