// #/collections/new composes a collection from the products picked with "Add to collection";
// #/collections/<id>/edit changes one of the caller's collections (title, notes, visibility,
// products). Only the owner gets here with something to save: the API refuses everyone else.

import { api, seg } from "../../api.js";
import { session } from "../../auth.js";
import { link, navigate } from "../../router.js";
import { busy, empty, errorBox, field, h, loading, money, mount, toast } from "../../ui.js";
import { communityTabs, draft, findCollection, problem, product, saveDraft } from "./shared.js";
import { plural, t } from "../../i18n.js";

const fields = () => ({ title: t("Title"), description: t("Description"), cover_image: t("Cover image"), items: t("Products"), visibility: t("Who can see it") });

export async function render(view, { params, signal }) {
  const editing = Boolean(params.id);
  const heading = h("h1", {}, editing ? t("Edit collection") : t("New collection"));
  mount(view, communityTabs("collections"), heading, loading());
  let collection = null;
  if (editing) {
    try {
      collection = await findCollection(params.id, signal);
    } catch (error) {
      if (error.name === "AbortError" || error.status === 401) throw error;
      mount(view, communityTabs("collections"), heading, problem(error, t("Could not load the collection")));
      return;
    }
    if (!collection || collection.owner_id !== session().userId) {
      mount(view, communityTabs("collections"), heading, errorBox({ message: t("Only the member who made this collection can change it.") }, { title: t("Not your collection") }));
      return;
    }
  }
  const items = collection ? collection.items.map((i) => ({ product_id: i.product_id, note: i.note || "" })) : draft().map((id) => ({ product_id: id, note: "" }));
  const picked = editing ? draft().filter((id) => !items.some((i) => i.product_id === id)) : [];
  mount(view, communityTabs("collections"), heading, form(collection, items, picked));
}

function form(collection, items, picked) {
  const title = h("input", { type: "text", maxlength: "120", required: true, value: collection?.title || "", autocomplete: "off" });
  const description = h("textarea", { rows: "3", maxlength: "2000", value: collection?.description || "" });
  const cover = h("input", { type: "url", maxlength: "2000", placeholder: "https://…", value: collection?.cover_image || "" });
  const visibility = collection?.visibility || "private";
  const radio = (value, label, hint) =>
    h("label", { class: "choice" }, h("input", { type: "radio", name: "visibility", value, checked: visibility === value }), h("span", {}, h("strong", {}, label), h("span", { class: "muted small" }, ` ${hint}`)));
  const rows = h("ul", { class: "compose-items plain", "data-testid": "compose-items" });
  const vendors = h("p", { class: "muted small", "aria-live": "polite" });
  const result = h("div", { "aria-live": "polite" });
  const save = h("button", { type: "submit", class: "button button-primary" }, collection ? t("Save changes") : t("Save collection"));

  const state = { items };
  const redraw = () => {
    mount(rows, state.items.map((item) => itemRow(item, () => { state.items = state.items.filter((i) => i !== item); redraw(); })));
    countVendors(state.items, vendors);
  };
  redraw();

  const addPicked = picked.length
    ? h("button", { type: "button", class: "button button-ghost", onclick: (event) => {
        state.items.push(...picked.map((id) => ({ product_id: id, note: "" })));
        event.target.remove();
        redraw();
      } }, plural(picked.length, "Add the {n} product you picked", "Add the {n} products you picked"))
    : null;

  const element = h(
    "form",
    { class: "card community-form compose", "aria-label": collection ? t("Edit collection") : t("Compose a collection") },
    field(t("Title"), title, t("For example “Sunday breakfast” or “Autumn on the coast”.")),
    field(t("Description (optional)"), description),
    h("fieldset", { class: "compose-products" },
      h("legend", {}, t("Products")),
      vendors,
      rows,
      state.items.length || picked.length ? null : empty(t("No products yet. Open a product and press “Add to collection”."), h("a", { class: "button button-ghost", href: "#/products" }, t("Find products"))),
      addPicked),
    field(t("Cover image (optional)"), cover, t("The web address of a picture.")),
    h("fieldset", { class: "choices" }, h("legend", {}, t("Who can see it")),
      radio("private", t("Only me"), t("(you can publish it later)")),
      radio("public", t("Everyone"), t("(members can rate and comment)"))),
    result,
    h("div", { class: "actions" }, h("a", { class: "button button-ghost", href: collection ? link(`/collections/${seg(collection.collection_id)}`) : "#/collections" }, t("Cancel")), save),
  );
  element.addEventListener("submit", (event) => {
    event.preventDefault();
    mount(result);
    if (!state.items.length) {
      mount(result, errorBox({ message: t("Add at least one product.") }, { title: t("The collection is empty") }));
      return;
    }
    const body = {
      title: title.value,
      description: description.value,
      cover_image: cover.value.trim() || null,
      visibility: element.querySelector('input[name="visibility"]:checked')?.value || "private",
      items: state.items.map((i) => ({ product_id: i.product_id, note: i.note.trim() || null })),
    };
    busy(save, async () => {
      try {
        const saved = collection ? await api.put(`/collections/${seg(collection.collection_id)}`, body) : await api.post("/collections", body);
        saveDraft(draft().filter((id) => !body.items.some((i) => i.product_id === id)));
        toast(collection ? t("Collection saved.") : t("Collection created."), "success");
        navigate(`/collections/${seg(saved.collection_id)}`);
      } catch (error) {
        mount(result, problem(error, t("The collection was not saved"), fields()));
      }
    }, t("Saving…"));
  });
  return element;
}

function itemRow(item, remove) {
  const name = h("a", { href: link(`/product/${seg(item.product_id)}`) }, t("Loading…"));
  const offer = h("span", { class: "muted small" });
  product(item.product_id).then((p) => {
    name.textContent = p ? p.title : t("A product that is no longer sold");
    const best = p?.offers?.[0];
    offer.textContent = best ? t("{price} from {vendor}", { price: money(best.current_price, best.currency), vendor: best.vendor_name }) : t("No offer right now");
  });
  const note = h("input", { type: "text", maxlength: "300", value: item.note, placeholder: t("Note (optional)"), oninput: (event) => { item.note = event.target.value; } });
  note.setAttribute("aria-label", t("Note for this product"));
  return h(
    "li",
    { class: "compose-item", "data-product": item.product_id },
    h("div", { class: "compose-item-name" }, name, offer),
    h("div", { class: "compose-item-edit" }, note, h("button", { type: "button", class: "button button-small button-danger", onclick: remove }, t("Remove"))),
  );
}

async function countVendors(items, into) {
  const found = await Promise.all(items.map((i) => product(i.product_id)));
  const names = new Set(found.map((p) => p?.offers?.[0]?.vendor_name).filter(Boolean));
  into.textContent = items.length
    ? t("{products} from {vendors}.", { products: plural(items.length, "{n} product", "{n} products"), vendors: plural(names.size, "{n} vendor", "{n} vendors") })
    : "";
}
