/**
 * Outpost's own websocket messages, beyond y-protocols' sync (0), awareness (1), auth (2)
 * and query-awareness (3). Each message is described by a list of typed fields; the codec
 * below writes them with lib0 in order, and reads them back the same way:
 *
 *   const bytes = encodeMessage(durableAck, { upTo: 7 })
 *   decodeMessage(bytes) // → { type: durableAck, value: { upTo: 7 } }
 *
 * Outpost message type numbers start at 100 so they never collide with y-protocols.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

/** Wire types a field can have. */
export type FieldKind = 'uint' | 'string' | 'strings' | 'bytes' | 'byteLists';

interface KindValue {
  uint: number;
  string: string;
  strings: string[];
  bytes: Uint8Array;
  byteLists: Uint8Array[];
}

/** A message's field list: name and wire type, in wire order. */
export type Fields = readonly (readonly [string, FieldKind])[];

/** The value type a field list describes. */
export type ValueOf<F extends Fields> = { [E in F[number] as E[0]]: KindValue[E[1]] };

/** A message schema: its type number, name and fields. */
export interface MessageSchema<F extends Fields = Fields> {
  readonly type: number;
  readonly name: string;
  readonly fields: F;
}

/** Declares a message schema; keeps the literal field types for inference. */
export function defineMessage<const F extends Fields>(type: number, name: string, fields: F): MessageSchema<F> {
  return { type, name, fields };
}

const writers: { [K in FieldKind]: (e: encoding.Encoder, v: KindValue[K]) => void } = {
  uint: (e, v) => encoding.writeVarUint(e, v),
  string: (e, v) => encoding.writeVarString(e, v),
  strings: (e, v) => {
    encoding.writeVarUint(e, v.length);
    for (const s of v) encoding.writeVarString(e, s);
  },
  bytes: (e, v) => encoding.writeVarUint8Array(e, v),
  byteLists: (e, v) => {
    encoding.writeVarUint(e, v.length);
    for (const b of v) encoding.writeVarUint8Array(e, b);
  },
};

const readers: { [K in FieldKind]: (d: decoding.Decoder) => KindValue[K] } = {
  uint: (d) => decoding.readVarUint(d),
  string: (d) => decoding.readVarString(d),
  strings: (d) => {
    const n = decoding.readVarUint(d);
    if (n > d.arr.length - d.pos) throw new RangeError('declared list length exceeds the message');
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(decoding.readVarString(d));
    return out;
  },
  bytes: (d) => decoding.readVarUint8Array(d),
  byteLists: (d) => {
    const n = decoding.readVarUint(d);
    if (n > d.arr.length - d.pos) throw new RangeError('declared list length exceeds the message');
    const out: Uint8Array[] = [];
    for (let i = 0; i < n; i++) out.push(decoding.readVarUint8Array(d));
    return out;
  },
};

/** Writes a message's fields (after its type number) into an encoder. */
export function writeMessage<F extends Fields>(e: encoding.Encoder, schema: MessageSchema<F>, value: ValueOf<F>): void {
  encoding.writeVarUint(e, schema.type);
  const record = value as Record<string, unknown>;
  for (const [name, kind] of schema.fields) {
    (writers[kind] as (e: encoding.Encoder, v: unknown) => void)(e, record[name]);
  }
}

/** Reads a message's fields (the type number already read) from a decoder. */
export function readMessage<F extends Fields>(d: decoding.Decoder, schema: MessageSchema<F>): ValueOf<F> {
  const out: Record<string, unknown> = {};
  for (const [name, kind] of schema.fields) out[name] = readers[kind](d);
  return out as ValueOf<F>;
}

/**
 * The encoder `encodeMessage` reuses: a fresh lib0 encoder allocates a 100-byte buffer for
 * every message (a relay sends a durable ack per commit per socket). Encoding is
 * synchronous, so no two messages share it; one grown past `SCRATCH_BYTES` is let go.
 */
let scratch: encoding.Encoder | null = null;
const SCRATCH_BYTES = 4096;

/** One whole message as bytes (exactly its length). */
export function encodeMessage<F extends Fields>(schema: MessageSchema<F>, value: ValueOf<F>): Uint8Array {
  const e = scratch ?? encoding.createEncoder();
  scratch = null; // taken: a writer that throws leaves no half-written encoder behind
  e.cpos = 0;
  e.bufs.length = 0;
  writeMessage(e, schema, value);
  const bytes = encoding.toUint8Array(e);
  if (e.cbuf.length <= SCRATCH_BYTES) scratch = e;
  return bytes;
}
