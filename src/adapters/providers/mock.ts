/**
 * `mock://SEED`: no service at all — the manifest's fakes, made by the same generator as a
 * store's (`generateFake`), so an app's tests get a complete, valid configuration with no
 * store, no keychain and no network, through the same call as a real provider.
 *
 * The same seed gives the same values, with one exception: a `private-key` is a real key
 * that node:crypto makes afresh on every read (devsecrets implements no key generation of
 * its own, and node:crypto takes no seed). Fakes are the local side's: a token whose
 * manifest prefix is live-shaped (`sk_live_`) gets its test spelling (`sk_test_`), as in a
 * store. Loader-control variables get no fake: their manifest default, or nothing.
 */
import { hkdfSync } from 'node:crypto';
import { defaultOf } from '../../core/build-child-env.js';
import { DevsecretsError } from '../../core/errors.js';
import { MIN_SEED_BYTES } from '../../core/fake-random.js';
import { isLoaderControl } from '../../core/loader-control.js';
import { generateFake } from '../../core/types/index.js';
import type { ProviderContext, ProviderRef } from './index.js';

type MockRef = Extract<ProviderRef, { scheme: 'mock' }>;

/** The seed text `init --seed` takes: hex of at least 16 bytes. */
const HEX_SEED = new RegExp(`^(?:[0-9a-fA-F]{2}){${MIN_SEED_BYTES},}$`);

/**
 * A fake for every manifest variable, from the seed of `ref`.
 *
 * @throws DevsecretsError `MANIFEST_MISSING` (exit 3) when `context.manifest` is absent, and
 * `FAKE_UNAVAILABLE` (exit 3) when a variable's spec admits no fake
 */
export async function readValues(ref: MockRef, context: ProviderContext): Promise<Record<string, string>> {
  const { manifest } = context;
  if (manifest === undefined) {
    throw new DevsecretsError('MANIFEST_MISSING', `${ref.text}: the mock makes its values from the manifest, and there is none`, { hint: 'create one with devsecrets init, or read a real provider' });
  }
  const seed = mockSeed(ref.seed);
  const values: Record<string, string> = {};
  for (const [name, spec] of Object.entries(manifest.vars)) {
    const value = isLoaderControl(name) ? defaultOf(spec) : generateFake(name, spec, seed);
    if (value !== undefined) values[name] = value;
  }
  return values;
}

/**
 * The generator's 32-byte seed for a seed text. Hex of at least 16 bytes is taken as the
 * bytes themselves, so `mock://HEX` gives the values `init --seed HEX` puts in a store; any
 * other text (`42`, `ci`, nothing) goes through HKDF-SHA256 under a label of its own, so
 * every text is a distinct, well-spread seed.
 */
function mockSeed(text: string): Uint8Array {
  if (HEX_SEED.test(text)) return Buffer.from(text, 'hex');
  return new Uint8Array(hkdfSync('sha256', Buffer.from(text, 'utf8'), Buffer.alloc(0), 'devsecrets/mock-seed/v1', 32));
}
