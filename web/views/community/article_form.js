// #/articles/new and #/articles/<id>/edit: write or change an article. The body is HTML; the
// preview shows what the server stored after sanitising it (a draft is saved for that). Vendors
// and admins publish at once or at a chosen time; members' articles wait for a moderator.

import { api, seg } from "../../api.js";
import { session } from "../../auth.js";
import { link, navigate } from "../../router.js";
import { busy, field, h, loading, mount, toast } from "../../ui.js";
import { findArticle, productCards, richText } from "./article.js";
import { kindNames } from "./articles.js";
import { communityTabs, plainMessage, problem } from "./shared.js";
import { t } from "../../i18n.js";

const LANGUAGES = [["nl", "Nederlands"], ["de", "Deutsch"], ["en", "English"]];
const list = (text) => text.split(",").map((s) => s.trim()).filter(Boolean);

export async function render(view, { params, signal }) {
  const title = params.id ? t("Edit article") : t("Write an article");
  mount(view, communityTabs("guides"), h("h1", {}, title), loading());
  let article = null;
  if (params.id) {
    try {
      article = await findArticle(params.id, signal);
    } catch (error) {
      if (error.name === "AbortError" || error.status === 401) throw error;
      mount(view, communityTabs("guides"), h("h1", {}, title), problem(error, t("Could not load the article")));
      return;
    }
  }
  mount(view, communityTabs("guides"), h("h1", {}, title), editor(article));
}

function editor(existing) {
  const user = session();
  const trusted = user.groups.includes("admin") || (user.groups.includes("vendor") && user.vendorId);
  let articleId = existing?.article_id || null;
  let state = existing?.state || null;
  const kinds = Object.entries(kindNames()).filter(([key]) => key !== "brand_story" || trusted);
  const kind = h("select", { name: "kind", disabled: Boolean(existing) }, kinds.map(([key, label]) => h("option", { value: key, selected: existing?.kind === key }, label)));
  const title = h("input", { name: "title", maxlength: 160, required: true, value: existing?.title || "" });
  const language = h("select", { name: "language" }, LANGUAGES.map(([key, label]) => h("option", { value: key, selected: existing?.language === key }, label)));
  const summary = h("textarea", { name: "summary", rows: 2, maxlength: 400 }, existing?.summary || "");
  const body = h("textarea", { name: "body", rows: 10, class: "html-input", "data-testid": "article-body-input" }, existing?.body || "");
  const cover = h("input", { name: "cover_image", type: "url", value: existing?.cover_image || "", placeholder: "https://…" });
  const products = h("input", { name: "product_ids", value: (existing?.product_ids || []).join(", "), placeholder: t("product ids, comma separated") });
  const tags = h("input", { name: "tags", value: (existing?.tags || []).join(", "), placeholder: t("kitchen, coffee") });
  const publishAt = h("input", { name: "publish_at", type: "datetime-local" });
  if (existing?.publish_at && existing.state !== "published") publishAt.value = toLocal(existing.publish_at);
  const looks = h("ol", { class: "look-rows plain" });
  const addLook = h("button", { type: "button", class: "button button-ghost button-small" }, t("Add a look"));
  addLook.addEventListener("click", () => looks.append(lookRow()));
  for (const look of existing?.looks || []) looks.append(lookRow(look));
  const looksBox = h("fieldset", { class: "looks-editor" }, h("legend", {}, t("Looks")), looks, addLook);
  const showLooks = () => { looksBox.hidden = kind.value !== "lookbook"; if (!looksBox.hidden && !looks.children.length) looks.append(lookRow()); };
  kind.addEventListener("change", showLooks);
  showLooks();
  const preview = h("section", { class: "community-section article-preview", "aria-live": "polite", "data-testid": "preview" });
  const result = h("div", { "aria-live": "polite" });

  const payload = (draft) => ({
    ...(existing ? {} : { kind: kind.value }),
    title: title.value,
    language: language.value,
    summary: summary.value,
    body: body.value,
    cover_image: cover.value.trim() || null,
    product_ids: list(products.value),
    tags: list(tags.value),
    looks: kind.value === "lookbook" ? [...looks.children].map(lookValue).filter((l) => l.image) : [],
    publish_at: publishAt.value ? new Date(publishAt.value).toISOString() : null,
    draft,
  });
  const save = async (draft) => {
    const saved = articleId ? await api.patch(`/articles/${seg(articleId)}`, payload(draft)) : await api.post("/articles", payload(draft));
    articleId = saved.article_id;
    state = saved.state;
    existing = existing || saved;
    return saved;
  };

  const previewButton = h("button", { type: "button", class: "button button-ghost", "data-testid": "preview-button" }, t("Save draft and preview"));
  previewButton.addEventListener("click", () => busy(previewButton, async () => {
    mount(result);
    if (state && state !== "draft") {
      mount(result, h("p", { class: "small" }, t("This article is not a draft: saving shows the sanitised result on its page.")));
      return;
    }
    try {
      const saved = await save(true);
      mount(preview, h("h2", {}, t("Preview (as stored, sanitised)")), richText(saved.body),
        saved.linked_product_ids.length ? productCards(saved.linked_product_ids) : null);
    } catch (error) {
      mount(result, h("p", { class: "warn" }, plainMessage(error)));
    }
  }, t("Saving…")));
  const publish = h("button", { type: "submit", class: "button button-primary", "data-testid": "publish" }, trusted ? t("Publish") : t("Submit for review"));
  const form = h(
    "form",
    { class: "community-form article-form" },
    field(t("Kind"), kind),
    field(t("Title"), title),
    field(t("Language"), language),
    field(t("Summary"), summary),
    field(t("Body (HTML: paragraphs, headings, lists, links, images; scripts and styles are removed)"), body),
    field(t("Cover image URL"), cover, imageUpload(cover)),
    field(t("Linked products"), products),
    looksBox,
    field(t("Tags"), tags),
    field(t("Publish at (empty: now)"), publishAt),
    h("div", { class: "actions row" }, previewButton, publish),
    result,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(publish, async () => {
      mount(result);
      try {
        const saved = await save(false);
        toast(saved.state === "pending" ? t("Thanks! A moderator checks it first.") : saved.state === "scheduled" ? t("Scheduled.") : t("Published."), "success");
        navigate(`/articles/${seg(saved.article_id)}`);
      } catch (error) {
        mount(result, h("p", { class: "warn" }, plainMessage(error)));
      }
    }, t("Saving…"));
  });
  return h("div", {}, form, preview, existing ? h("p", {}, h("a", { href: link(`/articles/${seg(existing.article_id)}`) }, t("Back to the article"))) : null);
}

