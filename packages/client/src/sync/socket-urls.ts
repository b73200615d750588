/**
 * The websocket URLs of a signed-in device: its device channel (`/device`, one per shard
 * behind a load balancer that routes by job) and a job's own socket (`/sync/:jobId`, for
 * servers before the device channel). Each carries the session's token; none while signed out.
 */
import { DEVICE_CHANNEL_PATH, PROTOCOL_VERSION } from '@outpost/shared';
import type { ServerHttp } from './server-http';

/** The device channel's URL with the session's token, or null while signed out. */
export function deviceChannelUrl(serverUrl: string, http: ServerHttp, shard?: string): string | null {
  if (!http.token) return null;
  const url = new URL(DEVICE_CHANNEL_PATH, serverUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  // First, so a load balancer's regex finds it at a fixed place (docs/scaling.md).
  if (shard) url.searchParams.set('shard', shard);
  url.searchParams.set('token', http.token);
  url.searchParams.set('v', String(PROTOCOL_VERSION));
  return url.toString();
}

/** A job's own socket URL (`/sync/:jobId`) with the session's token, or null while signed out. */
export function jobSocketUrl(serverUrl: string, http: ServerHttp, jobId: string): string | null {
  if (!http.token) return null;
  const url = new URL(`/sync/${encodeURIComponent(jobId)}`, serverUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.searchParams.set('token', http.token);
  url.searchParams.set('acks', '1');
  return url.toString();
}
