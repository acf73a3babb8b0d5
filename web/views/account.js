// Accounts without an admin: #/signup (create one), #/confirm?username= (the code Cognito e-mailed),
// #/reset?username= (a new password with an e-mailed code). All three talk to the Cognito user pool
// straight from the browser (auth.js), as sign-in does.

import { confirmSignUp, forgotPassword, resendCode, resetPassword, signIn, signUp } from "../auth.js";
import { config } from "../config.js";
import { busy, errorBox, field, h, mount, toast } from "../ui.js";
import { t } from "../i18n.js";
import { currentRoute, link, navigate } from "../router.js";

const passwordHint = () => t("At least 10 characters, with upper and lower case letters, a digit and a symbol.");
const USERNAME_PATTERN = "[A-Za-z0-9._-]{3,64}";

/** Kept in memory only, so that confirming right after signing up signs the new member in. */
let justSignedUp = null;

export async function render(view, { query, signal }) {
  const { path } = currentRoute();
  if (path === "/signup") return signUpForm(view);
  if (path === "/confirm") return confirmForm(view, query, signal);
  return resetForm(view, query);
}

function usernameInput(value = "") {
  return h("input", {
    name: "username",
    autocomplete: "username",
    required: true,
    autocapitalize: "none",
    spellcheck: "false",
    pattern: USERNAME_PATTERN,
    value,
  });
}

function newPasswordInput() {
  return h("input", { name: "password", type: "password", autocomplete: "new-password", required: true, minlength: 10 });
}

function codeInput() {
  return h("input", { name: "code", inputmode: "numeric", autocomplete: "one-time-code", required: true, pattern: "\\s*\\d{6}\\s*", maxlength: 12 });
}

/** A form that shows what went wrong inside itself and keeps the button busy while `submit` runs. */
function accountForm(title, submitLabel, fields, submit, ...after) {
  const problem = h("div", { "aria-live": "assertive" });
  const button = h("button", { type: "submit", class: "button" }, submitLabel);
  const id = `account-${Math.random().toString(36).slice(2, 8)}`;
  return h(
    "form",
    {
      class: "card form narrow",
      "aria-labelledby": id,
      onsubmit: async (event) => {
        event.preventDefault();
        mount(problem);
        try {
          await busy(button, submit, t("One moment…"));
        } catch (error) {
          mount(problem, errorBox(error, { title: t("That did not work") }));
        }
      },
    },
    h("h1", { id }, title),
    fields,
    problem,
    h("div", { class: "actions" }, button),
    after,
  );
}

function signUpForm(view) {
  const username = usernameInput();
  const email = h("input", { name: "email", type: "email", autocomplete: "email", required: true });
  const password = newPasswordInput();
  mount(
    view,
    accountForm(
      t("Create your account"),
      t("Create account"),
      [
        field(t("Username"), username, t("3 to 64 letters, digits, dots, dashes or underscores; others see it on your reviews.")),
        field(t("E-mail"), email, t("We send a code to confirm it.")),
        field(t("Password"), password, passwordHint()),
      ],
      async () => {
        const name = username.value.trim();
        const sent = await signUp(name, email.value.trim(), password.value);
        justSignedUp = { username: name, password: password.value };
        navigate("/confirm", { username: name, sent: sent.destination });
      },
      h("p", { class: "muted small" }, t("Already have an account? "), h("a", { href: "#/signin" }, t("Sign in"))),
    ),
  );
  username.focus();
}

async function confirmForm(view, query, signal) {
  const name = query.get("username") || "";
  const username = usernameInput(name);
  const code = codeInput();
  const sent = query.get("sent");
  const resend = h("button", { type: "button", class: "button button-ghost button-small" }, t("Send a new code"));
  resend.addEventListener("click", async () => {
    try {
      const where = await busy(resend, () => resendCode(username.value.trim()), t("Sending…"));
      toast(where ? t("A new code is on its way to {where}.", { where }) : t("A new code is on its way."));
    } catch (error) {
      toast(error.message, "error");
    }
  });
  const mailbox = h("p", { class: "muted small" });
  mount(
    view,
    accountForm(
      t("Confirm your e-mail"),
      t("Confirm"),
      [
        h("p", {}, sent ? t("We e-mailed a six-digit code to {where}.", { where: sent }) : t("Enter the six-digit code we e-mailed you.")),
        name ? null : field(t("Username"), username),
        field(t("Code"), code),
      ],
      async () => {
        const who = username.value.trim();
        await confirmSignUp(who, code.value.trim());
        const pending = justSignedUp?.username === who ? justSignedUp : null;
        justSignedUp = null;
        if (pending) {
          await signIn(pending.username, pending.password);
          toast(t("Welcome to Plein! Your account is ready."));
          navigate("/products");
        } else {
          navigate("/signin", { confirmed: "1" });
        }
      },
      h("div", { class: "actions" }, h("span", { class: "muted small" }, t("No e-mail after a few minutes? Check your spam folder, or")), resend),
      mailbox,
    ),
  );
  (name ? code : username).focus();
  showLocalMailbox(mailbox, signal);
}

function resetForm(view, query) {
  const username = usernameInput(query.get("username") || "");
  const steps = h("div");
  const askForCode = accountForm(
    t("Reset your password"),
    t("E-mail me a code"),
    [h("p", {}, t("Enter your username or e-mail address; we e-mail you a code to choose a new password.")), field(t("Username or e-mail"), username)],
    async () => {
      const who = username.value.trim();
      const where = await forgotPassword(who);
      mount(steps, newPasswordForm(who, where));
      steps.querySelector("input")?.focus();
    },
    h("p", { class: "muted small" }, h("a", { href: "#/signin" }, t("Back to sign in"))),
  );
  mount(steps, askForCode);
  mount(view, steps);
  username.focus();
}

function newPasswordForm(username, where) {
  const code = codeInput();
  const password = newPasswordInput();
  return accountForm(
    t("Choose a new password"),
    t("Set new password"),
    [
      h("p", {}, where ? t("If {name} has an account, a code is on its way to {where}.", { name: username, where }) : t("If {name} has an account, a code is on its way.", { name: username })),
      field(t("Code"), code),
      field(t("New password"), password, passwordHint()),
    ],
    async () => {
      await resetPassword(username, code.value.trim(), password.value);
      await signIn(username, password.value);
      toast(t("Your new password is set, and you are signed in."));
      navigate("/products");
    },
    h("p", { class: "muted small" }, h("a", { href: link("/reset", { username }) }, t("Start over"))),
  );
}

/** On the local runtime Cognito's codes land in the local mailbox: point there. */
async function showLocalMailbox(into, signal) {
  try {
    const response = await fetch(`${config().api_url}/local/mailbox`, { method: "GET", signal, cache: "no-store" });
    if (response.ok) mount(into, t("Local runtime: the code is in the "), h("a", { href: "#/mailbox", target: "_blank" }, t("local mailbox")), ".");
  } catch {
    // not the local runtime
  }
}
