import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { noteText } from '@outpost/shared';
import { keystroke, keystrokes, newFieldDevice, type FieldDevice } from '../src/load/field-work';
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

  it('encodes keystrokes typed ahead byte for byte as Yjs types them, and leaves the device doc as typing would', () => {
    const device = newFieldDevice('job-1', 'tech-1');
    keystroke(device); // the note already holds text: the next keystroke has an origin
    // A twin of the device: the same doc, client id and typing position, typed through Yjs only.
    const twinDoc = new Y.Doc({ guid: 'job-1' });
    Y.applyUpdate(twinDoc, Y.encodeStateAsUpdate(device.doc));
    twinDoc.clientID = device.doc.clientID; // after: an update holding its own id's items reads to Yjs as a clash
    const twin: FieldDevice = { ...device, doc: twinDoc };
    // Runs of 1 and more, across the alphabet's wrap and a clock past one varint byte (128).
    const typed = [1, 40, 3, 90].flatMap((n) => keystrokes(device, n));
    const reference = typed.map(() => keystroke(twin));
    expect(typed.map((k) => k.end)).toEqual(reference.map((k) => k.end));
    for (const [i, k] of typed.entries()) expect(Buffer.from(k.update).toString('hex'), `keystroke ${i}`).toBe(Buffer.from(reference[i]!.update).toString('hex'));
    expect(noteText(device.doc, device.noteId)!.toString()).toBe(noteText(twinDoc, device.noteId)!.toString());
    expect(Y.encodeStateVector(device.doc)).toEqual(Y.encodeStateVector(twinDoc));
    // The device types on through Yjs from where the typed-ahead run left it.
    expect(Buffer.from(keystroke(device).update)).toEqual(Buffer.from(keystroke(twin).update));
  });

  it('types for each typist exactly the sends that will fall to it', () => {
    const typists = [0, 1, 2, 3].map((i) => ({ device: newFieldDevice(`job-${i}`, `tech-${i}`) }));
    const keys = new TypeAhead(typists);
    const actions = () => typists.map((t) => t.device.actions);
    keys.prepare(3);
    expect(actions()).toEqual([1, 1, 1, 0]);
    for (let k = 0; k < 2; k++) keys.take(); // typists 0 and 1 send theirs
    keys.prepare(5); // sends 2..6 fall to typists 2, 3, 0, 1, 2 (typist 2's first, typed before, stays queued)
    expect(actions()).toEqual([2, 2, 3, 1]);
  });
});
