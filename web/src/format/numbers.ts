/** Sizes and speeds in SI units (what qBittorrent, SABnzbd and the *arr apps show), numbers in the viewer's locale. */
const BYTE_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'] as const;

function number(value: number, fractionDigits: number, locale?: string): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: fractionDigits }).format(value);
}

/** 1_440_000_000 → "1.4 GB"; one decimal below 10 of a unit, none above. */
export function formatBytes(bytes: number, locale?: string): string {
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1000 && unit < BYTE_UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const digits = unit === 0 || value >= 10 ? 0 : 1;
  return `${number(value, digits, locale)} ${BYTE_UNITS[unit]}`;
}

/** Bytes per second → "5 MB/s". */
export function formatSpeed(bytesPerSecond: number, locale?: string): string {
  return `${formatBytes(bytesPerSecond, locale)}/s`;
}

/**
 * Progress 0..1 → whole percent, rounded down so an unfinished download never shows 100. The epsilon
 * absorbs float noise (0.29 * 100 is 28.999…).
 */
export function toPercent(progress: number): number {
  const clamped = Math.min(1, Math.max(0, progress));
  return Math.min(100, Math.floor(clamped * 100 + 1e-9));
}

export function formatPercent(progress: number, locale?: string): string {
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(
    toPercent(progress) / 100,
  );
}
