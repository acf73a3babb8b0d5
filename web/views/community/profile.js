// #/profile: the caller's community profile: display name, bio, interests, languages and the
// newsletter (double opt-in: a confirmation e-mail follows), with a link to the public profile.

import { api, seg } from "../../api.js";
import { link } from "../../router.js";
import { busy, field, h, loading, mount, toast } from "../../ui.js";
import { communityTabs, problem } from "./shared.js";

const LANGUAGES = [
  ["nl", "Nederlands"],
  ["de", "Deutsch"],
  ["en", "English"],
  ["sk", "Slovenčina"],
  ["fr", "Français"],
];

const FIELDS = { display_name: "Display name", bio: "About you", interests: "Interests", languages: "Languages" };

export async function render(view, { signal }) {
  const heading = h("h1", {}, "My community profile");
  mount(view, communityTabs("profile"), heading, loading());
  let profile;
  try {
    profile = await api.get("/me/profile", { signal });
  } catch (error) {
    if (error.name === "AbortError" || error.status === 401) throw error;
    mount(view, communityTabs("profile"), heading, problem(error, "Could not load your profile"));
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
  const save = h("button", { type: "submit", class: "button" }, "Save profile");
  const element = h(
    "form",
    { class: "card community-form profile-form", "aria-label": "Your profile" },
    h("p", {}, h("a", { href: link(`/users/${seg(profile.user_id)}`) }, "See your public profile")),
    field("Display name", name, "How other members see you. Leave it empty to stay “A Plein member”."),
    field("About you", bio),
    field("Interests", interests, "Words separated by commas, for example: coffee, hiking, design."),
    h("fieldset", { class: "choices" }, h("legend", {}, "Languages you speak"), languages),
    h("div", { class: "field" }, h("label", { class: "choice" }, newsletter, " Send me the Plein newsletter"), newsletterState, h("p", { class: "small" }, h("a", { href: "#/newsletter" }, "Newsletter settings"))),
    profile.badges.length ? h("p", {}, "Your badges: ", profile.badges.map((b) => h("span", { class: "chip" }, b))) : null,
    result,
    h("div", { class: "actions" }, save),
  );
  element.addEventListener("submit", (event) => {
    event.preventDefault();
    mount(result);
    const body = {
      display_name: name.value.trim() || null,
      bio: bio.value,
      interests: interests.value.split(",").map((t) => t.trim()).filter(Boolean),
      languages: languages.map((l) => l.querySelector("input")).filter((i) => i.checked).map((i) => i.value),
      newsletter: newsletter.checked,
    };
    busy(save, async () => {
      try {
        const saved = await api.put("/me/profile", body);
        newsletterState.textContent = newsletterText(saved);
        mount(result, h("p", { class: "ok", role: "status" }, "Your profile is saved."));
        toast("Profile saved.", "success");
      } catch (error) {
        mount(result, problem(error, "Your profile was not saved", FIELDS));
      }
    }, "Saving…");
  });
  return element;
}

function newsletterText(profile) {
  if (profile.newsletter) return "You receive the newsletter.";
  if (profile.newsletter_pending) return "Almost done: open the link in the e-mail we sent you to confirm.";
  return "We send a confirmation e-mail first; you can stop any time.";
}
