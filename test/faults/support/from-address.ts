/**
 * HTTP requests from a chosen loopback address. Linux routes all of 127.0.0.0/8 to the
 * loopback interface, so binding the client socket to 127.0.3.7 makes the server see a
 * different caller, the way a login flood from many hosts would look. node:http, not
 * fetch, because fetch cannot choose its local address.
 */
import { request } from 'node:http';

/** What came back. */
export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: { error?: { code?: string; message?: string; details?: unknown }; token?: string } | null;
}

/** Sends `json` to `path` on 127.0.0.1:`port` from `localAddress` (a 127.x.y.z address). */
export function postFrom(port: number, localAddress: string, path: string, json: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const payload = JSON.stringify(json);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        localAddress,
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          let body: Answer['body'] = null;
          try {
            body = JSON.parse(text) as Answer['body'];
          } catch {
            // not JSON: leave null, the status says enough
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** A login attempt from `localAddress`. */
export function loginFrom(port: number, localAddress: string, username: string, password: string): Promise<Answer> {
  return postFrom(port, localAddress, '/api/auth/login', { username, password });
}
