/** Camunda's date format `yyyy-MM-dd'T'HH:mm:ss.SSSZ`, always in UTC: `2026-01-01T10:00:00.000+0000`. */
export function formatDate(epochMillis: number | null | undefined): string | null {
  if (epochMillis === null || epochMillis === undefined) return null;
  return new Date(epochMillis).toISOString().replace('Z', '+0000');
}

/** Accepts Camunda's format (offset `+0200` or `+02:00`) and plain ISO 8601; undefined when unparsable. */
export function parseDate(text: string): number | undefined {
  const normalized = text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const time = Date.parse(normalized);
  return Number.isNaN(time) ? undefined : time;
}
