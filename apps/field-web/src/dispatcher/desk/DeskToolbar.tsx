/** Finding things on the board: technician, status, customer, search; what needs attention. */
import { JOB_STATUSES, STATUS_LABELS } from '@outpost/shared';
import type { Customer } from '../../app/reference';
import type { Technician } from '../use-board';
import type { DeskFilter } from './desk-jobs';

/** What needs the dispatcher, counted. */
export interface Attention {
  /** Statuses a technician kept over the office's change (review marks). */
  overridden: number;
  handovers: number;
  /** Jobs the field asked for (status "requested", once the field work adds it). */
  requests: number;
  unread: number;
}

/** Props of {@link DeskToolbar}. */
export interface DeskToolbarProps {
  filter: DeskFilter;
  onFilter(f: DeskFilter): void;
  technicians: readonly Technician[];
  customers: readonly Customer[];
  attention: Attention;
}

/** The board's filter row. */
export function DeskToolbar({ filter, onFilter, technicians, customers, attention }: DeskToolbarProps) {
  const set = (k: keyof DeskFilter) => (e: { target: { value: string } }) => onFilter({ ...filter, [k]: e.target.value });
  const total = attention.overridden + attention.handovers + attention.requests + attention.unread;
  return (
    <div className="desk-toolbar row" role="search">
      <input aria-label="Search title or address" placeholder="Search title or address" value={filter.text} onChange={set('text')} />
      <select aria-label="Technician" value={filter.technician} onChange={set('technician')}>
        <option value="">All technicians</option>
        {technicians.map((t) => (
          <option key={t.id} value={t.id}>
            {t.name}
          </option>
        ))}
      </select>
      <select aria-label="Status" value={filter.status} onChange={set('status')}>
        <option value="">All statuses</option>
        {JOB_STATUSES.map((s) => (
          <option key={s} value={s}>
            {STATUS_LABELS[s]}
          </option>
        ))}
      </select>
      <select aria-label="Customer" value={filter.customer} onChange={set('customer')}>
        <option value="">All customers</option>
        {customers.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
          </option>
        ))}
      </select>
      <span className={`pill${total > 0 ? ' status-on_hold' : ''}`} data-testid="desk-attention" title="Overridden conflicts, handovers, requests from the field, unread messages">
        {total} need attention: {attention.overridden} overridden · {attention.handovers} handovers · {attention.requests} requests · {attention.unread} unread
      </span>
    </div>
  );
}
