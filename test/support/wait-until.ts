/**
 * Resolves once `condition` holds; rejects with `what` after `ms`. For server-side state that
 * has no event to wait on (counters, probes): the bound is generous, the check frequent.
 */
export async function waitUntil(condition: () => boolean, what: string, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
