import { recordAudit, recordLoginFailure } from '../audit/repo.js';
import type { RequestOrigin } from '../auth/actor.js';
import { throttled } from '../auth/guard.js';
import type { Throttle } from '../auth/rate-limit.js';
import { SESSION_TTL_MS, type SessionTokens } from '../auth/session-tokens.js';
import { deleteSession, insertSession } from '../auth/sessions-repo.js';
import type { Db } from '../db/schema.js';
import { ApiError } from '../http/errors.js';
import { findUserByEmail } from '../users/repo.js';
import { toUserView, type UserService } from '../users/service.js';
import type { LoginRequest, Session, SignupRequest } from './schemas.js';

export interface SessionServiceDeps {
  db: Db;
  users: Pick<UserService, 'create' | 'checkPassword' | 'get'>;
  sessionTokens: SessionTokens;
  throttles: {
    loginByEmail: Throttle;
    loginByIp: Throttle;
    signupByIp: Throttle;
    signupByEmail: Throttle;
  };
}

/** A started session: what the answer carries, and the cookie the route sets. */
export interface StartedSession extends Session {
  cookie: string;
}

export type SessionService = ReturnType<typeof sessionService>;

/** Dashboard sessions: sign up, log in (throttled before the password check), log out. */
export function sessionService(deps: SessionServiceDeps) {
  const { db, users, sessionTokens, throttles } = deps;

  async function start(
    user: Parameters<typeof toUserView>[0],
    /** Signup records its own event with the account; a login records this one. */
    event?: { action: 'user.logged_in'; origin: RequestOrigin },
  ): Promise<StartedSession> {
    const { cookie, sessionId } = sessionTokens.issue();
    const now = Date.now();
    await db.transaction().execute(async (trx) => {
      await insertSession(trx, {
        id: sessionId,
        user_id: user.id,
        created_at: new Date(now).toISOString(),
        expires_at: new Date(now + SESSION_TTL_MS).toISOString(),
      });
      if (event) {
        await recordAudit(trx, {
          userId: user.id,
          actor: { id: 'session', ...event.origin },
          action: event.action,
          targetId: user.id,
        });
      }
    });
    return { user: toUserView(user), csrfToken: sessionTokens.csrfTokenFor(sessionId), cookie };
  }

  return {
    async signup(input: SignupRequest, origin: RequestOrigin): Promise<StartedSession> {
      const { ip } = origin;
      // Per address and per email: 409 email_taken stays (the dashboard's clear message), so
      // these budgets are what keeps it from being an account-enumeration oracle (SECURITY.md).
      const byIp = await throttles.signupByIp.consume(ip);
      if (!byIp.allowed) throw throttled(byIp);
      const byEmail = await throttles.signupByEmail.consume(input.email.trim().toLowerCase());
      if (!byEmail.allowed) throw throttled(byEmail);
      return start(await users.create(input, { id: 'session', ...origin }));
    },

    async login(input: LoginRequest, origin: RequestOrigin): Promise<StartedSession> {
      const { ip } = origin;
      const email = input.email.trim().toLowerCase();
      // Reserve the attempt before the password check: checking the budget first and spending
      // after let every concurrent request pass the check (120 parallel guesses, none refused).
      const byEmail = await throttles.loginByEmail.consume(email);
      if (!byEmail.allowed) throw throttled(byEmail);
      const byIp = await throttles.loginByIp.consume(ip);
      if (!byIp.allowed) {
        await throttles.loginByEmail.refund(email);
        throw throttled(byIp);
      }
      const user = await users.checkPassword(email, input.password);
      if (!user) {
        // Only an existing account has a log to write to; an unknown email leaves no trace.
        const known = await findUserByEmail(db, email);
        if (known) await recordLoginFailure(db, { userId: known.id, email, origin });
        throw new ApiError('invalid_credentials');
      }
      // The right password is not a failed attempt: give both reservations back (a success also
      // clears the email's earlier typos, as before).
      await throttles.loginByEmail.reset(email);
      await throttles.loginByIp.refund(ip);
      if (user.disabled === 1) throw new ApiError('user_disabled');
      return start(user, { action: 'user.logged_in', origin });
    },

    async logout(sessionId: string): Promise<void> {
      await deleteSession(db, sessionId);
    },

    async current(userId: string, sessionId: string): Promise<Session> {
      return {
        user: toUserView(await users.get(userId)),
        csrfToken: sessionTokens.csrfTokenFor(sessionId),
      };
    },
  };
}
