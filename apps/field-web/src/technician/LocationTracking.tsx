/**
 * Records the technician's position for time tracking: while they are en route to one of
 * their jobs or its clock runs, a few readings an hour go into that job's `locations`
 * (LocationRecorder). Before the first one the app says why it wants the position and asks;
 * the browser's own prompt follows the first reading. Offline the readings wait with the
 * job's other changes.
 */
import { LOCATION_INTERVAL_MS, LocationRecorder, tracksLocation } from '@outpost/client';
import { useJobDigests, useOutpost } from '@outpost/client/react';
import { addLocation } from '@outpost/shared';
import { useEffect, useMemo, useState } from 'react';

/** Props of {@link LocationTracking}. */
export interface LocationTrackingProps {
  userId: string;
  /** The technician's jobs on this device. */
  jobIds: readonly string[];
}

type Consent = 'granted' | 'declined' | null;
const consentKey = (userId: string) => `outpost.location.${userId}`;
/** Minutes between readings can be set on a device (field tuning, tests); three an hour otherwise. */
const INTERVAL_KEY = 'outpost.locationIntervalMs';

function readConsent(userId: string): Consent {
  const v = localStorage.getItem(consentKey(userId));
  return v === 'granted' || v === 'declined' ? v : null;
}

/** Asks for and records the position while it is needed; renders the question or a problem. */
export function LocationTracking({ userId, jobIds }: LocationTrackingProps) {
  const engine = useOutpost();
  const digests = useJobDigests(jobIds, ['server', 'time'] as const);
  const [consent, setConsent] = useState<Consent>(() => readConsent(userId));
  const [problem, setProblem] = useState<string | null>(null);
  const active = [...digests].filter(([, job]) => tracksLocation(job, userId)).map(([id]) => id).sort();
  const activeKey = active.join(' ');

  const recorder = useMemo(() => {
    if (typeof navigator === 'undefined' || !navigator.geolocation) return null;
    const override = Number(localStorage.getItem(INTERVAL_KEY));
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
  }, [engine]);

  useEffect(() => () => recorder?.stop(), [recorder]);
  useEffect(() => {
    if (consent === 'granted') recorder?.setActive(activeKey ? activeKey.split(' ') : [], userId);
    else recorder?.stop();
  }, [recorder, consent, activeKey, userId]);

  const decide = (answer: 'granted' | 'declined') => {
    localStorage.setItem(consentKey(userId), answer);
    setConsent(answer);
  };

  if (!recorder) return null;
  if (consent === null && active.length > 0) {
    return (
      <div className="notice warn" role="dialog" aria-label="Location for time tracking">
        <span className="grow">
          While you travel to a job or its clock runs, Outpost records where you are a few times an hour, so the office can see it
          with your time. Nothing is recorded at other times.
        </span>
        <button type="button" className="small primary" onClick={() => decide('granted')}>
          Allow location
        </button>
        <button type="button" className="small" onClick={() => decide('declined')}>
          Not now
        </button>
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
