/** Reading a dotenv file someone named on the command line (`check --env-file`, `init --from`, `import`), and deleting it after `import --delete`. */
import { lstatSync, readFileSync, unlinkSync } from 'node:fs';
import { dotenvToRecord, parseDotenv, type DotenvEntry } from '../core/dotenv.js';
import { parseDotenvWithComments, type CommentedDotenvEntry } from '../core/dotenv-comments.js';
import { DevsecretsError } from '../core/errors.js';

/**
 * Reads and parses a dotenv file.
 * @throws DevsecretsError `ENV_FILE_INVALID` (exit 3) when it cannot be read or parsed; messages carry line numbers, never content.
 */
export function readEnvFile(path: string): DotenvEntry[] {
  return parseDotenv(readEnvText(path), path);
}

/**
 * Reads and parses a dotenv file, with the comment lines above each entry (`init --from`).
 * @throws DevsecretsError `ENV_FILE_INVALID` (exit 3), as `readEnvFile`.
 */
export function readEnvFileWithComments(path: string): CommentedDotenvEntry[] {
  return parseDotenvWithComments(readEnvText(path), path);
}

function readEnvText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new DevsecretsError('ENV_FILE_INVALID', `cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`, { path });
  }
}

/** The file's variables, later definitions winning. */
export function readEnvFileValues(path: string): Record<string, string> {
  return dotenvToRecord(readEnvFile(path));
}

/**
 * Refuses `--delete` for a file whose plaintext would survive its deletion: a symbolic link
 * (the file it points to stays) or a file with other hard links (its content stays under
 * the other names). A missing file passes: reading it reports that.
 * @throws DevsecretsError `USAGE` (exit 2) naming the problem; `shown` is the name the person gave.
 */
export function checkDeletable(path: string, shown: string): void {
  const stats = lstatSync(path, { throwIfNoEntry: false });
  if (stats === undefined) return;
  const refuse = (problem: string, hint: string): DevsecretsError =>
    new DevsecretsError('USAGE', `refusing --delete, nothing imported: ${shown} ${problem}`, { path, hint });
  if (stats.isSymbolicLink()) {
    throw refuse('is a symbolic link, and deleting it would leave the plaintext in the file it points to',
      'import without --delete, then delete the real file yourself');
  }
  if (stats.nlink > 1) {
    throw refuse(`has ${stats.nlink} hard links, and deleting this name would leave the plaintext under the others`,
      'import without --delete, then delete the file yourself under every one of its names');
  }
}

/** Deletes a plaintext env file once its values are safely in the store. */
export function deleteEnvFile(path: string): void {
  unlinkSync(path);
}
