// Signed reports on the Report screen, the logic without the DOM: the allowed_signers file
// remembered per project, the key chosen first, and the words for each check's result.

import type { ChainStateDto } from './bindings/ChainStateDto';
import type { ReportCheckDto } from './bindings/ReportCheckDto';
import type { SignatureCheckDto } from './bindings/SignatureCheckDto';
import type { SignatureProblemDto } from './bindings/SignatureProblemDto';
import type { SignWithDto } from './bindings/SignWithDto';
import type { SigningSetupDto } from './bindings/SigningSetupDto';
import type { SignoffRoleDto } from './bindings/SignoffRoleDto';

const KEY = 'release-pilot.allowed-signers';

/** The allowed_signers file last used for `project` (the repository folder), if any. */
export function loadAllowedSigners(
  project: string,
  storage: Storage | undefined = globalThis.localStorage,
): string | null {
  try {
    const parsed: unknown = JSON.parse(storage?.getItem(KEY) ?? '{}');
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
    const value = (parsed as Record<string, unknown>)[project];
    return typeof value === 'string' && value !== '' ? value : null;
  } catch {
    return null;
  }
}

/** Remember `path` as `project`'s allowed_signers file. */
export function rememberAllowedSigners(
  project: string,
  path: string,
  storage: Storage | undefined = globalThis.localStorage,
): void {
  try {
    const parsed: unknown = JSON.parse(storage?.getItem(KEY) ?? '{}');
    const map =
      typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
        ? (parsed as Record<string, unknown>)
        : {};
    storage?.setItem(KEY, JSON.stringify({ ...map, [project]: path }));
  } catch {
    // Full or disabled storage: remembering is a convenience, not worth an error.
  }
}

export type SignMethod = 'keyFile' | 'agent';

/** What to offer first: a key file that can sign, else the agent's first key, else a file. */
export function defaultMethod(setup: SigningSetupDto | null): SignMethod {
  if (!setup) return 'keyFile';
  if (setup.keys.some((k) => k.unusable === null)) return 'keyFile';
  return setup.agent.identities.length > 0 ? 'agent' : 'keyFile';
}

/** The first key file that can sign, for the key-file field. */
export function defaultKeyFile(setup: SigningSetupDto | null): string {
  return setup?.keys.find((k) => k.unusable === null)?.path ?? '';
}

/** What signs, from the form's choices; null when nothing is chosen yet. */
export function signWith(method: SignMethod, keyFile: string, agentKey: string): SignWithDto | null {
  if (method === 'keyFile') return keyFile.trim() ? { type: 'keyFile', value: keyFile.trim() } : null;
  return agentKey ? { type: 'agent', value: agentKey } : null;
}

/** A role id as the plan names it ("qa_lead" → "QA lead"); unknown ids as they are. */
export function roleTitle(roles: readonly SignoffRoleDto[], id: string | null): string | null {
  if (!id) return null;
  return roles.find((r) => r.id === id)?.title ?? id;
}

export const PROBLEM_TITLE: Record<SignatureProblemDto, string> = {
  unreadable: 'Not a signature',
  wrongNamespace: 'Wrong namespace',
  unknownSigner: 'Unknown signer',
  namespaceNotAllowed: 'Namespace not allowed',
  expired: 'Key not valid now',
  mismatch: 'Does not match the report',
  revoked: 'Key revoked',
  statementAltered: 'Statement changed after signing',
  otherReport: 'Signs another run',
  unsignedRole: 'Role not signed',
  unknownRole: 'Role not in the plan',
};

/** Who signed, as the allowed_signers file names them. */
export function signerOf(check: SignatureCheckDto): string {
  return check.principals.length > 0 ? check.principals.join(', ') : 'Unknown signer';
}

/** "Good", or the problem's title. */
export function resultOf(check: SignatureCheckDto): string {
  return check.good ? 'Good' : check.problem ? PROBLEM_TITLE[check.problem] : 'Bad';
}

export const CHAIN_TITLE: Record<ChainStateDto, string> = {
  matches: 'Event log matches',
  runNotInStore: 'Run not in this data folder',
  broken: 'Event log broken',
  differs: 'Event log differs',
};

/** Whether the chain finding counts as good (a run kept elsewhere is not held against it). */
export function chainOk(check: ReportCheckDto): boolean {
  return check.chain === 'matches' || check.chain === 'runNotInStore';
}
