// dom0/xenstore/ops-domain.ts - domain management requests (tools/xenstore/xenstored_domain.c do_introduce,
// do_release, do_resume, do_get_domain_path, do_is_domain_introduced, do_set_target) and CONTROL
// (xenstored_control.c: check, print, quota, help). Numbers are parsed with atoi, as xenstored does.

import {
  XS_CONTROL, XS_GET_DOMAIN_PATH, XS_IS_DOMAIN_INTRODUCED, type XsErrno,
} from '../../abi/xen/io/xs_wire.js';
import type { Connection, XsMessage } from './connection.js';
import { atoi, countStrings, getStrings, joinStrings, oneArg } from './cstring.js';
import { DOMID_SELF } from './domains.js';
import { ack } from './ops-node.js';
import { domainPath } from './path.js';
import type { Quotas } from './quota.js';
import type { Xenstored } from './xenstored.js';

/** INTRODUCE <domid>|<gfn>|<evtchn>|? : dom0 connects a domain's ring. */
export function doIntroduce(xs: Xenstored, conn: Connection, req: XsMessage): XsErrno | null {
  const v = getStrings(req.payload);
  if (v.length < 3) return 'EINVAL';
  const domid = atoi(v[0]!) >>> 0;
  const gfn = atoi(v[1]!); // "signed decimal (!)"
  const port = atoi(v[2]!);
  if (port <= 0) return 'EINVAL';
  const err = xs.introduce(domid, gfn, port);
  return err ?? ack(conn, req);
}

/** onearg_domain(): a domain id that is introduced and connected; 0 is refused. */
function oneArgDomain(xs: Xenstored, req: XsMessage): number | XsErrno {
  const s = oneArg(req.payload);
  if (s === null) return 'EINVAL';
  const domid = atoi(s) >>> 0;
  if (!domid) return 'EINVAL';
  if (!xs.domains.introduced(domid)) return 'ENOENT';
  if (!xs.domainConnection(domid)) return 'EINVAL';
  return domid;
}

/** RELEASE <domid>| : disconnect; the domain's nodes are removed and @releaseDomain fires. */
export function doRelease(xs: Xenstored, conn: Connection, req: XsMessage): XsErrno | null {
  const domid = oneArgDomain(xs, req);
  if (typeof domid === 'string') return domid;
  const err = xs.release(domid);
  return err ?? ack(conn, req);
}

/** RESUME <domid>| : @releaseDomain may fire again for the next shutdown. */
export function doResume(xs: Xenstored, conn: Connection, req: XsMessage): XsErrno | null {
  const domid = oneArgDomain(xs, req);
  if (typeof domid === 'string') return domid;
  xs.domains.find(domid)!.shutdown = false;
  return ack(conn, req);
}

/** SET_TARGET <domid>|<tdomid>| : <domid> acts with <tdomid>'s rights (device models). */
export function doSetTarget(xs: Xenstored, conn: Connection, req: XsMessage): XsErrno | null {
  const v = getStrings(req.payload);
  if (v.length < 2) return 'EINVAL';
  const ids = [atoi(v[0]!) >>> 0, atoi(v[1]!) >>> 0];
  for (const id of ids) {
    if (!xs.domains.introduced(id)) return 'ENOENT';
    if (!xs.domainConnection(id)) return 'EINVAL';
  }
  xs.domainConnection(ids[0]!)!.target = ids[1]!;
  return ack(conn, req);
}

/** GET_DOMAIN_PATH <domid>| -> /local/domain/<domid>| */
export function doGetDomainPath(xs: Xenstored, conn: Connection, req: XsMessage): XsErrno | null {
  const s = oneArg(req.payload);
  if (s === null) return 'EINVAL';
  conn.reply(req, XS_GET_DOMAIN_PATH, joinStrings([domainPath(atoi(s))]));
  return null;
}

