import { Socket } from 'node:net';

type WriteCallback = (error?: Error | null) => void;

/**
 * The socket each pool connection talks through (pg's `stream` option): whatever is written to
 * it before the writing code yields — the statements of one round trip, issued under one
 * `Promise.all` — leaves in one write(2) instead of one per statement. pg in pipeline mode writes
 * each statement's messages as soon as it is issued; on loopback every write is a system call that
 * also wakes the server's backend, which then reads a partial batch.
 */
export class BatchingSocket extends Socket {
  #holding = false;

  constructor() {
    super();
    // `Socket.connect()` puts `Socket.prototype.write` back on the instance (undoing the
    // write-after-end guard of an earlier session), which would shadow an overriding method:
    // ours goes on once connected, before pg writes its first message (its listener comes later).
    this.on('connect', () => {
      this.write = this.#batchedWrite;
    });
  }

  readonly #batchedWrite = (
    chunk: Uint8Array | string,
    encodingOrCallback?: BufferEncoding | WriteCallback,
    callback?: WriteCallback,
  ): boolean => {
    if (!this.#holding) {
      this.#holding = true;
      this.cork();
      queueMicrotask(() => {
        this.#holding = false;
        try {
          this.uncork();
        } catch {
          // The server ended the session under it: the write fails, the socket reports the
          // error, and pg fails the connection's statements with it — where callers hear of it.
        }
      });
    }
    // `super.write` is the prototype's: the Writable's own write.
    return typeof encodingOrCallback === 'function'
      ? super.write(chunk, encodingOrCallback)
      : super.write(chunk, encodingOrCallback, callback);
  };
}
