// The review form of a review-request e-mail (#/review/<token>): the signed link names the
// member, order and product, so no sign-in is needed; the review is verified through the
// delivered order. A thank-you says so.

import { api, seg } from "../../api.js";
import { busy, errorBox, field, h, loading, mount } from "../../ui.js";
import { starInput } from "../community/shared.js";
import { linkProblem } from "./shared.js";

export async function render(view, { params, signal }) {
  const title = h("h1", {}, "Write a review");
  mount(view, title, loading());
  const path = `/review-invitations/${seg(params.id)}`;
  let invitation;
  try {
    invitation = await api.get(path, { signal });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    mount(view, title, linkProblem(error, "This review link does not work"));
    return;
  }
  let product = null;
  try {
    product = await api.get(`/products/${seg(invitation.product_id)}`, { signal });
  } catch (error) {
    if (error.name === "AbortError") throw error;
  }
  const productLink = h("a", { href: `#/product/${seg(invitation.product_id)}`, "data-testid": "invited-product" }, product?.title || invitation.product_id);
  const intro = h("p", {}, "How do you like ", productLink, `? (order ${invitation.order_id})`);
  if (invitation.reviewed) {
    mount(view, title, intro, h("p", { class: "notice" }, "You already reviewed this product. Thank you!"));
    return;
  }
  const rating = starInput("Your rating");
  const heading = h("input", { type: "text", name: "title", maxlength: "120", required: true, autocomplete: "off" });
  const text = h("textarea", { name: "text", rows: "5", maxlength: "5000", required: true });
  const submit = h("button", { type: "submit", class: "button" }, "Publish review");
  const result = h("div", { "aria-live": "polite" });
  const form = h("form", { class: "card community-form", "aria-label": "Write a review" }, rating, field("Title", heading), field("Your review", text, "What did you like, what not?"), h("div", { class: "actions" }, submit));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    mount(result);
    if (!rating.value()) {
      mount(result, errorBox({ message: "Choose from 1 to 5 stars." }, { title: "Your rating is missing" }));
      return;
    }
    busy(submit, async () => {
      try {
        const review = await api.post(`${path}/review`, { rating: rating.value(), title: heading.value, text: text.value });
        form.remove();
        mount(
          result,
          h(
            "div",
            { class: "notice success-box", role: "status", "data-testid": "review-thanks" },
            h("p", {}, "Thank you for your review!"),
            review.verified ? h("p", {}, h("span", { class: "chip", "data-testid": "verified" }, "verified purchase"), " It shows as a verified purchase.") : null,
            review.status !== "published" ? h("p", {}, "It will appear once it has been checked.") : null,
            h("p", {}, h("a", { href: `#/product/${seg(invitation.product_id)}` }, "See it on the product page")),
          ),
        );
      } catch (error) {
        mount(result, linkProblem(error, "Could not publish your review"));
      }
    });
  });
  mount(view, title, intro, form, result);
}
