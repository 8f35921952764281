// Evaluate workflow expressions with GitHub's own evaluator (@actions/expressions), for `pipekit rehearse`.
//
// Usage: node evaluate.mjs   (long-lived: one JSON request per line on stdin, one JSON response per line on
// stdout, in order; it ends when stdin closes)
// Request:  {"expression": "<text inside ${{ }}>", "contexts": {"github": {...}, "env": {...}, ...},
//            "status": "success" | "failure" | "cancelled", "workspace": "<dir for hashFiles>" | null,
//            "condition": true (optional: evaluate as an `if:`, see asCondition)}
// Response: {"value": <the result as JSON>, "text": <the result as a template embeds it>, "truthy": <boolean>}
//           or {"error": "<one-line message>"}
//
// The library gives the lexer, parser, evaluator, data types and the built-in functions. The runner adds the
// status functions and hashFiles (src/Runner.Worker/Expressions/*Function.cs of actions/runner), so they are
// written here after the runner's sources, cited where each one is.
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createInterface } from "node:readline";

import { data, Evaluator, Lexer, Parser } from "@actions/expressions";
import { Expr, FunctionCall } from "@actions/expressions/ast";
import { truthy } from "@actions/expressions/result";

// The contexts a job's expressions may name (WorkflowTemplateEvaluator.cs s_expressionValueNames). The runner
// adds the missing ones as null, so `steps.x.outputs.y` reads null, not "Unrecognized named-value", when a
// caller sends no steps.
const CONTEXT_NAMES = ["github", "needs", "strategy", "matrix", "secrets", "vars", "steps", "inputs", "jobs", "job", "runner", "env"];
// "skipped" is for a job's own if: when a job it needs was skipped: GitHub then counts neither success()
// nor failure() as true, only always().
const STATUSES = new Set(["success", "failure", "cancelled", "skipped"]);
const STATUS_FUNCTIONS = new Set(["success", "failure", "cancelled", "always"]);

// --- status functions -------------------------------------------------------------------------------------
// actions/runner src/Runner.Worker/Expressions/{Success,Failure,Cancelled,Always}Function.cs: always() is true;
// success(), failure() and cancelled() compare the job's status (Success when unset) with their own name, so
// under "cancelled" both success() and failure() are false.
function functions(status, workspace) {
  const is = (name) => () => new data.BooleanData(status === name);
  return [
    { name: "always", minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(true) },
    { name: "success", minArgs: 0, maxArgs: 0, call: is("success") },
    { name: "failure", minArgs: 0, maxArgs: 0, call: is("failure") },
    { name: "cancelled", minArgs: 0, maxArgs: 0, call: is("cancelled") },
    // the workflow schema's step contexts declare hashFiles(1,255)
    { name: "hashFiles", minArgs: 1, maxArgs: 255, call: (...args) => new data.StringData(hashFiles(workspace, args)) },
  ];
}

// --- hashFiles ----------------------------------------------------------------------------------------------
// actions/runner src/Runner.Worker/Expressions/HashFilesFunction.cs runs src/Misc/expressionFunc/hashFiles/src/
// hashFiles.ts (bundled with @actions/glob in src/Misc/layoutbin/hashFiles/index.js) with the workspace as its
// working directory: each argument is coerced to a string; a first argument `--follow-symbolic-links` turns
// on following links (any other first argument starting with `--` is an error); the patterns, one per line,
// go to @actions/glob; each file it yields under the workspace (directories skipped) is hashed with SHA-256 and
// the digests, in the order the globber yields them, are fed to one SHA-256 whose hex is the result. No file:
// the empty string. The globber walks each search path depth first, a directory's entries in Node's readdir
// order (sorted by name), so the order is that of a sorted tree walk, not of sorted full paths.
function hashFiles(workspace, args) {
  if (!workspace) {
    throw new Error("hashFiles needs the workspace, and none was given");
  }
  let follow = false;
  const patterns = [];
  args.forEach((arg, index) => {
    const text = arg.coerceString();
    if (index === 0 && text.startsWith("--")) {
      if (text.toLowerCase() !== "--follow-symbolic-links") {
        throw new Error(`Invalid glob option ${text}, avaliable option: '--follow-symbolic-links'.`);
      }
      follow = true;
      return;
    }
    patterns.push(text);
  });
  const described = `hashFiles('${patterns.join(", ").replace(/'/g, "''")}')`;
  let root;
  try {
    root = fs.realpathSync(workspace); // the runner's process.cwd(), which resolves links
  } catch (error) {
    throw new Error(`${described} failed: the workspace ${workspace} cannot be read (${error.code ?? error.message})`);
  }
  const result = createHash("sha256");
  let count = 0;
  try {
    for (const file of glob(patterns.join("\n"), root, follow)) {
      if (!file.startsWith(`${root}${path.sep}`) || fs.statSync(file).isDirectory()) {
        continue;
      }
      result.update(digest(file));
      count++;
    }
  } catch (error) {
    throw new Error(`${described} failed under ${root}: ${error.message}`);
  }
  return count > 0 ? result.digest("hex") : "";
}

