// #/guides?kind=&q=: guides, brand stories and lookbooks, newest first; filter by kind, search
// title, summary and tags ("kuche" finds "Küche"); "Write an article" opens the editor.

import { api, seg } from "../../api.js";
import { session } from "../../auth.js";
import { link, navigate } from "../../router.js";
import { date, empty, h, loading, mount, noImage, pagedLoader } from "../../ui.js";
import { communityTabs, memberLink, problem } from "./shared.js";

export const KINDS = [
  ["", "All"],
  ["guide", "Guides"],
  ["brand_story", "Brand stories"],
  ["lookbook", "Lookbooks"],
];
export const KIND_NAMES = { guide: "Guide", brand_story: "Brand story", lookbook: "Lookbook" };
export const STATE_NAMES = { draft: "Draft", pending: "Waiting for a moderator", scheduled: "Scheduled", rejected: "Not published" };

export async function render(view, { query, signal }) {
  const kind = KINDS.some(([key]) => key && key === query.get("kind")) ? query.get("kind") : "";
  const q = (query.get("q") || "").trim();
  const list = h("ul", { class: "collection-grid article-grid", "data-testid": "articles" });
  const more = h("div", { class: "pager" });
  const body = h("div", {}, loading("Loading articles…"));
  const search = h("input", { type: "search", name: "q", value: q, placeholder: "Search guides and lookbooks", "aria-label": "Search articles" });
  const form = h("form", { class: "search-form row", role: "search" }, search, h("button", { type: "submit", class: "button" }, "Search"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    navigate("/guides", { kind: kind || null, q: search.value.trim() || null });
  });
  mount(
    view,
    communityTabs("guides"),
    h("div", { class: "page-head" }, h("h1", {}, "Guides and lookbooks"), session() ? h("a", { class: "button", href: "#/articles/new" }, "Write an article") : null),
    form,
    h("nav", { class: "window-switch", "aria-label": "Kind" }, KINDS.map(([key, label]) => h("a", { href: link("/guides", { kind: key || null, q: q || null }), class: "chip", "aria-current": key === kind ? "page" : null }, label))),
    body,
  );
  const load = pagedLoader({
    fetchPage: (cursor) => api.get("/articles", { query: { kind: kind || null, q: q || null, cursor, limit: 12 }, signal }),
    into: list,
    renderItem: articleCard,
    more,
    label: "More articles",
  });
  try {
    const first = await load(null);
    mount(body, first.items.length || first.next_cursor ? list : empty(q ? `Nothing found for “${q}”.` : "No articles yet."), more);
  } catch (error) {
    if (error.name === "AbortError") return;
    mount(body, problem(error, "Could not load the articles", { query_too_short: "Search for a word of at least 3 letters." }));
  }
}

/** An article as a card in lists: cover, kind, title, summary, author. */
export function articleCard(article) {
  return h(
    "li",
    { class: "card collection-card article-card", "data-article": article.article_id },
    h(
      "a",
      { href: link(`/articles/${seg(article.article_id)}`), class: "product-link" },
      h("span", { class: "thumb cover" }, article.cover_image ? h("img", { src: article.cover_image, alt: "", loading: "lazy" }) : noImage()),
      h("span", { class: "badge" }, KIND_NAMES[article.kind] || article.kind),
      h("span", { class: "title" }, article.title),
    ),
    article.summary ? h("span", { class: "small" }, article.summary) : null,
    h("span", { class: "muted small" }, "by ", memberLink(article.author_id), article.published_at ? ` · ${date(article.published_at)}` : ""),
    article.state !== "published" ? h("span", { class: `badge badge-${article.state}` }, STATE_NAMES[article.state] || article.state) : null,
  );
}
