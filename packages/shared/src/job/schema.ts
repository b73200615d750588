/**
 * The job document: one Y.Doc per job (guid = job id) with a fixed set of root types.
 * Everything under CLIENT_ROOTS is content any device may write; `server` is written only
 * by the server and mirrors the job's workflow state.
 */

/** Root type names and their Yjs kinds. */
export const JOB_ROOTS = {
  meta: 'map',
  notes: 'array',
  checklist: 'array',
  photos: 'array',
  signature: 'map',
  time: 'array',
  refrigerant: 'array',
  lineItems: 'array',
  locations: 'array',
  messages: 'array',
  messageReads: 'map',
  server: 'map',
} as const;

/** A root type name of the job document. */
export type JobRoot = keyof typeof JOB_ROOTS;

/** The server-owned root: only the server writes it. */
export const SERVER_ROOT = 'server' satisfies JobRoot;

/** Roots a device may write. */
export const CLIENT_ROOTS: readonly JobRoot[] = (Object.keys(JOB_ROOTS) as JobRoot[]).filter((r) => r !== SERVER_ROOT);

/** True when `name` is a root any device may write. */
export function isClientRoot(name: string): boolean {
  return name !== SERVER_ROOT && Object.hasOwn(JOB_ROOTS, name);
}

/** Job meta, written by the dispatcher (who writes which field: ownership.ts). */
export interface JobMeta {
  title: string;
  customerId: string;
  siteAddress: string;
  windowStart: string;
  windowEnd: string;
  /** A request from the field: who raised it (server-written). */
  requestedBy?: string;
  /** A request from the field: the job it was raised from (server-written). */
  fromJobId?: string;
  /** A request from the field: the equipment it is about (server-written). */
  equipmentIds?: string[];
}

/** A note as plain data (its text lives in a Y.Text). */
export interface Note {
  id: string;
  author: string;
  createdAt: string;
  text: string;
}

/** One checklist item. */
export interface ChecklistItem {
  id: string;
  label: string;
  required: boolean;
  done: boolean;
  doneBy: string | null;
  doneAt: string | null;
}

/** Kinds of job photo. */
export const PHOTO_KINDS = ['before', 'after', 'data-plate', 'damage', 'other'] as const;
/** A kind of job photo. */
export type PhotoKind = (typeof PHOTO_KINDS)[number];

/** Photo metadata; the bytes are a content-addressed blob (id = sha256 hex). */
export interface Photo {
  id: string;
  kind: PhotoKind;
  caption: string;
  mime: string;
  bytes: number;
  takenAt: string;
  by: string;
}

/**
 * The customer's signature; `blob` is the sha256 of the signature image, `signer` the
 * customer's name as typed, `by` the user who took it (the writer, checked by the relay).
 */
export interface Signature {
  blob: string;
  signer: string;
  signedAt: string;
  by: string;
}

/** A time entry; `end` is null while the clock runs. */
export interface TimeEntry {
  id: string;
  tech: string;
  start: string;
  end: string | null;
  kind: 'travel' | 'work' | 'break';
}

/** A refrigerant log entry (EPA section 608 style). */
export interface RefrigerantEntry {
  id: string;
  refrigerant: string;
  action: 'added' | 'recovered';
  amountOz: number;
  cylinder: string;
  at: string;
  by: string;
}

/** A priced line item from the pricebook. */
export interface LineItem {
  id: string;
  pricebookId: string;
  description: string;
  qty: number;
  unitPriceCents: number;
}

/** A location ping. */
export interface LocationPing {
  tech: string;
  lat: number;
  lon: number;
  accuracy: number;
  at: string;
}

/**
 * A message in the job's conversation between the office and the technicians. Every field
 * is set once by its author (the writer, checked by the relay); messages are shown in the
 * order they were written (`at`, then `id`).
 */
export interface JobMessage {
  id: string;
  author: string;
  text: string;
  at: string;
}

/**
 * Per-person read marks of the conversation: user id → how many messages by others that
 * person has read. Only the person themself writes their mark (docs/decisions.md).
 */
export type MessageReads = Record<string, number>;

/** Workflow statuses of a job. */
export const JOB_STATUSES = ['requested', 'scheduled', 'en_route', 'on_site', 'in_progress', 'on_hold', 'completed', 'cancelled'] as const;
/** A workflow status. */
export type JobStatus = (typeof JOB_STATUSES)[number];

/** The server-owned workflow state mirrored into the doc's `server` map. */
export interface ServerState {
  status: JobStatus;
  version: number;
  assignees: string[];
  changedBy: string | null;
  changedAt: string | null;
}

/** The whole job document as plain data. */
export interface JobContent {
  meta: Partial<JobMeta>;
  notes: Note[];
  checklist: ChecklistItem[];
  photos: Photo[];
  signature: Signature | null;
  time: TimeEntry[];
  refrigerant: RefrigerantEntry[];
  lineItems: LineItem[];
  locations: LocationPing[];
  messages: JobMessage[];
  messageReads: MessageReads;
  server: ServerState | null;
}
