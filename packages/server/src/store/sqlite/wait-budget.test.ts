import { describe, expect, it } from 'vitest';
import { WaitBudget } from './wait-budget';

describe('WaitBudget (how much of its time the loop may wait for commits)', () => {
  it('allows waits until their time spends the credit, then again once a share of the time since refilled it', () => {
    const budget = new WaitBudget(0.05, 20, 0);
    expect(budget.allows(0)).toBe(true);
    budget.spend(15);
    expect(budget.allows(0)).toBe(true); // 5 ms left
    budget.spend(10);
    expect(budget.allows(0)).toBe(false); // 5 ms owed
    expect(budget.allows(99)).toBe(false); // 4.95 ms refilled
    expect(budget.allows(101)).toBe(true); // 5.05 ms refilled
  });

  it('refills to its cap at most, so a long quiet spell buys one burst, not an unbounded one', () => {
    const budget = new WaitBudget(0.05, 20, 0);
    expect(budget.allows(3_600_000)).toBe(true);
    budget.spend(20);
    expect(budget.allows(3_600_000)).toBe(false);
  });

  it('sets no limit at a share of 1', () => {
    const budget = new WaitBudget(1, 20, 0);
    budget.spend(1_000);
    expect(budget.allows(0)).toBe(true);
  });
});
