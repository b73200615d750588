/**
 * How a job's connection reaches the relay: its own socket on `/sync/:jobId`
 * (`socketLinks`), or one job among many on the device channel (`DeviceChannel`). A
 * `JobConnection` speaks the same y-protocols messages over either; only who owns the
 * socket differs.
 */

/** What a link tells its job connection. */
export interface LinkEvents {
  /** The link can carry the job's messages. */
  opened(): void;
  /** One message of the job (sync, awareness or an Outpost message). */
  message(bytes: Uint8Array): void;
  /**
   * The link ended with a websocket close code. `channelLost`: the shared socket went down
   * (it reconnects on its own schedule, so the job should ask again at once, not back off).
   */
  closed(code: number, reason: string, channelLost: boolean): void;
}

/** One job's link, open or on its way. */
export interface JobLink {
  /** True once `opened` fired and until it closed. */
  readonly open: boolean;
  /**
   * Sends the job's first messages on this link: its sync step 1 and, when the link can
   * carry them in the same frame (the device channel, protocol 4), the device's unacked
   * changes as one Yjs update. True when the changes went: they are content message 1.
   */
  sendOpening(step1: Uint8Array, changes: Uint8Array | null): boolean;
  /** Sends one message of the job (dropped when not open); `sendOpening` goes first. */
  send(bytes: Uint8Array): void;
  /**
   * Ends the link; `closed` follows. `dead`: the connection looks half-open (no answer in
   * time), so whatever socket carries it is replaced, not only this job's membership.
   */
  close(dead?: boolean): void;
}

/** Opens links for jobs. */
export interface JobLinks {
  /** A new link for the job, or null when none can be made now (signed out). */
  connect(jobId: string, events: LinkEvents): JobLink | null;
}

/** The WebSocket constructor used (browser global or `ws`). */
export type WebSocketLike = new (url: string) => WebSocket;

/** How long a socket may stay connecting before it is given up (a black-holed network). */
export const CONNECT_TIMEOUT_MS = 10_000;

/** A socket per job on `/sync/:jobId` (stock y-websocket's way; older servers). */
export function socketLinks(relayUrl: (jobId: string) => string | null, WebSocketCtor: WebSocketLike): JobLinks {
  return {
    connect(jobId, events) {
      const url = relayUrl(jobId);
      if (!url) return null;
      let ws: WebSocket;
      try {
        ws = new WebSocketCtor(url);
      } catch {
        return null;
      }
      ws.binaryType = 'arraybuffer';
      let open = false;
      let ended = false;
      const end = (code: number, reason: string) => {
        if (ended) return;
        ended = true;
        open = false;
        clearTimeout(connectTimer);
        events.closed(code, reason, false);
      };
      const connectTimer = setTimeout(() => {
        if (ws.readyState !== 1) {
          ws.close();
          end(1006, 'connect timeout');
        }
      }, CONNECT_TIMEOUT_MS);
      ws.onopen = () => {
        clearTimeout(connectTimer);
        open = true;
        events.opened();
      };
      ws.onmessage = (event: MessageEvent) => events.message(new Uint8Array(event.data as ArrayBuffer));
      ws.onerror = () => undefined;
      ws.onclose = (event: CloseEvent) => end(event.code, event.reason);
      return {
        get open() {
          return open && ws.readyState === 1;
        },
        // A socket per job answers the server's step 1 with a step 2 instead (stock y-websocket's way).
        sendOpening: (step1) => {
          if (ws.readyState === 1) ws.send(step1);
          return false;
        },
        send: (bytes) => {
          if (ws.readyState === 1) ws.send(bytes);
        },
        close: () => {
          ws.close();
          // As a browser would: the close event comes after the call returns.
          queueMicrotask(() => end(1000, 'closed by the device'));
        },
      };
    },
  };
}
