import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../src/core/manifest.js';
import { createStoreDocument } from '../../src/core/seed-store.js';
import { CHECKS_REVISION, stampCovers, parseStoreDocument, serializeStoreDocument } from '../../src/core/store-document.js';
import { stampDocument } from '../../src/core/store-stamp.js';

const text = JSON.stringify({
  forbid: ['/corp-secret/'],
  vars: {
    API_TOKEN: { type: 'token', prefix: 'tok_', length: 24, secret: true },
    PORT: { type: 'port', default: 3000 },
  },
});
const manifest = parseManifest(text, '/p/devsecrets.json', '/p');
const seed = new Uint8Array(32).fill(7);
const key = new Uint8Array(32).fill(9);

function freshDocument() {
  return createStoreDocument(manifest, 'store-1', seed, new Date('2026-01-01T00:00:00Z'));
}

describe('stampDocument', () => {
  it('stamps a complete, valid store against the exact manifest bytes', () => {
    const document = freshDocument();
    stampDocument(document, manifest, key);
    expect(document.checked).toMatchObject({ manifestSha256: manifest.textSha256, revision: CHECKS_REVISION, mac: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(stampCovers(document, manifest.textSha256, key)).toBe(true);
    // The same manifest with other whitespace is other bytes: it must be checked again.
    const reformatted = parseManifest(JSON.stringify(JSON.parse(text), null, 2), '/p/devsecrets.json', '/p');
    expect(stampCovers(document, reformatted.textSha256, key)).toBe(false);
  });

  it('survives the round trip through the store format', () => {
    const document = freshDocument();
    stampDocument(document, manifest, key);
    expect(stampCovers(parseStoreDocument(serializeStoreDocument(document)), manifest.textSha256, key)).toBe(true);
  });

  it.each([
    ['an invalid value', (d: ReturnType<typeof freshDocument>) => { d.vars.PORT!.value = '080'; }],
    ['an insecure value', (d: ReturnType<typeof freshDocument>) => { d.vars.API_TOKEN!.value = 'tok_corp-secret_abcdefgh'; }],
    ['a missing variable', (d: ReturnType<typeof freshDocument>) => { delete d.vars.PORT; }],
    ['an unknown variable', (d: ReturnType<typeof freshDocument>) => { d.vars.EXTRA = { value: 'x', origin: 'set', updatedAt: '' }; }],
  ])('withholds (and clears) the stamp for %s', (_, spoil) => {
    const document = freshDocument();
    stampDocument(document, manifest, key);
    spoil(document);
    stampDocument(document, manifest, key);
    expect(document.checked).toBeUndefined();
    expect(stampCovers(document, manifest.textSha256, key)).toBe(false);
  });

  it.each([
    ['without its MAC (an older devsecrets)', { manifestSha256: 'a'.repeat(64), revision: 1 }],
    ['that is not an object', 'checked'],
  ])('drops a stamp %s instead of refusing the store', (_, checked) => {
    const document = { ...freshDocument(), checked };
    const parsed = parseStoreDocument(Buffer.from(JSON.stringify(document)));
    expect(parsed.checked).toBeUndefined();
    expect(parsed.vars).toEqual(document.vars);
  });

  it('does not count a stamp made under other checks', () => {
    const document = freshDocument();
    stampDocument(document, manifest, key);
    document.checked!.revision = CHECKS_REVISION + 1;
    expect(stampCovers(document, manifest.textSha256, key)).toBe(false);
  });

  it('does not count a stamp once a value changed behind its back (a store edited with age)', () => {
    const document = freshDocument();
    stampDocument(document, manifest, key);
    document.vars.PORT!.value = '99999';
    expect(stampCovers(document, manifest.textSha256, key)).toBe(false);
  });

  it('does not count a stamp made with another key (a store written without the identity)', () => {
    const document = freshDocument();
    stampDocument(document, manifest, new Uint8Array(32).fill(1));
    expect(stampCovers(document, manifest.textSha256, key)).toBe(false);
  });
});
