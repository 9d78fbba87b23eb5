/** `--seed HEX` of `init` and `rotate`. */
import { DevsecretsError } from '../core/errors.js';

/**
 * Parses the seed option: hex, at least 16 bytes.
 * @throws DevsecretsError `USAGE` (exit 2).
 */
export function parseSeed(text: string): Uint8Array {
  if (!/^(?:[0-9a-fA-F]{2}){16,}$/.test(text)) {
    throw new DevsecretsError('USAGE', '--seed must be hex, at least 32 digits (16 bytes)', { hint: 'for example: --seed $(openssl rand -hex 32)' });
  }
  return Buffer.from(text, 'hex');
}
