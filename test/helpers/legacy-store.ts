/**
 * Store files as an earlier devsecrets wrote them, before stores were plain age with an
 * authenticated document: besides the X25519 stanza, a `devsecrets/v1/identity-key` stanza
 * (the file key sealed under HKDF-SHA256 of the identity's secret bytes), and a document of
 * format 1. Built here with typage and node:crypto, as that version built them.
 */
import { createCipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { bech32 } from '@scure/base';
import { Encrypter, Stanza } from 'age-encryption';

const TYPE = 'devsecrets/v1/identity-key';

/** Encrypts to `recipient` with one legacy identity-key stanza per identity in `identities`. */
export async function encryptLegacy(plaintext: Uint8Array | string, recipient: string, identities: readonly string[]): Promise<Uint8Array> {
  const encrypter = new Encrypter();
  encrypter.addRecipient(recipient);
  for (const identity of identities) {
    const secret = Buffer.from(bech32.decodeToBytes(identity).bytes);
    encrypter.addRecipient({
      wrapFileKey(fileKey: Uint8Array) {
        const salt = randomBytes(16);
        const key = Buffer.from(hkdfSync('sha256', secret, salt, TYPE, 32));
        const cipher = createCipheriv('chacha20-poly1305', key, Buffer.alloc(12), { authTagLength: 16 });
        const body = Buffer.concat([cipher.update(fileKey), cipher.final(), cipher.getAuthTag()]);
        return [new Stanza([TYPE, salt.toString('base64').replace(/=+$/, '')], body)];
      },
    });
  }
  return encrypter.encrypt(plaintext);
}

/** A format-2 document (as `age -d` prints it) turned back into the format-1 document of that version. */
export function legacyDocument(document: Record<string, unknown>): Record<string, unknown> {
  const { macs: _macs, generation: _generation, checked: _checked, ...rest } = document;
  return { ...rest, format: 1, checked: { manifestSha256: 'a'.repeat(64), revision: 2, mac: 'b'.repeat(64) } };
}