function digest(file) {
  const hash = createHash("sha256");
  const buffer = Buffer.alloc(1 << 20);
  const fd = fs.openSync(file, "r");
  try {
    for (let read; (read = fs.readSync(fd, buffer, 0, buffer.length, null)) > 0; ) {
      hash.update(buffer.subarray(0, read));
    }
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest();
}

// @actions/glob's DefaultGlobber (create + globGenerator), synchronous and for POSIX paths, with the runner's
// options: followSymbolicLinks as asked, implicitDescendants, matchDirectories and omitBrokenSymbolicLinks on.
const NONE = 0;
const DIRECTORY = 1;
const FILE = 2;
const ALL = 3;

function* glob(text, cwd, follow) {
  const patterns = [];
  for (const line of text.split("\n").map((x) => x.trim())) {
    if (!line || line.startsWith("#")) {
      continue;
    }
    const pattern = new Pattern(line, cwd);
    patterns.push(pattern);
    // implicitDescendants: a pattern that matches a directory matches what is below it
    if (pattern.trailingSeparator || pattern.segments.at(-1) !== "**") {
      patterns.push(pattern.descendants());
    }
  }
  const stack = [];
  for (const searchPath of searchPaths(patterns)) {
    try {
      fs.lstatSync(searchPath);
    } catch (error) {
      if (error.code === "ENOENT") {
        continue;
      }
      throw error;
    }
    stack.unshift({ path: searchPath, level: 1 });
  }
  const chain = []; // real paths of the directories being walked, to stop at a link cycle
  while (stack.length) {
    const item = stack.pop();
    const kind = match(patterns, item.path);
    const partial = kind !== NONE || patterns.some((p) => !p.negate && p.partialMatch(item.path));
    if (!partial) {
      continue;
    }
    const stats = stat(item, follow, chain);
    if (!stats) {
      continue;
    }
    if (stats.isDirectory()) {
      if (kind & DIRECTORY) {
        yield item.path;
      }
      const children = fs.readdirSync(item.path).map((name) => ({ path: path.join(item.path, name), level: item.level + 1 }));
      stack.push(...children.reverse());
    } else if (kind & FILE) {
      yield item.path;
    }
  }
}

function stat(item, follow, chain) {
  if (!follow) {
    return fs.lstatSync(item.path);
  }
  let stats;
  try {
    stats = fs.statSync(item.path);
  } catch (error) {
    if (error.code === "ENOENT") {
      return undefined; // a broken link is left out
    }
    throw error;
  }
  if (stats.isDirectory()) {
    const real = fs.realpathSync(item.path);
    while (chain.length >= item.level) {
      chain.pop();
    }
    if (chain.includes(real)) {
      return undefined;
    }
    chain.push(real);
  }
  return stats;
}

// internal-pattern-helper.js: include patterns add what they match, negated ones take it away, in order.
function match(patterns, itemPath) {
  let result = NONE;
  for (const pattern of patterns) {
    if (pattern.negate) {
      result &= ~pattern.match(itemPath);
    } else {
      result |= pattern.match(itemPath);
    }
  }
  return result;
}

// The literal folders the include patterns start from, in pattern order, leaving out one inside another.
function searchPaths(patterns) {
  const includes = patterns.filter((p) => !p.negate);
  const known = new Map(includes.map((p) => [p.searchPath, "candidate"]));
  const result = [];
  for (const pattern of includes) {
    if (known.get(pattern.searchPath) === "included") {
      continue;
    }
    let ancestor = false;
    for (let key = pattern.searchPath, parent = path.dirname(key); parent !== key; key = parent, parent = path.dirname(key)) {
      if (known.has(parent)) {
        ancestor = true;
        break;
      }
    }
    if (!ancestor) {
      result.push(pattern.searchPath);
      known.set(pattern.searchPath, "included");
    }
  }
  return result;
}

// internal-pattern.js: a pattern made absolute (relative to the workspace; `~` is the home folder), cut into
// segments matched the way minimatch matches with the options @actions/glob gives it (dot, nobrace, noext,
// nonegate, case-sensitive): `*` and `?` within a segment, `[...]` sets, `\` escapes, `**` any number of
// segments. A trailing `/` matches directories only.
class Pattern {
  constructor(text, cwd, negate = false, segments = undefined) {
    this.implicit = segments !== undefined;
    this.negate = negate;
    let pattern = text.trim();
    if (segments === undefined) {
      while (pattern.startsWith("!")) {
        this.negate = !this.negate;
        pattern = pattern.slice(1).trim();
      }
      pattern = fixup(pattern, cwd);
      this.trailingSeparator = pattern.endsWith("/");
      segments = splitPath(pattern);
    } else {
      this.trailingSeparator = false; // built from segments, so never ends in `/`
    }
    this.cwd = cwd;
    this.segments = segments;
    const literals = [];
    for (const segment of segments) {
      const literal = getLiteral(segment);
      if (literal === "") {
        break;
      }
      literals.push(literal);
    }
    this.searchPath = joinSegments(literals);
    this.matchers = segments.map((segment, index) => (index === 0 ? { literal: segment } : compileSegment(segment)));
  }

  descendants() {
    return new Pattern("", this.cwd, this.negate, [...this.segments, "**"]);
  }

  match(itemPath) {
    const file = splitPath(itemPath);
    // Pattern.match appends a `/` to the path when the pattern ends in `**` (minimatch's quirk needs it to
    // match the folder itself), except for the implicit descendants pattern, which must not match it.
    const atLeastOne = this.implicit && this.segments.at(-1) === "**";
    if (matchSegments(this.matchers, 0, file, 0, false, atLeastOne)) {
      return this.trailingSeparator ? DIRECTORY : ALL;
    }
    return NONE;
  }

  partialMatch(itemPath) {
    return matchSegments(this.matchers, 0, splitPath(itemPath), 0, true, false);
  }
}

function fixup(pattern, cwd) {
  if (!pattern) {
    throw new Error("pattern cannot be empty");
  }
  const literals = splitPath(pattern).map(getLiteral);
  if (!literals.every((x, i) => (x !== "." || i === 0) && x !== "..")) {
    throw new Error(`Invalid pattern '${pattern}'. Relative pathing '.' and '..' is not allowed.`);
  }
  pattern = pattern.replace(/\/\/+/g, "/");
  if (pattern === "." || pattern.startsWith("./")) {
    return globEscape(cwd) + pattern.slice(1);
  }
  if (pattern === "~" || pattern.startsWith("~/")) {
    return globEscape(os.homedir()) + pattern.slice(1);
  }
  if (pattern.startsWith("/")) {
    return pattern;
  }
  return `${globEscape(cwd)}${cwd.endsWith("/") ? "" : "/"}${pattern}`;
}

function globEscape(text) {
  return text
    .replace(/\\/g, "\\\\")
    .replace(/(\[)(?=[^/]+\])/g, "[[]")
    .replace(/\?/g, "[?]")
    .replace(/\*/g, "[*]");
}

// internal-path.js: "/a//b/" -> ["/", "a", "b"]; a relative path has no root segment.
function splitPath(text) {
  let p = text.replace(/\/\/+/g, "/");
  if (p.length > 1 && p.endsWith("/")) {
    p = p.slice(0, -1);
  }
  if (!p.startsWith("/")) {
    return p.split("/");
  }
  return p === "/" ? ["/"] : ["/", ...p.slice(1).split("/")];
}

function joinSegments(segments) {
  if (segments.length === 0) {
    return "";
  }
  const [root, ...rest] = segments;
  return root === "/" ? `/${rest.join("/")}` : segments.join("/");
}

// Pattern.getLiteral: the segment unescaped, or "" when it holds a wildcard or a set of more than one character.
function getLiteral(segment) {
  let literal = "";
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i];
    if (c === "\\" && i + 1 < segment.length) {
      literal += segment[++i];
      continue;
    } else if (c === "*" || c === "?") {
      return "";
    } else if (c === "[" && i + 1 < segment.length) {
      let set = "";
      let closed = -1;
      for (let j = i + 1; j < segment.length; j++) {
        const d = segment[j];
        if (d === "\\" && j + 1 < segment.length) {
          set += segment[++j];
          continue;
        } else if (d === "]") {
          closed = j;
          break;
        } else {
          set += d;
        }
      }
      if (closed >= 0) {
        if (set.length > 1) {
          return "";
        }
        if (set) {
          literal += set;
          i = closed;
          continue;
        }
      }
    }
    literal += c;
  }
  return literal;
}

