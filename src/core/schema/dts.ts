/**
 * A TypeScript declaration of the environment the manifest describes: `Env`, the variables
 * as a program uses them once read and checked (numbers, booleans, literal unions), and the
 * `NodeJS.ProcessEnv` augmentation, the same variables as `process.env` holds them: text.
 * The name `Env` is a contract: the library's loader is to return it.
 */
import type { VarSpec } from '../manifest-schema.js';
import { describeSpec } from '../spec-comment.js';
import { schemaMarker } from './formats.js';

const INDENT = '  ';

/**
 * The declaration file's text for `vars`, in manifest order, each member documented with its
 * description and spec (a secret's `example` left out). In `Env` a variable is optional when
 * it is not required and has no default (the default fills it). In `ProcessEnv` it is also
 * optional when it has a default: `devsecrets run` passes the default on, but a program
 * started without devsecrets does not get it. It compiles under `tsc --strict`, with
 * `@types/node` for the `ProcessEnv` it extends.
 */
export function renderDeclaration(vars: Readonly<Record<string, VarSpec>>): string {
  const entries = Object.entries(vars);
  const envMembers = entries.flatMap(([name, spec]) => member(name, spec, valueType(spec), spec.required === false && spec.default === undefined, 1));
  const processMembers = entries.flatMap(([name, spec]) => member(name, spec, textType(spec), spec.required === false || spec.default !== undefined, 3));
  return [
    `// ${schemaMarker('dts')}`,
    '',
    '/** Any value `JSON.parse` returns: the type of a `json` variable once parsed. */',
    'export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };',
    '',
    '/** The environment variables devsecrets.json declares, as a program uses them once read and checked. */',
    'export interface Env {',
    ...envMembers,
    '}',
    '',
    'declare global {',
    `${INDENT}namespace NodeJS {`,
    `${INDENT.repeat(2)}/** The variables devsecrets.json declares, as process.env holds them: text, checked by devsecrets run. */`,
    `${INDENT.repeat(2)}interface ProcessEnv {`,
    ...processMembers,
    `${INDENT.repeat(2)}}`,
    `${INDENT}}`,
    '}',
    '',
  ].join('\n');
}

/** The type of a variable's value once read: what `json` text parses to, `int` text as a number, and so on. */
function valueType(spec: VarSpec): string {
  switch (spec.type) {
    case 'int':
    case 'number':
    case 'port':
      return 'number';
    case 'bool':
      return 'boolean';
    case 'enum':
      return literalUnion(spec.values);
    case 'json':
      return 'JsonValue';
    case 'string':
    case 'jwt':
    case 'url':
    case 'email':
    case 'hostname':
    case 'uuid':
    case 'duration':
    case 'token':
    case 'bytes':
    case 'private-key':
      return 'string';
  }
}

/** The type of a variable's text in `process.env`: a union where the manifest lists every spelling. */
function textType(spec: VarSpec): string {
  if (spec.type === 'bool') return literalUnion(['true', 'false']);
  if (spec.type === 'enum') return literalUnion(spec.values);
  return 'string';
}

function literalUnion(values: readonly string[]): string {
  return values.map((value) => JSON.stringify(value)).join(' | ');
}

/** A documented interface member at `depth` levels of indentation. */
function member(name: string, spec: VarSpec, type: string, optional: boolean, depth: number): string[] {
  const indent = INDENT.repeat(depth);
  // `*/` would end the comment early.
  const lines = [...(spec.description ? [...spec.description.split('\n'), ''] : []), describeSpec(spec)].map((line) => line.replaceAll('*/', '*\\/'));
  const declaration = `${indent}${name}${optional ? '?' : ''}: ${type};`;
  if (lines.length === 1) return [`${indent}/** ${lines[0]} */`, declaration];
  return [`${indent}/**`, ...lines.map((line) => (line === '' ? `${indent} *` : `${indent} * ${line}`)), `${indent} */`, declaration];
}
