/** `devsecrets audit [--verify] [--json]` — show the access log, and prove it was not edited. */
import { auditChainFinding, verifyAuditLog, type AuditEntry } from '../../core/audit.js';
import { ExitCode } from '../../core/errors.js';
import { toReport, type Finding } from '../../core/findings.js';
import { readAuditLog } from '../../adapters/audit-log.js';
import { readManifestFile } from '../../adapters/manifest-file.js';
import { storePaths } from '../../adapters/store-files.js';
import { openStore } from '../../adapters/store.js';
import type { CommandContext } from '../context.js';

export interface AuditOptions {
  verify?: boolean;
}

export default async function audit(context: CommandContext, options: AuditOptions): Promise<number> {
  const { root } = readManifestFile(context.cwd, context.manifestPath);
  const path = storePaths(root).audit;
  const files = readAuditLog(root);
  // Without the store (destroyed, or no identity here) the chain is still checked; the MACs need its key.
  const current = await openStore(root, context.env)
    .then(({ document }) => ({ store: document.storeId, key: document.auditKey }))
    .catch(() => undefined);
  const verification = verifyAuditLog(files, current);
  const broken = auditChainFinding(verification, path);
  const findings: Finding[] = broken === undefined ? [] : [broken];
  if (context.json) {
    context.output.json({ ...toReport(findings), entries: verification.entries });
  } else if (options.verify) {
    context.output.findings(toReport(findings));
  } else {
    if (verification.entries.length > 0) context.output.data(verification.entries.map(describe).join('\n'));
    else context.output.info('the audit log is empty');
    if (findings.length > 0) context.output.warn(`${findings[0]!.message}; run devsecrets audit --verify`);
  }
  if (options.verify && verification.broken === undefined) {
    const unsigned = verification.unsigned > 0 ? ` (${verification.unsigned} from earlier stores, checked by the chain only)` : '';
    context.output.info(`verified ${verification.entries.length} entries${unsigned}${current === undefined ? '; the store could not be opened, so signatures (the head\'s too) were not checked' : ''}`);
  }
  return options.verify && verification.broken !== undefined ? ExitCode.failure : ExitCode.ok;
}

function describe(entry: AuditEntry): string {
  const what = `${entry.action}${entry.command === undefined ? '' : ` ${entry.command}`}${entry.refused === undefined ? '' : ` (refused: ${entry.refused})`}`;
  return `${entry.time}  ${what.padEnd(12)}  ${entry.user}  pid ${entry.pid}  ${entry.vars.join(', ')}`.trimEnd();
}
