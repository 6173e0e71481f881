import { Mesh, OrthographicCamera, PlaneGeometry, Scene, ShaderMaterial, Vector2, Vector4, WebGLRenderTarget, type Texture, type WebGLRenderer } from 'three';

/**
 * The linear scale both pieces render at during a crossfade (each into its own target, blended on
 * the screen): 1/√2, so the two pictures together have the pixels of one screen, and a crossfade
 * frame costs about what one piece's frame costs (in software GL the frame's time is the pixels the
 * pieces shade). Only during the blend: outside it, the piece on screen draws at full resolution.
 */
export const BLEND_SCALE = Math.SQRT1_2;

const vertex = /* glsl */ `
varying vec2 vUv;
void main() { vUv = uv; gl_Position = vec4(position.xy, 0.0, 1.0); }
`;
// The target holds what the piece would have put on the screen (tone-mapped, output colour space),
// so the texel goes out as it is: a crossfade mixes the two pictures the audience would see.
// A crossfade (uTwo) mixes the outgoing run's target (uFrom) and the incoming one's (uMap) at uMix.
const fragment = /* glsl */ `
uniform sampler2D uMap;
uniform sampler2D uFrom;
uniform float uMix;
uniform float uTwo;
uniform float uAlpha;
uniform float uBlack;
varying vec2 vUv;
void main() {
  vec3 to = texture2D(uMap, vUv).rgb;
  vec3 c = uBlack > 0.5 ? vec3(0.0) : uTwo > 0.5 ? mix(texture2D(uFrom, vUv).rgb, to, uMix) : to;
  gl_FragColor = vec4(c, uAlpha);
}
`;

/**
 * What the compositor draws during a transition: for a crossfade, the two runs' targets (each at
 * BLEND_SCALE of the screen's resolution) mixed onto the screen; for a fade, a black veil over the
 * picture. One quad, one program, made once per canvas.
 */
export class TransitionOverlay {
  private readonly scene = new Scene();
  private readonly camera = new OrthographicCamera(-1, 1, 1, -1, 0, 1);
  private readonly material = new ShaderMaterial({
    vertexShader: vertex,
    fragmentShader: fragment,
    uniforms: {
      uMap: { value: null as Texture | null },
      uFrom: { value: null as Texture | null },
      uMix: { value: 0 },
      uTwo: { value: 0 },
      uAlpha: { value: 0 },
      uBlack: { value: 0 },
    },
    transparent: true,
    depthTest: false,
    depthWrite: false,
  });
  private readonly geometry = new PlaneGeometry(2, 2);
  private target: WebGLRenderTarget | null = null;
  private from: WebGLRenderTarget | null = null;
  private warm: WebGLRenderTarget | null = null;
  private primed = false;

  constructor(private readonly gl: WebGLRenderer) {
    const quad = new Mesh(this.geometry, this.material);
    quad.frustumCulled = false;
    this.scene.add(quad);
    gl.compile(this.scene, this.camera); // its program exists from the start: no compile in a transition
  }

  /**
   * A run's target during a crossfade ('in': the incoming run, 'out': the outgoing one), at the
   * blend's resolution (blendSize), that pieces draw into exactly as into the screen (the renderer
   * applies its tone mapping and output colour space to it, as three does for XR targets, and the
   * texels are stored unconverted), so a program compiled for the screen serves it too.
   */
  targetFor(which: 'in' | 'out' = 'in'): WebGLRenderTarget {
    const { x: w, y: h } = this.blendSize();
    let t = which === 'in' ? this.target : this.from;
    if (t && (t.width !== w || t.height !== h)) t.setSize(w, h);
    if (!t) {
      t = this.make(w, h);
      if (which === 'in') this.target = t;
      else this.from = t;
    }
    return t;
  }

