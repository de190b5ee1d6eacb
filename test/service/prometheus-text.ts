/**
 * The value of one sample of a Prometheus text exposition (`GET /metrics`): the metric `name`
 * whose labels include every pair of `labels` (summed when several series match). 0 when no
 * series matches, as an unincremented labelled counter does not appear at all.
 */
export function metricValue(
  exposition: string,
  name: string,
  labels: Readonly<Record<string, string>> = {},
): number {
  let total = 0;
  for (const line of exposition.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const series = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map(([, key, value]) => [key, value]),
    );
    if (Object.entries(labels).every(([key, value]) => series[key] === value)) {
      total += Number(match[3]);
    }
  }
  return total;
}
