// Outside a repository doctor judges the root .gitignore with the `ignore` package, and walks
// the tree itself; both must agree with git on the same files once the folder is a repository.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { matchScanRules, RootGitignore } from '../../src/adapters/ignore-rules.js';
import { useTmpDir } from '../helpers/tmp.js';

const tmp = useTmpDir();

const CASES: Record<string, string> = {
  'plain rules': '.env\n.devsecrets/\n',
  'wildcards with example negations': '.env*\n!.env.example\n',
  'anchored and directory-only': '/.env.local\nsecrets/\n',
  'double star': '**/*.pem\n',
  'a negation undone later': '.env\n!.env\n.env\n',
  'comments and escapes': '# .env\n\\#notes\n.env.*.local\n',
  // git on Linux matches case-sensitively: none of these covers the lowercase names.
  'uppercase rules': '.ENV\n*.PEM\n.Env.Local\nSECRETS/\n',
  'uppercase and lowercase mixed': '*.pem\n!SERVER.PEM\n.ENV*\n.env\n',
};
const PATHS = ['.env', '.env.local', '.env.development.local', '.env.example', '.ENV.example', '.devsecrets/', 'deploy/server.pem', 'server.pem', 'SERVER.PEM', 'secrets/', 'SECRETS/', '#notes'];

