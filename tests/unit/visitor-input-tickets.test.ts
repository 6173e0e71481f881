import { describe, expect, it } from 'vitest';
import { InputTickets } from '../../server/visitors';

/* Input socket tickets (server/visitors/tickets.ts): single use, short-lived, one per session. */

const holder = (session: string, visitor = `secret-${session}`, address = '10.0.0.1') => ({ session, visitor, address });

describe('input socket tickets', () => {
  it('a ticket opens once: the holder it was issued to, then never again', () => {
    const t = new InputTickets(10_000);
    const ticket = t.issue(holder('s1'), 1000);
    expect(ticket).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(t.redeem(ticket, 1500)).toEqual({ ok: true, holder: holder('s1') });
    expect(t.redeem(ticket, 1600)).toMatchObject({ ok: false, why: expect.stringMatching(/unknown or already used/) });
    expect(t.size).toBe(0);
  });

  it('expires: past its time it is refused (and gone), whenever it is presented', () => {
    const t = new InputTickets(10_000);
    const ticket = t.issue(holder('s1'), 1000);
    expect(t.redeem(ticket, 11_001)).toMatchObject({ ok: false, why: expect.stringMatching(/expired ticket/) });
    expect(t.redeem(ticket, 11_002)).toMatchObject({ ok: false, why: expect.stringMatching(/unknown or already used/) });
  });

  it("names its own session and visitor only: another session's ticket gives that session, not the presenter's", () => {
    const t = new InputTickets();
    const a = t.issue(holder('s1', 'alice-secret'), 0);
    const b = t.issue(holder('s2', 'bob-secret'), 0);
    expect(a).not.toBe(b);
    expect(t.redeem(b, 1)).toEqual({ ok: true, holder: holder('s2', 'bob-secret') });
    expect(t.redeem(a, 1)).toEqual({ ok: true, holder: holder('s1', 'alice-secret') });
  });

  it('one per session: a new ticket revokes the one before; a session that ends revokes its ticket', () => {
    const t = new InputTickets();
    const first = t.issue(holder('s1'), 0);
    const second = t.issue(holder('s1'), 10);
    expect(t.redeem(first, 20)).toMatchObject({ ok: false });
    const third = t.issue(holder('s1'), 30);
    t.revoke('s1');
    expect(t.redeem(second, 40)).toMatchObject({ ok: false });
    expect(t.redeem(third, 40)).toMatchObject({ ok: false });
    expect(t.size).toBe(0);
  });

  it('no ticket, or garbage, is refused with what to do', () => {
    const t = new InputTickets();
    t.issue(holder('s1'), 0);
    expect(t.redeem(null, 0)).toMatchObject({ ok: false, why: expect.stringMatching(/no ticket/) });
    expect(t.redeem('', 0)).toMatchObject({ ok: false, why: expect.stringMatching(/no ticket/) });
    expect(t.redeem('x'.repeat(24), 0)).toMatchObject({ ok: false, why: expect.stringMatching(/visitor:ticket/) });
  });

  it('expired tickets are swept, so that sessions that never open a socket leave nothing behind', () => {
    const t = new InputTickets(1000);
    for (let i = 0; i < 50; i++) t.issue(holder(`s${i}`), i);
    const live = t.issue(holder('late'), 5000);
    expect(t.size).toBe(1); // issuing swept the 50 expired ones
    t.sweep(6001);
    expect(t.size).toBe(0);
    expect(t.redeem(live, 6001)).toMatchObject({ ok: false });
  });
});
