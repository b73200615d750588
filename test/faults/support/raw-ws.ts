/**
 * Websocket frames written by hand on a raw TCP socket, for attacks a websocket library
 * would never send: a frame header declaring a payload of terabytes, a frame cut short.
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/** Upgrades a raw socket to a websocket at `path`; resolves with the socket once switched. */
export function rawUpgrade(port: number, path: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
    let head = '';
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      if (head.startsWith('HTTP/1.1 101')) resolve(socket);
      else reject(new Error(`upgrade refused: ${head.split('\r\n')[0]}`));
    };
    socket.on('data', onData);
    socket.once('error', reject);
  });
}

/** A masked binary frame header claiming `length` payload bytes (64-bit length form). */
export function frameHeader(length: bigint): Buffer {
  const header = Buffer.alloc(2 + 8 + 4);
  header[0] = 0x82; // FIN + binary
  header[1] = 0x80 | 127; // masked, 64-bit length follows
  header.writeBigUInt64BE(length, 2);
  randomBytes(4).copy(header, 10);
  return header;
}

/** Resolves true when the peer closes the socket within `ms`. */
export function closesWithin(socket: Socket, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
    socket.on('error', () => undefined);
    socket.resume();
  });
}
