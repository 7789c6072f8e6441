import { Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { AuthenticatedRequest } from './auth.guard';

/** Rate limits count per principal (API key) once authenticated, per address otherwise. */
@Injectable()
export class PrincipalThrottlerGuard extends ThrottlerGuard {
  protected override async getTracker(request: Record<string, unknown>): Promise<string> {
    const req = request as unknown as AuthenticatedRequest;
    return req.principal ? `key:${req.principal.keyId}` : `ip:${req.ip ?? 'unknown'}`;
  }
}
