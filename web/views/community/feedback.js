// #/feedback: tell Plein what works and what does not, or suggest a product it should offer.

import { api } from "../../api.js";
import { busy, field, h, mount } from "../../ui.js";
import { communityTabs, problem, starInput } from "./shared.js";
import { t } from "../../i18n.js";

// The topic goes to Plein as its English name (the value); members read it in their language.
const topics = () => [
  ["Finding products", t("Finding products")],
  ["Ordering and paying", t("Ordering and paying")],
  ["Delivery", t("Delivery")],
  ["Returns", t("Returns")],
  ["Rewards", t("Rewards")],
  ["Community", t("Community")],
  ["Something else", t("Something else")],
];

export async function render(view) {
  mount(
    view,
    communityTabs("feedback"),
    h("h1", {}, t("Feedback and suggestions")),
    h("p", { class: "muted" }, t("We read everything. When we act on your feedback or suggestion, you earn points.")),
    feedbackForm(),
    suggestionForm(),
  );
}

function feedbackForm() {
  const topic = h("select", {}, topics().map(([value, label]) => h("option", { value }, label)));
  const text = h("textarea", { rows: "4", maxlength: "5000", required: true });
  const rating = starInput(t("How happy are you with Plein? (optional)"));
  const send = h("button", { type: "submit", class: "button" }, t("Send feedback"));
  const result = h("div", { "aria-live": "polite" });
  const form = h(
    "form",
    { class: "card community-form", "aria-labelledby": "feedback-title" },
    h("h2", { id: "feedback-title" }, t("Your feedback")),
    field(t("Topic"), topic),
    field(t("What would you like to tell us?"), text),
    rating,
    result,
    h("div", { class: "actions" }, send),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    mount(result);
    busy(send, async () => {
      try {
        await api.post("/feedback", { topic: topic.value, text: text.value, rating: rating.value() || null });
        form.reset();
        mount(result, h("p", { class: "ok", role: "status" }, t("Thank you! Your feedback reached us.")));
      } catch (error) {
        mount(result, problem(error, t("Your feedback was not sent"), { topic: t("Topic"), text: t("Your feedback"), rating: t("Stars") }));
      }
    }, t("Sending…"));
  });
  return form;
}

function suggestionForm() {
  const topic = h("input", { type: "text", maxlength: "80", required: true, autocomplete: "off" });
  const text = h("textarea", { rows: "3", maxlength: "5000", required: true });
  const url = h("input", { type: "url", maxlength: "2000", placeholder: "https://…" });
  const send = h("button", { type: "submit", class: "button" }, t("Send suggestion"));
  const result = h("div", { "aria-live": "polite" });
  const form = h(
    "form",
    { class: "card community-form", "aria-labelledby": "suggestion-title" },
    h("h2", { id: "suggestion-title" }, t("Suggest a product")),
    field(t("Which product?"), topic),
    field(t("Why should Plein offer it?"), text),
    field(t("Where can we see it? (optional)"), url, t("A web address.")),
    result,
    h("div", { class: "actions" }, send),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    mount(result);
    busy(send, async () => {
      try {
        await api.post("/suggestions", { topic: topic.value, text: text.value, product_url: url.value.trim() || null });
        form.reset();
        mount(result, h("p", { class: "ok", role: "status" }, t("Thank you! Your suggestion reached us.")));
      } catch (error) {
        mount(result, problem(error, t("Your suggestion was not sent"), { topic: t("Which product"), text: t("Why"), product_url: t("Web address") }));
      }
    }, t("Sending…"));
  });
  return form;
}
