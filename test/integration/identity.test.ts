import { execFileSync } from 'node:child_process';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encrypt, generateKeyPair } from '../../src/adapters/age-cipher.js';
import {
  deleteIdentityFile,
  fallbackIdentityPath,
  identityHome,
  readIdentityFile,
  writeIdentityFile,
} from '../../src/adapters/identity-file.js';
import { DevsecretsError } from '../../src/core/errors.js';
import { modeOf, rejection, useTmpDir } from '../helpers/tmp.js';

const tmp = useTmpDir();


describe('identity home', () => {
  it('prefers DEVSECRETS_HOME, then XDG_CONFIG_HOME, then ~/.config', () => {
    expect(identityHome({ DEVSECRETS_HOME: '/secure/ds', XDG_CONFIG_HOME: '/xdg', HOME: '/home/u' })).toBe('/secure/ds');
    expect(identityHome({ XDG_CONFIG_HOME: '/xdg', HOME: '/home/u' })).toBe('/xdg/devsecrets');
    expect(identityHome({ HOME: '/home/u' })).toBe('/home/u/.config/devsecrets');
  });

  it('treats empty variables as unset and ignores a relative XDG_CONFIG_HOME', () => {
    expect(identityHome({ DEVSECRETS_HOME: '', XDG_CONFIG_HOME: '', HOME: '/home/u' })).toBe('/home/u/.config/devsecrets');
    expect(identityHome({ XDG_CONFIG_HOME: 'relative/config', HOME: '/home/u' })).toBe('/home/u/.config/devsecrets');
    expect(identityHome({})).toBe(join(homedir(), '.config', 'devsecrets'));
  });

  it('keeps fallback identities under <home>/identities/<store id>.txt', () => {
    expect(fallbackIdentityPath({ DEVSECRETS_HOME: '/ds' }, 'c0ffee-01')).toBe('/ds/identities/c0ffee-01.txt');
  });

  it('refuses store ids that would escape the identities folder', () => {
    for (const storeId of ['../../.ssh/id', 'a/b', '', '..']) {
      expect(() => fallbackIdentityPath({ DEVSECRETS_HOME: '/ds' }, storeId)).toThrow(DevsecretsError);
    }
  });
});

