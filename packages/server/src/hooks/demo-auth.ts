/**
 * The demo's authentication and job access, written as `ServerHooks`: bearer tokens signed
 * with the server secret (`Authorization: Bearer` for REST, `?token=` for the relay), and
 * "dispatchers see every job, technicians only the jobs assigned to them".
 */
import { OutpostError } from '@outpost/shared';
import { verifyToken } from '../auth/token';
import type { Principal } from '../auth/token';
import type { JobRecord } from '../store/store';
import type { AuthRequest } from './server-hooks';

/** The built-in `authenticate` and `authorizeJob`, for tokens signed with `secret`. */
export function demoAuth(secret: string): {
  authenticate(request: AuthRequest): Promise<Principal>;
  authorizeJob(principal: Principal, job: JobRecord): boolean;
} {
  return {
    authenticate({ headers, url }) {
      const bearer = /^Bearer\s+(\S+)$/i.exec(headers.get('authorization') ?? '')?.[1];
      return verifyToken(bearer ?? url.searchParams.get('token'), secret);
    },
    authorizeJob(principal, job) {
      if (principal.role === 'technician' && !job.assignees.includes(principal.userId)) {
        throw new OutpostError('not_assigned', `Job ${job.id} is not assigned to you.`);
      }
      return true;
    },
  };
}
