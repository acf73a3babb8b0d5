// "Ask an advisor" on the product page: the shopper asks by chat or video in a language of their
// choice, waits while the question is routed, talks with the matched advisor, ends, and rates the
// session (1–5, optional NPS 0–10, feedback) over REST.

import { AdviceSocket, adviceAvailable } from "../advice_socket.js";
import { api, seg } from "../api.js";
import { session } from "../auth.js";
import { link } from "../router.js";
import { busy, errorBox, field, h, loading, mount } from "../ui.js";
import { plural, t } from "../i18n.js";
import { refusal, sessionPanel } from "./advice_session.js";

// Each language by its own name (not translated).
const LANGUAGES = { nl: "Nederlands", en: "English", de: "Deutsch", fr: "Français" };
// Built when asked (not at import), so that the texts are in the chosen language.
const noAdvisor = () => ({
  no_program: t("Nobody gives advice on this product yet."),
  nobody_available: t("No advisor is available right now. Please try again later."),
});

/** The "Ask an advisor" section for `product`; its socket closes when `signal` aborts. */
export function askAdvisor(product, { signal }) {
  const body = h("div", { class: "advice-body" });
  const section = h(
    "section",
    { class: "card advice-ask", "aria-labelledby": "advice-title" },
    h("h2", { id: "advice-title" }, t("Ask an advisor")),
    h("p", { class: "muted" }, t("Get live advice on this product from a shopper who knows it, by chat or video.")),
    body,
  );
  if (!adviceAvailable()) {
    mount(body, h("p", { class: "muted" }, t("Live advice is not available on this site yet.")));
    return section;
  }
  if (!session()) {
    mount(body, h("p", {}, h("a", { href: link("/signin", { next: location.hash }) }, t("Sign in")), ` ${t("to ask an advisor.")}`));
    return section;
  }
  const socket = new AdviceSocket();
  signal.addEventListener("abort", () => socket.close(), { once: true });
  showForm(body, socket, product);
  return section;
}

function showForm(body, socket, product, previous = {}) {
  const mode = (value, label) =>
    h("label", { class: "advice-choice" }, h("input", { type: "radio", name: "advice-mode", value, checked: (previous.mode || "chat") === value }), label);
  const language = h(
    "select",
    {},
    Object.entries(LANGUAGES).map(([code, name]) => h("option", { value: code, selected: code === (previous.language || "nl") }, name)),
  );
  const question = h("textarea", { rows: "3", minlength: "2", maxlength: "2000", required: true, placeholder: t("For example: is this good for a small kitchen?") });
  const ask = h("button", { type: "submit", class: "button" }, t("Ask an advisor"));
  const problem = h("div", { "aria-live": "polite" });
  const form = h(
    "form",
    { class: "advice-form" },
    h("fieldset", { class: "advice-modes" }, h("legend", {}, t("How do you want to talk?")), mode("chat", t("Chat")), mode("video", t("Video call"))),
    field(t("Language"), language),
    field(t("Your question"), question),
    problem,
    h("div", { class: "actions" }, ask),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = question.value.trim();
    if (text.length < 2) {
      mount(problem, h("p", { class: "field-error" }, t("Please type your question.")));
      return;
    }
    const request = {
      mode: form.querySelector('input[name="advice-mode"]:checked').value,
      language: language.value,
      question: text,
    };
    wait(body, socket, product, request);
  });
  mount(body, form);
}

