/**
 * The surroundings of the store: file modes, and plaintext copies of manifest variables
 * in local dotenv files. Dotenv values are parsed in memory and only their names used.
 */
import { parseDotenv } from '../dotenv.js';
import { DevsecretsError } from '../errors.js';
import type { Finding } from '../findings.js';
import type { Manifest } from '../manifest-model.js';
import type { EnvFileFact, PermissionFact } from './facts.js';
import { shellQuote } from './shell-quote.js';

/**
 * `FILE_PERMISSIONS` per path: an error for the identity file (whoever reads it can decrypt
 * the store, and devsecrets refuses to use it), a warning for the store's files and the
 * folders (ciphertext, non-secret metadata, and names).
 */
export function checkPermissionFacts(facts: readonly PermissionFact[], displayPath: (path: string) => string): Finding[] {
  return facts.map((fact) => {
    const path = displayPath(fact.path);
    return {
      code: 'FILE_PERMISSIONS', level: fact.holdsKey ? 'error' : 'warn', path,
      message: `${path} has mode ${octal(fact.mode)}, looser than ${octal(fact.expected)}`,
      fix: `chmod ${fact.expected.toString(8)} ${shellQuote(path)}`,
    };
  });
}

/**
 * `ENV_FILE_SHADOW` (warn) per manifest variable a local dotenv file defines: an app that
 * loads the file may read that plaintext instead of the store's value. A file that does not
 * parse gets one warning, since it may define anything.
 */
export function checkEnvFiles(manifest: Manifest, files: readonly EnvFileFact[]): Finding[] {
  const findings: Finding[] = [];
  for (const file of files) {
    let names: Set<string>;
    try {
      names = new Set(parseDotenv(file.text, file.path).map((entry) => entry.name));
    } catch (error) {
      if (!(error instanceof DevsecretsError)) throw error;
      findings.push({
        code: 'ENV_FILE_SHADOW', level: 'warn', path: file.path,
        message: `${error.message}, so it may define manifest variables unseen`,
        fix: `fix that line, or remove ${file.path} once the store holds its values`,
      });
      continue;
    }
    for (const name of Object.keys(manifest.vars)) {
      if (!names.has(name)) continue;
      findings.push({
        code: 'ENV_FILE_SHADOW', level: 'warn', var: name, path: file.path,
        message: `${file.path} defines ${name}: an app that loads ${file.path} may read that plaintext instead of the store`,
        fix: `remove ${name} from ${file.path}, or move the file into the store with devsecrets import ${shellQuote(file.path)} --delete`,
      });
    }
  }
  return findings;
}

function octal(mode: number): string {
  return `0${mode.toString(8).padStart(3, '0')}`;
}
