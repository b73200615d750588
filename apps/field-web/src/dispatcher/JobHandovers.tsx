/** On the dispatcher's job screen: the parked handovers of this job (see HandoverCard). */
import { HandoverCard } from './HandoverCard';
import { useHandovers } from './use-handovers';

/** Parked handovers of one job, with Merge / Discard. */
export function JobHandovers({ jobId }: { jobId: string }) {
  const { parked, decide, error } = useHandovers();
  const mine = parked.filter((h) => h.jobId === jobId);
  if (mine.length === 0 && !error) return null;
  return (
    <section className="stack" aria-label="Handed-over work" style={{ marginBottom: 12 }}>
      {mine.map((h) => (
        <HandoverCard key={h.id} handover={h} decide={decide} />
      ))}
      {error ? <p className="disabled-reason">{error}</p> : null}
    </section>
  );
}
