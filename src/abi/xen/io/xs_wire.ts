// abi/xen/io/xs_wire.ts - xen/include/public/io/xs_wire.h: the xenstore wire protocol (message types, error
// strings, struct xsd_sockmsg) and the ring page (struct xenstore_domain_interface); docs/misc/xenstore.txt and
// docs/misc/xenstore-ring.txt describe both.

// enum xsd_sockmsg_type
export const XS_CONTROL = 0; // XS_DEBUG is the old name
export const XS_DIRECTORY = 1;
export const XS_READ = 2;
export const XS_GET_PERMS = 3;
export const XS_WATCH = 4;
export const XS_UNWATCH = 5;
export const XS_TRANSACTION_START = 6;
export const XS_TRANSACTION_END = 7;
export const XS_INTRODUCE = 8;
export const XS_RELEASE = 9;
export const XS_GET_DOMAIN_PATH = 10;
export const XS_WRITE = 11;
export const XS_MKDIR = 12;
export const XS_RM = 13;
export const XS_SET_PERMS = 14;
export const XS_WATCH_EVENT = 15;
export const XS_ERROR = 16;
export const XS_IS_DOMAIN_INTRODUCED = 17;
export const XS_RESUME = 18;
export const XS_SET_TARGET = 19;
// 20 was XS_RESTRICT (removed)
export const XS_RESET_WATCHES = 21;
export const XS_DIRECTORY_PART = 22;
/** Number of valid types in Xen 4.17 (XS_TYPE_COUNT); GET/SET_FEATURE and GET/SET_QUOTA came later. */
export const XS_TYPE_COUNT = 23;
/** Guaranteed to remain an invalid type. */
export const XS_INVALID = 0xffff;

export const XS_WRITE_NONE = 'NONE';
export const XS_WRITE_CREATE = 'CREATE';
export const XS_WRITE_CREATE_EXCL = 'CREATE|EXCL';

/**
 * Errors travel as their names (struct xsd_errors, in this order; "new errors should be added at the end").
 * A client maps an unknown name to EINVAL, and xenstored sends EINVAL for an errno missing from the table.
 * The numbers are Linux's (the errno values Xen's tools use on Linux).
 */
export const XSD_ERRORS = [
  ['EINVAL', 22],
  ['EACCES', 13],
  ['EEXIST', 17],
  ['EISDIR', 21],
  ['ENOENT', 2],
  ['ENOMEM', 12],
  ['ENOSPC', 28],
  ['EIO', 5],
  ['ENOTEMPTY', 39],
  ['ENOSYS', 38],
  ['EROFS', 30],
  ['EBUSY', 16],
  ['EAGAIN', 11],
  ['EISCONN', 106],
  ['E2BIG', 7],
  ['EPERM', 1],
] as const;
export type XsErrno = (typeof XSD_ERRORS)[number][0];

const ERRNO_NAMES: ReadonlySet<string> = new Set(XSD_ERRORS.map(e => e[0]));
export function isXsErrno(s: string): s is XsErrno {
  return ERRNO_NAMES.has(s);
}

// struct xsd_sockmsg { uint32_t type, req_id, tx_id, len; } followed by len bytes of payload
export const XSD_SOCKMSG_TYPE = 0;
export const XSD_SOCKMSG_REQ_ID = 4;
export const XSD_SOCKMSG_TX_ID = 8;
export const XSD_SOCKMSG_LEN = 12;
export const XSD_SOCKMSG_SIZE = 16;

// enum xs_watch_type: indexes into a WATCH_EVENT payload
export const XS_WATCH_PATH = 0;
export const XS_WATCH_TOKEN = 1;

// struct xenstore_domain_interface (the 4 KiB ring page)
export const XENSTORE_RING_SIZE = 1024;
export const XENSTORE_REQ = 0; // char req[XENSTORE_RING_SIZE]: requests to xenstored
export const XENSTORE_RSP = 1024; // char rsp[XENSTORE_RING_SIZE]: replies and watch events
export const XENSTORE_REQ_CONS = 2048; // XENSTORE_RING_IDX, free-running u32
export const XENSTORE_REQ_PROD = 2052;
export const XENSTORE_RSP_CONS = 2056;
export const XENSTORE_RSP_PROD = 2060;
export const XENSTORE_SERVER_FEATURES = 2064;
export const XENSTORE_CONNECTION = 2068;
export const XENSTORE_ERROR_FIELD = 2072;
export const XENSTORE_INTERFACE_SIZE = 2076;

/** MASK_XENSTORE_IDX(idx) */
export function maskXenstoreIdx(idx: number): number {
  return idx & (XENSTORE_RING_SIZE - 1);
}

/** "Violating this is very bad": xenstored drops a connection that sends a longer payload. */
export const XENSTORE_PAYLOAD_MAX = 4096;
/** Violating these just gets you an error back. */
export const XENSTORE_ABS_PATH_MAX = 3072;
export const XENSTORE_REL_PATH_MAX = 2048;

// server_features bits
export const XENSTORE_SERVER_FEATURE_RECONNECTION = 1;
export const XENSTORE_SERVER_FEATURE_ERROR = 2;

// connection field values
export const XENSTORE_CONNECTED = 0;
export const XENSTORE_RECONNECT = 1;

// error field values
export const XENSTORE_ERROR_NONE = 0;
export const XENSTORE_ERROR_COMM = 1;
export const XENSTORE_ERROR_RINGIDX = 2;
export const XENSTORE_ERROR_PROTO = 3;
