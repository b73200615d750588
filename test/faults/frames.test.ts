import * as decoding from 'lib0/decoding';
import { describe, expect, it } from 'vitest';
import { classifyUpdate, newJobDoc } from '@outpost/shared';
import { FRAME_KINDS, hostileFrame, mutate } from './support/frames';
import { Prng } from './support/seed';

function updateOf(bytes: Uint8Array): Uint8Array {
  const d = decoding.createDecoder(bytes);
  expect(decoding.readVarUint(d)).toBe(0);
  decoding.readVarUint(d);
  return decoding.readVarUint8Array(d);
}

describe('hostile frame generator', () => {
  it('replays the exact same frames from the same seed', () => {
    const a = new Prng(42);
    const b = new Prng(42);
    for (let i = 0; i < 300; i++) {
      const fa = hostileFrame(a);
      const fb = hostileFrame(b);
      expect(fb.kind).toBe(fa.kind);
      expect(Buffer.from(fb.bytes).equals(Buffer.from(fa.bytes)), fa.kind).toBe(true);
    }
  });

  it('draws every kind of attack', () => {
    const rng = new Prng(1);
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) seen.add(hostileFrame(rng).kind);
    expect([...seen].sort()).toEqual([...FRAME_KINDS].sort());
  });

  it('aims forbidden-root frames at the server map and unknown-root frames elsewhere', () => {
    const rng = new Prng(3);
    for (let i = 0; i < 20; i++) {
      const server = classifyUpdate(updateOf(hostileFrame(rng, 'forbiddenRoot').bytes), newJobDoc('j'), { userId: 'alice', role: 'technician' });
      expect(server).toMatchObject({ ok: false, code: 'server_owned' });
      const unknown = classifyUpdate(updateOf(hostileFrame(rng, 'unknownRoot').bytes), newJobDoc('j'), { userId: 'alice', role: 'technician' });
      expect(unknown).toMatchObject({ ok: false, code: 'unknown_root' });
    }
  });

  it('always changes what it mutates', () => {
    const rng = new Prng(9);
    const original = Uint8Array.from({ length: 40 }, (_, i) => i);
    for (let i = 0; i < 500; i++) expect(Buffer.from(mutate(rng, original)).equals(Buffer.from(original))).toBe(false);
  });
});
