// Parse workflow files with GitHub's own parser and print the errors as JSON on stdout.
//
// Usage: node --import ./register.mjs validate.mjs FILE...
// Output: {"parser": "<version>", "files": [{"file": FILE, "errors": [{"message", "line", "column"}]}]}
// Exit status: 0 when the files were read and parsed (errors or not), 2 on a usage or read problem.
import { readFile } from "node:fs/promises";

import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from "@actions/workflow-parser";

// The package's "exports" map hides package.json, so read it from node_modules directly.
const packageJson = new URL("./node_modules/@actions/workflow-parser/package.json", import.meta.url);
const parserVersion = JSON.parse(await readFile(packageJson, "utf8")).version;

async function check(file) {
  const content = await readFile(file, "utf8");
  const parsed = parseWorkflow({ name: file, content }, new NoOperationTraceWriter());
  // parseWorkflow checks the file against the workflow schema; convertWorkflowTemplate adds the checks
  // GitHub makes when it builds the run (job graph, matrix, concurrency, events). It adds to the same
  // error list, so reading the context afterwards gets both.
  if (parsed.value !== undefined) {
    await convertWorkflowTemplate(parsed.context, parsed.value);
  }
  return parsed.context.errors.getErrors().map((error) => ({
    message: error.rawMessage,
    line: error.range?.start.line ?? null,
    column: error.range?.start.column ?? null,
  }));
}

async function main(files) {
  if (files.length === 0) {
    process.stderr.write("usage: node --import ./register.mjs validate.mjs FILE...\n");
    return 2;
  }
  const results = [];
  for (const file of files) {
    try {
      results.push({ file, errors: await check(file) });
    } catch (error) {
      process.stderr.write(`${file}: ${error.message}\n`);
      return 2;
    }
  }
  process.stdout.write(JSON.stringify({ parser: parserVersion, files: results }) + "\n");
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
