/**
 * One spelling for values coming back from any warehouse, so that tests, unit-test comparisons and the
 * docs site see the same thing whichever adapter ran the query: integers as numbers while they are safe
 * (else strings), dates as `YYYY-MM-DD`, timestamps as ISO 8601 (`T` separator; `Z` when the value has a
 * time zone, converted to UTC), fractional seconds kept to the microsecond.
 */

/** A bigint as a number when it is a safe integer, else as its decimal string. */
export function safeInteger(value: bigint): number | string {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(value)
    : value.toString();
}

const TIMESTAMP_TEXT = /^(\d{4,})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:([+-])(\d{2})(?::?(\d{2}))?(?::?(\d{2}))?|Z)?$/u;

/**
 * `2024-01-02 03:04:05.5` -> `2024-01-02T03:04:05.5`; `2024-01-02 03:04:05+02` -> `2024-01-02T01:04:05Z`.
 * Text it does not recognise (`infinity`, BC dates) is returned unchanged.
 */
export function isoTimestamp(text: string): string {
  const match = TIMESTAMP_TEXT.exec(text);
  if (!match) return text;
  const [, year, month, day, hour, minute, second, fraction = '', sign, offH, offM, offS] = match;
  const hasZone = sign !== undefined || text.endsWith('Z');
  if (!hasZone) return `${year}-${month}-${day}T${hour}:${minute}:${second}${fraction}`;
  const offsetSeconds =
    sign === undefined ? 0 : (sign === '-' ? -1 : 1) * (Number(offH) * 3600 + Number(offM ?? 0) * 60 + Number(offS ?? 0));
  // Date.UTC maps years 0-99 to 1900-1999 and toISOString widens years past 9999: leave those as they came.
  if (Number(year) < 100 || Number(year) > 9999) return text;
  const local = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second));
  const utc = new Date(local - offsetSeconds * 1000).toISOString(); // whole seconds: ms part is .000
  return `${utc.slice(0, 19)}${fraction}Z`;
}
