/**
 * Removals and handovers on Postgres (see handover-store.ts), safe for several nodes:
 * inserting an id twice keeps the first, and deciding is one conditional UPDATE, so two
 * dispatchers pressing Merge and Discard at once get one outcome.
 */
import type pg from 'pg';
import type { HandoverFilter, HandoverRecord, HandoverStore, RemovalRecord } from '../handover-store';
import { handoverBody, handoverFromRow, type HandoverBody } from '../handover-row';
import { byteaParam, bytesOf } from './rows';

interface Row {
  id: string;
  job_id: string;
  technician: string;
  state: string;
  created_at: string;
  update_bytes: Buffer;
  body: HandoverBody;
}

const fromRow = (r: Row): HandoverRecord => handoverFromRow({ ...r, update: bytesOf(r.update_bytes) });

/** The handover half of `PostgresStore`. */
export class PostgresHandovers implements HandoverStore {
  constructor(private readonly pool: pg.Pool) {}

  async recordRemoval(r: RemovalRecord): Promise<void> {
    await this.pool.query('INSERT INTO job_removals (job_id, user_id, removed_by, removed_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [
      r.jobId,
      r.userId,
      r.removedBy,
      r.removedAt,
    ]);
  }

  async lastRemoval(jobId: string, userId: string): Promise<RemovalRecord | null> {
    const { rows } = await this.pool.query<{ removed_by: string; removed_at: string }>(
      'SELECT removed_by, removed_at FROM job_removals WHERE job_id = $1 AND user_id = $2 ORDER BY removed_at DESC LIMIT 1',
      [jobId, userId],
    );
    return rows[0] ? { jobId, userId, removedBy: rows[0].removed_by, removedAt: rows[0].removed_at } : null;
  }

  async putHandover(h: HandoverRecord): Promise<{ handover: HandoverRecord; created: boolean }> {
    const result = await this.pool.query(
      `INSERT INTO handovers (id, job_id, technician, state, created_at, update_bytes, body) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (id) DO NOTHING`,
      [h.id, h.jobId, h.technician, h.state, h.createdAt, byteaParam(h.update), JSON.stringify(handoverBody(h))],
    );
    const created = result.rowCount === 1;
    return { handover: created ? h : (await this.getHandover(h.id))!, created };
  }

  async getHandover(id: string): Promise<HandoverRecord | null> {
    const { rows } = await this.pool.query<Row>('SELECT * FROM handovers WHERE id = $1', [id]);
    return rows[0] ? fromRow(rows[0]) : null;
  }

  async listHandovers(filter: HandoverFilter = {}): Promise<HandoverRecord[]> {
    const { rows } = await this.pool.query<Row>(
      `SELECT * FROM handovers
       WHERE ($1::text IS NULL OR job_id = $1) AND ($2::text IS NULL OR technician = $2) AND ($3::text IS NULL OR state = $3)
       ORDER BY created_at, id`,
      [filter.jobId ?? null, filter.technician ?? null, filter.state ?? null],
    );
    return rows.map(fromRow);
  }

  async decideHandover(id: string, state: 'merged' | 'discarded', by: string, at: string): Promise<HandoverRecord | null> {
    const { rows } = await this.pool.query<Row>(
      `UPDATE handovers SET state = $2, body = body || jsonb_build_object('decidedBy', $3::text, 'decidedAt', $4::text)
       WHERE id = $1 AND state = 'parked' RETURNING *`,
      [id, state, by, at],
    );
    return rows[0] ? fromRow(rows[0]) : this.getHandover(id);
  }
}
