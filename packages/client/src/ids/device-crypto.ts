/**
 * Ids and hashes that also work where the browser withholds `crypto.subtle` and
 * `crypto.randomUUID` (pages served over plain http on a site LAN are not a secure context).
 */
import { digest } from 'lib0/hash/sha256';

/** A random RFC 4122 version-4 uuid. */
export function newUuid(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Hex sha256 of bytes (WebCrypto where available, else lib0's implementation). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const hash = crypto.subtle ? new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as unknown as ArrayBuffer)) : digest(bytes);
  return [...hash].map((b) => b.toString(16).padStart(2, '0')).join('');
}