  /** The drawing buffer size the pieces render at during a crossfade: the screen's, scaled by BLEND_SCALE. */
  blendSize(target = new Vector2()): Vector2 {
    this.gl.getSize(target);
    const pr = this.gl.getPixelRatio();
    return target.set(Math.max(1, Math.floor(target.x * pr * BLEND_SCALE)), Math.max(1, Math.floor(target.y * pr * BLEND_SCALE)));
  }

  /**
   * Runs `draw` with the renderer reporting the blend's pixel ratio and drawing buffer size (not
   * resizing its canvas): a piece that renders through its own buffers (postprocessing's
   * EffectComposer sizes them from these each frame) renders them at the blend's resolution too.
   */
  atBlendScale(draw: () => void): void {
    const gl = this.gl;
    const size = this.blendSize();
    const ownRatio = gl.getPixelRatio;
    const ownSize = gl.getDrawingBufferSize;
    const ratio = ownRatio.call(gl) * BLEND_SCALE;
    gl.getPixelRatio = () => ratio;
    gl.getDrawingBufferSize = (t: Vector2) => t.copy(size);
    try {
      draw();
    } finally {
      gl.getPixelRatio = ownRatio;
      gl.getDrawingBufferSize = ownSize;
    }
  }

  /**
   * A small target of the same formats as targetFor's, for the warm-up's one-pixel draw (the GPU's
   * pipelines depend on a framebuffer's formats, not its size): warming allocates no target at the
   * screen's resolution.
   */
  warmTarget(): WebGLRenderTarget {
    return (this.warm ??= this.make(4, 4));
  }

  /** Frees the targets (between transitions: nothing stays allocated while one piece plays). */
  release(): void {
    this.target?.dispose();
    this.target = null;
    this.from?.dispose();
    this.from = null;
    this.warm?.dispose();
    this.warm = null;
  }

  private make(w: number, h: number): WebGLRenderTarget {
    const t = new WebGLRenderTarget(w, h, { depthBuffer: true });
    (t as WebGLRenderTarget & { isXRRenderTarget: boolean }).isXRRenderTarget = true;
    t.texture.colorSpace = this.gl.outputColorSpace;
    t.texture.internalFormat = 'RGBA8';
    return t;
  }

  /**
   * Draws the quad once, clipped to one pixel and fully transparent, onto the screen: the GPU's
   * pipeline for it (blending onto the screen's framebuffer) is built then, during a warm-up, and
   * not in the first frame of this screen's first transition (a software GL's JIT: 0.2–2 s there).
   */
  prime(): void {
    if (this.primed) return;
    this.primed = true;
    const gl = this.gl;
    const scissor = gl.getScissor(new Vector4());
    const scissorTest = gl.getScissorTest();
    try {
      gl.setScissor(0, 0, 1, 1);
      gl.setScissorTest(true);
      this.draw(null, 0, true);
    } finally {
      gl.setScissor(scissor);
      gl.setScissorTest(scissorTest);
    }
  }

  /** Draws the crossfade onto the screen: the outgoing run's target mixed with the incoming one's at `mix`. */
  blend(mix: number): void {
    if (!this.target || !this.from) return;
    const u = this.material.uniforms;
    u.uFrom!.value = this.from.texture;
    u.uMix!.value = mix;
    u.uTwo!.value = 1;
    try {
      this.draw(this.target.texture, 1, false);
    } finally {
      u.uTwo!.value = 0;
      u.uFrom!.value = null;
    }
  }

  /** Draws black at `alpha` over what the screen shows. */
  veil(alpha: number): void {
    this.draw(null, alpha, true);
  }

  dispose(): void {
    this.release();
    this.geometry.dispose();
    this.material.dispose();
  }

  private draw(map: Texture | null, alpha: number, black: boolean): void {
    const u = this.material.uniforms;
    u.uMap!.value = map;
    u.uAlpha!.value = alpha;
    u.uBlack!.value = black ? 1 : 0;
    const gl = this.gl;
    const autoClear = gl.autoClear;
    gl.autoClear = false;
    gl.setRenderTarget(null);
    gl.render(this.scene, this.camera);
    gl.autoClear = autoClear;
  }
}
