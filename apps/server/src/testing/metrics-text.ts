/**
 * The value of one series in Prometheus text: `name` with exactly `labels` (in any order). A series
 * that is absent reads 0, as a counter that never moved would.
 */
export function metricValue(
  text: string,
  name: string,
  labels: Readonly<Record<string, string>> = {},
): number {
  const wanted = Object.entries(labels);
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = new Map(
      [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (found.size === wanted.length && wanted.every(([key, value]) => found.get(key) === value)) {
      return Number(match[3]);
    }
  }
  return 0;
}

/** The server's `/metrics` text now. */
export async function scrapeMetrics(serverUrl: string): Promise<string> {
  const response = await fetch(`${serverUrl}/metrics`);
  if (!response.ok) throw new Error(`/metrics answered ${response.status}`);
  return response.text();
}
