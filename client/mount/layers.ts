import { Scene, Vector4, type Camera, type WebGLRenderer, type WebGLRenderTarget } from 'three';
import type { RootState } from '@react-three/fiber';

/** One run's warm-up on one screen: its materials compiled, then drawn once off-screen. */
export interface WarmSteps {
  key: string;
  compiled: boolean;
  compiling: boolean;
  warm: boolean;
}

type FrameRef = { current: (state: RootState, delta: number, frame?: XRFrame) => void };
interface Sub {
  ref: FrameRef;
  priority: number;
  store: { getState(): RootState };
}

/**
 * One run's own world inside the one <Canvas>: its scene, its camera and its own list of frame
 * callbacks (the useFrame of everything it mounts, through the portal's `internal.subscribe`). The
 * compositor decides each frame whether its callbacks run and where it draws: nowhere (warming,
 * kept dormant), the screen, or a render target for a crossfade. A run whose callbacks take the
 * drawing into their own hands (postprocessing's EffectComposer, priority > 0) draws itself.
 */
export class RunLayer {
  readonly scene = new Scene();
  private subs: Sub[] = [];
  private selfRendering = 0;
  /** The piece has mounted (its Suspense resolved) on this screen. */
  mounted = false;
  /** It is the run on screen this frame (the compositor sets it): only that run drives the wall's lights. */
  onScreen = false;
  /** The run key whose inputs (its sound bus, if it sounds) the piece has committed with: it may warm then. */
  settledFor: string | null = null;
  /** The sound work its piece declared (SoundRuntime.waitFor, e.g. a reverb's impulse response): it warms once none is pending. */
  soundWaits: { readonly pending: number } | null = null;
  private steps: WarmSteps = { key: '', compiled: false, compiling: false, warm: false };

  constructor(
    readonly slot: string,
    readonly camera: Camera,
  ) {
    this.scene.name = `pavilion-run:${slot}`;
  }

  /**
   * The warm-up steps done on this screen (compiled, then drawn once off-screen) for run `key`. A
   * run adopted under a new key starts them again: its programs are compiled already, so that is a
   * frame or two, and it draws once with its new time and params before it may switch.
   */
  warmSteps(key: string): WarmSteps {
    if (this.steps.key !== key) this.steps = { key, compiled: false, compiling: false, warm: false };
    return this.steps;
  }

  /** The portal's `internal.subscribe`: useFrame inside this run registers here, not on the root. */
  readonly subscribe = (ref: FrameRef, priority: number, store: Sub['store']): (() => void) => {
    const sub = { ref, priority, store };
    this.subs = [...this.subs, sub].sort((a, b) => a.priority - b.priority);
    if (priority > 0) this.selfRendering++;
    return () => {
      if (!this.subs.includes(sub)) return;
      this.subs = this.subs.filter((s) => s !== sub);
      if (priority > 0) this.selfRendering--;
    };
  };

  /** Runs this run's frame callbacks. */
  runFrame(delta: number, frame?: XRFrame): void {
    for (const s of this.subs) s.ref.current(s.store.getState(), delta, frame);
  }

  /**
   * The warm-up's draw: the scene as it is (its frame callbacks not run), clipped to one pixel,
   * into the screen's framebuffer and then into `target` (a crossfade's, or one of its formats).
   * Buffers and textures are uploaded, and the GPU builds its pipelines for both framebuffers (a
   * software GL compiles a shader per framebuffer format and state at the first draw: drawn only
   * into a target, the first frame on screen compiled them again), at the cost of almost no
   * pixels. The compositor's draw of the frame on screen, after it, clears that pixel.
   */
  warmDraw(gl: WebGLRenderer, target: WebGLRenderTarget): void {
    const autoClear = gl.autoClear;
    const scissor = gl.getScissor(new Vector4());
    const scissorTest = gl.getScissorTest();
    const targetScissor = target.scissor.clone();
    const targetScissorTest = target.scissorTest;
    try {
      gl.autoClear = true;
      gl.setRenderTarget(null);
      gl.setScissor(0, 0, 1, 1);
      gl.setScissorTest(true);
      gl.render(this.scene, this.camera);
      target.scissor.set(0, 0, 1, 1);
      target.scissorTest = true;
      gl.setRenderTarget(target);
      gl.render(this.scene, this.camera);
    } finally {
      target.scissor.copy(targetScissor);
      target.scissorTest = targetScissorTest;
      gl.setRenderTarget(null);
      gl.setScissor(scissor);
      gl.setScissorTest(scissorTest);
      gl.autoClear = autoClear;
    }
  }

  /**
   * Runs the frame and draws it into `target` (null: the screen). A run that draws itself (an
   * EffectComposer) is steered to `target` too: its "screen" is then the target.
   */
  draw(gl: WebGLRenderer, target: WebGLRenderTarget | null, delta: number, runCallbacks = true, frame?: XRFrame): void {
    const own = gl.setRenderTarget;
    const autoClear = gl.autoClear;
    gl.setRenderTarget(target);
    if (target) gl.setRenderTarget = (t, face, level) => own.call(gl, t ?? target, face, level);
    try {
      if (runCallbacks) this.runFrame(delta, frame);
      if (this.selfRendering === 0 || !runCallbacks) {
        gl.autoClear = true;
        gl.render(this.scene, this.camera);
      }
    } finally {
      gl.setRenderTarget = own;
      gl.autoClear = autoClear;
      gl.setRenderTarget(null);
    }
  }
}
