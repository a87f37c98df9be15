/** Lines of a UTF-8 byte stream (a child process's output), without their newlines. */
export async function* textLines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  let pending = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    const lines = (pending + chunk).split("\n");
    pending = lines.pop() ?? "";
    yield* lines;
  }
  // A last line without its newline still counts.
  if (pending) yield pending;
}
