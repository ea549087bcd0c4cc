import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { XsClient } from '../../dom0/xenstore/client.js';
import { Xenstored } from '../../dom0/xenstore/xenstored.js';
import { buildNodes, consoleNodes, createNodes, domainPaths, writeNodes, type DomainNodesInfo } from './xenstore-nodes.js';

// `xenstore-ls -fp` on real Xen 4.17 with the reference domU (name "ref", domid 1, 256 MiB, 1 vCPU), uuid and
// start time masked (shared/reference/xen-4.17-arm64/xenstore-ls-fp.normalized.txt)
const REFERENCE = readFileSync(new URL('../../../test/xenstore/xen-4.17-domU-xenstore-ls-fp.txt', import.meta.url), 'utf8');

const info: DomainNodesInfo = {
  domid: 1, name: 'ref', uuid: '00000000-1111-2222-3333-444444444444', type: 'pvh', memoryKiB: 262144, vcpus: 1,
  startTime: 1700000000.5, store: { gfn: 0x39001, port: 1 }, console: { gfn: 0x39000, port: 2 },
};

/** The tree as `xenstore-ls -fp` prints it. */
function dump(xs: XsClient, path: string, out: string[] = []): string[] {
  if (path !== '/') out.push(`${path} = "${xs.read(path)}"   (${xs.getPerms(path)!.join(',')})`);
  for (const c of xs.directory(path) ?? []) dump(xs, path === '/' ? `/${c}` : `${path}/${c}`, out);
  return out;
}

function mask(lines: string[]): string[] {
  return lines.map(l => l.replaceAll(info.uuid, '<UUID>').replace(/start_time = "[^"]*"/, 'start_time = "<TIME>"'));
}

test('a domain\'s nodes match what libxl writes on Xen 4.17, in its order and with its permissions', () => {
  const xenstored = new Xenstored();
  const xs = new XsClient(xenstored);
  xs.mkdir('/local/domain/0'); // dom0's directory exists before any guest's (xen-init-dom0)
  for (const nodes of [createNodes(info), buildNodes(info), consoleNodes(info)]) writeNodes(xs, nodes);
  const ofDomain = (l: string) => /^\/(local\/domain\/1|local\/domain\/0\/backend|vm|libxl)\b/.test(l);
  const expected = REFERENCE.trimEnd().split('\n').filter(ofDomain)
    .filter(l => !l.startsWith('/libxl/1/dm-version')) // no device model in tsxen
    .map(l => l.replace('console/tty = "/dev/pts/0"', 'console/tty = ""')) // xenconsoled's pty name
    .map(l => l.replace(/(control\/feature-\w+) = "1"/, '$1 = ""')); // the guest's kernel writes the 1s
  assert.deepEqual(mask(dump(xs, '/')).filter(ofDomain), expected);
});

test('the guest owns control/shutdown alone; dom0 owns the domain\'s directory and the guest may only read it', () => {
  const nodes = createNodes({ ...info, domid: 7 });
  const byPath = new Map(nodes.map(n => [n.path, n]));
  assert.deepEqual(byPath.get('/local/domain/7')?.perms, ['n0', 'r7']);
  assert.deepEqual(byPath.get('/local/domain/7/control/shutdown')?.perms, ['n7']);
  assert.deepEqual(byPath.get('/local/domain/7/data')?.perms, ['n7']);
});

test('destroying a domain removes every path the toolstack wrote for it', () => {
  const xenstored = new Xenstored();
  const xs = new XsClient(xenstored);
  for (const nodes of [createNodes(info), buildNodes(info), consoleNodes(info)]) writeNodes(xs, nodes);
  xs.transaction(tx => { for (const p of domainPaths(info)) xs.rm(p, tx); });
  const left = dump(xs, '/').map(l => l.split(' = ')[0]!);
  assert.deepEqual(left.filter(p => p.includes('/1') || p.includes(info.uuid)), []);
});
