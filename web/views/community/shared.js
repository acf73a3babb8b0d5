// What the community views share: API errors and moderation outcomes in plain words, member
// names and product summaries (fetched once per page load), the star input, the share panel,
// the collection draft ("Add to collection" on product pages) and the community tabs.

import { api, seg } from "../../api.js";
import { session } from "../../auth.js";
import { link } from "../../router.js";
import { busy, date, errorBox, field, fieldProblems, generalProblems, h, mount } from "../../ui.js";
import { copyButton } from "../rewards_shared.js";
import { country } from "../cart.js";
import { t } from "../../i18n.js";

// ---------------------------------------------------------------- errors in plain words

// Tables of texts are built when asked (not at import), so that they are in the chosen language.
const plainTexts = () => ({
  ...generalProblems(),
  forbidden: t("This is for administrators. Sign in with an admin account."),
  missing_group: t("This is for administrators. Sign in with an admin account."),
  duplicate_review: t("You have already reviewed this product. Each member reviews a product once."),
  already_voted: t("You have already marked this review as helpful."),
  own_review: t("You cannot mark your own review as helpful."),
  already_reported: t("You have already reported this. Our moderators will look at it."),
  own_content: t("You cannot report something you wrote yourself."),
  not_your_product: t("Vendors can reply only to reviews of products they delivered through Plein."),
  not_your_vendor: t("This belongs to another vendor."),
  moderation_refused: t("This text cannot be published. Leave out links, e-mail addresses, phone numbers and rude words, then try again."),
  not_your_question: t("Only the member who asked can accept an answer."),
  own_answer: t("You cannot accept your own answer."),
  not_your_collection: t("Only the member who made this collection can change it."),
  own_collection: t("You cannot rate your own collection."),
  collection_not_found: t("This collection does not exist or is not public."),
  own_idea: t("You cannot support your own idea. Share it with others instead."),
  idea_closed: t("This idea is no longer open for support."),
  not_your_idea: t("Only administrators or the vendor this idea is addressed to can decide on it."),
  idea_not_in_review: t("Only ideas in review can be decided."),
  idea_not_found: t("This idea does not exist."),
  review_not_found: t("This review is no longer available."),
  question_not_found: t("This question is no longer available."),
  answer_not_found: t("This answer is no longer available."),
  product_not_found: t("This product does not exist."),
  cannot_follow_self: t("You cannot follow yourself."),
  member_not_found: t("This member has no public profile yet."),
  already_acted_on: t("This was already marked as acted on."),
  already_decided: t("This case was already decided. Reload to see the current queue."),
  case_not_found: t("This case no longer exists. Reload the queue."),
  feedback_not_found: t("This feedback no longer exists."),
});

/** What went wrong, in words a member understands (never a code or an HTTP status). */
export function plainMessage(error) {
  const plain = plainTexts();
  if (error?.code && plain[error.code]) return plain[error.code];
  if (!error?.status || error.status >= 500) return t("Something went wrong on our side. Please try again in a moment.");
  const message = String(error.message || t("The request was not accepted."));
  return message.charAt(0).toUpperCase() + message.slice(1);
}

/** An error box in plain words; `labels` names the fields of a form ({title: "Title", ...}). */
export function problem(error, title, labels = {}) {
  const problems = fieldProblems();
  const details = (Array.isArray(error?.details) ? error.details : [])
    .filter((d) => d && typeof d === "object")
    .map((d) => {
      const name = String(d.field || "").split(".")[0];
      const label = labels[name] || (name ? name.replaceAll("_", " ") : t("The form"));
      return `${label}: ${problems[d.code] || d.message || t("is not valid")}`;
    });
  return errorBox({ message: plainMessage(error), details }, { title });
}

// ---------------------------------------------------------------- moderation outcomes

const reasonTexts = () => ({
  link: t("a link"),
  email_address: t("an e-mail address"),
  phone_number: t("a phone number"),
  rate_limited: t("many posts in a short time"),
  profanity: t("words we do not allow"),
  duplicate: t("the same text as an earlier post of yours"),
});

