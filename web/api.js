// The Plein REST API: JSON in and out, the ID token as a bearer token, errors as ApiError
// ({"error": {"code", "message", "details"}} from the API, {"message"} from the gateway).

import { config } from "./config.js";
import { session, signOut } from "./auth.js";
import { t } from "./i18n.js";

export class ApiError extends Error {
  constructor(status, code, message, details = []) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

function url(path, query) {
  const target = new URL(config().api_url + path);
  for (const [key, value] of Object.entries(query || {})) {
    if (value === null || value === undefined || value === "") continue;
    for (const item of Array.isArray(value) ? value : [value]) target.searchParams.append(key, String(item));
  }
  return target.toString();
}

const GATEWAY_CODES = { 401: "unauthorized", 403: "forbidden", 413: "too_large", 502: "bad_gateway", 504: "timeout" };

export async function request(method, path, { query, body, headers = {}, signal } = {}) {
  const current = session();
  const init = { method, headers: { Accept: "application/json", ...headers }, signal };
  if (current) init.headers.Authorization = `Bearer ${current.token}`;
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(url(path, query), init);
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new ApiError(0, "network", t("Cannot reach the Plein API. Check your connection and try again."));
  }
  const text = await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = { message: text };
    }
  }
  if (response.ok) return data;
  if (response.status === 401 && current) signOut();
  const error = data?.error;
  if (error) throw new ApiError(response.status, error.code, error.message, error.details || []);
  const message =
    response.status === 401 ? t("Please sign in to do this.") : data?.message || t("Something went wrong on our side. Try again in a moment.");
  throw new ApiError(response.status, GATEWAY_CODES[response.status] || "http_error", message);
}

export const api = {
  get: (path, options) => request("GET", path, options),
  post: (path, body, options = {}) => request("POST", path, { ...options, body }),
  put: (path, body, options = {}) => request("PUT", path, { ...options, body }),
  patch: (path, body, options = {}) => request("PATCH", path, { ...options, body }),
  del: (path, options) => request("DELETE", path, options),
  /** GET a resource that may not exist: null for a 404. */
  find: async (path, options) => {
    try {
      return await request("GET", path, options);
    } catch (error) {
      if (error.status === 404) return null;
      throw error;
    }
  },
};

/** Encode one path segment (ids and SKUs may contain characters that need escaping). */
export const seg = (value) => encodeURIComponent(value);
