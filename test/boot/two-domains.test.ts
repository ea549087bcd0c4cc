// Two pvh domains in one process, built with the toolstack API and run by one scheduler, each with its own console
// and xenstore subtree: both boot Debian to a shell, and neither can reach the other. Domain 1's side of the
// isolation checks is driven as its kernel would: xenstore requests on its own ring (it has no xenstore client in
// the initramfs) and EVTCHNOP hypercall handlers run as its vCPU. Needs the images of `tsxen image fetch`.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ALLOC_UNBOUND_DOM, ALLOC_UNBOUND_REMOTE_DOM, ALLOC_UNBOUND_SIZE, BIND_INTERDOMAIN_LOCAL_PORT,
  BIND_INTERDOMAIN_REMOTE_DOM, BIND_INTERDOMAIN_REMOTE_PORT, BIND_INTERDOMAIN_SIZE, CLOSE_PORT, CLOSE_SIZE,
  EVTCHNOP_alloc_unbound, EVTCHNOP_bind_interdomain, EVTCHNOP_close, EVTCHNOP_reset, EVTCHNOP_send,
  EVTCHNOP_status, EVTCHNSTAT_interdomain, RESET_DOM, RESET_SIZE, SEND_PORT, SEND_SIZE, STATUS_DOM, STATUS_PORT,
  STATUS_SIZE,
} from '../../src/abi/xen/event_channel.js';
import { XS_DIRECTORY, XS_READ, XS_WRITE } from '../../src/abi/xen/io/xs_wire.js';
import { XEN_EINVAL, XEN_EPERM } from '../../src/abi/xen/xen.js';
import { createEngine } from '../../src/host/engine-loader.js';
import { nodeClock, nodeSchedulerHost, readFileBytes } from '../../src/host/node-platform.js';
import { Scheduler } from '../../src/hv/scheduler.js';
import { buildPvhDomain, type PvhGuest } from '../../src/toolstack/build/build-pvh.js';
import { requestShutdown } from '../../src/toolstack/build/pvcontrol.js';
import { guestEvtchnOp, guestXenstoreRequest } from '../../src/toolstack/build/testing.js';
import { XenSystem } from '../../src/toolstack/build/xen-system.js';
import { BOOT_TIMEOUT_MS, COMMAND_TIMEOUT_MS, requireImages } from './guest.js';

/** One domain's console: what it printed, and typing at it. */
class Console {
  text = '';
  private readonly listeners = new Set<() => void>();
  constructor(readonly label: string) {}

  push(bytes: Uint8Array): void {
    this.text += new TextDecoder().decode(bytes).replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');
    for (const l of this.listeners) l();
  }

  waitFor(re: RegExp, step: string, timeoutMs: number, from = 0): Promise<RegExpExecArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const m = re.exec(this.text.slice(from));
        if (!m) return;
        m.index += from;
        done();
        resolve(m);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${this.label}: ${step} not seen within ${timeoutMs / 1000} s\n--- console ---\n${this.text.slice(-4000)}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      this.listeners.add(check);
      check();
    });
  }
}

interface Running {
  g: PvhGuest;
  console: Console;
}

/** Type `command` at the shell and return what it printed (framed by markers, as test/boot/guest.ts does). */
async function run(r: Running, sched: Scheduler, command: string): Promise<string> {
  const n = Math.floor(Math.random() * 1e9);
  const from = r.console.text.length;
  r.g.input(new TextEncoder().encode(`echo "@@B""${n}@@"; ${command}; echo "@@E""${n}@@"\n`));
  sched.kick();
  const m = await r.console.waitFor(new RegExp(`^@@B${n}@@\\n([^]*?)^@@E${n}@@$`, 'm'), `\`${command}\``,
    COMMAND_TIMEOUT_MS, from);
  return m[1]!;
}

/** A little-endian argument struct. */
function struct(size: number, fields: [offset: number, bytes: 2 | 4, value: number][]): Uint8Array {
  const b = new Uint8Array(size);
  const v = new DataView(b.buffer);
  for (const [o, n, val] of fields) if (n === 2) v.setUint16(o, val, true); else v.setUint32(o, val, true);
  return b;
}

