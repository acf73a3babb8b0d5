// #/guides?kind=&q=: guides, brand stories and lookbooks, newest first; filter by kind, search
// title, summary and tags ("kuche" finds "Küche"); "Write an article" opens the editor.

import { api, seg } from "../../api.js";
import { session } from "../../auth.js";
import { link, navigate } from "../../router.js";
import { date, empty, h, loading, mount, noImage, pagedLoader } from "../../ui.js";
import { communityTabs, memberLink, problem } from "./shared.js";
import { t } from "../../i18n.js";

// Functions, not constants: the texts are looked up in the chosen language when drawn.
export const kinds = () => [
  ["", t("All")],
  ["guide", t("Guides")],
  ["brand_story", t("Brand stories")],
  ["lookbook", t("Lookbooks")],
];
export const kindNames = () => ({ guide: t("Guide"), brand_story: t("Brand story"), lookbook: t("Lookbook") });
export const stateNames = () => ({ draft: t("Draft"), pending: t("Waiting for a moderator"), scheduled: t("Scheduled"), rejected: t("Not published") });

export async function render(view, { query, signal }) {
  const kind = kinds().some(([key]) => key && key === query.get("kind")) ? query.get("kind") : "";
  const q = (query.get("q") || "").trim();
  const list = h("ul", { class: "collection-grid article-grid", "data-testid": "articles" });
  const more = h("div", { class: "pager" });
  const body = h("div", {}, loading(t("Loading articles…")));
  const search = h("input", { type: "search", name: "q", value: q, placeholder: t("Search guides and lookbooks"), "aria-label": t("Search articles") });
  const form = h("form", { class: "search-form row", role: "search" }, search, h("button", { type: "submit", class: "button" }, t("Search")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    navigate("/guides", { kind: kind || null, q: search.value.trim() || null });
  });
  mount(
    view,
    communityTabs("guides"),
    h("div", { class: "page-head" }, h("h1", {}, t("Guides and lookbooks")), session() ? h("a", { class: "button", href: "#/articles/new" }, t("Write an article")) : null),
    form,
    h("nav", { class: "window-switch", "aria-label": t("Kind") }, kinds().map(([key, label]) => h("a", { href: link("/guides", { kind: key || null, q: q || null }), class: "chip", "aria-current": key === kind ? "page" : null }, label))),
    body,
  );
  const load = pagedLoader({
    fetchPage: (cursor) => api.get("/articles", { query: { kind: kind || null, q: q || null, cursor, limit: 12 }, signal }),
    into: list,
    renderItem: articleCard,
    more,
    label: t("More articles"),
  });
  try {
    const first = await load(null);
    mount(body, first.items.length || first.next_cursor ? list : empty(q ? t("Nothing found for “{q}”.", { q }) : t("No articles yet.")), more);
  } catch (error) {
    if (error.name === "AbortError") return;
    mount(body, problem(error, t("Could not load the articles"), { query_too_short: t("Search for a word of at least 3 letters.") }));
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
      h("span", { class: "badge" }, kindNames()[article.kind] || article.kind),
      h("span", { class: "title" }, article.title),
    ),
    article.summary ? h("span", { class: "small" }, article.summary) : null,
    h("span", { class: "muted small" }, t("by "), memberLink(article.author_id), article.published_at ? ` · ${date(article.published_at)}` : ""),
    article.state !== "published" ? h("span", { class: `badge badge-${article.state}` }, stateNames()[article.state] || article.state) : null,
  );
}
