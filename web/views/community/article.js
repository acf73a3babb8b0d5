// #/articles/<id>: one article: its sanitised body, linked products as cards that lead to the
// product pages, a lookbook's looks (image and products), comments; its author edits it.

import { api, seg } from "../../api.js";
import { session } from "../../auth.js";
import { link, navigate } from "../../router.js";
import { busy, date, empty, errorBox, field, h, loading, money, mount, noImage, pagedLoader, toast } from "../../ui.js";
import { country } from "../cart.js";
import { kindNames, stateNames } from "./articles.js";
import { bestOffer, commentItem, communityTabs, memberLink, plainMessage, problem, product, signInLink, statusNote } from "./shared.js";
import { dateLocale, t } from "../../i18n.js";

export async function render(view, { params, signal }) {
  mount(view, communityTabs("guides"), h("h1", {}, t("Article")), loading(t("Loading the article…")));
  let article;
  try {
    article = await findArticle(params.id, signal);
  } catch (error) {
    if (error.name === "AbortError" || error.status === 401) throw error;
    mount(view, communityTabs("guides"), h("h1", {}, t("Article not found")), problem(error, t("Could not load the article")),
      h("p", {}, h("a", { href: "#/guides" }, t("See all guides"))));
    return;
  }
  draw(view, article);
}

/** A public article, or (signed in) one of the caller's own in any state. */
export async function findArticle(articleId, signal) {
  try {
    return await api.get(`/articles/${seg(articleId)}`, { signal });
  } catch (error) {
    if (error.status !== 404 || !session()) throw error;
  }
  return api.get(`/me/articles/${seg(articleId)}`, { signal });
}

/** The stored (server-sanitised) body as nodes; scripts and handlers are dropped once more here. */
export function richText(html) {
  const template = document.createElement("template");
  template.innerHTML = html;
  for (const el of template.content.querySelectorAll("script, style, iframe, object, embed")) el.remove();
  for (const el of template.content.querySelectorAll("*")) {
    for (const attr of [...el.attributes]) {
      const value = attr.value.replace(/[\u0000-\u0020]/g, "").toLowerCase();
      if (attr.name.startsWith("on") || ((attr.name === "href" || attr.name === "src") && /^(javascript|data|vbscript):/.test(value))) {
        el.removeAttribute(attr.name);
      }
    }
  }
  return h("div", { class: "article-body community-text", "data-testid": "article-body" }, template.content);
}

function draw(view, article) {
  const user = session();
  const mine = user && (user.userId === article.author_id || user.groups.includes("admin"));
  const listed = article.state === "published";
  const comments = h("section", { class: "community-section", "aria-labelledby": "comments-title" });
  mount(
    view,
    communityTabs("guides"),
    h("p", { class: "muted small" }, h("a", { href: "#/guides" }, t("Guides")), " · ", kindNames()[article.kind] || article.kind),
    h("div", { class: "page-head" }, h("h1", {}, article.title), mine ? ownerActions(article) : null),
    h("p", { class: "muted" }, t("By "), memberLink(article.author_id),
      article.published_at ? ` · ${date(article.published_at)}` : "",
      article.state !== "published" ? h("span", { class: `badge badge-${article.state}`, "data-testid": "article-state" }, stateNames()[article.state] || article.state) : null),
    article.state === "pending" ? statusNote({ status: "pending", reasons: article.reasons.filter((r) => r !== "member_article") }, "article") : null,
    article.state === "scheduled" ? h("p", { class: "notice", role: "status" }, t("Scheduled for {date}.", { date: new Date(article.publish_at).toLocaleString(dateLocale()) })) : null,
    article.cover_image ? h("img", { class: "collection-cover", src: article.cover_image, alt: "" }) : null,
    article.summary ? h("p", { class: "lead" }, article.summary) : null,
    richText(article.body),
    article.kind === "lookbook" ? looksSection(article) : null,
    article.product_ids.length ? h("section", { class: "community-section", "aria-labelledby": "products-title" },
      h("h2", { id: "products-title" }, t("Products in this article")), productCards(article.product_ids)) : null,
    article.tags.length ? h("ul", { class: "chips", "aria-label": t("Tags") }, article.tags.map((tag) => h("li", { class: "chip" }, h("a", { href: link("/guides", { q: tag }) }, tag)))) : null,
    listed ? comments : null,
  );
  if (listed) showComments(comments, article);
}

