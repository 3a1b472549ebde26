/**
 * Builds the reception dashboard into web/dist with esbuild (no framework): one
 * minified ES module and one stylesheet, both with content hashes in their names
 * (served immutable), index.html pointing at them (served no-cache), and a .gz next
 * to each file for browsers that accept gzip; web/vendor/ is copied as is to
 * web/dist/vendor/. Usage: node web/build.mjs (npm run build:web)
 */
import { build } from 'esbuild';
import { cp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { gzipSync } from 'node:zlib';

const here = import.meta.dirname;
const out = path.join(here, 'dist');
const assets = path.join(out, 'assets');

await rm(out, { recursive: true, force: true });
await mkdir(assets, { recursive: true });
const result = await build({
  entryPoints: { main: path.join(here, 'src/main.ts'), styles: path.join(here, 'src/styles.css') },
  outdir: assets,
  entryNames: '[name]-[hash]',
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['chrome100', 'firefox100', 'safari15'],
  sourcemap: false,
  metafile: true,
  logLevel: 'warning',
  legalComments: 'none',
});
const outputs = Object.keys(result.metafile.outputs).map((f) => path.basename(f));
const js = outputs.find((f) => f.endsWith('.js'));
const css = outputs.find((f) => f.endsWith('.css'));
if (!js || !css) throw new Error(`build produced ${outputs.join(', ')}`);
const html = (await readFile(path.join(here, 'index.html'), 'utf8')).replace('__JS__', js).replace('__CSS__', css);
await writeFile(path.join(out, 'index.html'), html);

// Optional third-party browser files (e.g. web/vendor/jsmpeg.min.js, the camera tiles' decoder).
const vendor = path.join(here, 'vendor');
if (existsSync(vendor)) await cp(vendor, path.join(out, 'vendor'), { recursive: true });
// The camera tiles' MPEG-1 decoder (JSMpeg, MIT), from the npm package, served as /vendor/jsmpeg.min.js.
const jsmpeg = path.join(here, '../node_modules/@cycjimmy/jsmpeg-player/dist/jsmpeg-player.umd.min.js');
if (existsSync(jsmpeg)) {
  await mkdir(path.join(out, 'vendor'), { recursive: true });
  await cp(jsmpeg, path.join(out, 'vendor/jsmpeg.min.js'));
}

const lines = [];
for (const dir of [out, assets]) {
  for (const name of await readdir(dir)) {
    if (!/\.(html|js|css)$/.test(name)) continue;
    const file = path.join(dir, name);
    const body = await readFile(file);
    const gz = gzipSync(body, { level: 9 });
    await writeFile(`${file}.gz`, gz);
    lines.push(`  ${path.relative(out, file)}  ${body.length} B (${gz.length} B gzip)`);
  }
}
process.stdout.write(`web/dist built:\n${lines.join('\n')}\n`);
