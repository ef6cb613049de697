// Recently opened repositories, kept in the webview's localStorage (most recent first). Storage
// can be unavailable or hold garbage; then the list is simply empty.

const KEY = 'release-pilot.recent';
const LIMIT = 8;

export interface RecentRepo {
  path: string;
  /** ISO time it was last opened. */
  openedAt: string;
}

export function loadRecent(storage: Storage | undefined = globalThis.localStorage): RecentRepo[] {
  try {
    const parsed: unknown = JSON.parse(storage?.getItem(KEY) ?? '[]');
    if (!Array.isArray(parsed)) return [];
    return parsed.filter(
      (r): r is RecentRepo =>
        typeof r === 'object' && r !== null && typeof r.path === 'string' && typeof r.openedAt === 'string',
    );
  } catch {
    return [];
  }
}

export function rememberRecent(
  path: string,
  at: Date = new Date(),
  storage: Storage | undefined = globalThis.localStorage,
): RecentRepo[] {
  const list = [{ path, openedAt: at.toISOString() }, ...loadRecent(storage).filter((r) => r.path !== path)].slice(
    0,
    LIMIT,
  );
  try {
    storage?.setItem(KEY, JSON.stringify(list));
  } catch {
    // Full or disabled storage: the list is a convenience, not worth an error.
  }
  return list;
}

export function forgetRecent(path: string, storage: Storage | undefined = globalThis.localStorage): RecentRepo[] {
  const list = loadRecent(storage).filter((r) => r.path !== path);
  try {
    storage?.setItem(KEY, JSON.stringify(list));
  } catch {
    // As above.
  }
  return list;
}
