import { createHash } from 'node:crypto';
import fc from 'fast-check';
import * as decoding from 'lib0/decoding';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../errors/codes';
import { OutpostError } from '../errors/outpost-error';
import { CLOSE_CODES, closeReason } from './close-codes';
import { encodeJobFrame, readJobFrame } from './channel-frame';
import { durableAck } from './durable-ack';
import { encodeMessage, type Fields, type MessageSchema } from './message';
import { handoverNotice } from './handover-notice';
import { jobNotice } from './job-notice';
import { decodeOutpostMessage, OUTPOST_MESSAGES, protocolVersionOf, readOutpostMessage, Y_MESSAGE } from './registry';
import { PROTOCOL_SCHEMA_HASHES, PROTOCOL_VERSION } from './version';

const valueOf: Record<string, fc.Arbitrary<unknown>> = {
  uint: fc.nat(),
  string: fc.string(),
  strings: fc.array(fc.string(), { maxLength: 5 }),
  bytes: fc.uint8Array({ maxLength: 64 }),
  byteLists: fc.array(fc.uint8Array({ maxLength: 32 }), { maxLength: 5 }),
};

function arbitraryValue(schema: MessageSchema<Fields>): fc.Arbitrary<Record<string, unknown>> {
  return fc.record(Object.fromEntries(schema.fields.map(([name, kind]) => [name, valueOf[kind]!])));
}

/** The schema hash: change a message and this changes. */
function schemaHash(): string {
  const described = OUTPOST_MESSAGES.map((m) => ({ type: m.type, name: m.name, fields: m.fields }));
  return createHash('sha256').update(JSON.stringify(described)).digest('hex');
}

describe('Outpost wire messages', () => {
  for (const schema of OUTPOST_MESSAGES) {
    it(`${schema.name} survives an encode/decode round trip`, () => {
      fc.assert(
        fc.property(arbitraryValue(schema), (value) => {
          const bytes = encodeMessage(schema as MessageSchema<Fields>, value as never);
          expect(decodeOutpostMessage(bytes)).toEqual({ name: schema.name, value });
        }),
        { numRuns: 300 },
      );
    });
  }

  it('never collides with y-protocols message numbers', () => {
    const yTypes = Object.values(Y_MESSAGE) as number[];
    for (const m of OUTPOST_MESSAGES) expect(yTypes).not.toContain(m.type);
    expect(new Set(OUTPOST_MESSAGES.map((m) => m.type)).size).toBe(OUTPOST_MESSAGES.length);
  });

  it('throws on a truncated message instead of inventing fields', () => {
    const bytes = encodeMessage(durableAck, { upTo: 300 });
    expect(() => decodeOutpostMessage(bytes.slice(0, bytes.length - 1))).toThrow();
    const d = decoding.createDecoder(new Uint8Array([]));
    expect(() => readOutpostMessage(999, d)).toThrow(/unknown Outpost message type/);
  });

  it('addresses a device-channel frame to its job and gives back the message untouched', () => {
    fc.assert(
      fc.property(fc.string(), fc.uint8Array({ maxLength: 64 }), (jobId, message) => {
        const { jobId: to, message: inner } = readJobFrame(encodeJobFrame(jobId, message));
        expect(to).toBe(jobId);
        expect([...inner]).toEqual([...message]);
      }),
    );
    expect(() => readJobFrame(new Uint8Array([5, 97]))).toThrow();
  });

  it('names the protocol version a pushed message needs, so an older device is never sent one it cannot read', () => {
    expect(protocolVersionOf(encodeMessage(jobNotice, { jobId: 'j', change: 'assigned', status: 'scheduled', version: 1, assignees: [] }))).toBe(2);
    expect(protocolVersionOf(encodeMessage(handoverNotice, { jobId: 'j', handoverId: 'h', state: 'parked' }))).toBe(3);
    for (const m of OUTPOST_MESSAGES) expect(protocolVersionOf(new Uint8Array([m.type]))).toBeLessThanOrEqual(PROTOCOL_VERSION);
  });

  it('changes no message schema without a protocol version bump', () => {
    // When this fails: bump PROTOCOL_VERSION and add the new hash to PROTOCOL_SCHEMA_HASHES.
    expect(schemaHash()).toBe(PROTOCOL_SCHEMA_HASHES[PROTOCOL_VERSION]);
    const versions = Object.keys(PROTOCOL_SCHEMA_HASHES).map(Number);
    expect(Math.max(...versions)).toBe(PROTOCOL_VERSION);
    expect(new Set(Object.values(PROTOCOL_SCHEMA_HASHES)).size).toBe(versions.length);
  });
});

describe('error vocabulary', () => {
  it('maps every code to an HTTP error status and a websocket close code', () => {
    for (const [code, spec] of Object.entries(ERROR_CODES)) {
      expect(spec.status, code).toBeGreaterThanOrEqual(400);
      expect(spec.status, code).toBeLessThan(600);
      expect([1011, 1013].includes(spec.close) || (spec.close >= 4000 && spec.close < 5000), code).toBe(true);
      expect(spec.message.length, code).toBeGreaterThan(0);
    }
  });

  it('uses the close-code table for the HTTP meanings it names', () => {
    expect(ERROR_CODES.bad_message.close).toBe(CLOSE_CODES.badMessage);
    expect(ERROR_CODES.unauthenticated.close).toBe(CLOSE_CODES.unauthenticated);
    expect(ERROR_CODES.not_assigned.close).toBe(CLOSE_CODES.forbidden);
    expect(ERROR_CODES.too_large.close).toBe(CLOSE_CODES.tooLarge);
    expect(ERROR_CODES.rate_limited.close).toBe(CLOSE_CODES.rateLimited);
  });

  it('gives an error body in the shared shape', () => {
    const err = new OutpostError('not_found', 'No job job-9');
    expect(err.toBody()).toEqual({ error: { code: 'not_found', message: 'No job job-9' } });
    expect(err.status).toBe(404);
  });

  it('cuts close reasons to the 123 bytes a websocket allows', () => {
    expect(new TextEncoder().encode(closeReason('é'.repeat(200))).length).toBeLessThanOrEqual(123);
    expect(closeReason('short')).toBe('short');
  });
});

describe('encodeMessage reusing its encoder', () => {
  const decode = (bytes: Uint8Array) => decodeOutpostMessage(bytes);

  it('returns bytes of their own: a later message never changes an earlier one', () => {
    const first = encodeMessage(durableAck, { upTo: 7 });
    const big = encodeMessage(jobNotice, { jobId: 'j'.repeat(10_000), change: 'changed', status: 'scheduled', version: 3, assignees: ['alice'] });
    const second = encodeMessage(durableAck, { upTo: 300 });
    expect(first).toHaveLength(2);
    expect(decode(first)).toEqual({ name: 'durableAck', value: { upTo: 7 } });
    expect(decode(big).value).toMatchObject({ jobId: 'j'.repeat(10_000), version: 3 });
    expect(decode(second)).toEqual({ name: 'durableAck', value: { upTo: 300 } });
  });

  it('starts clean after a message whose writer threw', () => {
    expect(() => encodeMessage(jobNotice, { jobId: 'job-1', change: 'changed', status: 'scheduled', version: 3, assignees: null as unknown as string[] })).toThrow();
    expect(decode(encodeMessage(durableAck, { upTo: 1 }))).toEqual({ name: 'durableAck', value: { upTo: 1 } });
  });
});
