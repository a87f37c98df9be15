import assert from "node:assert/strict";
import { type AddressClass, cidrContains, classifyAddress, parseCidr } from "./address_class.ts";
import { formatIpAddress, parseIpAddress } from "./ip_address.ts";

/** Host text → how it must be classified (null: an ordinary public address). */
const CASES: [string, AddressClass | null][] = [
  // IPv4 loopback in every numeric form a URL host may take.
  ["127.0.0.1", "loopback"],
  ["2130706433", "loopback"], // decimal
  ["0x7f000001", "loopback"], // hex
  ["0X7F.0.0.1", "loopback"],
  ["0177.0.0.1", "loopback"], // octal
  ["017700000001", "loopback"],
  ["127.1", "loopback"], // short forms
  ["127.0.1", "loopback"],
  ["0x7f.1", "loopback"],
  ["127.0.0.1.", "loopback"], // trailing dot
  ["127.255.255.254", "loopback"],
  ["localhost", null], // a name, not an address: resolved elsewhere
  // Unspecified and "this network".
  ["0.0.0.0", "unspecified"],
  ["0", "unspecified"],
  ["0.1.2.3", "special-purpose"],
  // Private, shared, link-local (cloud metadata).
  ["10.0.0.1", "private"],
  ["012.0.0.1", "private"], // octal 10
  ["172.16.0.1", "private"],
  ["172.31.255.255", "private"],
  ["172.32.0.1", null],
  ["192.168.1.1", "private"],
  ["100.64.0.1", "private"],
  ["100.128.0.1", null],
  ["169.254.169.254", "link-local"],
  ["2852039166", "link-local"], // 169.254.169.254 in decimal
  // Multicast, broadcast, reserved, documentation, benchmarking.
  ["224.0.0.1", "multicast"],
  ["239.255.255.250", "multicast"],
  ["255.255.255.255", "special-purpose"],
  ["240.0.0.1", "special-purpose"],
  ["192.0.2.10", "special-purpose"],
  ["198.18.0.1", "special-purpose"],
  ["192.0.0.8", "special-purpose"],
  // Public IPv4.
  ["8.8.8.8", null],
  ["1.1.1.1", null],
  ["93.184.216.34", null],
  // IPv6.
  ["::1", "loopback"],
  ["[::1]", "loopback"],
  ["0:0:0:0:0:0:0:1", "loopback"],
  ["::", "unspecified"],
  ["::ffff:127.0.0.1", "loopback"], // IPv4-mapped
  ["::ffff:7f00:1", "loopback"],
  ["[::ffff:7f00:1]", "loopback"],
  ["::ffff:10.1.2.3", "private"],
  ["::ffff:169.254.169.254", "link-local"],
  ["::ffff:8.8.8.8", null],
  ["::127.0.0.1", "special-purpose"], // deprecated IPv4-compatible
  ["64:ff9b::7f00:1", "loopback"], // NAT64 of 127.0.0.1
  ["64:ff9b::808:808", null], // NAT64 of 8.8.8.8
  ["2002:7f00:1::", "loopback"], // 6to4 of 127.0.0.1
  ["2002:808:808::1", null],
  ["fe80::1", "link-local"],
  ["fe80::1%eth0", "link-local"],
  ["fc00::1", "private"],
  ["fd12:3456:789a::1", "private"],
  ["fec0::1", "private"],
  ["ff02::1", "multicast"],
  ["2001:db8::1", "special-purpose"],
  ["2001::1", "special-purpose"], // Teredo
  ["100::1", "special-purpose"],
  ["2606:4700:4700::1111", null],
  ["2a00:1450:4001:82a::200e", null],
];

for (const [host, expected] of CASES) {
  Deno.test(`classifyAddress: ${host} → ${expected ?? "public"}`, () => {
    const address = parseIpAddress(host);
    if (host === "localhost") return assert.equal(address, null);
    assert.ok(address, `${host} parses as an address`);
    assert.equal(classifyAddress(address), expected);
  });
}

Deno.test("parseIpAddress: what is not an address", () => {
  for (
    const text of [
      "example.com",
      "256.0.0.1",
      "1.2.3.4.5",
      "4294967296",
      "08.0.0.1",
      "1..2",
      "::1::",
      "1:2:3:4:5:6:7:8:9",
      "12345::",
      "::1.2.3",
      "1.2.3.4::",
      "",
    ]
  ) {
    assert.equal(parseIpAddress(text), null, text);
  }
  // As the WHATWG URL parser (and so fetch) reads it.
  assert.equal(formatIpAddress(parseIpAddress("0x")!), "0.0.0.0");
});

Deno.test("formatIpAddress: canonical text", () => {
  for (
    const [text, canonical] of [
      ["2130706433", "127.0.0.1"],
      ["0:0:0:0:0:0:0:1", "::1"],
      ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"],
      ["::ffff:7f00:1", "::ffff:127.0.0.1"],
      ["fe80::1%eth0", "fe80::1"],
      ["1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"],
      ["1::", "1::"],
    ]
  ) {
    assert.equal(formatIpAddress(parseIpAddress(text!)!), canonical);
  }
});

Deno.test("parseCidr and cidrContains: blocks, single addresses, mapped addresses", () => {
  const loopback = parseCidr("127.0.0.0/8")!;
  assert.ok(cidrContains(loopback, parseIpAddress("127.9.9.9")!));
  assert.ok(cidrContains(loopback, parseIpAddress("::ffff:127.0.0.1")!));
  assert.ok(!cidrContains(loopback, parseIpAddress("128.0.0.1")!));
  assert.ok(!cidrContains(loopback, parseIpAddress("::1")!));
  const one = parseCidr("10.1.2.3")!;
  assert.equal(one.bits, 32);
  assert.ok(cidrContains(one, parseIpAddress("10.1.2.3")!));
  assert.ok(!cidrContains(one, parseIpAddress("10.1.2.4")!));
  assert.ok(cidrContains(parseCidr("fd00::/8")!, parseIpAddress("fd12::1")!));
  assert.ok(cidrContains(parseCidr("0.0.0.0/0")!, parseIpAddress("8.8.8.8")!));
  for (const bad of ["10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/8/8", "example.com/8"]) {
    assert.equal(parseCidr(bad), null, bad);
  }
});
