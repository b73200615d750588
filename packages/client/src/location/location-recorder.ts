/**
 * Location for time tracking: while a technician is en route to a job or on its clock, a
 * reading is taken when that starts and then every `intervalMs` (a few per hour, not a
 * stream), and written into the `locations` root of each such job. The ping is job content:
 * offline it waits with the job's other pending changes and goes up with the next sync.
 *
 * The position source is injected (the browser's Geolocation API in the app), and so is the
 * interval, so tests can run it fast.
 */
import type { JobContent, LocationPing } from '@outpost/shared';

/** The part of the Geolocation API the recorder uses. */
export interface PositionSource {
  getCurrentPosition(
    ok: (p: { coords: { latitude: number; longitude: number; accuracy: number } }) => void,
    fail: (e: { code: number; message: string }) => void,
    options?: { maximumAge?: number; timeout?: number; enableHighAccuracy?: boolean },
  ): void;
}

/** Default time between readings: three an hour. */
export const LOCATION_INTERVAL_MS = 20 * 60_000;

/** Options of a {@link LocationRecorder}. */
export interface LocationRecorderOptions {
  source: PositionSource;
  /** Writes one reading into each of these jobs (the app: open the job, `addLocation`, close). */
  write: (jobIds: readonly string[], ping: LocationPing) => Promise<void>;
  /** A reading failed (denied, no fix); null once one succeeds again. */
  onError?: (message: string | null) => void;
  intervalMs?: number;
  now?: () => Date;
}

/** True when `tech` is en route to this job or has its clock running. */
export function tracksLocation(job: Pick<JobContent, 'server' | 'time'>, tech: string): boolean {
  if (job.server?.status === 'en_route') return true;
  return job.time.some((t) => t.tech === tech && t.end === null);
}

/** Takes readings while some job needs them. */
export class LocationRecorder {
  private active: readonly string[] = [];
  private tech = '';
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly options: LocationRecorderOptions) {}

  /**
   * Says which jobs `tech` is now en route to or on the clock of. Going from none to some
   * takes a reading at once; none stops the readings.
   */
  setActive(jobIds: readonly string[], tech: string): void {
    const was = this.active.length > 0;
    this.active = [...jobIds];
    this.tech = tech;
    if (this.active.length === 0) return this.stop();
    if (was && this.timer) return;
    this.read();
    this.timer = setInterval(() => this.read(), this.options.intervalMs ?? LOCATION_INTERVAL_MS);
  }

  /** Stops taking readings. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.active = [];
  }

  private read(): void {
    const jobs = this.active;
    const tech = this.tech;
    this.options.source.getCurrentPosition(
      (p) => {
        const at = (this.options.now?.() ?? new Date()).toISOString();
        const ping: LocationPing = { tech, lat: p.coords.latitude, lon: p.coords.longitude, accuracy: Math.round(p.coords.accuracy), at };
        this.options.onError?.(null);
        this.options.write(jobs, ping).catch((error: unknown) => this.options.onError?.(`The position could not be saved: ${(error as Error).message}`));
      },
      (e) => this.options.onError?.(e.code === 1 ? 'Location permission was refused: the office cannot see where you are.' : `No position: ${e.message}`),
      // A cached fix a few minutes old is good enough and saves the battery, but never one
      // older than half the interval: each reading must be new.
      { maximumAge: Math.min(5 * 60_000, (this.options.intervalMs ?? LOCATION_INTERVAL_MS) / 2), timeout: 30_000 },
    );
  }
}
