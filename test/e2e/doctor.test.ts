/**
 * `devsecrets doctor` end to end: every finding code from a real scenario in a fresh temp
 * repository, exit 0 only without errors, one JSON document with --json, nothing written,
 * no value ever printed, and .gitignore verdicts that agree with `git check-ignore` on a
 * corpus of tricky ignore setups.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { STANDARD_MANIFEST, cleanupProjects, createProject, listFiles, type Project, type RunResult, initialisedProject } from '../helpers/cli.js';

afterEach(cleanupProjects);

interface Finding {
  code: string;
  level: 'error' | 'warn' | 'info';
  message: string;
  var?: string;
  path?: string;
  fix?: string;
}

interface Report {
  ok: boolean;
  findings: Finding[];
}

/** A valid 32-character token a person might paste: not a devsecrets fake. */
const PASTED_TOKEN = 'sk_test_PastedByAPerson012345678';

/** Runs `doctor --json`; the document is the whole of stdout. */
function doctor(project: Project, env?: Record<string, string | undefined>): { result: RunResult; report: Report } {
  const result = project.run(['doctor', '--json'], env === undefined ? {} : { env });
  const report = JSON.parse(result.stdout) as Report;
  expect(result.code, result.stderr).toBe(report.ok ? 0 : 1);
  return { result, report };
}

function find(report: Report, code: string): Finding[] {
  return report.findings.filter((finding) => finding.code === code);
}

