import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { captureUpdates, newFieldDevice, typeKey } from '../src/load/field-work';
import { singleRunEnd } from '../src/load/update-head';

/** What Yjs itself says the update covers, for the updates `singleRunEnd` reads. */
function yjsSays(update: Uint8Array): { client: number; to: number } {
  const clients = [...Y.parseUpdateMeta(update).to];
  expect(clients).toHaveLength(1);
  const [client, to] = clients[0]!;
  return { client, to };
}

describe('reading what a relayed keystroke covers from its first bytes', () => {
  it('agrees with Yjs on keystrokes, the first one of a note included', () => {
    const device = newFieldDevice('job-1', 'tech-0');
    const updates = captureUpdates(device.doc, () => {
      for (let i = 0; i < 30; i++) typeKey(device);
    });
    expect(updates).toHaveLength(30);
    for (const u of updates) expect(singleRunEnd(u)).toEqual(yjsSays(u));
  });

  it('counts UTF-16 units as Yjs does (accents, CJK, an emoji is two)', () => {
    const doc = new Y.Doc();
    const text = doc.getText('t');
    for (const s of ['é', '漢字', '😀', 'a😀b']) {
      const [u] = captureUpdates(doc, () => text.insert(text.length, s));
      expect(singleRunEnd(u!)).toEqual(yjsSays(u!));
    }
  });

  it('reads a run of several keystrokes that a doc merged into one item', () => {
    const doc = new Y.Doc();
    const text = doc.getText('t');
    for (const c of 'typed') text.insert(text.length, c);
    const whole = Y.encodeStateAsUpdate(doc);
    expect(singleRunEnd(whole)).toEqual({ client: doc.clientID, to: 5 });
    expect(singleRunEnd(whole)).toEqual(yjsSays(whole));
    // Keystrokes merged as updates stay separate structs: left to Yjs.
    const again = new Y.Doc();
    const typed = captureUpdates(again, () => {
      for (const c of 'abc') again.getText('t').insert(again.getText('t').length, c);
    });
    expect(singleRunEnd(Y.mergeUpdates(typed))).toBeNull();
  });

  it('leaves every other shape to Yjs', () => {
    const device = newFieldDevice('job-1', 'tech-0');
    // The device's whole doc: many structs (a note, line items).
    expect(singleRunEnd(Y.encodeStateAsUpdate(device.doc))).toBeNull();
    // A map value (ContentAny), not a string.
    const doc = new Y.Doc();
    const [set] = captureUpdates(doc, () => doc.getMap('m').set('k', 1));
    expect(singleRunEnd(set!)).toBeNull();
    // Two clients.
    const other = new Y.Doc();
    other.getText('t').insert(0, 'x');
    doc.getText('t').insert(0, 'y');
    expect(singleRunEnd(Y.mergeUpdates([Y.encodeStateAsUpdate(doc), Y.encodeStateAsUpdate(other)]))).toBeNull();
    // Cut short, and empty.
    const [key] = captureUpdates(device.doc, () => typeKey(device));
    expect(singleRunEnd(key!.subarray(0, key!.length - 3))).toBeNull();
    expect(singleRunEnd(new Uint8Array(0))).toBeNull();
  });
});
