/**
 * The device channel (`GET /device`): one websocket carries every job a device holds.
 * Each frame starts with the job id it is addressed to (a lib0 var string), then the
 * exact message that job's `/sync/:jobId` socket would carry (y-protocols sync and
 * awareness, Outpost's durable ack, op result, error) — as Hocuspocus prefixes a
 * document name. The empty job id addresses the channel itself (hello, subscribe,
 * jobClosed, pushes).
 *
 *   const frame = encodeJobFrame('job-1', syncStep1)
 *   readJobFrame(frame) // → { jobId: 'job-1', message: syncStep1 }
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

/** The job id that addresses the channel itself. */
export const CHANNEL_ADDRESS = '';

/** Path of the device channel. */
export const DEVICE_CHANNEL_PATH = '/device';

/** The oldest protocol version the device channel accepts (`?v=`). */
export const MIN_CHANNEL_PROTOCOL_VERSION = 2;

/** Prefixes a message with the job it is addressed to. */
export function encodeJobFrame(jobId: string, message: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarString(e, jobId);
  encoding.writeUint8Array(e, message);
  return encoding.toUint8Array(e);
}

/** Splits a channel frame into its job id and message. Throws on a truncated header. */
export function readJobFrame(frame: Uint8Array): { jobId: string; message: Uint8Array } {
  const d = decoding.createDecoder(frame);
  const jobId = decoding.readVarString(d);
  return { jobId, message: frame.subarray(d.pos) };
}
