/*
 * bench/cpu/workload.c - the fixed guest workload of `npm run bench:cpu`: integer code of the kind ENGINE.md
 * measured (ALU, shifts, loads/stores, branches), deterministic, about 200 M AArch64 instructions.
 *   1. fill a 1 MiB buffer from an xorshift generator
 *   2. SHA-256 of the buffer, 2 rounds (each round hashes the previous digest into the buffer's head)
 *   3. CRC-32 (table-driven, no CRC32 instructions: ARMv8.0 without the optional extension) over it, 4 times
 *   4. heapsort of 256 Ki 32-bit words taken from the buffer, then a sortedness check
 * and prints one line, "checksum <hex>", so qemu-aarch64 and the engine can be checked against each other.
 * Built with: aarch64-linux-gnu-gcc -O2 -static -nostdlib -ffreestanding -mgeneral-regs-only ...
 */

typedef unsigned char u8;
typedef unsigned int u32;
typedef unsigned long u64;

#define BUF_BYTES (1u << 20)
#define SORT_WORDS (1u << 18)

static u8 buf[BUF_BYTES];
static u32 words[SORT_WORDS];
static u32 crc_table[256];

static long sys3(long nr, long a, long b, long c) {
  register long x8 __asm__("x8") = nr;
  register long x0 __asm__("x0") = a;
  register long x1 __asm__("x1") = b;
  register long x2 __asm__("x2") = c;
  __asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
  return x0;
}

/* gcc may call these for struct copies and zeroing even with -ffreestanding */
void *memset(void *d, int c, u64 n) {
  u8 *p = d;
  while (n--) *p++ = (u8)c;
  return d;
}
void *memcpy(void *d, const void *s, u64 n) {
  u8 *p = d;
  const u8 *q = s;
  while (n--) *p++ = *q++;
  return d;
}

/* ---- SHA-256 (FIPS 180-4) ---- */
static const u32 K[64] = {
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static inline u32 ror(u32 x, int n) { return (x >> n) | (x << (32 - n)); }

static void sha256_block(u32 h[8], const u8 *p) {
  u32 w[64];
  for (int i = 0; i < 16; i++)
    w[i] = (u32)p[4 * i] << 24 | (u32)p[4 * i + 1] << 16 | (u32)p[4 * i + 2] << 8 | p[4 * i + 3];
  for (int i = 16; i < 64; i++) {
    u32 s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
    u32 s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  u32 a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
  for (int i = 0; i < 64; i++) {
    u32 t1 = hh + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
    u32 t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
    hh = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
  }
  h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
}

/* SHA-256 of n bytes (a multiple of 64; the length padding block is appended) */
static void sha256(u32 h[8], const u8 *p, u64 n) {
  static const u32 init[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
  for (int i = 0; i < 8; i++) h[i] = init[i];
  for (u64 off = 0; off < n; off += 64) sha256_block(h, p + off);
  u8 pad[64];
  for (int i = 0; i < 64; i++) pad[i] = 0;
  pad[0] = 0x80;
  u64 bits = n * 8;
  for (int i = 0; i < 8; i++) pad[63 - i] = (u8)(bits >> (8 * i));
  sha256_block(h, pad);
}

/* ---- CRC-32 (IEEE 802.3, reflected) ---- */
static void crc_init(void) {
  for (u32 i = 0; i < 256; i++) {
    u32 c = i;
    for (int k = 0; k < 8; k++) c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
    crc_table[i] = c;
  }
}
static u32 crc32(const u8 *p, u64 n) {
  u32 c = 0xffffffffu;
  for (u64 i = 0; i < n; i++) c = crc_table[(c ^ p[i]) & 0xff] ^ (c >> 8);
  return c ^ 0xffffffffu;
}

/* ---- heapsort ---- */
static void sift(u32 *a, u64 root, u64 n) {
  for (;;) {
    u64 child = 2 * root + 1;
    if (child >= n) return;
    if (child + 1 < n && a[child + 1] > a[child]) child++;
    if (a[root] >= a[child]) return;
    u32 t = a[root]; a[root] = a[child]; a[child] = t;
    root = child;
  }
}
static void heapsort(u32 *a, u64 n) {
  for (u64 i = n / 2; i-- > 0;) sift(a, i, n);
  for (u64 end = n - 1; end > 0; end--) {
    u32 t = a[0]; a[0] = a[end]; a[end] = t;
    sift(a, 0, end);
  }
}

static void put_hex(char *s, u64 v, int digits) {
  for (int i = digits - 1; i >= 0; i--, v >>= 4) s[i] = "0123456789abcdef"[v & 15];
}

void _start(void) {
  u64 x = 0x9e3779b97f4a7c15ul;
  for (u32 i = 0; i < BUF_BYTES; i += 8) {
    x ^= x << 13; x ^= x >> 7; x ^= x << 17;
    for (int k = 0; k < 8; k++) buf[i + k] = (u8)(x >> (8 * k));
  }
  u32 h[8];
  u64 sum = 0;
  for (int round = 0; round < 2; round++) {
    sha256(h, buf, BUF_BYTES);
    for (int i = 0; i < 8; i++) {
      sum = sum * 31 + h[i];
      buf[4 * i] = (u8)h[i];
    }
  }
  crc_init();
  for (int round = 0; round < 4; round++) {
    u32 c = crc32(buf, BUF_BYTES);
    sum = (sum << 7 | sum >> 57) ^ c;
    buf[round] ^= (u8)c;
  }
  for (u32 i = 0; i < SORT_WORDS; i++) words[i] = (u32)buf[4 * i] | (u32)buf[4 * i + 1] << 8 | (u32)buf[4 * i + 2] << 16 | (u32)buf[4 * i + 3] << 24;
  heapsort(words, SORT_WORDS);
  u64 unsorted = 0;
  for (u32 i = 1; i < SORT_WORDS; i++) unsorted += words[i - 1] > words[i];
  for (u32 i = 0; i < SORT_WORDS; i += 1024) sum = sum * 1000003 + words[i];
  char line[] = "checksum 0000000000000000 sorted ok\n";
  put_hex(line + 9, sum, 16);
  if (unsorted) line[33] = 'X';
  sys3(64, 1, (long)line, sizeof line - 1);
  sys3(93, unsorted ? 1 : 0, 0, 0);
  for (;;) {}
}
