/**
 * The real Secret Service runs only when a D-Bus session is present. Locally:
 *   dbus-run-session -- sh -c 'echo | gnome-keyring-daemon --unlock --components=secrets >/dev/null; npx vitest run test/integration/keychain.test.ts'
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { generateKeyPair } from '../../src/adapters/age-cipher.js';
import { available } from '../helpers/cli.js';
import { openKeychain } from '../../src/adapters/keychain.js';
import { bundleForChild, useTmpDir } from '../helpers/tmp.js';

const tmp = useTmpDir();

describe.skipIf(process.platform !== 'linux')('keychain probing on Linux', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  // A probe that waited out its timeout would outlast the test's own.
  it('reports no keychain at once when there is no D-Bus session', { timeout: 10_000 }, async () => {
    vi.stubEnv('DBUS_SESSION_BUS_ADDRESS', undefined);
    expect(await openKeychain({ timeoutMs: 600_000 })).toBeUndefined();
  });

  it('gives up on a bus that never answers, and lets the process exit', async () => {
    const dir = tmp();
    const bundle = await bundleForChild('adapters/keychain', dir);
    const script = join(dir, 'probe.mjs');
    await writeFile(
      script,
      `import { openKeychain } from ${JSON.stringify(bundle)};
       const keychain = await openKeychain({ timeoutMs: 500 });
       process.stdout.write(JSON.stringify({ available: keychain !== undefined }));`,
    );
    const silent: Socket[] = [];
    const bus = createServer((socket) => silent.push(socket));
    const socketPath = join(dir, 'bus.sock');
    bus.listen(socketPath);
    await once(bus, 'listening');
    try {
      const child = spawn(process.execPath, [script], {
        env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: `unix:path=${socketPath}` },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      const [code] = await once(child, 'exit');
      expect(code).toBe(0);
      expect(JSON.parse(output)).toEqual({ available: false });
    } finally {
      for (const socket of silent) socket.destroy();
      bus.close();
    }
  });
});

describe.skipIf(!available('a D-Bus session with a Secret Service (test/with-keyring.sh)', process.env.DBUS_SESSION_BUS_ADDRESS !== undefined))('the real OS keychain', () => {
  it('stores, reads and deletes an identity under service devsecrets', async () => {
    const keychain = await openKeychain();
    expect(keychain).toBeDefined();
    if (keychain === undefined) return;
    const storeId = `test-${randomUUID()}`;
    const { identity } = await generateKeyPair();
    try {
      expect(await keychain.get(storeId)).toBeUndefined();
      await keychain.set(storeId, identity);
      expect(await keychain.get(storeId)).toBe(identity);
      const replacement = (await generateKeyPair()).identity;
      await keychain.set(storeId, replacement);
      expect(await keychain.get(storeId)).toBe(replacement);
      // Read back through keytar itself, behind devsecrets' adapter (a variable: keytar's types may be absent).
      const keytarModule: string = 'keytar';
      const keytar = ((await import(keytarModule)) as { default: { getPassword(service: string, account: string): Promise<string | null> } }).default;
      expect(await keytar.getPassword('devsecrets', storeId)).toBe(replacement);
    } finally {
      await keychain.delete(storeId);
    }
    expect(await keychain.get(storeId)).toBeUndefined();
    expect(await keychain.delete(storeId)).toBe(false);
  });
});
