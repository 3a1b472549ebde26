import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/log.js';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, logger: createLogger('info', stream as never) };
}

describe('logging', () => {
  it('redacts passwords, tokens, keys, PINs and cookies wherever they appear', () => {
    const { lines, logger } = capture();
    logger.info(
      {
        password: 'hunter2-hunter2',
        user: { name: 'ann', password: 'p4ssw0rd-secret', token: 'tok-123456' },
        secure: { scbk: '00112233445566778899aabbccddeeff', masterKey: 'ffeeddcc' },
        credential: { pin: '4711' },
        req: { headers: { cookie: 'contactd_session=abcdef', authorization: 'Basic xyz', 'x-csrf-token': 'csrf-999' } },
      },
      'something happened',
    );
    const out = lines.join('');
    for (const secret of ['hunter2-hunter2', 'p4ssw0rd-secret', 'tok-123456', '00112233445566778899aabbccddeeff', 'ffeeddcc', '4711', 'abcdef', 'Basic xyz', 'csrf-999']) {
      expect(out).not.toContain(secret);
    }
    expect(out).toContain('[redacted]');
    expect(out).toContain('something happened');
    expect(out).toContain('"name":"ann"');
  });
});
