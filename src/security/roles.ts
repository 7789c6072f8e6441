import { SetMetadata } from '@nestjs/common';

/**
 * Who may do what: billers post and read; auditors read, replay and verify; finance reads and
 * exports; admins may do everything, including administration.
 */
export type Role = 'biller' | 'auditor' | 'finance' | 'admin';
export const ROLES: readonly Role[] = ['biller', 'auditor', 'finance', 'admin'];

/** The authenticated caller; its name becomes the `actor` of every event it causes. */
export interface Principal {
  keyId: string;
  name: string;
  role: Role;
}

export const ROLES_KEY = 'billing-ledger:roles';
export const PUBLIC_KEY = 'billing-ledger:public';

/** Only these roles may call the route (admin always may). */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** No credential needed (health checks). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** Without @Roles: reads are open to every role, anything that writes to billers. */
export const defaultRoles = (method: string): readonly Role[] =>
  method === 'GET' || method === 'HEAD' ? ['biller', 'auditor', 'finance'] : ['biller'];
