import { afterEach, describe, expect, it } from 'vitest';
import { newId } from './use-job-content';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('ids for notes and entries', () => {
  afterEach(() => {
    delete (crypto as { randomUUID?: unknown }).randomUUID; // drops the own property; the prototype's returns
  });

  it('are UUIDs even where randomUUID is missing (plain http on a site LAN)', () => {
    Object.defineProperty(crypto, 'randomUUID', { value: undefined, configurable: true });
    expect(typeof crypto.randomUUID).toBe('undefined');
    const ids = new Set(Array.from({ length: 50 }, newId));
    expect(ids.size).toBe(50);
    for (const id of ids) expect(id).toMatch(UUID_V4);
  });
});
