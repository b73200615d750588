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
export interface ApiAnswer<T = unknown> {
  status: number;
  body: T;
  contentType: string;
}

/** The HTTP side of the server. */
export class Api {
  token: string | null = null;
  private readonly closing = new AbortController();
  /** Called with true after any answer, false after a network failure. */
  onReachability: (reachable: boolean) => void = () => undefined;

  constructor(
    readonly serverUrl: string,
    private readonly fetchFn: typeof fetch,
  ) {}

  /** Sends a request; resolves to any answer, throws `Unreachable` without one. */
  async request<T = unknown>(method: string, path: string, body?: unknown, opts: { timeoutMs?: number; contentType?: string } = {}): Promise<ApiAnswer<T>> {
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
    let res: Response;
    try {
      res = await this.fetchFn(new URL(path, this.serverUrl), { method, headers, body: payload, signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), this.closing.signal]) });
    } catch (err) {
      this.onReachability(false);
      throw new Unreachable((err as Error).message);
    }
    this.onReachability(true);
    const type = res.headers.get('content-type') ?? '';
    const parsed = type.includes('json') ? await res.json().catch(() => null) : new Uint8Array(await res.arrayBuffer());
    return { status: res.status, body: parsed as T, contentType: type };
  }

  /** Aborts every request in flight and refuses new ones (engine destroyed). */
  close(): void {
    this.closing.abort();
  }

  /** Like `request`, but a non-2xx answer throws the server's OutpostError, and no answer `unavailable`. */
  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let answer: ApiAnswer<T>;
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

/** The OutpostError an error answer carries (or a generic one by status). */
export function errorOf(answer: ApiAnswer): OutpostError {
  const error = (answer.body as Partial<ErrorBody> | null)?.error;
  if (error && isErrorCode(error.code)) return new OutpostError(error.code, error.message, error.details);
  if (answer.status === 401) return new OutpostError('unauthenticated');
  if (answer.status === 404) return new OutpostError('not_found');
  if (answer.status === 429) return new OutpostError('rate_limited');
  return new OutpostError(answer.status >= 500 ? 'internal' : 'bad_request', `HTTP ${answer.status}`);
}
