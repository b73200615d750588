/**
 * Removals and handovers on SQLite (see handover-store.ts). better-sqlite3 is synchronous,
 * so "decide only from parked" is one conditional UPDATE.
 */
import type Database from 'better-sqlite3';
import type { HandoverFilter, HandoverRecord, HandoverStore, RemovalRecord } from '../handover-store';
import { handoverBody, handoverFromRow, type HandoverBody } from '../handover-row';

interface Row {
  id: string;
  job_id: string;
  technician: string;
  state: string;
  created_at: string;
  update_bytes: Buffer;
  body: string;
}

const fromRow = (r: Row): HandoverRecord =>
  handoverFromRow({ ...r, update: new Uint8Array(r.update_bytes.buffer, r.update_bytes.byteOffset, r.update_bytes.byteLength), body: JSON.parse(r.body) as HandoverBody });

/** The handover half of `SqliteStore`. */
export class SqliteHandovers implements HandoverStore {
  private readonly sql;

  constructor(private readonly db: Database.Database) {
    this.sql = {
      putRemoval: db.prepare('INSERT INTO job_removals (job_id, user_id, removed_by, removed_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING'),
      lastRemoval: db.prepare('SELECT * FROM job_removals WHERE job_id = ? AND user_id = ? ORDER BY removed_at DESC LIMIT 1'),
      insert: db.prepare('INSERT INTO handovers (id, job_id, technician, state, created_at, update_bytes, body) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING'),
      get: db.prepare('SELECT * FROM handovers WHERE id = ?'),
      decide: db.prepare("UPDATE handovers SET state = ?, body = ? WHERE id = ? AND state = 'parked'"),
    };
  }

  async recordRemoval(r: RemovalRecord): Promise<void> {
    this.sql.putRemoval.run(r.jobId, r.userId, r.removedBy, r.removedAt);
  }

  async lastRemoval(jobId: string, userId: string): Promise<RemovalRecord | null> {
    const row = this.sql.lastRemoval.get(jobId, userId) as { job_id: string; user_id: string; removed_by: string; removed_at: string } | undefined;
    return row ? { jobId: row.job_id, userId: row.user_id, removedBy: row.removed_by, removedAt: row.removed_at } : null;
  }

  async putHandover(h: HandoverRecord): Promise<{ handover: HandoverRecord; created: boolean }> {
    const update = Buffer.from(h.update.buffer, h.update.byteOffset, h.update.byteLength);
    const created = this.sql.insert.run(h.id, h.jobId, h.technician, h.state, h.createdAt, update, JSON.stringify(handoverBody(h))).changes === 1;
    return { handover: created ? h : (await this.getHandover(h.id))!, created };
  }

  async getHandover(id: string): Promise<HandoverRecord | null> {
    const row = this.sql.get.get(id) as Row | undefined;
    return row ? fromRow(row) : null;
  }

  async listHandovers(filter: HandoverFilter = {}): Promise<HandoverRecord[]> {
    const where: string[] = [];
    const args: string[] = [];
    const match = (column: string, value: string | undefined) => {
      if (value === undefined) return;
      where.push(`${column} = ?`);
      args.push(value);
    };
    match('job_id', filter.jobId);
    match('technician', filter.technician);
    match('state', filter.state);
    const sql = `SELECT * FROM handovers ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at, id`;
    return (this.db.prepare(sql).all(...args) as Row[]).map(fromRow);
  }

  async decideHandover(id: string, state: 'merged' | 'discarded', by: string, at: string): Promise<HandoverRecord | null> {
    const current = await this.getHandover(id);
    if (!current || current.state !== 'parked') return current;
    const decided: HandoverRecord = { ...current, state, decidedBy: by, decidedAt: at };
    const changes = this.sql.decide.run(state, JSON.stringify(handoverBody(decided)), id).changes;
    return changes === 1 ? decided : this.getHandover(id);
  }
}
