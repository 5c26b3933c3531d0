import { describe, expect, it } from "vitest";
import { findToolUseSafeguard } from "./find-tool-use-safeguard.js";

describe("findToolUseSafeguard", () => {
  it("finds the dangerous_tool_use check and warns about checks it does not serve", () => {
    const first = { type: "dangerous_tool_use", classifier_context: { v: 1 } };
    expect(
      findToolUseSafeguard({
        safeguards: [
          { type: "future_check" },
          first,
          { type: "dangerous_tool_use", classifier_context: { v: 2 } },
        ],
      }),
    ).toEqual({
      value: first,
      warnings: ['safeguards: the "future_check" check is not served; no result is returned for it.'],
    });
  });

  it.each([undefined, null, []])("finds nothing in %j", (safeguards) => {
    expect(findToolUseSafeguard({ safeguards })).toEqual({ value: undefined, warnings: [] });
  });
});
