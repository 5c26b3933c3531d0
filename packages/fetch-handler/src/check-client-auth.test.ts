import { describe, expect, it } from "vitest";
import { checkClientAuth } from "./check-client-auth.js";

const withHeaders = (headers: Record<string, string>) =>
  new Request("http://localhost/v1/messages", { headers });

describe("checkClientAuth", () => {
  it.each([
    [{ "x-api-key": "s3cret" }, true],
    [{ authorization: "Bearer s3cret" }, true],
    [{ authorization: "bearer   s3cret" }, true],
    [{ "x-api-key": "placeholder", authorization: "Bearer s3cret" }, true],
    [{ "x-api-key": "s3cre" }, false],
    [{ "x-api-key": "s3cret!" }, false],
    [{ "x-api-key": "S3CRET" }, false],
    [{ authorization: "Basic s3cret" }, false],
    [{ authorization: "s3cret" }, false],
    [{}, false],
  ])("%j → %s", async (headers, expected) => {
    expect(await checkClientAuth(withHeaders(headers), "s3cret")).toBe(expected);
  });
});
