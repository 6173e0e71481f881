/** A screen's last switch, as window.__pavilion mirrors it (docs/display.md). */
export type SwitchSeen = { installationId: string | null; showTime: number } | null;

/**
 * Whether a screen has switched to `installationId` since its last switch was `prev` (read just
 * before the command): its last switch is to that piece, and is another switch than `prev`.
 *
 * Not "a switch whose show time is at or after the command": a switch frame's show time is its own
 * rAF timestamp mapped to show time, and under load a frame's timestamp (when the frame began) can be
 * older than the command by a whole busy stretch of the stage's main thread: the view reaches the
 * stage while a frame that began before the command waits to run. A play whose start is already past
 * switches on that very frame, so its switch looked older than the command and a screen that had
 * switched was waited for until the timeout (the contract test's replay, tests/e2e/contract.test.ts).
 * Two switches never share a frame, so a new switch always has another show time than `prev`.
 */
export function switchedTo(prev: SwitchSeen, now: SwitchSeen, installationId: string | null): boolean {
  if (!now || now.installationId !== installationId) return false;
  return !prev || prev.installationId !== now.installationId || prev.showTime !== now.showTime;
}