const GLOBSTAR = { globstar: true };

function compileSegment(segment) {
  if (segment === "**") {
    return GLOBSTAR;
  }
  const literal = getLiteral(segment);
  if (literal !== "" || segment === "") {
    return { literal };
  }
  let source = "";
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i];
    if (c === "\\" && i + 1 < segment.length) {
      source += escapeRegExp(segment[++i]);
    } else if (c === "*") {
      source += "[^/]*";
    } else if (c === "?") {
      source += "[^/]";
    } else if (c === "[") {
      const set = compileSet(segment, i);
      if (set === undefined) {
        source += "\\[";
      } else {
        source += set.source;
        i = set.end;
      }
    } else {
      source += escapeRegExp(c);
    }
  }
  return { regexp: new RegExp(`^(?:${source})$`, "u") };
}

function compileSet(segment, start) {
  let i = start + 1;
  let negate = false;
  if (segment[i] === "!" || segment[i] === "^") {
    negate = true;
    i++;
  }
  let body = "";
  for (let first = true; i < segment.length; i++, first = false) {
    const c = segment[i];
    if (c === "]" && !first) {
      return { source: `[${negate ? "^" : ""}${body}]`, end: i };
    }
    if (c === "\\" && i + 1 < segment.length) {
      body += escapeSetChar(segment[++i]);
    } else if (c === "-" && !first && segment[i + 1] !== "]") {
      body += "-";
    } else {
      body += escapeSetChar(c);
    }
  }
  return undefined; // no closing bracket: the `[` is literal
}

