// #/admin/community?tab=moderation|ideas|feedback (admins): the moderation queue (publish or
// reject each case with a reason; decided cases are the audit trail), decisions on ideas in
// review, and members' feedback and product suggestions to mark acted on.

import { api, seg } from "../../api.js";
import { session } from "../../auth.js";
import { link } from "../../router.js";
import { busy, date, empty, errorBox, field, h, loading, mount, pagedLoader, stars } from "../../ui.js";
import { milestoneProgress } from "./ideas.js";
import { communityTabs, memberLink, problem, reasonWords } from "./shared.js";
import { t } from "../../i18n.js";

// Functions, not constants: the texts are looked up in the chosen language when drawn.
const tabs = () => [
  ["moderation", t("Moderation queue")],
  ["ideas", t("Ideas in review")],
  ["feedback", t("Feedback")],
];

const subjects = () => ({ review: t("Review"), question: t("Question"), answer: t("Answer"), collection: t("Collection"), comment: t("Comment"), idea: t("Idea") });

export async function render(view, { query, signal }) {
  const tab = tabs().some(([key]) => key === query.get("tab")) ? query.get("tab") : "moderation";
  const body = h("div", {}, loading());
  mount(
    view,
    communityTabs("moderation"),
    h("h1", {}, t("Community administration")),
    h("nav", { class: "window-switch", "aria-label": t("Administration") }, tabs().map(([key, label]) => h("a", { href: link("/admin/community", { tab: key }), class: "chip", "aria-current": key === tab ? "page" : null }, label))),
    body,
  );
  if (!session()?.groups.includes("admin")) {
    mount(body, errorBox({ message: t("This page is for administrators. Sign in with an admin account.") }, { title: t("Administrators only") }));
    return;
  }
  const show = { moderation: showQueue, ideas: showIdeas, feedback: showFeedback }[tab];
  await show(body, query, signal);
}

/** A list with "load more", or a plain-words problem; `renderItem` draws one entry. */
async function paged(body, { heading, filters, fetchPage, renderItem, nothing, testid }) {
  const list = h("ul", { class: "admin-list plain", "data-testid": testid });
  const more = h("div", { class: "pager" });
  const load = pagedLoader({ fetchPage, into: list, renderItem, more, label: t("Load more") });
  try {
    const first = await load(null);
    mount(body, heading, filters, first.items.length ? list : empty(nothing), more);
  } catch (error) {
    if (error.name === "AbortError") return;
    mount(body, heading, filters, problem(error, t("Could not load the list")));
  }
}

function filterLinks(label, tab, key, current, options, extra = {}) {
  return h("nav", { class: "window-switch", "aria-label": label }, options.map(([value, text]) =>
    h("a", { href: link("/admin/community", { tab, ...extra, [key]: value }), class: "chip", "aria-current": value === current ? "page" : null }, text)));
}

// ---------------------------------------------------------------- moderation queue

async function showQueue(body, query, signal) {
  const state = ["open", "approved", "rejected"].includes(query.get("state")) ? query.get("state") : "open";
  await paged(body, {
    heading: h("h2", {}, state === "open" ? t("Waiting for a decision (oldest first)") : t("Decided cases")),
    filters: filterLinks(t("Cases"), "moderation", "state", state, [["open", t("Open")], ["approved", t("Published")], ["rejected", t("Rejected")]]),
    fetchPage: (cursor) => api.get("/admin/moderation", { query: { state, cursor, limit: 20 }, signal }),
    renderItem: caseItem,
    nothing: state === "open" ? t("Nothing waits for a decision.") : t("No decided cases yet."),
    testid: "moderation-queue",
  });
}

function caseItem(item) {
  const origin = item.origin === "report" ? t("Reported by members") : t("Held by the automatic checks");
  const box = h("div", { class: "case-decision", "aria-live": "polite" });
  if (item.state === "open") {
    const note = h("input", { type: "text", maxlength: "1000", autocomplete: "off" });
    const publish = h("button", { type: "button", class: "button button-small" }, t("Publish"));
    const reject = h("button", { type: "button", class: "button button-small button-danger" }, t("Reject"));
    const decide = (button, decision) =>
      busy(button, async () => {
        try {
          const decided = await api.post(`/admin/moderation/${seg(item.case_id)}/decision`, { decision, note: note.value.trim() || null });
          mount(box, h("p", { class: decision === "approve" ? "ok" : "warn" }, decided.state === "approved" ? t("Published.") : t("Rejected."), decided.note ? ` ${t("Reason: {note}", { note: decided.note })}` : ""));
        } catch (error) {
          mount(box, problem(error, t("The decision was not saved")), field(t("Reason (shown in the audit trail)"), note), h("div", { class: "row" }, publish, reject));
        }
      }, t("Saving…"));
    publish.addEventListener("click", () => decide(publish, "approve"));
    reject.addEventListener("click", () => decide(reject, "reject"));
    mount(box, field(t("Reason (shown in the audit trail)"), note, t("Optional. Say why when you reject, for example “advertising”.")), h("div", { class: "row" }, publish, reject));
  } else {
    const when = { date: date(item.decided_at) };
    mount(box, h("p", { class: "small muted" }, item.state === "approved" ? t("Published {date}", when) : t("Rejected {date}", when), item.decided_by ? [` ${t("by ")}`, memberLink(item.decided_by)] : null, item.note ? ` · ${item.note}` : ""));
  }
  return h(
    "li",
    { class: "card case", "data-case": item.case_id },
    h("p", { class: "small" }, h("span", { class: "badge" }, subjects()[item.subject] || item.subject), ` ${origin} · ${date(item.created_at)} · ${t("by ")}`, memberLink(item.author_id)),
    h("blockquote", { class: "community-text case-excerpt" }, item.excerpt),
    item.reasons.length ? h("p", { class: "small" }, t("Contains {reasons}", { reasons: reasonWords(item.reasons) })) : null,
    box,
  );
}

