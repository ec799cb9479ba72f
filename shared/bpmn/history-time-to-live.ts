/**
 * camunda:historyTimeToLive of a process or decision, as Camunda's ParseUtil reads it: whole days,
 * written as a number or as `P<n>D`. Absent or blank: none.
 */
export function parseHistoryTimeToLive(raw: unknown): { days: number | null } | { error: string } {
  if (raw === undefined || raw === null || String(raw).trim() === '') return { days: null };
  const text = String(raw);
  const days = /^P(\d+)D$/.exec(text)?.[1] ?? text;
  // Integer.parseInt: digits within a Java int.
  if (!/^-?\d+$/.test(days) || Math.abs(Number(days)) > 2147483647) return { error: `Cannot parse historyTimeToLive: For input string: "${text}"` };
  if (Number(days) < 0) return { error: 'Cannot parse historyTimeToLive: negative value is not allowed' };
  return { days: Number(days) };
}
