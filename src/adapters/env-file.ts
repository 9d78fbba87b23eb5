/** Reading a dotenv file someone named on the command line (`check --env-file`, `init --from`). */
import { readFileSync, unlinkSync } from 'node:fs';
import { dotenvToRecord, parseDotenv, type DotenvEntry } from '../core/dotenv.js';
import { DevsecretsError } from '../core/errors.js';

/**
 * Reads and parses a dotenv file.
 * @throws DevsecretsError `ENV_FILE_INVALID` (exit 3) when it cannot be read or parsed; messages carry line numbers, never content.
 */
export function readEnvFile(path: string): DotenvEntry[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new DevsecretsError('ENV_FILE_INVALID', `cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`, { path });
  }
  return parseDotenv(text, path);
}

/** The file's variables, later definitions winning. */
export function readEnvFileValues(path: string): Record<string, string> {
  return dotenvToRecord(readEnvFile(path));
}

/** Deletes a plaintext env file once its values are safely in the store. */
export function deleteEnvFile(path: string): void {
  unlinkSync(path);
}
