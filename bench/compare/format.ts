/** Number formats shared by the tables and the charts. */

export function formatCount(value: number): string {
  if (value >= 1e6) return `${(value / 1e6).toFixed(2)}M`;
  if (value >= 1e4) return `${(value / 1e3).toFixed(1)}k`;
  if (value >= 100) return Math.round(value).toString();
  return value.toFixed(value >= 10 ? 1 : 2);
}

export function formatMib(value: number): string {
  return value >= 100 ? Math.round(value).toString() : value.toFixed(value >= 1 ? 1 : 2);
}

export function formatMicros(us: number): string {
  if (us >= 1e7) return `${Math.round(us / 1e6)} s`;
  if (us >= 1e6) return `${(us / 1e6).toFixed(2)} s`;
  if (us >= 1e4) return `${Math.round(us / 1e3)} ms`;
  if (us >= 1e3) return `${(us / 1e3).toFixed(1)} ms`;
  return `${Math.round(us)} µs`;
}

export function formatSeconds(value: number): string {
  return value >= 1 ? value.toFixed(2) : value.toPrecision(2);
}

export function formatRatio(value: number | undefined): string {
  if (value === undefined) return '–';
  return `${value >= 10 ? value.toFixed(0) : value.toFixed(2)}×`;
}
