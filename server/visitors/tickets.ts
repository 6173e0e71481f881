import { randomBytes } from 'node:crypto';

/**
 * Tickets for the input socket (issue 16; protocol/visitor-input.ts): a phone's `/visitor` session
 * hands it a ticket, and the phone opens its input socket with it. A ticket is single-use,
 * short-lived, names the session it was issued to (and that session's visitor and address), and a
 * session holds at most one: issuing another revokes the one before. So an input socket is only
 * ever a second pipe of a live, admitted session: its visitor, place, bans and rate limits are the
 * session's. Pure apart from the random ticket: time is passed in.
 */
export interface TicketHolder {
  /** The `/visitor` session (its socket.io id). */
  session: string;
  /** The visitor's secret id the session joined with. */
  visitor: string;
  /** The address the session counts against (server/transport/addresses.ts). */
  address: string;
}

export type Redeemed = { ok: true; holder: TicketHolder } | { ok: false; why: string };

interface Entry extends TicketHolder {
  expiresAt: number;
}

export const TICKET_MS = 10_000;

export class InputTickets {
  private readonly byTicket = new Map<string, Entry>();
  private readonly bySession = new Map<string, string>();

  constructor(readonly ttlMs = TICKET_MS) {}

  /** A new ticket for this session (the one before, if any, is revoked). */
  issue(holder: TicketHolder, now: number): string {
    this.revoke(holder.session);
    this.sweep(now);
    const ticket = randomBytes(18).toString('base64url');
    this.byTicket.set(ticket, { ...holder, expiresAt: now + this.ttlMs });
    this.bySession.set(holder.session, ticket);
    return ticket;
  }

  /** Takes the ticket (it cannot be used again), or says why it is refused. */
  redeem(ticket: string | null | undefined, now: number): Redeemed {
    if (!ticket) return { ok: false, why: 'no ticket: open the input socket with the ticket the /visitor session gave (?t=…)' };
    const e = this.byTicket.get(ticket);
    if (!e) return { ok: false, why: 'unknown or already used ticket: ask the /visitor session for a new one (visitor:ticket)' };
    this.byTicket.delete(ticket);
    if (this.bySession.get(e.session) === ticket) this.bySession.delete(e.session);
    if (now > e.expiresAt) return { ok: false, why: `expired ticket (they last ${Math.round(this.ttlMs / 1000)} s): ask the /visitor session for a new one (visitor:ticket)` };
    return { ok: true, holder: { session: e.session, visitor: e.visitor, address: e.address } };
  }

  /** The session ended: its ticket, if any, is worth nothing. */
  revoke(session: string): void {
    const t = this.bySession.get(session);
    if (t === undefined) return;
    this.bySession.delete(session);
    this.byTicket.delete(t);
  }

  /** Tickets not yet used nor expired. */
  get size(): number {
    return this.byTicket.size;
  }

  /** Drops expired tickets: the oldest first (a Map keeps insertion order, and every ticket lives as long), up to the first live one. */
  sweep(now: number): void {
    for (const [t, e] of this.byTicket) {
      if (now <= e.expiresAt) return;
      this.byTicket.delete(t);
      if (this.bySession.get(e.session) === t) this.bySession.delete(e.session);
    }
  }
}
