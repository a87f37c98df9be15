import assert from "node:assert/strict";
import { pipelineAccountName } from "./accounts.ts";

Deno.test("accounts: a pipeline trades in the account it names, else in its own", () => {
  assert.equal(pipelineAccountName({ id: "p1", account: "swing" }), "swing");
  assert.equal(pipelineAccountName({ id: "p1", account: null }), "pipeline-p1");
  assert.notEqual(
    pipelineAccountName({ id: "p1", account: null }),
    pipelineAccountName({ id: "p2", account: null }),
  );
});
