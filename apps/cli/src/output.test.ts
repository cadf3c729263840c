import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createOutput, formatFields, type CliIo } from './output.js';

function terminalIo(): CliIo & { written: () => string } {
  let text = '';
  const stream = Object.assign(
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        text += chunk.toString('utf8');
        done();
      },
    }),
    { isTTY: true },
  );
  return { stdin: process.stdin, stdout: stream, stderr: stream, written: () => text };
}

const ESC = '\u001b[';

describe('createOutput', () => {
  it('colours a terminal when colour is on', async () => {
    const io = terminalIo();
    (await createOutput(io, { json: false, color: true })).result({ a: 1 }, (_d, style) => [
      style.bold('x'),
    ]);
    expect(io.written()).toContain(ESC);
  });

  it('never colours when colour is off (--no-color or NO_COLOR) or in --json mode', async () => {
    for (const options of [
      { json: false, color: false },
      { json: true, color: true },
    ]) {
      const io = terminalIo();
      const out = await createOutput(io, options);
      out.result({ a: 1 }, (_d, style) => [style.bold('x')]);
      out.error('bad', ['detail']);
      expect(io.written()).not.toContain(ESC);
    }
  });

  it('prints the data itself as JSON in --json mode, and drops notes', async () => {
    const io = terminalIo();
    const out = await createOutput(io, { json: true, color: false });
    out.result({ id: 'u1', n: 2 }, () => ['human text']);
    out.note('a remark');
    expect(JSON.parse(io.written())).toEqual({ id: 'u1', n: 2 });
  });

  it('aligns field values', async () => {
    const io = terminalIo();
    const { style } = await createOutput(io, { json: false, color: false });
    expect(
      formatFields(
        [
          ['id', '1'],
          ['email', 'a@b.c'],
        ],
        style,
      ),
    ).toEqual(['id     1', 'email  a@b.c']);
  });
});
