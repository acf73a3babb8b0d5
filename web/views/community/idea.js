// #/ideas/<id>: one product idea: description, pictures, supporters towards the next milestone,
// support or withdraw it (once per member), the decision once there is one, share it.

import { api, seg } from "../../api.js";
import { session } from "../../auth.js";
import { busy, date, errorBox, h, loading, mount } from "../../ui.js";
import { decision, milestoneProgress, stateName } from "./ideas.js";
import { communityTabs, memberLink, plainMessage, problem, shareButton, signInLink } from "./shared.js";

export async function render(view, { params, signal }) {
  mount(view, communityTabs("ideas"), h("h1", {}, "Idea"), loading("Loading the idea…"));
  let idea;
  try {
    idea = await api.get(`/ideas/${seg(params.id)}`, { signal });
  } catch (error) {
    if (error.name === "AbortError" || error.status === 401) throw error;
    mount(view, communityTabs("ideas"), h("h1", {}, error.status === 404 ? "Idea not found" : "Idea"), problem(error, "Could not load the idea"));
    return;
  }
  const progress = h("div", { "data-testid": "idea-progress" }, milestoneProgress(idea));
  const open = idea.state === "open" || idea.state === "in_review";
  mount(
    view,
    communityTabs("ideas"),
    h("div", { class: "page-head" }, h("h1", {}, idea.title), shareButton("idea", idea.idea_id)),
    h("p", { class: "muted" }, h("span", { class: `badge badge-${idea.state.replaceAll("_", "-")}` }, stateName(idea.state)), " Proposed by ", memberLink(idea.author_id), ` · ${date(idea.created_at)}`,
      idea.state === "open" ? ` · open until ${date(idea.deadline)} unless it reaches its next milestone` : ""),
    h("p", { class: "community-text" }, idea.description),
    idea.images.length ? h("ul", { class: "review-photos", "aria-label": "Pictures" }, idea.images.map((src, i) => h("li", {}, h("img", { src, alt: `Picture ${i + 1} of the idea`, loading: "lazy" })))) : null,
    idea.state === "in_review" ? h("p", { class: "notice" }, "This idea reached its last milestone and is being reviewed.") : null,
    decision(idea),
    progress,
    open ? supportBox(idea, progress, signal) : null,
  );
}

function supportBox(idea, progress, signal) {
  if (!session()) return signInLink("to support this idea.");
  if (session().userId === idea.author_id) return h("p", { class: "muted" }, "This is your idea: share it to find supporters.");
  const note = h("div", { "aria-live": "polite" });
  const button = h("button", { type: "button", class: "button", "aria-pressed": "false", "data-testid": "support" }, "Support this idea");
  let supported = false;
  const show = () => {
    button.setAttribute("aria-pressed", String(supported));
    button.textContent = supported ? "✓ You support this idea" : "Support this idea";
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
        mount(note, h("p", { class: "small muted" }, supported ? "Thanks for your support! Press again to withdraw it." : "Your support is withdrawn."));
      } catch (error) {
        mount(note, errorBox({ message: plainMessage(error) }));
      }
    }, "Saving…").then(show),
  );
  show();
  return h("div", { class: "support-box" }, button, note);
}
