import { randomUUID } from 'node:crypto';
import type { CliContext } from './context.js';

/**
 * The key for a request the server must never run twice (`pay`, `refund`): the one given with
 * `--idempotency-key`, else a new one. It is announced before anything is sent, so an interrupted
 * run can be retried with it and get the same outcome, never a second charge or refund. With
 * `--json` a generated key goes to stderr as one plain line, leaving stdout to the result.
 */
export function announceIdempotencyKey(ctx: CliContext, given: string | undefined): string {
  const key = given ?? randomUUID();
  if (ctx.json) {
    if (given === undefined) ctx.io.stderr.write(`idempotency key: ${key}\n`);
  } else {
    const hint = given === undefined ? ' (retry safely with --idempotency-key)' : '';
    ctx.out.note(`idempotency key ${key}${hint}`);
  }
  return key;
}
