/** Line items priced from the pricebook cached on the device. */
import { useJobRoot } from '@outpost/client/react';
import type { PricebookItem } from '@outpost/client';
import { addLineItem, removeLineItem, setLineItemQty } from '@outpost/shared';
import { useState } from 'react';
import type * as Y from 'yjs';
import { newId } from './use-job-content';

/** Props of {@link LineItemsSection}. */
export interface LineItemsSectionProps {
  doc: Y.Doc;
  pricebook: readonly PricebookItem[];
}

/** Cents as dollars. */
export function money(cents: number): string {
  return `$${(cents / 100).toFixed(2)}`;
}

/** The line items card of the job screen. */
export function LineItemsSection({ doc, pricebook }: LineItemsSectionProps) {
  const lineItems = useJobRoot(doc, 'lineItems');
  const [choice, setChoice] = useState('');
  const total = lineItems.reduce((sum, l) => sum + l.qty * l.unitPriceCents, 0);
  const add = () => {
    const item = pricebook.find((p) => p.id === choice);
    if (!item) return;
    addLineItem(doc, { id: newId(), pricebookId: item.id, description: item.description, qty: 1, unitPriceCents: item.unitPriceCents });
    setChoice('');
  };
  return (
    <section className="card" aria-labelledby="lines-title">
      <h2 id="lines-title">Line items</h2>
      <table>
        <tbody>
          {lineItems.map((l) => (
            <tr key={l.id}>
              <td>{l.description}</td>
              <td style={{ width: 72 }}>
                <input
                  aria-label={`Quantity of ${l.description}`}
                  inputMode="numeric"
                  value={l.qty}
                  onChange={(e) => {
                    const qty = Number(e.target.value);
                    if (Number.isFinite(qty) && qty >= 0) setLineItemQty(doc, l.id, qty);
                  }}
                />
              </td>
              <td>{money(l.qty * l.unitPriceCents)}</td>
              <td>
                <button type="button" className="small danger" aria-label={`Remove ${l.description}`} onClick={() => removeLineItem(doc, l.id)}>
                  ✕
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p style={{ marginTop: 8 }}>
        <strong>Total {money(total)}</strong>
      </p>
      <div className="row">
        <select aria-label="Pricebook item" className="grow" value={choice} onChange={(e) => setChoice(e.target.value)} style={{ width: 'auto' }}>
          <option value="">{pricebook.length ? 'Choose from pricebook…' : 'Pricebook not on this device yet'}</option>
          {pricebook.map((p) => (
            <option key={p.id} value={p.id}>
              {p.description} — {money(p.unitPriceCents)}
            </option>
          ))}
        </select>
        <button type="button" onClick={add} disabled={!choice}>
          Add item
        </button>
      </div>
    </section>
  );
}
