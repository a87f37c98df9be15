/**
 * The README's examples as data, so a test can run them: every ```bash block that calls the API,
 * and every ```json block introduced by a line naming its file (`golden_cross.json`:), which the
 * commands read with `-d @file`.
 */

/** A fenced block of the README and the line it starts on. */
export interface ReadmeBlock {
  language: string;
  code: string;
  line: number;
  /** The file name a "`name.json`:" line just above the block gives it. */
  file?: string;
}

/** Every fenced block of `markdown`, in order. */
export function readmeBlocks(markdown: string): ReadmeBlock[] {
  const lines = markdown.split("\n");
  const blocks: ReadmeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = lines[i]!.match(/^```(\w*)\s*$/);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    while (++i < lines.length && !lines[i]!.startsWith("```")) body.push(lines[i]!);
    const label = lines.slice(Math.max(0, start - 2), start).join("\n")
      .match(/`([\w.-]+\.json)`:\s*$/);
    blocks.push({
      language: open[1] ?? "",
      code: body.join("\n"),
      line: start + 1,
      ...(label ? { file: label[1]! } : {}),
    });
  }
  return blocks;
}

/** The bash blocks that talk to the API at localhost:8000. */
export function apiExamples(blocks: ReadmeBlock[]): ReadmeBlock[] {
  return blocks.filter((b) => b.language === "bash" && b.code.includes("localhost:8000"));
}

/** The shell variables the examples set (`TOKEN=$(…)`), carried from one example to the next. */
export function exampleVariables(examples: ReadmeBlock[]): string[] {
  const names = examples.flatMap((b) => [...b.code.matchAll(/^([A-Z_][A-Z0-9_]*)=/gm)])
    .map((m) => m[1]!);
  return [...new Set(names)];
}

/**
 * A script running `example` against `baseUrl` in the current directory: it fails on the first
 * HTTP error, reads the variables earlier examples set from `.readme-state` and saves its own.
 */
export function exampleScript(example: ReadmeBlock, baseUrl: string, variables: string[]): string {
  return [
    "set -euo pipefail",
    // An example that gets a 4xx or 5xx fails, with the response body in its output.
    'curl() { command curl --silent --show-error --fail-with-body "$@"; echo; }',
    "if [ -f .readme-state ]; then source .readme-state; fi",
    `echo "## README line ${example.line}"`,
    example.code.replaceAll("localhost:8000", baseUrl),
    variables.length === 0 ? ": > .readme-state" : [
      `for v in ${variables.join(" ")}; do`,
      `  if [ -n "\${!v-}" ]; then printf '%s=%q\\n' "$v" "\${!v}"; fi`,
      "done > .readme-state",
    ].join("\n"),
  ].join("\n");
}
