// The community on a product page: heart, share, "Add to collection", the rating summary with
// its histogram, reviews (write one with stars, helpful votes, reports, vendor replies) and
// questions and answers (ask, answer, accept; vendor and advisor answers marked).

import { api, seg } from "../api.js";
import { session } from "../auth.js";
import { link } from "../router.js";
import { busy, date, empty, errorBox, field, h, loading, mount, pagedLoader, stars, toast } from "../ui.js";
import {
  draft,
  memberLink,
  plainMessage,
  problem,
  reportButton,
  saveDraft,
  shareButton,
  signInLink,
  starInput,
  statusNote,
} from "./community/shared.js";
import { plural, t } from "../i18n.js";

// Built when asked (not at import), so that the texts are in the chosen language.
const reviewFields = () => ({ rating: t("Stars"), title: t("Title"), text: t("Your review"), photos: t("Photo links") });
const roleNames = () => ({ vendor: t("Vendor"), advisor: t("Advisor") });

/** The product page's community section; loads its parts in the background. */
export function productCommunity(product, { signal }) {
  const reviews = h("section", { class: "community-reviews", "aria-labelledby": "reviews-title" }, h("h2", { id: "reviews-title" }, t("Reviews")), loading(t("Loading reviews…")));
  const questions = h("section", { class: "community-questions", "aria-labelledby": "questions-title" }, h("h2", { id: "questions-title" }, t("Questions and answers")), loading(t("Loading questions…")));
  showReviews(reviews, product, signal);
  showQuestions(questions, product, signal);
  return h(
    "div",
    { class: "product-community" },
    h("div", { class: "community-actions" }, heartButton(product, signal), shareButton("product", product.product_id), collectButton(product)),
    reviews,
    questions,
  );
}

// ---------------------------------------------------------------- heart, add to collection

function heartButton(product, signal) {
  const button = h("button", { type: "button", class: "button button-ghost heart", "aria-pressed": "false", "data-testid": "heart" });
  const note = h("span", { class: "heart-note", "aria-live": "polite" });
  const show = (state) => {
    button.setAttribute("aria-pressed", String(state.hearted));
    mount(
      button,
      h("span", { "aria-hidden": "true" }, state.hearted ? "♥" : "♡"),
      ` ${state.hearted ? t("Hearted") : t("Heart")}`,
      h("span", { class: "heart-count" }, ` ${state.hearts}`),
      h("span", { class: "visually-hidden" }, ` ${state.hearts === 1 ? t("heart") : t("hearts")}`),
    );
  };
  let state = { hearted: false, hearts: product.hearts || 0 };
  show(state);
  if (session()) {
    api.get(`/products/${seg(product.product_id)}/heart`, { signal }).then((s) => { state = s; show(s); }).catch(() => {});
  }
  button.addEventListener("click", () =>
    busy(button, async () => {
      mount(note);
      if (!session()) {
        mount(note, h("a", { href: link("/signin", { next: location.hash }) }, t("Sign in")), ` ${t("to heart products.")}`);
        return;
      }
      try {
        const path = `/products/${seg(product.product_id)}/heart`;
        state = state.hearted ? await api.del(path) : await api.put(path, {});
      } catch (error) {
        mount(note, plainMessage(error));
      }
    }, "…").then(() => show(state)),
  );
  return h("div", { class: "heart-box" }, button, note);
}

function collectButton(product) {
  const note = h("span", { class: "collect-note", "aria-live": "polite" });
  const button = h("button", { type: "button", class: "button button-ghost", "data-testid": "add-to-collection" });
  const show = () => {
    const inDraft = draft().includes(product.product_id);
    button.textContent = inDraft ? `✓ ${t("In your new collection")}` : t("Add to collection");
    button.setAttribute("aria-pressed", String(inDraft));
  };
  button.addEventListener("click", () => {
    if (!session()) {
      mount(note, h("a", { href: link("/signin", { next: location.hash }) }, t("Sign in")), ` ${t("to make collections.")}`);
      return;
    }
    const ids = draft();
    const next = ids.includes(product.product_id) ? ids.filter((id) => id !== product.product_id) : [...ids, product.product_id];
    saveDraft(next);
    show();
    mount(
      note,
      `${next.length ? plural(next.length, "{n} product picked.", "{n} products picked.") : t("Removed.")} `,
      next.length ? h("a", { href: "#/collections/new" }, t("Compose your collection")) : null,
    );
  });
  show();
  return h("div", { class: "collect-box" }, button, note);
}

// ---------------------------------------------------------------- reviews

