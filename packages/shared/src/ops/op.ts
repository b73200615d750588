/**
 * Workflow ops: the only changes that go through the server in order. The body a device
 * posts to `POST /api/jobs/:id/ops`, validated with zod on both ends. The actor comes from
 * the token, never from the body.
 */
import { z } from 'zod';
import { JOB_STATUSES } from '../job/schema';

/** Kinds of workflow op. */
export const OP_KINDS = ['transition', 'assign', 'cancel', 'reopen', 'request'] as const;
/** A kind of workflow op. */
export type OpKind = (typeof OP_KINDS)[number];

/**
 * A request or follow-up job raised from a job in the field ("Compressor needs replacing —
 * quote"): it becomes a job in `requested` for the same customer, whose id is
 * `requestJobId(opId)` — made on the device, so the op is idempotent by its id.
 */
export const jobRequestSchema = z
  .object({
    title: z.string().trim().min(1).max(200),
    description: z.string().max(4000),
    /** Photos of the job it is raised from (sha256), copied into the new job. */
    photoIds: z.array(z.string().regex(/^[0-9a-f]{64}$/, 'a photo id is a sha256 hex')).max(20),
    /** Equipment at the customer's site the request is about. */
    equipmentIds: z.array(z.string().min(1).max(128)).max(20),
  })
  .strict();

/** A request from the field. */
export type JobRequest = z.infer<typeof jobRequestSchema>;

/** The id of the job a `request` op makes: device-made, from the op's id. */
export function requestJobId(opId: string): string {
  return `req-${opId}`;
}

/** What an op asks for, without its ordering envelope. */
export const opIntentSchema = z.object({
  kind: z.enum(OP_KINDS),
  to: z.enum(JOB_STATUSES).optional(),
  assignees: z.array(z.string().min(1).max(128)).max(50).optional(),
  override: z.boolean().optional(),
  request: jobRequestSchema.optional(),
});

/** A workflow op as a device submits it. */
export const workflowOpSchema = opIntentSchema
  .extend({
    opId: z.uuid(),
    jobId: z.string().min(1).max(128),
    deviceId: z.string().min(1).max(128),
    deviceSeq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
    occurredAt: z.iso.datetime({ offset: true }),
    /**
     * Deprecated, optional and not checked: the server decides an op by the job's state when
     * it arrives (transition table, role, guards; `docState` for causality), not by the
     * version the device saw. Still accepted so devices that send it keep working.
     */
    baseVersion: z.number().int().min(0).optional(),
    /** The job doc's state vector when the op was made, base64. */
    docState: z
      .string()
      .max(65_536)
      .regex(/^[A-Za-z0-9+/]*={0,2}$/),
  })
  .strict()
  .refine((op) => op.kind !== 'transition' || op.to !== undefined, { message: 'a transition needs "to"', path: ['to'] })
  .refine((op) => op.kind !== 'assign' || op.assignees !== undefined, { message: 'assign needs "assignees"', path: ['assignees'] })
  .refine((op) => (op.kind === 'request') === (op.request !== undefined), { message: 'a request op, and only it, carries "request"', path: ['request'] });

/** What an op asks for. */
export type OpIntent = z.infer<typeof opIntentSchema>;
/** A workflow op as a device submits it. */
export type WorkflowOp = z.infer<typeof workflowOpSchema>;
