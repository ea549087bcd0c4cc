import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  HVM_PARAM_CALLBACK_IRQ, HVM_PARAM_CONSOLE_EVTCHN, HVM_PARAM_CONSOLE_PFN, HVM_PARAM_STORE_EVTCHN, HVM_PARAM_STORE_PFN,
} from '../../abi/xen/hvm_params.js';
import {
  XENCONS_CONNECTION, XENCONS_IN, XENCONS_IN_PROD, XENCONS_OUT, XENCONS_OUT_PROD,
} from '../../abi/xen/io/console.js';
import { XS_READ, XS_WRITE } from '../../abi/xen/io/xs_wire.js';
import { EVTCHNSTAT_closed, EVTCHNSTAT_interdomain } from '../../abi/xen/event_channel.js';
import { SHUTDOWN_crash, SHUTDOWN_poweroff } from '../../abi/xen/sched.js';
import { createEngine } from '../../host/engine-loader.js';
import { FakeClock } from '../../hv/xen/testbed.js';
import { planBootLayout, parseLinuxImage } from '../../machine/boot/linux-image.js';
import { GUEST_RAM0_BASE } from '../../machine/memmap.js';
import { buildPvhDomain, CONSOLE_GFN, XENSTORE_GFN, type PvhGuest } from './build-pvh.js';
import type { GuestConfig } from './build-domain.js';
import { requestShutdown } from './pvcontrol.js';
import { guestXenstoreRequest } from './testing.js';
import { XenSystem } from './xen-system.js';

/** An arm64 Image header with nothing behind it: enough to build a domain that is never run. */
function fakeKernel(): Uint8Array {
  const b = new Uint8Array(4096);
  const v = new DataView(b.buffer);
  v.setBigUint64(16, 0x200000n, true); // image_size
  v.setUint32(56, 0x644d5241, true); // "ARM\x64"
  return b;
}

const cfg: GuestConfig = {
  name: 'unit', type: 'pvh', memoryMiB: 32, vcpus: 1, kernel: fakeKernel(), cmdline: 'console=hvc0',
};

async function build(opts: Partial<GuestConfig> = {}, sys = new XenSystem()) {
  const out: number[] = [];
  const g = await buildPvhDomain(sys, { ...cfg, ...opts }, { createEngine, clock: new FakeClock() },
    { onConsoleOutput: b => out.push(...b), onWake: () => {} });
  return { sys, g, out };
}

function dtbText(g: PvhGuest, c: GuestConfig = cfg): string {
  const layout = planBootLayout({ image: parseLinuxImage(c.kernel), ramBase: GUEST_RAM0_BASE,
    ramSize: BigInt(c.memoryMiB) << 20n });
  const host = g.domain.engine.physToHost(layout.dtbAddr);
  return new TextDecoder('latin1').decode(g.domain.engine.bytes.subarray(host, host + 8192));
}

test('the magic pages sit outside RAM at GFN 0x39000 (console) and 0x39001 (xenstore), and the HVM params name them', async () => {
  const { g } = await build();
  const d = g.xen;
  assert.equal(d.p2m.kind(CONSOLE_GFN), 'owned');
  assert.equal(d.p2m.kind(XENSTORE_GFN), 'owned');
  assert.equal(d.p2m.isRam(CONSOLE_GFN), false);
  assert.equal(d.params[HVM_PARAM_CONSOLE_PFN], 0x39000n);
  assert.equal(d.params[HVM_PARAM_STORE_PFN], 0x39001n);
  assert.equal(d.params[HVM_PARAM_STORE_EVTCHN], 1n);
  assert.equal(d.params[HVM_PARAM_CONSOLE_EVTCHN], 2n);
  assert.equal(d.params[HVM_PARAM_CALLBACK_IRQ], 0x020000000000021fn);
});

test('xenstore (port 1) and console (port 2) are interdomain channels to dom0 once the domain is built', async () => {
  const { sys, g } = await build();
  for (const port of [1, 2]) {
    const st = sys.xen.evtchnStatus(g.domid, port);
    assert.ok(typeof st !== 'number');
    assert.equal(st.status, EVTCHNSTAT_interdomain);
    assert.equal(st.dom, 0);
  }
});

test('the device tree has the /hypervisor node and no UART or RTC; --vuart adds the UART', async () => {
  const plain = dtbText((await build()).g);
  assert.match(plain, /xen,xen-4\.17\0xen,xen\0/);
  assert.match(plain, /xen,xenvm-4\.17/);
  assert.doesNotMatch(plain, /arm,pl011|arm,pl031/);
  const withUart = await build({ vuart: true });
  assert.match(dtbText(withUart.g), /arm,pl011/);
  assert.ok(withUart.g.domain.machine.pl011);
  assert.equal(withUart.g.domain.machine.pl031, undefined);
});

