import assert from "node:assert/strict";
import { DownloadTally } from "./kafka_jars.ts";

Deno.test("DownloadTally counts Maven's downloaded files and bytes, and names the last", () => {
  const tally = new DownloadTally();
  assert.equal(tally.add("[INFO] Downloading from central: https://repo/x/a.pom"), false);
  assert.equal(
    tally.add("[INFO] Downloaded from central: https://repo/x/a-1.pom (3.9 kB at 7.4 kB/s)"),
    true,
  );
  tally.add(
    "[INFO] Downloaded from central: https://repo/k/kafka-clients-4.4.0.jar (2.1 MB at 9 MB/s)",
  );
  tally.add("[INFO] Downloaded from central: https://repo/z/z.sha1 (40 B at 1 kB/s)");
  assert.equal(tally.files, 3);
  assert.equal(tally.bytes, 3900 + 2_100_000 + 40);
  assert.equal(tally.text(), "3 files, 2.1 MB (z.sha1 last)");
});
