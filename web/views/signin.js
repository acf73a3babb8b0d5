// Sign in with username and password (Cognito USER_PASSWORD_AUTH); links to sign-up and password reset.

import { signIn, session } from "../auth.js";
import { errorBox, field, h, mount } from "../ui.js";
import { t } from "../i18n.js";
import { link } from "../router.js";

export async function render(view, { query, next, reason }) {
  const target = next || query.get("next") || "#/products";
  const current = session();
  const username = h("input", { name: "username", autocomplete: "username", required: true, autocapitalize: "none", spellcheck: "false" });
  const password = h("input", { name: "password", type: "password", autocomplete: "current-password", required: true });
  const problem = h("div", { "aria-live": "assertive" });
  const submit = h("button", { type: "submit", class: "button" }, t("Sign in"));
  const form = h(
    "form",
    {
      class: "card form narrow",
      "aria-labelledby": "signin-title",
      onsubmit: async (event) => {
        event.preventDefault();
        mount(problem);
        submit.disabled = true;
        submit.textContent = t("Signing in…");
        try {
          await signIn(username.value.trim(), password.value);
          location.hash = target.startsWith("#/signin") ? "#/products" : target;
        } catch (error) {
          const who = username.value.trim();
          const nextStep = {
            UserNotConfirmedException: h("a", { href: link("/confirm", { username: who }) }, t("Enter your confirmation code")),
            PasswordResetRequiredException: h("a", { href: link("/reset", { username: who }) }, t("Reset your password")),
          }[error.code];
          mount(problem, errorBox(error, { title: t("Could not sign in") }), nextStep ? h("p", {}, nextStep) : null);
          password.select();
        } finally {
          submit.disabled = false;
          submit.textContent = t("Sign in");
        }
      },
    },
    h("h1", { id: "signin-title" }, t("Sign in")),
    reason ? h("p", { class: "notice" }, reason) : null,
    query.get("confirmed") ? h("p", { class: "notice", "data-testid": "confirmed" }, t("Your e-mail is confirmed. Sign in to start.")) : null,
    current ? h("p", {}, t("You are signed in as {name}. Sign in again to switch accounts.", { name: current.username })) : null,
    field(t("Username"), username),
    field(t("Password"), password),
    problem,
    h("div", { class: "actions" }, submit, h("a", { href: "#/reset" }, t("Forgot your password?"))),
    h("p", {}, t("New to Plein? "), h("a", { href: "#/signup" }, t("Create an account"))),
    h("p", { class: "muted small" }, t("Locally the demo users shopper, vendor, advisor and admin are printed with their passwords when the runtime starts.")),
  );
  mount(view, form);
  username.focus();
}