test('xenconsoled connects the ring, drains what the guest writes and feeds it what the user types', async () => {
  const { sys, g, out } = await build();
  const page = sys.xen.foreignPage(g.domid, CONSOLE_GFN) as Uint8Array;
  const v = new DataView(page.buffer, page.byteOffset, 4096);
  assert.equal(page[XENCONS_CONNECTION], 0, 'the backend clears connection when it connects');
  page.set(new TextEncoder().encode('hello\n'), XENCONS_OUT);
  v.setUint32(XENCONS_OUT_PROD, 6, true);
  g.xen.evtchn.send(2); // the guest's EVTCHNOP_send on its console port
  assert.equal(new TextDecoder().decode(Uint8Array.from(out)), 'hello\n');
  g.xen.shared.clearPending(2);
  g.input(new TextEncoder().encode('ls\n'));
  assert.equal(v.getUint32(XENCONS_IN_PROD, true), 3);
  assert.equal(new TextDecoder().decode(page.subarray(XENCONS_IN, XENCONS_IN + 3)), 'ls\n');
  assert.equal(g.xen.evtchn.isPending(2), true, 'the guest is kicked for input');
});

test('the guest reaches xenstore through its ring: its own nodes, not dom0\'s', async () => {
  const { sys, g } = await build();
  assert.deepEqual(guestXenstoreRequest(sys, g.domid, XS_READ, ['name']), { type: XS_READ, text: 'unit' });
  assert.equal(guestXenstoreRequest(sys, g.domid, XS_READ, ['control/platform-feature-xs_reset_watches']).text, '1');
  assert.equal(guestXenstoreRequest(sys, g.domid, XS_WRITE, ['control/feature-poweroff'], '1').text, 'OK');
  assert.equal(guestXenstoreRequest(sys, g.domid, XS_WRITE, ['name'], 'evil').text, 'E:EACCES');
  assert.equal(guestXenstoreRequest(sys, g.domid, XS_READ, ['/local/domain/0/name']).text, 'E:EACCES');
  assert.equal(sys.xs.read(`${g.path}/control/feature-poweroff`), '1');
});

test('requestShutdown writes control/shutdown and resolves once the guest acknowledged and shut down', async () => {
  const { sys, g } = await build();
  g.domain.unpause();
  const done = requestShutdown(sys, g.domid, 'poweroff', { timeoutMs: 5000 });
  assert.equal(sys.xs.read(`${g.path}/control/shutdown`), 'poweroff');
  // what Linux's shutdown_handler does: acknowledge with "" (the node is the guest's own), then shut down
  assert.equal(guestXenstoreRequest(sys, g.domid, XS_WRITE, ['control/shutdown'], '').text, 'OK');
  await new Promise(r => setTimeout(r, 10));
  g.xen.shutdown(SHUTDOWN_poweroff);
  assert.deepEqual(await done, { acknowledged: true, reason: 'poweroff' });
  assert.equal(g.domain.shutdownReason, 'poweroff');
});

test('requestShutdown gives up after its timeout when the guest does not react', async () => {
  const { sys, g } = await build();
  await assert.rejects(requestShutdown(sys, g.domid, 'reboot', { timeoutMs: 20 }), /did not reboot within 0.02 s/);
});

test('a crash the guest reports is described, and destroy removes the domain, its ports and its nodes', async () => {
  const { sys, g } = await build();
  g.domain.unpause();
  g.xen.shutdown(SHUTDOWN_crash);
  assert.equal(g.domain.shutdownReason, 'crash');
  assert.match(g.domain.crashInfo ?? '', /reason crash/);
  const dom0Ports = [1, 2, 3, 4].filter(p => {
    const st = sys.xen.evtchnStatus(0, p);
    return typeof st !== 'number' && st.status === EVTCHNSTAT_interdomain;
  });
  assert.equal(dom0Ports.length, 2);
  g.destroy();
  assert.equal(sys.xen.getDomain(g.domid), undefined);
  assert.equal(sys.xs.read(g.path), null);
  assert.equal(sys.xs.read(`/vm/${g.uuid}`), null);
  assert.equal(sys.xs.read(`/local/domain/0/backend/console/${g.domid}`), null);
  for (const p of dom0Ports) assert.equal((sys.xen.evtchnStatus(0, p) as { status: number }).status, EVTCHNSTAT_closed);
});

test('an engine failure that crashes the vCPU side also shuts the Xen side down', async () => {
  const { g } = await build();
  g.domain.unpause();
  g.domain.crash('test: engine trap');
  assert.equal(g.xen.shutdownReason, 'crash');
  assert.equal(g.domain.crashInfo, 'test: engine trap');
});

test('two domains get their own ids, pages and nodes', async () => {
  const sys = new XenSystem();
  const a = await build({ name: 'a' }, sys);
  const b = await build({ name: 'b' }, sys);
  assert.notEqual(a.g.domid, b.g.domid);
  assert.equal(sys.xs.read(`${a.g.path}/name`), 'a');
  assert.equal(sys.xs.read(`${b.g.path}/name`), 'b');
  assert.equal(guestXenstoreRequest(sys, a.g.domid, XS_READ, [`${b.g.path}/name`]).text, 'E:EACCES');
});

test('PSCI SYSTEM_OFF from a pvh guest shuts the Xen side down too, and the toolstack hears of it', async () => {
  const { sys, g } = await build();
  g.domain.unpause();
  const events: unknown[] = [];
  sys.xen.onDomainEvent(e => events.push(e));
  g.domain.systemOff();
  assert.equal(g.xen.shutdownReason, 'poweroff');
  assert.deepEqual(events, [{ type: 'shutdown', domid: g.domid, reason: 'poweroff' }]);
});
