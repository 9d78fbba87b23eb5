/**
 * SHA-256 and HMAC-SHA256 over node:crypto (OpenSSL), in the hex spelling devsecrets
 * stores them in: manifest digests, the audit chain, the store document's MACs.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** Lower-case hex SHA-256 of `input` (a string is hashed as UTF-8). */
export function sha256Hex(input: string | Uint8Array): string {
  return createHash('sha256').update(input).digest('hex');
}

/** Lower-case hex HMAC-SHA256 of `message` under `key` (a string is MACed as UTF-8). */
export function hmacSha256Hex(key: Uint8Array, message: string | Uint8Array): string {
  return createHmac('sha256', key).update(message).digest('hex');
}

/**
 * Whether two hex strings spell the same bytes, compared in constant time for a given
 * length. False when either is empty or they differ in length.
 */
export function sameHex(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length > 0 && left.length === right.length && timingSafeEqual(left, right);
}
