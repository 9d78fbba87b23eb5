import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../src/core/manifest.js';
import { createStoreDocument } from '../../src/core/seed-store.js';
import { CHECKS_REVISION, openStoreDocument, sealStoreDocument, stampCovers } from '../../src/core/store-document.js';
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
    stampDocument(document, manifest);
    expect(document.checked).toEqual({ manifestSha256: manifest.textSha256, revision: CHECKS_REVISION });
    expect(stampCovers(document, manifest.textSha256)).toBe(true);
    // The same manifest with other whitespace is other bytes: it must be checked again.
    const reformatted = parseManifest(JSON.stringify(JSON.parse(text), null, 2), '/p/devsecrets.json', '/p');
    expect(stampCovers(document, reformatted.textSha256)).toBe(false);
  });

  it('survives the round trip through the sealed store format', () => {
    const document = freshDocument();
    stampDocument(document, manifest);
    const opened = openStoreDocument(sealStoreDocument(document, [key]), key);
    expect(opened.authenticated).toBe(true);
    expect(stampCovers(opened.document, manifest.textSha256)).toBe(true);
  });

  it.each([
    ['an invalid value', (d: ReturnType<typeof freshDocument>) => { d.vars.PORT!.value = '080'; }],
    ['an insecure value', (d: ReturnType<typeof freshDocument>) => { d.vars.API_TOKEN!.value = 'tok_corp-secret_abcdefgh'; }],
    ['a missing variable', (d: ReturnType<typeof freshDocument>) => { delete d.vars.PORT; }],
    ['an unknown variable', (d: ReturnType<typeof freshDocument>) => { d.vars.EXTRA = { value: 'x', origin: 'set', updatedAt: '' }; }],
  ])('withholds (and clears) the stamp for %s', (_, spoil) => {
    const document = freshDocument();
    stampDocument(document, manifest);
    spoil(document);
    stampDocument(document, manifest);
    expect(document.checked).toBeUndefined();
    expect(stampCovers(document, manifest.textSha256)).toBe(false);
  });

  it.each([
    ['of an older devsecrets (a number revision and a MAC of its own)', { manifestSha256: 'a'.repeat(64), revision: 1, mac: 'b'.repeat(64) }],
    ['that is not an object', 'checked'],
  ])('drops a stamp %s instead of refusing the store', (_, checked) => {
    const document = { ...freshDocument(), checked } as unknown as ReturnType<typeof freshDocument>;
    const opened = openStoreDocument(sealStoreDocument(document, [key]), key);
    expect(opened.authenticated).toBe(true);
    expect(opened.document.checked).toBeUndefined();
    expect(opened.document.vars).toEqual(document.vars);
  });

  it('does not count a stamp made under other checks', () => {
    const document = freshDocument();
    stampDocument(document, manifest);
    document.checked!.revision = `${CHECKS_REVISION}-other`;
    expect(stampCovers(document, manifest.textSha256)).toBe(false);
  });
});
