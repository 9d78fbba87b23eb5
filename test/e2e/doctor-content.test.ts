/**
 * `devsecrets doctor` reading file contents: a secret of the store committed verbatim,
 * base64- or URL-encoded is LEAKED_VALUE, a live-credential format is SECRET_PATTERN, and
 * `devsecrets:allow`, `.devsecretsignore`, binary and oversized files are passed over.
 * `--staged` judges the index's content, not the work tree's. The planted secret never
 * appears in doctor's output, in any form.
 */
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { STANDARD_MANIFEST, cleanupProjects, createProject, type Project, type RunResult } from '../helpers/cli.js';

afterEach(cleanupProjects);

interface Finding {
  code: string;
  level: string;
  message: string;
  var?: string;
  path?: string;
  fix?: string;
}

/** A valid STRIPE_KEY a person set: 32 characters with the prefix. */
const PLANTED = 'sk_test_PlantedSecret0123456789a';
const FORMS = [PLANTED, Buffer.from(PLANTED).toString('base64'), encodeURIComponent(PLANTED), 'PlantedSecret'];

function planted(): Project {
  const project = createProject({ manifest: STANDARD_MANIFEST });
  expect(project.run(['init']).code).toBe(0);
  expect(project.run(['set', 'STRIPE_KEY'], { input: PLANTED }).code).toBe(0);
  return project;
}

function git(project: Project, args: readonly string[]): void {
  const result = spawnSync('git', args, { cwd: project.dir, env: project.env, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${result.stderr}`);
}

function commitAll(project: Project): void {
  git(project, ['add', '-A']);
  git(project, ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'files']);
}

function doctor(project: Project, args: readonly string[] = []): { result: RunResult; findings: Finding[] } {
  const result = project.run(['doctor', '--json', ...args]);
  for (const form of FORMS) {
    expect(result.stdout).not.toContain(form);
    expect(result.stderr).not.toContain(form);
  }
  return { result, findings: (JSON.parse(result.stdout) as { findings: Finding[] }).findings };
}

function content(findings: readonly Finding[]): string[] {
  return findings.filter((finding) => /^(LEAKED_VALUE|SECRET_PATTERN)$/.test(finding.code)).map((finding) => finding.message);
}

describe('devsecrets doctor: secrets in tracked files', () => {
  it('LEAKED_VALUE for a committed secret verbatim, base64 (at any alignment, url-safe alphabet too) and URL-encoded (any common encoder, any hex case), naming path:line, never the value', () => {
    const project = planted();
    project.write('src/config.js', `// settings\nexport const key = '${PLANTED}';\n`);
    project.write('deploy/values.yaml', `a: 1\nb: ${Buffer.from(`x${PLANTED}`).toString('base64')}\n`);
    project.write('deploy/other.yaml', `c: ${Buffer.from(`xy${PLANTED}!`).toString('base64url')}\n`);
    const databaseUrl = project.run(['get', 'DATABASE_URL']).stdout.trim();
    expect(encodeURIComponent(databaseUrl)).not.toBe(databaseUrl);
    project.write('docs/url.md', `see https://example.test/?db=${encodeURIComponent(databaseUrl)}\n`);
    // Python's quote() keeps '/', and this one writes lowercase hex digits.
    const quoted = databaseUrl.replace(/[^A-Za-z0-9\-._~/]/g, (char) => `%${char.charCodeAt(0).toString(16).padStart(2, '0')}`);
    expect(quoted).not.toBe(encodeURIComponent(databaseUrl).toLowerCase());
    project.write('docs/quoted.py', `# db\nDB = "${quoted}"\n`);
    commitAll(project);

    const { result, findings } = doctor(project);

    expect(result.code).toBe(1);
    expect(content(findings)).toEqual([
      'the value of STRIPE_KEY appears base64-encoded in deploy/other.yaml:1',
      'the value of STRIPE_KEY appears base64-encoded in deploy/values.yaml:2',
      'the value of DATABASE_URL appears URL-encoded in docs/quoted.py:2',
      'the value of DATABASE_URL appears URL-encoded in docs/url.md:1',
      'the value of STRIPE_KEY appears in src/config.js:2',
    ]);
    expect(result.stdout + result.stderr).not.toContain(databaseUrl);
    expect(result.stdout).not.toContain(encodeURIComponent(databaseUrl));
    expect(result.stdout + result.stderr).not.toContain(quoted);
    expect(findings.find((finding) => finding.code === 'LEAKED_VALUE')).toMatchObject({ level: 'error', var: 'STRIPE_KEY', path: 'deploy/other.yaml' });
    expect(project.run(['doctor']).stderr).toContain('LEAKED_VALUE the value of STRIPE_KEY appears in src/config.js:2');
  });

  it('SECRET_PATTERN for an AWS key id and a private-key header in tracked files; a devsecrets:allow line is skipped', () => {
    const project = planted();
    project.write('infra/main.tf', 'provider "aws" {\n  access_key = "AKIAQWERTYUIOPASDFGH"\n}\n');
    project.write('docs/example.md', 'key: AKIAQWERTYUIOPASDFGH <!-- devsecrets:allow -->\n');
    project.write('certs/readme.txt', 'x\n-----BEGIN RSA PRIVATE KEY-----\n');
    project.write('src/fixture.ts', `const k = '${PLANTED}'; // devsecrets:allow\n`);
    commitAll(project);

    const { findings } = doctor(project);

    expect(findings.filter((finding) => finding.code === 'SECRET_PATTERN').map((finding) => [finding.path, finding.message])).toEqual([
      ['certs/readme.txt', 'certs/readme.txt:2 holds what looks like a private key'],
      ['infra/main.tf', 'infra/main.tf:2 holds what looks like an AWS access key id'],
    ]);
    expect(findings.filter((finding) => finding.code === 'LEAKED_VALUE')).toEqual([]);
  });

  it('.devsecretsignore (gitignore syntax) exempts files from content checks, and .gitignore rules play no part', () => {
    const project = planted();
    project.write('.devsecretsignore', 'fixtures/\n*.snap\n');
    project.write('fixtures/keys.txt', `${PLANTED}\n`);
    project.write('test/a.snap', 'AKIAQWERTYUIOPASDFGH\n');
    project.write('kept.txt', `${PLANTED}\n`);
    commitAll(project);

    const { findings } = doctor(project);

    expect(content(findings)).toEqual(['the value of STRIPE_KEY appears in kept.txt:1']);
  });

  it('binary files and files over 1 MiB are skipped and counted in one CHECK_SKIPPED note; none when there are none', () => {
    const project = planted();
    project.write('image.bin', `\0\0${PLANTED}`);
    project.write('big.txt', `${'a'.repeat(1024 * 1024)}\n${PLANTED}\n`);
    commitAll(project);

    const { result, findings } = doctor(project);

    expect(result.code).toBe(0);
    expect(content(findings)).toEqual([]);
    expect(findings.filter((finding) => finding.code === 'CHECK_SKIPPED').map((finding) => [finding.level, finding.message])).toEqual([
      ['info', 'content checks skipped 1 binary file and 1 file over 1 MiB'],
    ]);
    git(project, ['rm', '-q', 'image.bin', 'big.txt']);
    expect(doctor(project).findings.filter((finding) => finding.code === 'CHECK_SKIPPED')).toEqual([]);
  });
});

