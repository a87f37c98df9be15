import assert from "node:assert/strict";
import { agentRegistry } from "../../../../shared/agents/registry.ts";
import { pipelineBodySchemas } from "../../../../shared/schemas/pipeline_request.ts";
import { emptyValues, parseValues } from "./form_values.ts";
import { defaultListen, listenBody, listenFromForm, listenValuesOf } from "./listen_values.ts";

const WEBHOOK = "webhook:0b9e3f55-4a4e-4f5e-9d6a-2f1c2b3a4d5e";
const SCANNER = "scanner:1c8f2a66-5b5f-4a6f-8e7b-3a2d3c4b5e6f";
const schema = pipelineBodySchemas({ agents: agentRegistry }).create;

Deno.test("listenFromForm: the defaults give a null listen_to; a form without the section too", () => {
  assert.equal(listenBody(defaultListen()), null);
  assert.deepEqual(listenFromForm({ name: "x" }), defaultListen());
  const untouched = listenFromForm({
    listen_form: "1",
    listen_public: "on",
    listen_mode: "all",
    confluence_k: "2",
    confluence_within: "3600",
    confluence_of: ["", ""],
  });
  assert.equal(listenBody(untouched), null);
});

Deno.test("listenFromForm → listenBody: chosen sources and an ordered 2-of-2 confluence", () => {
  const values = listenFromForm({
    listen_form: "1",
    listen_mode: "some",
    listen_sources: [WEBHOOK, SCANNER],
    confluence_on: "on",
    confluence_k: "2",
    confluence_of: [SCANNER, "", WEBHOOK],
    confluence_within: "600",
    confluence_ordered: "on",
  });
  const body = listenBody(values);
  assert.deepEqual(body, {
    public: false,
    sources: [WEBHOOK, SCANNER],
    confluence: { k: 2, of: [SCANNER, WEBHOOK], within_seconds: 600, ordered: true },
  });
  assert.deepEqual(listenValuesOf(schema.shape.listen_to.parse(body)), values, "round trip");
});

Deno.test("parseValues: confluence issues show beside the confluence fields", () => {
  const values = {
    ...emptyValues(),
    name: "c",
    scanner_tickers: ["AAPL"],
    listen: {
      ...defaultListen(),
      confluence: true,
      k: "3",
      of: [WEBHOOK, "golden_cross"],
      within: "soon",
    },
  };
  const parsed = parseValues(schema, values);
  assert.ok(!parsed.ok);
  assert.match(parsed.errors.confluence_within ?? "", /number/);
  const tooMany = parseValues(schema, { ...values, listen: { ...values.listen, within: "60" } });
  assert.ok(!tooMany.ok);
  assert.equal(tooMany.errors.confluence_k, 'must be at most the number of sources in "of"');
  const none = parseValues(schema, {
    ...values,
    listen: { ...values.listen, k: "1", of: [], within: "60" },
  });
  assert.ok(!none.ok);
  assert.ok(none.errors.confluence_of, JSON.stringify(none.errors));
});
