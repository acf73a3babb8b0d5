// Where the API and Cognito are: read once from config.json, which the local runtime writes at
// start (local/web.py) and the deployment puts next to the site on AWS.

const REQUIRED = ["api_url", "cognito_endpoint", "region", "client_id"];
let loaded = null;

export async function loadConfig() {
  if (loaded) return loaded;
  let response;
  try {
    response = await fetch("config.json", { cache: "no-store" });
  } catch (error) {
    throw new Error(`Could not load config.json: ${error.message}`);
  }
  if (!response.ok) throw new Error(`Could not load config.json (HTTP ${response.status})`);
  const config = await response.json();
  const missing = REQUIRED.filter((key) => !config[key]);
  if (missing.length) throw new Error(`config.json lacks ${missing.join(", ")}`);
  config.api_url = config.api_url.replace(/\/+$/, "");
  loaded = Object.freeze(config);
  return loaded;
}

export function config() {
  if (!loaded) throw new Error("config not loaded yet");
  return loaded;
}
