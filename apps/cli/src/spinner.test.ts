import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgress } from './spinner.js';

function stream(isTTY: boolean) {
  let text = '';
  const writable = Object.assign(
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        text += chunk.toString('utf8');
        done();
      },
    }),
    { isTTY },
  );
  return { writable, text: () => text };
}

describe('createProgress', () => {
  it('writes plain lines and no control codes when not on a terminal', () => {
    const out = stream(false);
    const progress = createProgress(out.writable, { animate: true });
    progress.status('paying…');
    progress.log('attempt 1: APPROVED (3 ms)');
    progress.stop();
    expect(out.text()).toBe('attempt 1: APPROVED (3 ms)\n');
  });

  it('draws a spinner on a terminal, keeps logged lines above it and erases it when stopped', () => {
    const out = stream(true);
    const progress = createProgress(out.writable, { animate: true });
    progress.status('paying…');
    progress.log('attempt 1: APPROVED (3 ms)');
    progress.stop();
    expect(out.text()).toBe(
      '\r\u001b[K⠋ paying…\r\u001b[Kattempt 1: APPROVED (3 ms)\n\r\u001b[K⠙ paying…\r\u001b[K',
    );
  });

  it('does not animate when asked not to, even on a terminal', () => {
    const out = stream(true);
    const progress = createProgress(out.writable, { animate: false });
    progress.status('paying…');
    progress.log('line');
    expect(out.text()).toBe('line\n');
  });
});
