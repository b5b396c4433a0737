// Time zones for date functions (`SET time_zone = "..."`): a fixed offset (`Z`, `+03:00`, `-0500`, `UTC`) or a
// region id (`Europe/Paris`), with java.time's rules for local times: a local time in a gap (clocks moved
// forward) moves later by the gap; one in an overlap (clocks moved back) takes the earlier offset.

const OFFSET = /^(?:UTC|GMT|UT)?([+-])(\d{1,2})(?::?(\d{2}))?(?::?(\d{2}))?$/i;

/** Offset in milliseconds of a fixed-offset zone id, or null for a region id. */
function fixedOffset(zone: string): number | null {
  if (/^(Z|UTC|GMT|UT)$/i.test(zone)) return 0;
  const m = OFFSET.exec(zone);
  if (!m) return null;
  const ms = ((+m[2] * 60 + +(m[3] ?? 0)) * 60 + +(m[4] ?? 0)) * 1000;
  return m[1] === '-' ? -ms : ms;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
      hour: 'numeric', minute: 'numeric', second: 'numeric', era: 'short',
    });
    formatters.set(zone, f);
  }
  return f;
}

export function validTimeZone(zone: string): boolean {
  if (fixedOffset(zone) !== null) return true;
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

/** The zone's offset from UTC (milliseconds) at the instant `utcMs`. */
export function offsetAt(zone: string | undefined, utcMs: number): number {
  if (zone === undefined) return 0;
  const fixed = fixedOffset(zone);
  if (fixed !== null) return fixed;
  const parts: Record<string, string> = {};
  for (const p of formatter(zone).formatToParts(new Date(utcMs))) parts[p.type] = p.value;
  const year = parts.era === 'BC' ? 1 - +parts.year : +parts.year;
  const local = Date.UTC(2000, +parts.month - 1, +parts.day, +parts.hour, +parts.minute, +parts.second);
  const shifted = new Date(local);
  shifted.setUTCFullYear(year);
  const utcSeconds = utcMs - (((utcMs % 1000) + 1000) % 1000);
  return shifted.getTime() - utcSeconds;
}

/** The local wall-clock time of an instant, as milliseconds of a UTC calendar (read its fields with getUTC*). */
export function toLocal(utcMs: number, zone: string | undefined): number {
  return utcMs + offsetAt(zone, utcMs);
}

/** The instant of a local wall-clock time in the zone (gap: moved later by the gap; overlap: the earlier offset). */
export function fromLocal(localMs: number, zone: string | undefined): number {
  if (zone === undefined) return localMs;
  const fixed = fixedOffset(zone);
  if (fixed !== null) return localMs - fixed;
  // The offsets in effect a day either side cover any transition near this time.
  const candidates = [...new Set([offsetAt(zone, localMs - 86400000), offsetAt(zone, localMs), offsetAt(zone, localMs + 86400000)])];
  const valid = candidates.map((o) => localMs - o).filter((utc) => toLocal(utc, zone) === localMs).sort((a, b) => a - b);
  if (valid.length) return valid[0];
  // In a gap: the offset in effect before the transition, which lands after it by the gap's length.
  return localMs - offsetAt(zone, localMs - 86400000);
}

/** The zone as Java prints it in a formatted date (`Z` for UTC, `+03:00`, or the region id). */
export function zoneName(zone: string | undefined): string {
  return zone ?? 'Z';
}

/** A date parsed from `text` as if UTC, re-read as a local time of `zone` unless the text gives its own offset. */
export function localIfUnzoned(ms: number, text: string, zone: string | undefined): number {
  const t = text.trim();
  if (zone === undefined || (t.includes('T') && /([Zz]|[+-]\d{2}(:?\d{2})?)$/.test(t))) return ms;
  return fromLocal(ms, zone);
}
