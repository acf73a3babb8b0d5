// #/feedback: tell Plein what works and what does not, or suggest a product it should offer.

import { api } from "../../api.js";
import { busy, field, h, mount } from "../../ui.js";
import { communityTabs, problem, starInput } from "./shared.js";

const TOPICS = ["Finding products", "Ordering and paying", "Delivery", "Returns", "Rewards", "Community", "Something else"];

export async function render(view) {
  mount(
    view,
    communityTabs("feedback"),
    h("h1", {}, "Feedback and suggestions"),
    h("p", { class: "muted" }, "We read everything. When we act on your feedback or suggestion, you earn points."),
    feedbackForm(),
    suggestionForm(),
  );
}

function feedbackForm() {
  const topic = h("select", {}, TOPICS.map((t) => h("option", { value: t }, t)));
  const text = h("textarea", { rows: "4", maxlength: "5000", required: true });
  const rating = starInput("How happy are you with Plein? (optional)");
  const send = h("button", { type: "submit", class: "button" }, "Send feedback");
  const result = h("div", { "aria-live": "polite" });
  const form = h(
    "form",
    { class: "card community-form", "aria-labelledby": "feedback-title" },
    h("h2", { id: "feedback-title" }, "Your feedback"),
    field("Topic", topic),
    field("What would you like to tell us?", text),
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
        mount(result, h("p", { class: "ok", role: "status" }, "Thank you! Your feedback reached us."));
      } catch (error) {
        mount(result, problem(error, "Your feedback was not sent", { topic: "Topic", text: "Your feedback", rating: "Stars" }));
      }
    }, "Sending…");
  });
  return form;
}

function suggestionForm() {
  const topic = h("input", { type: "text", maxlength: "80", required: true, autocomplete: "off" });
  const text = h("textarea", { rows: "3", maxlength: "5000", required: true });
  const url = h("input", { type: "url", maxlength: "2000", placeholder: "https://…" });
  const send = h("button", { type: "submit", class: "button" }, "Send suggestion");
  const result = h("div", { "aria-live": "polite" });
  const form = h(
    "form",
    { class: "card community-form", "aria-labelledby": "suggestion-title" },
    h("h2", { id: "suggestion-title" }, "Suggest a product"),
    field("Which product?", topic),
    field("Why should Plein offer it?", text),
    field("Where can we see it? (optional)", url, "A web address."),
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
        mount(result, h("p", { class: "ok", role: "status" }, "Thank you! Your suggestion reached us."));
      } catch (error) {
        mount(result, problem(error, "Your suggestion was not sent", { topic: "Which product", text: "Why", product_url: "Web address" }));
      }
    }, "Sending…");
  });
  return form;
}
