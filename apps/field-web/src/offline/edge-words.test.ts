import { describe, expect, it } from 'vitest';
import { reviewWords } from '../dispatcher/review-words';
import { stepsFor } from '../job/StatusActions';
import { storageBannerWords } from '../sync/storage-words';
import { primingWords } from '../technician/priming-words';
import { newestKnownState } from './cards';
import { conflictWords } from './conflict-words';
import { failureWords } from './op-words';

const at = (hhmm: string) => {
  const d = new Date();
  const [h, m] = hhmm.split(':').map(Number);
  d.setHours(h!, m!, 0, 0);
  return d.toISOString();
};
const clock = (hhmm: string) => new Date(at(hhmm)).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

describe('failure words', () => {
  it('tells a passing outage from a refusal', () => {
    expect(failureWords({ code: 'unavailable', message: 'busy', kind: 'transient', retryAt: at('11:42') })).toBe(`Server unavailable — will retry at ${clock('11:42')}`);
    expect(failureWords({ code: 'too_large', message: 'Blobs are limited to 10485760 bytes.', kind: 'permanent' })).toBe('Refused: Blobs are limited to 10485760 bytes.');
  });
});

describe('conflict words', () => {
  it('states the decision once for the job, with where each choice leaves it', () => {
    const words = conflictWords({ mine: { kind: 'transition', to: 'completed' }, server: { status: 'cancelled', changedBy: 'dana', changedAt: at('11:05') }, steps: 4 });
    expect(words.sentence).toBe(`You moved this job to Completed; Dana cancelled it at ${clock('11:05')}.`);
    expect(words.keepMine).toBe('Keep mine → Completed');
    expect(words.keepServers).toBe("Keep server's → stays Cancelled");
    expect(words.steps).toBe('4 steps you made offline, one decision.');
  });
});

describe('review marks', () => {
  it('says who set the status over whose change, from the reader’s side', () => {
    const mark = { jobId: 'j1', opId: 'o1', status: 'completed' as const, by: 'alice', at: '', over: { status: 'cancelled' as const, by: 'dana' } };
    expect(reviewWords(mark, 'dana')).toBe('Completed by Alice over your cancel — review');
    expect(reviewWords(mark, 'erin')).toBe("Completed by Alice over Dana's cancel — review");
  });
});

describe('the dispatcher’s job screen', () => {
  it('offers the office’s steps, not the technician’s field steps', () => {
    expect(stepsFor('scheduled', 'dispatcher').map((t) => t.label)).toEqual(['Cancel']);
    expect(stepsFor('completed', 'dispatcher').map((t) => t.label)).toEqual(['Reopen']);
    expect(stepsFor('scheduled', 'technician').map((t) => t.label)).toEqual(['Start travel']);
  });
});

describe('the storage banner', () => {
  const risk = { atRisk: true, usage: 10, quota: 100 };
  it('asks to connect only when the server is not answering', () => {
    expect(storageBannerWords({ ...risk, pending: 2, failed: 0, connected: false })).toMatch(/Connect to sync/);
    expect(storageBannerWords({ ...risk, pending: 2, failed: 0, connected: true })).toMatch(/uploading now/);
    expect(storageBannerWords({ ...risk, pending: 0, failed: 1, connected: true })).toMatch(/Offline Actions/);
    expect(storageBannerWords({ ...risk, pending: 2, failed: 1, connected: true })).not.toMatch(/Connect/);
    expect(storageBannerWords({ ...risk, pending: 0, failed: 0, connected: true })).toBeNull();
  });
});

describe('priming words', () => {
  const counts = { jobs: 7, customers: 6, equipment: 9, pricebook: 50 };
  it('counts the jobs while they download and says what is ready once done', () => {
    const base = { primedAt: null, complete: false, running: true, error: null, counts };
    expect(primingWords({ ...base, progress: { done: 3, total: 7 } }, true)).toEqual({ line: 'Saving 7 jobs to this device… 3 of 7', listReady: false });
    expect(primingWords({ ...base, running: false, complete: true, primedAt: '2026-11-26T10:00:00Z' }, true)).toEqual({
      line: 'Ready to work offline: 7 jobs, 6 customers, 50 pricebook items, 9 equipment records',
      listReady: true,
    });
  });
});

describe('a conflict card after another resolution', () => {
  it('re-reads the job against the newest answer this device has', () => {
    const sent = (jobId: string, status: string, version: number) => ({ jobId, result: { status, version } });
    const outbox = { sent: [sent('j1', 'completed', 7), sent('j1', 'en_route', 3), sent('j2', 'on_site', 9)] } as unknown as Parameters<typeof newestKnownState>[0];
    expect(newestKnownState(outbox, 'j1')).toEqual({ status: 'completed', version: 7 });
    expect(newestKnownState(outbox, 'j3')).toBeNull();
  });
});
