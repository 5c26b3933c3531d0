import { describe, expect, it } from "vitest";
import { isBillingHeaderText } from "./is-billing-header-text.js";

describe("isBillingHeaderText", () => {
  it.each([
    "x-anthropic-billing-header: cc_version=2.1.332.885; cc_entrypoint=sdk-cli;",
    "x-anthropic-billing-header: cc_version=2.1.332.0a1; cc_entrypoint=cli; cch=00000; cc_workload=cron;",
    "  x-anthropic-billing-header: cc_version=2.1.332.885; cc_entrypoint=cli;\n",
  ])("recognises the header line %j", (text) => {
    expect(isBillingHeaderText(text)).toBe(true);
  });

  it.each([
    // An instruction after the header makes the block an instruction.
    "x-anthropic-billing-header: cc_version=2.1.332.885; cc_entrypoint=cli;\nYou are Claude Code.",
    "You are Claude Code. x-anthropic-billing-header: cc_version=1;",
    "x-anthropic-billing-header: please keep this text",
    "x-anthropic-billing-header:",
    "X-Anthropic-Billing-Header cc_version=1;",
    "",
  ])("keeps any other text %j", (text) => {
    expect(isBillingHeaderText(text)).toBe(false);
  });
});
