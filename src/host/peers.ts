// host/peers.ts - locating the external programs tests compare against (Debian packages). Under CI
// (CI=true) a missing peer is a failure, never a silent skip; elsewhere tests may skip with the reason.

import { spawnSync } from 'node:child_process';

export interface Peer {
  command: string;
  debianPackage: string;
}

export const DTC: Peer = { command: 'dtc', debianPackage: 'device-tree-compiler' };
export const QEMU_AARCH64: Peer = { command: 'qemu-aarch64', debianPackage: 'qemu-user' };
export const AARCH64_AS: Peer = { command: 'aarch64-linux-gnu-as', debianPackage: 'binutils-aarch64-linux-gnu' };

export function havePeer(p: Peer): boolean {
  return spawnSync('sh', ['-c', `command -v ${p.command}`], { stdio: 'ignore' }).status === 0;
}

/**
 * For node:test's `skip` option: false when the peer exists; a reason string when it is missing outside CI.
 * Under CI a missing peer throws, so the test fails and names the package to install.
 */
export function skipUnlessPeer(p: Peer): false | string {
  if (havePeer(p)) return false;
  const msg = `${p.command} not found: install the Debian package ${p.debianPackage}`;
  if (process.env.CI === 'true') throw new Error(msg);
  return msg;
}
