/**
 * The cryptographic primitives `devsecrets run` needs to open an age file, in AssemblyScript
 * compiled to WebAssembly by the build (bin/build.mjs): SHA-256, HMAC-SHA256, ChaCha20-Poly1305
 * opening and X25519. `run` starts on every `npm start`, and loading Node's own
 * `node:crypto` and its first key operations cost 8–11 ms; this
 * module compiles (on a background thread) and runs all of `run`'s cryptography in a
 * fraction of that.
 *
 * Written from the specifications (FIPS 180-4, RFC 2104, RFC 8439, RFC 7748), and tested
 * against node:crypto (OpenSSL) on random inputs and the specifications' test vectors
 * (test/unit/primitives.test.ts). Secret-dependent work has no secret-dependent branches or
 * memory indices: the ladder swaps by mask and the tag is compared by accumulated difference.
 *
 * The memory interface is deliberately small: the JavaScript side (src/core/primitives.ts)
 * copies inputs in at `scratch()` and results out, and wipes what it wrote.
 */

// ---------------------------------------------------------------- SHA-256 (FIPS 180-4)

const K: StaticArray<u32> = [
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

const STATE = memory.data(32, 8);
const W = memory.data(256, 8);
const BLOCK = memory.data(64, 8);
let blockLength: i32 = 0;
let totalLength: u64 = 0;

function compress(p: usize): void {
  for (let i = 0; i < 16; i++) store<u32>(W + (<usize>i << 2), bswap<u32>(load<u32>(p + (<usize>i << 2))));
  for (let i = 16; i < 64; i++) {
    const a = load<u32>(W + (<usize>(i - 15) << 2));
    const b = load<u32>(W + (<usize>(i - 2) << 2));
    const s0 = rotr<u32>(a, 7) ^ rotr<u32>(a, 18) ^ (a >>> 3);
    const s1 = rotr<u32>(b, 17) ^ rotr<u32>(b, 19) ^ (b >>> 10);
    store<u32>(W + (<usize>i << 2), load<u32>(W + (<usize>(i - 16) << 2)) + s0 + load<u32>(W + (<usize>(i - 7) << 2)) + s1);
  }
  let a = load<u32>(STATE), b = load<u32>(STATE, 4), c = load<u32>(STATE, 8), d = load<u32>(STATE, 12);
  let e = load<u32>(STATE, 16), f = load<u32>(STATE, 20), g = load<u32>(STATE, 24), h = load<u32>(STATE, 28);
  for (let i = 0; i < 64; i++) {
    const t1 = h + (rotr<u32>(e, 6) ^ rotr<u32>(e, 11) ^ rotr<u32>(e, 25)) + ((e & f) ^ (~e & g)) + unchecked(K[i]) + load<u32>(W + (<usize>i << 2));
    const t2 = (rotr<u32>(a, 2) ^ rotr<u32>(a, 13) ^ rotr<u32>(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
    h = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
  }
  store<u32>(STATE, load<u32>(STATE) + a); store<u32>(STATE, load<u32>(STATE, 4) + b, 4);
  store<u32>(STATE, load<u32>(STATE, 8) + c, 8); store<u32>(STATE, load<u32>(STATE, 12) + d, 12);
  store<u32>(STATE, load<u32>(STATE, 16) + e, 16); store<u32>(STATE, load<u32>(STATE, 20) + f, 20);
  store<u32>(STATE, load<u32>(STATE, 24) + g, 24); store<u32>(STATE, load<u32>(STATE, 28) + h, 28);
}

function hashStart(): void {
  store<u32>(STATE, 0x6a09e667); store<u32>(STATE, 0xbb67ae85, 4); store<u32>(STATE, 0x3c6ef372, 8); store<u32>(STATE, 0xa54ff53a, 12);
  store<u32>(STATE, 0x510e527f, 16); store<u32>(STATE, 0x9b05688c, 20); store<u32>(STATE, 0x1f83d9ab, 24); store<u32>(STATE, 0x5be0cd19, 28);
  blockLength = 0;
  totalLength = 0;
}

function hashUpdate(p: usize, length: i32): void {
  totalLength += <u64>length;
  let i = 0;
  if (blockLength > 0) {
    while (i < length && blockLength < 64) store<u8>(BLOCK + <usize>(blockLength++), load<u8>(p + <usize>(i++)));
    if (blockLength < 64) return;
    compress(BLOCK);
    blockLength = 0;
  }
  for (; i + 64 <= length; i += 64) compress(p + <usize>i);
  while (i < length) store<u8>(BLOCK + <usize>(blockLength++), load<u8>(p + <usize>(i++)));
}

function hashFinish(out: usize): void {
  const bits = totalLength << 3;
  store<u8>(BLOCK + <usize>(blockLength++), 0x80);
  if (blockLength > 56) {
    while (blockLength < 64) store<u8>(BLOCK + <usize>(blockLength++), 0);
    compress(BLOCK);
    blockLength = 0;
  }
  while (blockLength < 56) store<u8>(BLOCK + <usize>(blockLength++), 0);
  store<u64>(BLOCK + 56, bswap<u64>(bits));
  compress(BLOCK);
  for (let i = 0; i < 8; i++) store<u32>(out + (<usize>i << 2), bswap<u32>(load<u32>(STATE + (<usize>i << 2))));
}

/** SHA-256 of `length` bytes at `p`, into the 32 bytes at `out`. */
export function sha256(p: usize, length: i32, out: usize): void {
  hashStart();
  hashUpdate(p, length);
  hashFinish(out);
}

const PAD = memory.data(64, 8);
const INNER = memory.data(32, 8);

/** HMAC-SHA256 (RFC 2104) of the message under the key, into the 32 bytes at `out`. */
export function hmacSha256(key: usize, keyLength: i32, message: usize, messageLength: i32, out: usize): void {
  memory.fill(PAD, 0, 64);
  if (keyLength > 64) sha256(key, keyLength, PAD);
  else memory.copy(PAD, key, keyLength);
  for (let i = 0; i < 64; i++) store<u8>(PAD + <usize>i, load<u8>(PAD + <usize>i) ^ 0x36);
  hashStart();
  hashUpdate(PAD, 64);
  hashUpdate(message, messageLength);
  hashFinish(INNER);
  for (let i = 0; i < 64; i++) store<u8>(PAD + <usize>i, load<u8>(PAD + <usize>i) ^ (0x36 ^ 0x5c));
  hashStart();
  hashUpdate(PAD, 64);
  hashUpdate(INNER, 32);
  hashFinish(out);
  // Nothing derived from the key stays behind.
  memory.fill(PAD, 0, 64);
  memory.fill(INNER, 0, 32);
  memory.fill(W, 0, 256);
  memory.fill(BLOCK, 0, 64);
  memory.fill(STATE, 0, 32);
}

// ---------------------------------------------------------------- ChaCha20 (RFC 8439)
const CHACHA = memory.data(64, 8);
const WORK = memory.data(64, 8);

@inline function quarter(a: usize, b: usize, c: usize, d: usize): void {
  let va = load<u32>(WORK + (a << 2)), vb = load<u32>(WORK + (b << 2)), vc = load<u32>(WORK + (c << 2)), vd = load<u32>(WORK + (d << 2));
  va += vb; vd = rotl<u32>(vd ^ va, 16);
  vc += vd; vb = rotl<u32>(vb ^ vc, 12);
  va += vb; vd = rotl<u32>(vd ^ va, 8);
  vc += vd; vb = rotl<u32>(vb ^ vc, 7);
  store<u32>(WORK + (a << 2), va); store<u32>(WORK + (b << 2), vb); store<u32>(WORK + (c << 2), vc); store<u32>(WORK + (d << 2), vd);
}

function chachaBlock(): void {
  memory.copy(WORK, CHACHA, 64);
  for (let round = 0; round < 10; round++) {
    quarter(0, 4, 8, 12); quarter(1, 5, 9, 13); quarter(2, 6, 10, 14); quarter(3, 7, 11, 15);
    quarter(0, 5, 10, 15); quarter(1, 6, 11, 12); quarter(2, 7, 8, 13); quarter(3, 4, 9, 14);
  }
  for (let i = 0; i < 16; i++) store<u32>(WORK + (<usize>i << 2), load<u32>(WORK + (<usize>i << 2)) + load<u32>(CHACHA + (<usize>i << 2)));
}

function chachaStart(key: usize, nonce: usize, counter: u32): void {
  store<u32>(CHACHA, 0x61707865); store<u32>(CHACHA, 0x3320646e, 4); store<u32>(CHACHA, 0x79622d32, 8); store<u32>(CHACHA, 0x6b206574, 12);
  memory.copy(CHACHA + 16, key, 32);
  store<u32>(CHACHA, counter, 48);
  memory.copy(CHACHA + 52, nonce, 12);
}

function chachaXor(input: usize, length: i32, out: usize): void {
  for (let offset = 0; offset < length; offset += 64) {
    chachaBlock();
    const n = min(64, length - offset);
    for (let i = 0; i < n; i++) store<u8>(out + <usize>(offset + i), load<u8>(input + <usize>(offset + i)) ^ load<u8>(WORK + <usize>i));
    store<u32>(CHACHA, load<u32>(CHACHA, 48) + 1, 48);
  }
}

// ---------------------------------------------------------------- Poly1305 (RFC 8439), 26-bit limbs
let r0: u64 = 0, r1: u64 = 0, r2: u64 = 0, r3: u64 = 0, r4: u64 = 0;
let h0: u64 = 0, h1: u64 = 0, h2: u64 = 0, h3: u64 = 0, h4: u64 = 0;
const POLY_BLOCK = memory.data(16, 8);

function polyStart(key: usize): void {
  const t0 = <u64>load<u32>(key), t1 = <u64>load<u32>(key, 4), t2 = <u64>load<u32>(key, 8), t3 = <u64>load<u32>(key, 12);
  r0 = t0 & 0x3ffffff;
  r1 = ((t0 >> 26) | (t1 << 6)) & 0x3ffff03;
  r2 = ((t1 >> 20) | (t2 << 12)) & 0x3ffc0ff;
  r3 = ((t2 >> 14) | (t3 << 18)) & 0x3f03fff;
  r4 = (t3 >> 8) & 0x00fffff;
  h0 = 0; h1 = 0; h2 = 0; h3 = 0; h4 = 0;
}

function polyBlock(p: usize, hibit: u64): void {
  const t0 = <u64>load<u32>(p), t1 = <u64>load<u32>(p, 4), t2 = <u64>load<u32>(p, 8), t3 = <u64>load<u32>(p, 12);
  h0 += t0 & 0x3ffffff;
  h1 += ((t0 >> 26) | (t1 << 6)) & 0x3ffffff;
  h2 += ((t1 >> 20) | (t2 << 12)) & 0x3ffffff;
  h3 += ((t2 >> 14) | (t3 << 18)) & 0x3ffffff;
  h4 += (t3 >> 8) | hibit;
  const s1 = r1 * 5, s2 = r2 * 5, s3 = r3 * 5, s4 = r4 * 5;
  const d0 = h0 * r0 + h1 * s4 + h2 * s3 + h3 * s2 + h4 * s1;
  let d1 = h0 * r1 + h1 * r0 + h2 * s4 + h3 * s3 + h4 * s2;
  let d2 = h0 * r2 + h1 * r1 + h2 * r0 + h3 * s4 + h4 * s3;
  let d3 = h0 * r3 + h1 * r2 + h2 * r1 + h3 * r0 + h4 * s4;
  let d4 = h0 * r4 + h1 * r3 + h2 * r2 + h3 * r1 + h4 * r0;
  let c = d0 >> 26; h0 = d0 & 0x3ffffff;
  d1 += c; c = d1 >> 26; h1 = d1 & 0x3ffffff;
  d2 += c; c = d2 >> 26; h2 = d2 & 0x3ffffff;
  d3 += c; c = d3 >> 26; h3 = d3 & 0x3ffffff;
  d4 += c; c = d4 >> 26; h4 = d4 & 0x3ffffff;
  h0 += c * 5; c = h0 >> 26; h0 &= 0x3ffffff;
  h1 += c;
}

function polyUpdate(p: usize, length: i32): void {
  let i = 0;
  for (; i + 16 <= length; i += 16) polyBlock(p + <usize>i, 1 << 24);
  if (i < length) {
    // Zero-padded to 16 bytes, as the AEAD construction pads (not Poly1305's own 0x01 padding).
    memory.fill(POLY_BLOCK, 0, 16);
    memory.copy(POLY_BLOCK, p + <usize>i, length - i);
    polyBlock(POLY_BLOCK, 1 << 24);
  }
}

function polyFinish(key: usize, out: usize): void {
  let c = h1 >> 26; h1 &= 0x3ffffff;
  h2 += c; c = h2 >> 26; h2 &= 0x3ffffff;
  h3 += c; c = h3 >> 26; h3 &= 0x3ffffff;
  h4 += c; c = h4 >> 26; h4 &= 0x3ffffff;
  h0 += c * 5; c = h0 >> 26; h0 &= 0x3ffffff;
  h1 += c;
  // h - p, selected when it does not borrow.
  let g0 = h0 + 5; c = g0 >> 26; g0 &= 0x3ffffff;
  let g1 = h1 + c; c = g1 >> 26; g1 &= 0x3ffffff;
  let g2 = h2 + c; c = g2 >> 26; g2 &= 0x3ffffff;
  let g3 = h3 + c; c = g3 >> 26; g3 &= 0x3ffffff;
  const g4 = h4 + c - (1 << 26);
  const useG = (g4 >> 63) - 1; // all ones when h >= p (g4 did not borrow), else 0
  const keep = ~useG;
  h0 = (h0 & keep) | (g0 & useG);
  h1 = (h1 & keep) | (g1 & useG);
  h2 = (h2 & keep) | (g2 & useG);
  h3 = (h3 & keep) | (g3 & useG);
  h4 = (h4 & keep) | (g4 & useG);
  // h + s mod 2^128
  const w0 = (h0 | (h1 << 26)) & 0xffffffff;
  const w1 = ((h1 >> 6) | (h2 << 20)) & 0xffffffff;
  const w2 = ((h2 >> 12) | (h3 << 14)) & 0xffffffff;
  const w3 = ((h3 >> 18) | (h4 << 8)) & 0xffffffff;
  let f = w0 + <u64>load<u32>(key, 16); store<u32>(out, <u32>f);
  f = w1 + <u64>load<u32>(key, 20) + (f >> 32); store<u32>(out, <u32>f, 4);
  f = w2 + <u64>load<u32>(key, 24) + (f >> 32); store<u32>(out, <u32>f, 8);
  f = w3 + <u64>load<u32>(key, 28) + (f >> 32); store<u32>(out, <u32>f, 12);
}

const POLY_KEY = memory.data(64, 8);
const TAG = memory.data(16, 8);
const LENGTHS = memory.data(16, 8);

/**
 * ChaCha20-Poly1305 open (RFC 8439, no associated data): `sealed` is the ciphertext followed
 * by its 16-byte tag. Writes the plaintext to `out` and returns 1 only when the tag is right;
 * returns 0 and writes nothing otherwise.
 */
export function chachaPolyOpen(key: usize, nonce: usize, sealed: usize, sealedLength: i32, out: usize): i32 {
  if (sealedLength < 16) return 0;
  const length = sealedLength - 16;
  chachaStart(key, nonce, 0);
  chachaBlock();
  memory.copy(POLY_KEY, WORK, 64);
  polyStart(POLY_KEY);
  polyUpdate(sealed, length);
  store<u64>(LENGTHS, 0);
  store<u64>(LENGTHS, <u64>length, 8);
  polyBlock(LENGTHS, 1 << 24);
  polyFinish(POLY_KEY, TAG);
  let diff: u32 = 0;
  for (let i = 0; i < 16; i++) diff |= load<u8>(TAG + <usize>i) ^ load<u8>(sealed + <usize>(length + i));
  memory.fill(POLY_KEY, 0, 64);
  if (diff != 0) return 0;
  store<u32>(CHACHA, 1, 48);
  chachaXor(sealed, length, out);
  memory.fill(CHACHA, 0, 64);
  memory.fill(WORK, 0, 64);
  return 1;
}

// ---------------------------------------------------------------- X25519 (RFC 7748)
// Field elements mod p = 2^255 - 19: ten signed 64-bit limbs in radix 2^25.5, limb i
// holding bits [ceil(25.5 i), ceil(25.5 (i + 1))): 26 bits at even i, 25 at odd i.
const FE: usize = 80;
const FIELD = memory.data(<i32>FE * 16, 8);
const X1 = FIELD, X2 = FIELD + FE, Z2 = FIELD + 2 * FE, X3 = FIELD + 3 * FE, Z3 = FIELD + 4 * FE;
const FA = FIELD + 5 * FE, FAA = FIELD + 6 * FE, FB = FIELD + 7 * FE, FBB = FIELD + 8 * FE, FE_ = FIELD + 9 * FE;
const FC = FIELD + 10 * FE, FD = FIELD + 11 * FE, FDA = FIELD + 12 * FE, FCB = FIELD + 13 * FE, A24 = FIELD + 14 * FE, T = FIELD + 15 * FE;
const SCALAR = memory.data(32, 8);

@inline function limb(p: usize, i: i32): i64 { return load<i64>(p + (<usize>i << 3)); }
@inline function setLimb(p: usize, i: i32, v: i64): void { store<i64>(p + (<usize>i << 3), v); }
@inline function width(i: i32): i64 { return 26 - <i64>(i & 1); }

/** Carries every limb into its width (floor division), folding the top carry back times 19. */
function carry(o: usize): void {
  for (let i = 0; i < 10; i++) {
    const v = limb(o, i);
    const c = v >> width(i);
    setLimb(o, i, v - (c << width(i)));
    if (i < 9) setLimb(o, i + 1, limb(o, i + 1) + c);
    else setLimb(o, 0, limb(o, 0) + 19 * c);
  }
  const c = limb(o, 0) >> 26;
  setLimb(o, 0, limb(o, 0) - (c << 26));
  setLimb(o, 1, limb(o, 1) + c);
}

function add(o: usize, a: usize, b: usize): void { for (let i = 0; i < 10; i++) setLimb(o, i, limb(a, i) + limb(b, i)); }
function sub(o: usize, a: usize, b: usize): void { for (let i = 0; i < 10; i++) setLimb(o, i, limb(a, i) - limb(b, i)); }

/**
 * o = a * b. The product of limbs i and j lands in limb (i + j) mod 10, doubled when both
 * are odd (their widths round down twice) and times 19 when it wraps past 2^255.
 */
function mul(o: usize, a: usize, b: usize): void {
  const f0 = limb(a, 0), f1 = limb(a, 1), f2 = limb(a, 2), f3 = limb(a, 3), f4 = limb(a, 4);
  const f5 = limb(a, 5), f6 = limb(a, 6), f7 = limb(a, 7), f8 = limb(a, 8), f9 = limb(a, 9);
  const g0 = limb(b, 0), g1 = limb(b, 1), g2 = limb(b, 2), g3 = limb(b, 3), g4 = limb(b, 4);
  const g5 = limb(b, 5), g6 = limb(b, 6), g7 = limb(b, 7), g8 = limb(b, 8), g9 = limb(b, 9);
  const f12 = 2 * f1, f32 = 2 * f3, f52 = 2 * f5, f72 = 2 * f7, f92 = 2 * f9;
  const g1n = 19 * g1, g2n = 19 * g2, g3n = 19 * g3, g4n = 19 * g4, g5n = 19 * g5;
  const g6n = 19 * g6, g7n = 19 * g7, g8n = 19 * g8, g9n = 19 * g9;
  const h0 = f0 * g0 + f12 * g9n + f2 * g8n + f32 * g7n + f4 * g6n + f52 * g5n + f6 * g4n + f72 * g3n + f8 * g2n + f92 * g1n;
  const h1 = f0 * g1 + f1 * g0 + f2 * g9n + f3 * g8n + f4 * g7n + f5 * g6n + f6 * g5n + f7 * g4n + f8 * g3n + f9 * g2n;
  const h2 = f0 * g2 + f12 * g1 + f2 * g0 + f32 * g9n + f4 * g8n + f52 * g7n + f6 * g6n + f72 * g5n + f8 * g4n + f92 * g3n;
  const h3 = f0 * g3 + f1 * g2 + f2 * g1 + f3 * g0 + f4 * g9n + f5 * g8n + f6 * g7n + f7 * g6n + f8 * g5n + f9 * g4n;
  const h4 = f0 * g4 + f12 * g3 + f2 * g2 + f32 * g1 + f4 * g0 + f52 * g9n + f6 * g8n + f72 * g7n + f8 * g6n + f92 * g5n;
  const h5 = f0 * g5 + f1 * g4 + f2 * g3 + f3 * g2 + f4 * g1 + f5 * g0 + f6 * g9n + f7 * g8n + f8 * g7n + f9 * g6n;
  const h6 = f0 * g6 + f12 * g5 + f2 * g4 + f32 * g3 + f4 * g2 + f52 * g1 + f6 * g0 + f72 * g9n + f8 * g8n + f92 * g7n;
  const h7 = f0 * g7 + f1 * g6 + f2 * g5 + f3 * g4 + f4 * g3 + f5 * g2 + f6 * g1 + f7 * g0 + f8 * g9n + f9 * g8n;
  const h8 = f0 * g8 + f12 * g7 + f2 * g6 + f32 * g5 + f4 * g4 + f52 * g3 + f6 * g2 + f72 * g1 + f8 * g0 + f92 * g9n;
  const h9 = f0 * g9 + f1 * g8 + f2 * g7 + f3 * g6 + f4 * g5 + f5 * g4 + f6 * g3 + f7 * g2 + f8 * g1 + f9 * g0;
  setLimb(o, 0, h0); setLimb(o, 1, h1); setLimb(o, 2, h2); setLimb(o, 3, h3); setLimb(o, 4, h4);
  setLimb(o, 5, h5); setLimb(o, 6, h6); setLimb(o, 7, h7); setLimb(o, 8, h8); setLimb(o, 9, h9);
  carry(o);
}

/** Swaps p and q when bit is 1, in constant time. */
function swap(p: usize, q: usize, bit: i64): void {
  const mask = -bit;
  for (let i = 0; i < 10; i++) {
    const x = mask & (limb(p, i) ^ limb(q, i));
    setLimb(p, i, limb(p, i) ^ x);
    setLimb(q, i, limb(q, i) ^ x);
  }
}

/** Reads 32 little-endian bytes, ignoring the top bit (RFC 7748 section 5). */
function unpack(o: usize, bytes: usize): void {
  let accumulator: u64 = 0;
  let bits: i64 = 0;
  let byte = 0;
  for (let i = 0; i < 10; i++) {
    while (bits < width(i)) {
      accumulator |= <u64>load<u8>(bytes + <usize>byte) << <u64>bits;
      byte++;
      bits += 8;
    }
    setLimb(o, i, <i64>(accumulator & ((<u64>1 << <u64>width(i)) - 1)));
    accumulator >>= <u64>width(i);
    bits -= width(i);
  }
}

/** Writes the canonical 32-byte encoding: fully reduced mod p. */
function pack(out: usize, n: usize): void {
  const x = FA;
  memory.copy(x, n, FE);
  carry(x);
  carry(x);
  // Every limb is now within its width, so 0 <= x < 2p, and x >= p exactly when x + 19 reaches 2^255.
  let q = (limb(x, 0) + 19) >> 26;
  for (let i = 1; i < 10; i++) q = (limb(x, i) + q) >> width(i);
  setLimb(x, 0, limb(x, 0) + 19 * q);
  for (let i = 0; i < 9; i++) {
    const c = limb(x, i) >> width(i);
    setLimb(x, i, limb(x, i) - (c << width(i)));
    setLimb(x, i + 1, limb(x, i + 1) + c);
  }
  setLimb(x, 9, limb(x, 9) & ((1 << 25) - 1));
  let accumulator: u64 = 0;
  let bits: i64 = 0;
  let byte = 0;
  for (let i = 0; i < 10; i++) {
    accumulator |= <u64>limb(x, i) << <u64>bits;
    bits += width(i);
    while (bits >= 8) {
      store<u8>(out + <usize>byte, <u8>accumulator);
      byte++;
      accumulator >>= 8;
      bits -= 8;
    }
  }
  store<u8>(out + 31, <u8>accumulator);
}

/** o = z^(p - 2) = 1/z (Fermat): p - 2 has every bit of 2^255 - 1 set but bits 2 and 4. */
function invert(o: usize, z: usize): void {
  memory.copy(T, z, FE);
  for (let a = 253; a >= 0; a--) {
    mul(T, T, T);
    if (a != 2 && a != 4) mul(T, T, z);
  }
  memory.copy(o, T, FE);
}

/** X25519(scalar, point) into `out` (32 bytes each): the Montgomery ladder of RFC 7748 section 5. */
export function x25519(out: usize, scalar: usize, point: usize): void {
  memory.copy(SCALAR, scalar, 32);
  store<u8>(SCALAR, load<u8>(SCALAR) & 248);
  store<u8>(SCALAR + 31, (load<u8>(SCALAR + 31) & 127) | 64);
  unpack(X1, point);
  memory.fill(X2, 0, FE); setLimb(X2, 0, 1);
  memory.fill(Z2, 0, FE);
  memory.copy(X3, X1, FE);
  memory.fill(Z3, 0, FE); setLimb(Z3, 0, 1);
  memory.fill(A24, 0, FE); setLimb(A24, 0, 121665);
  let swapped: i64 = 0;
  for (let i = 254; i >= 0; i--) {
    const bit = <i64>((load<u8>(SCALAR + (<usize>i >> 3)) >> (<u8>i & 7)) & 1);
    swapped ^= bit;
    swap(X2, X3, swapped); swap(Z2, Z3, swapped);
    swapped = bit;
    add(FA, X2, Z2); mul(FAA, FA, FA);
    sub(FB, X2, Z2); mul(FBB, FB, FB);
    sub(FE_, FAA, FBB);
    add(FC, X3, Z3); sub(FD, X3, Z3);
    mul(FDA, FD, FA); mul(FCB, FC, FB);
    add(X3, FDA, FCB); mul(X3, X3, X3);
    sub(Z3, FDA, FCB); mul(Z3, Z3, Z3); mul(Z3, Z3, X1);
    mul(X2, FAA, FBB);
    mul(Z2, A24, FE_); add(Z2, Z2, FAA); mul(Z2, Z2, FE_);
  }
  swap(X2, X3, swapped); swap(Z2, Z3, swapped);
  invert(Z2, Z2);
  mul(X2, X2, Z2);
  pack(out, X2);
  memory.fill(FIELD, 0, <i32>FE * 16);
  memory.fill(SCALAR, 0, 32);
}

/** Where callers may put their data: past everything this module keeps. */
export function scratch(): usize {
  return (__heap_base + 15) & ~15;
}
