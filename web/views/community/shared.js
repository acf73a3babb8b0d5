// What the community views share: API errors and moderation outcomes in plain words, member
// names and product summaries (fetched once per page load), the star input, the share panel,
// the collection draft ("Add to collection" on product pages) and the community tabs.

import { api, seg } from "../../api.js";
import { session } from "../../auth.js";
import { link } from "../../router.js";
import { busy, date, errorBox, field, h, mount } from "../../ui.js";
import { copyButton } from "../rewards_shared.js";
import { country } from "../cart.js";

// ---------------------------------------------------------------- errors in plain words

const PLAIN = {
  network: "We cannot reach Plein right now. Check your connection and try again.",
  unauthorized: "Please sign in to do this.",
  unauthenticated: "Please sign in to do this.",
  forbidden: "This is for administrators. Sign in with an admin account.",
  missing_group: "This is for administrators. Sign in with an admin account.",
  throttled: "Plein is busy right now. Try again in a moment.",
  busy: "Plein is busy right now. Try again in a moment.",
  concurrent_update: "Someone changed this at the same moment. Please try again.",
  invalid_cursor: "The list changed while you were reading it. Reload the page.",
  payload_too_large: "That is too long. Please shorten it.",
  validation_failed: "Some values are not valid. Please check:",
  duplicate_review: "You have already reviewed this product. Each member reviews a product once.",
  already_voted: "You have already marked this review as helpful.",
  own_review: "You cannot mark your own review as helpful.",
  already_reported: "You have already reported this. Our moderators will look at it.",
  own_content: "You cannot report something you wrote yourself.",
  not_your_product: "Vendors can reply only to reviews of products they delivered through Plein.",
  not_your_vendor: "This belongs to another vendor.",
  moderation_refused: "This text cannot be published. Leave out links, e-mail addresses, phone numbers and rude words, then try again.",
  not_your_question: "Only the member who asked can accept an answer.",
  own_answer: "You cannot accept your own answer.",
  not_your_collection: "Only the member who made this collection can change it.",
  own_collection: "You cannot rate your own collection.",
  collection_not_found: "This collection does not exist or is not public.",
  own_idea: "You cannot support your own idea. Share it with others instead.",
  idea_closed: "This idea is no longer open for support.",
  not_your_idea: "Only administrators or the vendor this idea is addressed to can decide on it.",
  idea_not_in_review: "Only ideas in review can be decided.",
  idea_not_found: "This idea does not exist.",
  review_not_found: "This review is no longer available.",
  question_not_found: "This question is no longer available.",
  answer_not_found: "This answer is no longer available.",
  product_not_found: "This product does not exist.",
  cannot_follow_self: "You cannot follow yourself.",
  member_not_found: "This member has no public profile yet.",
  already_acted_on: "This was already marked as acted on.",
  already_decided: "This case was already decided. Reload to see the current queue.",
  case_not_found: "This case no longer exists. Reload the queue.",
  feedback_not_found: "This feedback no longer exists.",
};

const FIELD_PROBLEMS = {
  string_too_short: "please fill this in",
  missing: "please fill this in",
  string_too_long: "is too long",
  too_long: "has too many entries",
  less_than_equal: "is too high",
  greater_than_equal: "is too low",
  string_pattern_mismatch: "is not in the right form",
  url_parsing: "is not a web address",
};

/** What went wrong, in words a member understands (never a code or an HTTP status). */
export function plainMessage(error) {
  if (error?.code && PLAIN[error.code]) return PLAIN[error.code];
  if (!error?.status || error.status >= 500) return "Something went wrong on our side. Please try again in a moment.";
  const message = String(error.message || "The request was not accepted.");
  return message.charAt(0).toUpperCase() + message.slice(1);
}

/** An error box in plain words; `labels` names the fields of a form ({title: "Title", ...}). */
export function problem(error, title, labels = {}) {
  const details = (Array.isArray(error?.details) ? error.details : [])
    .filter((d) => d && typeof d === "object")
    .map((d) => {
      const name = String(d.field || "").split(".")[0];
      const label = labels[name] || (name ? name.replaceAll("_", " ") : "The form");
      return `${label}: ${FIELD_PROBLEMS[d.code] || d.message || "is not valid"}`;
    });
  return errorBox({ message: plainMessage(error), details }, { title });
}

// ---------------------------------------------------------------- moderation outcomes

const REASONS = {
  link: "a link",
  email_address: "an e-mail address",
  phone_number: "a phone number",
  rate_limited: "many posts in a short time",
  profanity: "words we do not allow",
  duplicate: "the same text as an earlier post of yours",
};

export const reasonWords = (reasons) => (reasons || []).map((r) => REASONS[r] || r.replaceAll("_", " ")).join(", ");

