import { describe, expect, it } from 'vitest';
import { parseListenDrops, readListenDrops } from '../src/harness/listen-drops';

describe('listen drops', () => {
  it('reads ListenDrops from the TcpExt lines of /proc/net/netstat', () => {
    const text = [
      'TcpExt: SyncookiesSent SyncookiesRecv ListenOverflows ListenDrops TCPHPHits',
      'TcpExt: 7101 0 74065 74066 12',
      'IpExt: InNoRoutes InTruncatedPkts',
      'IpExt: 0 0',
    ].join('\n');
    expect(parseListenDrops(text)).toBe(74066);
  });

  it('is null for a text without them', () => {
    expect(parseListenDrops('IpExt: InNoRoutes\nIpExt: 0\n')).toBeNull();
    expect(parseListenDrops('TcpExt: SyncookiesSent\nTcpExt: 3\n')).toBeNull();
  });

  it.runIf(process.platform === 'linux')('reads a count on this machine', () => {
    expect(readListenDrops()).toBeGreaterThanOrEqual(0);
  });
});
