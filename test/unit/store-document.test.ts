// The store document proves who wrote it: one MAC per identity over its exact bytes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../src/core/manifest.js';
import { createStoreDocument } from '../../src/core/seed-store.js';
import { openStoreDocument, sealStoreDocument, STORE_FORMAT, type StoreDocument } from '../../src/core/store-document.js';

const manifest = parseManifest(JSON.stringify({
  vars: {
    API_TOKEN: { type: 'token', prefix: 'tok_', length: 24, secret: true },
    PORT: { type: 'port', default: 3000 },
  },
}), '/p/devsecrets.json', '/p');
const key = new Uint8Array(32).fill(9);
const otherKey = new Uint8Array(32).fill(1);

function freshDocument(): StoreDocument {
  return createStoreDocument(manifest, 'store-1', new Uint8Array(32).fill(7), new Date('2026-01-01T00:00:00Z'));
}

const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8');

describe('sealStoreDocument / openStoreDocument', () => {
  it('seals to JSON that age -d users can read, ending in one MAC per key', () => {
    const sealed = text(sealStoreDocument(freshDocument(), [key, otherKey]));
    const parsed = JSON.parse(sealed) as { format: number; macs: string[] };
    expect(parsed.format).toBe(STORE_FORMAT);
    expect(parsed.macs).toHaveLength(2);
    for (const mac of parsed.macs) expect(mac).toMatch(/^[0-9a-f]{64}$/);
    expect(sealed).toMatch(/,"macs":\["[0-9a-f]{64}","[0-9a-f]{64}"\]\}$/);
  });

  it('opens authenticated under any of the keys it was sealed with, and as it was', () => {
    const document = freshDocument();
    for (const [keys, opener] of [[[key], key], [[otherKey, key], key], [[key, otherKey], otherKey]] as const) {
      const opened = openStoreDocument(sealStoreDocument(document, keys), opener);
      expect(opened).toEqual({ document, authenticated: true, legacy: false });
    }
  });

  it('is not authenticated under a key it was not sealed with (a store written without the identity)', () => {
    expect(openStoreDocument(sealStoreDocument(freshDocument(), [otherKey]), key).authenticated).toBe(false);
    expect(openStoreDocument(sealStoreDocument(freshDocument(), []), key).authenticated).toBe(false);
  });

  it('is not authenticated when fields follow the MACs (JSON keeps the last of two equal keys)', () => {
    const sealed = text(sealStoreDocument(freshDocument(), [key]));
    const mac = (JSON.parse(sealed) as { macs: string[] }).macs[0]!;
    const evil = JSON.stringify({ API_TOKEN: { value: 'tok_attackerattacker1234', origin: 'generated', updatedAt: '' } });
    for (const tail of [`,"vars":${evil},"k":["x","${mac}"]}`, `,"vars":${evil},"macs":["${mac}"]}`, ',"x":1]}', ']} ', ']}}']) {
      const forged = Buffer.from(`${sealed.slice(0, -2)}${tail}`);
      let authenticated = false;
      try {
        authenticated = openStoreDocument(forged, key).authenticated;
      } catch {
        // Not a readable document: refused all the same.
      }
      expect(authenticated, tail).toBe(false);
    }
  });

  it('is not authenticated without MACs (a document written by hand)', () => {
    expect(openStoreDocument(Buffer.from(JSON.stringify(freshDocument())), key).authenticated).toBe(false);
  });

  it.each([
    ['a value', (d: StoreDocument) => { d.vars.API_TOKEN!.value = 'tok_attackerattacker1234'; }],
    ['the expiry', (d: StoreDocument) => { d.expiresAt = '2099-01-01T00:00:00.000Z'; }],
    ['the generation', (d: StoreDocument) => { d.generation += 5; }],
    ['the audit key', (d: StoreDocument) => { d.auditKey = 'a'.repeat(64); }],
    ['the manifest version', (d: StoreDocument) => { d.manifest.version = 9; }],
    ['the check stamp', (d: StoreDocument) => { d.checked = { manifestSha256: manifest.textSha256, revision: 'source' }; }],
    ['an added variable', (d: StoreDocument) => { d.vars.EXTRA = { value: 'x', origin: 'set', updatedAt: '' }; }],
  ])('is not authenticated once %s changed under the MACs', (_, edit) => {
    const sealed = JSON.parse(text(sealStoreDocument(freshDocument(), [key]))) as StoreDocument & { macs: string[] };
    edit(sealed);
    expect(openStoreDocument(Buffer.from(JSON.stringify(sealed)), key).authenticated).toBe(false);
  });

  it('is not authenticated after any change of one character (property)', () => {
    const sealed = text(sealStoreDocument(freshDocument(), [key]));
    fc.assert(
      fc.property(fc.nat({ max: sealed.length - 1 }), fc.constantFrom(...'0aZ"{}:,\\ 9f'), (index, char) => {
        fc.pre(sealed[index] !== char);
        const edited = Buffer.from(`${sealed.slice(0, index)}${char}${sealed.slice(index + 1)}`);
        let authenticated = false;
        try {
          authenticated = openStoreDocument(edited, key).authenticated;
        } catch {
          // No longer a readable document: refused all the same.
        }
        expect(authenticated).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('reads the earlier, unauthenticated format as today\'s, never as authenticated', () => {
    const { generation: _generation, ...rest } = freshDocument();
    const legacy = { ...rest, format: 1, checked: { manifestSha256: manifest.textSha256, revision: 2, mac: 'b'.repeat(64) } };
    const opened = openStoreDocument(Buffer.from(JSON.stringify(legacy)), key);
    expect(opened).toEqual({ document: { ...rest, format: STORE_FORMAT, generation: 0 }, authenticated: false, legacy: true });
  });

  it.each([
    ['a newer format', (d: Record<string, unknown>) => { d.format = 3; }, /format 3/],
    ['a negative generation', (d: Record<string, unknown>) => { d.generation = -1; }, /missing or malformed/],
    ['a missing generation', (d: Record<string, unknown>) => { delete d.generation; }, /missing or malformed/],
  ])('refuses %s', (_, edit, message) => {
    const document = freshDocument() as unknown as Record<string, unknown>;
    edit(document);
    expect(() => openStoreDocument(sealStoreDocument(document as unknown as StoreDocument, [key]), key)).toThrow(message);
  });
});
