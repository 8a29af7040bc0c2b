import { connect, type Socket } from 'node:net';

/** A response read off a raw connection. */
export interface RawResponse {
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: string;
}

/**
 * One HTTP/1.1 connection driven byte by byte, for what `fetch` hides: whether the
 * server keeps the connection open, what it answers before a body is complete.
 */
export class RawConnection {
  readonly socket: Socket;
  #buffer = Buffer.alloc(0);
  #closed = false;
  #error: Error | undefined;
  #wake: (() => void) | undefined;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      this.#wake?.();
    });
    socket.on('close', () => {
      this.#closed = true;
      this.#wake?.();
    });
    socket.on('error', (error) => {
      this.#error = error;
    });
  }

  /** Connects to the host and port of `url`. */
  static open(url: string): Promise<RawConnection> {
    const { hostname, port } = new URL(url);
    return new Promise((resolve, reject) => {
      const socket = connect(Number(port), hostname, () => resolve(new RawConnection(socket)));
      socket.once('error', reject);
    });
  }

  /** True once the server closed the connection (or it was reset). */
  get closed(): boolean {
    return this.#closed;
  }

  /** What failed on the socket, if anything (a reset, a write after the server closed). */
  get error(): Error | undefined {
    return this.#error;
  }

  /** Writes bytes; resolves when the socket took them, `false` if it is closed or failed. */
  write(data: string | Uint8Array): Promise<boolean> {
    if (this.#closed || this.socket.destroyed) return Promise.resolve(false);
    return new Promise((resolve) => this.socket.write(data, (error) => resolve(!error)));
  }

  /** Reads the next response (with a Content-Length body), or `undefined` if the connection closes first. */
  async response(): Promise<RawResponse | undefined> {
    for (;;) {
      const parsed = this.#take();
      if (parsed) return parsed;
      if (this.#closed) return undefined;
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }

  /** Resolves once the server has closed the connection. */
  async closing(): Promise<void> {
    while (!this.#closed) await new Promise<void>((resolve) => (this.#wake = resolve));
  }

  close(): void {
    this.socket.destroy();
  }

  /** Everything received and not yet taken as a response, as text. */
  received(): string {
    return this.#buffer.toString('latin1');
  }

  #take(): RawResponse | undefined {
    const end = this.#buffer.indexOf('\r\n\r\n');
    if (end === -1) return undefined;
    const [statusLine, ...lines] = this.#buffer.subarray(0, end).toString('latin1').split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const length = Number(headers['content-length'] ?? 0);
    if (this.#buffer.length < end + 4 + length) return undefined;
    const body = this.#buffer.subarray(end + 4, end + 4 + length).toString('utf8');
    this.#buffer = this.#buffer.subarray(end + 4 + length);
    return { status: Number(statusLine!.split(' ')[1]), headers, body };
  }
}

/** The head of a POST with a JSON content type and the given framing headers. */
export function postHead(path: string, framing: string): string {
  return `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n${framing}\r\n\r\n`;
}
