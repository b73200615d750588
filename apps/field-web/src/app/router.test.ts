import { describe, expect, it } from 'vitest';
import { hrefFor, parseRoute } from './router';

describe('hash routes', () => {
  it('reopens the same job screen after a reload', () => {
    expect(parseRoute(hrefFor({ name: 'job', jobId: 'job 7/a' }))).toEqual({ name: 'job', jobId: 'job 7/a' });
  });

  it('falls back to the job list for anything unknown', () => {
    expect(parseRoute('')).toEqual({ name: 'jobs' });
    expect(parseRoute('#/nowhere')).toEqual({ name: 'jobs' });
    expect(parseRoute('#/board')).toEqual({ name: 'board' });
    expect(parseRoute('#/offline-actions')).toEqual({ name: 'offline-actions' });
  });
});
