// The sign-off screen's plain answers, without the DOM: who decided what (name, role,
// decision, comment, UTC time), which roles still need approvals ("1 of 2"), and which
// approvals do not count because of separation of duties.

import type { DecisionDto } from './bindings/DecisionDto';
import type { SignoffDto } from './bindings/SignoffDto';
import type { SignoffRoleDto } from './bindings/SignoffRoleDto';

/** One standing decision, with its role and whether it counts. */
export interface DecisionRow {
  name: string;
  role: string;
  decision: DecisionDto;
  comment: string;
  /** "2026-11-20 23:52 UTC". */
  at: string;
  /** Why an approval does not count (separation of duties), or null. */
  notCounted: string | null;
}

/** A role still short of approvals. */
export interface MissingRole {
  id: string;
  title: string;
  /** "1 of 2 approvals". */
  count: string;
  /** What else stands in its way: a standing reject or hold. */
  blocked: string | null;
}

export const DECISION_TEXT: Record<DecisionDto, string> = {
  approve: 'Approved',
  reject: 'Rejected',
  hold: 'On hold',
};

/** An RFC 3339 time as "YYYY-MM-DD HH:MM UTC" (the report's form); garbage as it is. */
export function utc(at: string): string {
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return at;
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** "1 of 2 approvals". */
export function approvalCount(role: Pick<SignoffRoleDto, 'approvals' | 'missing'>): string {
  const have = Math.max(0, role.approvals - role.missing);
  return `${have} of ${role.approvals} approval${role.approvals === 1 ? '' : 's'}`;
}

/** Every standing decision across the roles, oldest first. */
export function decisions(roles: readonly SignoffRoleDto[]): DecisionRow[] {
  const row = (role: SignoffRoleDto, s: SignoffDto, notCounted: string | null): DecisionRow => ({
    name: s.name,
    role: role.title,
    decision: s.decision,
    comment: s.comment,
    at: utc(s.at),
    notCounted,
  });
  const rows = roles.flatMap((r) => [
    ...r.approvedBy.map((s) => ({ s, row: row(r, s, null) })),
    ...r.blockedBy.map((s) => ({ s, row: row(r, s, null) })),
    ...r.notCounted.map((n) => ({ s: n.signoff, row: row(r, n.signoff, n.why) })),
  ]);
  rows.sort((a, b) => a.s.at.localeCompare(b.s.at));
  return rows.map((r) => r.row);
}

/** Roles that do not have their approvals yet, with their counts and what blocks them. */
export function missingRoles(roles: readonly SignoffRoleDto[]): MissingRole[] {
  return roles
    .filter((r) => r.missing > 0 || r.state === 'rejected' || r.state === 'onHold')
    .map((r) => ({
      id: r.id,
      title: r.title,
      count: approvalCount(r),
      blocked:
        r.blockedBy.length > 0
          ? r.blockedBy
              .map((s) => `${s.name} ${s.decision === 'reject' ? 'rejected' : 'put it on hold'}: ${s.comment || 'no reason given'}`)
              .join('; ')
          : null,
    }));
}

/** Approvals refused by separation of duties (or any other rule), with why. */
export function refusals(roles: readonly SignoffRoleDto[]): { name: string; role: string; why: string }[] {
  return roles.flatMap((r) => r.notCounted.map((n) => ({ name: n.signoff.name, role: r.title, why: n.why })));
}
