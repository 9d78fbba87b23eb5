/**
 * A broken or missing devsecrets.json: exit 3, every problem named at once, with where
 * it is. No store is needed to find out.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { STANDARD_MANIFEST, cleanupProjects, createProject } from '../helpers/cli.js';

afterEach(cleanupProjects);

/** One manifest per kind of mistake, each naming the variable it is about. */
const MISTAKES: Record<string, { spec: Record<string, unknown>; reason: RegExp }> = {
  UNKNOWN_FIELD: { spec: { type: 'string', secert: true }, reason: /unknown field "secert"/ },
  UNKNOWN_TYPE: { spec: { type: 'strnig' }, reason: /^devsecrets: {3}UNKNOWN_TYPE: unknown type \(expected one of "string", "int", .*"json", "jwt"\)$/ },
  MISSING_TYPE: { spec: { secret: true }, reason: /^devsecrets: {3}MISSING_TYPE: missing "type" \(one of "string", .*\)$/ },
  BAD_OPTION: { spec: { type: 'bytes', encoding: 'hexx' }, reason: /^devsecrets: {3}BAD_OPTION: encoding: must be one of "hex", "base64", "base64url"$/ },
  WRONG_KIND: { spec: { type: 'int', min: 'one' }, reason: /^devsecrets: {3}WRONG_KIND: min: must be a number$/ },
  EMPTY_LIST: { spec: { type: 'enum', values: [] }, reason: /^devsecrets: {3}EMPTY_LIST: values: must not be empty$/ },
  SECRET_DEFAULT: { spec: { type: 'token', secret: true, default: 'sk_test_default' }, reason: /default/ },
  BAD_PATTERN: { spec: { type: 'string', pattern: '([a-z' }, reason: /pattern|regular expression/ },
  MIN_OVER_MAX: { spec: { type: 'int', min: 10, max: 1 }, reason: /min|max/ },
};

describe('manifest problems', () => {
  it('a JSON syntax error names the line and column (exit 3)', () => {
    const project = createProject();
    project.write('devsecrets.json', '{\n  "version": 1,\n  "vars": {\n    "PORT": { "type": "port" },\n  }\n}\n');

    const result = project.run(['run', '--', 'true']);

    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^devsecrets: error: .*devsecrets\.json is not valid JSON at line 5, column 3 \[MANIFEST_INVALID\]$/m);
    expect(result.stderr).toContain('devsecrets: hint: ');
  });

  it('a misspelt literal also names the line and column (exit 3)', () => {
    const project = createProject();
    project.write('devsecrets.json', '{\n  "vars": {\n    "DEBUG": { "type": "bool", "default": tru }\n  }\n}\n');

    const result = project.run(['check']);

    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/is not valid JSON at line 3, column \d+/);
  });

  it('a variable declared twice is a manifest error, not a silent overwrite (exit 3)', () => {
    const project = createProject();
    project.write('devsecrets.json', '{\n  "vars": {\n    "PORT": { "type": "port" },\n    "PORT": { "type": "int" }\n  }\n}\n');

    const result = project.run(['check']);

    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^devsecrets: {3}"PORT" appears twice in one object \(again at line 4, column 5\); JSON keeps only the last$/m);
  });

  it.each(Object.keys(MISTAKES))('%s is a manifest error (exit 3)', (name) => {
    const mistake = MISTAKES[name]!;
    const project = createProject({ manifest: { version: 1, vars: { PORT: { type: 'port' }, [name]: mistake.spec } } });

    const result = project.run(['run', '--', 'true']);

    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^devsecrets: error: manifest .*devsecrets\.json is invalid \(1 problem\) \[MANIFEST_INVALID\]$/m);
    const line = result.stderr.split('\n').find((text) => text.startsWith(`devsecrets:   ${name}: `));
    expect(line, result.stderr).toBeDefined();
    expect(line).toMatch(mistake.reason);
  });

  it('names colliding variables (FOO and foo) (exit 3)', () => {
    const project = createProject({ manifest: { vars: { FOO: { type: 'string' }, foo: { type: 'string' } } } });

    const result = project.run(['check']);

    expect(result.code).toBe(3);
    expect(result.stderr).toContain('devsecrets:   foo: collides with FOO ignoring case');
  });

  it('reports every problem of the manifest in one run', () => {
    const vars: Record<string, unknown> = { PORT: { type: 'port' }, FOO: { type: 'string' }, foo: { type: 'string' } };
    for (const [name, mistake] of Object.entries(MISTAKES)) vars[name] = mistake.spec;
    const project = createProject({ manifest: { version: 1, forbid: ['/([unclosed/'], vars } });

    const result = project.run(['run', '--', 'true']);

    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/is invalid \(\d+ problems\)/);
    for (const name of [...Object.keys(MISTAKES), 'foo']) {
      expect(result.stderr, `${name} in:\n${result.stderr}`).toContain(`devsecrets:   ${name}: `);
    }
    expect(result.stderr).toContain('forbid[0]');
    expect(result.stderr).not.toContain('devsecrets:   PORT');
  });

  it('prints the errors as one JSON document with --json', () => {
    const project = createProject({ manifest: { vars: { A: { type: 'int', min: 10, max: 1 }, B: { type: 'strnig' } } } });

    const result = project.run(['check', '--json']);

    expect(result.code).toBe(3);
    const report = JSON.parse(result.stdout) as { ok: boolean; findings: { code: string; level: string; var?: string }[] };
    expect(report.ok).toBe(false);
    expect(report.findings.every((finding) => finding.code === 'MANIFEST_INVALID' && finding.level === 'error')).toBe(true);
    expect(report.findings.map((finding) => finding.var)).toContain('B');
  });

  it('no manifest: exit 3 with a hint', () => {
    const project = createProject();

    for (const args of [['run', '--', 'true'], ['check'], ['ls'], ['get', 'PORT'], ['set', 'PORT', '3000']]) {
      const result = project.run(args);
      expect(result.code).toBe(3);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(`devsecrets: error: no devsecrets.json found in ${project.dir} or any parent folder`);
      expect(result.stderr).toContain('devsecrets: hint: run devsecrets init to create one, or pass --manifest PATH');
    }
  });

  it('finds the manifest from a subfolder, or where --manifest says', () => {
    const project = createProject({ manifest: STANDARD_MANIFEST, files: { 'src/app/.keep': '' } });
    expect(project.run(['init']).code).toBe(0);

    const nested = project.run(['run', '--', 'node', '-e', 'process.stdout.write(process.env.LOG_LEVEL)'], { cwd: project.path('src', 'app') });
    expect(nested.code).toBe(0);
    expect(['debug', 'info', 'warn', 'error']).toContain(nested.stdout);

    const missing = project.run(['--manifest', 'config/devsecrets.json', 'check']);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('devsecrets: hint: check the path given to --manifest');
  });
});
