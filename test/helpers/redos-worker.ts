/**
 * Worker entry for test/unit/redos.test.ts (see worker.ts): puts each case through the
 * core directly — the manifest check, fake generation, the validator and the insecure
 * rules with the case's forbid rule — and posts back what each said.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { compileForbidRule, findInsecureReason, forbidRuleProblem } from '../../src/core/insecure.js';
import type { VarSpec } from '../../src/core/manifest-schema.js';
import { checkSpec, compileValidator, generateFake } from '../../src/core/types/index.js';

/** One spec (and optionally one forbid entry) and the values to judge with it. */
export interface RedosCase {
  spec: VarSpec;
  /** A `forbid` entry applied with the spec. */
  forbid?: string;
  inputs: string[];
}

/** What the core said of one case. */
export interface RedosOutcome {
  /** What the manifest check says of the spec (and of the forbid entry). */
  problems: string[];
  /** What the validator says of the generated fake: undefined when it passes. */
  fakeReason: string | undefined;
  /** What the validator says of each input. */
  reasons: (string | undefined)[];
  /** What the insecure rules say of each input. */
  insecure: (string | undefined)[];
}

const SEED = new Uint8Array(32).fill(7);

function outcome({ spec, forbid, inputs }: RedosCase): RedosOutcome {
  const problems = checkSpec('V', spec).map((issue) => issue.message);
  const forbidProblem = forbid === undefined ? undefined : forbidRuleProblem(forbid);
  if (forbidProblem !== undefined) problems.push(forbidProblem);
  const rules = forbid === undefined || forbidProblem !== undefined ? [] : [compileForbidRule(forbid)];
  const validate = compileValidator(spec);
  return {
    problems,
    fakeReason: problems.length === 0 ? validate(generateFake('V', spec, SEED)) : 'no fake: the spec has problems',
    reasons: inputs.map(validate),
    insecure: inputs.map((value) => findInsecureReason(spec, value, rules)),
  };
}

parentPort?.postMessage((workerData as RedosCase[]).map(outcome));
