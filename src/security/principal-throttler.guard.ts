import { Injectable, type ExecutionContext } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { AuthenticatedRequest } from './auth.guard';

/** Rate limits count per principal (API key) once authenticated, per address otherwise. */
@Injectable()
export class PrincipalThrottlerGuard extends ThrottlerGuard {
  protected override async getTracker(request: Record<string, unknown>): Promise<string> {
    const req = request as unknown as AuthenticatedRequest;
    return req.principal ? `key:${req.principal.keyId}` : `ip:${req.ip ?? 'unknown'}`;
  }

  /** The storage key as plain text: the library hashes it with SHA-256 on every request, for nothing here (it never leaves memory). */
  protected override generateKey(context: ExecutionContext, tracker: string, throttlerName: string): string {
    return `${context.getClass().name}-${context.getHandler().name}-${throttlerName}-${tracker}`;
  }
}
