// #/users/<id>: a member's public profile: who they are, their contributions and badges, their
// articles and public collections; follow or stop following them.

import { api, seg } from "../../api.js";
import { session } from "../../auth.js";
import { busy, date, empty, h, loading, mount } from "../../ui.js";
import { articleCard } from "./articles.js";
import { collectionCard } from "./collections.js";
import { communityTabs, displayName, plainMessage, plural, problem, signInLink } from "./shared.js";

export async function render(view, { params, signal }) {
  mount(view, communityTabs(null), h("h1", {}, "Member"), loading());
  let profile;
  try {
    profile = await api.get(`/users/${seg(params.id)}`, { signal });
  } catch (error) {
    if (error.name === "AbortError" || error.status === 401) throw error;
    mount(view, communityTabs(null), h("h1", {}, "Member not found"), problem(error, "Could not load this profile"));
    return;
  }
  const c = profile.contributions;
  const collections = h("section", { class: "community-section", "aria-labelledby": "their-collections" }, loading());
  const articles = h("section", { class: "community-section", "aria-labelledby": "their-articles", "data-testid": "member-articles" }, loading());
  const followers = h("span", { "data-testid": "followers" }, plural(profile.followers, "follower"));
  mount(
    view,
    communityTabs(null),
    h("div", { class: "page-head" }, h("h1", {}, displayName(profile)), followBox(profile, followers)),
    h("p", { class: "muted" }, `Member since ${date(profile.joined_at)} · `, followers, ` · follows ${plural(profile.following, "member")}`),
    profile.bio ? h("p", { class: "community-text" }, profile.bio) : null,
    profile.interests.length ? h("ul", { class: "chips", "aria-label": "Interests" }, profile.interests.map((t) => h("li", { class: "chip" }, t))) : null,
    h("section", { class: "community-section", "aria-labelledby": "badges-title" },
      h("h2", { id: "badges-title" }, "Badges"),
      profile.badges.length
        ? h("ul", { class: "chips badges", "data-testid": "badges" }, profile.badges.map((b) => h("li", { class: "chip badge-earned" }, b.replaceAll("_", " "))))
        : h("p", { class: "muted" }, "No badges yet.")),
    h("section", { class: "community-section", "aria-labelledby": "contributions-title" },
      h("h2", { id: "contributions-title" }, "Contributions"),
      h("div", { class: "counts", "data-testid": "contributions" },
        [["Reviews", c.reviews], ["Answers", c.answers], ["Collections", c.collections], ["Ideas", c.ideas]].map(([label, n]) => h("div", {}, h("strong", {}, String(n)), label)))),
    articles,
    collections,
  );
  showArticles(articles, profile.user_id, signal);
  const heading = h("h2", { id: "their-collections" }, "Public collections");
  try {
    const page = await api.get(`/users/${seg(profile.user_id)}/collections`, { query: { limit: 12 }, signal });
    mount(collections, heading, page.items.length ? h("ul", { class: "collection-grid" }, page.items.map(collectionCard)) : empty("No public collections yet."));
  } catch (error) {
    if (error.name === "AbortError") return;
    mount(collections, heading, problem(error, "Could not load the collections"));
  }
}

async function showArticles(section, userId, signal) {
  const heading = h("h2", { id: "their-articles" }, "Guides and lookbooks");
  try {
    const page = await api.get(`/users/${seg(userId)}/articles`, { query: { limit: 12 }, signal });
    mount(section, heading, page.items.length ? h("ul", { class: "collection-grid article-grid" }, page.items.map(articleCard)) : empty("No articles yet."));
  } catch (error) {
    if (error.name === "AbortError") return;
    mount(section, heading, problem(error, "Could not load the articles"));
  }
}

function followBox(profile, followers) {
  const user = session();
  if (!user) return signInLink("to follow members.");
  if (user.userId === profile.user_id) return h("a", { class: "button button-ghost", href: "#/profile" }, "Edit my profile");
  const note = h("span", { class: "small", "aria-live": "polite" });
  let following = Boolean(profile.followed);
  let count = profile.followers;
  const button = h("button", { type: "button", class: "button", "data-testid": "follow" });
  const show = () => {
    button.textContent = following ? "Following ✓" : "Follow";
    button.setAttribute("aria-pressed", String(following));
    followers.textContent = plural(count, "follower");
  };
  button.addEventListener("click", () =>
    busy(button, async () => {
      mount(note);
      try {
        const path = `/users/${seg(profile.user_id)}/follow`;
        const result = following ? await api.del(path) : await api.put(path, {});
        if (result.following !== following) count += result.following ? 1 : -1;
        following = result.following;
        mount(note, following ? "You will see their new reviews and collections under Following." : "");
      } catch (error) {
        mount(note, plainMessage(error));
      }
    }, "…").then(show),
  );
  show();
  return h("div", { class: "follow-box" }, button, note);
}
