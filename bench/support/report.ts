import { appendFileSync } from 'node:fs';

/** Text table with right-aligned numeric-looking cells. */
export function formatTable(headers: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  const cells = rows.map((row) => row.map((cell) => (typeof cell === 'number' ? formatNumber(cell) : cell)));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((row) => (row[i] ?? '').length)));
  const numeric = headers.map((_, i) => cells.every((row) => /^[-+]?[\d.,]+( ?[a-zA-Zµ%×/]+)?$|^-$|^n\/a$/.test(row[i] ?? '')));
  const pad = (text: string, i: number) => (numeric[i] ? text.padStart(widths[i]!) : text.padEnd(widths[i]!));
  const line = (row: readonly string[]) => `| ${row.map((c, i) => pad(c, i)).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (numeric[i] ? `${'-'.repeat(w + 1)}:` : `:${'-'.repeat(w + 1)}`)).join('|')}|`;
  return [line(headers), rule, ...cells.map(line)].join('\n');
}

/** Three significant digits, thousands separators for large values. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (Number.isInteger(value) || abs >= 1000) return Math.round(value).toLocaleString('en-US');
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  if (abs === 0) return '0';
  return value.toPrecision(2);
}

export function us(value: number): string {
  return `${formatNumber(value)} µs`;
}

export function ms(valueUs: number): string {
  return `${formatNumber(valueUs / 1000)} ms`;
}

export function bytes(value: number): string {
  if (value >= 1024 * 1024) return `${(value / 1024 / 1024).toFixed(2)} MB`;
  if (value >= 1024) return `${(value / 1024).toFixed(1)} KB`;
  return `${value} B`;
}

export function ratio(value: number): string {
  return `${formatNumber(value)}×`;
}

/** One ratio a benchmark reports against its target. `lowerIsBetter`: PASS when value <= target. */
export interface RatioResult {
  bench: string;
  metric: string;
  value: number;
  target: number;
  /** How the value is shown (×, KB, calls). */
  unit: string;
  /** The raw numbers the ratio was formed from, for the summary. */
  detail: string;
  /** Targets that are not a ratio bound (informational rows) have no verdict. */
  informational?: boolean;
}

export function verdict(result: RatioResult): 'PASS' | 'MISS' | 'info' {
  if (result.informational) return 'info';
  return Number.isFinite(result.value) && result.value <= result.target ? 'PASS' : 'MISS';
}

export function showValue(value: number, unit: string): string {
  return unit === '×' ? ratio(value) : `${formatNumber(value)} ${unit}`;
}

/** The value as shown in a verdict row: with an extra digit when rounding would hide which side of the target it is on. */
export function showVerdictValue(result: RatioResult): string {
  const shown = showValue(result.value, result.unit);
  if (result.informational || !Number.isFinite(result.value) || shown !== showValue(result.target, result.unit)) return shown;
  return result.unit === '×' ? `${result.value.toFixed(3)}×` : `${result.value.toFixed(3)} ${result.unit}`;
}

export function resultsTable(results: readonly RatioResult[]): string {
  return formatTable(
    ['bench', 'metric', 'value', 'target', 'verdict', 'raw'],
    results.map((r) => [r.bench, r.metric, showVerdictValue(r), r.informational ? '-' : `≤ ${showValue(r.target, r.unit)}`, verdict(r), r.detail]),
  );
}

/**
 * Prints a script's ratios and, when run by bench/run-all.ts (BENCH_RESULTS_FILE set), appends them
 * as JSON lines for the final summary.
 */
export function publish(results: readonly RatioResult[]): void {
  console.log('\nRatios against targets (measured in this run):');
  console.log(resultsTable(results));
  const file = process.env.BENCH_RESULTS_FILE;
  if (file) for (const r of results) appendFileSync(file, `${JSON.stringify(r)}\n`);
}

export function heading(text: string): void {
  console.log(`\n== ${text} ==`);
}
