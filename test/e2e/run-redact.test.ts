/**
 * `devsecrets run --redact -- CMD`, end to end with real processes: every form of every
 * secret in the child's stdout and stderr becomes `[REDACTED:NAME]`, also split across
 * writes; everything else passes byte for byte, as soon as it can; stdin, the exit status,
 * signals and colour are the child's as with a plain `run`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secretForms } from '../../src/core/secret-forms.js';
import { BIN, REPO, STANDARD_MANIFEST, available, createProject, waitForExit, waitForOutput, type Project } from '../helpers/cli.js';

const hasScript = available('util-linux script', spawnSync('script', ['--version']).status === 0);

/** STANDARD_MANIFEST's secrets (a URL, a token, base64 bytes), a secret too short to redact, and non-secrets. */
const MANIFEST = {
  ...STANDARD_MANIFEST,
  vars: { ...STANDARD_MANIFEST.vars, PIN: { type: 'string', minLength: 5, maxLength: 5, secret: true } },
};
const SECRETS = ['DATABASE_URL', 'STRIPE_KEY', 'SESSION_KEY'] as const;

/**
 * Child programs. `forms.js` prints each form of each secret, labelled, to stdout, and the
 * same to stderr: verbatim, base64, base64url, hex in both cases, URL-encoded with upper- and
 * lowercase escapes, and the value inside a longer base64 text at each of the three alignments.
 */
const FILES = {
  'forms.js': `
const lines = [];
for (const name of ${JSON.stringify(SECRETS)}) {
  const value = process.env[name];
  const bytes = Buffer.from(value);
  const url = encodeURIComponent(value);
  lines.push(name + ' verbatim ' + value, name + ' base64 ' + bytes.toString('base64'), name + ' base64url ' + bytes.toString('base64url'),
    name + ' hex ' + bytes.toString('hex'), name + ' HEX ' + bytes.toString('hex').toUpperCase(),
    name + ' url ' + url, name + ' url-lower ' + url.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase()));
  for (const prefix of ['', 'x', 'xy']) lines.push(name + ' embedded' + prefix.length + ' ' + Buffer.from(prefix + value + 'and more').toString('base64'));
}
process.stdout.write(lines.join('\\n') + '\\n');
process.stderr.write(lines.join('\\n') + '\\n');
`,
  // The token split across two writes, first with a pause between them, then a byte a write.
  'split.js': `
const value = process.env.STRIPE_KEY;
process.stdout.write('key=' + value.slice(0, 11));
setTimeout(async () => {
  process.stdout.write(value.slice(11) + ';\\n');
  for (const char of value) await new Promise((resolve) => process.stdout.write(char, resolve));
  process.stdout.write(';\\n');
}, 15);
`,
  'others.js': `
process.stdout.write(['PIN=' + process.env.PIN, 'ADMIN_EMAIL=' + process.env.ADMIN_EMAIL, 'PORT=' + process.env.PORT].join('\\n') + '\\n');
`,
  'cat-file.js': "process.stdout.write(require('node:fs').readFileSync(process.argv[2]));",
  'stdin-digest.js': `
const hash = require('node:crypto').createHash('sha256');
let length = 0;
process.stdin.on('data', (chunk) => { hash.update(chunk); length += chunk.length; });
process.stdin.on('end', () => process.stdout.write(length + ' ' + hash.digest('hex') + '\\n'));
`,
  // A line, then nothing until stdin ends: the line must show before that.
  'waits.js': `
process.stdout.write('listening on 3000\\n');
process.stdin.resume();
process.stdin.on('end', () => { process.stdout.write('bye\\n'); });
`,
  // The beginning of the token with no end of line, as a prompt or a progress line may end.
  'partial.js': `
process.stdout.write('progress: ' + process.env.STRIPE_KEY.slice(0, 6));
process.stdin.resume();
process.stdin.on('end', () => process.stdout.write('\\n'));
`,
  'colour.js': `
const colours = require(${JSON.stringify(join(REPO, 'node_modules', 'picocolors'))});
process.stdout.write(colours.red('red') + ' ' + process.env.STRIPE_KEY + '\\n');
`,
  'ppid.js': "process.stdout.write(String(process.ppid) + ' ' + process.env.STRIPE_KEY + '\\n');",
};

