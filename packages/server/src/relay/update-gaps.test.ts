import { describe, expect, it } from 'vitest';
import { decodeJobUpdate } from '@outpost/shared';
import * as Y from 'yjs';
import { appliesFully, bringsNothing } from './update-gaps';

/** A device doc that wrote two notes, and the server's copy that has seen `seen` of them. */
function twoWrites() {
  const device = new Y.Doc();
  const notes = device.getArray<string>('notes');
  notes.push(['one']);
  const afterOne = Y.encodeStateVector(device);
  const one = Y.encodeStateAsUpdate(device);
  notes.push(['two']);
  const two = Y.encodeStateAsUpdate(device, afterOne);
  return { device, one, two };
}

describe('appliesFully', () => {
  it('accepts an update whose every struct and deletion the server can place', () => {
    const { one, two } = twoWrites();
    const server = new Y.Doc();
    expect(appliesFully(decodeJobUpdate(one), server)).toBe(true);
    Y.applyUpdate(server, one);
    expect(appliesFully(decodeJobUpdate(two), server)).toBe(true);
  });

  it("refuses an update that skips its own client's earlier changes", () => {
    const { two } = twoWrites();
    expect(appliesFully(decodeJobUpdate(two), new Y.Doc())).toBe(false);
  });

  it('refuses an update that builds on another client’s item the server lacks', () => {
    const { device, one } = twoWrites();
    const other = new Y.Doc();
    Y.applyUpdate(other, Y.encodeStateAsUpdate(device));
    const before = Y.encodeStateVector(other);
    other.getArray<string>('notes').insert(1, ['between']);
    const insert = Y.encodeStateAsUpdate(other, before);
    const server = new Y.Doc();
    Y.applyUpdate(server, one);
    expect(appliesFully(decodeJobUpdate(insert), server)).toBe(false);
  });

  it('refuses a deletion of items the server has never seen', () => {
    const { device, one } = twoWrites();
    const server = new Y.Doc();
    Y.applyUpdate(server, one);
    const before = Y.encodeStateVector(device);
    device.getArray<string>('notes').delete(1, 1);
    const deletion = Y.encodeStateAsUpdate(device, before); // names the 'two' item the server lacks
    expect(appliesFully(decodeJobUpdate(deletion), server)).toBe(false);
    const withTwo = new Y.Doc();
    Y.applyUpdate(withTwo, Y.encodeStateAsUpdate(device, Y.encodeStateVector(new Y.Doc())));
    expect(appliesFully(decodeJobUpdate(deletion), withTwo)).toBe(true);
  });
});

describe('bringsNothing', () => {
  /** A device and the server holding the same job, with an item the device deleted. */
  function inSync() {
    const device = new Y.Doc();
    const notes = device.getArray<string>('notes');
    notes.push(['one', 'two']);
    notes.delete(0, 1);
    const server = new Y.Doc();
    Y.applyUpdate(server, Y.encodeStateAsUpdate(device));
    return { device, notes, server };
  }

  it("takes the device's step 2 answering a server that lacks nothing (its whole delete set again) as nothing", () => {
    const { device, server } = inSync();
    const answer = Y.encodeStateAsUpdate(device, Y.encodeStateVector(server));
    expect(answer.length).toBeGreaterThan(2); // not the empty update: it repeats the delete set
    expect(bringsNothing(decodeJobUpdate(answer), server)).toBe(true);
  });

  it('sees a new struct or a deletion of an item the server still has', () => {
    const { device, notes, server } = inSync();
    const before = Y.encodeStateVector(server);
    notes.delete(0, 1);
    expect(bringsNothing(decodeJobUpdate(Y.encodeStateAsUpdate(device, before)), server)).toBe(false);
    notes.push(['three']);
    expect(bringsNothing(decodeJobUpdate(Y.encodeStateAsUpdate(device, before)), server)).toBe(false);
  });

  it('sees a deletion of clocks the server has never seen', () => {
    const { server } = inSync();
    const ahead = new Y.Doc();
    Y.applyUpdate(ahead, Y.encodeStateAsUpdate(server));
    const arr = ahead.getArray<string>('notes');
    arr.push(['later']);
    arr.delete(arr.length - 1, 1);
    const onlyDeletes = Y.encodeStateAsUpdate(ahead, Y.encodeStateVector(ahead));
    expect(bringsNothing(decodeJobUpdate(onlyDeletes), server)).toBe(false);
  });
});
