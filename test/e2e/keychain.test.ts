// The default identity path: the OS keychain, through a real Secret Service
// (gnome-keyring in a private D-Bus session, see test/with-keyring.sh). Skipped where
// no such session is running.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openKeychain } from '../../src/adapters/keychain.js';
import { available, ROTATE_IDENTITY_FAILPOINTS, cleanupProjects, createProject, STANDARD_MANIFEST } from '../helpers/cli.js';

const bus = process.env.DBUS_SESSION_BUS_ADDRESS;

afterEach(cleanupProjects);

describe.skipIf(!available('a D-Bus session with a Secret Service (test/with-keyring.sh)', bus !== undefined))('identity in the OS keychain', () => {
  it('init stores the identity in the keychain, run reads it from there', () => {
    const project = createProject({ manifest: STANDARD_MANIFEST });
    const env = { DBUS_SESSION_BUS_ADDRESS: bus };

    const init = project.run(['init'], { env });
    expect(init.code).toBe(0);
    expect(init.stderr).toContain('identity in the OS keychain');
    expect(init.stderr).not.toContain('warning');
    const meta = JSON.parse(readFileSync(project.path('.devsecrets', 'store.json'), 'utf8')) as { identity: string };
    expect(meta.identity).toBe('keychain');
    const identities = join(project.devsecretsHome, 'identities');
    expect(existsSync(identities) ? readdirSync(identities) : []).toEqual([]);

    const run = project.run(['run', '--', 'node', '-e', 'process.stdout.write(process.env.STRIPE_KEY)'], { env });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^sk_test_/);
  });

  it('a keychain store cannot be opened with DEVSECRETS_KEYCHAIN=off or without D-Bus', () => {
    const project = createProject({ manifest: STANDARD_MANIFEST });
    expect(project.run(['init'], { env: { DBUS_SESSION_BUS_ADDRESS: bus } }).code).toBe(0);

    const off = project.run(['run', '--', 'true'], { env: { DBUS_SESSION_BUS_ADDRESS: bus, DEVSECRETS_KEYCHAIN: 'off' } });
    expect(off.code).toBe(4);
    expect(off.stderr).toContain('DEVSECRETS_KEYCHAIN=off');
    expect(off.stderr).toMatch(/devsecrets: hint: /);

    const noBus = project.run(['run', '--', 'true']);
    expect(noBus.code).toBe(4);
    expect(noBus.stderr).toContain('no keychain answered');
  });

  it('init --force replaces the keychain entry and deletes the old one', async () => {
    const project = createProject({ manifest: STANDARD_MANIFEST });
    const env = { DBUS_SESSION_BUS_ADDRESS: bus };
    expect(project.run(['init'], { env }).code).toBe(0);
    const before = JSON.parse(readFileSync(project.path('.devsecrets', 'store.json'), 'utf8')) as { storeId: string };
    expect(project.run(['init', '--force', '--yes'], { env }).code).toBe(0);
    const after = JSON.parse(readFileSync(project.path('.devsecrets', 'store.json'), 'utf8')) as { storeId: string };
    expect(after.storeId).not.toBe(before.storeId);
    expect(project.run(['ls'], { env }).code).toBe(0);
    const keychain = await openKeychain();
    expect(keychain).toBeDefined();
    expect(await keychain!.get(before.storeId)).toBeUndefined();
    expect(await keychain!.get(after.storeId)).toMatch(/^AGE-SECRET-KEY-1/);
    await keychain!.delete(after.storeId);
  });

  it('destroy refuses (exit 4) before deleting anything when the keychain does not answer, then deletes the entry and a pending one', async () => {
    const project = createProject({ manifest: STANDARD_MANIFEST });
    const env = { DBUS_SESSION_BUS_ADDRESS: bus };
    expect(project.run(['init'], { env }).code).toBe(0);
    const { storeId } = JSON.parse(readFileSync(project.path('.devsecrets', 'store.json'), 'utf8')) as { storeId: string };
    // An interrupted rotation leaves its new identity parked beside the old one.
    expect(project.run(['rotate', '--identity'], { env: { ...env, DEVSECRETS_FAILPOINT: 'rotate-identity:pending-saved' } }).code).toBe(128 + 9);
    const keychain = await openKeychain();
    expect(await keychain!.get(`${storeId}-next`)).toMatch(/^AGE-SECRET-KEY-1/);
    const log = project.read('.devsecrets', 'audit.log');

    for (const [extra, message, hint] of [
      [{}, 'no keychain answered; nothing was deleted', 'unlock your keychain'],
      [{ ...env, DEVSECRETS_KEYCHAIN: 'off' }, 'DEVSECRETS_KEYCHAIN=off; nothing was deleted', 'unset DEVSECRETS_KEYCHAIN'],
    ] as const) {
      const refused = project.run(['destroy', '--yes'], { env: extra });
      expect(refused.code).toBe(4);
      expect(refused.stderr).toContain("devsecrets: error: this store's identity is in the OS keychain");
      expect(refused.stderr).toContain(message);
      expect(refused.stderr).toContain(`devsecrets: hint: ${hint}`);
      expect(existsSync(project.path('.devsecrets', 'store.age'))).toBe(true);
      expect(existsSync(project.path('.devsecrets', 'store.json'))).toBe(true);
      expect(project.read('.devsecrets', 'audit.log')).toBe(log);
      expect(await keychain!.get(storeId)).toMatch(/^AGE-SECRET-KEY-1/);
    }

    const destroyed = project.run(['destroy', '--yes'], { env });
    expect(destroyed.code, destroyed.stderr).toBe(0);
    expect(destroyed.stderr).toContain('its identity in the OS keychain, and the new identity an interrupted rotate --identity left');
    expect(existsSync(project.path('.devsecrets', 'store.age'))).toBe(false);
    expect(await keychain!.get(storeId)).toBeUndefined();
    expect(await keychain!.get(`${storeId}-next`)).toBeUndefined();
  });

  it.each(ROTATE_IDENTITY_FAILPOINTS)('rotate --identity killed at %s leaves a store the keychain opens, and a later rotation finishes the job', async (step) => {
    const project = createProject({ manifest: STANDARD_MANIFEST });
    const env = { DBUS_SESSION_BUS_ADDRESS: bus };
    const planted = 'sk_test_KEYCHAINkeychainKEYCHAIN';
    expect(project.run(['init'], { env }).code).toBe(0);
    expect(project.run(['set', 'STRIPE_KEY'], { input: planted, env }).code).toBe(0);
    const { storeId } = JSON.parse(readFileSync(project.path('.devsecrets', 'store.json'), 'utf8')) as { storeId: string };
    const keychain = await openKeychain();
    const oldIdentity = project.path('old-identity.txt');
    writeFileSync(oldIdentity, `${await keychain!.get(storeId)}\n`, { mode: 0o600 });

    const killed = project.run(['rotate', '--identity'], { env: { ...env, DEVSECRETS_FAILPOINT: step } });

    expect(killed.code).toBe(128 + 9);
    expect(project.run(['get', 'STRIPE_KEY'], { env }).stdout).toBe(`${planted}\n`);
    expect(project.run(['run', '--', 'true'], { env }).code).toBe(0);
    expect(project.run(['set', 'API_TIMEOUT', '42'], { env }).code).toBe(0);
    expect(project.run(['get', 'API_TIMEOUT'], { env }).stdout).toBe('42\n');

    const again = project.run(['rotate', '--identity'], { env });
    expect(again.code, again.stderr).toBe(0);
    expect(project.run(['get', 'STRIPE_KEY'], { env }).stdout).toBe(`${planted}\n`);
    expect(await keychain!.get(`${storeId}-next`)).toBeUndefined();
    expect(project.run(['get', 'PORT'], { env: { DEVSECRETS_IDENTITY_FILE: oldIdentity } }).code).toBe(4);
    expect(project.run(['audit', '--verify'], { env }).code).toBe(0);
    await keychain!.delete(storeId);
  });

  it('rotate --identity replaces the keychain entry and leaves no pending one', async () => {
    const project = createProject({ manifest: STANDARD_MANIFEST });
    const env = { DBUS_SESSION_BUS_ADDRESS: bus };
    expect(project.run(['init'], { env }).code).toBe(0);
    const { storeId } = JSON.parse(readFileSync(project.path('.devsecrets', 'store.json'), 'utf8')) as { storeId: string };
    const keychain = await openKeychain();
    const before = await keychain!.get(storeId);

    const result = project.run(['rotate', '--identity'], { env });

    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('in the OS keychain');
    const after = await keychain!.get(storeId);
    expect(after).toMatch(/^AGE-SECRET-KEY-1/);
    expect(after).not.toBe(before);
    expect(await keychain!.get(`${storeId}-next`)).toBeUndefined();
    expect(project.run(['run', '--', 'true'], { env }).code).toBe(0);
    await keychain!.delete(storeId);
  });
});