async function showReviews(section, product, signal) {
  const heading = section.firstChild;
  const list = h("div", { class: "review-list", "data-testid": "reviews" });
  const more = h("div", { class: "pager" });
  const summary = h("div", { class: "rating-summary" });
  let first;
  const load = pagedLoader({
    fetchPage: (cursor) => api.get(`/products/${seg(product.product_id)}/reviews`, { query: { cursor, limit: 10 }, signal }),
    into: list,
    renderItem: (review) => reviewItem(review),
    more,
    label: t("More reviews"),
  });
  try {
    first = await load(null);
  } catch (error) {
    if (error.name === "AbortError") return;
    mount(section, heading, problem(error, t("Could not load the reviews")));
    return;
  }
  mount(summary, ratingSummary(first.rating));
  const write = session() ? reviewForm(product, (review) => {
    if (review.status === "published") {
      list.prepend(reviewItem(review));
      api.get(`/products/${seg(product.product_id)}/reviews`, { query: { limit: 1 } }).then((p) => mount(summary, ratingSummary(p.rating))).catch(() => {});
    }
  }) : signInLink(t("to write a review."));
  mount(section, heading, summary, write, list, first.items.length ? null : empty(t("No reviews yet. Be the first to share what you think.")), more);
}

function ratingSummary(rating) {
  if (!rating.count) return null;
  return h(
    "div",
    { class: "rating-box", "data-testid": "rating-summary" },
    h("p", { class: "rating-average" }, h("strong", {}, rating.average.toFixed(1)), " ", stars(rating.average), h("span", { class: "muted" }, ` ${plural(rating.count, "{n} review", "{n} reviews")}`)),
    h(
      "ul",
      { class: "histogram", "aria-label": t("Reviews per number of stars") },
      ["5", "4", "3", "2", "1"].map((n) => {
        const count = rating.histogram[n] || 0;
        return h(
          "li",
          {},
          h("span", { class: "histogram-label" }, `${n} ★`),
          h("progress", { max: String(rating.count), value: String(count), "aria-label": n === "1" ? t("1 star: {count} of {total}", { count, total: rating.count }) : t("{stars} stars: {count} of {total}", { stars: n, count, total: rating.count }) }),
          h("span", { class: "histogram-count" }, String(count)),
        );
      }),
    ),
  );
}

function reviewForm(product, onWritten) {
  const box = h("div", { class: "review-write" });
  const open = h("button", { type: "button", class: "button", "aria-expanded": "false" }, t("Write a review"));
  const result = h("div", { "aria-live": "polite" });
  open.addEventListener("click", () => {
    open.setAttribute("aria-expanded", "true");
    open.hidden = true;
    const rating = starInput(t("Your rating"));
    const title = h("input", { type: "text", maxlength: "120", required: true, autocomplete: "off" });
    const text = h("textarea", { rows: "5", maxlength: "5000", required: true });
    const photos = h("textarea", { rows: "2", placeholder: "https://…" });
    const submit = h("button", { type: "submit", class: "button" }, t("Publish review"));
    const form = h(
      "form",
      { class: "card community-form", "aria-label": t("Write a review") },
      rating,
      field(t("Title"), title),
      field(t("Your review"), text, t("What did you like, what not? Up to 5,000 characters.")),
      field(t("Photo links (optional)"), photos, t("Web addresses of photos, one per line, up to 6.")),
      h("div", { class: "actions" }, h("button", { type: "button", class: "button button-ghost", onclick: () => { form.remove(); open.hidden = false; open.setAttribute("aria-expanded", "false"); } }, t("Cancel")), submit),
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      mount(result);
      if (!rating.value()) {
        mount(result, errorBox({ message: t("Choose from 1 to 5 stars.") }, { title: t("Your rating is missing") }));
        return;
      }
      busy(submit, async () => {
        try {
          const review = await api.post(`/products/${seg(product.product_id)}/reviews`, {
            rating: rating.value(),
            title: title.value,
            text: text.value,
            photos: photos.value.split(/\s+/).filter(Boolean),
          });
          form.remove();
          mount(result, review.status === "published" ? h("p", { class: "notice success-box", role: "status" }, t("Thank you! Your review is published.")) : statusNote(review, "review"));
          onWritten(review);
        } catch (error) {
          mount(result, problem(error, t("Your review was not saved"), reviewFields()));
        }
      }, t("Publishing…"));
    });
    box.insertBefore(form, result);
    rating.querySelector("input").focus();
  });
  return mount(box, open, result);
}

