import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine } from '../../host/engine-loader.js';
import { DOM_OVERLAY_COUNT, P2M_HOLE, P2M_OVERLAY_MAX } from '../../cpu/layout.js';
import { A64, loadCode } from '../../cpu/testing.js';
import { GUEST, xenTestbed } from './testbed.js';

test('a hypervisor page placed at a RAM frame is what the guest loads at once, and removing it shows RAM again', async () => {
  const t = await xenTestbed(createEngine);
  const gfn = Number(GUEST.PAGE >> 12n);
  t.e.writePhys(GUEST.PAGE, Uint8Array.of(0x11, 0, 0, 0, 0, 0, 0, 0));
  const page = t.d.p2m.allocPage();
  t.e.bytes[page] = 0x99;
  // the guest reads the frame once (filling its soft TLB), then the overlay changes under it
  loadCode(t.e, GUEST.ARG, [A64.movz(1, Number(GUEST.PAGE & 0xffffn)), A64.movk(1, Number(GUEST.PAGE >> 16n), 1),
    A64.ldrX(0, 1), A64.hvc(0)]);
  t.e.setPc(0, GUEST.ARG);
  t.e.run(0, 100);
  assert.equal(t.e.x(0, 0), 0x11n);
  assert.equal(t.d.p2m.set(gfn, { kind: 'xen', host: page, readOnly: false }).ok, true);
  t.d.p2m.commit();
  t.e.setPc(0, GUEST.ARG);
  t.e.run(0, 100);
  assert.equal(t.e.x(0, 0), 0x99n);
  t.d.p2m.clear(gfn);
  t.d.p2m.commit();
  t.e.setPc(0, GUEST.ARG);
  t.e.run(0, 100);
  assert.equal(t.e.x(0, 0), 0x11n);
});

test('the overlay table stays dense when entries come and go', async () => {
  const t = await xenTestbed(createEngine);
  const p = t.d.p2m;
  for (let g = 0x50000; g < 0x50010; g++) p.set(g, { kind: 'owned', host: p.allocPage(), readOnly: false });
  assert.equal(t.e.view.getUint32(DOM_OVERLAY_COUNT, true), 16);
  const free = p.hypPagesFree;
  for (let g = 0x50000; g < 0x50010; g += 2) p.clear(g);
  assert.equal(t.e.view.getUint32(DOM_OVERLAY_COUNT, true), 8);
  assert.equal(p.hypPagesFree, free + 8);
  for (let g = 0x50001; g < 0x50010; g += 2) assert.ok(p.gfnToHost(g) > 0);
  for (let g = 0x50000; g < 0x50010; g += 2) assert.equal(p.gfnToHost(g), -1);
});

test('holes hide RAM; read-only entries refuse writes; a full table says so', async () => {
  const t = await xenTestbed(createEngine);
  const p = t.d.p2m;
  p.makeEmpty(0x40010);
  assert.equal(p.gfnToHost(0x40010), -1);
  assert.equal(p.kind(0x40010), 'hole');
  const ro = p.allocPage();
  p.set(0x60000, { kind: 'xen', host: ro, readOnly: true });
  assert.equal(p.gfnToHost(0x60000), ro);
  assert.equal(p.gfnToHost(0x60000, true), -1);
  assert.equal(p.isReadOnlyHost(ro + 8), true);
  for (let g = 0x70000; p.overlayFree > 0; g++) assert.equal(p.set(g, { kind: 'hole', host: P2M_HOLE, readOnly: false }).ok, true);
  assert.equal(p.overlayCount, P2M_OVERLAY_MAX);
  assert.equal(p.makeEmpty(0x40000).ok, false);
});
