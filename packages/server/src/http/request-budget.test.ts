import { describe, expect, it } from 'vitest';
import { RequestBudget } from './request-budget';

describe('a per-user request budget', () => {
  it('lets a burst through, then names the whole seconds until the next request may go', () => {
    let now = 0;
    const budget = new RequestBudget(0.5, 3, () => now);
    expect([budget.take('alice'), budget.take('alice'), budget.take('alice')]).toEqual([0, 0, 0]);
    expect(budget.take('alice')).toBe(2);
    now += 1_000;
    expect(budget.take('alice')).toBe(1);
    now += 1_000;
    expect(budget.take('alice')).toBe(0);
  });

  it("keeps each user's budget apart, and a refused request spends nothing", () => {
    let now = 0;
    const budget = new RequestBudget(1, 1, () => now);
    expect(budget.take('alice')).toBe(0);
    for (let i = 0; i < 10; i++) expect(budget.take('alice')).toBe(1);
    expect(budget.take('bob')).toBe(0);
    now += 1_000;
    expect(budget.take('alice')).toBe(0);
  });
});