describe('devsecrets run --redact', () => {
  let project: Project;
  let values: Record<string, string>;
  beforeAll(() => {
    project = createProject({ manifest: MANIFEST, files: FILES });
    expect(project.run(['init']).code).toBe(0);
    values = Object.fromEntries([...SECRETS, 'PIN', 'ADMIN_EMAIL', 'PORT'].map((name) => [name, project.run(['get', name]).stdout.replace(/\n$/, '')]));
    expect(values.PIN).toHaveLength(5);
  });
  afterAll(() => project.cleanup());

  /** Every form devsecrets redacts of every secret: none may appear in any output. */
  function expectNoSecret(...outputs: string[]): void {
    for (const name of SECRETS) {
      for (const form of secretForms(values[name]!, { whole: true, hex: true, minLength: 6 })) {
        for (const output of outputs) expect(output.includes(form.text), `${name} ${form.encoding} ${form.text}`).toBe(false);
      }
    }
  }

  it('replaces every form of every secret, on stdout and on stderr', () => {
    const result = project.run(['run', '--redact', '--', 'node', 'forms.js']);

    expect(result.code).toBe(0);
    expect(result.stderr).toBe(result.stdout);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(SECRETS.length * 10);
    for (const line of lines) {
      const [name, form] = line.split(' ') as [string, string];
      const marker = `[REDACTED:${name}]`;
      // In a longer base64 text only the groups the value fully covers are its own: a few characters of the text around it stay.
      if (form.startsWith('embedded')) expect(line).toMatch(new RegExp(`^${name} ${form} [A-Za-z0-9+/]{0,4}\\[REDACTED:${name}\\][A-Za-z0-9+/=]{0,16}$`));
      else expect(line).toBe(`${name} ${form} ${marker}`);
    }
    expectNoSecret(result.stdout, result.stderr);
  });

  it('replaces a secret split across writes, with a pause between them or a byte a write', () => {
    const result = project.run(['run', '--redact', '--', 'node', 'split.js']);

    expect(result.code).toBe(0);
    expect(result.stdout).toBe('key=[REDACTED:STRIPE_KEY];\n[REDACTED:STRIPE_KEY];\n');
  });

  it('leaves non-secrets and a secret under 6 characters as they are', () => {
    const result = project.run(['run', '--redact', '--', 'node', 'others.js']);

    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`PIN=${values.PIN}\nADMIN_EMAIL=${values.ADMIN_EMAIL}\nPORT=${values.PORT}\n`);
  });

  it('passes binary output holding no secret byte for byte', () => {
    const bytes = Buffer.concat([randomBytes(300_000), Buffer.alloc(1000), Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0x00, 0xe2, 0x82])]);
    writeFileSync(project.path('random.bin'), bytes);

    const result = spawnSync(process.execPath, [BIN, 'run', '--redact', '--', 'node', 'cat-file.js', 'random.bin'], { cwd: project.dir, env: project.env, maxBuffer: 16 * 1024 * 1024 });

    expect(result.status).toBe(0);
    expect(result.stdout.length).toBe(bytes.length);
    expect(Buffer.compare(result.stdout, bytes)).toBe(0);
  });

  it('leaves stdin to the child, untouched', () => {
    const input = `${values.STRIPE_KEY}\n\u0000\u0003\u0004 binary-ish input\r\n`;
    const result = project.run(['run', '--redact', '--', 'node', 'stdin-digest.js'], { input });

    expect(result.code).toBe(0);
    const bytes = Buffer.from(input);
    expect(result.stdout).toBe(`${bytes.length} ${createHash('sha256').update(bytes).digest('hex')}\n`);
  });

  it('exits with the child\'s status, and 128+N when signal N killed it', () => {
    expect(project.run(['run', '--redact', '--', 'node', '-e', 'process.stdout.write(process.env.STRIPE_KEY); process.exit(7)'])).toEqual({ code: 7, stdout: '[REDACTED:STRIPE_KEY]', stderr: '' });
    expect(project.run(['run', '--redact', '--', 'node', '-e', "process.kill(process.pid, 'SIGTERM')"]).code).toBe(143);
    expect(project.run(['run', '--redact', '--', 'node', '-e', "process.kill(process.pid, 'SIGKILL')"]).code).toBe(137);
    expect(project.run(['run', '--redact', '--', 'no-such-command-here']).code).toBe(127);
  });

  it('gives the child SIGPIPE when its output is no longer read, as a plain run does (| head)', async () => {
    const started = project.start(['run', '--redact', '--', 'yes']);
    const ended = waitForExit(started);
    await waitForOutput(started, 'y\n');
    started.stdout.destroy();

    expect((await ended).code).toBe(141);
  });

  it('stays the child\'s parent, even where a plain run becomes the child', async () => {
    const started = project.start(['run', '--redact', '--', 'node', 'ppid.js']);
    const result = await waitForExit(started);

    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${started.pid} [REDACTED:STRIPE_KEY]\n`);
  });

  it('writes a line while the child is still running, and a tail that only begins a secret after a short pause', async () => {
    const waiting = project.start(['run', '--redact', '--', 'node', 'waits.js']);
    const waited = waitForExit(waiting);
    await waitForOutput(waiting, 'listening on 3000\n');
    waiting.stdin.end();
    expect((await waited).stdout).toBe('listening on 3000\nbye\n');

    const partial = project.start(['run', '--redact', '--', 'node', 'partial.js']);
    const ended = waitForExit(partial);
    await waitForOutput(partial, `progress: ${values.STRIPE_KEY!.slice(0, 6)}`);
    partial.stdin.end();
    expect((await ended).code).toBe(0);
  });

  it('does not force colour when its stdout is not a terminal', () => {
    const result = project.run(['run', '--redact', '--', 'node', 'colour.js'], { env: { TERM: 'xterm-256color' } });

    expect(result.stdout).toBe('red [REDACTED:STRIPE_KEY]\n');
  });

  describe.skipIf(!hasScript)('in a terminal', () => {
    /** Runs `devsecrets ARGS` with stdin, stdout and stderr on a new pseudo-terminal. */
    function onTerminal(args: string[], env: Record<string, string> = {}): { code: number; screen: string } {
      const command = [process.execPath, BIN, ...args].map((word) => `'${word}'`).join(' ');
      const result = spawnSync('script', ['-qec', `exec ${command}`, '/dev/null'], { cwd: project.dir, env: { ...project.env, TERM: 'xterm-256color', ...env }, encoding: 'utf8', input: '' });
      return { code: result.status ?? -1, screen: result.stdout };
    }

    it('keeps the child\'s colours, and still redacts', () => {
      const plain = onTerminal(['run', '--', 'node', 'colour.js']);
      const redacted = onTerminal(['run', '--redact', '--', 'node', 'colour.js']);

      expect(plain.screen).toContain(`\u001b[31mred\u001b[39m ${values.STRIPE_KEY}`);
      expect(redacted.code).toBe(0);
      expect(redacted.screen).toContain('\u001b[31mred\u001b[39m [REDACTED:STRIPE_KEY]');
      expectNoSecret(redacted.screen);
    });

    it('leaves colour off when the user asked for none (NO_COLOR)', () => {
      expect(onTerminal(['run', '--redact', '--', 'node', 'colour.js'], { NO_COLOR: '1' }).screen).toContain('red [REDACTED:STRIPE_KEY]');
    });

    it('lets Ctrl-C typed in the terminal reach the child once, and writes what it printed after', async () => {
      const countSignals = `
process.on('SIGINT', () => { process.stdout.write('SIGINT ' + process.env.STRIPE_KEY + '\\n'); setTimeout(() => process.exit(3), 500); });
process.stdout.write('ready\\n');
setTimeout(() => process.exit(9), 30000);`;
      const command = [process.execPath, BIN, 'run', '--redact', '--', 'node', '-e', countSignals].map((word) => `'${word.replace(/'/g, "'\\''")}'`).join(' ');
      const terminal = spawn('script', ['-qec', `exec ${command}`, '/dev/null'], { cwd: project.dir, env: project.env, stdio: 'pipe' });
      const ended = waitForExit(terminal);
      await waitForOutput(terminal, 'ready');
      terminal.stdin.write('\u0003');
      const result = await ended;

      expect(result.code).toBe(3);
      expect(result.stdout.match(/SIGINT \[REDACTED:STRIPE_KEY\]/g)).toHaveLength(1);
      expectNoSecret(result.stdout);
    });
  });
});
