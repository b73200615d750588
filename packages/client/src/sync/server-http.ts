/**
 * HTTP calls to the Outpost server, with the session's token. A network failure throws
 * `Unreachable`; every answer, error or not, comes back as `{ status, body }` so callers
 * can sort transient from final errors by the shared error codes.
 */
import { isErrorCode, OutpostError, type ErrorBody } from '@outpost/shared';

/** Thrown when the server could not be reached at all (no answer). */
export class Unreachable extends Error {
  override readonly name = 'Unreachable';
}

/** A server answer. */
export interface HttpAnswer<T = unknown> {
  status: number;
  body: T;
  contentType: string;
}

/** The HTTP side of the server. */
export class ServerHttp {
  token: string | null = null;
  private readonly closing = new AbortController();
  /** Called with true after any answer, false after a network failure. */
  onReachability: (reachable: boolean) => void = () => undefined;

  constructor(
    readonly serverUrl: string,
    private readonly fetchFn: typeof fetch,
  ) {}

  /** Sends a request; resolves to any answer, throws `Unreachable` without one. */
  async request<T = unknown>(method: string, path: string, body?: unknown, opts: { timeoutMs?: number; contentType?: string } = {}): Promise<HttpAnswer<T>> {
    const timeoutMs = opts.timeoutMs ?? 15_000;
    const headers: Record<string, string> = {};
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    let payload: BodyInit | undefined;
    if (body instanceof Uint8Array) {
      payload = body as unknown as BodyInit;
      headers['content-type'] = opts.contentType ?? 'application/octet-stream';
    } else if (body !== undefined) {
      payload = JSON.stringify(body);
      headers['content-type'] = 'application/json';
    }
    const deadline = this.deadline(timeoutMs);
    try {
      let res: Response;
      let raw: Uint8Array;
      try {
        res = await this.fetchFn(new URL(path, this.serverUrl), { method, headers, body: payload, signal: deadline.signal });
        // The body is part of the answer: a link that dies (or goes silent) mid-body is no answer.
        raw = new Uint8Array(await res.arrayBuffer());
      } catch (err) {
        this.onReachability(false);
        throw new Unreachable((err as Error).message);
      }
      this.onReachability(true);
      const type = res.headers.get('content-type') ?? '';
      return { status: res.status, body: (type.includes('json') ? parseJson(raw) : raw) as T, contentType: type };
    } finally {
      deadline.clear();
    }
  }

  /**
   * An abort signal for one request: fires after `timeoutMs` or when this closes. Made
   * from a plain controller and timer rather than `AbortSignal.any([AbortSignal.timeout()])`:
   * Node drops such a composed signal at a garbage collection while fetch still waits on
   * it, and a request the server never answers then never ends (with the outbox drain
   * waiting on it: issue 15).
   */
  private deadline(timeoutMs: number): { signal: AbortSignal; clear(): void } {
    const abort = new AbortController();
    const onClose = () => abort.abort(this.closing.signal.reason);
    const timer = setTimeout(() => abort.abort(new DOMException(`no answer within ${timeoutMs} ms`, 'TimeoutError')), timeoutMs);
    if (this.closing.signal.aborted) onClose();
    else this.closing.signal.addEventListener('abort', onClose, { once: true });
    return {
      signal: abort.signal,
      clear: () => {
        clearTimeout(timer);
        this.closing.signal.removeEventListener('abort', onClose);
      },
    };
  }

  /** Aborts every request in flight and refuses new ones (engine destroyed). */
  close(): void {
    this.closing.abort();
  }

  /** Like `request`, but a non-2xx answer throws the server's OutpostError, and no answer `unavailable`. */
  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let answer: HttpAnswer<T>;
    try {
      answer = await this.request<T>(method, path, body);
    } catch (err) {
      if (err instanceof Unreachable) throw new OutpostError('unavailable', `The server could not be reached (${err.message}).`);
      throw err;
    }
    if (answer.status >= 200 && answer.status < 300) return answer.body;
    throw errorOf(answer);
  }
}

/** A JSON body, or null when it does not parse (the status still says how the request went). */
function parseJson(raw: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(raw));
  } catch {
    return null;
  }
}

/** The OutpostError an error answer carries (or a generic one by status). */
export function errorOf(answer: HttpAnswer): OutpostError {
  const error = (answer.body as Partial<ErrorBody> | null)?.error;
  if (error && isErrorCode(error.code)) return new OutpostError(error.code, error.message, error.details);
  if (answer.status === 401) return new OutpostError('unauthenticated');
  if (answer.status === 404) return new OutpostError('not_found');
  if (answer.status === 429) return new OutpostError('rate_limited');
  return new OutpostError(answer.status >= 500 ? 'internal' : 'bad_request', `HTTP ${answer.status}`);
}
