/** `devsecrets init [--from .env.example|PROVIDER_REF] [--seed HEX] [--force] [--yes] [--json]` */
import { relative, resolve } from 'node:path';
import { DevsecretsError } from '../../core/errors.js';
import { inferManifest, summarizeSpec, type Inference, type InferredVar } from '../../core/infer-manifest.js';
import { noFakeAdvice } from '../../core/loader-control.js';
import { MANIFEST_FILE } from '../../core/manifest-model.js';
import { getsFake, loaderVarsWithoutValue } from '../../core/seed-store.js';
import { readEnvFileAnnotated } from '../../adapters/env-file.js';
import { isProviderRef, readProvider } from '../../adapters/providers/index.js';
import { inferFromProduction } from '../../core/infer-production.js';
import { ensureGitignoreBlock, readTemplate, writeProjectFile } from '../../adapters/project-files.js';
import { loadManifest, locateManifest } from '../../adapters/manifest-file.js';
import { storePaths } from '../../adapters/store-files.js';
import { createStore, storeExists } from '../../adapters/store-lifecycle.js';
import { recordAccess } from '../../adapters/store.js';
import type { CommandContext } from '../context.js';
import { reportInference } from '../inference-report.js';
import { confirm } from '../prompt.js';
import { parseSeed } from '../seed-option.js';

export interface InitOptions {
  from?: string;
  seed?: string;
  force?: boolean;
  yes?: boolean;
}

const SCHEMA_REF = './node_modules/devsecrets/manifest.schema.json';

export default async function init(context: CommandContext, options: InitOptions): Promise<number> {
  const { output } = context;
  const seed = options.seed === undefined ? undefined : parseSeed(options.seed);
  const location = locateManifest(context.cwd, context.manifestPath);
  let inferred: InferredVar[] | undefined;
  if (!location.exists) {
    const inference = options.from === undefined ? undefined : await inferFrom(context, options.from);
    inferred = inference?.vars;
    await writeProjectFile(location.path, inference === undefined ? readTemplate(MANIFEST_FILE) : `${JSON.stringify(inference.document, null, 2)}\n`);
    output.info(`created ${MANIFEST_FILE}${options.from === undefined ? ' from the starter template' : ` from ${options.from}`}: review it and commit it`);
    if (inferred !== undefined && !context.json) reportInference(output, inferred);
    for (const { name, spec } of inferred ?? []) {
      if (spec.loaderControl !== true) continue;
      const preset = spec.default === undefined ? '' : ", with the example's value as its default";
      output.warn(`${name} controls how programs load code: the manifest declares it on purpose ("loaderControl": true)${preset}; review it before you commit`);
    }
  } else if (options.from !== undefined) {
    throw new DevsecretsError('FAILURE', `${location.path} already exists; --from only creates a new manifest`, {
      hint: 'edit the existing manifest, or remove it and run init --from again',
    });
  }
  const manifest = await loadManifest(context.cwd, context.manifestPath);
  if (await ensureGitignoreBlock(manifest.root)) output.info('.gitignore now ignores .devsecrets/ and local .env files (never .env.example)');

  if (options.force && storeExists(manifest.root) && process.stdin.isTTY && !options.yes) {
    if (!(await confirm('replace the existing store? values you set will be lost'))) {
      output.info('kept the existing store');
      return 1;
    }
  }
  const created = await createStore(manifest, context.env, { seed, force: options.force === true });
  if (context.json) output.json(initReport(relative(context.cwd, manifest.path), options.from, inferred, created.status));
  if (created.status === 'kept') {
    output.info(`a store already exists at ${relative(context.cwd, storePaths(manifest.root).store)}; kept it (--force replaces it)`);
    return 0;
  }
  await recordAccess(manifest.root, created.document, { action: 'init', vars: Object.keys(created.document.vars) });
  const count = Object.keys(created.document.vars).length;
  if (created.identity.notice !== undefined) output.warn(created.identity.notice);
  const where = created.identity.location === 'keychain' ? 'the OS keychain' : created.identity.path ?? 'an identity file';
  output.info(`${created.status === 'repaired' ? 'finished an interrupted init: ' : ''}store created with ${count} fake value${count === 1 ? '' : 's'} (identity in ${where})`);
  for (const name of loaderVarsWithoutValue(manifest, created.document.vars)) output.warn(`${name} ${noFakeAdvice(name)}`);
  output.info('next: devsecrets run -- <your command>   (for example: devsecrets run -- npm start)');
  return 0;
}

/**
 * The manifest inferred from an example file, or from a provider's production values (a
 * provider reference such as `aws-sm://prod/app`): shapes only, no value kept.
 */
async function inferFrom(context: CommandContext, from: string): Promise<Inference> {
  if (!isProviderRef(from)) return inferManifest(readEnvFileAnnotated(resolve(context.cwd, from)), SCHEMA_REF);
  const { values } = await readProvider(from, { env: context.env });
  return inferFromProduction(values, SCHEMA_REF);
}

/** The `--json` document of init: the manifest, what was inferred (as data, never a value), and what became of the store. */
function initReport(manifest: string, from: string | undefined, vars: readonly InferredVar[] | undefined, store: string): unknown {
  return {
    manifest,
    ...(from === undefined ? {} : { from }),
    ...(vars === undefined ? {} : {
      inferred: vars.map(({ name, spec, reasons }) => ({
        name,
        type: spec.type,
        summary: summarizeSpec(spec),
        secret: spec.secret === true,
        required: spec.required !== false,
        fake: getsFake(name, spec),
        default: spec.default !== undefined,
        reasons,
      })),
    }),
    store,
  };
}
