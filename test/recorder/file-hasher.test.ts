/** Segment hashing on the recorder's thread gives the same SHA-256 and size as hashing in-process. */
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { FileHasher } from '../../devices/recorder/file-hasher.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

let hasher: FileHasher | undefined;
afterEach(async () => {
  await hasher?.close();
  removeTempDirs();
});

describe('segment file hasher', () => {
  it('hashes many files at once on its thread, each with its own size and SHA-256', async () => {
    hasher = new FileHasher(pino({ level: 'silent' }));
    expect(hasher.mode).toBe('worker');
    const dir = tempDir();
    // Sizes around the thread's 1 MiB read buffer, and an empty file.
    const files = [0, 1, 1 << 20, (1 << 20) + 1, 3_000_001].map((size, i) => {
      const data = randomBytes(size);
      const file = path.join(dir, `s${i}.mp4`);
      writeFileSync(file, data);
      return { file, size, sha256: createHash('sha256').update(data).digest('hex') };
    });
    const hashes = await Promise.all(files.map((f) => hasher!.hash(f.file)));
    expect(hashes).toEqual(files.map((f) => ({ sha256: f.sha256, bytes: f.size })));
  });

  it('rejects a file that is not there, and goes on hashing', async () => {
    hasher = new FileHasher(pino({ level: 'silent' }));
    const dir = tempDir();
    await expect(hasher.hash(path.join(dir, 'missing.mp4'))).rejects.toThrow(/ENOENT/);
    writeFileSync(path.join(dir, 'ok.mp4'), 'abc');
    expect((await hasher.hash(path.join(dir, 'ok.mp4'))).sha256).toBe(createHash('sha256').update('abc').digest('hex'));
  });
});