function wait(body, socket, product, request) {
  const status = h("div", { class: "advice-status", role: "status", "data-testid": "advice-status" }, loading(t("Looking for an advisor who knows this product…")));
  mount(body, status);
  const stop = [];
  const done = () => stop.splice(0).forEach((unsubscribe) => unsubscribe());
  const again = () => h("button", { type: "button", class: "button button-ghost", onclick: () => showForm(body, socket, product, request) }, t("Ask again"));
  let requestId = null;

  stop.push(
    socket.on("queued", (frame) => {
      requestId = frame.request_id;
    }),
    socket.on("no_advisor", (frame) => {
      if (requestId && frame.request_id !== requestId) return;
      done();
      const words = noAdvisor();
      mount(status, h("p", {}, words[frame.reason] || words.nobody_available), again());
    }),
    socket.on("matched", (frame) => {
      if (requestId && frame.request_id !== requestId) return;
      done();
      talk(body, socket, product, request, frame);
    }),
    socket.on("error", (frame) => {
      if (frame.action !== "request") return;
      done();
      mount(status, h("p", { class: "error", role: "alert" }, refusal(frame)), again());
    }),
    socket.on("connection", (frame) => {
      if (frame.state === "lost" && !requestId) mount(status, loading(t("The connection dropped; trying again…")));
    }),
  );
  const category = product.category?.length ? product.category.join(" > ") : null;
  socket.send("request", {
    product_id: product.product_id,
    question: request.question,
    language: request.language,
    mode: request.mode,
    product: { title: product.title, category, brand: product.brand || null },
  });
}

function talk(body, socket, product, request, matched) {
  const panel = sessionPanel({
    socket,
    matched,
    onEnded: (frame) => {
      const who = frame.by && frame.by === matched.peer?.user_id ? t("{name} ended the session.", { name: matched.peer.name }) : t("The session has ended.");
      const rating = h("div", { class: "advice-after" });
      section.append(rating);
      rate(rating, matched, who, () => {
        panel.destroy();
        showForm(body, socket, product, request);
      });
    },
  });
  const section = h("div", {}, panel.el);
  mount(body, section);
}

function rate(box, matched, endedText, askAgain) {
  const stars = h(
    "fieldset",
    { class: "advice-stars" },
    h("legend", {}, t("How helpful was this advice?")),
    [1, 2, 3, 4, 5].map((n) =>
      h("label", { class: "advice-choice" }, h("input", { type: "radio", name: "advice-csat", value: String(n), required: true }), plural(n, "{n} star", "{n} stars")),
    ),
  );
  const nps = h(
    "select",
    {},
    h("option", { value: "" }, t("Rather not say")),
    Array.from({ length: 11 }, (_, n) => h("option", { value: String(n) }, String(n))),
  );
  const feedback = h("textarea", { rows: "3", maxlength: "2000", placeholder: t("What did you like, what could be better?") });
  const save = h("button", { type: "submit", class: "button" }, t("Send rating"));
  const problem = h("div", { "aria-live": "polite" });
  const idempotencyKey = crypto.randomUUID();
  const form = h(
    "form",
    { class: "advice-rating" },
    h("p", { class: "advice-ended", "data-testid": "advice-ended" }, endedText),
    stars,
    field(t("How likely are you to recommend Plein's advisors to a friend? (0 = not at all, 10 = very likely)"), nps),
    field(t("Anything you want to tell us? (optional)"), feedback),
    problem,
    h("div", { class: "actions" }, save),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const chosen = form.querySelector('input[name="advice-csat"]:checked');
    if (!chosen) {
      mount(problem, h("p", { class: "field-error" }, t("Please choose 1 to 5 stars.")));
      return;
    }
    const rating = { csat: Number(chosen.value) };
    if (nps.value !== "") rating.nps = Number(nps.value);
    if (feedback.value.trim()) rating.feedback = feedback.value.trim();
    busy(save, async () => {
      try {
        await api.post(`/advice/sessions/${seg(matched.session_id)}/rating`, rating, { headers: { "Idempotency-Key": idempotencyKey } });
        mount(box, h("p", { class: "notice success-box", "data-testid": "advice-rated" }, t("Thank you! Your rating helps other shoppers find good advice.")), h("button", { type: "button", class: "button button-ghost", onclick: askAgain }, t("Ask another question")));
      } catch (error) {
        mount(problem, errorBox(error, { title: error.code === "already_rated" ? t("You already rated this session.") : t("Could not send your rating") }));
      }
    }, t("Sending…"));
  });
  mount(box, form);
}
