/** Reading the platform's /metrics (Prometheus text format) in benchmarks. */
export function metricValue(text: string, name: string): number {
  const match = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  return match ? Number(match[1]) : 0;
}

/** Upper bound of the histogram bucket holding quantile `q` (the resolution is the bucket layout's). */
export function histogramQuantile(text: string, name: string, q: number): number {
  const buckets = [...text.matchAll(new RegExp(`^${name}_bucket\\{le="([^"]+)"\\} (\\S+)$`, 'gm'))].map((m) => ({ le: Number(m[1]), count: Number(m[2]) }));
  const total = buckets[buckets.length - 1]?.count ?? 0;
  return buckets.find((b) => b.count >= q * total)?.le ?? NaN;
}
