import assert from "node:assert/strict";
import { apiExamples, exampleScript, exampleVariables, readmeBlocks } from "./readme_examples.ts";

const markdown = [
  "Intro",
  "```bash",
  "curl -s localhost:8000/healthz",
  "```",
  "`body.json`:",
  "",
  "```json",
  '{"a": 1}',
  "```",
  "```bash",
  "deno task start",
  "```",
].join("\n");

Deno.test("readmeBlocks finds each fence, its line and the file a label names", () => {
  const blocks = readmeBlocks(markdown);
  assert.deepEqual(blocks, [
    { language: "bash", code: "curl -s localhost:8000/healthz", line: 2 },
    { language: "json", code: '{"a": 1}', line: 7, file: "body.json" },
    { language: "bash", code: "deno task start", line: 10 },
  ]);
});

Deno.test("exampleScript runs one example against the given address and keeps its variables", async () => {
  const examples = apiExamples(readmeBlocks(markdown));
  assert.equal(examples.length, 1);
  const example = {
    ...examples[0]!,
    code: `TOKEN=abc\n${examples[0]!.code.replace("curl", ": curl")}`,
  };
  assert.deepEqual(exampleVariables([example]), ["TOKEN"]);
  const script = exampleScript(example, "http://127.0.0.1:5", ["TOKEN"]);
  assert.match(script, /: curl -s http:\/\/127\.0\.0\.1:5\/healthz/);
  const dir = await Deno.makeTempDir();
  try {
    const run = await new Deno.Command("bash", { args: ["-c", script], cwd: dir }).output();
    assert.equal(run.code, 0, new TextDecoder().decode(run.stderr));
    assert.equal(await Deno.readTextFile(`${dir}/.readme-state`), "TOKEN=abc\n");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
