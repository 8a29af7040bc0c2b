import net from 'node:net';

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Writes bytes on a fresh connection and reads the answer until the server closes it. */
export function rawRequest(url: string, payload: string | string[], pause = 0): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    let data = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (data += chunk));
    // The server may close while we still write (oversized headers): what it answered counts.
    socket.on('error', (error) => (data ? undefined : reject(error)));
    socket.on('close', () => {
      const split = data.indexOf('\r\n\r\n');
      if (split < 0) return reject(new Error(`no answer: ${JSON.stringify(data)}`));
      const [statusLine, ...lines] = data.slice(0, split).split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      resolve({ status: Number(statusLine!.split(' ')[1]), headers, body: Buffer.from(data.slice(split + 4), 'latin1').toString('utf8') });
    });
    socket.on('connect', async () => {
      const parts = Array.isArray(payload) ? payload : [payload];
      for (const [i, part] of parts.entries()) {
        if (i && pause) await new Promise((r) => setTimeout(r, pause));
        if (!socket.writable) return;
        socket.write(part);
      }
    });
  });
}
