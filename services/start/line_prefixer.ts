/** Splits a byte stream into lines and writes each with a fixed prefix (for a combined console). */
import { textLines } from "../../shared/text_lines.ts";

/** Pipes `stream` to `out`, line by line, each line prefixed; a partial last line is flushed. */
export async function prefixLines(
  stream: ReadableStream<Uint8Array>,
  prefix: string,
  out: WritableStreamDefaultWriter<Uint8Array>,
): Promise<void> {
  const encoder = new TextEncoder();
  for await (const line of textLines(stream)) await out.write(encoder.encode(`${prefix}${line}\n`));
}
