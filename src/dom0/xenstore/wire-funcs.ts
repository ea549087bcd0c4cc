// dom0/xenstore/wire-funcs.ts - the dispatch table, xenstored's wire_funcs[] (tools/xenstore/xenstored_core.c):
// one entry per message type with its handler and flags. Types without a handler (WATCH_EVENT and ERROR are
// replies only, 20 was XS_RESTRICT) and types past the table get ENOSYS.

import * as W from '../../abi/xen/io/xs_wire.js';
import type { XsErrno } from '../../abi/xen/io/xs_wire.js';
import type { Connection, XsMessage } from './connection.js';
import {
  doControl, doGetDomainPath, doIntroduce, doIsDomainIntroduced, doRelease, doResume, doSetTarget,
} from './ops-domain.js';
import {
  doDirectory, doDirectoryPart, doGetPerms, doMkdir, doRead, doRm, doSetPerms, doWrite,
} from './ops-node.js';
import { doTransactionEnd, doTransactionStart } from './ops-transaction.js';
import { doResetWatches, doUnwatch, doWatch } from './ops-watch.js';
import type { Xenstored } from './xenstored.js';

/** Ignore the header's tx_id (watches are not transactional). */
export const XS_FLAG_NOTID = 1 << 0;
/** Privileged callers only (dom0 and sockets); others get EACCES. */
export const XS_FLAG_PRIV = 1 << 1;

/** A request handler: replies itself on success, returns the errno name to send otherwise. */
export type WireHandler = (xs: Xenstored, conn: Connection, req: XsMessage) => XsErrno | null;

export interface WireFunc {
  readonly name: string;
  readonly handler: WireHandler | null;
  readonly flags: number;
}

const f = (name: string, handler: WireHandler | null, flags = 0): WireFunc => ({ name, handler, flags });

export const WIRE_FUNCS: readonly (WireFunc | undefined)[] = (() => {
  const t: (WireFunc | undefined)[] = new Array(W.XS_TYPE_COUNT);
  t[W.XS_CONTROL] = f('CONTROL', doControl, XS_FLAG_PRIV);
  t[W.XS_DIRECTORY] = f('DIRECTORY', doDirectory);
  t[W.XS_READ] = f('READ', doRead);
  t[W.XS_GET_PERMS] = f('GET_PERMS', doGetPerms);
  t[W.XS_WATCH] = f('WATCH', doWatch, XS_FLAG_NOTID);
  t[W.XS_UNWATCH] = f('UNWATCH', doUnwatch, XS_FLAG_NOTID);
  t[W.XS_TRANSACTION_START] = f('TRANSACTION_START', doTransactionStart);
  t[W.XS_TRANSACTION_END] = f('TRANSACTION_END', doTransactionEnd);
  t[W.XS_INTRODUCE] = f('INTRODUCE', doIntroduce, XS_FLAG_PRIV);
  t[W.XS_RELEASE] = f('RELEASE', doRelease, XS_FLAG_PRIV);
  t[W.XS_GET_DOMAIN_PATH] = f('GET_DOMAIN_PATH', doGetDomainPath);
  t[W.XS_WRITE] = f('WRITE', doWrite);
  t[W.XS_MKDIR] = f('MKDIR', doMkdir);
  t[W.XS_RM] = f('RM', doRm);
  t[W.XS_SET_PERMS] = f('SET_PERMS', doSetPerms);
  t[W.XS_WATCH_EVENT] = f('WATCH_EVENT', null);
  t[W.XS_ERROR] = f('ERROR', null);
  t[W.XS_IS_DOMAIN_INTRODUCED] = f('IS_DOMAIN_INTRODUCED', doIsDomainIntroduced, XS_FLAG_PRIV);
  t[W.XS_RESUME] = f('RESUME', doResume, XS_FLAG_PRIV);
  t[W.XS_SET_TARGET] = f('SET_TARGET', doSetTarget, XS_FLAG_PRIV);
  t[W.XS_RESET_WATCHES] = f('RESET_WATCHES', doResetWatches);
  t[W.XS_DIRECTORY_PART] = f('DIRECTORY_PART', doDirectoryPart);
  return t;
})();

/** sockmsg_string(): a type's name for logs. */
export function typeName(type: number): string {
  return WIRE_FUNCS[type]?.name ?? '**UNKNOWN**';
}