function lookRow(look = {}) {
  const image = h("input", { type: "url", name: "look_image", value: look.image || "", placeholder: t("https://… image") });
  const caption = h("input", { name: "look_caption", value: look.caption || "", maxlength: 300, placeholder: t("caption") });
  const ids = h("input", { name: "look_products", value: (look.product_ids || []).join(", "), placeholder: t("product ids") });
  const remove = h("button", { type: "button", class: "button button-ghost button-small" }, t("Remove"));
  const row = h("li", { class: "look-row" }, field(t("Image"), image, imageUpload(image)), field(t("Caption"), caption), field(t("Products"), ids), remove);
  remove.addEventListener("click", () => row.remove());
  return row;
}

const lookValue = (row) => ({
  image: row.querySelector("[name=look_image]").value.trim(),
  caption: row.querySelector("[name=look_caption]").value,
  product_ids: list(row.querySelector("[name=look_products]").value),
});

/** Upload an image (presigned POST to storage) and put its URL in `target`. */
function imageUpload(target) {
  const input = h("input", { type: "file", accept: "image/jpeg,image/png,image/webp", "aria-label": t("Upload an image") });
  const note = h("span", { class: "small", "aria-live": "polite" });
  input.addEventListener("change", async () => {
    const file = input.files?.[0];
    if (!file) return;
    note.textContent = t("Uploading…");
    try {
      const upload = await api.post("/article-images", { content_type: file.type, size: file.size });
      const form = new FormData();
      for (const [key, value] of Object.entries(upload.fields)) form.append(key, value);
      form.append("file", file);
      const stored = await fetch(upload.url, { method: "POST", body: form });
      if (!stored.ok) throw new Error(`Storage answered HTTP ${stored.status}`);
      target.value = upload.image_url;
      note.textContent = t("Uploaded.");
    } catch (error) {
      note.textContent = plainMessage(error);
    }
  });
  return h("span", { class: "row" }, input, note);
}

function toLocal(iso) {
  const at = new Date(iso);
  return new Date(at.getTime() - at.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
}
