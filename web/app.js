// The shell: loads config, shows who is signed in, and routes hash URLs to views.
//   #/products?q=..  #/product/<id>  #/cart  #/checkout  #/orders  #/orders/<id>  #/vendor  #/signin
//   #/signup  #/confirm?username=  #/reset  #/sell (apply as a vendor)  #/admin (console)  #/admin/vendors
//   #/vendors/<id> (a vendor's storefront)
//   #/rewards  #/join?ref=CODE  #/admin/rewards
//   #/advice?code=CODE (advisor console)  #/partner (advice partner portal)
//   #/community  #/collections[/new|/<id>[/edit]]  #/guides?kind=&q=  #/articles/(new|<id>[/edit])  #/ideas[/<id>]  #/users/<id>  #/profile  #/feed  #/feedback
//   #/admin/community (moderation queue, ideas in review, feedback)
//   #/inbox  #/settings/notifications  #/unsubscribe/<token>  #/review/<token>  #/mailbox (local runtime)
//   #/newsletter  #/newsletter/confirm/<token>  #/admin/campaigns[/new|/<id>] (newsletter campaigns)

import { loadConfig } from "./config.js";
import { onSessionChange, session, signOut } from "./auth.js";
import { api } from "./api.js";
import { errorBox, h, mount, noImage, titled, toast } from "./ui.js";
import { currentRoute, link, navigate } from "./router.js";
import { bellFor, refreshUnread } from "./bell.js";
import { LANGUAGES, language, plural, setLanguage, startLanguage, t } from "./i18n.js";
import { guestUnits, mergeGuestCart } from "./guest_cart.js";

/** The main navigation's labels (index.html carries the English ones for the first paint). */
const navLabels = () => ({
  products: t("Shop"),
  orders: t("Orders"),
  vendor: t("Vendor"),
  community: t("Community"),
  rewards: t("Rewards"),
  admin: t("Admin"),
  moderation: t("Moderation"),
  campaigns: t("Campaigns"),
  advice: t("Advise"),
  partner: t("Partner"),
});

const routes = [
  { pattern: /^\/products$/, nav: "products", load: () => import("./views/catalog.js") },
  { pattern: /^\/product\/(?<id>[^/]+)$/, nav: "products", load: () => import("./views/product.js") },
  { pattern: /^\/cart$/, nav: "cart", load: () => import("./views/cart.js") },
  { pattern: /^\/checkout$/, nav: "cart", auth: true, load: () => import("./views/checkout.js") },
  { pattern: /^\/orders$/, nav: "orders", auth: true, load: () => import("./views/orders.js") },
  { pattern: /^\/orders\/(?<id>[^/]+)$/, nav: "orders", auth: true, load: () => import("./views/order.js") },
  { pattern: /^\/vendor$/, nav: "vendor", auth: true, load: () => import("./views/vendor.js") },
  { pattern: /^\/signin$/, nav: null, load: () => import("./views/signin.js") },
  { pattern: /^\/(signup|confirm|reset)$/, nav: null, load: () => import("./views/account.js") },
  { pattern: /^\/vendors\/(?<id>[^/]+)$/, nav: "products", load: () => import("./views/storefront.js") },
  { pattern: /^\/sell$/, nav: null, auth: true, load: () => import("./views/sell.js") },
  { pattern: /^\/admin$/, nav: "admin", auth: true, load: () => import("./views/admin.js") },
  { pattern: /^\/admin\/vendors$/, nav: "admin", auth: true, load: () => import("./views/admin_vendors.js") },
  { pattern: /^\/rewards$/, nav: "rewards", auth: true, load: () => import("./views/rewards.js") },
  { pattern: /^\/join$/, nav: "rewards", auth: true, load: () => import("./views/rewards.js") },
  { pattern: /^\/admin\/rewards$/, nav: "admin", auth: true, load: () => import("./views/admin_rewards.js") },
  { pattern: /^\/advice$/, nav: "advice", auth: true, load: () => import("./views/advice.js") },
  { pattern: /^\/partner$/, nav: "partner", auth: true, load: () => import("./views/partner.js") },
  // community (views/community/*.js; the product page's part is views/product_community.js)
  { pattern: /^\/community$/, nav: "community", load: () => import("./views/community/trending.js") },
  { pattern: /^\/collections$/, nav: "community", load: () => import("./views/community/collections.js") },
  { pattern: /^\/collections\/new$/, nav: "community", auth: true, load: () => import("./views/community/collection_form.js") },
  { pattern: /^\/collections\/(?<id>[^/]+)\/edit$/, nav: "community", auth: true, load: () => import("./views/community/collection_form.js") },
  { pattern: /^\/collections\/(?<id>[^/]+)$/, nav: "community", load: () => import("./views/community/collection.js") },
  { pattern: /^\/guides$/, nav: "community", load: () => import("./views/community/articles.js") },
  { pattern: /^\/articles\/new$/, nav: "community", auth: true, load: () => import("./views/community/article_form.js") },
  { pattern: /^\/articles\/(?<id>[^/]+)\/edit$/, nav: "community", auth: true, load: () => import("./views/community/article_form.js") },
  { pattern: /^\/articles\/(?<id>[^/]+)$/, nav: "community", load: () => import("./views/community/article.js") },
  { pattern: /^\/ideas$/, nav: "community", load: () => import("./views/community/ideas.js") },
  { pattern: /^\/ideas\/(?<id>[^/]+)$/, nav: "community", load: () => import("./views/community/idea.js") },
  { pattern: /^\/users\/(?<id>[^/]+)$/, nav: "community", load: () => import("./views/community/member.js") },
  { pattern: /^\/profile$/, nav: "community", auth: true, load: () => import("./views/community/profile.js") },
  { pattern: /^\/feed$/, nav: "community", auth: true, load: () => import("./views/community/feed.js") },
  { pattern: /^\/feedback$/, nav: "community", auth: true, load: () => import("./views/community/feedback.js") },
  { pattern: /^\/admin\/community$/, nav: "moderation", auth: true, load: () => import("./views/community/moderation.js") },
  // notifications (views/notifications/*.js; the bell is bell.js)
  { pattern: /^\/inbox$/, nav: "inbox", auth: true, load: () => import("./views/notifications/inbox.js") },
  { pattern: /^\/settings\/notifications$/, nav: "inbox", auth: true, load: () => import("./views/notifications/settings.js") },
  { pattern: /^\/unsubscribe\/(?<id>[^/]+)$/, nav: null, load: () => import("./views/notifications/unsubscribe.js") },
  { pattern: /^\/review\/(?<id>[^/]+)$/, nav: null, load: () => import("./views/notifications/review.js") },
  { pattern: /^\/mailbox$/, nav: null, load: () => import("./views/notifications/mailbox.js") },
  // newsletters and campaigns
  { pattern: /^\/newsletter\/confirm\/(?<id>[^/]+)$/, nav: null, load: () => import("./views/newsletter.js") },
  { pattern: /^\/newsletter$/, nav: "community", auth: true, load: () => import("./views/newsletter.js") },
  { pattern: /^\/admin\/campaigns$/, nav: "campaigns", auth: true, load: () => import("./views/campaigns.js") },
  { pattern: /^\/admin\/campaigns\/(?<id>[^/]+)$/, nav: "campaigns", auth: true, load: () => import("./views/campaigns.js") },
];