function write(dir: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

describe.skipIf(process.platform === 'darwin' || process.platform === 'win32')('RootGitignore agrees with git check-ignore', () => {
  it.each(Object.entries(CASES))('%s', (_name, rules) => {
    const dir = tmp();
    writeFileSync(join(dir, '.gitignore'), rules);
    const verdicts = new RootGitignore(dir).judge(PATHS);
    execFileSync('git', ['init', '-q'], { cwd: dir });
    for (const path of PATHS) {
      const git = spawnSync('git', ['check-ignore', '-q', '--no-index', path], { cwd: dir });
      expect(verdicts.get(path)?.ignored, `${path} with ${JSON.stringify(rules)}`).toBe(git.status === 0);
    }
  });

  it('names the rule and its line when a path is ignored, and the negation when one re-includes it', () => {
    const dir = tmp();
    writeFileSync(join(dir, '.gitignore'), 'node_modules/\n.env*\n*.pem\n!deploy.pem\n');
    expect(new RootGitignore(dir).judge(['.env.example', 'deploy.pem', 'other.txt'])).toEqual(new Map([
      ['.env.example', { ignored: true, rule: { source: '.gitignore', line: 2, pattern: '.env*' } }],
      ['deploy.pem', { ignored: false, rule: { source: '.gitignore', line: 4, pattern: '!deploy.pem' } }],
      ['other.txt', { ignored: false }],
    ]));
  });

  it('is case-insensitive only when asked, as git is with core.ignorecase', () => {
    const dir = tmp();
    writeFileSync(join(dir, '.gitignore'), '.ENV\n');
    expect(new RootGitignore(dir, false).judge(['.env']).get('.env')?.ignored).toBe(false);
    expect(new RootGitignore(dir, true).judge(['.env']).get('.env')?.ignored).toBe(true);
  });
});

describe('RootGitignore.listProjectFiles', () => {
  it('lists every file git would see, leaving out .git, node_modules and ignored folders (but for what it is asked to keep), without following links', () => {
    const dir = tmp();
    execFileSync('git', ['init', '-q'], { cwd: dir });
    write(dir, {
      '.gitignore': 'build/\n/cache\n*.log\n',
      'a.txt': '', 'apps/web/.env': '', 'apps/web/keys/key.txt': '', 'deep/er/still/id_ed25519': '', 'x.log': '',
      'build/.env': '', 'build/deep/.env.sample': '', 'cache/server.pem': '', 'sub/cache/kept.pem': '', 'node_modules/p/.env': '',
    });
    mkdirSync(join(dir, 'elsewhere'));
    writeFileSync(join(dir, 'elsewhere', 'hidden.pem'), '');
    symlinkSync(join(dir, 'elsewhere'), join(dir, 'linked'));

    const walk = new RootGitignore(dir).listProjectFiles(dir, (path) => path.endsWith('.sample'));

    expect(walk).toEqual({
      complete: true,
      files: ['.gitignore', 'a.txt', 'apps/web/.env', 'apps/web/keys/key.txt', 'build/deep/.env.sample', 'deep/er/still/id_ed25519', 'elsewhere/hidden.pem', 'linked', 'sub/cache/kept.pem', 'x.log'],
    });
    // git lists the same files but for the ignored x.log (the walk keeps ignored files of walked folders) and node_modules.
    const git = execFileSync('git', ['ls-files', '--others', '--exclude-standard', '-z'], { cwd: dir, encoding: 'utf8' }).split('\0').filter(Boolean);
    expect(walk.files.filter((path) => !['x.log', 'build/deep/.env.sample'].includes(path))).toEqual(git.filter((path) => !path.startsWith('node_modules/')).sort());
  });

  it('stops after its limit of entries, and says so', () => {
    const dir = tmp();
    write(dir, { 'a/1': '', 'a/2': '', 'b/3': '', 'c': '' });
    expect(new RootGitignore(dir).listProjectFiles(dir, () => false, 3).complete).toBe(false);
    expect(new RootGitignore(dir).listProjectFiles(dir, () => false, 7)).toEqual({ files: ['a/1', 'a/2', 'b/3', 'c'], complete: true });
  });
});

describe('matchScanRules agrees with git ls-files --exclude-per-directory', () => {
  const RULES: Record<string, string> = {
    '.devsecretsignore': 'fixtures/\n*.snap\n!keep.snap\n*.log\nvendor/\n\\#hash.txt\nspaced.txt   \n# a comment\n',
    'a/.devsecretsignore': 'secret.txt\n/anchored.txt\n!important.snap\nsub/\n*.TXT\n',
    'a/b/.devsecretsignore': '!secret.txt\n*.md\n',
    'c/.devsecretsignore': '!*.log\n',
    'd/.devsecretsignore': '**/gen/*.js\n/top/**\n',
    'vendor/.devsecretsignore': '!x.txt\n',
    '[odd]*/.devsecretsignore': 'x.txt\n',
  };
  const FILES = [
    'fixtures/a.txt', 'src/fixtures/b.txt', 'x.snap', 'keep.snap', 'a/keep.snap', 'a/important.snap', 'a/b/important.snap',
    'a/secret.txt', 'a/b/secret.txt', 'a/c/secret.txt', 'anchored.txt', 'a/anchored.txt', 'a/z/anchored.txt', 'a/sub/x.txt', 'a/b/sub/y.txt',
    'a/UPPER.TXT', 'a/lower.txt', 'a/b/readme.md', 'readme.md', 'x.log', 'c/x.log', 'c/d/y.log', 'vendor/x.txt', 'vendor/y.txt',
    '#hash.txt', 'spaced.txt', 'd/gen/x.js', 'd/e/gen/y.js', 'gen/z.js', 'd/top/a/b.txt', 'top/a.txt', '[odd]*/x.txt', 'plain.txt',
  ];

  it('on a corpus of nested rule files: negations, anchoring, folders, **, escapes, trailing spaces, case', () => {
    const dir = tmp();
    execFileSync('git', ['init', '-q'], { cwd: dir });
    write(dir, Object.fromEntries([...Object.entries(RULES), ...FILES.map((path) => [path, 'x\n'])]));
    execFileSync('git', ['add', '-A'], { cwd: dir });
    const git = execFileSync('git', ['ls-files', '-z', '--cached', '--ignored', '--exclude-per-directory=.devsecretsignore'], { cwd: dir, encoding: 'utf8' }).split('\0').filter(Boolean);
    const matches = matchScanRules(Object.entries(RULES).map(([path, text]) => ({ folder: path.slice(0, -'.devsecretsignore'.length), text })), false);

    const ours = [...FILES, ...Object.keys(RULES)].filter((path) => matches(path));

    expect(ours.sort()).toEqual(git.sort());
    // The corpus means something only if both answers occur often.
    expect(git.length).toBeGreaterThan(10);
    expect(FILES.length - git.length).toBeGreaterThan(10);
  });
});
