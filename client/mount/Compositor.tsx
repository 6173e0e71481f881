import { useFrame, useThree } from '@react-three/fiber';
import { useEffect, useMemo } from 'react';
import type { PieceHost } from '../host';
import type { RunLayer } from './layers';
import type { RunBus } from './RunSlot';
import { TransitionOverlay } from './Overlay';
import { PRECONNECT_MS, keepLinked, type LinkedBus } from './bus-link';

type Layer = RunLayer & { bus?: RunBus | null };

/** Sound gains follow the picture in short ramps, so that nothing clicks. */
const GAIN_RAMP_S = 0.04;

/**
 * Draws a screen's frame (r3f's own render is off: this runs at priority 1): the run on screen, or
 * during a transition both runs mixed from show time (a crossfade draws each run into a target
 * at a reduced resolution, Overlay.ts BLEND_SCALE, and mixes the two onto the screen; a fade goes
 * through black). It also warms runs off-screen, one step a frame: once mounted, their materials are
 * compiled (compileAsync: KHR_parallel_shader_compile where the GPU has it), then they are drawn
 * once, clipped to one pixel, into the screen's framebuffer and into a crossfade's target
 * (buffers and textures uploaded, and the GPU's pipelines made for both: a software GL builds
 * them per framebuffer format at the first draw, which would otherwise be the switch frame's
 * work), then the host is told. Kept runs neither run nor draw. Sound gains of each run follow
 * the same mix; runs not on screen stay silent.
 */
export function Compositor({ host, screen, layers }: { host: PieceHost; screen: string; layers: Map<string, Layer> }) {
  const gl = useThree((s) => s.gl);
  const scene = useThree((s) => s.scene);
  const camera = useThree((s) => s.camera);
  const overlay = useMemo(() => new TransitionOverlay(gl), [gl]);
  useEffect(() => () => overlay.dispose(), [overlay]);
  const gains = useMemo(() => new WeakMap<RunBus, number>(), []);

  useFrame((_state, delta, frame) => {
    const snap = host.snapshot();
    const mix = host.mix();
    // The run on screen this frame (its lights gate reads it: client/mount/RunSlot.tsx).
    for (const [slot, l] of layers) l.onScreen = slot === snap.run?.slot;
    const fail = (slot: string, e: unknown) => host.fail('frame', e, slot, screen);
    const setGain = (l: Layer | undefined, v: number) => {
      const bus = l?.bus;
      if (!bus || Math.abs((gains.get(bus) ?? -1) - v) < 0.005) return;
      gains.set(bus, v);
      bus.gain.rampTo(v, GAIN_RAMP_S);
    };

    // Warm one run a frame (the next one first), off-screen. Layers are the runs' mounts (by slot);
    // the steps are per run key, so a run adopted under a new key warms again (nothing to compile).
    // A run that sounds is told warm once its sound graph is complete too (the work its piece
    // declared with sound.waitFor settled: a reverb's impulse response is set on its convolver
    // then), unless its start is due by the next frame: then on time, its sound finishing after.
    const warming = [snap.incoming, ...snap.kept].find((r) => {
      const l = r && !host.isWarm(r.key, screen) ? layers.get(r.slot) : undefined;
      return l?.mounted && l.settledFor === r!.key;
    });
    const w = warming ? layers.get(warming.slot) : undefined;
    const steps = warming && w ? w.warmSteps(warming.key) : undefined;
    if (warming && w && steps && !steps.compiling) {
      if (!steps.compiled) {
        steps.compiling = true;
        try {
          w.runFrame(0, frame); // what a piece builds in its first frame exists before it compiles
        } catch (e) {
          fail(warming.slot, e);
        }
        const done = () => {
          steps.compiling = false;
          steps.compiled = true;
        };
        gl.compileAsync(w.scene, w.camera).then(done, done);
      } else if (!steps.warm) {
        try {
          w.warmDraw(gl, overlay.warmTarget());
          overlay.prime(); // the transition quad's first draw on this screen, here rather than in a transition
        } catch (e) {
          fail(warming.slot, e);
        }
        steps.warm = true;
      }
      const due = host.clock.showTime + Math.max(50, 2000 * delta) >= warming.startedAt;
      if (steps.warm && (!w.soundWaits?.pending || due)) host.warmed(warming.key, screen);
    }

    const run = snap.run ? layers.get(snap.run.slot) : undefined;
    const out = snap.outgoing ? layers.get(snap.outgoing.slot) : undefined;
    const draw = (l: Layer | undefined, slot: string | undefined, target: Parameters<Layer['draw']>[1]) => {
      if (!l || !slot) {
        gl.setRenderTarget(target);
        gl.clear();
        gl.setRenderTarget(null);
        return;
      }
      try {
        l.draw(gl, target, delta, true, frame);
      } catch (e) {
        fail(slot, e);
      }
    };

    if (!mix) {
      if (snap.run) draw(run, snap.run.slot, null);
      else {
        gl.setRenderTarget(null);
        gl.render(scene, camera); // nothing playing: the idle picture (the fallback, or black)
      }
      if (!warming) overlay.release();
      setGain(run, 1);
      if (out) setGain(out, 0);
    } else if (mix.type === 'crossfade') {
      // Both runs into their own targets at the blend's reduced resolution (the renderer reports
      // the blend's pixel ratio meanwhile, so a piece's own buffers shrink too), then mixed onto
      // the screen: about one piece's frame of pixels, not two plus a screen-sized target.
      overlay.atBlendScale(() => {
        draw(out, snap.outgoing?.slot, overlay.targetFor('out'));
        draw(run, snap.run?.slot, overlay.targetFor('in'));
      });
      overlay.blend(mix.opacity);
      setGain(out, mix.gainOut);
      setGain(run, mix.gainIn);
    } else {
      if (mix.show === 'outgoing') draw(out, snap.outgoing?.slot, null);
      else draw(run, snap.run?.slot, null);
      overlay.veil(mix.black);
      setGain(out, mix.gainOut);
      setGain(run, mix.gainIn);
    }
    // Warming and kept runs stay silent (one that just left after a cut too, before its bus is released).
    for (const [slot, l] of layers) if (slot !== snap.run?.slot && slot !== snap.outgoing?.slot) setGain(l, 0);
    // Only buses that may sound are rendered (bus-link.ts): the run on screen, the one leaving, and
    // the next one from PRECONNECT_MS before its start (silent, so the switch frame connects nothing).
    const soon = snap.incoming && host.clock.showTime >= snap.incoming.startedAt - PRECONNECT_MS ? snap.incoming.slot : null;
    for (const [slot, l] of layers) if (l.bus) keepLinked(l.bus as unknown as LinkedBus, slot === snap.run?.slot || slot === snap.outgoing?.slot || slot === soon, GAIN_RAMP_S);
  }, 1);
  return null;
}
