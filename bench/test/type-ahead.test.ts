import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { noteText } from '@outpost/shared';
import { newFieldDevice } from '../src/load/field-work';
import { TypeAhead } from '../src/load/type-ahead';

describe('typing keystrokes ahead of a measured window', () => {
  it('hands out every typist’s keystrokes in order, round-robin, carrying over what a window did not send', () => {
    const typists = [0, 1, 2].map((i) => ({ device: newFieldDevice(`job-${i}`, `tech-${i}`) }));
    const keys = new TypeAhead(typists);
    // A receiver per typist applies what it is handed: out of order, Yjs would hold it back.
    const copies = typists.map(({ device }) => {
      const doc = new Y.Doc();
      Y.applyUpdate(doc, Y.encodeStateAsUpdate(device.doc));
      return doc;
    });
    const send = (n: number) => {
      for (let k = 0; k < n; k++) {
        const { typist, key } = keys.take();
        const i = typists.indexOf(typist);
        expect(i).toBe(sent++ % 3);
        Y.applyUpdate(copies[i]!, key.update);
        expect(Y.getState(copies[i]!.store, typist.device.doc.clientID)).toBe(key.end);
        expect(copies[i]!.store.pendingStructs).toBeNull();
      }
    };
    let sent = 0;
    keys.prepare(7);
    send(5); // two typed ahead stay queued
    keys.prepare(4);
    send(6); // typist 1's second is typed on the spot; typist 2 keeps one typed ahead
    expect(noteText(copies[2]!, typists[2]!.device.noteId)!.length).toBe(noteText(typists[2]!.device.doc, typists[2]!.device.noteId)!.length - 1);
    send(1);
    expect(sent).toBe(12);
    for (const [i, { device }] of typists.entries()) expect(noteText(copies[i]!, device.noteId)!.toString()).toBe(noteText(device.doc, device.noteId)!.toString());
  });
});
