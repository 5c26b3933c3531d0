import { describe, expect, it } from "vitest";
import { readNetworkFailure } from "./read-network-failure.js";

const withCause = (code: string, name = "TypeError") =>
  Object.assign(new Error("fetch failed"), { name, cause: Object.assign(new Error("inner"), { code }) });

describe("readNetworkFailure: names and codes, never the message", () => {
  it.each([
    ["a refused connection", withCause("ECONNREFUSED"), { cause: "unreachable", code: "ECONNREFUSED" }],
    [
      "Bun's refused connection",
      withCause("ConnectionRefused"),
      { cause: "unreachable", code: "ConnectionRefused" },
    ],
    ["a reset socket", withCause("UND_ERR_SOCKET"), { cause: "unreachable", code: "UND_ERR_SOCKET" }],
    [
      "a connect timeout",
      withCause("UND_ERR_CONNECT_TIMEOUT"),
      { cause: "timeout", code: "UND_ERR_CONNECT_TIMEOUT" },
    ],
    [
      "ETIMEDOUT on the error itself",
      Object.assign(new Error("x"), { code: "ETIMEDOUT" }),
      { cause: "timeout", code: "ETIMEDOUT" },
    ],
    ["an abort", Object.assign(new Error("x"), { name: "AbortError" }), { cause: "timeout" }],
    ["a TimeoutError", Object.assign(new Error("x"), { name: "TimeoutError" }), { cause: "timeout" }],
    [
      "a fetch TypeError without a code (Deno)",
      new TypeError("error sending request for url"),
      { cause: "unreachable" },
    ],
    ["a TypeError with a code of Node's own (a bug)", withCause("ERR_INVALID_ARG_TYPE"), undefined],
    [
      "a plain Error whose message names a network failure",
      new Error("connect ECONNREFUSED 127.0.0.1"),
      undefined,
    ],
    ["a string", "ECONNREFUSED", undefined],
    ["null", null, undefined],
  ])("%s", (_label, error, expected) => {
    expect(readNetworkFailure(error)).toEqual(expected);
  });
});
