/**
 * How every page's socket (screens, panel, phones, the clock worker) comes back after the server
 * went away. socket.io-client retries on its own with exponential backoff and jitter; these are
 * the figures, chosen on purpose (issue 12: a screen is back playing ≤ 3 s after the server is):
 *
 * - the first retry after 0.5 s, then doubling (socket.io's factor 2): 0.5 s, 1 s, 2 s;
 * - each delay randomised by ±50 % (randomizationFactor 0.5), so that 16 screens and 500 phones
 *   that lost the server at the same instant do not all knock at the same instant when it is back;
 * - never more than 2.5 s between tries, for ever (no attempt limit: a screen never gives up).
 *
 * socket.io-client 4.8 computes `min · 2^attempts`, randomises it, then clamps it to the maximum.
 * Two consequences `holdBackoff` corrects: once the product overflows (after about 1,000 tries,
 * some 40 minutes without a server) the delay becomes NaN, read as 0, and half the retries then
 * run back to back in a tight loop; and long before that, the clamp alone would make every delay
 * exactly the maximum, so the jitter would be gone. Holding the attempt count at 2 keeps each
 * later delay random within 1–2.5 s (2 s ± 50 %, clamped), for as long as the server is away.
 *
 * Screens (`SCREEN_RECONNECT`) knock far more often: 0.1 s, 0.2 s, then every 0.2–0.6 s (0.4 s
 * ± 50 %, clamped). They are few (a wall's handful, at most a few dozen per server) against
 * hundreds of phones; a try against a server that is away costs one refused TCP connection, and
 * against a slow server the next try waits for the pending handshake (socket.io does not stack
 * them). The 2.5 s steady gap, then 1.2 s, left too little of issue 12's 3 s for the handshake on
 * a loaded server (docs/performance.md, bench:reconnect). Phones and the panel keep `RECONNECT`.
 */
export const RECONNECT = {
  reconnection: true,
  reconnectionAttempts: Infinity,
  reconnectionDelay: 500,
  reconnectionDelayMax: 2500,
  randomizationFactor: 0.5,
} as const;

/** The screens' figures (see above): a fifth of the delays, at most 0.6 s between tries. */
export const SCREEN_RECONNECT = {
  ...RECONNECT,
  reconnectionDelay: 100,
  reconnectionDelayMax: 600,
} as const;

/** The attempt count the backoff is held at (see above): 500 ms · 2² = 2 s, ± 50 % (screens: 100 ms · 2² = 0.4 s). */
export const HELD_ATTEMPTS = 2;

/** socket.io-client's backoff state (a private field of its Manager, version pinned in package.json). */
export interface BackoffState {
  attempts: number;
  duration(): number;
}

/** The Manager's backoff, or null if this socket.io-client version keeps it elsewhere. */
export function backoffOf(manager: object): BackoffState | null {
  const b = (manager as { backoff?: Partial<BackoffState> }).backoff;
  return b && typeof b.attempts === 'number' && typeof b.duration === 'function' ? (b as BackoffState) : null;
}

/** Call after each retry was scheduled: holds the attempt count so delays stay random and finite. */
export function holdBackoff(b: BackoffState | null): void {
  if (b && b.attempts > HELD_ATTEMPTS) b.attempts = HELD_ATTEMPTS;
}

interface ManagerLike {
  on(ev: 'reconnect_attempt', fn: (attempt: number) => void): unknown;
}

/** Installs `holdBackoff` on a socket's Manager (`socket.io`). Every socket the client opens goes through here. */
export function steadyBackoff(manager: ManagerLike): void {
  const b = backoffOf(manager);
  manager.on('reconnect_attempt', () => holdBackoff(b));
}
