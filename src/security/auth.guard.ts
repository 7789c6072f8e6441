import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { LEDGER_CONFIG, type LedgerConfig } from '../common/config';
import { Forbidden, Unauthenticated } from '../common/errors';
import { headerOf } from '../common/http-headers';
import { ApiKeyStore } from './api-keys';
import { defaultRoles, PUBLIC_KEY, ROLES_KEY, type Principal, type Role } from './roles';

export type AuthenticatedRequest = FastifyRequest & { principal?: Principal };

/** Bearer API keys and roles on every route but the public ones; 401 and 403 as problems. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
    private readonly keys: ApiKeyStore,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets) === true) return true;
    if (this.config.auth === 'off') return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = headerOf(request, 'authorization');
    const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw new Unauthenticated('send an API key as `Authorization: Bearer <token>`');
    const principal = this.keys.authenticate(match[1] as string);
    if (!principal) throw new Unauthenticated('that API key is not valid');
    request.principal = principal;
    const allowed = this.reflector.getAllAndOverride<Role[]>(ROLES_KEY, targets) ?? defaultRoles(request.method);
    if (principal.role !== 'admin' && !allowed.includes(principal.role)) {
      throw new Forbidden(`a ${principal.role} may not ${request.method} this resource; it needs ${[...allowed, 'admin'].join(' or ')}`);
    }
    return true;
  }
}