function reviewItem(review) {
  const user = session();
  const actions = h("div", { class: "review-actions" });
  const note = h("div", { class: "review-note", "aria-live": "polite" });
  const helpful = h("button", { type: "button", class: "button button-small button-ghost" }, t("Helpful ({n})", { n: review.helpful }));
  helpful.addEventListener("click", () =>
    busy(helpful, async () => {
      if (!user) {
        mount(note, signInLink(t("to vote.")));
        return false;
      }
      try {
        const vote = await api.post(`/reviews/${seg(review.review_id)}/helpful`, {});
        review.helpful = vote.helpful;
        mount(note, h("p", { class: "ok small" }, t("Thanks for your vote.")));
        return true;
      } catch (error) {
        mount(note, h("p", { class: "warn small" }, plainMessage(error)));
        return error.code === "already_voted";
      }
    }, "…").then((voted) => {
      helpful.textContent = t("Helpful ({n})", { n: review.helpful });
      if (voted) helpful.disabled = true;
    }),
  );
  const mine = user?.userId === review.user_id;
  if (!mine) actions.append(helpful, reportButton("review", review.review_id, note));
  else actions.append(h("span", { class: "muted small" }, plural(review.helpful, "{n} member found this helpful", "{n} members found this helpful")));
  if (user?.groups.includes("vendor") && user.vendorId && !mine) actions.append(replyButton(review, note));
  const reply = h("div", { class: "vendor-reply-box" }, vendorReply(review.reply));
  return h(
    "article",
    { class: "review card", "data-review": review.review_id },
    h("header", { class: "review-head" },
      stars(review.rating),
      h("h3", { class: "review-title" }, review.title),
      review.verified ? h("span", { class: "badge badge-verified" }, t("Verified buyer")) : null),
    h("p", { class: "muted small" }, t("By "), memberLink(review.user_id), ` · ${date(review.created_at)}`),
    h("p", { class: "community-text" }, review.text),
    review.photos.length
      ? h("ul", { class: "review-photos", "aria-label": t("Photos") }, review.photos.map((src, i) => h("li", {}, h("a", { href: src, target: "_blank", rel: "noopener noreferrer" }, h("img", { src, alt: t("Photo {n} of this review", { n: i + 1 }), loading: "lazy" })))))
      : null,
    reply,
    actions,
    note,
  );
}

function vendorReply(reply) {
  if (!reply) return null;
  return h("div", { class: "vendor-reply" }, h("p", { class: "small" }, h("strong", {}, t("Reply from the vendor")), ` · ${date(reply.replied_at)}`), h("p", { class: "community-text" }, reply.text));
}

function replyButton(review, note) {
  const button = h("button", { type: "button", class: "button button-small button-ghost" }, review.reply ? t("Change your reply") : t("Reply as vendor"));
  button.addEventListener("click", () => {
    const text = h("textarea", { rows: "3", maxlength: "1000", required: true, value: review.reply?.text || "" });
    const send = h("button", { type: "submit", class: "button button-small" }, t("Publish reply"));
    const form = h("form", { class: "community-form" }, field(t("Your public reply"), text), h("div", { class: "actions" }, send));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      busy(send, async () => {
        try {
          const updated = await api.put(`/reviews/${seg(review.review_id)}/reply`, { text: text.value });
          review.reply = updated.reply;
          const box = form.closest(".review").querySelector(".vendor-reply-box");
          mount(box, vendorReply(updated.reply));
          mount(note, h("p", { class: "ok small" }, t("Your reply is published.")));
        } catch (error) {
          mount(note, problem(error, t("Your reply was not published"), { text: t("Reply") }));
        }
      }, t("Publishing…"));
    });
    mount(note, form);
    text.focus();
  });
  return button;
}

// ---------------------------------------------------------------- questions and answers

async function showQuestions(section, product, signal) {
  const heading = section.firstChild;
  const list = h("ul", { class: "question-list plain", "data-testid": "questions" });
  const more = h("div", { class: "pager" });
  const load = pagedLoader({
    fetchPage: (cursor) => api.get(`/products/${seg(product.product_id)}/questions`, { query: { cursor, limit: 10 }, signal }),
    into: list,
    renderItem: (question) => questionItem(question),
    more,
    label: t("More questions"),
  });
  let first;
  try {
    first = await load(null);
  } catch (error) {
    if (error.name === "AbortError") return;
    mount(section, heading, problem(error, t("Could not load the questions")));
    return;
  }
  const ask = session() ? askForm(product, (question) => { if (question.status === "published") list.prepend(questionItem(question)); }) : signInLink(t("to ask a question."));
  mount(section, heading, ask, list, first.items.length ? null : h("p", { class: "muted" }, t("No questions yet.")), more);
}

function askForm(product, onAsked) {
  const text = h("textarea", { rows: "2", maxlength: "1000", required: true });
  const send = h("button", { type: "submit", class: "button" }, t("Ask"));
  const result = h("div", { "aria-live": "polite" });
  const form = h("form", { class: "community-form ask-form" }, field(t("Your question"), text, t("Members, vendors and advisors can answer.")), h("div", { class: "actions" }, send), result);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    mount(result);
    busy(send, async () => {
      try {
        const question = await api.post(`/products/${seg(product.product_id)}/questions`, { text: text.value });
        text.value = "";
        mount(result, question.status === "published" ? h("p", { class: "ok" }, t("Your question is published.")) : statusNote(question, "question"));
        onAsked(question);
      } catch (error) {
        mount(result, problem(error, t("Your question was not saved"), { text: t("Your question") }));
      }
    }, t("Asking…"));
  });
  return form;
}

