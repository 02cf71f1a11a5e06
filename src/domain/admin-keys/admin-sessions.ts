import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectEntityManager } from '@nestjs/typeorm';
import { EntityManager } from 'typeorm';
import { Clock } from '../../platform/clock';
import { sessionConfig, type SessionConfig } from '../../platform/config/app.config';
import { AdminSession } from './admin-session.entity';

/** What a live session says about its holder. */
export interface SessionHolder {
  adminKeyId: string;
  adminKeyName: string;
  /** When the session ends at the latest (idleness may end it sooner). */
  expiresAt: Date;
}

/** A session id: 256 random bits, URL-safe (it travels in a cookie). */
const newSessionId = () => randomBytes(32).toString('base64url');
const hashOf = (sessionId: string) => createHash('sha256').update(sessionId).digest('hex');
/** Anything else in the cookie is refused without a lookup. */
const WELL_FORMED = /^[A-Za-z0-9_-]{43}$/;

/**
 * Console sessions: an admin key, checked once at sign-in, exchanged for a random session id that the
 * browser keeps in an HttpOnly cookie, so the key itself never stays in the browser.
 *
 * Not cached, unlike keys: every lookup is one UPDATE … RETURNING in PostgreSQL that checks the session, its
 * idleness (ADMIN_SESSION_IDLE_MINUTES), its absolute end (ADMIN_SESSION_MAX_HOURS) and its admin key's
 * `revoked_at` together, and moves `last_seen_at`. So sign-out and a revoked key end a session at once on
 * every instance, and the console's few requests cost one round trip each. Times come from the Clock.
 */
@Injectable()
export class AdminSessions {
  constructor(
    @InjectEntityManager() private readonly manager: EntityManager,
    private readonly clock: Clock,
    @Inject(sessionConfig.KEY) private readonly config: SessionConfig,
  ) {}

  get idleMs(): number {
    return this.config.adminSessionIdleMinutes * 60_000;
  }

  /** A new session for an admin key already checked; returns its id (for the cookie, nowhere else). */
  async start(adminKeyId: string): Promise<{ sessionId: string; expiresAt: Date }> {
    const now = new Date(this.clock.now());
    const expiresAt = new Date(now.getTime() + this.config.adminSessionMaxHours * 3_600_000);
    const sessionId = newSessionId();
    await this.manager.insert(AdminSession, { tokenHash: hashOf(sessionId), adminKeyId, createdAt: now, lastSeenAt: now, expiresAt });
    // Housekeeping: sessions that ended by time are of no use to anyone.
    await this.manager.query(`DELETE FROM "admin_sessions" WHERE "expires_at" <= $1 OR "last_seen_at" <= $2`, [
      now,
      new Date(now.getTime() - this.idleMs),
    ]);
    return { sessionId, expiresAt };
  }

  /** The holder of a live session, which counts as seen now; undefined when it is unknown, ended or its key revoked. */
  async touch(sessionId: string): Promise<SessionHolder | undefined> {
    if (!WELL_FORMED.test(sessionId)) return undefined;
    const now = new Date(this.clock.now());
    // TypeORM answers an UPDATE … RETURNING with [rows, affected].
    const [rows] = await this.manager.query<[SessionHolder[], number]>(
      `UPDATE "admin_sessions" s SET "last_seen_at" = $2
         FROM "admin_keys" k
        WHERE s."token_hash" = $1 AND k."id" = s."admin_key_id" AND k."revoked_at" IS NULL
          AND s."expires_at" > $2 AND s."last_seen_at" > $3
       RETURNING s."admin_key_id" AS "adminKeyId", k."name" AS "adminKeyName", s."expires_at" AS "expiresAt"`,
      [hashOf(sessionId), now, new Date(now.getTime() - this.idleMs)],
    );
    return rows[0];
  }

  /** Sign-out: the session is gone, whatever its state. */
  async end(sessionId: string): Promise<void> {
    if (WELL_FORMED.test(sessionId)) await this.manager.delete(AdminSession, { tokenHash: hashOf(sessionId) });
  }
}
