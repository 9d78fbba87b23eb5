/**
 * `devsecrets doctor --fix`: does what is safe and says so — ignore rules in the devsecrets
 * block, tightened modes, fresh fakes for missing variables — then a second `doctor` shows
 * no fixable finding. A person's value, a project's own negation and a tracked file are
 * left alone (the `git rm --cached` command is printed, never run).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { STANDARD_MANIFEST, cleanupProjects, modeOf, type Project, initialisedProject } from '../helpers/cli.js';

afterEach(cleanupProjects);

interface Finding {
  code: string;
  path?: string;
  var?: string;
  fix?: string;
}

function git(project: Project, args: readonly string[]): { code: number; stdout: string } {
  const result = spawnSync('git', args, { cwd: project.dir, env: project.env, encoding: 'utf8' });
  return { code: result.status ?? 1, stdout: result.stdout };
}

function findings(project: Project): Finding[] {
  return (JSON.parse(project.run(['doctor', '--json']).stdout) as { findings: Finding[] }).findings;
}

describe('devsecrets doctor --fix', () => {
  it('adds ignore rules, tightens modes and seeds missing variables; a second doctor is clean but for the tracked file', () => {
    const project = initialisedProject();
    writeFileSync(project.path('.gitignore'), 'node_modules/\n');
    project.write('deploy/server.pem', 'x\n');
    project.write('.env.example', 'PORT=\n');
    chmodSync(project.path('.devsecrets', 'store.age'), 0o644);
    project.writeManifest({ ...STANDARD_MANIFEST, vars: { ...STANDARD_MANIFEST.vars, WEBHOOK_SECRET: { type: 'token', length: 24, secret: true } } });
    project.write('.env.production', 'X=1\n');
    git(project, ['add', '-f', '.env.production']);

    const fixed = project.run(['doctor', '--fix']);

    expect(fixed.code).toBe(1);
    expect(fixed.stderr).toContain('devsecrets: fixed: added .devsecrets/, .env, .env.*, !.env.example, !.env.sample, !.env.template, !.env.*.example, !.env.*.sample, !.env.*.template, /deploy/server.pem to the devsecrets block of .gitignore\n');
    expect(fixed.stderr).toContain('devsecrets: fixed: chmod 600 ');
    expect(fixed.stderr).toContain('devsecrets: fixed: seeded WEBHOOK_SECRET with fresh fakes\n');
    expect(fixed.stderr).toContain('TRACKED_SECRET_FILE .env.production is tracked');
    expect(project.read('.gitignore')).toMatch(/^node_modules\/\n\n# >>> devsecrets >>>\n/);
    expect(modeOf(project.path('.devsecrets', 'store.age'))).toBe(0o600);
    expect(git(project, ['check-ignore', '-q', '.env.example']).code).toBe(1);
    expect(git(project, ['ls-files']).stdout).toContain('.env.production');

    const left = findings(project);
    expect(left.map((finding) => finding.code)).toEqual(['TRACKED_SECRET_FILE']);
    expect(left[0]?.fix).toMatch(/^git rm --cached -- \.env\.production /);
    expect(project.run(['doctor', '--fix']).stderr).not.toContain('fixed:');
    // init rewrites the block from its template, but keeps what --fix added.
    expect(project.run(['init']).code).toBe(0);
    expect(project.read('.gitignore')).toContain('/deploy/server.pem\n');
  });

  it('never touches a value a person set, and leaves a project\'s own negation to a person', () => {
    const project = initialisedProject();
    expect(project.run(['set', 'API_TIMEOUT', '90']).code).toBe(0);
    project.writeManifest({ ...STANDARD_MANIFEST, vars: { ...STANDARD_MANIFEST.vars, API_TIMEOUT: { type: 'int', min: 1, max: 60 } } });
    project.write('services/api/.gitignore', '!.env\n');
    project.write('services/api/.env', 'X=1\n');
    const gitignore = project.read('.gitignore');

    project.run(['doctor', '--fix']);

    expect(project.run(['get', 'API_TIMEOUT']).stdout).toBe('90\n');
    expect(project.read('.gitignore')).toBe(gitignore);
    expect(findings(project).map((finding) => `${finding.code}:${finding.var ?? finding.path}`)).toEqual([
      'DRIFT_MANIFEST_VERSION:.devsecrets/store.age',
      'DRIFT_INVALID_VALUE:API_TIMEOUT',
      'GITIGNORE_UNCOVERED:services/api/.env',
    ]);
  });

  it('converges in one run: a fixed identity mode lets the store open, and its missing variables are seeded in the same run', () => {
    const project = initialisedProject();
    chmodSync(project.identityFile(), 0o644);
    project.writeManifest({ ...STANDARD_MANIFEST, vars: { ...STANDARD_MANIFEST.vars, WEBHOOK_SECRET: { type: 'token', length: 24, secret: true } } });
    expect(findings(project).map((finding) => finding.code)).toEqual(['FILE_PERMISSIONS', 'CHECK_SKIPPED']);

    const fixed = project.run(['doctor', '--fix']);

    expect(fixed.stderr).toContain(`devsecrets: fixed: chmod 600 ${project.identityFile()}\n`);
    expect(fixed.stderr).toContain('devsecrets: fixed: seeded WEBHOOK_SECRET with fresh fakes\n');
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(findings(project)).toEqual([]);
  });

  it('an older devsecrets block that hides .env.staging.example and the like gets today\'s negations; a rule added to the block by hand gets a negation after it', () => {
    const project = initialisedProject();
    const oldBlock = '# >>> devsecrets >>>\n.devsecrets/\n.env\n.env.*\n!.env.example\n!.env.sample\n!.env.template\n# <<< devsecrets <<<\n';
    project.write('.gitignore', `node_modules/\n\n${oldBlock}`);
    project.write('.env.staging.example', 'PORT=\n');
    project.write('apps/web/.env.local.sample', 'PORT=\n');
    expect(findings(project).map((finding) => `${finding.code}:${finding.path}`)).toEqual(['EXAMPLE_IGNORED:.env.staging.example', 'EXAMPLE_IGNORED:apps/web/.env.local.sample']);

    const fixed = project.run(['doctor', '--fix']);

    expect(fixed.stderr).toContain('devsecrets: fixed: added !.env.*.example, !.env.*.sample, !.env.*.template to the devsecrets block of .gitignore\n');
    expect(findings(project)).toEqual([]);
    for (const path of ['.env.staging.example', 'apps/web/.env.local.sample']) expect(git(project, ['check-ignore', '-q', '--', path]).code, path).toBe(1);

    project.write('.gitignore', project.read('.gitignore').replace('# <<< devsecrets <<<', '*.example\n# <<< devsecrets <<<'));
    expect(findings(project).map((finding) => finding.code)).toEqual(['EXAMPLE_IGNORED']);
    expect(project.run(['doctor', '--fix']).stderr).toContain('devsecrets: fixed: added !/.env.staging.example to the devsecrets block of .gitignore\n');
    expect(findings(project)).toEqual([]);
  });

  it('every example name devsecrets recognises stays visible under the template rules, at any depth, while local env files stay ignored', () => {
    const project = initialisedProject();
    const examples = ['.env.example', '.env.sample', '.env.template', '.env.staging.example', '.env.local.sample', '.env.a.b.template', 'apps/web/.env.example', 'apps/web/.env.production.sample'];
    const local = ['.env', '.env.local', '.env.staging', '.env.production.local', 'apps/web/.env', 'apps/web/.env.example.local'];
    for (const path of [...examples, ...local]) project.write(path, 'X=\n');

    const ignored = (path: string): boolean => git(project, ['check-ignore', '-q', '--no-index', '--', path]).code === 0;

    expect(examples.filter(ignored)).toEqual([]);
    expect(local.filter((path) => !ignored(path))).toEqual([]);
    expect(findings(project)).toEqual([]);
  });

  it('an example hidden by the project\'s own rule is reported, not fixed, without a terminal to ask on', () => {
    const project = initialisedProject();
    project.write('config/.gitignore', '*.example\n');
    project.write('config/.env.example', 'PORT=\n');
    const gitignore = project.read('config', '.gitignore');

    const fixed = project.run(['doctor', '--fix']);

    expect(fixed.stderr).not.toContain('fixed:');
    expect(project.read('config', '.gitignore')).toBe(gitignore);
    expect(findings(project)).toEqual([expect.objectContaining({ code: 'EXAMPLE_IGNORED', path: 'config/.env.example', fix: 'add !/.env.example to config/.gitignore after line 1' })]);
  });

  it('removes store variables the manifest dropped only with --yes', () => {
    const project = initialisedProject();
    expect(project.run(['set', 'ADMIN_EMAIL', 'me@example.test']).code).toBe(0);
    const { ADMIN_EMAIL: _dropped, ...vars } = STANDARD_MANIFEST.vars;
    project.writeManifest({ ...STANDARD_MANIFEST, vars });

    project.run(['doctor', '--fix']);
    expect(findings(project).map((finding) => finding.code)).toContain('DRIFT_EXTRA_VAR');

    const fixed = project.run(['doctor', '--fix', '--yes']);
    expect(fixed.stderr).toContain('devsecrets: fixed: removed ADMIN_EMAIL (not in the manifest) from the store');
    expect(fixed.stderr).not.toContain('me@example.test');
    expect(findings(project).map((finding) => finding.code)).not.toContain('DRIFT_EXTRA_VAR');
    expect(project.run(['run', '--', 'true']).code).toBe(0);
  });
});