function escapeRegExp(text) {
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, "\\$&");
}

function escapeSetChar(c) {
  return /[\\\]\[^\-]/.test(c) ? `\\${c}` : c;
}

// minimatch's matchOne: `**` takes zero or more segments; `partial` accepts a path that ends before the
// pattern does (the globber then walks into it); `atLeastOne` makes a final `**` take one segment or more.
function matchSegments(pattern, pi, file, fi, partial, atLeastOne) {
  if (pi === pattern.length) {
    return fi === file.length;
  }
  const p = pattern[pi];
  if (p === GLOBSTAR) {
    const last = pi === pattern.length - 1;
    if (last) {
      return fi < file.length || (!atLeastOne && fi === file.length) || partial;
    }
    for (let fr = fi; fr <= file.length; fr++) {
      if (matchSegments(pattern, pi + 1, file, fr, partial, atLeastOne)) {
        return true;
      }
    }
    return partial;
  }
  if (fi === file.length) {
    return partial;
  }
  const f = file[fi];
  const hit = p.regexp ? p.regexp.test(f) : p.literal === f;
  return hit && matchSegments(pattern, pi + 1, file, fi + 1, partial, atLeastOne);
}

// --- if: conditions ---------------------------------------------------------------------------------------
// actions/runner src/Sdk/WorkflowParser/Conversion/WorkflowTemplateConverter.cs ConvertToIfCondition: an empty
// condition is success(); one that calls no status function anywhere becomes `success() && (<condition>)`.
function asCondition(expression, contextNames, functionInfos) {
  if (!expression.trim()) {
    return "success()";
  }
  const tree = parse(expression, contextNames, functionInfos);
  return callsStatusFunction(tree) ? expression : `success() && (${expression})`;
}

