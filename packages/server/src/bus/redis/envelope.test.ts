import { describe, expect, it } from 'vitest';
import type { BusEvent } from '../bus';
import { decodeBusEvent, encodeBusEvent, ENVELOPE_VERSION } from './envelope';

const events: BusEvent[] = [
  { kind: 'update', jobId: 'job-1', node: 'n1', update: new Uint8Array([0, 1, 255]) },
  { kind: 'awareness', jobId: 'job-ü', node: 'n2', update: new Uint8Array([]) },
  { kind: 'revoke', jobId: 'job-1', node: 'n3', userId: 'bob' },
  { kind: 'notice', jobId: '@devices', node: 'n4', users: ['alice', 'bob'], dispatchers: true, message: new Uint8Array([108, 1]) },
  {
    kind: 'jobChanged',
    jobId: 'job-1',
    node: 'n1',
    state: { status: 'en_route', version: 3, assignees: ['alice', 'bob'], changedBy: 'dana', changedAt: '2030-01-01T09:00:00.000Z' },
  },
];

describe('Redis bus envelope', () => {
  it('carries every kind of job event between nodes unchanged', () => {
    for (const event of events) expect(decodeBusEvent(encodeBusEvent(event))).toEqual(event);
  });

  it('drops envelopes from a newer release or garbage instead of crashing the node', () => {
    const newer = encodeBusEvent(events[2]!);
    newer[0] = ENVELOPE_VERSION + 1;
    expect(decodeBusEvent(newer)).toBeNull();
    expect(decodeBusEvent(new Uint8Array([ENVELOPE_VERSION, 9, 0, 0]))).toBeNull();
    expect(decodeBusEvent(new Uint8Array([ENVELOPE_VERSION, 0, 200]))).toBeNull();
    expect(decodeBusEvent(new Uint8Array([]))).toBeNull();
  });
});
