/** Splits a byte stream into lines and writes each with a fixed prefix (for a combined console). */

/** Pipes `stream` to `out`, line by line, each line prefixed; a partial last line is flushed. */
export async function prefixLines(
  stream: ReadableStream<Uint8Array>,
  prefix: string,
  out: WritableStreamDefaultWriter<Uint8Array>,
): Promise<void> {
  const encoder = new TextEncoder();
  let pending = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    const lines = (pending + chunk).split("\n");
    pending = lines.pop() ?? "";
    if (lines.length > 0) {
      await out.write(encoder.encode(lines.map((l) => `${prefix}${l}\n`).join("")));
    }
  }
  if (pending) await out.write(encoder.encode(`${prefix}${pending}\n`));
}
