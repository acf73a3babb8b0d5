// Builds web/vendor/amazon-chime-sdk.js: the parts of the Amazon Chime SDK for JavaScript (pinned in
// package.json) that the advice video needs, as one ES module the build-free web client imports
// when a Chime call starts. Run by `make` with `npm ci` (node_modules/.installed); the output is
// not committed. The SDK's index pulls in its messaging client (and with it the AWS SDK's Node
// credential chain) through one task module; meetings never use it, so it is left out.
import * as esbuild from "esbuild";

const withoutMessaging = {
  name: "without-messaging",
  setup(build) {
    build.onResolve({ filter: /^@aws-sdk\/client-chime-sdk-messaging$/ }, () => ({ path: "messaging", namespace: "left-out" }));
    build.onLoad({ filter: /.*/, namespace: "left-out" }, () => ({ contents: "module.exports = {};", loader: "js" }));
  },
};

await esbuild.build({
  stdin: {
    // From the package's index, as the SDK's own modules load it (one of them imports the index:
    // starting from deep imports breaks the order its classes are defined in).
    contents:
      'export { ConsoleLogger, DefaultDeviceController, DefaultMeetingSession, LogLevel, MeetingSessionConfiguration } from "amazon-chime-sdk-js";',
    resolveDir: process.cwd(),
  },
  bundle: true,
  define: { global: "globalThis" }, // Node's name, used by some of the SDK's modules
  format: "esm",
  minify: true,
  legalComments: "external",
  outfile: "web/vendor/amazon-chime-sdk.js",
  plugins: [withoutMessaging],
  logLevel: "warning",
});