/** A notice when content was held for a moderator or refused; null when it is published. */
export function statusNote(item, what) {
  if (!item || item.status === "published") return null;
  if (item.status === "pending") {
    return h(
      "p",
      { class: "notice community-pending", role: "status" },
      `Thanks! Your ${what} waits for a moderator because it contains ${reasonWords(item.reasons) || "something to check"}. It appears once approved.`,
    );
  }
  return h(
    "p",
    { class: "notice warn-box", role: "status" },
    `Your ${what} was not published because it contains ${reasonWords(item.reasons) || "something we do not allow"}.`,
  );
}

// ---------------------------------------------------------------- members and products

const members = new Map();
const products = new Map();

/** `cache`'s entry for `key`, fetched with `load` once; a failure other than "not found" is
 *  retried once and then forgotten (so that the next page asks again). */
function cached(cache, key, load) {
  if (!cache.has(key)) {
    const attempt = () => load();
    const pending = attempt()
      .catch((error) => (error.status === 404 ? null : new Promise((r) => setTimeout(r, 500)).then(attempt)))
      .catch(() => {
        cache.delete(key);
        return null;
      });
    cache.set(key, pending);
  }
  return cache.get(key);
}

/** A member's public profile (null when they have none yet). */
export const member = (userId) => cached(members, userId, () => api.get(`/users/${seg(userId)}`));

export const displayName = (profile) => profile?.display_name || "A Plein member";

/** A link to a member's profile that shows their display name once it is known. */
export function memberLink(userId) {
  const me = session();
  const a = h("a", { href: link(`/users/${seg(userId)}`), class: "member-link" }, me?.userId === userId ? "You" : "A Plein member");
  if (me?.userId !== userId) member(userId).then((p) => { if (p?.display_name) a.textContent = p.display_name; });
  return a;
}

/** A product as the catalog shows it (offers best first, for the shopper's country); null if gone. */
export function product(productId) {
  return cached(products, `${productId}|${country()}`, () => api.get(`/products/${seg(productId)}`, { query: { country: country() } }));
}

/** A link to a product that shows its title once it is known. */
export function productLink(productId) {
  const a = h("a", { href: link(`/product/${seg(productId)}`) }, "a product");
  product(productId).then((p) => { if (p) a.textContent = p.title; });
  return a;
}

/** The best offer one can put in the cart now: available and shipping to the shopper's country. */
export function bestOffer(item) {
  return (item?.offers || []).find((o) => o.available && o.shipping && o.shipping.cost !== null && o.shipping.cost !== undefined) || null;
}

// ---------------------------------------------------------------- small widgets

export function signInLink(text) {
  return h("p", { class: "muted" }, h("a", { href: link("/signin", { next: location.hash }) }, "Sign in"), ` ${text}`);
}

let inputs = 0;

/** 1–5 stars as a radio group (keyboard: arrows; the stars light up by CSS); `.value()` is the
 *  chosen number or 0. */
export function starInput(legend, { value = 0, name } = {}) {
  inputs += 1;
  const group = name || `stars-${inputs}`;
  const radios = [1, 2, 3, 4, 5].map((n) => h("input", { type: "radio", name: group, value: String(n), class: "star-radio", checked: n === value }));
  const fieldset = h(
    "fieldset",
    { class: "star-input" },
    h("legend", {}, legend),
    radios.map((radio, i) => h("label", { class: "star-option" }, radio, h("span", { "aria-hidden": "true" }, "★"), h("span", { class: "visually-hidden" }, `${i + 1} star${i ? "s" : ""}`))),
  );
  fieldset.value = () => Number(radios.find((r) => r.checked)?.value || 0);
  return fieldset;
}

/** The community's own navigation (trending, collections, ideas, feed, profile, feedback). */
export function communityTabs(current) {
  const user = session();
  const tabs = [
    ["trending", "/community", "Trending"],
    ["collections", "/collections", "Collections"],
    ["guides", "/guides", "Guides"],
    ["ideas", "/ideas", "Ideas"],
    ["feed", "/feed", "Following"],
    ["profile", "/profile", "My profile"],
    ["feedback", "/feedback", "Feedback"],
  ];
  if (user?.groups.includes("admin")) tabs.push(["moderation", "/admin/community", "Moderation"]);
  return h(
    "nav",
    { class: "community-tabs", "aria-label": "Community" },
    tabs.map(([key, path, label]) => h("a", { href: link(path), "aria-current": key === current ? "page" : null }, label)),
  );
}

const NETWORKS = [
  ["facebook", "Facebook"],
  ["x", "X"],
  ["whatsapp", "WhatsApp"],
  ["pinterest", "Pinterest"],
  ["linkedin", "LinkedIn"],
  ["telegram", "Telegram"],
  ["email", "E-mail"],
];

