import { describe, expect, it } from 'vitest';
import { foldedAcks } from '../support/acks';
import { RATE_LIMITED } from '../../server/visitors/options';

describe('folded acks (server/visitors/acks.ts)', () => {
  it('answers the first input at once, folds the next ones of the window into one answer carrying the latest number', () => {
    const { folder, sent } = foldedAcks(200);
    folder.accepted('a', 1, 1000);
    expect(sent).toEqual([{ phone: 'a', ack: { ok: true, n: 1 } }]);
    for (let n = 2; n <= 4; n++) folder.accepted('a', n, 1000 + (n - 1) * 50); // 1050, 1100, 1150
    expect(sent).toHaveLength(1);
    expect(folder.owed).toBe(1);
    folder.sweep(1190); // not a window since the last answer yet
    expect(sent).toHaveLength(1);
    folder.sweep(1200);
    // one answer for inputs 2–4, held 50 ms since input 4 came in
    expect(sent[1]).toEqual({ phone: 'a', ack: { ok: true, n: 4, h: 50 } });
    expect(folder.owed).toBe(0);
    folder.sweep(2000);
    expect(sent).toHaveLength(2); // nothing owed, nothing sent
  });

  it('an input that crosses the window is answered at once, for every owed input before it', () => {
    const { folder, sent } = foldedAcks(200);
    for (let n = 1; n <= 9; n++) folder.accepted('a', n, (n - 1) * 50); // 0, 50, …, 400
    // answered at 0 (n 1), 200 (n 5), 400 (n 9): 3 answers for 9 inputs, each at once
    expect(sent.map((s) => s.ack)).toEqual([
      { ok: true, n: 1 },
      { ok: true, n: 5 },
      { ok: true, n: 9 },
    ]);
    expect(folder.owed).toBe(0);
  });

  it('carries the pace while the server asks for one', () => {
    const { folder, sent, setPace } = foldedAcks(200);
    setPace(75);
    folder.accepted('a', 1, 0);
    folder.accepted('a', 2, 10);
    folder.sweep(200);
    expect(sent.map((s) => s.ack)).toEqual([
      { ok: true, n: 1, pace: 75 },
      { ok: true, n: 2, pace: 75, h: 190 },
    ]);
  });

  it('answers a refusal at once, which answers the owed inputs before it; phones are folded apart', () => {
    const { folder, sent } = foldedAcks(200);
    folder.accepted('a', 1, 0);
    folder.accepted('b', 1, 0);
    folder.accepted('a', 2, 10);
    folder.accepted('b', 2, 10);
    folder.refused('a', 3, RATE_LIMITED, 20);
    expect(sent.slice(2)).toEqual([{ phone: 'a', ack: { ok: false, n: 3, error: RATE_LIMITED.error } }]);
    expect(folder.owed).toBe(1); // b still owed
    folder.sweep(200);
    expect(sent.slice(3)).toEqual([{ phone: 'b', ack: { ok: true, n: 2, h: 190 } }]);
    // a's window restarted at its refusal
    folder.accepted('a', 4, 100);
    expect(sent).toHaveLength(4);
    folder.sweep(220);
    expect(sent[4]).toEqual({ phone: 'a', ack: { ok: true, n: 4, h: 120 } });
  });

  it('forgets a phone that went away', () => {
    const { folder, sent } = foldedAcks(200);
    folder.accepted('a', 1, 0);
    folder.accepted('a', 2, 10);
    folder.forget('a');
    folder.sweep(1000);
    expect(sent).toHaveLength(1);
    expect(folder.owed).toBe(0);
  });
});
