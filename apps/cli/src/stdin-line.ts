import type { Socket } from 'node:net';

/**
 * The first line of `stream` (for `--password-stdin`), without its line ending. Stops reading
 * at the first newline, so `printf 'pw\n' | ordersctl login` works even if the writer keeps the
 * pipe open; reads to the end otherwise.
 */
export function readFirstLine(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: string[] = [];
    const finish = () => {
      stream.off('data', onData);
      stream.off('end', finish);
      stream.off('error', onError);
      stream.pause();
      // A paused pipe still holds the event loop open; let the run end without waiting for EOF.
      (stream as Partial<Pick<Socket, 'unref'>>).unref?.();
      const line = chunks.join('').split('\n', 1)[0] ?? '';
      resolve(line.endsWith('\r') ? line.slice(0, -1) : line);
    };
    const onData = (chunk: Buffer | string) => {
      const piece = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
      chunks.push(piece);
      if (piece.includes('\n')) finish();
    };
    const onError = (error: unknown) => {
      stream.off('data', onData);
      stream.off('end', finish);
      reject(error instanceof Error ? error : new Error(String(error)));
    };
    stream.on('data', onData);
    stream.once('end', finish);
    stream.once('error', onError);
    stream.resume();
  });
}
