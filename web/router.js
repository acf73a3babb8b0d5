// Hash routes: link("/products", {q: "shoe"}) → "#/products?q=shoe"; navigate() goes there.

/** location.hash as {path, query}. */
export function currentRoute() {
  const raw = location.hash.replace(/^#/, "") || "/products";
  const [path, search = ""] = raw.split("?");
  return { path: path || "/products", query: new URLSearchParams(search) };
}

export function link(path, query) {
  const params = new URLSearchParams();
  const entries = query instanceof URLSearchParams ? query.entries() : Object.entries(query || {});
  for (const [key, value] of entries) {
    if (value === null || value === undefined || value === "") continue;
    for (const item of Array.isArray(value) ? value : [value]) params.append(key, item);
  }
  const search = params.toString();
  return `#${path}${search ? `?${search}` : ""}`;
}

export function navigate(path, query) {
  const target = link(path, query);
  if (location.hash === target) window.dispatchEvent(new Event("plein:rerender"));
  else location.hash = target;
}

/** Tell the shell the cart changed (it updates the count in the navigation). */
export function cartChanged(cart) {
  document.dispatchEvent(new CustomEvent("plein:cart", { detail: cart }));
}
