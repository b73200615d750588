import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { readJob } from '@outpost/shared';
import { call, DEMO, startOutpost, type Outpost } from './support/outpost';
import { RelayClient } from '../../test-support/relay-client';

let outpost: Outpost;
beforeAll(async () => {
  outpost = await startOutpost();
});
afterAll(async () => {
  await outpost?.stop();
});

/** Well-formed Yjs updates that write allowed roots with the wrong shapes. */
const POISONS: [string, (doc: Y.Doc) => void][] = [
  ['a number in the notes list', (doc) => doc.getArray('notes').push([42])],
  ['a string in the checklist', (doc) => doc.getArray('checklist').push(['tick me'])],
  ['a text in the photos list', (doc) => doc.getArray('photos').push([new Y.Text('x')])],
  ['null in the line items', (doc) => doc.getArray('lineItems').push([null])],
];

async function freshJob(): Promise<string> {
  const res = await call(`${outpost.url}/api/jobs`, {
    method: 'POST',
    token: outpost.token(DEMO.dana),
    json: {
      title: 'Poison target',
      customerId: 'cust-1',
      siteAddress: '1 Test St',
      windowStart: new Date().toISOString(),
      windowEnd: new Date(Date.now() + 3_600_000).toISOString(),
      assignees: ['alice'],
    },
  });
  expect(res.status).toBe(201);
  return (res.body as { job: { id: string } }).job.id;
}

describe('a well-formed update with the wrong shape', () => {
  for (const [name, poison] of POISONS) {
    // Any device may write any shape into a content root; readers skip entries of the
    // wrong shape (readJob), so one bad update cannot break the job for everyone.
    it(`cannot break the job for everyone else: ${name}`, async () => {
      const jobId = await freshJob();
      const mallory = await RelayClient.connect({ baseUrl: outpost.url, jobId, token: outpost.token(DEMO.alice) });
      await mallory.whenSynced;
      mallory.edit(poison);
      await Promise.race([mallory.durable(), mallory.closed]);
      await mallory.close();

      // The relay may refuse it, or readers may skip it; either way the job still reads.
      const res = await call(`${outpost.url}/api/jobs/${jobId}`, { token: outpost.token(DEMO.dana) });
      expect(res.status, res.text.slice(0, 200)).toBe(200);
      const office = await RelayClient.connect({ baseUrl: outpost.url, jobId, token: outpost.token(DEMO.dana), acks: false });
      await office.whenSynced;
      expect(() => readJob(office.doc)).not.toThrow();
      await office.close();
    });
  }
});
