// Variables per environment: the values a tech lead gave a plan's [vars] for one environment
// ("staging", "production"), remembered in the webview's localStorage per repository and plan,
// so choosing the environment again brings its values back. Only values that differ from the
// plan's are kept; secrets never are. Storage can be unavailable or hold garbage: then nothing
// is remembered and the plan's values apply.

import type { VarDto } from './bindings/VarDto';

const KEY = 'release-pilot.vars';

type Remembered = Record<string, Record<string, string>>;

function scope(repo: string, plan: string, environment: string): string {
  return JSON.stringify([repo, plan, environment.trim()]);
}

function loadAll(storage: Storage | undefined): Remembered {
  try {
    const parsed: unknown = JSON.parse(storage?.getItem(KEY) ?? '{}');
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Remembered) : {};
  } catch {
    return {};
  }
}

/** The values remembered for this repository, plan and environment (name → value). */
export function recallVars(
  repo: string,
  plan: string,
  environment: string,
  storage: Storage | undefined = globalThis.localStorage,
): Record<string, string> {
  const found = loadAll(storage)[scope(repo, plan, environment)];
  if (typeof found !== 'object' || found === null) return {};
  return Object.fromEntries(Object.entries(found).filter(([, v]) => typeof v === 'string'));
}

/** The values to send for a run: those that differ from the plan's (a secret whenever typed). */
export function givenVars(vars: VarDto[], typed: Record<string, string>): Record<string, string> {
  const given: Record<string, string> = {};
  for (const v of vars) {
    const value = typed[v.name];
    if (value === undefined) continue;
    if (v.secret ? value !== '' : value !== (v.value ?? '')) given[v.name] = value;
  }
  return given;
}

/** Remember the non-secret values given for this repository, plan and environment. */
export function rememberVars(
  repo: string,
  plan: string,
  environment: string,
  vars: VarDto[],
  given: Record<string, string>,
  storage: Storage | undefined = globalThis.localStorage,
): void {
  const kept = Object.fromEntries(
    Object.entries(given).filter(([name]) => vars.some((v) => v.name === name && !v.secret)),
  );
  const all = loadAll(storage);
  all[scope(repo, plan, environment)] = kept;
  try {
    storage?.setItem(KEY, JSON.stringify(all));
  } catch {
    // Full or disabled storage: remembering is a convenience, not worth an error.
  }
}
