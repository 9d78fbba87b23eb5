/**
 * SHA-256, HMAC-SHA256, HKDF-SHA256, ChaCha20-Poly1305 opening and X25519 for the code
 * `devsecrets run` goes through: opening the store, checking its stamp, hashing the
 * manifest and signing the audit entry. They run in a small WebAssembly module built from
 * src/wasm/primitives.ts, because loading node:crypto and warming OpenSSL up costs `run`
 * several times as much. Everything else (making fakes, encrypting) keeps node:crypto.
 *
 * The module is compiled by `preparePrimitives` or else on first use. Inputs are copied
 * into its memory for each call and wiped from it afterwards.
 */
import { PRIMITIVES_WASM } from './primitives-wasm.gen.js';

// The few WebAssembly declarations used here (TypeScript has them only in its DOM library).
interface Memory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WebAssemblyApi {
  compile(bytes: Uint8Array): Promise<object>;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}
const WASM = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

interface Exports {
  memory: Memory;
  scratch(): number;
  sha256(input: number, length: number, out: number): void;
  hmacSha256(key: number, keyLength: number, message: number, messageLength: number, out: number): void;
  chachaPolyOpen(key: number, nonce: number, sealed: number, sealedLength: number, out: number): number;
  x25519(out: number, scalar: number, point: number): void;
}

type Bytes = Uint8Array | string;

const PAGE = 64 * 1024;
let compiled: object | undefined;
let compiling: Promise<void> | undefined;
let module: { exports: Exports; base: number } | undefined;

/**
 * Compiles the module on a background thread. Optional: a primitive called before this has
 * finished compiles the module itself. `run` starts it first and awaits it just before it
 * decrypts (see `openWithIdentity`), so that compiling overlaps its file reads.
 */
export function preparePrimitives(): Promise<void> {
  compiling ??= WASM.compile(Buffer.from(PRIMITIVES_WASM, 'base64')).then(
    (result) => {
      compiled ??= result;
    },
    // Compiled in the foreground on first use instead, where a real failure surfaces.
    () => undefined,
  );
  return compiling;
}

function primitives(): { exports: Exports; base: number } {
  if (module === undefined) {
    compiled ??= new WASM.Module(Buffer.from(PRIMITIVES_WASM, 'base64'));
    const exports = new WASM.Instance(compiled, {}).exports as Exports;
    module = { exports, base: exports.scratch() };
  }
  return module;
}

const bytesOf = (input: Bytes): Uint8Array => (typeof input === 'string' ? Buffer.from(input, 'utf8') : input);

/**
 * Copies `inputs` into the module's memory one after the other, followed by `outputLength`
 * bytes for the result, and calls `use` with their addresses and the result's. Returns a
 * copy of the result and wipes everything it wrote.
 */
function call(inputs: readonly Uint8Array[], outputLength: number, use: (exports: Exports, addresses: number[], out: number) => void): Uint8Array {
  const { exports, base } = primitives();
  const total = inputs.reduce((sum, input) => sum + input.length, 0) + outputLength;
  const shortBy = base + total - exports.memory.buffer.byteLength;
  if (shortBy > 0) exports.memory.grow(Math.ceil(shortBy / PAGE));
  const memory = new Uint8Array(exports.memory.buffer);
  const addresses: number[] = [];
  let at = base;
  for (const input of inputs) {
    addresses.push(at);
    memory.set(input, at);
    at += input.length;
  }
  try {
    use(exports, addresses, at);
    return memory.slice(at, at + outputLength);
  } finally {
    memory.fill(0, base, base + total);
  }
}

/** SHA-256 of `input` (a string is hashed as UTF-8). */
export function sha256(input: Bytes): Uint8Array {
  const data = bytesOf(input);
  return call([data], 32, (exports, [at], out) => exports.sha256(at!, data.length, out));
}

/** Lower-case hex SHA-256 of `input` (a string is hashed as UTF-8). */
export function sha256Hex(input: Bytes): string {
  return Buffer.from(sha256(input)).toString('hex');
}

/** HMAC-SHA256 of `message` under `key` (strings as UTF-8). */
export function hmacSha256(key: Bytes, message: Bytes): Uint8Array {
  const keyBytes = bytesOf(key);
  const data = bytesOf(message);
  return call([keyBytes, data], 32, (exports, [keyAt, dataAt], out) => exports.hmacSha256(keyAt!, keyBytes.length, dataAt!, data.length, out));
}

/** HKDF-SHA256 (RFC 5869) of `length` bytes, at most 8,160. */
export function hkdfSha256(ikm: Bytes, salt: Bytes, info: Bytes, length = 32): Uint8Array {
  if (!Number.isInteger(length) || length < 1 || length > 255 * 32) throw new RangeError(`HKDF length ${length} is out of range`);
  // An empty salt stands for 32 zero bytes, and HMAC pads its key with zeros anyway.
  const prk = hmacSha256(salt, ikm);
  const infoBytes = bytesOf(info);
  const okm = new Uint8Array(length);
  let block: Uint8Array = new Uint8Array(0);
  for (let counter = 1, filled = 0; filled < length; counter += 1) {
    const next = hmacSha256(prk, Buffer.concat([block, infoBytes, Uint8Array.of(counter)]));
    block.fill(0);
    block = next;
    okm.set(block.subarray(0, length - filled), filled);
    filled += block.length;
  }
  block.fill(0);
  prk.fill(0);
  return okm;
}

/**
 * Opens a ChaCha20-Poly1305 box (RFC 8439, no associated data): `sealed` is the ciphertext
 * followed by its 16-byte tag. Undefined when the tag does not match; nothing is decrypted then.
 */
export function openChaChaPoly(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array): Uint8Array | undefined {
  if (key.length !== 32 || nonce.length !== 12) throw new RangeError('ChaCha20-Poly1305 needs a 32-byte key and a 12-byte nonce');
  if (sealed.length < 16) return undefined;
  let opened = true;
  const plaintext = call([key, nonce, sealed], sealed.length - 16, (exports, [keyAt, nonceAt, sealedAt], out) => {
    opened = exports.chachaPolyOpen(keyAt!, nonceAt!, sealedAt!, sealed.length, out) === 1;
  });
  return opened ? plaintext : undefined;
}

/** X25519 (RFC 7748) of a 32-byte scalar and a 32-byte u-coordinate. */
export function x25519(scalar: Uint8Array, point: Uint8Array): Uint8Array {
  if (scalar.length !== 32 || point.length !== 32) throw new RangeError('X25519 needs 32-byte inputs');
  return call([scalar, point], 32, (exports, [scalarAt, pointAt], out) => exports.x25519(out, scalarAt!, pointAt!));
}

/** The X25519 base point, u = 9. */
export const X25519_BASE = Uint8Array.of(9, ...new Array<number>(31).fill(0));

/** Compares two byte strings in time that depends on their length only. */
export function equalBytes(left: Uint8Array, right: Uint8Array): boolean {
  if (left.length !== right.length) return false;
  let difference = 0;
  for (let index = 0; index < left.length; index += 1) difference |= left[index]! ^ right[index]!;
  return difference === 0;
}
