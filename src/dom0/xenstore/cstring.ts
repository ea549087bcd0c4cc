// dom0/xenstore/cstring.ts - the C string handling xenstored applies to message payloads, reproduced so that odd
// input gets the answer xenstored gives: NUL-separated strings (get_string/get_strings/onearg in
// tools/xenstore/xenstored_core.c, xs_count_strings in xs_lib.c) and atoi/strtol number parsing.
//
// Inside the store, paths, tokens and permission strings are "byte strings": JS strings with one char per byte
// (latin1), so any byte a client sends comes back unchanged. Node values stay Uint8Arrays.

/** Bytes -> byte string (one char per byte). */
export function bytesToLatin1(b: Uint8Array, start = 0, end = b.length): string {
  let s = '';
  // String.fromCharCode over chunks: far faster than per-byte concatenation for long values
  for (let i = start; i < end; i += 4096) {
    s += String.fromCharCode.apply(null, b.subarray(i, Math.min(end, i + 4096)) as unknown as number[]);
  }
  return s;
}

/** Byte string -> bytes (chars above 0xff are not expected here; they are truncated to their low byte). */
export function latin1ToBytes(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
  return b;
}

/**
 * The NUL-terminated strings at the start of a payload (get_strings): bytes after the last NUL are not a
 * string and are ignored.
 */
export function getStrings(payload: Uint8Array): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < payload.length; i++) {
    if (payload[i] === 0) {
      out.push(bytesToLatin1(payload, start, i));
      start = i + 1;
    }
  }
  return out;
}

/** xs_count_strings: the number of NUL bytes. */
export function countStrings(payload: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < payload.length; i++) if (payload[i] === 0) n++;
  return n;
}

/** onearg(): the payload must hold exactly one string, its NUL the last byte; else null (-> EINVAL). */
export function oneArg(payload: Uint8Array): string | null {
  const len = payload.length;
  if (len === 0 || payload.indexOf(0) !== len - 1) return null;
  return bytesToLatin1(payload, 0, len - 1);
}

/** Byte strings each followed by a NUL, concatenated (reply payloads such as DIRECTORY and GET_PERMS). */
export function joinStrings(strings: readonly string[]): Uint8Array {
  let len = 0;
  for (const s of strings) len += s.length + 1;
  const b = new Uint8Array(len);
  let o = 0;
  for (const s of strings) {
    for (let i = 0; i < s.length; i++) b[o++] = s.charCodeAt(i);
    b[o++] = 0;
  }
  return b;
}

const isSpace = (c: string) => c === ' ' || (c >= '\t' && c <= '\r');

/**
 * C strtol(s, &end, base 0) on a byte string: leading white space, optional sign, "0x" hex or "0" octal
 * prefix. Returns the value clamped to the 64-bit long range as C does, and the index where parsing stopped
 * (0 when no digits were found, as strtol sets end = s).
 */
export function strtol(s: string): { value: bigint; end: number } {
  let i = 0;
  while (i < s.length && isSpace(s[i]!)) i++;
  let neg = false;
  if (s[i] === '+' || s[i] === '-') neg = s[i++] === '-';
  let base = 10;
  if (s[i] === '0' && (s[i + 1] === 'x' || s[i + 1] === 'X') && /[0-9a-fA-F]/.test(s[i + 2] ?? '')) {
    base = 16;
    i += 2;
  } else if (s[i] === '0') {
    base = 8;
  }
  let v = 0n;
  const digitsStart = i;
  for (; i < s.length; i++) {
    const d = parseInt(s[i]!, 36);
    if (Number.isNaN(d) || d >= base) break;
    v = v * BigInt(base) + BigInt(d);
  }
  if (i === digitsStart) return { value: 0n, end: 0 };
  const LONG_MAX = (1n << 63n) - 1n;
  if (neg) v = -v;
  if (v > LONG_MAX) v = LONG_MAX;
  if (v < -LONG_MAX - 1n) v = -LONG_MAX - 1n;
  return { value: v, end: i };
}

/** C atoi (as glibc: strtol base 10 truncated to int). Non-numbers give 0. */
export function atoi(s: string): number {
  let i = 0;
  while (i < s.length && isSpace(s[i]!)) i++;
  let neg = false;
  if (s[i] === '+' || s[i] === '-') neg = s[i++] === '-';
  let v = 0n;
  for (; i < s.length && s[i]! >= '0' && s[i]! <= '9'; i++) v = v * 10n + BigInt(s.charCodeAt(i) - 48);
  if (neg) v = -v;
  const LONG_MAX = (1n << 63n) - 1n;
  if (v > LONG_MAX) v = LONG_MAX;
  if (v < -LONG_MAX - 1n) v = -LONG_MAX - 1n;
  return Number(BigInt.asIntN(32, v));
}

/** C's "%u" of an int: the value as unsigned 32-bit. */
export function asUnsigned(v: number): number {
  return v >>> 0;
}