function callsStatusFunction(node) {
  if (node instanceof FunctionCall && STATUS_FUNCTIONS.has(node.functionName.lexeme.toLowerCase())) {
    return true;
  }
  return Object.values(node).some((child) =>
    Array.isArray(child) ? child.some((x) => x instanceof Expr && callsStatusFunction(x)) : child instanceof Expr && callsStatusFunction(child),
  );
}

// --- requests -----------------------------------------------------------------------------------------------
function parse(expression, contextNames, functionInfos) {
  const tree = new Parser(new Lexer(expression).lex().tokens, contextNames, functionInfos).parse();
  if (tree === undefined) {
    throw new Error("An expression was expected");
  }
  return tree;
}

// Plain JSON to the library's data, with its own reviver applied from the leaves up (what JSON.parse with
// data.reviver does). Its Dictionary ignores the case of keys, as GitHub's contexts do: `github.REF` is
// `github.ref`, `MATRIX.os` is `matrix.os`.
function toData(value) {
  if (Array.isArray(value)) {
    return data.reviver("", value.map(toData));
  }
  if (value !== null && typeof value === "object") {
    return data.reviver("", Object.fromEntries(Object.entries(value).map(([key, item]) => [key, toData(item)])));
  }
  return data.reviver("", value);
}

// The env context is the exception: on Linux and macOS the runner makes it a CaseSensitiveDictionaryContextData
// (actions/runner src/Runner.Worker/StepsRunner.cs and ExecutionContext.cs, `#if OS_WINDOWS` otherwise), so
// `env.path` does not read PATH. The library has no such type, so this one keeps the case of its keys.
class CaseSensitiveDictionary extends data.Dictionary {
  constructor(pairs) {
    super();
    this.entries = new Map();
    for (const { key, value } of pairs) {
      this.add(key, value);
    }
  }

  add(key, value) {
    if (!this.entries.has(key)) {
      this.entries.set(key, value);
    }
  }

  get(key) {
    return this.entries.get(key);
  }

  values() {
    return [...this.entries.values()];
  }

  pairs() {
    return [...this.entries].map(([key, value]) => ({ key, value }));
  }
}

function toContexts(given) {
  const contexts = new data.Dictionary();
  for (const [name, value] of Object.entries(given ?? {})) {
    const isEnv = name.toLowerCase() === "env" && value !== null && typeof value === "object" && !Array.isArray(value);
    contexts.add(name, isEnv ? new CaseSensitiveDictionary(Object.entries(value).map(([key, item]) => ({ key, value: toData(item) }))) : toData(value));
  }
  for (const name of CONTEXT_NAMES) {
    contexts.add(name, new data.Null()); // ignored for a name already there
  }
  return contexts;
}

function answer(line) {
  const request = JSON.parse(line);
  if (request === null || typeof request !== "object" || Array.isArray(request)) {
    throw new Error("a request must be a JSON object");
  }
  const { expression, contexts: given, status = "success", condition = false } = request;
  if (typeof expression !== "string") {
    throw new Error('a request needs "expression", a string');
  }
  if (!STATUSES.has(status)) {
    throw new Error(`status must be success, failure, cancelled or skipped, not ${JSON.stringify(status)}`);
  }
  if (given !== undefined && (given === null || typeof given !== "object" || Array.isArray(given))) {
    throw new Error('"contexts" must be a JSON object');
  }
  const contexts = toContexts(given);
  const contextNames = contexts.pairs().map((pair) => pair.key);
  // the runner hashes under github.workspace; a request may name the folder itself
  const workspace = request.workspace ?? given?.github?.workspace;
  const definitions = functions(status, typeof workspace === "string" ? workspace : undefined);
  const source = condition === true ? asCondition(expression, contextNames, definitions) : expression;
  const tree = parse(source, contextNames, definitions);
  const implementations = new Map(definitions.map((f) => [f.name.toLowerCase(), f]));
  const result = new Evaluator(tree, contexts, implementations).evaluate();
  // `value` stays library data until the response is written with the library's replacer
  return { value: result, text: result.coerceString(), truthy: truthy(result) };
}

function oneLine(message) {
  return String(message).replace(/\s+/g, " ").trim() || "error";
}

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (!line.trim()) {
    continue;
  }
  let response;
  try {
    response = answer(line);
  } catch (error) {
    response = { error: oneLine(error instanceof Error ? error.message : error) };
  }
  process.stdout.write(JSON.stringify(response, data.replacer) + "\n");
}