export const reasonWords = (reasons) => {
  const texts = reasonTexts();
  return (reasons || []).map((r) => texts[r] || r.replaceAll("_", " ")).join(", ");
};

/** "Thanks! Your … waits for a moderator" as one whole sentence per kind of content. */
function pendingText(what, reasons) {
  const values = { reasons: reasons || t("something to check") };
  switch (what) {
    case "review": return t("Thanks! Your review waits for a moderator because it contains {reasons}. It appears once approved.", values);
    case "question": return t("Thanks! Your question waits for a moderator because it contains {reasons}. It appears once approved.", values);
    case "answer": return t("Thanks! Your answer waits for a moderator because it contains {reasons}. It appears once approved.", values);
    case "comment": return t("Thanks! Your comment waits for a moderator because it contains {reasons}. It appears once approved.", values);
    case "collection": return t("Thanks! Your collection waits for a moderator because it contains {reasons}. It appears once approved.", values);
    case "idea": return t("Thanks! Your idea waits for a moderator because it contains {reasons}. It appears once approved.", values);
    case "article": return t("Thanks! Your article waits for a moderator because it contains {reasons}. It appears once approved.", values);
    default: return t("Thanks! Your post waits for a moderator because it contains {reasons}. It appears once approved.", values);
  }
}

/** "Your … was not published" as one whole sentence per kind of content. */
function refusedText(what, reasons) {
  const values = { reasons: reasons || t("something we do not allow") };
  switch (what) {
    case "review": return t("Your review was not published because it contains {reasons}.", values);
    case "question": return t("Your question was not published because it contains {reasons}.", values);
    case "answer": return t("Your answer was not published because it contains {reasons}.", values);
    case "comment": return t("Your comment was not published because it contains {reasons}.", values);
    case "collection": return t("Your collection was not published because it contains {reasons}.", values);
    case "idea": return t("Your idea was not published because it contains {reasons}.", values);
    case "article": return t("Your article was not published because it contains {reasons}.", values);
    default: return t("Your post was not published because it contains {reasons}.", values);
  }
}

/** A notice when content was held for a moderator or refused; null when it is published.
 *  `what` is the kind of content: review, question, answer, comment, collection, idea or article. */
export function statusNote(item, what) {
  if (!item || item.status === "published") return null;
  if (item.status === "pending") {
    return h("p", { class: "notice community-pending", role: "status" }, pendingText(what, reasonWords(item.reasons)));
  }
  return h("p", { class: "notice warn-box", role: "status" }, refusedText(what, reasonWords(item.reasons)));
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

export const displayName = (profile) => profile?.display_name || t("A Plein member");

/** A link to a member's profile that shows their display name once it is known. */
export function memberLink(userId) {
  const me = session();
  const a = h("a", { href: link(`/users/${seg(userId)}`), class: "member-link" }, me?.userId === userId ? t("You") : t("A Plein member"));
  if (me?.userId !== userId) member(userId).then((p) => { if (p?.display_name) a.textContent = p.display_name; });
  return a;
}

/** A product as the catalog shows it (offers best first, for the shopper's country); null if gone. */
export function product(productId) {
  return cached(products, `${productId}|${country()}`, () => api.get(`/products/${seg(productId)}`, { query: { country: country() } }));
}

/** A link to a product that shows its title once it is known. */
export function productLink(productId) {
  const a = h("a", { href: link(`/product/${seg(productId)}`) }, t("a product"));
  product(productId).then((p) => { if (p) a.textContent = p.title; });
  return a;
}

/** The best offer one can put in the cart now: available and shipping to the shopper's country. */
export function bestOffer(item) {
  return (item?.offers || []).find((o) => o.available && o.shipping && o.shipping.cost !== null && o.shipping.cost !== undefined) || null;
}

// ---------------------------------------------------------------- small widgets

export function signInLink(text) {
  return h("p", { class: "muted" }, h("a", { href: link("/signin", { next: location.hash }) }, t("Sign in")), ` ${text}`);
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
    radios.map((radio, i) => h("label", { class: "star-option" }, radio, h("span", { "aria-hidden": "true" }, "★"), h("span", { class: "visually-hidden" }, i ? t("{n} stars", { n: i + 1 }) : t("{n} star", { n: 1 })))),
  );
  fieldset.value = () => Number(radios.find((r) => r.checked)?.value || 0);
  return fieldset;
}

