/**
 * Records the technician's position for time tracking: while they are en route to one of
 * their jobs or its clock runs, a few readings an hour go into that job's `locations`
 * (LocationRecorder). Before the first one the app says why it wants the position and asks;
 * the browser's own prompt follows the first reading. Offline the readings wait with the
 * job's other changes.
 */
import { LOCATION_INTERVAL_MS, LocationRecorder, tracksLocation } from '@outpost/client';
import { useJobDigests, useOutbox, useOutpost } from '@outpost/client/react';
import { addLocation, type JobStatus } from '@outpost/shared';
import { useEffect, useMemo, useState } from 'react';
import type { JobSummary } from '../app/reference';
import { newestState, projectStatus } from '../sync/projected-status';
import { readSetting, writeSetting } from '../app/device-settings';

/** Props of {@link LocationTracking}. */
export interface LocationTrackingProps {
  userId: string;
  /** The technician's jobs on this device. */
  jobs: readonly JobSummary[];
}

/** Jobs under way: only these can be en route or have a clock running worth a position. */
const UNDER_WAY: readonly JobStatus[] = ['en_route', 'on_site', 'in_progress', 'on_hold'];

type Consent = 'granted' | 'declined' | null;
const consentKey = (userId: string) => `outpost.location.${userId}`;
/** Minutes between readings can be set on a device (field tuning, tests); three an hour otherwise. */
const INTERVAL_KEY = 'outpost.locationIntervalMs';

function readConsent(userId: string): Consent {
  const v = readSetting(consentKey(userId));
  return v === 'granted' || v === 'declined' ? v : null;
}

/** Asks for and records the position while it is needed; renders the question or a problem. */
export function LocationTracking({ userId, jobs }: LocationTrackingProps) {
  const engine = useOutpost();
  const outbox = useOutbox();
  // The status this device shows for each job (cache, its own answers, its waiting steps);
  // only jobs under way are held open to read their clocks, not every job all day.
  const shown = new Map(
    jobs.map((j) => {
      const answers = outbox.sent.filter((i) => i.jobId === j.id).map((i) => i.result);
      const waiting = outbox.queued.filter((i) => i.jobId === j.id).map((i) => i.op);
      return [j.id, { known: newestState<{ status: string; version: number }>(j, answers), waiting }] as const;
    }),
  );
  const statusOf = (jobId: string, doc?: { status: JobStatus; version: number } | null) => {
    const s = shown.get(jobId)!;
    const newest = doc && doc.version > s.known.version ? doc : s.known;
    return projectStatus(newest.status as JobStatus, s.waiting);
  };
  const underWay = jobs.filter((j) => UNDER_WAY.includes(statusOf(j.id))).map((j) => j.id);
  const digests = useJobDigests(underWay, ['server', 'time'] as const);
  const [consent, setConsent] = useState<Consent>(() => readConsent(userId));
  const [problem, setProblem] = useState<string | null>(null);
  const active = [...digests]
    // En route as this device shows it (a step tapped offline counts), or the clock running.
    .filter(([id, job]) => underWay.includes(id) && (statusOf(id, job.server) === 'en_route' || tracksLocation({ server: null, time: job.time }, userId)))
    .map(([id]) => id)
    .sort();
  const activeKey = active.join(' ');

  const recorder = useMemo(() => {
    if (typeof navigator === 'undefined' || !navigator.geolocation) return null;
    const override = Number(readSetting(INTERVAL_KEY));
    return new LocationRecorder({
      source: navigator.geolocation,
      intervalMs: override > 0 ? override : LOCATION_INTERVAL_MS,
      onError: setProblem,
      write: async (ids, ping) => {
        for (const id of ids) {
          const job = await engine.openJob(id);
          try {
            addLocation(job.doc, ping);
          } finally {
            job.close();
          }
        }
      },
    });
  }, [engine, setProblem]);

  useEffect(() => () => recorder?.stop(), [recorder]);
  useEffect(() => {
    if (consent === 'granted') recorder?.setActive(activeKey ? activeKey.split(' ') : [], userId);
    else recorder?.stop();
  }, [recorder, consent, activeKey, userId]);

  const decide = (answer: 'granted' | 'declined') => {
    writeSetting(consentKey(userId), answer);
    setConsent(answer);
  };

  if (!recorder) return null;
  if (consent === null && active.length > 0) {
    return (
      <div className="notice warn location-ask" role="dialog" aria-label="Location for time tracking">
        <span>
          While you travel to a job or its clock runs, Outpost records where you are a few times an hour, so the office can see it with your time. Nothing is recorded at other
          times.
        </span>
        <div className="row">
          <button type="button" className="small primary" onClick={() => decide('granted')}>
            Allow location
          </button>
          <button type="button" className="small" onClick={() => decide('declined')}>
            Not now
          </button>
        </div>
      </div>
    );
  }
  if (consent === 'granted' && problem && active.length > 0) {
    return (
      <p className="notice warn" role="status">
        <span className="grow">{problem}</span>
      </p>
    );
  }
  return null;
}