describe('identity files', () => {
  it('writes age-keygen format that the age CLI reads', async () => {
    const pair = await generateKeyPair();
    const path = join(tmp(), 'identities', 'store-1.txt');
    await writeIdentityFile(path, pair, new Date('2025-03-04T05:06:07.890Z'));
    expect(await readFile(path, 'utf8')).toBe(
      `# created: 2025-03-04T05:06:07Z\n# public key: ${pair.recipient}\n${pair.identity}\n`,
    );
    expect(execFileSync('age-keygen', ['-y', path], { encoding: 'utf8' }).trim()).toBe(pair.recipient);
    const ciphertext = await encrypt(Buffer.from('{"ok":true}'), pair.recipient);
    expect(execFileSync('age', ['-d', '-i', path], { input: ciphertext, encoding: 'utf8' })).toBe('{"ok":true}');
  });

  it('creates the file 0600 and missing folders 0700', async () => {
    const home = join(tmp(), 'home');
    const path = fallbackIdentityPath({ DEVSECRETS_HOME: home }, 'store-1');
    await writeIdentityFile(path, await generateKeyPair());
    expect(await modeOf(path)).toBe(0o600);
    expect(await modeOf(join(home, 'identities'))).toBe(0o700);
    expect(await modeOf(home)).toBe(0o700);
  });

  it('never overwrites an existing identity', async () => {
    const path = join(tmp(), 'id.txt');
    const first = await generateKeyPair();
    await writeIdentityFile(path, first);
    const error = await rejection(writeIdentityFile(path, await generateKeyPair()));
    expect(error.code).toBe('FAILURE');
    expect(error.message).toBe(`identity file ${path} already exists`);
    expect(await readIdentityFile(path)).toBe(first.identity);
  });

  it('refuses a pair whose recipient does not match', async () => {
    const path = join(tmp(), 'id.txt');
    const pair = { identity: (await generateKeyPair()).identity, recipient: (await generateKeyPair()).recipient };
    expect((await rejection(writeIdentityFile(path, pair))).code).toBe('IDENTITY_MISSING');
    await expect(stat(path)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('reads our files and age-keygen files', async () => {
    const pair = await generateKeyPair();
    const ours = join(tmp(), 'ours.txt');
    await writeIdentityFile(ours, pair);
    expect(await readIdentityFile(ours)).toBe(pair.identity);

    const theirs = join(tmp(), 'theirs.txt');
    execFileSync('age-keygen', ['-o', theirs], { stdio: 'pipe' });
    const text = await readFile(theirs, 'utf8');
    expect(await readIdentityFile(theirs)).toBe(text.split('\n').find((line) => line.startsWith('AGE-SECRET-KEY-1')));
  });

  it('ignores comments, blank lines and CRLF line ends', async () => {
    const { identity } = await generateKeyPair();
    const path = join(tmp(), 'id.txt');
    await writeFile(path, `# a comment\r\n\r\n   \r\n${identity}\r\n`, { mode: 0o600 });
    expect(await readIdentityFile(path)).toBe(identity);
  });

  it('reports a missing file with a hint', async () => {
    const path = join(tmp(), 'nope.txt');
    const error = await rejection(readIdentityFile(path));
    expect(error.code).toBe('IDENTITY_MISSING');
    expect(error.message).toBe(`no identity file at ${path}`);
    expect(error.hint).toBeTruthy();
    expect(error.exitCode).toBe(4);
  });

  it.each([0o644, 0o640, 0o604, 0o620, 0o660])('refuses a file with mode %o, like ssh', async (mode) => {
    const path = join(tmp(), 'id.txt');
    await writeIdentityFile(path, await generateKeyPair());
    await chmod(path, mode);
    const error = await rejection(readIdentityFile(path));
    expect(error.code).toBe('FILE_PERMISSIONS');
    expect(error.message).toBe(`identity file ${path} is readable by others`);
    expect(error.hint).toBe(`chmod 600 ${path}`);
  });

  it('quotes odd paths in the chmod hint', async () => {
    const dir = join(tmp(), "it's here");
    await mkdir(dir);
    const path = join(dir, 'id.txt');
    await writeIdentityFile(path, await generateKeyPair());
    await chmod(path, 0o644);
    expect((await rejection(readIdentityFile(path))).hint).toBe(`chmod 600 '${dir.replace("'", "'\\''")}/id.txt'`);
  });

  it('refuses files without a valid X25519 identity, never echoing the content', async () => {
    const { identity } = await generateKeyPair();
    const broken = `${identity.slice(0, -1)}${identity.endsWith('Q') ? 'P' : 'Q'}`;
    const cases = {
      'empty.txt': '',
      'comments.txt': '# public key: age1xyz\n',
      'pq.txt': 'AGE-SECRET-KEY-PQ-1QQQQ\n',
      'checksum.txt': `${broken}\n`,
    };
    for (const [name, content] of Object.entries(cases)) {
      const path = join(tmp(), name);
      await writeFile(path, content, { mode: 0o600 });
      const error = await rejection(readIdentityFile(path));
      expect(error.code).toBe('IDENTITY_MISSING');
      expect(`${error.message} ${error.hint ?? ''}`).not.toContain(broken.slice(16));
    }
  });

  it('refuses a folder in place of the file', async () => {
    const path = join(tmp(), 'id.txt');
    await mkdir(path, { mode: 0o700 });
    expect((await rejection(readIdentityFile(path))).code).toBe('IDENTITY_MISSING');
  });

  it('deletes identity files', async () => {
    const path = join(tmp(), 'id.txt');
    await writeIdentityFile(path, await generateKeyPair());
    expect(await deleteIdentityFile(path)).toBe(true);
    expect(await deleteIdentityFile(path)).toBe(false);
  });
});