/** IS_DOMAIN_INTRODUCED <domid>| -> T| or F| */
export function doIsDomainIntroduced(xs: Xenstored, conn: Connection, req: XsMessage): XsErrno | null {
  const s = oneArg(req.payload);
  if (s === null) return 'EINVAL';
  const domid = atoi(s) >>> 0;
  const yes = domid === DOMID_SELF || xs.domains.introduced(domid) !== undefined;
  conn.reply(req, XS_IS_DOMAIN_INTRODUCED, joinStrings([yes ? 'T' : 'F']));
  return null;
}

// xenstored_control.c hard_quotas[] (the ones tsxen has; "memory" is not accounted)
const QUOTA_NAMES: readonly [string, keyof Quotas, string][] = [
  ['nodes', 'nodes', 'Nodes per domain'],
  ['watches', 'watches', 'Watches per domain'],
  ['transactions', 'transactions', 'Transactions per domain'],
  ['outstanding', 'outstanding', 'Outstanding requests per domain'],
  ['transaction-nodes', 'transNodes', 'Max. number of accessed nodes per transaction'],
  ['node-size', 'entrySize', 'Max. size of a node'],
  ['path-max', 'pathLen', 'Max. length of a node path'],
  ['permissions', 'permsPerNode', 'Max. number of permissions per node'],
];

const CONTROL_COMMANDS: readonly [string, string][] = [
  ['check', ''], ['print', '<string>'], ['quota', '[set <name> <val>|<domid>]'], ['help', ''],
];

/** CONTROL <command>|[<parameters>|]* (xenstore-control). */
export function doControl(xs: Xenstored, conn: Connection, req: XsMessage): XsErrno | null {
  if (countStrings(req.payload) === 0) return 'EINVAL';
  const [cmd, ...args] = getStrings(req.payload) as [string, ...string[]];
  const text = (s: string) => {
    conn.reply(req, XS_CONTROL, joinStrings([s]));
    return null;
  };
  switch (cmd) {
    case 'check': {
      if (args.length) return 'EINVAL';
      const problems = xs.store.check();
      for (const p of problems) xs.log.error(`xenstored: check: ${p}`);
      return ack(conn, req);
    }
    case 'print':
      if (args.length !== 1) return 'EINVAL';
      xs.log.info(`control: ${args[0]}`);
      return ack(conn, req);
    case 'help':
      if (args.length) return 'EINVAL';
      return text(CONTROL_COMMANDS.map(([c, p]) => `${c}\t${p}\n`).join(''));
    case 'quota':
      return controlQuota(xs, args, text, () => ack(conn, req));
    default:
      return 'EINVAL';
  }
}

function controlQuota(xs: Xenstored, args: string[], text: (s: string) => null, ok: () => null): XsErrno | null {
  if (args.length === 0) {
    let s = 'Quota settings:\n';
    for (const [name, key, descr] of QUOTA_NAMES) s += `${name.padEnd(17)}: ${String(xs.quota[key]).padStart(8)} ${descr}\n`;
    return text(s);
  }
  if (args[0] === 'set') {
    if (args.length !== 3) return 'EINVAL';
    const val = atoi(args[2]!);
    const q = QUOTA_NAMES.find(([name]) => name === args[1]);
    if (val < 1 || !q) return 'EINVAL';
    xs.quota[q[1]] = val;
    return ok();
  }
  if (args.length !== 1) return 'EINVAL';
  const domid = atoi(args[0]!) >>> 0;
  const d = xs.domains.find(domid);
  if (!d) return 'ENOENT';
  const conn = xs.domainConnection(domid);
  const row = (k: string, v: number) => `${k.padEnd(16)}: ${String(v).padStart(8)}\n`;
  return text(`Domain ${domid}:\n` + row('nodes', d.nbentry) + row('watches', d.nbwatch)
    + row('transactions', conn ? conn.transactions.size : 0) + row('outstanding', conn ? conn.outstanding : 0));
}