describe('devsecrets doctor --staged', () => {
  it('judges the staged content: a staged leak fixed only in the work tree is still reported', () => {
    const project = planted();
    project.write('config.js', `const key = '${PLANTED}';\n`);
    git(project, ['add', 'config.js']);
    project.write('config.js', 'const key = process.env.STRIPE_KEY;\n');

    const { result, findings } = doctor(project, ['--staged']);

    expect(result.code).toBe(1);
    expect(content(findings)).toEqual(['the value of STRIPE_KEY appears in the staged content of config.js:1']);
    expect(findings[0]?.fix).toContain('then git add -- config.js again');
    expect(content(doctor(project).findings)).toEqual([]);
  });

  it('reads .devsecretsignore from the index too: an exemption only in the work tree does not count, one staged does', () => {
    const project = planted();
    project.write('fixtures/seed.js', `export const key = '${PLANTED}';\n`);
    project.write('.devsecretsignore', 'fixtures/\n');
    git(project, ['add', 'fixtures/seed.js']);

    const unstagedRule = doctor(project, ['--staged']);

    expect(unstagedRule.result.code).toBe(1);
    expect(content(unstagedRule.findings)).toEqual(['the value of STRIPE_KEY appears in the staged content of fixtures/seed.js:1']);

    git(project, ['add', '.devsecretsignore']);
    project.write('.devsecretsignore', '# emptied, not staged\n');
    expect(doctor(project, ['--staged']).findings).toEqual([]);
  });

  it('--staged in a project below the repository root honours the staged .devsecretsignore files above it and inside it', () => {
    const project = createProject({ files: { 'app/devsecrets.json': `${JSON.stringify(STANDARD_MANIFEST)}\n` } });
    const app = { cwd: project.path('app') };
    expect(project.run(['init'], app).code).toBe(0);
    expect(project.run(['set', 'STRIPE_KEY'], { ...app, input: PLANTED }).code).toBe(0);
    project.write('.devsecretsignore', 'app/generated/\n');
    project.write('app/lib/.devsecretsignore', '*.snap\n');
    project.write('app/generated/a.js', `${PLANTED}\n`);
    project.write('app/lib/b.snap', `${PLANTED}\n`);
    project.write('app/lib/c.js', `${PLANTED}\n`);
    git(project, ['add', '-A']);

    const result = project.run(['doctor', '--json', '--staged'], app);

    expect(content((JSON.parse(result.stdout) as { findings: Finding[] }).findings)).toEqual(['the value of STRIPE_KEY appears in the staged content of lib/c.js:1']);
  });

  it('clean staged content with a leaking work-tree copy passes', () => {
    const project = planted();
    project.write('config.js', 'const key = process.env.STRIPE_KEY;\n');
    git(project, ['add', 'config.js']);
    project.write('config.js', `const key = '${PLANTED}';\n`);

    const { result, findings } = doctor(project, ['--staged']);

    expect(result.code).toBe(0);
    expect(findings).toEqual([]);
  });

  it('TRACKED_SECRET_FILE for a staged .env; only what the commit adds counts, so a missing store does not block', () => {
    const project = createProject({ manifest: STANDARD_MANIFEST });
    project.write('.env', 'X=1\n');
    project.write('app.js', 'AKIAQWERTYUIOPASDFGH\n');
    git(project, ['add', '-f', '.env', 'app.js']);

    const { result, findings } = doctor(project, ['--staged']);

    expect(result.code).toBe(1);
    expect(findings.map((finding) => [finding.code, finding.level, finding.path])).toEqual([
      ['TRACKED_SECRET_FILE', 'error', '.env'],
      ['SECRET_PATTERN', 'error', 'app.js'],
      ['CHECK_SKIPPED', 'info', undefined],
    ]);
    expect(findings[2]?.message).toBe('leaked-value check skipped: it needs a valid manifest and the store open');
  });
});
