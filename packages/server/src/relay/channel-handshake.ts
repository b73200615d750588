/**
 * Letting a device channel in on `GET /device?token=…&v=…`: the protocol version first (a
 * device older than the server accepts is told `update_required`, close code 4426, not
 * left to fail on frames it cannot read), then the token. Nothing is read meanwhile
 * beyond a small byte cap, as on `/sync/:jobId`. Once in, the device gets `channelReady`
 * and its frames are handled in order by its `DeviceChannel`.
 */
import {
  channelReady,
  CHANNEL_ADDRESS,
  closeReason,
  encodeJobFrame,
  encodeMessage,
  ERROR_CODES,
  errorMessage,
  MIN_CHANNEL_PROTOCOL_VERSION,
  OutpostError,
  PROTOCOL_VERSION,
  type ErrorCode,
} from '@outpost/shared';
import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import { authRequestOf } from '../hooks/hooks';
import type { RelayContext } from './context';
import { DeviceChannel } from './device-channel';
import type { Handshake } from './handshake';
import type { RoomRegistry } from './room-registry';
import { closeSocket } from './socket-refusal';

/** The device channels of one relay, from upgrade to close. */
export class ChannelHandshake {
  private readonly channels = new Map<WebSocket, DeviceChannel | null>();
  private closing = false;
  /** Channels being let in (token check) now. */
  private lettingIn = 0;
  /** Called for each channel let in and each channel gone (pushes find devices through it). */
  onChannel: (channel: DeviceChannel, open: boolean) => void = () => undefined;

  constructor(
    private readonly ctx: RelayContext,
    private readonly rooms: RoomRegistry,
    /** Counts sockets per user: a channel is one of the user's connections, like a job socket. */
    private readonly users: Pick<Handshake, 'countIn' | 'countOut'>,
  ) {}

  /** Open channel sockets. */
  get count(): number {
    return this.channels.size;
  }

  /** Channels being let in now: the relay's `admitting`. */
  get admitting(): number {
    return this.lettingIn;
  }

  /** Refuses new channels from now on (server shutdown). */
  stopAccepting(): void {
    this.closing = true;
  }

  /** Closes every channel still open (1001). */
  closeAll(): void {
    for (const ws of this.channels.keys()) closeSocket(ws, 1001, 'server shutting down');
  }

  /** Handles an upgraded socket for `/device`. */
  async accept(ws: WebSocket, req: IncomingMessage): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://relay');
    if (this.closing) return this.refuse(ws, 'unavailable', 'The server is shutting down; try again.');
    const version = Number(url.searchParams.get('v') ?? '0');
    if (!Number.isInteger(version) || version < MIN_CHANNEL_PROTOCOL_VERSION) {
      return this.refuse(
        ws,
        'update_required',
        `This app speaks protocol ${version || 'unknown'}; the server needs ${MIN_CHANNEL_PROTOCOL_VERSION} or newer. Update the app to sync.`,
      );
    }
    this.channels.set(ws, null);
    ws.pause();
    ws.binaryType = 'nodebuffer';
    const queued: Uint8Array[] = [];
    let queuedBytes = 0;
    let channel: DeviceChannel | null = null;
    let expiry: NodeJS.Timeout | undefined;
    let user: string | null = null;
    const { messageBurst, maxPendingBytes } = this.ctx.limits;
    ws.on('message', (data: Buffer) => {
      if (channel) return channel.receive(data);
      if (ws.readyState !== ws.OPEN) return;
      queued.push(data);
      queuedBytes += data.byteLength;
      if (queued.length > messageBurst || queuedBytes > maxPendingBytes) {
        queued.length = 0;
        this.refuse(ws, 'rate_limited', `At most ${maxPendingBytes} bytes may be sent before the channel is let in.`);
      }
    });
    ws.on('error', () => ws.terminate());
    ws.on('close', () => {
      clearTimeout(expiry);
      this.channels.delete(ws);
      if (user !== null) this.users.countOut(user);
      if (channel) {
        channel.leaveAll();
        this.onChannel(channel, false);
      }
    });
    this.lettingIn++;
    try {
      const principal = await this.ctx.hooks.authenticate(authRequestOf(req));
      if (ws.readyState !== ws.OPEN) return;
      this.users.countIn(principal.userId);
      user = principal.userId;
      const open = new DeviceChannel(ws, principal, this.rooms, this.ctx, version, req.socket);
      this.channels.set(ws, open);
      if (principal.expiresAt !== undefined) {
        const ms = Math.min(Math.max(0, principal.expiresAt - Date.now()), 2 ** 31 - 1);
        expiry = setTimeout(() => open.refuse('token_expired'), ms);
      }
      open.sendControl(encodeMessage(channelReady, { protocolVersion: PROTOCOL_VERSION, minProtocolVersion: MIN_CHANNEL_PROTOCOL_VERSION }));
      channel = open;
      this.onChannel(open, true);
      for (const frame of queued.splice(0)) open.receive(frame);
      if (ws.readyState === ws.OPEN) ws.resume();
    } catch (err) {
      const code: ErrorCode = err instanceof OutpostError ? err.code : 'internal';
      if (!(err instanceof OutpostError)) console.error('[outpost] device channel connect failed', err);
      this.refuse(ws, code, err instanceof Error ? err.message : ERROR_CODES[code].message);
    } finally {
      this.lettingIn--;
    }
  }

  /** The channel's refusal before it is let in: the error on the channel address, then the close code. */
  private refuse(ws: WebSocket, code: ErrorCode, message: string): void {
    if (ws.readyState === ws.OPEN) ws.send(encodeJobFrame(CHANNEL_ADDRESS, encodeMessage(errorMessage, { code, message })));
    const close = ERROR_CODES[code].close;
    if (close >= 4000) this.ctx.metrics.countRefusal(close);
    closeSocket(ws, close, closeReason(message));
  }
}