function looksSection(article) {
  return h(
    "section",
    { class: "community-section lookbook", "aria-labelledby": "looks-title" },
    h("h2", { id: "looks-title" }, t("The looks")),
    h("ol", { class: "looks plain" }, article.looks.map((look, index) =>
      h("li", { class: "look card", "data-testid": "look" },
        h("img", { class: "look-image", src: look.image, alt: look.caption || t("Look {n}", { n: index + 1 }), loading: "lazy" }),
        look.caption ? h("p", { class: "look-caption" }, look.caption) : null,
        productCards(look.product_ids)))),
  );
}

/** Product cards that lead to the product pages (title, image and best offer from the catalog). */
export function productCards(productIds) {
  return h("ul", { class: "product-cards plain", "data-testid": "linked-products" }, productIds.map(productCard));
}

function productCard(productId) {
  const name = h("span", { class: "title" }, t("Loading…"));
  const offer = h("span", { class: "muted small" });
  const thumb = h("span", { class: "thumb small-thumb" }, noImage());
  product(productId).then((p) => {
    if (!p) {
      name.textContent = t("A product that is no longer sold");
      return;
    }
    name.textContent = p.title;
    if (p.images?.[0]) mount(thumb, h("img", { src: p.images[0], alt: "", loading: "lazy" }));
    const best = bestOffer(p);
    offer.textContent = best
      ? t("{price} from {vendor}", { price: money(best.current_price, best.currency), vendor: best.vendor_name })
      : t("Not available for {country} right now", { country: country() });
  }).catch(() => { name.textContent = t("A product that is no longer sold"); });
  return h("li", { class: "card product-card-small" },
    h("a", { href: link(`/product/${seg(productId)}`), class: "product-link", "data-product": productId }, thumb, h("span", { class: "collection-item-text" }, name, offer)));
}

function ownerActions(article) {
  const confirmBox = h("div", { class: "delete-confirm", "aria-live": "polite" });
  const remove = h("button", { type: "button", class: "button button-danger" }, t("Delete"));
  remove.addEventListener("click", () => {
    const yes = h("button", { type: "button", class: "button button-danger" }, t("Yes, delete it"));
    yes.addEventListener("click", () => busy(yes, async () => {
      try {
        await api.del(`/articles/${seg(article.article_id)}`);
        toast(t("Article deleted."), "success");
        navigate("/guides");
      } catch (error) {
        mount(confirmBox, problem(error, t("The article was not deleted")));
      }
    }, t("Deleting…")));
    mount(confirmBox, h("p", {}, t("Delete this article for good?")), h("div", { class: "row" }, yes, h("button", { type: "button", class: "button button-ghost", onclick: () => mount(confirmBox) }, t("Keep it"))));
  });
  return h("div", { class: "owner-actions" }, h("a", { class: "button button-ghost", href: link(`/articles/${seg(article.article_id)}/edit`) }, t("Edit")), remove, confirmBox);
}

async function showComments(section, article) {
  const list = h("ul", { class: "comments plain", "data-testid": "comments" });
  const more = h("div", { class: "pager" });
  const heading = h("h2", { id: "comments-title" }, t("Comments"));
  const load = pagedLoader({
    fetchPage: (cursor) => api.get(`/articles/${seg(article.article_id)}/comments`, { query: { cursor, limit: 20 } }),
    into: list,
    renderItem: (comment) => commentItem(comment, "article_comment"),
    more,
    label: t("More comments"),
  });
  const form = session() ? commentForm(article, list) : signInLink(t("to comment."));
  try {
    const first = await load(null);
    mount(section, heading, form, first.items.length ? list : empty(t("No comments yet.")), more);
  } catch (error) {
    mount(section, heading, errorBox(error));
  }
}

function commentForm(article, list) {
  const text = h("textarea", { name: "text", rows: 3, maxlength: 1000, required: true });
  const send = h("button", { type: "submit", class: "button button-small" }, t("Comment"));
  const result = h("div", { "aria-live": "polite" });
  const form = h("form", { class: "community-form" }, field(t("Your comment"), text), h("div", { class: "actions" }, send), result);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(send, async () => {
      try {
        const comment = await api.post(`/articles/${seg(article.article_id)}/comments`, { text: text.value });
        text.value = "";
        if (comment.status === "published") list.prepend(commentItem(comment, "article_comment"));
        mount(result, statusNote(comment, "comment") || h("p", { class: "small" }, t("Thanks for your comment.")));
      } catch (error) {
        mount(result, h("p", { class: "warn" }, plainMessage(error)));
      }
    }, t("Sending…"));
  });
  return form;
}
