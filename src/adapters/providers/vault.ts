/**
 * `vault://MOUNT/PATH`: HashiCorp Vault's KV version 2 engine over its HTTP API —
 * `GET $VAULT_ADDR/v1/MOUNT/data/PATH` with `X-Vault-Token: $VAULT_TOKEN` (and
 * `X-Vault-Namespace: $VAULT_NAMESPACE` when set); the latest version's `data.data` is the
 * object of variables.
 *
 * VAULT_ADDR must be https, or http to this machine (a dev server): the token is a bearer
 * credential and must not cross a network in clear text.
 */
import { providerError } from './failure.js';
import { checkedAddress, getJson, joinedMessages } from './http.js';
import type { ProviderContext, ProviderRef } from './index.js';
import { toVariables } from './variables.js';

type VaultRef = Extract<ProviderRef, { scheme: 'vault' }>;

/**
 * Reads the latest version of the secret at `ref`.
 *
 * @throws DevsecretsError `PROVIDER_NOT_CONFIGURED` without VAULT_ADDR or VAULT_TOKEN, or for
 * an address that is not https (or http to this machine), or that holds a user name or password;
 * `PROVIDER_ACCESS_DENIED` on 403 (Vault's answer to a bad token too), `PROVIDER_AUTH_FAILED` on
 * 401, `PROVIDER_NOT_FOUND` on 404, `PROVIDER_FAILED` on other refusals,
 * `PROVIDER_RESPONSE_INVALID` when `data.data` is not an object of text; and the failures of `getJson`
 */
export async function readValues(ref: VaultRef, context: ProviderContext): Promise<Record<string, string>> {
  const { env } = context;
  const address = vaultAddress(ref, env.VAULT_ADDR);
  const token = env.VAULT_TOKEN;
  if (!token) {
    throw providerError('PROVIDER_NOT_CONFIGURED', ref.text, 'VAULT_TOKEN is not set', 'set VAULT_TOKEN to a token that may read this path, e.g. VAULT_TOKEN=$(vault print token) after vault login');
  }
  const namespace = env.VAULT_NAMESPACE;
  const apiPath = ['v1', ref.mount, 'data', ...ref.path.split('/')].map(encodeURIComponent).join('/');
  const policyPath = `${ref.mount}/data/${ref.path}`;
  const document = await getJson({
    ref: ref.text,
    url: new URL(`${address.href.replace(/\/$/, '')}/${apiPath}`),
    headers: {
      Accept: 'application/json',
      'X-Vault-Token': token,
      // Vault Agent and proxies refuse requests without it, as a guard against forged browser requests.
      'X-Vault-Request': 'true',
      ...(namespace ? { 'X-Vault-Namespace': namespace } : {}),
    },
    setting: 'VAULT_ADDR',
    secrets: [token],
    context,
    reasonOf: vaultReason,
    failure(status, reason) {
      switch (status) {
        case 401:
          return providerError('PROVIDER_AUTH_FAILED', ref.text, 'Vault refused the token (HTTP 401)', 'log in again (vault login) and set VAULT_TOKEN', reason);
        case 403:
          return providerError('PROVIDER_ACCESS_DENIED', ref.text, 'Vault denied access (HTTP 403)', `VAULT_TOKEN is invalid or expired, or its policy does not allow read on ${policyPath}: vault token lookup, vault token capabilities ${policyPath}${namespace ? '' : '; a token of a namespace needs VAULT_NAMESPACE'}`, reason);
        case 404:
          return providerError('PROVIDER_NOT_FOUND', ref.text, 'no secret at this path (HTTP 404)', `check the path, and that ${ref.mount} is a KV version 2 mount: vault kv get -mount=${ref.mount} ${ref.path}`, reason);
        default:
          return providerError('PROVIDER_FAILED', ref.text, `Vault refused the request (HTTP ${status})`, `check the reference and VAULT_ADDR; vault kv get -mount=${ref.mount} ${ref.path} shows what Vault says`, reason);
      }
    },
  });
  const data = (document as { data?: { data?: unknown } } | null)?.data?.data;
  return toVariables(data, ref.text, 'data.data of the answer', `check that ${ref.mount} is a KV version 2 mount (vault secrets list -detailed) and that the secret holds key/value pairs`);
}

/**
 * Vault's own explanation: its `errors` list, or — for a 404 of KV v2 — the metadata of a
 * latest version that was deleted or destroyed.
 */
function vaultReason(body: unknown): string | undefined {
  const { errors, data } = (body ?? {}) as { errors?: unknown; data?: { metadata?: { deletion_time?: unknown; destroyed?: unknown } } };
  const messages = joinedMessages(errors);
  if (messages !== undefined) return messages;
  const metadata = data?.metadata;
  if (metadata?.destroyed === true) return 'the latest version is destroyed';
  if (typeof metadata?.deletion_time === 'string' && metadata.deletion_time !== '') return 'the latest version is deleted';
  return undefined;
}

/**
 * VAULT_ADDR as a URL.
 *
 * @throws DevsecretsError `PROVIDER_NOT_CONFIGURED` when it is unset, not a URL, holds
 * credentials, or is plain http to another machine
 */
function vaultAddress(ref: VaultRef, text: string | undefined): URL {
  const hint = 'set VAULT_ADDR to the server\'s https address, e.g. VAULT_ADDR=https://vault.example.com:8200';
  if (!text) throw providerError('PROVIDER_NOT_CONFIGURED', ref.text, 'VAULT_ADDR is not set', hint);
  return checkedAddress(text, 'VAULT_ADDR', ref.text, hint);
}