// ---------------------------------------------------------------- ideas in review

async function showIdeas(body, _query, signal) {
  await paged(body, {
    heading: h("h2", {}, t("Ideas that reached their last milestone")),
    filters: null,
    fetchPage: (cursor) => api.get("/ideas", { query: { state: "in_review", cursor, limit: 20 }, signal }),
    renderItem: ideaItem,
    nothing: t("No idea waits for a decision."),
    testid: "ideas-in-review",
  });
}

function ideaItem(idea) {
  const box = h("div", { "aria-live": "polite" });
  const choice = (value, label) => h("label", { class: "choice" }, h("input", { type: "radio", name: `decision-${idea.idea_id}`, value, checked: value === "accepted" }), ` ${label}`);
  const feedback = h("textarea", { rows: "2", maxlength: "1000", required: true });
  const productId = h("input", { type: "text", maxlength: "64", autocomplete: "off" });
  const send = h("button", { type: "submit", class: "button button-small" }, t("Save decision"));
  const form = h(
    "form",
    { class: "community-form" },
    h("fieldset", { class: "choices" }, h("legend", {}, t("Decision")), choice("accepted", t("Accept")), choice("declined", t("Decline"))),
    field(t("Feedback to the members"), feedback),
    field(t("Product it became (optional)"), productId, t("The product id, once the product exists.")),
    h("div", { class: "actions" }, send),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(send, async () => {
      try {
        const decided = await api.post(`/admin/ideas/${seg(idea.idea_id)}/decision`, {
          decision: form.querySelector(`input[name="decision-${idea.idea_id}"]:checked`).value,
          feedback: feedback.value,
          product_id: productId.value.trim() || null,
        });
        mount(box, h("p", { class: "ok" }, decided.state === "accepted" ? t("Accepted.") : t("Declined."), ` ${t("Members see your feedback.")}`));
      } catch (error) {
        mount(box, problem(error, t("The decision was not saved"), { feedback: t("Feedback"), product_id: t("Product") }), form);
      }
    }, t("Saving…"));
  });
  mount(box, form);
  return h(
    "li",
    { class: "card" },
    h("h3", {}, h("a", { href: link(`/ideas/${seg(idea.idea_id)}`) }, idea.title)),
    h("p", { class: "muted small" }, t("Proposed by "), memberLink(idea.author_id), ` · ${date(idea.created_at)}`),
    h("p", { class: "community-text" }, idea.description),
    milestoneProgress(idea),
    box,
  );
}

// ---------------------------------------------------------------- feedback and suggestions

async function showFeedback(body, query, signal) {
  const kind = query.get("kind") === "suggestion" ? "suggestion" : "feedback";
  const state = query.get("state") === "acted_on" ? "acted_on" : "open";
  await paged(body, {
    heading: h("h2", {}, kind === "feedback" ? t("Feedback") : t("Product suggestions")),
    filters: h("div", { class: "row" },
      filterLinks(t("Kind"), "feedback", "kind", kind, [["feedback", t("Feedback")], ["suggestion", t("Suggestions")]], { state }),
      filterLinks(t("State"), "feedback", "state", state, [["open", t("Open")], ["acted_on", t("Acted on")]], { kind })),
    fetchPage: (cursor) => api.get("/admin/feedback", { query: { kind, state, cursor, limit: 20 }, signal }),
    renderItem: feedbackItem,
    nothing: t("Nothing here."),
    testid: "feedback-list",
  });
}

function feedbackItem(item) {
  const box = h("div", { "aria-live": "polite" });
  if (item.acted_on) {
    mount(box, h("p", { class: "small ok" }, t("Acted on {date}", { date: date(item.acted_at) }), item.note ? `: ${item.note}` : ""));
  } else {
    const note = h("input", { type: "text", maxlength: "1000", autocomplete: "off" });
    const act = h("button", { type: "button", class: "button button-small" }, t("Mark acted on"));
    act.addEventListener("click", () =>
      busy(act, async () => {
        try {
          await api.post(`/admin/feedback/${seg(item.feedback_id)}/acted-on`, { note: note.value.trim() || null });
          mount(box, h("p", { class: "small ok" }, t("Marked acted on. The member earns their reward.")));
        } catch (error) {
          mount(box, problem(error, t("Could not mark it acted on")), field(t("What did we do? (optional)"), note), act);
        }
      }, t("Saving…")),
    );
    mount(box, field(t("What did we do? (optional)"), note), act);
  }
  return h(
    "li",
    { class: "card" },
    h("p", { class: "small" }, h("strong", {}, item.topic), ` · ${t("by ")}`, memberLink(item.user_id), ` · ${date(item.created_at)}`),
    item.rating ? h("p", {}, stars(item.rating)) : null,
    h("p", { class: "community-text" }, item.text),
    item.product_url ? h("p", { class: "small" }, h("a", { href: item.product_url, target: "_blank", rel: "noopener noreferrer" }, item.product_url)) : null,
    box,
  );
}