let controller = null;

async function render() {
  controller?.abort();
  controller = new AbortController();
  const { signal } = controller;
  const main = document.getElementById("main");
  const { path, query } = currentRoute();
  if (path === "/" || path === "") return navigate("/products");
  const route = routes.find((r) => r.pattern.test(path));
  for (const a of document.querySelectorAll("#nav a")) {
    if (route && a.dataset.nav === route.nav) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  const view = h("div", { class: "view" });
  mount(main, view);
  if (!route) {
    mount(view, h("h1", {}, t("Page not found")), h("p", {}, h("a", { href: "#/products" }, t("Back to the shop"))));
    titled(main, t("Page not found"));
    return;
  }
  const params = route.pattern.exec(path).groups || {};
  const user = session();
  try {
    if (route.auth && !user) {
      const { render: renderSignIn } = await import("./views/signin.js");
      await renderSignIn(view, { query, signal, next: location.hash, reason: t("Please sign in to see this page.") });
    } else {
      const module = await route.load();
      await module.render(view, { params: mapParams(params), query, signal, session: user });
    }
  } catch (error) {
    if (error.name === "AbortError" || signal.aborted) return;
    if (error.status === 401) {
      const { render: renderSignIn } = await import("./views/signin.js");
      await renderSignIn(view, { query, signal, next: location.hash, reason: t("Your session has ended. Please sign in again.") });
      titled(main, t("Sign in"));
      return;
    }
    console.error(error);
    mount(view, h("h1", {}, t("Something went wrong")), errorBox(error));
  }
  if (!signal.aborted) titled(main, main.querySelector("h1")?.textContent || "Plein");
}

function mapParams(groups) {
  return Object.fromEntries(Object.entries(groups).map(([k, v]) => [k, decodeURIComponent(v)]));
}

function renderSession(user) {
  const box = document.getElementById("session");
  document.querySelector('#nav a[data-nav="vendor"]').hidden = !(user && user.groups.includes("vendor"));
  document.querySelector('#nav a[data-nav="admin"]').hidden = !(user && user.groups.includes("admin"));
  document.querySelector('#nav a[data-nav="moderation"]').hidden = !(user && user.groups.includes("admin"));
  document.querySelector('#nav a[data-nav="campaigns"]').hidden = !(user && user.groups.includes("admin"));
  document.querySelector('#nav a[data-nav="partner"]').hidden = !(user && (user.groups.includes("vendor") || user.groups.includes("admin")));
  bellFor(user);
  if (!user) {
    mount(box, h("a", { class: "button button-small", href: link("/signin", { next: location.hash }) }, t("Sign in")));
    updateCartCount(null);
    return;
  }
  mount(
    box,
    h(
      "span",
      { class: "who", "data-testid": "who" },
      h("span", { class: "who-label" }, t("Signed in as ")),
      h("strong", { title: user.username }, user.username),
      h("span", { class: "groups", "aria-label": t("groups") }, user.groups.map((g) => h("span", { class: "chip" }, g))),
    ),
    h(
      "button",
      {
        type: "button",
        class: "button button-small button-ghost",
        onclick: () => {
          signOut();
          navigate("/products");
        },
      },
      t("Sign out"),
    ),
  );
  refreshCartCount();
}

/** The cart link shows the number of units in the cart. */
function updateCartCount(cart) {
  const a = document.querySelector('#nav a[data-nav="cart"]');
  const units = cart ? cart.vendors.reduce((n, g) => n + g.lines.reduce((m, l) => m + l.quantity, 0), 0) : guestUnits();
  mount(a, t("Cart"), units ? h("span", { class: "count", "aria-label": plural(units, "{n} item", "{n} items") }, String(units)) : null);
}

/** After sign-in: the lines added before it move into the account's cart. */
async function moveGuestCart() {
  try {
    const { moved, notes } = await mergeGuestCart(api);
    if (!moved && !notes.length) return;
    refreshCartCount();
    toast(notes.length ? t("Your cart from before you signed in is in your account; some items changed: see your cart.") : plural(moved, "{n} item from before you signed in is in your cart.", "{n} items from before you signed in are in your cart."), "success");
    if (currentRoute().path === "/cart") window.dispatchEvent(new Event("plein:rerender"));
  } catch (error) {
    console.error(error);
  }
}

async function refreshCartCount() {
  try {
    updateCartCount(await api.get("/cart"));
  } catch {
    updateCartCount(null);
  }
}

/** Vendor images live on the vendors' hosts; one that fails to load becomes a placeholder. */
function placeholderOnError(event) {
  const img = event.target;
  if (!(img instanceof HTMLImageElement) || img.dataset.failed) return;
  img.dataset.failed = "true";
  const placeholder = noImage(img.alt || null);
  if (img.className) placeholder.classList.add(...img.className.split(" "));
  img.replaceWith(placeholder);
}

/** The skip link moves focus to the content without changing the route (its href alone would
 * navigate to "#main", a page that does not exist). */
function skipToContent(event) {
  event.preventDefault();
  const main = document.getElementById("main");
  main.focus();
  main.scrollIntoView();
}

/** The header's language switch; switching re-labels the shell and renders the page again. */
function languageSwitch() {
  const select = h(
    "select",
    { id: "language", class: "language-switch", "aria-label": t("Site language") },
    LANGUAGES.map(([code, name]) => h("option", { value: code, lang: code, selected: code === language() }, name)),
  );
  select.addEventListener("change", async () => {
    await setLanguage(select.value);
    labelShell();
    renderSession(session());
    await render();
  });
  return select;
}

/** The shell's texts in the current language. */
function labelShell() {
  const labels = navLabels();
  for (const a of document.querySelectorAll("#nav a[data-nav]")) {
    const label = labels[a.dataset.nav];
    if (label) a.textContent = label;
  }
  document.querySelector("#nav")?.setAttribute("aria-label", t("Main"));
  const skip = document.querySelector(".skip-link");
  if (skip) skip.textContent = t("Skip to content");
  const sell = document.querySelector("#sell-link");
  if (sell) sell.textContent = t("Sell on Plein");
  mount(document.getElementById("language-slot"), languageSwitch());
}

async function start() {
  document.addEventListener("error", placeholderOnError, true);
  await startLanguage();
  labelShell();
  document.querySelector(".skip-link")?.addEventListener("click", skipToContent);
  const main = document.getElementById("main");
  try {
    const cfg = await loadConfig();
    document.getElementById("api-where").textContent = `API ${cfg.api_url}`;
  } catch (error) {
    mount(main, h("h1", {}, t("Plein cannot start")), errorBox(error, { title: t("The site configuration is missing.") }));
    return;
  }
  onSessionChange((user) => {
    renderSession(user);
    if (user) moveGuestCart();
  });
  document.addEventListener("plein:guest-cart", () => session() || updateCartCount(null));
  renderSession(session());
  window.addEventListener("hashchange", render);
  window.addEventListener("hashchange", () => session() && refreshUnread());
  window.addEventListener("plein:rerender", render);
  document.addEventListener("plein:cart", (event) => updateCartCount(event.detail));
  await render();
  document.documentElement.dataset.ready = "true";
}

start();
