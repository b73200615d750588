/**
 * Each technician's last known position on the board, with its age, from the `locations`
 * of the jobs on this device (held open by the board, so new readings arrive as they come).
 */
import type { LocationPing } from '@outpost/shared';
import { useEffect, useState } from 'react';
import type { Technician } from './use-board';

/** The newest reading per technician among `pings`. */
export function lastPositions(pings: Iterable<LocationPing>): Map<string, LocationPing> {
  const last = new Map<string, LocationPing>();
  for (const p of pings) {
    const seen = last.get(p.tech);
    if (!seen || p.at > seen.at) last.set(p.tech, p);
  }
  return last;
}

/** "just now", "12 min ago", "3 h ago". */
export function ageWords(at: string, now: number): string {
  const minutes = Math.floor((now - Date.parse(at)) / 60_000);
  if (!Number.isFinite(minutes)) return 'unknown time';
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours} h ago` : `${Math.floor(hours / 24)} days ago`;
}

/** The board's "Where technicians are" card. */
export function TechnicianPositions({ pings, technicians }: { pings: readonly LocationPing[]; technicians: readonly Technician[] }) {
  // The ages move with the clock: re-rendered each half minute (display only, no data read).
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);
  const last = lastPositions(pings);
  if (last.size === 0) return null;
  const name = (id: string) => technicians.find((t) => t.id === id)?.name ?? id;
  return (
    <section className="card" aria-labelledby="positions-title">
      <h2 id="positions-title">Where technicians are</h2>
      <ul style={{ listStyle: 'none', padding: 0, margin: 0 }}>
        {[...last.values()]
          .sort((a, b) => name(a.tech).localeCompare(name(b.tech)))
          .map((p) => (
            <li key={p.tech} data-testid="tech-position">
              <strong>{name(p.tech)}</strong>{' '}
              <a href={`https://www.openstreetmap.org/?mlat=${p.lat}&mlon=${p.lon}#map=16/${p.lat}/${p.lon}`} target="_blank" rel="noreferrer">
                {p.lat.toFixed(4)}, {p.lon.toFixed(4)}
              </a>{' '}
              <span className="muted">
                ±{p.accuracy} m · <span data-testid="position-age">{ageWords(p.at, now)}</span>
              </span>
            </li>
          ))}
      </ul>
    </section>
  );
}
