/** Short forms for long identifiers in tables and labels; the full text always goes in a title. */
export function shortMiddle(text: string, head = 6, tail = 4): string {
  if (text.length <= head + tail + 1) return text;
  return `${text.slice(0, head)}…${text.slice(-tail)}`;
}

/** Unix seconds as a UTC ISO timestamp without milliseconds: 2023-06-03T12:34:56Z. */
export function formatUnixUtc(seconds: number | null): string {
  if (seconds === null) return '—';
  const date = new Date(seconds * 1000);
  if (Number.isNaN(date.getTime())) return String(seconds);
  return date.toISOString().replace('.000Z', 'Z');
}

/** Byte counts for progress lines: 1.5 MB. Sizes are not evidence, so a float is fine here. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/**
 * A key fingerprint in groups of four, the way people read it out over the phone:
 * "3fa9 c2d1 …". One that already has separators is shown as the back end wrote it.
 */
export function groupFingerprint(fingerprint: string): string {
  const text = fingerprint.trim();
  if (/[\s:-]/.test(text)) return text;
  return text.match(/.{1,4}/g)?.join(' ') ?? text;
}

/** The first groups of a fingerprint, for banners and lists; the full one goes in a title. */
export function shortFingerprint(fingerprint: string, groups = 3): string {
  const parts = groupFingerprint(fingerprint).split(/[\s:-]+/).filter(Boolean);
  if (parts.length <= groups) return parts.join(' ');
  return `${parts.slice(0, groups).join(' ')}…`;
}

/** An ISO timestamp as its date, 2025-12-02; anything else as it came. */
export function formatIsoDate(iso: string): string {
  return /^\d{4}-\d{2}-\d{2}/.test(iso) ? iso.slice(0, 10) : iso;
}
