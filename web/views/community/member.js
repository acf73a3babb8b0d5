// #/users/<id>: a member's public profile: who they are, their contributions and badges, their
// articles and public collections; follow or stop following them.

import { api, seg } from "../../api.js";
import { session } from "../../auth.js";
import { busy, date, empty, h, loading, mount } from "../../ui.js";
import { articleCard } from "./articles.js";
import { collectionCard } from "./collections.js";
import { communityTabs, displayName, plainMessage, problem, signInLink } from "./shared.js";
import { plural, t } from "../../i18n.js";

export async function render(view, { params, signal }) {
  mount(view, communityTabs(null), h("h1", {}, t("Member")), loading());
  let profile;
  try {
    profile = await api.get(`/users/${seg(params.id)}`, { signal });
  } catch (error) {
    if (error.name === "AbortError" || error.status === 401) throw error;
    mount(view, communityTabs(null), h("h1", {}, t("Member not found")), problem(error, t("Could not load this profile")));
    return;
  }
  const c = profile.contributions;
  const collections = h("section", { class: "community-section", "aria-labelledby": "their-collections" }, loading());
  const articles = h("section", { class: "community-section", "aria-labelledby": "their-articles", "data-testid": "member-articles" }, loading());
  const followers = h("span", { "data-testid": "followers" }, plural(profile.followers, "{n} follower", "{n} followers"));
  mount(
    view,
    communityTabs(null),
    h("div", { class: "page-head" }, h("h1", {}, displayName(profile)), followBox(profile, followers)),
    h("p", { class: "muted" }, `${t("Member since {date}", { date: date(profile.joined_at) })} · `, followers, ` · ${plural(profile.following, "follows {n} member", "follows {n} members")}`),
    profile.bio ? h("p", { class: "community-text" }, profile.bio) : null,
    profile.interests.length ? h("ul", { class: "chips", "aria-label": t("Interests") }, profile.interests.map((interest) => h("li", { class: "chip" }, interest))) : null,
    h("section", { class: "community-section", "aria-labelledby": "badges-title" },
      h("h2", { id: "badges-title" }, t("Badges")),
      profile.badges.length
        ? h("ul", { class: "chips badges", "data-testid": "badges" }, profile.badges.map((b) => h("li", { class: "chip badge-earned" }, b.replaceAll("_", " "))))
        : h("p", { class: "muted" }, t("No badges yet."))),
    h("section", { class: "community-section", "aria-labelledby": "contributions-title" },
      h("h2", { id: "contributions-title" }, t("Contributions")),
      h("div", { class: "counts", "data-testid": "contributions" },
        [[t("Reviews"), c.reviews], [t("Answers"), c.answers], [t("Collections"), c.collections], [t("Ideas"), c.ideas]].map(([label, n]) => h("div", {}, h("strong", {}, String(n)), label)))),
    articles,
    collections,
  );
  showArticles(articles, profile.user_id, signal);
  const heading = h("h2", { id: "their-collections" }, t("Public collections"));
  try {
    const page = await api.get(`/users/${seg(profile.user_id)}/collections`, { query: { limit: 12 }, signal });
    mount(collections, heading, page.items.length ? h("ul", { class: "collection-grid" }, page.items.map(collectionCard)) : empty(t("No public collections yet.")));
  } catch (error) {
    if (error.name === "AbortError") return;
    mount(collections, heading, problem(error, t("Could not load the collections")));
  }
}

async function showArticles(section, userId, signal) {
  const heading = h("h2", { id: "their-articles" }, t("Guides and lookbooks"));
  try {
    const page = await api.get(`/users/${seg(userId)}/articles`, { query: { limit: 12 }, signal });
    mount(section, heading, page.items.length ? h("ul", { class: "collection-grid article-grid" }, page.items.map(articleCard)) : empty(t("No articles yet.")));
  } catch (error) {
    if (error.name === "AbortError") return;
    mount(section, heading, problem(error, t("Could not load the articles")));
  }
}

function followBox(profile, followers) {
  const user = session();
  if (!user) return signInLink(t("to follow members."));
  if (user.userId === profile.user_id) return h("a", { class: "button button-ghost", href: "#/profile" }, t("Edit my profile"));
  const note = h("span", { class: "small", "aria-live": "polite" });
  let following = Boolean(profile.followed);
  let count = profile.followers;
  const button = h("button", { type: "button", class: "button", "data-testid": "follow" });
  const show = () => {
    button.textContent = following ? t("Following ✓") : t("Follow");
    button.setAttribute("aria-pressed", String(following));
    followers.textContent = plural(count, "{n} follower", "{n} followers");
  };
  button.addEventListener("click", () =>
    busy(button, async () => {
      mount(note);
      try {
        const path = `/users/${seg(profile.user_id)}/follow`;
        const result = following ? await api.del(path) : await api.put(path, {});
        if (result.following !== following) count += result.following ? 1 : -1;
        following = result.following;
        mount(note, following ? t("You will see their new reviews and collections under Following.") : "");
      } catch (error) {
        mount(note, plainMessage(error));
      }
    }, "…").then(show),
  );
  show();
  return h("div", { class: "follow-box" }, button, note);
}