test('two pvh domains boot side by side in one process, each to its own shell, and cannot reach each other',
  async (t) => {
    const images = await requireImages(t);
    if (images === undefined) return;
    const [kernel, initrd] = await Promise.all([readFileBytes(images.kernel), readFileBytes(images.initrd)]);
    const sys = new XenSystem();
    const sched = new Scheduler(nodeSchedulerHost);
    const start = async (name: string): Promise<Running> => {
      const console = new Console(name);
      const g = await buildPvhDomain(sys,
        { name, type: 'pvh', memoryMiB: 256, vcpus: 1, kernel, initrd, cmdline: 'console=hvc0' },
        { createEngine, clock: nodeClock }, { onConsoleOutput: b => console.push(b), onWake: () => sched.kick() });
      g.domain.unpause();
      sched.add(g.domain);
      return { g, console };
    };
    const a = await start('guest-a');
    const b = await start('guest-b');
    const all = [a, b];
    t.after(() => { for (const r of all) r.g.domain.destroy(); sched.kick(); });
    const running = sched.run();
    await Promise.all(all.map(r => r.console.waitFor(/\/ # /, 'the shell prompt', BOOT_TIMEOUT_MS)));

    // each console carries its own domain's boot, and each kernel sees its own domain
    for (const r of all) {
      assert.match(r.console.text, /Xen 4\.17 support found/);
      assert.equal((r.console.text.match(/Linux version 6\.1/g) ?? []).length, 1, `${r.console.label} booted once`);
      assert.equal(await run(r, sched, 'cat /sys/hypervisor/uuid'), `${r.g.uuid}\n`);
      assert.equal(sys.xs.read(`${r.g.path}/name`), r.console.label);
      assert.equal(sys.xs.read(`${r.g.path}/control/feature-poweroff`), '1', 'the guest\'s xenbus wrote its features');
    }

    // domain a, paused, speaks xenstore on its own ring and makes event-channel hypercalls against domain b
    const [da, db] = [a.g.domid, b.g.domid];
    assert.equal(sys.xen.pause(da), 0);
    try {
      assert.equal(guestXenstoreRequest(sys, da, XS_READ, ['name']).text, 'guest-a');
      assert.equal(guestXenstoreRequest(sys, da, XS_READ, [`/local/domain/${db}/name`]).text, 'E:EACCES');
      assert.equal(guestXenstoreRequest(sys, da, XS_WRITE, [`/local/domain/${db}/name`], 'mine').text, 'E:EACCES');
      assert.equal(guestXenstoreRequest(sys, da, XS_WRITE, [`/local/domain/${db}/control/shutdown`], 'poweroff').text,
        'E:EACCES');
      assert.equal(guestXenstoreRequest(sys, da, XS_DIRECTORY, [`/local/domain/${db}`]).text, 'E:EACCES');
      assert.equal(sys.xs.read(`/local/domain/${db}/name`), 'guest-b');
      assert.equal(sys.xs.read(`/local/domain/${db}/control/shutdown`), '');

      const xa = a.g.xen;
      const va = xa.runstates.registeredArea(0); // a page of domain a's kernel, mapped writable at this address
      assert.ok(va !== null, 'domain a registered its runstate area');
      const op = (cmd: number, arg: Uint8Array) => guestEvtchnOp(xa, va, cmd, arg);
      // XSM_TARGET: a domU may not allocate, query or reset channels of another domain (-EPERM)
      assert.equal(op(EVTCHNOP_alloc_unbound, struct(ALLOC_UNBOUND_SIZE,
        [[ALLOC_UNBOUND_DOM, 2, db], [ALLOC_UNBOUND_REMOTE_DOM, 2, da]])).rc, -XEN_EPERM);
      assert.equal(op(EVTCHNOP_status, struct(STATUS_SIZE, [[STATUS_DOM, 2, db], [STATUS_PORT, 4, 1]])).rc, -XEN_EPERM);
      assert.equal(op(EVTCHNOP_reset, struct(RESET_SIZE, [[RESET_DOM, 2, db]])).rc, -XEN_EPERM);
      // binding needs a port of b's that is unbound and offered to a (-EINVAL otherwise)
      const bind = (port: number) => op(EVTCHNOP_bind_interdomain, struct(BIND_INTERDOMAIN_SIZE,
        [[BIND_INTERDOMAIN_REMOTE_DOM, 2, db], [BIND_INTERDOMAIN_REMOTE_PORT, 4, port]]));
      assert.equal(bind(1).rc, -XEN_EINVAL, 'b\'s xenstore port is bound to dom0');
      const toDom0 = sys.xen.evtchnAllocUnbound(db, 0);
      assert.equal(bind(toDom0).rc, -XEN_EINVAL, 'an unbound port of b offered to dom0');
      // send and close name only a's own ports: a port a does not have is -EINVAL, whatever b has
      assert.equal(op(EVTCHNOP_send, struct(SEND_SIZE, [[SEND_PORT, 4, 4000]])).rc, -XEN_EINVAL);
      assert.equal(op(EVTCHNOP_close, struct(CLOSE_SIZE, [[CLOSE_PORT, 4, 4000]])).rc, -XEN_EINVAL);
      // with b's consent (a port offered to a) the binding works: the refusals above are the rule, not an accident
      const offered = sys.xen.evtchnAllocUnbound(db, da);
      const ok = bind(offered);
      assert.equal(ok.rc, 0);
      const local = ok.out.getUint32(BIND_INTERDOMAIN_LOCAL_PORT, true);
      assert.equal(op(EVTCHNOP_close, struct(CLOSE_SIZE, [[CLOSE_PORT, 4, local]])).rc, 0);
      for (const p of [toDom0, offered]) assert.equal(sys.xen.evtchnClose(db, p), 0);
      for (const port of [1, 2]) {
        const st = sys.xen.evtchnStatus(db, port);
        assert.ok(typeof st !== 'number' && st.status === EVTCHNSTAT_interdomain && st.dom === 0,
          `b's port ${port} is still connected to dom0`);
      }
    } finally {
      sys.xen.unpause(da);
      sched.kick();
    }
    for (const r of all) assert.equal(await run(r, sched, `echo still ${r.console.label}`), `still ${r.console.label}\n`);

    // a: the control/shutdown protocol; b: poweroff -f
    const outcome = await requestShutdown(sys, da, 'poweroff', { timeoutMs: COMMAND_TIMEOUT_MS });
    assert.deepEqual(outcome, { acknowledged: true, reason: 'poweroff' });
    assert.equal(b.g.domain.state, 'running', 'b runs on after a shut down');
    b.g.input(new TextEncoder().encode('poweroff -f\n'));
    sched.kick();
    await running;
    assert.equal(b.g.domain.shutdownReason, 'poweroff');
    for (const r of all) r.g.destroy();
    assert.deepEqual(sys.xs.directory('/local/domain'), ['0']);
    assert.deepEqual(sys.xen.list(), []);
  });
