import { Mesh, OrthographicCamera, PlaneGeometry, Scene, ShaderMaterial, Vector4, WebGLRenderTarget, type Texture, type WebGLRenderer } from 'three';

const vertex = /* glsl */ `
varying vec2 vUv;
void main() { vUv = uv; gl_Position = vec4(position.xy, 0.0, 1.0); }
`;
// The target holds what the piece would have put on the screen (tone-mapped, output colour space),
// so the texel goes out as it is: a crossfade mixes the two pictures the audience would see.
const fragment = /* glsl */ `
uniform sampler2D uMap;
uniform float uAlpha;
uniform float uBlack;
varying vec2 vUv;
void main() {
  vec3 c = uBlack > 0.5 ? vec3(0.0) : texture2D(uMap, vUv).rgb;
  gl_FragColor = vec4(c, uAlpha);
}
`;

/**
 * What the compositor draws over the picture during a transition: the incoming run's target at an
 * opacity (crossfade), or a black veil (fade). One quad, one program, made once per canvas.
 */
export class TransitionOverlay {
  private readonly scene = new Scene();
  private readonly camera = new OrthographicCamera(-1, 1, 1, -1, 0, 1);
  private readonly material = new ShaderMaterial({
    vertexShader: vertex,
    fragmentShader: fragment,
    uniforms: { uMap: { value: null as Texture | null }, uAlpha: { value: 0 }, uBlack: { value: 0 } },
    transparent: true,
    depthTest: false,
    depthWrite: false,
  });
  private readonly geometry = new PlaneGeometry(2, 2);
  private target: WebGLRenderTarget | null = null;
  private warm: WebGLRenderTarget | null = null;
  private primed = false;

  constructor(private readonly gl: WebGLRenderer) {
    const quad = new Mesh(this.geometry, this.material);
    quad.frustumCulled = false;
    this.scene.add(quad);
    gl.compile(this.scene, this.camera); // its program exists from the start: no compile in a transition
  }

  /**
   * A target at the screen's resolution that pieces draw into exactly as into the screen (the
   * renderer applies its tone mapping and output colour space to it, as three does for XR targets,
   * and the texels are stored unconverted), so a program compiled for the screen serves it too.
   */
  targetFor(): WebGLRenderTarget {
    const w = this.gl.domElement.width;
    const h = this.gl.domElement.height;
    let t = this.target;
    if (t && (t.width !== w || t.height !== h)) t.setSize(w, h);
    if (!t) this.target = t = this.make(w, h);
    return t;
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

  /** Draws the target at `alpha` over what the screen shows. */
  blend(alpha: number): void {
    if (!this.target) return;
    this.draw(this.target.texture, alpha, false);
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
