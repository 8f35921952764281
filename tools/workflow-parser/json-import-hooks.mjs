// Module customization hooks (run by Node in its loader thread; registered from register.mjs).
//
// @actions/workflow-parser is compiled for bundlers: its dist/ files do
//   import WorkflowSchema from "../workflow-v1.0.min.json";
// with no `with { type: "json" }` attribute. Node's own ESM loader refuses that with
// ERR_IMPORT_ASSERTION_TYPE_MISSING. We add the missing attribute for JSON files inside that
// package only, so Node still loads them as ordinary JSON modules and nothing else changes.

const PACKAGE_DIRS = ["/node_modules/@actions/workflow-parser/"];

function needsJsonAttribute(url, attributes) {
  return (
    url.startsWith("file:") &&
    url.endsWith(".json") &&
    PACKAGE_DIRS.some((dir) => url.includes(dir)) &&
    (attributes === undefined || attributes.type === undefined)
  );
}

export async function load(url, context, nextLoad) {
  if (needsJsonAttribute(url, context.importAttributes)) {
    return nextLoad(url, { ...context, importAttributes: { ...context.importAttributes, type: "json" } });
  }
  return nextLoad(url, context);
}
