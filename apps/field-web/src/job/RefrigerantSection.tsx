/** Refrigerant log: what was added to or recovered from the system, from which cylinder. */
import { useJobRoot } from '@outpost/client/react';
import { addRefrigerant, type RefrigerantEntry } from '@outpost/shared';
import { useState, type FormEvent } from 'react';
import type * as Y from 'yjs';
import { newId, nowIso } from './use-job-content';

/** Props of {@link RefrigerantSection}. */
export interface RefrigerantSectionProps {
  doc: Y.Doc;
  user: { id: string };
  /** The refrigerant of the job's equipment, as a default. */
  defaultRefrigerant?: string;
}

const COMMON = ['R-410A', 'R-32', 'R-454B', 'R-22', 'R-134a', 'R-404A'];

/** The refrigerant card of the job screen. */
export function RefrigerantSection({ doc, user, defaultRefrigerant }: RefrigerantSectionProps) {
  const refrigerant = useJobRoot(doc, 'refrigerant');
  const [kind, setKind] = useState(defaultRefrigerant ?? 'R-410A');
  const [action, setAction] = useState<RefrigerantEntry['action']>('added');
  const [amount, setAmount] = useState('');
  const [cylinder, setCylinder] = useState('');
  const amountOz = Number(amount);
  const valid = amount !== '' && Number.isFinite(amountOz) && amountOz > 0 && cylinder.trim() !== '';

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!valid) return;
    addRefrigerant(doc, { id: newId(), refrigerant: kind, action, amountOz, cylinder: cylinder.trim(), at: nowIso(), by: user.id });
    setAmount('');
  };

  return (
    <section className="card" aria-labelledby="refrigerant-title">
      <h2 id="refrigerant-title">Refrigerant log</h2>
      <table>
        <tbody>
          {refrigerant.map((r) => (
            <tr key={r.id}>
              <td>{r.refrigerant}</td>
              <td>{r.action}</td>
              <td>{r.amountOz} oz</td>
              <td>cyl. {r.cylinder}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <form className="row" onSubmit={submit} style={{ marginTop: 8 }}>
        <div className="field">
          <label htmlFor="ref-kind">Refrigerant</label>
          <select id="ref-kind" value={kind} onChange={(e) => setKind(e.target.value)}>
            {[...new Set([kind, ...COMMON])].map((k) => (
              <option key={k}>{k}</option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="ref-action">Action</label>
          <select id="ref-action" value={action} onChange={(e) => setAction(e.target.value as RefrigerantEntry['action'])}>
            <option value="added">added</option>
            <option value="recovered">recovered</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="ref-amount">Amount (oz)</label>
          <input id="ref-amount" inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="ref-cylinder">Cylinder</label>
          <input id="ref-cylinder" value={cylinder} onChange={(e) => setCylinder(e.target.value)} />
        </div>
        <button type="submit" className="grow" disabled={!valid}>
          Log refrigerant
        </button>
      </form>
    </section>
  );
}
