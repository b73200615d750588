import { describe, expect, it } from 'vitest';
import { channelReconnectTarget } from '../src/scenarios/many-jobs';
import { batchReplayTarget } from '../src/scenarios/ops-replay';
import type { ResultRow } from '../src/scenarios/scenario';

const channelRow = (rtts: number, connections = 1): ResultRow => ({
  label: 'Outpost device channel, 200 jobs',
  server: 'outpost',
  figures: { 'elapsed ÷ RTT': rtts, connections },
});

describe("issue 15's targets get a verdict", () => {
  it('many jobs: a 200-job reconnect on the device channel in ≤ 3 round trips on one socket', () => {
    expect(channelReconnectTarget([channelRow(2.6)], 200)).toMatchObject({ target: '≤ 3 round trips', value: 2.6, met: true });
    expect(channelReconnectTarget([channelRow(3.4)], 200).met).toBe(false);
    expect(channelReconnectTarget([channelRow(2.6, 200)], 200).met).toBe(false);
    // A quick run (50 jobs) or a missing row cannot decide.
    expect(channelReconnectTarget([{ ...channelRow(1.2), label: 'Outpost device channel, 50 jobs' }], 50).met).toBeNull();
    expect(channelReconnectTarget([], 200).met).toBeNull();
  });

  it('ops replay: 50 queued ops in one batch in ≤ 2 round trips', () => {
    const run = (ms: number, applied = 50) => ({ ms, applied });
    expect(batchReplayTarget([run(150), run(170), run(400)], 50)).toMatchObject({ target: '≤ 2 round trips', value: 1.7, met: true });
    expect(batchReplayTarget([run(250), run(260)], 50).met).toBe(false);
    expect(batchReplayTarget([run(150), run(150, 48)], 50).met).toBe(false);
    expect(batchReplayTarget([], 50).met).toBeNull();
  });
});
