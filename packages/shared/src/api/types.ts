/**
 * Shapes of the HTTP API's JSON bodies (docs/contracts.md), shared so the server that
 * sends them and the devices that read them cannot drift apart.
 */
import type { JobStatus } from '../job/schema';
import type { Role } from '../status/machine';

/** A signed-in person. */
export interface User {
  id: string;
  username: string;
  name: string;
  role: Role;
}

/** A job as listed to devices. */
export interface JobSummary {
  id: string;
  title: string;
  customerId: string;
  siteAddress: string;
  windowStart: string;
  windowEnd: string;
  status: JobStatus;
  version: number;
  assignees: string[];
}

/** A customer. */
export interface Customer {
  id: string;
  name: string;
  phone: string;
  email: string;
  address: string;
  /** What the office tells every technician about this customer (gate codes, pets, contacts). */
  notes?: string;
}

/** A piece of equipment at a customer's site, linked to the jobs that service it. */
export interface Equipment {
  id: string;
  customerId: string;
  jobIds: string[];
  kind: string;
  make: string;
  model: string;
  serial: string;
  refrigerant: string;
}

/** A pricebook item. */
export interface PricebookItem {
  id: string;
  sku: string;
  description: string;
  unitPriceCents: number;
  category: string;
  /**
   * False for items kept for quotes and special orders: devices download only active items
   * (`GET /api/pricebook`); the online search finds all. Absent means active.
   */
  active?: boolean;
}

/** One page of an online look-up; `nextCursor` asks for the next page, null on the last. */
export interface LookupPage<T> {
  items: T[];
  nextCursor: string | null;
}

/** Counts and a hash a device checks its primed cache against. */
export interface PrimingManifest {
  jobs: number;
  customers: number;
  equipment: number;
  /** sha-256 hex of `JSON.stringify({ jobs, customers, equipment })` as sent. */
  hash: string;
  /**
   * The downloaded pricebook's version (the `hash` of `GET /api/pricebook`): a device whose
   * cached pricebook has another version re-reads it. Absent from servers before it.
   */
  pricebook?: string;
}

/** `GET /api/me/jobs`: what a device primes its cache with. */
export interface PrimingPayload {
  generatedAt: string;
  jobs: JobSummary[];
  customers: Customer[];
  equipment: Equipment[];
  manifest: PrimingManifest;
}

/** The body of a 200 answer to `POST /api/jobs/:id/ops`. */
export interface OpResult {
  opId: string;
  outcome: 'applied';
  status: JobStatus;
  version: number;
  assignees: string[];
  changed: boolean;
  review: boolean;
  /** True when this opId was seen before: the first result, nothing changed. */
  duplicate: boolean;
  receivedAt: string;
}
