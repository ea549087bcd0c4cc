import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ACCESS_32, ACCESS_64, MmioBus, MmioBusError, type MmioDevice } from './bus.js';
import { RateLimitedLog } from '../base/log.js';

class Recorder implements MmioDevice {
  readonly accessSizes = ACCESS_32 | ACCESS_64;
  readonly accesses: string[] = [];
  constructor(readonly name: string) {}
  read(offset: number, size: number, vcpu: number): bigint {
    this.accesses.push(`r ${offset.toString(16)}/${size} cpu${vcpu}`);
    return 0x1234_5678_9abc_def0n;
  }
  write(offset: number, size: number, value: bigint, vcpu: number): void {
    this.accesses.push(`w ${offset.toString(16)}/${size}=${value.toString(16)} cpu${vcpu}`);
  }
}

function setup() {
  const lines: string[] = [];
  const holes: string[] = [];
  const log = new RateLimitedLog(l => lines.push(l));
  const onHole = (v: number, pa: bigint, size: number, w: boolean) =>
    void holes.push(`${w ? 'w' : 'r'} ${pa.toString(16)}/${size} cpu${v}`);
  const bus = new MmioBus({ log, onHole });
  const a = new Recorder('a');
  const b = new Recorder('b');
  bus.map(0x0300_1000n, 0x1_0000, a);
  bus.map(0x0900_0000n, 0x1000, b);
  return { bus, a, b, lines, holes };
}

describe('MmioBus', () => {
  test('routes an access to the device owning the address, at its offset, with the vCPU', () => {
    const { bus, a, b } = setup();
    assert.equal(bus.read(2, 0x0300_1008n, 4), 0x1234_5678_9abc_def0n);
    bus.write(1, 0x0900_0ff8n, 8, 0xffn);
    assert.deepEqual(a.accesses, ['r 8/4 cpu2']);
    assert.deepEqual(b.accesses, ['w ff8/8=ff cpu1']);
  });

  test('write values are truncated to the access width', () => {
    const { bus, a } = setup();
    bus.write(0, 0x0300_1000n, 4, 0x1_2345_6789n);
    assert.deepEqual(a.accesses, ['w 0/4=23456789 cpu0']);
  });

  test('overlapping registrations throw at setup', () => {
    const { bus } = setup();
    assert.throws(() => bus.map(0x0301_0000n - 4n, 8, new Recorder('c')), MmioBusError);
    assert.throws(() => bus.map(0x08ff_f000n, 0x2000, new Recorder('c')), /overlaps b/);
    bus.map(0x0301_1000n, 0x1000, new Recorder('adjacent')); // touching is fine
  });

  test('an access to no device calls onHole and reads as zero', () => {
    const { bus, a, holes } = setup();
    assert.equal(bus.read(3, 0x0400_0000n, 4), 0n);
    bus.write(0, 0xffff_ffff_ffff_fff0n, 8, 1n);
    // an access running off the end of a window is not the device's
    assert.equal(bus.read(0, 0x0301_0ffcn, 8), 0n);
    assert.deepEqual(holes, ['r 4000000/4 cpu3', 'w fffffffffffffff0/8 cpu0', 'r 3010ffc/8 cpu0']);
    assert.deepEqual(a.accesses, []);
  });

  test('a width the device does not support is RAZ/WI with a log line', () => {
    const { bus, a, lines } = setup();
    assert.equal(bus.read(0, 0x0300_1000n, 1), 0n);
    bus.write(0, 0x0300_1002n, 2, 5n);
    assert.deepEqual(a.accesses, []);
    assert.equal(lines.length, 2);
    assert.match(lines[0], /a: unsupported 1-byte read at offset 0x0/);
  });

  test('a misaligned access is RAZ/WI', () => {
    const { bus, a, lines } = setup();
    assert.equal(bus.read(0, 0x0300_1004n, 8), 0n);
    assert.deepEqual(a.accesses, []);
    assert.equal(lines.length, 1);
  });

  test('find returns the window of an address', () => {
    const { bus, b } = setup();
    assert.deepEqual(bus.find(0x0900_0010n), { base: 0x0900_0000, size: 0x1000, device: b });
    assert.equal(bus.find(0x0900_1000n), undefined);
  });
});

describe('RateLimitedLog', () => {
  test('prints a burst of each message, then only every power-of-two occurrence', () => {
    const lines: string[] = [];
    const log = new RateLimitedLog(l => lines.push(l), 2);
    for (let i = 0; i < 20; i++) log.warn('k', `m${i}`);
    log.warn('other', 'o');
    assert.deepEqual(lines, ['m0', 'm1', 'm3 (seen 4 times)', 'm7 (seen 8 times)', 'm15 (seen 16 times)', 'o']);
    assert.equal(log.count('k'), 20);
  });

  test('builds lazy messages only when printing them', () => {
    let built = 0;
    const log = new RateLimitedLog(() => {}, 1);
    for (let i = 0; i < 6; i++) log.warn('k', () => `m${++built}`);
    assert.equal(built, 3); // occurrences 1, 2 and 4
  });
});
