// Outside a repository doctor judges the root .gitignore with the `ignore` package; it must
// agree with git's own verdict on the same file once the folder is a repository.
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { judgeByRootGitignore } from '../../src/adapters/root-gitignore.js';
import { useTmpDir } from '../helpers/tmp.js';

const tmp = useTmpDir();

const CASES: Record<string, string> = {
  'plain rules': '.env\n.devsecrets/\n',
  'wildcards with example negations': '.env*\n!.env.example\n',
  'anchored and directory-only': '/.env.local\nsecrets/\n',
  'double star': '**/*.pem\n',
  'a negation undone later': '.env\n!.env\n.env\n',
  'comments and escapes': '# .env\n\\#notes\n.env.*.local\n',
};
const PATHS = ['.env', '.env.local', '.env.development.local', '.env.example', '.devsecrets/', 'deploy/server.pem', 'server.pem', 'secrets/', '#notes'];

describe('judgeByRootGitignore agrees with git check-ignore', () => {
  it.each(Object.entries(CASES))('%s', (_name, rules) => {
    const dir = tmp();
    writeFileSync(join(dir, '.gitignore'), rules);
    const verdicts = judgeByRootGitignore(dir, PATHS);
    execFileSync('git', ['init', '-q'], { cwd: dir });
    for (const path of PATHS) {
      const git = spawnSync('git', ['check-ignore', '-q', '--no-index', path], { cwd: dir });
      expect(verdicts.get(path)?.ignored, `${path} with ${JSON.stringify(rules)}`).toBe(git.status === 0);
    }
  });

  it('names the rule and its line when a path is ignored', () => {
    const dir = tmp();
    writeFileSync(join(dir, '.gitignore'), 'node_modules/\n.env*\n');
    expect(judgeByRootGitignore(dir, ['.env.example']).get('.env.example')).toEqual({ ignored: true, rule: { source: '.gitignore', line: 2, pattern: '.env*' } });
  });
});
