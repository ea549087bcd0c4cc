// hv/xen/console-io.ts - the console_io hypercall (xen/drivers/char/console.c do_console_io and
// guest_console_write) and the hypervisor console ring it writes to (Xen's conring, what `xl dmesg` reads).
// A domU may only write: Xen's XSM policy allows CONSOLEIO_write to every guest in debug builds, and tsxen does
// so always, as a debug channel (Linux's earlycon=xenboot and hvc's early output use it); CONSOLEIO_read and
// every other command are -EPERM for it. Output is stripped of non-printable characters, buffered until a
// newline (DOMAIN_PBUF_SIZE) and logged as "(dN) text"; the rings are bounded in bytes, so a chatty guest can
// only push out older lines, and a long write is split into continuations.

import { CONSOLEIO_read, CONSOLEIO_write, XEN_E2BIG, XEN_EFAULT, XEN_ENOSYS, XEN_EPERM } from '../../abi/xen/xen.js';
import { Continuation, u32, type HypercallResult } from './hypercall-abi.js';
import type { XenDomain } from './xen-domain.js';

/** Xen's kbuf of 128 bytes holds 127 characters per copy. */
const CHUNK = 127;
/** DOMAIN_PBUF_SIZE (xen/include/xen/sched.h): a partial line longer than this is flushed. */
const PBUF_SIZE = 200;
/** Bytes handled per call before a continuation (Xen checks hypercall_preempt_check between chunks). */
const BYTES_PER_CALL = 4096;

/** A text ring bounded in bytes (UTF-16 units of ASCII text): the oldest text goes first. */
export class ConsoleRing {
  private chunks: string[] = [];
  private size = 0;
  /** Characters dropped from the front since the last clear. */
  dropped = 0;

  constructor(readonly limit: number) {}

  append(text: string): void {
    if (text.length >= this.limit) {
      this.dropped += this.size + text.length - this.limit;
      this.chunks = [text.slice(text.length - this.limit)];
      this.size = this.limit;
      return;
    }
    this.chunks.push(text);
    this.size += text.length;
    while (this.size > this.limit) {
      const first = this.chunks[0];
      const excess = this.size - this.limit;
      if (first.length <= excess) {
        this.chunks.shift();
        this.size -= first.length;
        this.dropped += first.length;
      } else {
        this.chunks[0] = first.slice(excess);
        this.size -= excess;
        this.dropped += excess;
      }
    }
  }

  /** The ring's text; `clear` empties it (xl dmesg -c). */
  read(clear = false): string {
    const text = this.chunks.join('');
    this.chunks = text ? [text] : [];
    if (clear) {
      this.chunks = [];
      this.size = 0;
      this.dropped = 0;
    }
    return text;
  }
}

/** console_io(cmd, count, buffer) */
export function consoleIo(d: XenDomain, vcpu: number, a: readonly bigint[]): HypercallResult {
  const cmd = u32(a[0]);
  const count = u32(a[1]);
  // xsm_console_io: everything but CONSOLEIO_write needs a privileged domain
  if (!d.privileged && cmd !== CONSOLEIO_write) return -XEN_EPERM;
  switch (cmd) {
    case CONSOLEIO_write:
      return guestConsoleWrite(d, vcpu, count, a[2]);
    case CONSOLEIO_read:
      // there is no serial input to hand out: nothing read
      return count > 0x7fffffff ? -XEN_E2BIG : 0;
    default:
      return -XEN_ENOSYS;
  }
}

/** guest_console_write: strip, line-buffer, emit; -EFAULT as soon as a chunk does not copy. */
function guestConsoleWrite(d: XenDomain, vcpu: number, count: number, buffer: bigint): HypercallResult {
  let done = 0;
  while (count > 0) {
    if (done >= BYTES_PER_CALL) return new Continuation([BigInt(CONSOLEIO_write), BigInt(count), buffer]);
    const bytes = d.guest.read(vcpu, buffer, Math.min(count, CHUNK));
    if (!bytes) return -XEN_EFAULT;
    let used = 0;
    let text = '';
    let newline = false;
    while (used < bytes.length) {
      const c = bytes[used++];
      if (c === 0x0a) {
        newline = true;
        break;
      }
      if ((c >= 0x20 && c <= 0x7e) || c === 0x09) text += String.fromCharCode(c);
    }
    if (!newline && d.consoleLineBuf.length + text.length < PBUF_SIZE - 1) {
      d.consoleLineBuf += text;
    } else {
      d.host.consoleLine(d.id, d.consoleLineBuf + text);
      d.consoleLineBuf = '';
    }
    buffer += BigInt(used);
    count -= used;
    done += used;
  }
  return 0;
}
