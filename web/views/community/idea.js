// #/ideas/<id>: one product idea: description, pictures, supporters towards the next milestone,
// support or withdraw it (once per member), the decision once there is one, share it.

import { api, seg } from "../../api.js";
import { session } from "../../auth.js";
import { busy, date, errorBox, h, loading, mount } from "../../ui.js";
import { decision, milestoneProgress, stateName } from "./ideas.js";
import { communityTabs, memberLink, plainMessage, problem, shareButton, signInLink } from "./shared.js";
import { t } from "../../i18n.js";

export async function render(view, { params, signal }) {
  mount(view, communityTabs("ideas"), h("h1", {}, t("Idea")), loading(t("Loading the idea…")));
  let idea;
  try {
    idea = await api.get(`/ideas/${seg(params.id)}`, { signal });
  } catch (error) {
    if (error.name === "AbortError" || error.status === 401) throw error;
    mount(view, communityTabs("ideas"), h("h1", {}, error.status === 404 ? t("Idea not found") : t("Idea")), problem(error, t("Could not load the idea")));
    return;
  }
  const progress = h("div", { "data-testid": "idea-progress" }, milestoneProgress(idea));
  const open = idea.state === "open" || idea.state === "in_review";
  mount(
    view,
    communityTabs("ideas"),
    h("div", { class: "page-head" }, h("h1", {}, idea.title), shareButton("idea", idea.idea_id)),
    h("p", { class: "muted" }, h("span", { class: `badge badge-${idea.state.replaceAll("_", "-")}` }, stateName(idea.state)), ` ${t("Proposed by ")}`, memberLink(idea.author_id), ` · ${date(idea.created_at)}`,
      idea.state === "open" ? ` · ${t("open until {date} unless it reaches its next milestone", { date: date(idea.deadline) })}` : ""),
    h("p", { class: "community-text" }, idea.description),
    idea.images.length ? h("ul", { class: "review-photos", "aria-label": t("Pictures") }, idea.images.map((src, i) => h("li", {}, h("img", { src, alt: t("Picture {n} of the idea", { n: i + 1 }), loading: "lazy" })))) : null,
    idea.state === "in_review" ? h("p", { class: "notice" }, t("This idea reached its last milestone and is being reviewed.")) : null,
    decision(idea),
    progress,
    open ? supportBox(idea, progress, signal) : null,
  );
}

function supportBox(idea, progress, signal) {
  if (!session()) return signInLink(t("to support this idea."));
  if (session().userId === idea.author_id) return h("p", { class: "muted" }, t("This is your idea: share it to find supporters."));
  const note = h("div", { "aria-live": "polite" });
  const button = h("button", { type: "button", class: "button", "aria-pressed": "false", "data-testid": "support" }, t("Support this idea"));
  let supported = false;
  const show = () => {
    button.setAttribute("aria-pressed", String(supported));
    button.textContent = supported ? t("✓ You support this idea") : t("Support this idea");
  };
  api.get(`/ideas/${seg(idea.idea_id)}/support`, { signal }).then((s) => { supported = s.supported; show(); }).catch(() => {});
  button.addEventListener("click", () =>
    busy(button, async () => {
      mount(note);
      try {
        const path = `/ideas/${seg(idea.idea_id)}/support`;
        const result = supported ? await api.del(path) : await api.put(path, {});
        supported = result.supported;
        const fresh = await api.get(`/ideas/${seg(idea.idea_id)}`).catch(() => ({ ...idea, supporters: result.supporters }));
        mount(progress, milestoneProgress(fresh));
        mount(note, h("p", { class: "small muted" }, supported ? t("Thanks for your support! Press again to withdraw it.") : t("Your support is withdrawn.")));
      } catch (error) {
        mount(note, errorBox({ message: plainMessage(error) }));
      }
    }, t("Saving…")).then(show),
  );
  show();
  return h("div", { class: "support-box" }, button, note);
}
