// #/ideas?state=…: product ideas members propose and support; at each milestone of supporters
// Plein takes notice, at the last one the idea goes to review and is accepted or declined.
// #/ideas/<id> (views/community/idea.js) is one idea with its support button.

import { api, seg } from "../../api.js";
import { session } from "../../auth.js";
import { link, navigate } from "../../router.js";
import { busy, date, empty, field, h, loading, mount, pagedLoader } from "../../ui.js";
import { communityTabs, memberLink, problem, signInLink, statusNote } from "./shared.js";
import { formatNumber, plural, t } from "../../i18n.js";

// A function, not a constant: the names are looked up in the chosen language when drawn.
const states = () => [
  ["", t("All")],
  ["open", t("Open")],
  ["in_review", t("In review")],
  ["accepted", t("Accepted")],
  ["declined", t("Declined")],
  ["expired", t("Expired")],
];

export const stateName = (state) => (states().find(([key]) => key === state) || [state, String(state).replaceAll("_", " ")])[1];

export async function render(view, { query, signal }) {
  const state = states().some(([key]) => key && key === query.get("state")) ? query.get("state") : "";
  const list = h("ul", { class: "idea-list plain", "data-testid": "ideas" });
  const more = h("div", { class: "pager" });
  const body = h("div", {}, loading(t("Loading ideas…")));
  mount(
    view,
    communityTabs("ideas"),
    h("h1", {}, t("Product ideas")),
    h("p", { class: "muted" }, t("Propose a product you miss. When enough members support it, Plein and its vendors look at making it.")),
    session() ? proposeForm() : signInLink(t("to propose an idea.")),
    h("nav", { class: "window-switch", "aria-label": t("Show ideas") }, states().map(([key, label]) => h("a", { href: link("/ideas", { state: key }), class: "chip", "aria-current": key === state ? "page" : null }, label))),
    body,
  );
  const load = pagedLoader({
    fetchPage: (cursor) => api.get("/ideas", { query: { state, cursor, limit: 10 }, signal }),
    into: list,
    renderItem: ideaCard,
    more,
    label: t("More ideas"),
  });
  try {
    const first = await load(null);
    mount(body, first.items.length ? list : empty(t("No ideas here yet.")), more);
  } catch (error) {
    if (error.name === "AbortError") return;
    mount(body, problem(error, t("Could not load the ideas")));
  }
}

/** Supporters towards the next milestone, as a bar and in words. */
export function milestoneProgress(idea) {
  if (!idea.next_milestone) {
    return h("p", { class: "small" }, `${plural(idea.supporters, "{n} supporter", "{n} supporters")} · ${t("every milestone reached")}`);
  }
  return h(
    "div",
    { class: "milestone" },
    h("progress", { max: String(idea.next_milestone), value: String(Math.min(idea.supporters, idea.next_milestone)), "aria-label": t("Supporters towards the next milestone of {n}", { n: idea.next_milestone }) }),
    h("p", { class: "small" }, t("{supporters} of {goal} for the next milestone", { supporters: plural(idea.supporters, "{n} supporter", "{n} supporters"), goal: formatNumber(idea.next_milestone) }),
      idea.milestone ? h("span", { class: "muted" }, ` · ${t("reached {n}", { n: formatNumber(idea.milestone) })}`) : null),
  );
}

/** The decision on an idea, when there is one. */
export function decision(idea) {
  if (idea.state !== "accepted" && idea.state !== "declined") return null;
  return h(
    "div",
    { class: `decision decision-${idea.state}` },
    h("p", {}, h("strong", {}, idea.state === "accepted" ? t("Accepted") : t("Declined")), idea.decided_at ? t(" on {date}", { date: date(idea.decided_at) }) : ""),
    idea.feedback ? h("p", { class: "community-text" }, idea.feedback) : null,
    idea.product_id ? h("p", {}, h("a", { href: link(`/product/${seg(idea.product_id)}`) }, t("See the product"))) : null,
  );
}

function ideaCard(idea) {
  return h(
    "li",
    { class: "card idea-card" },
    h("h2", { class: "idea-title" }, h("a", { href: link(`/ideas/${seg(idea.idea_id)}`) }, idea.title), " ", h("span", { class: `badge badge-${idea.state.replaceAll("_", "-")}` }, stateName(idea.state))),
    h("p", { class: "muted small" }, t("Proposed by "), memberLink(idea.author_id), ` · ${date(idea.created_at)}`),
    h("p", { class: "community-text idea-excerpt" }, idea.description),
    idea.state === "open" || idea.state === "in_review" ? milestoneProgress(idea) : h("p", { class: "small" }, plural(idea.supporters, "{n} supporter", "{n} supporters")),
    decision(idea),
  );
}

function proposeForm() {
  const details = h("details", { class: "card propose" }, h("summary", {}, t("Propose an idea")));
  const title = h("input", { type: "text", maxlength: "120", required: true, autocomplete: "off" });
  const description = h("textarea", { rows: "4", maxlength: "5000", required: true });
  const images = h("textarea", { rows: "2", placeholder: "https://…" });
  const send = h("button", { type: "submit", class: "button" }, t("Propose"));
  const result = h("div", { "aria-live": "polite" });
  const form = h(
    "form",
    { class: "community-form" },
    field(t("Title"), title),
    field(t("Description"), description, t("What should it be, who is it for, what makes it better than what exists?")),
    field(t("Picture links (optional)"), images, t("Web addresses of pictures, one per line, up to 6.")),
    result,
    h("div", { class: "actions" }, send),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    mount(result);
    busy(send, async () => {
      try {
        const idea = await api.post("/ideas", { title: title.value, description: description.value, images: images.value.split(/\s+/).filter(Boolean) });
        if (idea.status === "published") navigate(`/ideas/${seg(idea.idea_id)}`);
        else mount(result, statusNote(idea, "idea"));
      } catch (error) {
        mount(result, problem(error, t("Your idea was not saved"), { title: t("Title"), description: t("Description"), images: t("Picture links") }));
      }
    }, t("Proposing…"));
  });
  details.append(form);
  return details;
}
