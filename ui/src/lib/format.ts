// Values as people read them: dates, sizes, durations, folder names.

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** "3 days ago", "just now": for recent things where the exact time matters less. */
export function formatAgo(iso: string | null | undefined, now: Date = new Date()): string {
  if (!iso) return '';
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return '';
  const s = Math.round((now.getTime() - t) / 1000);
  if (s < 60) return 'just now';
  const units: [number, string][] = [
    [60, 'minute'],
    [3600, 'hour'],
    [86400, 'day'],
    [86400 * 30, 'month'],
    [86400 * 365, 'year'],
  ];
  let chosen: [number, string] = units[0] as [number, string];
  for (const u of units) if (s >= u[0]) chosen = u;
  const n = Math.floor(s / chosen[0]);
  return `${n} ${chosen[1]}${n === 1 ? '' : 's'} ago`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '';
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

/** The last part of a path, either separator (Windows paths arrive with backslashes). */
export function baseName(path: string): string {
  const parts = path.split(/[\\/]/).filter(Boolean);
  return parts[parts.length - 1] ?? path;
}

/** A repository's name for lists: demo projects live in timestamped folders of the data
 * folder, which say nothing, so they are called what they are. */
export function repoName(path: string, dataDir: string | null | undefined): string {
  const norm = (p: string) => p.replace(/\\/g, '/').replace(/\/+$/, '');
  if (dataDir && norm(path).startsWith(`${norm(dataDir)}/demo/`)) return 'Demo project';
  return baseName(path);
}

/** "Grace Hopper <grace@example.com>" → "Grace Hopper". */
export function personName(person: string): string {
  return person.replace(/\s*<[^>]*>\s*$/, '').trim() || person;
}
