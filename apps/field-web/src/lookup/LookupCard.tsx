/**
 * Online look-ups on the job screen: any customer, and the full pricebook (special-order
 * items too, which can be added to the job as a line item). Offline both stay visible but
 * disabled, with the reason; the downloaded customers and pricebook keep working.
 */
import { useSyncStatus } from '@outpost/client/react';
import type { Customer, PricebookItem } from '@outpost/shared';
import { useState, type FormEvent, type ReactNode } from 'react';
import { money } from '../job/LineItemsSection';
import { useLookup, type Lookup } from './use-lookup';

/** Props of {@link LookupCard}. */
export interface LookupCardProps {
  /** Adds a pricebook item found online to the job. */
  onAddItem: (item: PricebookItem) => void;
}

function SearchForm<T>({ label, lookup, render }: { label: string; lookup: Lookup<T>; render: (item: T) => ReactNode }) {
  const { connected } = useSyncStatus();
  const [q, setQ] = useState('');
  const id = label.replace(/\W+/g, '-').toLowerCase();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (connected) lookup.search(q.trim());
  };
  return (
    <form className="stack" onSubmit={submit} aria-label={label} style={{ marginTop: 8 }}>
      <div className="row">
        <div className="field grow">
          <label htmlFor={id}>{label}</label>
          <input
            id={id}
            type="search"
            value={q}
            maxLength={100}
            onChange={(e) => setQ(e.target.value)}
            disabled={!connected}
            aria-describedby={connected ? undefined : `${id}-why`}
          />
        </div>
        <button type="submit" disabled={!connected || lookup.busy}>
          Search
        </button>
      </div>
      {!connected ? (
        <span id={`${id}-why`} className="disabled-reason">
          Needs a connection: you are offline. What is saved on this device still works.
        </span>
      ) : null}
      {lookup.error ? (
        <span className="disabled-reason" role="alert">
          {lookup.error}
        </span>
      ) : null}
      {lookup.searched && lookup.items.length === 0 && !lookup.busy ? <span className="muted">Nothing found.</span> : null}
      <ul className="stack" style={{ listStyle: 'none', padding: 0, margin: 0 }} aria-label={`${label} results`}>
        {lookup.items.map(render)}
      </ul>
      {lookup.more && connected ? (
        <button type="button" className="small" onClick={lookup.next} disabled={lookup.busy}>
          More results
        </button>
      ) : null}
    </form>
  );
}

/** The look-up card of the job screen. */
export function LookupCard({ onAddItem }: LookupCardProps) {
  const customers = useLookup<Customer>('/api/customers');
  const pricebook = useLookup<PricebookItem>('/api/pricebook/search');
  return (
    <section className="card" aria-labelledby="lookup-title">
      <h2 id="lookup-title">Look up (online)</h2>
      <SearchForm
        label="Search all customers"
        lookup={customers}
        render={(c) => (
          <li key={c.id} data-testid="customer-result">
            <strong>{c.name}</strong> · <a href={`tel:${c.phone}`}>{c.phone}</a> · <a href={`mailto:${c.email}`}>{c.email}</a>
            <br />
            <span className="muted">{c.address}</span>
          </li>
        )}
      />
      <SearchForm
        label="Search full pricebook"
        lookup={pricebook}
        render={(p) => (
          <li key={p.id} className="row" data-testid="pricebook-result">
            <span className="grow">
              {p.description}{' '}
              <span className="muted">
                {p.sku} · {money(p.unitPriceCents)}
                {p.active === false ? ' · special order' : ''}
              </span>
            </span>
            <button type="button" className="small" aria-label={`Add ${p.description} to the job`} onClick={() => onAddItem(p)}>
              Add
            </button>
          </li>
        )}
      />
    </section>
  );
}