/** The community's own navigation (trending, collections, ideas, feed, profile, feedback). */
export function communityTabs(current) {
  const user = session();
  const tabs = [
    ["trending", "/community", t("Trending")],
    ["collections", "/collections", t("Collections")],
    ["guides", "/guides", t("Guides")],
    ["ideas", "/ideas", t("Ideas")],
    ["feed", "/feed", t("Following")],
    ["profile", "/profile", t("My profile")],
    ["feedback", "/feedback", t("Feedback")],
  ];
  if (user?.groups.includes("admin")) tabs.push(["moderation", "/admin/community", t("Moderation")]);
  return h(
    "nav",
    { class: "community-tabs", "aria-label": t("Community") },
    tabs.map(([key, path, label]) => h("a", { href: link(path), "aria-current": key === current ? "page" : null }, label)),
  );
}

const networks = () => [
  ["facebook", "Facebook"],
  ["x", "X"],
  ["whatsapp", "WhatsApp"],
  ["pinterest", "Pinterest"],
  ["linkedin", "LinkedIn"],
  ["telegram", "Telegram"],
  ["email", t("E-mail")],
];

/** "Share": makes a short link with the member's referral code, then offers copy and networks. */
export function shareButton(targetType, targetId, label = t("Share")) {
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
        mount(panel, signInLink(t("to share with your own invitation link.")));
        return;
      }
      try {
        const share = await api.post("/shares", { target_type: targetType, target_id: targetId });
        const input = h("input", { type: "text", readonly: true, value: share.link, class: "share-link", "aria-label": t("Share link"), "data-testid": "share-link" });
        const targets = share.targets || {};
        mount(
          panel,
          h("div", { class: "code-row" }, input, copyButton(t("Copy link"), () => share.link, input)),
          h("ul", { class: "share-targets", "aria-label": t("Share on") }, networks().filter(([key]) => targets[key]).map(([key, name]) =>
            h("li", {}, h("a", { href: targets[key], target: "_blank", rel: "noopener noreferrer", class: "chip" }, name)))),
          h("p", { class: "muted small" }, t("Friends who join through your link count as your invitations.")),
        );
        button.setAttribute("aria-expanded", "true");
      } catch (error) {
        mount(panel, problem(error, t("Could not make a share link")));
      }
    }, t("Sharing…")),
  );
  return h("div", { class: "share" }, button, panel);
}

const reportReasons = () => [
  ["spam", t("Spam or advertising")],
  ["offensive", t("Offensive")],
  ["off_topic", t("Not about this product")],
  ["fake", t("Fake or misleading")],
  ["other", t("Something else")],
];

/** "Report": a reason and an optional note to the moderators (reviews, questions, answers, comments of collections and articles). */
export function reportButton(subject, subjectId, note) {
  const button = h("button", { type: "button", class: "button button-small button-ghost" }, t("Report"));
  button.addEventListener("click", () => {
    if (!session()) return mount(note, signInLink(t("to report.")));
    const reason = h("select", {}, reportReasons().map(([value, label]) => h("option", { value }, label)));
    const detail = h("input", { type: "text", maxlength: "500" });
    const send = h("button", { type: "submit", class: "button button-small" }, t("Send report"));
    const form = h(
      "form",
      { class: "community-form report-form" },
      field(t("What is wrong?"), reason),
      field(t("Anything to add (optional)"), detail),
      h("div", { class: "actions" }, h("button", { type: "button", class: "button button-small button-ghost", onclick: () => mount(note) }, t("Cancel")), send),
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      busy(send, async () => {
        try {
          await api.post("/reports", { subject, subject_id: subjectId, reason: reason.value, note: detail.value || null });
          mount(note, h("p", { class: "ok small" }, t("Thank you. A moderator will look at it.")));
          button.disabled = true;
        } catch (error) {
          mount(note, problem(error, t("Your report was not sent")));
        }
      }, t("Sending…"));
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

