import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: createLogger('info', stream), lines };
}

describe('the JSON logger', () => {
  it('writes one JSON line with level, ISO time, service and message', () => {
    const { logger, lines } = capture();
    logger.info({ requestId: 'r1' }, 'request');
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({
      level: 30,
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      service: 'orders',
      requestId: 'r1',
      msg: 'request',
    });
  });

  it('censors secrets that slip into a logged object, up to a payment method in an input', () => {
    const { logger, lines } = capture();
    const paymentMethod = { type: 'card', number: '4242424242424242', cvc: '123' };
    logger.info({ password: 'pw-1', token: 't', headers: { authorization: 'Bearer x' } }, 'a');
    logger.info({ input: { paymentMethod }, paymentMethod, cookie: 'sid=1' }, 'b');
    const text = lines.join('');
    for (const secret of ['pw-1', '"t"', 'Bearer x', '4242424242424242', '"123"', 'sid=1']) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('[redacted]');
  });
});
