/**
 * What a relayed keystroke covers, read from its first bytes instead of decoding the whole
 * update (`Y.parseUpdateMeta` walks every struct through Yjs's lazy reader and allocates
 * for each). The generator receives four relayed copies of every keystroke; at the fan-out
 * knee that decoding was a tenth of its core and much of its garbage, so the generator's
 * ceiling, not the server's, ended some climbs.
 *
 * Only the common shape is read here: one client, one struct, an Item holding a string
 * (a typed run of characters), in Yjs's v1 encoding. Anything else (several clients or
 * structs, other content) answers null, and the caller falls back to `Y.parseUpdateMeta`.
 */
import * as decoding from 'lib0/decoding';

/** Yjs's content ref for ContentString (the low five bits of an Item's info byte). */
const CONTENT_STRING = 4;
const HAS_ORIGIN = 0x80;
const HAS_RIGHT_ORIGIN = 0x40;
const HAS_PARENT_SUB = 0x20;

/** UTF-16 code units in a UTF-8 byte run: Yjs counts a string's length (its clock span) in them. */
function utf16Length(bytes: Uint8Array, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) {
    const b = bytes[i]!;
    if ((b & 0xc0) !== 0x80) n += b >= 0xf0 ? 2 : 1; // a lead byte; a 4-byte one is a surrogate pair
  }
  return n;
}

/**
 * The client and end clock (exclusive) of an update made of one client's one string Item;
 * null for any other shape (read it with `Y.parseUpdateMeta`).
 */
export function singleRunEnd(update: Uint8Array): { client: number; to: number } | null {
  try {
    const d = decoding.createDecoder(update);
    if (decoding.readVarUint(d) !== 1) return null; // clients
    if (decoding.readVarUint(d) !== 1) return null; // structs of that client
    const client = decoding.readVarUint(d);
    const clock = decoding.readVarUint(d);
    const info = decoding.readUint8(d);
    if ((info & 0x1f) !== CONTENT_STRING) return null;
    if (info & HAS_ORIGIN) skipId(d);
    if (info & HAS_RIGHT_ORIGIN) skipId(d);
    if ((info & (HAS_ORIGIN | HAS_RIGHT_ORIGIN)) === 0) {
      if (decoding.readVarUint(d) === 1)
        skipString(d); // parent named by its root key
      else skipId(d); // parent named by its item's id
      if (info & HAS_PARENT_SUB) skipString(d);
    }
    const bytes = decoding.readVarUint(d);
    const start = d.pos;
    if (start + bytes > update.length) return null;
    return { client, to: clock + utf16Length(update, start, start + bytes) };
  } catch {
    return null; // cut short: let Yjs say what it is
  }
}

function skipId(d: decoding.Decoder): void {
  decoding.readVarUint(d);
  decoding.readVarUint(d);
}

function skipString(d: decoding.Decoder): void {
  const bytes = decoding.readVarUint(d); // read first: `d.pos += read(d)` would add to the position before the read
  d.pos += bytes;
}
