import { describe, expect, it } from 'vitest';
import { DurableAcks } from './durable-acks';

function deferred() {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

function recorder() {
  const acked: number[] = [];
  const failed: unknown[] = [];
  const acks = new DurableAcks({ acked: (upTo) => acked.push(upTo), failed: (err) => failed.push(err) });
  return { acks, acked, failed };
}

describe('durable acks', () => {
  it('acks in order, one ack per commit, even when a later commit lands first', async () => {
    const { acks, acked } = recorder();
    const first = deferred();
    const second = deferred();
    acks.owe(1, 0, first.promise);
    acks.owe(2, 0, first.promise);
    acks.owe(3, 0, second.promise);
    second.resolve();
    await new Promise((r) => setTimeout(r, 0));
    expect(acked).toEqual([]);
    first.resolve();
    await acks.drained();
    expect(acked).toEqual([2, 3]);
  });

  it('acks nothing after a failed commit, not even messages whose own commit landed (acks are cumulative)', async () => {
    const { acks, acked, failed } = recorder();
    const lost = deferred();
    const later = deferred();
    acks.owe(1, 0, lost.promise);
    acks.owe(2, 0, later.promise);
    lost.reject(new Error('disk full'));
    later.resolve();
    await acks.drained();
    expect(acked).toEqual([]);
    expect(failed).toHaveLength(1);
  });

  it('drains the acks owed so far, not those owed after (a server closing under load)', async () => {
    const { acks, acked } = recorder();
    const first = deferred();
    const later = deferred();
    acks.owe(1, 0, first.promise);
    const drained = acks.drained();
    acks.owe(2, 0, later.promise);
    first.resolve();
    await drained;
    expect(acked).toEqual([1]);
    later.resolve();
    await acks.drained();
    expect(acked).toEqual([1, 2]);
  });

  it('is drained at once when nothing is owed', async () => {
    const { acks } = recorder();
    await expect(acks.drained()).resolves.toBeUndefined();
  });
});
