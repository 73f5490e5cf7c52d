#!/usr/bin/env node
// Part of `npm run build`: compiles src/native/malloc-trim.c into dist/native/malloc-trim.node,
// which the server's idle collection uses to give freed native memory back to the OS
// (src/server/native-heap-trim.ts). Optional: on systems other than Linux with glibc, or without
// a C compiler (`cc`, or $CC), it says so and the server runs without it. No Node headers or
// node-gyp are needed (the module declares the four Node-API functions it uses).
import { spawnSync } from 'node:child_process';
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'src', 'native', 'malloc-trim.c');
const target = join(root, 'dist', 'native', 'malloc-trim.node');

function skip(reason) {
  rmSync(target, { force: true });
  console.log(`build-native: malloc-trim.node not built (${reason}); the server runs without it`);
  process.exit(0);
}

if (process.platform !== 'linux') skip(`platform ${process.platform}, not Linux`);
const glibc = process.report?.getReport().header.glibcVersionRuntime;
if (glibc === undefined) skip('the C library is not glibc');

const cc = process.env.CC || 'cc';
mkdirSync(dirname(target), { recursive: true });
const partial = `${target}.${process.pid}.tmp`;
const r = spawnSync(cc, ['-O2', '-Wall', '-shared', '-fPIC', '-o', partial, source], {
  stdio: ['ignore', 'inherit', 'inherit'],
});
if (r.error) {
  rmSync(partial, { force: true });
  skip(`no C compiler: ${cc}: ${r.error.code ?? r.error.message}`);
}
if (r.status !== 0) {
  rmSync(partial, { force: true });
  skip(`${cc} exited with ${r.status ?? r.signal}`);
}
renameSync(partial, target);
console.log(`build-native: built dist/native/malloc-trim.node (glibc ${glibc})`);
