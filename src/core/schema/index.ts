/**
 * `devsecrets schema`: the manifest as files a project commits — an example dotenv file, a
 * JSON Schema of the environment, a TypeScript declaration. Pure: the text depends on the
 * variables alone, so a file can be judged stale by rendering it again.
 */
import type { VarSpec } from '../manifest-schema.js';
import { renderDeclaration } from './dts.js';
import { renderEnvExample } from './env-example.js';
import type { SchemaFormat } from './formats.js';
import { renderJsonSchema } from './json-schema.js';

export { markedFormat, SCHEMA_FORMATS, type SchemaFormat } from './formats.js';

/** The file `format` makes of `vars`, starting with its marker; the same text for the same variables, every time. */
export function renderSchema(vars: Readonly<Record<string, VarSpec>>, format: SchemaFormat): string {
  switch (format) {
    case 'env-example':
      return renderEnvExample(vars);
    case 'json-schema':
      return renderJsonSchema(vars);
    case 'dts':
      return renderDeclaration(vars);
  }
}
