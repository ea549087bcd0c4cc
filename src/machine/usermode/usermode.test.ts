import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadEngineModule } from '../../host/engine-loader.js';
import { AARCH64_AS, skipUnlessPeer } from '../../host/peers.js';
import { runElf, UserModeError, UserModeMachine, type UserRunOptions } from './usermode.js';

const skip = skipUnlessPeer(AARCH64_AS);
const dir = mkdtempSync(join(tmpdir(), 'tsxen-usermode-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Assemble and link a static program (text at 0x40080000, as the runner expects). */
function build(source: string, ttext = '0x40080000'): Uint8Array {
  const s = join(dir, 'p.s'), o = join(dir, 'p.o'), elf = join(dir, 'p');
  writeFileSync(s, `  .text\n  .global _start\n_start:\n${source}\n`);
  execFileSync('aarch64-linux-gnu-as', ['-o', o, s]);
  execFileSync('aarch64-linux-gnu-ld', ['-static', `-Ttext=${ttext}`, '-o', elf, o]);
  return new Uint8Array(readFileSync(elf));
}

async function runAsm(source: string, opts: UserRunOptions = {}) {
  return runElf(await loadEngineModule(), build(source), { ramSize: 16 << 20, ...opts });
}

const EXIT = (reg = 'x0') => `  mov x0, ${reg}\n  mov x8, #93\n  svc #0`;
const decode = (b: Uint8Array) => new TextDecoder().decode(b);

test('write to fd 1 and 2 and exit: output is collected per stream and the status returned', { skip }, async () => {
  const r = await runAsm(`
  mov x0, #1
  adr x1, out
  mov x2, #6
  mov x8, #64
  svc #0
  mov x19, x0          // bytes written
  mov x0, #2
  adr x1, err
  mov x2, #4
  mov x8, #64
  svc #0
  add x0, x0, x19
${EXIT()}
out: .ascii "hello\\n"
err: .ascii "oops"`);
  assert.equal(decode(r.stdout), 'hello\n');
  assert.equal(decode(r.stderr), 'oops');
  assert.equal(r.exitCode, 10);
  assert.deepEqual(r.faults, []);
  assert.ok(r.instructions > 10n);
});

test('an unsupported system call returns -ENOSYS and a bad buffer -EFAULT', { skip }, async () => {
  const r = await runAsm(`
  mov x8, #214         // brk
  svc #0
  mov x19, x0
  mov x0, #1
  mov x1, #0x1000      // not mapped
  mov x2, #4
  mov x8, #64
  svc #0
  add x0, x0, x19      // -38 + -14 = -52
  neg x0, x0
${EXIT()}`);
  assert.equal(r.exitCode, 52);
  assert.equal(r.syscalls.unsupported.get(214), 1);
});

test('argc, argv and a NULL envp are on the initial stack, 16-byte aligned', { skip }, async () => {
  const r = await runAsm(`
  mov x20, sp
  and x21, x20, #15
  cbnz x21, 9f
  ldr x9, [sp]         // argc
  ldr x1, [sp, #16]    // argv[1]
  ldr x10, [sp, #24]   // argv terminator
  ldr x11, [sp, #32]   // envp terminator
  orr x10, x10, x11
  cbnz x10, 9f
  mov x2, #0
1: ldrb w3, [x1, x2]
  cbz w3, 2f
  add x2, x2, #1
  b 1b
2: mov x0, #1
  mov x8, #64
  svc #0
${EXIT('x9')}
9: mov x0, #99
  mov x8, #93
  svc #0`, { argv: ['prog', 'second-arg'] });
  assert.equal(decode(r.stdout), 'second-arg');
  assert.equal(r.exitCode, 2);
});

test('an undefined instruction ends the program with SIGILL, ESR EC 0 and the faulting address', { skip }, async () => {
  const r = await runAsm(`
  nop
bad:
  udf #0x1234
${EXIT()}`);
  assert.equal(r.exitCode, null);
  assert.equal(r.faults.length, 1);
  const f = r.faults[0];
  assert.equal(f.kind, 'exception');
  assert.equal(f.signal, 'SIGILL');
  assert.equal(f.esr >> 26n, 0n);
  assert.equal(f.elr, 0x40080004n);
  assert.equal(f.insn, 0x00001234);
  assert.match(f.message, /<bad>.*EC 0x00.*UNDEFINED.*instruction 0x00001234/);
});

test('a load from an unmapped address is SIGSEGV with a level-1 translation fault and FAR', { skip }, async () => {
  const r = await runAsm(`
  mov x1, #0x2000
  ldr x0, [x1, #8]
${EXIT()}`);
  const f = r.faults[0];
  assert.equal(f.signal, 'SIGSEGV');
  assert.equal(f.esr >> 26n, 0x24n); // data abort from a lower EL
  assert.equal(f.esr & 0x3fn, 0x05n); // translation fault, level 1
  assert.equal(f.far, 0x2008n);
  assert.match(f.message, /translation fault level 1/);
});

test('the program runs at EL0 with the MMU on: the EL1-only alias of the runner is a permission fault', { skip }, async () => {
  const r = await runAsm(`
  movz x1, #0xff80, lsl #32
  movk x1, #0xffff, lsl #48
  movk x1, #0x40ff, lsl #16   // VBAR: RAM top - 64 KiB in the TTBR1 alias
  ldr x0, [x1]
${EXIT()}`);
  const f = r.faults[0];
  assert.equal(f.signal, 'SIGSEGV');
  assert.equal(f.esr & 0x3cn, 0x0cn, f.message); // permission fault
  assert.equal(f.far, 0xffffff8040ff0000n);
});

test('onFault can resume the program elsewhere, like a signal handler', { skip }, async () => {
  const module = await loadEngineModule();
  const elf = build(`
  udf #1
  mov x0, #5
${EXIT()}
recover:
  mov x0, #7
${EXIT()}`);
  const m = await UserModeMachine.create(module, { ramSize: 16 << 20 });
  const image = m.load(elf);
  const recover = image.symbols.find(s => s.name === 'recover')!.value;
  const seen: bigint[] = [];
  const r = m.run({ onFault: f => (seen.push(f.elr), recover) });
  assert.deepEqual(seen, [0x40080000n]);
  assert.equal(r.exitCode, 7);
  assert.equal(r.faults.length, 1);
});

test('the instruction limit stops a program that never exits', { skip }, async () => {
  const r = await runAsm('1: b 1b', { maxInstructions: 100_000, sliceBudget: 30_000 });
  assert.equal(r.exitCode, null);
  assert.equal(r.faults[0].kind, 'limit');
  assert.equal(r.instructions, 100_000n);
});

test('a segment outside guest RAM is refused with advice on where to link', { skip }, async () => {
  const m = await UserModeMachine.create(await loadEngineModule(), { ramSize: 16 << 20 });
  assert.throws(() => m.load(build(EXIT(), '0x10000')), (e: unknown) =>
    e instanceof UserModeError && /outside guest RAM.*-Ttext=0x40080000/.test(e.message));
});
