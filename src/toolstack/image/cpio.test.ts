import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { skipUnlessPeer, type Peer } from '../../host/peers.js';
import { readCpio, writeCpio, type CpioEntry } from './cpio.js';

const CPIO: Peer = { command: 'cpio', debianPackage: 'cpio' };

const enc = new TextEncoder();

const ENTRIES: CpioEntry[] = [
  { name: 'bin', type: 'dir', mode: 0o755 },
  { name: 'bin/busybox', type: 'file', mode: 0o755, data: enc.encode('#!fake busybox\n'), mtime: 1_700_000_000 },
  { name: 'bin/sh', type: 'symlink', mode: 0o777, data: enc.encode('busybox') },
  { name: 'dev', type: 'dir', mode: 0o755 },
  { name: 'dev/console', type: 'char', mode: 0o600, rdevmajor: 5, rdevminor: 1 },
  { name: 'init', type: 'file', mode: 0o755, data: enc.encode('#!/bin/sh\necho hi\n') },
  { name: 'empty', type: 'file', mode: 0o644, data: new Uint8Array(0) },
];

test('newc headers, names and data are 4-byte aligned and end with TRAILER!!!', () => {
  const archive = writeCpio(ENTRIES);
  assert.equal(new TextDecoder().decode(archive.subarray(0, 6)), '070701');
  assert.equal(archive.length % 4, 0);
  assert.match(new TextDecoder().decode(archive.subarray(archive.length - 128)), /TRAILER!!!\0/);
});

test('what writeCpio writes reads back entry by entry', () => {
  const back = readCpio(writeCpio(ENTRIES));
  assert.deepEqual(back.map((e) => [e.name, e.type, e.mode]), ENTRIES.map((e) => [e.name, e.type, e.mode]));
  assert.equal(new TextDecoder().decode(back[1]!.data), '#!fake busybox\n');
  assert.equal(back[1]!.mtime, 1_700_000_000);
  assert.equal(new TextDecoder().decode(back[2]!.data), 'busybox');
  assert.deepEqual([back[4]!.rdevmajor, back[4]!.rdevminor], [5, 1]);
});

test('the same entries give byte-identical archives', () => {
  assert.deepEqual(writeCpio(ENTRIES), writeCpio(ENTRIES));
});

test('GNU cpio lists and extracts the archive', { skip: skipUnlessPeer(CPIO) }, () => {
  const archive = writeCpio(ENTRIES);
  const list = spawnSync('cpio', ['-it', '--quiet'], { input: archive });
  assert.equal(list.status, 0, list.stderr.toString());
  assert.deepEqual(list.stdout.toString().trim().split('\n'), ENTRIES.map((e) => e.name));
  const verbose = spawnSync('cpio', ['-itv', '--quiet'], { input: archive }).stdout.toString();
  assert.match(verbose, /^crw------- .* 5,\s+1 .* dev\/console$/m);
  assert.match(verbose, /^lrwxrwxrwx .* bin\/sh -> busybox$/m);
  const dir = mkdtempSync(join(tmpdir(), 'tsxen-cpio-'));
  try {
    const withoutDevice = writeCpio(ENTRIES.filter((e) => e.type !== 'char'));
    const extract = spawnSync('cpio', ['-idm', '--quiet', '--no-absolute-filenames'], { input: withoutDevice, cwd: dir });
    assert.equal(extract.status, 0, extract.stderr.toString());
    assert.equal(readFileSync(join(dir, 'init'), 'utf8'), '#!/bin/sh\necho hi\n');
    assert.equal(statSync(join(dir, 'bin/busybox')).mode & 0o777, 0o755);
    assert.equal(readlinkSync(join(dir, 'bin/sh')), 'busybox');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
