import { describe, expect, it } from "vitest";
import { createBodyBudget } from "./create-body-budget.js";

describe("createBodyBudget", () => {
  it("hands out bytes up to its limit, refuses what does not fit, and takes bytes back", () => {
    const budget = createBodyBudget(100);
    expect(budget.reserve(60)).toBe(true);
    expect(budget.reserve(41)).toBe(false);
    expect(budget.heldBytes).toBe(60);
    expect(budget.reserve(40)).toBe(true);
    expect(budget.reserve(1)).toBe(false);
    budget.release(60);
    expect(budget.heldBytes).toBe(40);
    expect(budget.reserve(60)).toBe(true);
    budget.release(500);
    expect(budget.heldBytes).toBe(0);
  });
});