function questionItem(question) {
  const thread = h("div", { class: "answers", "aria-live": "polite" });
  const closed = question.answers ? plural(question.answers, "Show {n} answer", "Show {n} answers") : t("Answer");
  const toggle = h("button", { type: "button", class: "button button-small button-ghost", "aria-expanded": "false" }, closed);
  const note = h("div", { "aria-live": "polite" });
  toggle.addEventListener("click", () =>
    busy(toggle, async () => {
      if (toggle.getAttribute("aria-expanded") === "true") {
        toggle.setAttribute("aria-expanded", "false");
        mount(thread);
        return;
      }
      try {
        await showThread(thread, question.question_id);
        toggle.setAttribute("aria-expanded", "true");
      } catch (error) {
        mount(thread, problem(error, t("Could not load the answers")));
      }
    }, t("Loading…")).then(() => {
      toggle.textContent = toggle.getAttribute("aria-expanded") === "true" ? t("Hide answers") : closed;
    }),
  );
  const mine = session()?.userId === question.user_id;
  return h(
    "li",
    { class: "question card", "data-question": question.question_id },
    h("p", { class: "question-text" }, h("span", { class: "q-mark", "aria-hidden": "true" }, `${t("Q")} `), h("span", { class: "community-text" }, question.text)),
    h("p", { class: "muted small" }, t("Asked by "), memberLink(question.user_id), ` · ${date(question.created_at)}`, question.accepted_answer_id ? ` · ${t("answered")}` : ""),
    h("div", { class: "review-actions" }, toggle, mine ? null : reportButton("question", question.question_id, note)),
    note,
    thread,
  );
}

async function showThread(box, questionId) {
  const data = await api.get(`/questions/${seg(questionId)}`);
  const { question, answers } = data;
  const user = session();
  const asker = user?.userId === question.user_id;
  const text = h("textarea", { rows: "2", maxlength: "5000", required: true });
  const send = h("button", { type: "submit", class: "button button-small" }, t("Post answer"));
  const result = h("div", { "aria-live": "polite" });
  const form = user
    ? h("form", { class: "community-form answer-form" }, field(t("Your answer"), text), h("div", { class: "actions" }, send), result)
    : signInLink(t("to answer."));
  if (user) {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      busy(send, async () => {
        try {
          const answer = await api.post(`/questions/${seg(questionId)}/answers`, { text: text.value });
          if (answer.status === "published") await showThread(box, questionId);
          else mount(result, statusNote(answer, "answer"));
        } catch (error) {
          mount(result, problem(error, t("Your answer was not saved"), { text: t("Your answer") }));
        }
      }, t("Posting…"));
    });
  }
  mount(
    box,
    answers.length
      ? h("ul", { class: "answer-list plain" }, answers.map((answer) => answerItem(answer, { asker, onAccepted: () => showThread(box, questionId) })))
      : h("p", { class: "muted small" }, t("No answers yet.")),
    form,
  );
}

function answerItem(answer, { asker, onAccepted }) {
  const user = session();
  const note = h("div", { "aria-live": "polite" });
  const mine = user?.userId === answer.user_id;
  const accept = asker && !mine && !answer.accepted ? h("button", { type: "button", class: "button button-small" }, t("Accept this answer")) : null;
  accept?.addEventListener("click", () =>
    busy(accept, async () => {
      try {
        await api.post(`/questions/${seg(answer.question_id)}/answers/${seg(answer.answer_id)}/accept`, {});
        toast(t("Answer accepted. Thank you!"), "success");
        await onAccepted();
      } catch (error) {
        mount(note, problem(error, t("Could not accept the answer")));
      }
    }, t("Accepting…")),
  );
  return h(
    "li",
    { class: `answer${answer.accepted ? " accepted" : ""}`, "data-answer": answer.answer_id },
    h("p", { class: "small answer-meta" },
      answer.accepted ? h("span", { class: "badge badge-accepted" }, t("Accepted answer")) : null,
      roleNames()[answer.role] ? h("span", { class: `badge badge-role badge-${answer.role}` }, roleNames()[answer.role]) : null,
      memberLink(answer.user_id),
      h("span", { class: "muted" }, ` · ${date(answer.created_at)}`)),
    h("p", { class: "community-text" }, answer.text),
    h("div", { class: "review-actions" }, accept, user && !mine ? reportButton("answer", answer.answer_id, note) : null),
    note,
  );
}
