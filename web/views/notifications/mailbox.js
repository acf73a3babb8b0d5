// The local mailbox (#/mailbox, local runtime only): what the emulated SES sent and SNS pushed
// (GET /local/mailbox), newest first. Links in the text are clickable; the HTML part is shown in
// a sandboxed frame (sandbox="": no scripts, no navigation, no forms).

import { config } from "../../config.js";
import { empty, h, loading, mount } from "../../ui.js";
import { t } from "../../i18n.js";

const URL_IN_TEXT = /(https?:\/\/[^\s<>"]+)/g;

function linkified(text) {
  return text.split(URL_IN_TEXT).map((part, i) => (i % 2 ? h("a", { href: part, class: "mail-link" }, part) : part));
}

function mailCard(mail) {
  const unsubscribe = mail.headers["List-Unsubscribe"];
  return h(
    "li",
    { class: "card mail", "data-testid": "mail" },
    h("p", { class: "mail-subject" }, h("strong", {}, mail.subject)),
    h("p", { class: "muted small" }, t("to {to} · from {from}", { to: mail.to.join(", "), from: mail.from })),
    unsubscribe ? h("p", { class: "muted small" }, "List-Unsubscribe: ", h("code", {}, unsubscribe)) : null,
    h("pre", { class: "mail-text" }, linkified(mail.text || "")),
    mail.html
      ? h("details", {}, h("summary", {}, t("HTML version")), h("iframe", { class: "mail-html", sandbox: "", srcdoc: mail.html, title: t("HTML of “{subject}”", { subject: mail.subject }) }))
      : null,
  );
}

export async function render(view, { signal }) {
  const title = h("h1", {}, t("Local mailbox"));
  mount(view, title, loading(t("Loading the mailbox…")));
  let box;
  try {
    const response = await fetch(`${config().api_url}/local/mailbox`, { signal, cache: "no-store" });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    box = await response.json();
  } catch (error) {
    if (error.name === "AbortError") throw error;
    mount(view, title, h("p", { class: "notice" }, t("The mailbox exists on the local runtime only (make up).")));
    return;
  }
  const reload = h("button", { type: "button", class: "button button-small button-ghost", onclick: () => window.dispatchEvent(new Event("plein:rerender")) }, t("Refresh"));
  const mails = [...box.mails].reverse();
  const pushes = [...box.pushes].reverse();
  mount(
    view,
    h("div", { class: "heading-row" }, title, reload),
    h("p", { class: "muted" }, t("{mails} e-mails and {pushes} pushes sent by the local runtime, newest first.", { mails: mails.length, pushes: pushes.length })),
    mails.length ? h("ul", { class: "mail-list" }, mails.map(mailCard)) : empty(t("No e-mail sent yet.")),
    h("h2", {}, t("Pushes")),
    pushes.length
      ? h("ul", { class: "mail-list" }, pushes.map((p) => h("li", { class: "card" }, h("p", { class: "muted small" }, p.endpoint_arn), h("pre", { class: "mail-text" }, p.message))))
      : empty(t("No push sent yet.")),
  );
}
