import { Y_MESSAGE } from '@outpost/shared';
import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import * as syncProtocol from 'y-protocols/sync';
import { syncUpdateMessage } from './room-member';

/** The message as y-protocols writes it. */
function viaLib0(update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, Y_MESSAGE.sync);
  syncProtocol.writeUpdate(e, update);
  return encoding.toUint8Array(e);
}

describe('syncUpdateMessage', () => {
  it.each([0, 1, 2, 127, 128, 300, 16_383, 16_384, 2_097_151, 2_097_152])('writes an update of %i bytes as y-protocols does', (length) => {
    const update = new Uint8Array(length).map((_, i) => (i * 31) & 0xff);
    const ours = syncUpdateMessage(update);
    // Compared as buffers: toEqual walks megabytes element by element.
    expect(ours.length).toBe(viaLib0(update).length);
    expect(Buffer.from(ours).equals(viaLib0(update))).toBe(true);
  });
});
