// The newsletter: the double opt-in's confirmation page (#/newsletter/confirm/{token}, the link of
// the confirmation e-mail; public, the signed link is the authentication) and the member's own
// subscription (#/newsletter: status, the consent as given, unsubscribe).
//
// Confirming records the consent with the exact wording shown (POST /newsletter/confirm/{token});
// the answer's `profile_confirm_url` is the community's own confirmation link, which the page then
// opens so the community profile shows the subscription as well.

import { api, seg } from "../api.js";
import { busy, date, empty, errorBox, h, loading, mount, toast } from "../ui.js";
import { t } from "../i18n.js";

// functions, not constants: the words follow the interface language, loaded after the import
const statusTexts = () => ({
  none: t("You do not receive the newsletter."),
  pending: t("Almost done: open the link in the e-mail we sent you to confirm."),
  subscribed: t("You receive the newsletter."),
  unsubscribed: t("You unsubscribed from the newsletter."),
});

export async function render(view, { params, signal }) {
  if (params.id) return renderConfirmation(view, params.id, signal);
  return renderSettings(view, signal);
}

// ---------------------------------------------------------------- confirmation page

const linkProblems = () => ({
  link_not_found: t("This confirmation link is not valid. Tick the newsletter in your profile again to get a new one."),
  link_expired: t("This confirmation link has expired. Tick the newsletter in your profile again to get a new one."),
  link_used: t("This link was used already. Tick the newsletter in your profile again to get a new one."),
});

function linkProblem(error, title) {
  const known = linkProblems()[error?.code];
  return known ? h("div", { class: "error", role: "alert" }, h("p", { class: "error-title" }, known)) : errorBox(error, { title });
}

async function renderConfirmation(view, token, signal) {
  const title = h("h1", {}, t("Confirm the newsletter"));
  mount(view, title, loading(t("Loading…")));
  let shown;
  try {
    shown = await api.get(`/newsletter/confirm/${seg(token)}`, { signal });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    mount(view, title, linkProblem(error, t("This link cannot be opened")));
    return;
  }
  const interests = shown.interests.map((name) =>
    h("label", { class: "choice" }, h("input", { type: "checkbox", value: name }), ` ${name}`),
  );
  const result = h("div", { "aria-live": "polite", "data-testid": "newsletter-result" });
  const confirm = h("button", { type: "submit", class: "button" }, t("Yes, subscribe me"));
  const form = h(
    "form",
    { class: "card newsletter-card", "aria-label": t("Confirm the newsletter") },
    shown.email ? h("p", {}, t("For "), h("strong", {}, shown.email)) : null,
    h("blockquote", { class: "newsletter-wording", lang: shown.language, "data-testid": "newsletter-wording" }, shown.wording),
    h("fieldset", { class: "choices" }, h("legend", {}, t("What interests you? (optional)")), interests),
    result,
    h("div", { class: "actions" }, confirm),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const body = {
      wording_id: shown.wording_id,
      interests: interests.map((l) => l.querySelector("input")).filter((i) => i.checked).map((i) => i.value),
    };
    busy(confirm, async () => {
      let done;
      try {
        done = await api.post(`/newsletter/confirm/${seg(token)}`, body);
      } catch (error) {
        mount(result, linkProblem(error, t("The newsletter was not confirmed")));
        return;
      }
      const profileNote = await confirmProfile(done.profile_confirm_url);
      mount(
        form,
        h("p", { class: "ok", role: "status", "data-testid": "newsletter-confirmed" }, t("Thank you: you are subscribed to the newsletter.")),
        done.consent ? h("p", { class: "muted small" }, t("Recorded on {date}.", { date: date(done.consent.at) })) : null,
        profileNote,
        h("p", {}, h("a", { href: "#/newsletter" }, t("Your newsletter settings"))),
      );
      toast(t("Subscribed to the newsletter."), "success");
    }, t("Confirming…"));
  });
  mount(view, title, h("p", { class: "lead" }, t("Please confirm that you want to receive the Plein newsletter.")), form);
}

/** Open the community's confirmation link (so the profile shows the subscription). The link names
 * the API it was made on; only its path and query are used, on the API this page talks to, and
 * only when it is the community's confirmation route. */
async function confirmProfile(link) {
  if (!link) return null;
  let target;
  try {
    target = new URL(link);
  } catch {
    return null;
  }
  if (target.pathname !== "/newsletter/confirm") return null;
  try {
    await api.get(target.pathname, { query: Object.fromEntries(target.searchParams) });
    return null;
  } catch (error) {
    // A used community link (the page reloaded) changes nothing: the subscription stands.
    if (error.code === "token_not_found") return null;
    return h("p", { class: "hint" }, t("Your profile may take a moment to show the subscription."));
  }
}

// ---------------------------------------------------------------- the member's settings

async function renderSettings(view, signal) {
  const title = h("h1", {}, t("Newsletter"));
  const section = h("section", { class: "card newsletter-card", "aria-labelledby": "newsletter-title" });
  mount(view, title, section);
  await newsletterBlock(section, signal);
}

/** The member's newsletter status with an unsubscribe button; usable inside other pages. */
export async function newsletterBlock(section, signal) {
  const heading = h("h2", { id: "newsletter-title" }, t("Your subscription"));
  mount(section, heading, loading(t("Loading…")));
  let current;
  try {
    current = await api.get("/me/newsletter", { signal });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    mount(section, heading, errorBox(error, { title: t("Could not load your newsletter settings") }));
    return;
  }
  const show = (state) => {
    const status = h("p", { "data-testid": "newsletter-status", "data-status": state.status }, statusTexts()[state.status] || state.status);
    const parts = [heading, status];
    if (state.email && state.status === "subscribed") parts.push(h("p", { class: "muted" }, t("Sent to "), h("strong", {}, state.email)));
    if (state.consent) {
      parts.push(
        h(
          "details",
          {},
          h("summary", {}, t("You agreed on {date}", { date: date(state.consent.at) })),
          h("blockquote", { class: "newsletter-wording", lang: state.consent.language }, state.consent.wording),
        ),
      );
    }
    if (state.interests.length) parts.push(h("p", {}, t("Interests: "), state.interests.map((i) => h("span", { class: "chip" }, i))));
    if (state.unsubscribed_at && state.status === "unsubscribed") parts.push(h("p", { class: "muted small" }, t("Unsubscribed on {date}.", { date: date(state.unsubscribed_at) })));
    if (state.status === "subscribed" || state.status === "pending") {
      const stop = h("button", { type: "button", class: "button button-ghost" }, t("Unsubscribe"));
      const problem = h("div", { "aria-live": "polite" });
      stop.addEventListener("click", () =>
        busy(stop, async () => {
          try {
            show(await api.del("/me/newsletter"));
            toast(t("You will not receive the newsletter any more."), "success");
          } catch (error) {
            mount(problem, errorBox(error, { title: t("You were not unsubscribed") }));
          }
        }, t("Unsubscribing…")),
      );
      parts.push(problem, h("div", { class: "actions" }, stop));
    } else {
      parts.push(empty(t("To subscribe, tick the newsletter in your profile; we send you a confirmation e-mail."), h("a", { class: "button button-ghost", href: "#/profile" }, t("Go to your profile"))));
    }
    mount(section, ...parts);
  };
  show(current);
}
