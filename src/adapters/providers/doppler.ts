/**
 * `doppler://PROJECT/CONFIG`: Doppler's API —
 * `GET $DOPPLER_API_HOST/v3/configs/config/secrets/download?project=…&config=…&format=json`
 * with `Authorization: Bearer $DOPPLER_TOKEN`; the answer is the object of variables.
 * `DOPPLER_API_HOST` defaults to `https://api.doppler.com`, as in Doppler's own CLI.
 */
import { providerError } from './failure.js';
import { checkedAddress, getJson, joinedMessages } from './http.js';
import type { ProviderContext, ProviderRef } from './index.js';
import { toVariables } from './variables.js';

type DopplerRef = Extract<ProviderRef, { scheme: 'doppler' }>;

const DEFAULT_API_HOST = 'https://api.doppler.com';
/**
 * Doppler adds these to every download to say where it came from; they are not the app's
 * configuration, and left in they would read as variables the manifest lacks.
 */
const DOPPLER_METADATA = ['DOPPLER_PROJECT', 'DOPPLER_CONFIG', 'DOPPLER_ENVIRONMENT'];

/**
 * Downloads the config's secrets.
 *
 * @returns every secret of the config but Doppler's own `DOPPLER_PROJECT`, `DOPPLER_CONFIG`
 * and `DOPPLER_ENVIRONMENT`
 * @throws DevsecretsError `PROVIDER_NOT_CONFIGURED` without DOPPLER_TOKEN or for a
 * DOPPLER_API_HOST that is not https (or http to this machine); `PROVIDER_AUTH_FAILED` on 401,
 * `PROVIDER_ACCESS_DENIED` on 403, `PROVIDER_NOT_FOUND` on 404, `PROVIDER_FAILED` on other
 * refusals, `PROVIDER_RESPONSE_INVALID` when the answer is not an object of text; and the
 * failures of `getJson`
 */
export async function readValues(ref: DopplerRef, context: ProviderContext): Promise<Record<string, string>> {
  const { env } = context;
  const host = checkedAddress(env.DOPPLER_API_HOST || DEFAULT_API_HOST, 'DOPPLER_API_HOST', ref.text, `unset DOPPLER_API_HOST to use ${DEFAULT_API_HOST}`);
  const token = env.DOPPLER_TOKEN;
  if (!token) {
    throw providerError('PROVIDER_NOT_CONFIGURED', ref.text, 'DOPPLER_TOKEN is not set', `set DOPPLER_TOKEN to a service token of ${ref.project}/${ref.config}, or a token with access to the project`);
  }
  const url = new URL(`${host.href.replace(/\/$/, '')}/v3/configs/config/secrets/download`);
  url.search = new URLSearchParams({ project: ref.project, config: ref.config, format: 'json' }).toString();
  const document = await getJson({
    ref: ref.text,
    url,
    headers: { Accept: 'application/json', Authorization: `Bearer ${token}` },
    setting: 'DOPPLER_API_HOST',
    secrets: [token],
    context,
    reasonOf: dopplerReason,
    failure(status, reason) {
      switch (status) {
        case 401:
          return providerError('PROVIDER_AUTH_FAILED', ref.text, 'Doppler refused DOPPLER_TOKEN (HTTP 401)', 'the token may be revoked, expired or mistyped: make a new one in the Doppler dashboard', reason);
        case 403:
          return providerError('PROVIDER_ACCESS_DENIED', ref.text, 'Doppler denied access (HTTP 403)', `DOPPLER_TOKEN cannot read ${ref.project}/${ref.config}: a service token reads only its own config`, reason);
        case 404:
          return providerError('PROVIDER_NOT_FOUND', ref.text, 'no such project or config (HTTP 404)', `check the names: doppler configs --project ${ref.project}`, reason);
        default:
          return providerError('PROVIDER_FAILED', ref.text, `Doppler refused the request (HTTP ${status})`, 'check the project and config names and DOPPLER_TOKEN', reason);
      }
    },
  });
  const values = toVariables(document, ref.text, 'the download', 'check that DOPPLER_API_HOST is Doppler\'s API');
  for (const name of DOPPLER_METADATA) delete values[name];
  return values;
}

/** Doppler's own explanation: its `messages` list. */
function dopplerReason(body: unknown): string | undefined {
  return joinedMessages((body as { messages?: unknown } | null)?.messages);
}
