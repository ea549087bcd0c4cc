// toolstack/build/testing.ts - test helpers that act as a guest's kernel would on what the toolstack set up: a
// request on the guest's xenstore ring (Linux drivers/xen/xenbus/xenbus_comms.c xb_write/xb_read, then
// EVTCHNOP_send on the store port), and an event_channel_op hypercall handler run as the guest with its argument
// struct at a guest virtual address. Not a test file itself.

import { HVM_PARAM_STORE_EVTCHN } from '../../abi/xen/hvm_params.js';
import {
  XENSTORE_REQ, XENSTORE_REQ_CONS, XENSTORE_REQ_PROD, XENSTORE_RING_SIZE, XENSTORE_RSP, XENSTORE_RSP_CONS,
  XENSTORE_RSP_PROD, XS_ERROR, XSD_SOCKMSG_SIZE,
} from '../../abi/xen/io/xs_wire.js';
import { eventChannelOp } from '../../hv/xen/evtchn-op.js';
import type { XenDomain } from '../../hv/xen/xen-domain.js';
import { XENSTORE_GFN } from './build-pvh.js';
import type { XenSystem } from './xen-system.js';

const MASK = XENSTORE_RING_SIZE - 1;
let nextReqId = 0x7000;

/** What xenstored answered: "E:<errno>" for an ERROR reply, else the payload with NULs shown as spaces. */
export interface GuestReply {
  type: number;
  text: string;
}

/**
 * Send one xenstore request from domain `domid`'s kernel side: the message goes into the request ring of its
 * xenstore page, the guest's store event channel is signalled, and the reply is taken from the response ring.
 * The guest must not run meanwhile (pause it), and must have no request of its own in flight.
 */
export function guestXenstoreRequest(sys: XenSystem, domid: number, type: number, strings: readonly string[],
  value = ''): GuestReply {
  const d = sys.xen.getDomain(domid);
  const page = sys.xen.foreignPage(domid, XENSTORE_GFN);
  if (!d || typeof page === 'number') throw new Error(`domain ${domid} has no xenstore ring`);
  const view = new DataView(page.buffer, page.byteOffset, page.byteLength);
  const body = new TextEncoder().encode(strings.map(s => `${s}\0`).join('') + value);
  const msg = new Uint8Array(XSD_SOCKMSG_SIZE + body.length);
  const reqId = nextReqId++;
  const hdr = new DataView(msg.buffer);
  hdr.setUint32(0, type, true);
  hdr.setUint32(4, reqId, true);
  hdr.setUint32(8, 0, true);
  hdr.setUint32(12, body.length, true);
  msg.set(body, XSD_SOCKMSG_SIZE);
  let prod = view.getUint32(XENSTORE_REQ_PROD, true);
  if (msg.length > XENSTORE_RING_SIZE - ((prod - view.getUint32(XENSTORE_REQ_CONS, true)) >>> 0))
    throw new Error('no room in the request ring');
  for (const b of msg) {
    page[XENSTORE_REQ + (prod & MASK)] = b;
    prod = (prod + 1) >>> 0;
  }
  view.setUint32(XENSTORE_REQ_PROD, prod, true);
  d.evtchn.send(Number(d.params[HVM_PARAM_STORE_EVTCHN]));
  let cons = view.getUint32(XENSTORE_RSP_CONS, true);
  const rprod = view.getUint32(XENSTORE_RSP_PROD, true);
  const bytes: number[] = [];
  for (; cons !== rprod; cons = (cons + 1) >>> 0) bytes.push(page[XENSTORE_RSP + (cons & MASK)]!);
  view.setUint32(XENSTORE_RSP_CONS, cons, true);
  const stream = Uint8Array.from(bytes);
  for (let o = 0; o + XSD_SOCKMSG_SIZE <= stream.length;) {
    const h = new DataView(stream.buffer, o);
    const len = h.getUint32(12, true);
    const payload = new TextDecoder().decode(stream.subarray(o + XSD_SOCKMSG_SIZE, o + XSD_SOCKMSG_SIZE + len));
    if (h.getUint32(4, true) === reqId) {
      const t = h.getUint32(0, true);
      return { type: t, text: t === XS_ERROR ? `E:${payload.replace(/\0$/, '')}` : payload.replace(/\0$/, '').replace(/\0/g, ' ') };
    }
    o += XSD_SOCKMSG_SIZE + len;
  }
  throw new Error(`no reply to request ${reqId} from domain ${domid}`);
}

/**
 * Run the event_channel_op handler as domain `d`'s vCPU 0 with the argument struct `arg` at guest virtual
 * address `va` (which must be mapped writable); returns the result and the struct as the handler left it.
 * What was at `va` is put back afterwards.
 */
export function guestEvtchnOp(d: XenDomain, va: bigint, cmd: number, arg: Uint8Array): { rc: number; out: DataView } {
  const saved = d.guest.read(0, va, arg.length);
  if (!saved || !d.guest.write(0, va, arg)) throw new Error(`0x${va.toString(16)} is not mapped in d${d.id}`);
  try {
    const rc = Number(eventChannelOp(d, 0, [BigInt(cmd), va, 0n, 0n, 0n]));
    const out = d.guest.read(0, va, arg.length)!;
    return { rc, out: new DataView(out.buffer, out.byteOffset, out.byteLength) };
  } finally {
    d.guest.write(0, va, saved);
  }
}