/** "Share": makes a short link with the member's referral code, then offers copy and networks. */
export function shareButton(targetType, targetId, label = "Share") {
  const panel = h("div", { class: "share-panel", "aria-live": "polite" });
  const button = h("button", { type: "button", class: "button button-ghost", "aria-expanded": "false" }, label);
  button.addEventListener("click", () =>
    busy(button, async () => {
      if (button.getAttribute("aria-expanded") === "true") {
        button.setAttribute("aria-expanded", "false");
        mount(panel);
        return;
      }
      if (!session()) {
        mount(panel, signInLink("to share with your own invitation link."));
        return;
      }
      try {
        const share = await api.post("/shares", { target_type: targetType, target_id: targetId });
        const input = h("input", { type: "text", readonly: true, value: share.link, class: "share-link", "aria-label": "Share link", "data-testid": "share-link" });
        const targets = share.targets || {};
        mount(
          panel,
          h("div", { class: "code-row" }, input, copyButton("Copy link", () => share.link, input)),
          h("ul", { class: "share-targets", "aria-label": "Share on" }, NETWORKS.filter(([key]) => targets[key]).map(([key, name]) =>
            h("li", {}, h("a", { href: targets[key], target: "_blank", rel: "noopener noreferrer", class: "chip" }, name)))),
          h("p", { class: "muted small" }, "Friends who join through your link count as your invitations."),
        );
        button.setAttribute("aria-expanded", "true");
      } catch (error) {
        mount(panel, problem(error, "Could not make a share link"));
      }
    }, "Sharing…"),
  );
  return h("div", { class: "share" }, button, panel);
}

const REPORT_REASONS = [
  ["spam", "Spam or advertising"],
  ["offensive", "Offensive"],
  ["off_topic", "Not about this product"],
  ["fake", "Fake or misleading"],
  ["other", "Something else"],
];

/** "Report": a reason and an optional note to the moderators (reviews, questions, answers, comments of collections and articles). */
export function reportButton(subject, subjectId, note) {
  const button = h("button", { type: "button", class: "button button-small button-ghost" }, "Report");
  button.addEventListener("click", () => {
    if (!session()) return mount(note, signInLink("to report."));
    const reason = h("select", {}, REPORT_REASONS.map(([value, label]) => h("option", { value }, label)));
    const detail = h("input", { type: "text", maxlength: "500" });
    const send = h("button", { type: "submit", class: "button button-small" }, "Send report");
    const form = h(
      "form",
      { class: "community-form report-form" },
      field("What is wrong?", reason),
      field("Anything to add (optional)", detail),
      h("div", { class: "actions" }, h("button", { type: "button", class: "button button-small button-ghost", onclick: () => mount(note) }, "Cancel"), send),
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      busy(send, async () => {
        try {
          await api.post("/reports", { subject, subject_id: subjectId, reason: reason.value, note: detail.value || null });
          mount(note, h("p", { class: "ok small" }, "Thank you. A moderator will look at it."));
          button.disabled = true;
        } catch (error) {
          mount(note, problem(error, "Your report was not sent"));
        }
      }, "Sending…");
    });
    mount(note, form);
    reason.focus();
  });
  return button;
}

/** One comment of a thread (a collection's: subject "comment", an article's: "article_comment"):
 * who, when, the text, and "Report" for everyone but its author. */
export function commentItem(comment, subject) {
  const note = h("div", { "aria-live": "polite" });
  const mine = session()?.userId === comment.user_id;
  return h(
    "li",
    { class: "comment" },
    h("p", { class: "muted small" }, memberLink(comment.user_id), ` · ${date(comment.created_at)}`),
    h("p", { class: "community-text" }, comment.text),
    mine ? null : h("div", { class: "review-actions" }, reportButton(subject, comment.comment_id, note)),
    note,
  );
}

// ---------------------------------------------------------------- the collection draft

const draftKey = () => `plein.collection-draft.${session()?.userId || "guest"}`;

/** Product ids picked with "Add to collection", waiting to be composed into a collection. */
export function draft() {
  try {
    const ids = JSON.parse(localStorage.getItem(draftKey()) || "[]");
    return Array.isArray(ids) ? ids.filter((id) => typeof id === "string") : [];
  } catch {
    return [];
  }
}

export function saveDraft(ids) {
  if (ids.length) localStorage.setItem(draftKey(), JSON.stringify([...new Set(ids)]));
  else localStorage.removeItem(draftKey());
}

/** Every page of a cursor-paged list (for the caller's own collections). */
export async function allPages(path, options = {}) {
  const items = [];
  let cursor = null;
  do {
    const page = await api.get(path, { ...options, query: { ...(options.query || {}), limit: 100, cursor } });
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return items;
}

/** A collection the caller may see: a public one, or one of their own (private ones are only
 *  in GET /me/collections). Resolves to null when there is none. */
export async function findCollection(collectionId, signal) {
  try {
    return await api.get(`/collections/${seg(collectionId)}`, { signal });
  } catch (error) {
    if (error.status !== 404 || !session()) throw error;
  }
  const mine = await allPages("/me/collections", { signal });
  return mine.find((c) => c.collection_id === collectionId) || null;
}

export const plural = (n, one, many = `${one}s`) => `${Number(n).toLocaleString("en-GB")} ${n === 1 ? one : many}`;
