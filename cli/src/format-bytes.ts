/** `1500` -> `1.5 KB` (powers of 1000, as BigQuery bills). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** What a warehouse reported a node cost, for the run log: ` 1.5 KB processed, 0.4 slot-s`; '' when nothing. */
export function warehouseCost(response: Record<string, unknown> | undefined): string {
  if (!response || typeof response.bytes_processed !== 'number') return '';
  const slots = typeof response.slot_ms === 'number' && response.slot_ms > 0 ? `, ${(response.slot_ms / 1000).toFixed(1)} slot-s` : '';
  return ` ${formatBytes(response.bytes_processed)} processed${slots}`;
}
