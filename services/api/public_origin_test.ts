import assert from "node:assert/strict";
import { publicOrigin } from "./public_origin.ts";

const url = "http://127.0.0.1:8000/pipelines";
const behindProxy = { url, forwardedProto: "https", forwardedHost: "tickwire.example.com" };

Deno.test("publicOrigin: the request URL's origin unless the proxy is trusted", () => {
  assert.equal(publicOrigin({ url }, false), "http://127.0.0.1:8000");
  assert.equal(publicOrigin(behindProxy, false), "http://127.0.0.1:8000");
  assert.equal(publicOrigin({ url }, true), "http://127.0.0.1:8000");
});

Deno.test("publicOrigin: a trusted proxy's forwarded scheme and host, first entries", () => {
  assert.equal(publicOrigin(behindProxy, true), "https://tickwire.example.com");
  assert.equal(
    publicOrigin({ url, forwardedProto: "HTTPS, http", forwardedHost: "a.example:8443, b" }, true),
    "https://a.example:8443",
  );
  assert.equal(publicOrigin({ url, forwardedProto: "https" }, true), "https://127.0.0.1:8000");
  assert.equal(
    publicOrigin({ url, forwardedProto: "https", forwardedHost: "tickwire.example.com:443" }, true),
    "https://tickwire.example.com",
    "the default port is dropped, as a browser's Origin drops it",
  );
  assert.equal(publicOrigin({ url, forwardedHost: "[::1]:9000" }, true), "http://[::1]:9000");
});

Deno.test("publicOrigin: forwarded values that are not a scheme or a bare host are ignored", () => {
  for (const forwardedHost of ["evil.example/path", "user@evil.example", "a b", "x:99999", ""]) {
    assert.equal(
      publicOrigin({ url, forwardedProto: "https", forwardedHost }, true),
      "https://127.0.0.1:8000",
      forwardedHost,
    );
  }
  assert.equal(publicOrigin({ url, forwardedProto: "javascript" }, true), "http://127.0.0.1:8000");
});