function git(project: Project, args: readonly string[]): string {
  const result = spawnSync('git', args, { cwd: project.dir, env: project.env, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

/** Removes the devsecrets block (and, with `selfIgnore`, `.devsecrets/.gitignore` too). */
function dropIgnoreRules(project: Project, selfIgnore = false): void {
  writeFileSync(project.path('.gitignore'), '');
  if (selfIgnore) unlinkSync(project.path('.devsecrets', '.gitignore'));
}

describe('devsecrets doctor on a healthy project', () => {
  it('finds nothing after init: exit 0, "no problems found" on stderr, nothing on stdout', () => {
    const project = initialisedProject();

    const result = project.run(['doctor']);

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('devsecrets: no problems found\n');
  });

  it('--json prints exactly one document: {"ok": true, "findings": []}', () => {
    const project = initialisedProject();

    const result = project.run(['doctor', '--json']);

    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ ok: true, findings: [] });
    expect(result.stderr).toBe('');
  });

  it('writes nothing: every file under the project and DEVSECRETS_HOME is unchanged', () => {
    const project = initialisedProject();
    dropIgnoreRules(project);
    project.write('.env', 'DATABASE_URL=x\n');
    const snapshot = (): string[] => [project.dir, project.devsecretsHome].flatMap((root) =>
      listFiles(root).map((path) => `${relative(root, path)} ${statSync(path).mtimeMs} ${statSync(path).mode} ${readFileSync(path, 'base64')}`));
    const before = snapshot();

    doctor(project);
    project.run(['doctor']);

    expect(snapshot()).toEqual(before);
  });
});

describe('devsecrets doctor: manifest and store', () => {
  it('MANIFEST_INVALID for an invalid manifest: exit 1 (a finding, not a crash); store and git checks still run', () => {
    const project = initialisedProject();
    project.writeManifest({ vars: { PORT: { type: 'no-such-type' } } });
    dropIgnoreRules(project);

    const { report } = doctor(project);

    expect(report.ok).toBe(false);
    expect(find(report, 'MANIFEST_INVALID')[0]).toMatchObject({ level: 'error', path: 'devsecrets.json', fix: 'fix devsecrets.json' });
    expect(find(report, 'GITIGNORE_UNCOVERED').map((finding) => finding.path)).toContain('.env');
    expect(find(report, 'CHECK_SKIPPED')[0]?.message).toContain('they need a valid manifest');
  });

  it('MANIFEST_INVALID when there is no manifest at all, with init as the fix', () => {
    const project = createProject();

    const { report } = doctor(project);

    expect(find(report, 'MANIFEST_INVALID')[0]?.fix).toContain('devsecrets init');
    expect(find(report, 'STORE_MISSING')).toHaveLength(1);
  });

  it('STORE_MISSING when the store was deleted, with init as the fix', () => {
    const project = initialisedProject();
    unlinkSync(project.path('.devsecrets', 'store.age'));

    const result = project.run(['doctor']);

    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('devsecrets: 1 error\n');
    expect(result.stderr).toContain('devsecrets:   STORE_MISSING no store at .devsecrets/store.age (fix: devsecrets init)');
    expect(result.stderr).toContain('devsecrets: 1 note\n');
    expect(result.stderr).toContain('CHECK_SKIPPED drift and value checks skipped');
  });

  it('STORE_UNREADABLE when the store is corrupt', () => {
    const project = initialisedProject();
    const bytes = readFileSync(project.path('.devsecrets', 'store.age'));
    bytes[bytes.length - 20]! ^= 0xff;
    writeFileSync(project.path('.devsecrets', 'store.age'), bytes);

    const { report } = doctor(project);

    expect(find(report, 'STORE_UNREADABLE')).toEqual([expect.objectContaining({ level: 'error', message: 'store is corrupt or has been tampered with' })]);
  });

  it('IDENTITY_MISSING when the identity file was deleted', () => {
    const project = initialisedProject();
    unlinkSync(project.identityFile());

    const { report } = doctor(project);

    expect(find(report, 'IDENTITY_MISSING')).toEqual([expect.objectContaining({ level: 'error', message: `no identity file at ${project.identityFile()}` })]);
  });

  it('IDENTITY_MISSING when a keychain store meets DEVSECRETS_KEYCHAIN=off', () => {
    const project = initialisedProject();
    const metaPath = project.path('.devsecrets', 'store.json');
    const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as Record<string, unknown>;
    writeFileSync(metaPath, JSON.stringify({ ...meta, identity: 'keychain' }));

    const { report } = doctor(project, { DEVSECRETS_KEYCHAIN: 'off' });

    expect(find(report, 'IDENTITY_MISSING')[0]?.message).toContain('DEVSECRETS_KEYCHAIN=off');
  });

  it('STORE_EXPIRED once the manifest ttl has passed, fixed by rotate', async () => {
    const project = initialisedProject({ ...STANDARD_MANIFEST, ttl: '1s' });
    await new Promise((resolve) => setTimeout(resolve, 1100));

    const { report } = doctor(project);

    expect(find(report, 'STORE_EXPIRED')).toEqual([expect.objectContaining({ level: 'error', fix: 'devsecrets rotate' })]);
    expect(find(report, 'STORE_EXPIRED')[0]?.message).toMatch(/^the store expired on \d{4}-/);
  });
});

describe('devsecrets doctor: drift', () => {
  it('DRIFT_MISSING_VAR for a variable added to the manifest; the changed content is DRIFT_MANIFEST_VERSION (warn)', () => {
    const project = initialisedProject();
    project.writeManifest({ ...STANDARD_MANIFEST, vars: { ...STANDARD_MANIFEST.vars, WEBHOOK_SECRET: { type: 'token', length: 24, secret: true } } });

    const { report } = doctor(project);

    expect(find(report, 'DRIFT_MISSING_VAR')).toEqual([expect.objectContaining({ level: 'error', var: 'WEBHOOK_SECRET', fix: 'devsecrets sync' })]);
    expect(find(report, 'DRIFT_MANIFEST_VERSION')).toEqual([expect.objectContaining({ level: 'warn', fix: 'devsecrets sync' })]);
    expect(project.run(['sync']).code).toBe(0);
    expect(doctor(project).report).toEqual({ ok: true, findings: [] });
  });

  it('DRIFT_EXTRA_VAR (warn, exit 0) for a variable removed from the manifest', () => {
    const project = initialisedProject();
    const { ADMIN_EMAIL: _removed, ...vars } = STANDARD_MANIFEST.vars;
    project.writeManifest({ ...STANDARD_MANIFEST, vars });

    const { result, report } = doctor(project);

    expect(result.code).toBe(0);
    expect(find(report, 'DRIFT_EXTRA_VAR')).toEqual([expect.objectContaining({ level: 'warn', var: 'ADMIN_EMAIL' })]);
  });

  it('DRIFT_MANIFEST_VERSION (error) when the manifest version was bumped', () => {
    const project = initialisedProject();
    project.writeManifest({ ...STANDARD_MANIFEST, version: 2 });

    const { report } = doctor(project);

    expect(find(report, 'DRIFT_MANIFEST_VERSION')).toEqual([expect.objectContaining({
      level: 'error', message: 'the store was synced with manifest version 1; the manifest is now version 2', fix: 'devsecrets sync',
    })]);
  });

  it('DRIFT_INVALID_VALUE when the manifest became stricter than a stored value', () => {
    const project = initialisedProject();
    expect(project.run(['set', 'API_TIMEOUT', '90']).code).toBe(0);
    project.writeManifest({ ...STANDARD_MANIFEST, vars: { ...STANDARD_MANIFEST.vars, API_TIMEOUT: { type: 'int', min: 1, max: 60 } } });

    const { result, report } = doctor(project);

    expect(find(report, 'DRIFT_INVALID_VALUE')).toEqual([expect.objectContaining({ level: 'error', var: 'API_TIMEOUT', fix: 'devsecrets set API_TIMEOUT' })]);
    expect(result.stdout).not.toContain('90');
  });
});

describe('devsecrets doctor: value trust', () => {
  it('UNVERIFIED_VALUE (warn, exit 0) for a secret a person set', () => {
    const project = initialisedProject();
    expect(project.run(['set', 'STRIPE_KEY'], { input: PASTED_TOKEN }).code).toBe(0);

    const { result, report } = doctor(project);

    expect(result.code).toBe(0);
    expect(find(report, 'UNVERIFIED_VALUE')).toEqual([expect.objectContaining({ level: 'warn', var: 'STRIPE_KEY' })]);
    expect(find(report, 'UNVERIFIED_VALUE')[0]?.fix).toContain('devsecrets rotate STRIPE_KEY');
  });

  it('INSECURE_VALUE (error) for a value that a forbid rule added later matches', () => {
    const project = initialisedProject();
    expect(project.run(['set', 'STRIPE_KEY'], { input: PASTED_TOKEN }).code).toBe(0);
    project.writeManifest({ ...STANDARD_MANIFEST, forbid: [...STANDARD_MANIFEST.forbid, '/PastedByAPerson/'] });

    const { result, report } = doctor(project);

    expect(find(report, 'INSECURE_VALUE')).toEqual([expect.objectContaining({
      level: 'error', var: 'STRIPE_KEY', message: "STRIPE_KEY: matches the manifest's forbid rule /PastedByAPerson/",
    })]);
    expect(find(report, 'UNVERIFIED_VALUE')).toEqual([]);
    expect(project.run(['run', '--', 'true']).code).toBe(3);
    expect(result.stdout).not.toContain(PASTED_TOKEN);
  });
});

describe('devsecrets doctor: hygiene', () => {
  it('FILE_PERMISSIONS: a warning for store.age at 0644, an error for the identity file at 0644', () => {
    const project = initialisedProject();
    chmodSync(project.path('.devsecrets', 'store.age'), 0o644);

    const store = doctor(project);
    expect(store.result.code).toBe(0);
    expect(find(store.report, 'FILE_PERMISSIONS')).toEqual([{
      code: 'FILE_PERMISSIONS', level: 'warn', path: '.devsecrets/store.age',
      message: '.devsecrets/store.age has mode 0644, looser than 0600', fix: 'chmod 600 .devsecrets/store.age',
    }]);

    chmodSync(project.identityFile(), 0o644);
    const identity = doctor(project);
    expect(find(identity.report, 'FILE_PERMISSIONS').map((finding) => [finding.level, finding.path])).toEqual([
      ['warn', '.devsecrets/store.age'],
      ['error', project.identityFile()],
    ]);
  });

  it('FILE_PERMISSIONS (warn) for an identity folder looser than 0700', () => {
    const project = initialisedProject();
    chmodSync(join(project.devsecretsHome, 'identities'), 0o755);

    const { report } = doctor(project);

    expect(find(report, 'FILE_PERMISSIONS')).toEqual([expect.objectContaining({ level: 'warn', path: join(project.devsecretsHome, 'identities'), fix: `chmod 700 ${join(project.devsecretsHome, 'identities')}` })]);
  });

  it('ENV_FILE_SHADOW (warn) for a .env that defines a manifest variable', () => {
    const project = initialisedProject();
    project.write('.env', 'DATABASE_URL=postgresql://app:Shadowed-Passw0rd@localhost/app\nOTHER=1\n');

    const { result, report } = doctor(project);

    expect(find(report, 'ENV_FILE_SHADOW')).toEqual([expect.objectContaining({ level: 'warn', var: 'DATABASE_URL', path: '.env' })]);
    expect(result.stdout).not.toContain('Shadowed');
  });

  it('ENV_FILE_SHADOW (warn) for nested env files too, ignored or not, inside an ignored folder too; never for an example or node_modules', () => {
    const project = initialisedProject();
    project.write('.gitignore', `${project.read('.gitignore')}build/\n`);
    project.write('apps/web/.env', 'STRIPE_KEY=sk_test_ShadowedShadowedShadowed12\n');
    project.write('apps/api/.env.local', 'PORT=4000\nUNRELATED=1\n');
    project.write('build/.env', 'LOG_LEVEL=debug\n');
    project.write('apps/web/.env.example', 'DATABASE_URL=\n');
    project.write('node_modules/pkg/.env', 'DATABASE_URL=x\n');

    const { result, report } = doctor(project);

    expect(find(report, 'ENV_FILE_SHADOW').map((finding) => `${finding.path}:${finding.var}`).sort()).toEqual(['apps/api/.env.local:PORT', 'apps/web/.env:STRIPE_KEY', 'build/.env:LOG_LEVEL']);
    expect(find(report, 'ENV_FILE_SHADOW').find((finding) => finding.var === 'STRIPE_KEY')?.fix).toBe('remove STRIPE_KEY from apps/web/.env, or move the file into the store with devsecrets import apps/web/.env --delete');
    expect(result.stdout).not.toContain('Shadowed');
  });

  it('ENV_CASE_CONFLICT (warn) for an inherited database_url when the manifest has DATABASE_URL', () => {
    const project = initialisedProject();

    const { report } = doctor(project, { database_url: 'postgresql://x' });

    expect(find(report, 'ENV_CASE_CONFLICT')).toEqual([expect.objectContaining({ level: 'warn', var: 'DATABASE_URL', fix: 'rename database_url to DATABASE_URL' })]);
  });
});

describe('devsecrets doctor: git', () => {
  it('GITIGNORE_UNCOVERED for .env (and the rules that must exist before .env.* files appear) without the devsecrets block', () => {
    const project = initialisedProject();
    dropIgnoreRules(project);

    const { report } = doctor(project);

    // .devsecrets/ still ignores itself with its own .gitignore, and git says so.
    expect(find(report, 'GITIGNORE_UNCOVERED').map((finding) => finding.path)).toEqual(['.env', '.env.local', '.env.development.local']);
    expect(find(report, 'GITIGNORE_UNCOVERED')[0]?.fix).toBe('devsecrets init restores the devsecrets block in .gitignore, or add .env to it');
    expect(project.run(['init']).code).toBe(0);
    expect(doctor(project).report).toEqual({ ok: true, findings: [] });
  });

  it('GITIGNORE_UNCOVERED for .devsecrets/ once its self-ignore is gone too', () => {
    const project = initialisedProject();
    dropIgnoreRules(project, true);

    const { report } = doctor(project);

    expect(find(report, 'GITIGNORE_UNCOVERED').map((finding) => finding.path)).toContain('.devsecrets/');
  });

  it('GITIGNORE_UNCOVERED for a .env re-included by a negation in a nested .gitignore, naming the rule', () => {
    const project = initialisedProject();
    project.write('services/api/.gitignore', '!.env\n');
    project.write('services/api/.env', 'X=1\n');

    const { report } = doctor(project);

    expect(find(report, 'GITIGNORE_UNCOVERED')).toEqual([expect.objectContaining({
      path: 'services/api/.env',
      message: 'services/api/.env is not ignored: services/api/.gitignore:1 re-includes it with !.env',
      fix: 'remove !.env from services/api/.gitignore',
    })]);
  });

  it('.git/info/exclude counts: a rule there covers a key file, a negation there does not beat .gitignore', () => {
    const project = initialisedProject();
    project.write('deploy/server.pem', 'not really a key\n');
    writeFileSync(project.path('.git', 'info', 'exclude'), '*.pem\n!.env\n');

    const { report } = doctor(project);

    expect(report).toEqual({ ok: true, findings: [] });
  });

  it('GITIGNORE_UNCOVERED for an untracked server.pem nobody ignores', () => {
    const project = initialisedProject();
    project.write('server.pem', 'not really a key\n');

    const { report } = doctor(project);

    expect(find(report, 'GITIGNORE_UNCOVERED')).toEqual([expect.objectContaining({ path: 'server.pem', fix: 'add /server.pem to .gitignore' })]);
  });

  it('EXAMPLE_IGNORED (warn) for a .env.example hidden by a .env* rule', () => {
    const project = initialisedProject();
    project.write('.gitignore', '.env*\n.devsecrets/\n');
    project.write('.env.example', 'DATABASE_URL=\n');

    const { result, report } = doctor(project);

    expect(result.code).toBe(0);
    expect(find(report, 'EXAMPLE_IGNORED')).toEqual([{
      code: 'EXAMPLE_IGNORED', level: 'warn', path: '.env.example',
      message: '.env.example is ignored by .gitignore:1 (.env*), but the team needs it committed',
      fix: 'add !/.env.example to .gitignore after line 1',
    }]);
  });

  it('EXAMPLE_IGNORED for an example inside a wholly ignored folder, which a negation alone cannot re-include', () => {
    const project = initialisedProject();
    project.write('.gitignore', `${project.read('.gitignore')}config/\nbuild/\nnode_modules/\n`);
    project.write('config/.env.example', 'PORT=\n');
    project.write('build/deep/.env.staging.example', 'PORT=\n');
    project.write('node_modules/pkg/.env.example', 'PORT=\n');

    const { result, report } = doctor(project);

    expect(result.code).toBe(0);
    expect(find(report, 'EXAMPLE_IGNORED').map((finding) => [finding.path, finding.message, finding.fix])).toEqual([
      ['build/deep/.env.staging.example', expect.stringMatching(/^build\/deep\/\.env\.staging\.example is ignored by \.gitignore:\d+ \(build\/\)/), expect.stringMatching(/^git never re-includes a file inside an ignored folder: change \.gitignore:\d+ \(build\/\) to ignore what is in build\//)],
      ['config/.env.example', expect.stringContaining('(config/)'), expect.stringContaining('to ignore what is in config/ rather than the folder itself')],
    ]);
  });

  it('TRACKED_SECRET_FILE for a .env added with git add -f, with git rm --cached as the fix (never run)', () => {
    const project = initialisedProject();
    project.write('.env', 'X=1\n');
    git(project, ['add', '-f', '.env']);

    const { report } = doctor(project);

    expect(find(report, 'TRACKED_SECRET_FILE')).toEqual([expect.objectContaining({ level: 'error', path: '.env' })]);
    expect(find(report, 'TRACKED_SECRET_FILE')[0]?.fix).toMatch(/^git rm --cached -- \.env /);
    expect(find(report, 'GITIGNORE_UNCOVERED')).toEqual([]);
    expect(git(project, ['ls-files'])).toContain('.env');
  });

  it('works from a subfolder of the project', () => {
    const project = initialisedProject();
    project.write('src/lib/server.key', 'x\n');

    const result = project.run(['doctor', '--json'], { cwd: project.path('src', 'lib') });

    expect((JSON.parse(result.stdout) as Report).findings.map((finding) => finding.path)).toEqual(['src/lib/server.key']);
  });

  it('a project below the repository root: paths and rule sources are given from the project root', () => {
    const project = createProject({
      files: {
        '.gitignore': '.env*\n',
        'app/devsecrets.json': `${JSON.stringify(STANDARD_MANIFEST)}\n`,
        'app/.env.example': 'PORT=\n',
        'app/config/.gitignore': '*.sample\n',
        'app/config/.env.sample': 'PORT=\n',
        'app/server.pem': 'x\n',
      },
    });
    // No init: its .gitignore block would re-include the example files.
    const result = project.run(['doctor', '--json'], { cwd: project.path('app') });

    const report = JSON.parse(result.stdout) as Report;
    const git = report.findings.filter((finding) => /^(GITIGNORE|EXAMPLE|TRACKED)_/.test(finding.code));
    expect(git.map((finding) => [finding.code, finding.path, finding.fix])).toEqual([
      ['GITIGNORE_UNCOVERED', '.devsecrets/', 'devsecrets init restores the devsecrets block in .gitignore, or add .devsecrets/ to it'],
      ['EXAMPLE_IGNORED', '.env.example', 'add !/.env.example to .gitignore'],
      ['GITIGNORE_UNCOVERED', 'server.pem', 'add /server.pem to .gitignore'],
      ['EXAMPLE_IGNORED', 'config/.env.sample', 'add !/.env.sample to config/.gitignore after line 1'],
    ]);
    expect(find(report, 'EXAMPLE_IGNORED')[0]?.message).toBe('.env.example is ignored by ../.gitignore:1 (.env*), but the team needs it committed');
  });

  it('outside a git repository: the root .gitignore is judged alone (with a note), the other checks run, exit 0', () => {
    const project = createProject({ manifest: STANDARD_MANIFEST, git: false });
    expect(project.run(['init']).code).toBe(0);

    const { result, report } = doctor(project);

    expect(result.code).toBe(0);
    expect(report.findings).toEqual([expect.objectContaining({
      code: 'CHECK_SKIPPED', level: 'info', message: 'not a git repository: ignore rules judged from the root .gitignore alone; tracked-file checks skipped',
    })]);
    const human = project.run(['doctor']);
    expect(human.code).toBe(0);
    expect(human.stderr).toContain('devsecrets: 1 note\n');

    // Without the devsecrets block, the same gaps git would see are reported before git init.
    project.write('.gitignore', '.env*\n');
    project.write('.env.example', 'PORT=3000\n');
    const gaps = doctor(project).report.findings.map((finding) => `${finding.code}:${finding.path}`);
    expect(gaps).toEqual(expect.arrayContaining(['GITIGNORE_UNCOVERED:.devsecrets/', 'EXAMPLE_IGNORED:.env.example']));
    expect(gaps).not.toContain('GITIGNORE_UNCOVERED:.env');
  });

  it('outside a git repository: key files and env files anywhere in the tree are judged too, ignored folders and node_modules skipped', () => {
    const project = createProject({
      manifest: STANDARD_MANIFEST,
      git: false,
      files: {
        'deploy/server.pem': 'x\n', 'apps/web/.env': 'X=1\n', 'apps/api/.env.production': 'X=1\n', 'apps/api/config/.env.example': 'X=\n',
        'build/leftover.pem': 'x\n', 'node_modules/pkg/test.key': 'x\n', 'keys/id_ed25519': 'x\n',
      },
    });
    expect(project.run(['init']).code).toBe(0);
    project.write('.gitignore', `${project.read('.gitignore')}build/\nconfig/\n`);

    const { report } = doctor(project);

    expect(report.findings.filter((finding) => finding.code !== 'CHECK_SKIPPED').map((finding) => `${finding.code}:${finding.path}`)).toEqual([
      'EXAMPLE_IGNORED:apps/api/config/.env.example',
      'GITIGNORE_UNCOVERED:deploy/server.pem',
      'GITIGNORE_UNCOVERED:keys/id_ed25519',
    ]);
    project.write('.gitignore', `${project.read('.gitignore')}*.pem\nid_*\n!apps/api/.env.production\n`);
    const judged = (): string[] => doctor(project).report.findings.filter((finding) => finding.code !== 'CHECK_SKIPPED').map((finding) => `${finding.code}:${finding.path}`).sort();
    expect(judged()).toEqual(['EXAMPLE_IGNORED:apps/api/config/.env.example', 'GITIGNORE_UNCOVERED:apps/api/.env.production']);
    // And git, once there, says the same.
    spawnSync('git', ['init', '-q'], { cwd: project.dir, env: project.env });
    expect(judged()).toEqual(['EXAMPLE_IGNORED:apps/api/config/.env.example', 'GITIGNORE_UNCOVERED:apps/api/.env.production']);
  });
});

describe('devsecrets doctor never prints a value', () => {
  it('a planted secret appears nowhere in doctor\'s output, whatever it finds', () => {
    const needle = randomBytes(12).toString('base64url').replace(/[-_]/g, 'x').slice(0, 15);
    const planted = `sk_test_Forbidden${needle}`;
    const project = initialisedProject();
    expect(project.run(['set', 'STRIPE_KEY'], { input: planted }).code).toBe(0);
    project.writeManifest({
      ...STANDARD_MANIFEST,
      version: 2,
      forbid: ['/Forbidden/'],
      vars: { ...STANDARD_MANIFEST.vars, STRIPE_KEY: { type: 'token', prefix: 'sk_test_', length: 40, secret: true } },
    });
    project.write('.env', `STRIPE_KEY=${planted}\n`);
    project.write('.env.local', `STRIPE_KEY="${planted}\n`);
    dropIgnoreRules(project);

    for (const args of [['doctor'], ['doctor', '--json']]) {
      const result = project.run(args, { env: { stripe_key: planted } });
      expect(result.code).toBe(1);
      for (const code of ['INSECURE_VALUE', 'DRIFT_INVALID_VALUE', 'ENV_FILE_SHADOW', 'ENV_CASE_CONFLICT']) expect(`${result.stdout}${result.stderr}`).toContain(code);
      expect(result.stdout).not.toContain(needle);
      expect(result.stderr).not.toContain(needle);
    }
  });
});

/**
 * The corpus: doctor's verdict on each sensitive path must be git's own, as one
 * `git check-ignore` per path gives it.
 */
describe('doctor agrees with git check-ignore', () => {
  interface IgnoreCase {
    files: Record<string, string>;
    /** Sensitive files of the case (besides the always-checked paths). */
    sensitive: string[];
    examples?: string[];
    setup?: (project: Project) => void;
  }

  const ALWAYS_CHECKED = ['.devsecrets/', '.env', '.env.local', '.env.development.local'];
  const cases: Record<string, IgnoreCase> = {
    'negation': {
      files: { '.gitignore': '*.pem\n!public.pem\n.env\n', 'private.pem': '', 'public.pem': '' },
      sensitive: ['private.pem', 'public.pem'],
    },
    'nested .gitignore with a negation': {
      files: { '.gitignore': '.env\n.env.*\n', 'app/.gitignore': '!.env\n', 'app/.env': '', 'lib/.env': '', 'app/deep/.env.production': '' },
      sensitive: ['app/.env', 'lib/.env', 'app/deep/.env.production'],
    },
    'anchored patterns': {
      files: { '.gitignore': '/.env\n/keys/*.key\n', 'sub/.env': '', 'keys/a.key': '', 'other/keys/b.key': '' },
      sensitive: ['sub/.env', 'keys/a.key', 'other/keys/b.key'],
    },
    'directory-only patterns': {
      files: { '.gitignore': 'certs/\nid_rsa/\n.env.local/\n', 'certs/a.pem': '', 'certs2.pem': '', 'deploy/id_rsa': '', '.env.local': '' },
      sensitive: ['certs/a.pem', 'certs2.pem', 'deploy/id_rsa'],
    },
    '** patterns': {
      files: { '.gitignore': '**/deploy/**/*.pem\n**/.env\n', 'deploy/a.pem': '', 'x/deploy/y/b.pem': '', 'deployx/c.pem': '', 'a/b/.env': '' },
      sensitive: ['deploy/a.pem', 'x/deploy/y/b.pem', 'deployx/c.pem', 'a/b/.env'],
    },
    'escaped characters': {
      files: { '.gitignore': '\\#backup.key\n\\!bang.pem\nspace\\ .key\n', '#backup.key': '', '#other.key': '', '!bang.pem': '', 'space .key': '' },
      sensitive: ['#backup.key', '#other.key', '!bang.pem', 'space .key'],
    },
    '.git/info/exclude': {
      files: { '.env.production': '', '.env.example': '', 'age-key.txt': '' },
      sensitive: ['.env.production', 'age-key.txt'],
      examples: ['.env.example'],
      setup: (project) => writeFileSync(project.path('.git', 'info', 'exclude'), '.env*\n!.env.local\n'),
    },
    'core.excludesFile': {
      files: { 'a.p12': '', 'b.pfx': '', 'id_ed25519': '', '.env.sample': '' },
      sensitive: ['a.p12', 'b.pfx', 'id_ed25519'],
      examples: ['.env.sample'],
      setup: (project) => {
        // In the temporary HOME, which goes with the project.
        const excludes = join(project.home, 'global-ignore');
        writeFileSync(excludes, '*.p12\nid_*\n.env.*\n');
        git(project, ['config', 'core.excludesFile', excludes]);
      },
    },
    'nested examples under a root .env* rule': {
      files: { '.gitignore': '.env*\n', 'packages/api/.env.example': '', 'packages/web/.gitignore': '!.env.sample\n', 'packages/web/.env.sample': '' },
      sensitive: [],
      examples: ['packages/api/.env.example', 'packages/web/.env.sample'],
    },
    'examples inside ignored folders': {
      files: { '.gitignore': 'config/\n/out/*\ntmp\n', 'config/.env.example': '', 'out/.env.sample': '', 'out/sub/.env.dev.template': '', 'x/tmp/y/.env.example': '', 'ok/.env.example': '' },
      sensitive: [],
      examples: ['config/.env.example', 'out/.env.sample', 'out/sub/.env.dev.template', 'x/tmp/y/.env.example', 'ok/.env.example'],
    },
    'a .env* rule hides examples': {
      files: { '.gitignore': '.env*\n!.env.template\n', '.env.example': '', '.env.sample': '', '.env.template': '', '.env': '' },
      sensitive: [],
      examples: ['.env.example', '.env.sample', '.env.template'],
    },
  };

  it.each(Object.entries(cases))('%s', (_name, setup) => {
    const project = createProject({ files: setup.files });
    setup.setup?.(project);
    const { report } = doctor(project);
    const uncovered = new Set(find(report, 'GITIGNORE_UNCOVERED').map((finding) => finding.path));
    const exampleIgnored = new Set(find(report, 'EXAMPLE_IGNORED').map((finding) => finding.path));
    const ignoredByGit = (path: string): boolean =>
      spawnSync('git', ['check-ignore', '-q', '--no-index', '--', path], { cwd: project.dir, env: project.env }).status === 0;

    const verdicts = [...ALWAYS_CHECKED, ...setup.sensitive].map((path) => [path, ignoredByGit(path), !uncovered.has(path)]);
    const exampleVerdicts = (setup.examples ?? []).map((path) => [path, ignoredByGit(path), exampleIgnored.has(path)]);

    for (const [path, git, doctorSays] of [...verdicts, ...exampleVerdicts]) expect(doctorSays, String(path)).toBe(git);
    // Each case must exercise both verdicts, or it proves little.
    const answers = new Set([...verdicts, ...exampleVerdicts].map(([, git]) => git));
    expect(answers.size).toBe(2);
  });
});
