/** Waiting for something with a bound: the keychain's bus probe, a stopped child's grace period. */

/**
 * `operation`'s value, or `fallback` when `ms` pass first. The timer is cleared either way,
 * so it never keeps the process alive; `operation` itself is left to finish or not.
 */
export async function withTimeout<T, F>(operation: Promise<T>, ms: number, fallback: F): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<F>((resolvePromise) => {
    timer = setTimeout(() => resolvePromise(fallback), ms);
  });
  try {
    return await Promise.race([operation, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
