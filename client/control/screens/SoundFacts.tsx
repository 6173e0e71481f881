import type { ScreenStatus } from '../../../protocol';

/**
 * A screen's sound guard on its card (client/host/sound-guard.ts, docs/operations.md "The sound
 * guard"): shown once the screen's sound started; a warning while the sound is shed, or once it was.
 */
export function SoundFacts({ screen: s }: { screen: ScreenStatus }) {
  const g = s.sound;
  if (!g || !s.connected) return null;
  const label =
    g.state === 'shed'
      ? `shed, back in ${g.backInS ?? '?'} s`
      : g.state === 'probing'
        ? 'paused: is it starving the screen?'
        : g.sheds > 0
          ? `playing (shed ${g.sheds}× since the page loaded)`
          : 'playing';
  const title =
    g.state === 'shed'
      ? "the screen's sound was taking the CPU its picture needed (without it the page got its time back), so it is off for a while; it comes back by itself. If it happens again, give the piece a lighter sound or the screen a faster computer"
      : g.state === 'probing'
        ? "the screen is starved of CPU while its sound plays: the sound is off for a few seconds to see whether it is the cause"
        : g.sheds > 0
          ? "the sound was shed before, because it was starving the screen; it is back now"
          : "the sound guard watches that the screen's sound does not starve its picture";
  return (
    <>
      <dt>Sound</dt>
      <dd className={g.state !== 'playing' || g.sheds > 0 ? 'warn' : 'ok'} data-testid={`screen-sound-${s.id}`} data-state={g.state} data-sheds={g.sheds} title={title}>
        {label}
      </dd>
    </>
  );
}
