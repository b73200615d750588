/**
 * Connections the kernel turned away because a listening socket's accept queue was full
 * (`TcpExt: ListenDrops` in Linux's `/proc/net/netstat`, machine-wide): each is a SYN
 * dropped, and its client waits for TCP's retry a second later. Read around a reconnect
 * storm, where the server under test is the only one listening. Null off Linux.
 */
import { readFileSync } from 'node:fs';

/** `ListenDrops` in a `/proc/net/netstat` text (a header line, then a values line, per group). */
export function parseListenDrops(netstat: string): number | null {
  const lines = netstat.split('\n');
  for (let i = 0; i + 1 < lines.length; i++) {
    if (!lines[i]!.startsWith('TcpExt:') || !lines[i + 1]!.startsWith('TcpExt:')) continue;
    const names = lines[i]!.trim().split(/\s+/);
    const values = lines[i + 1]!.trim().split(/\s+/);
    const at = names.indexOf('ListenDrops');
    const n = at > 0 ? Number(values[at]) : NaN;
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/** The machine's listen drops so far (null where they cannot be read). */
export function readListenDrops(): number | null {
  try {
    return parseListenDrops(readFileSync('/proc/net/netstat', 'utf8'));
  } catch {
    return null;
  }
}
