/**
 * @outpost/shared: the job document schema, status machine, wire protocol and error
 * vocabulary shared by client and server. No I/O.
 *
 * @module @outpost/shared
 */
// First, so the guard is watching before this package's own yjs import is evaluated.
export { SECOND_YJS_MESSAGE, yjsCopiesLoaded } from './yjs-guard';
export type { Customer, Equipment, JobSummary, LookupPage, OpResult, PricebookItem, PrimingManifest, PrimingPayload, User } from './api/types';
export { classifyUpdate, decodeJobUpdate, type UpdateClass } from './job/classify';
export type { DecodedUpdate } from './job/structs';
export {
  addChecklistItem,
  addLineItem,
  addLocation,
  addNote,
  addPhoto,
  addRefrigerant,
  noteText,
  removeLineItem,
  setChecklistDone,
  setLineItemQty,
  setMeta,
  setPhotoCaption,
  setSignature,
  startTime,
  stopTime,
} from './job/content';
export { markMessagesRead, MESSAGE_MAX_CHARS, messageThread, sendMessage, unreadCount } from './job/messages';
export { jobRoots, newJobDoc, readJob, readJobFacts, readJobRoot, readNote, type JobFacts, type JobRoots } from './job/doc';
export { FIELD_RULES, type EntryRules, type FieldRule, type MapRules, type Writer } from './job/ownership';
export {
  CLIENT_ROOTS,
  isClientRoot,
  JOB_ROOTS,
  JOB_STATUSES,
  PHOTO_KINDS,
  SERVER_ROOT,
  type ChecklistItem,
  type JobContent,
  type JobMessage,
  type JobMeta,
  type JobRoot,
  type JobStatus,
  type LineItem,
  type LocationPing,
  type MessageReads,
  type Note,
  type Photo,
  type PhotoKind,
  type RefrigerantEntry,
  type ServerState,
  type Signature,
  type TimeEntry,
} from './job/schema';
export { readServerState, writeServerState } from './job/server-state';
export { MAX_OPS_PER_BATCH, opBatchSchema, type OpBatchAnswer, type OpBatchResponse } from './ops/batch';
export { jobRequestSchema, OP_KINDS, opIntentSchema, requestJobId, workflowOpSchema, type JobRequest, type OpIntent, type OpKind, type WorkflowOp } from './ops/op';
export { decide, type Actor, type Decision, type RejectionCode, type WorkflowState } from './status/decide';
export { findTransition, mayTarget, nextTransitions, OPEN_STATUSES, reopenTarget, ROLES, STATUS_LABELS, TRANSITIONS, type Role, type Transition } from './status/machine';
export * from './protocol/index';
export * from './errors/index';
export {
  HANDOVER_WINDOW_MS,
  handoverBlobs,
  handoverWords,
  WORK_KINDS,
  summarizeHandover,
  type Handover,
  type HandoverRequest,
  type HandoverState,
  type HandoverSummary,
} from './job/handover';
