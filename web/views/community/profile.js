// #/profile: the caller's community profile: display name, bio, interests, languages and the
// newsletter (double opt-in: a confirmation e-mail follows), with a link to the public profile.

import { api, seg } from "../../api.js";
import { link } from "../../router.js";
import { busy, field, h, loading, mount, toast } from "../../ui.js";
import { communityTabs, problem } from "./shared.js";
import { t } from "../../i18n.js";

const LANGUAGES = [
  ["nl", "Nederlands"],
  ["de", "Deutsch"],
  ["en", "English"],
  ["sk", "Slovenčina"],
  ["fr", "Français"],
];

const fields = () => ({ display_name: t("Display name"), bio: t("About you"), interests: t("Interests"), languages: t("Languages") });

export async function render(view, { signal }) {
  const heading = h("h1", {}, t("My community profile"));
  mount(view, communityTabs("profile"), heading, loading());
  let profile;
  try {
    profile = await api.get("/me/profile", { signal });
  } catch (error) {
    if (error.name === "AbortError" || error.status === 401) throw error;
    mount(view, communityTabs("profile"), heading, problem(error, t("Could not load your profile")));
    return;
  }
  mount(view, communityTabs("profile"), heading, form(profile));
}

function form(profile) {
  const name = h("input", { type: "text", maxlength: "60", value: profile.display_name || "", autocomplete: "nickname" });
  const bio = h("textarea", { rows: "3", maxlength: "1000", value: profile.bio });
  const interests = h("input", { type: "text", value: profile.interests.join(", "), autocomplete: "off" });
  const languages = LANGUAGES.map(([code, label]) =>
    h("label", { class: "choice" }, h("input", { type: "checkbox", value: code, checked: profile.languages.includes(code) }), ` ${label}`),
  );
  const newsletter = h("input", { type: "checkbox", checked: profile.newsletter || profile.newsletter_pending });
  const newsletterState = h("p", { class: "hint" }, newsletterText(profile));
  const result = h("div", { "aria-live": "polite" });
  const save = h("button", { type: "submit", class: "button" }, t("Save profile"));
  const element = h(
    "form",
    { class: "card community-form profile-form", "aria-label": t("Your profile") },
    h("p", {}, h("a", { href: link(`/users/${seg(profile.user_id)}`) }, t("See your public profile"))),
    field(t("Display name"), name, t("How other members see you. Leave it empty to stay “A Plein member”.")),
    field(t("About you"), bio),
    field(t("Interests"), interests, t("Words separated by commas, for example: coffee, hiking, design.")),
    h("fieldset", { class: "choices" }, h("legend", {}, t("Languages you speak")), languages),
    h("div", { class: "field" }, h("label", { class: "choice" }, newsletter, ` ${t("Send me the Plein newsletter")}`), newsletterState, h("p", { class: "small" }, h("a", { href: "#/newsletter" }, t("Newsletter settings")))),
    profile.badges.length ? h("p", {}, t("Your badges: "), profile.badges.map((b) => h("span", { class: "chip" }, b))) : null,
    result,
    h("div", { class: "actions" }, save),
  );
  element.addEventListener("submit", (event) => {
    event.preventDefault();
    mount(result);
    const body = {
      display_name: name.value.trim() || null,
      bio: bio.value,
      interests: interests.value.split(",").map((s) => s.trim()).filter(Boolean),
      languages: languages.map((l) => l.querySelector("input")).filter((i) => i.checked).map((i) => i.value),
      newsletter: newsletter.checked,
    };
    busy(save, async () => {
      try {
        const saved = await api.put("/me/profile", body);
        newsletterState.textContent = newsletterText(saved);
        mount(result, h("p", { class: "ok", role: "status" }, t("Your profile is saved.")));
        toast(t("Profile saved."), "success");
      } catch (error) {
        mount(result, problem(error, t("Your profile was not saved"), fields()));
      }
    }, t("Saving…"));
  });
  return element;
}

function newsletterText(profile) {
  if (profile.newsletter) return t("You receive the newsletter.");
  if (profile.newsletter_pending) return t("Almost done: open the link in the e-mail we sent you to confirm.");
  return t("We send a confirmation e-mail first; you can stop any time.");
}
