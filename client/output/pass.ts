import {
  BufferAttribute, BufferGeometry, CanvasTexture, DataTexture, DoubleSide, LinearFilter, Matrix3, Mesh, NearestFilter, OrthographicCamera, RGBAFormat, RGFormat,
  Scene, ShaderMaterial, UnsignedByteType, Vector2, Vector3, WebGLRenderTarget, type ColorSpace, type Texture, type WebGLRenderer,
} from 'three';
import { blendLut } from './blend';
import { drawMask } from './mask';
import { warpMesh, type Grid } from './mesh';
import { drawPattern, type PatternInfo } from './patterns';
import type { ResolvedOutput } from './resolve';
import { IDENTITY, type Mat3 } from './homography';
import { fragmentShader, vertexShader } from './shaders';

/** The largest lookup or mask texture along an axis (a 4K output gets them at half size, filtered). */
const MAX_MAP = 2048;

/**
 * A screen's output stage as one extra full-screen pass: the frame is composed into a target of the
 * canvas's size instead of the canvas (begin(): while it is on, the renderer's "screen", null, is
 * that target), or a test pattern is drawn instead; then render() draws it onto the canvas through
 * the corner-pin and mesh warp, the soft edges, colour, black level and mask. Made lazily: a stage
 * that is the identity allocates nothing and redirects nothing (release() frees what an earlier one did).
 *
 * What a frame costs is kept to a colour clear and one pass whose fragment stage reads the picture
 * and at most two small lookups (the blend, the mask): no copy of the canvas (in SwiftShader it cost
 * about as much as the pass), and everything that depends only on the settings (the warp's mesh, the
 * blend's curve, the mask's polygon, the defines) is worked out when they or the output's size
 * change, not per frame and not per pixel (docs/performance.md, "bench:projection").
 */
export class OutputPass {
  private readonly scene = new Scene();
  private readonly camera = new OrthographicCamera(-1, 1, 1, -1, 0, 1);
  private readonly material = new ShaderMaterial({
    vertexShader,
    fragmentShader,
    uniforms: {
      uMap: { value: null as Texture | null },
      uH: { value: new Matrix3() },
      uGain: { value: new Vector3(1, 1, 1) },
      uBlack: { value: 0 },
      uLut: { value: null as Texture | null },
      uMaskMap: { value: null as Texture | null },
      uInvRes: { value: new Vector2(1, 1) },
    },
    depthTest: false,
    depthWrite: false,
    side: DoubleSide, // a pin may mirror the picture
  });
  private readonly mesh = new Mesh(new BufferGeometry(), this.material);
  private meshKey = '';
  private definesKey = '';
  /** What the frame is composed into while the stage is active (the renderer's null, redirected). */
  private target: WebGLRenderTarget | null = null;
  private ownSetRenderTarget: WebGLRenderer['setRenderTarget'] | null = null;
  private readonly redirect: WebGLRenderer['setRenderTarget'] = (t, face, level) => this.ownSetRenderTarget!.call(this.gl, t ?? this.target, face, level);
  private patternCanvas: HTMLCanvasElement | null = null;
  private pattern: CanvasTexture | null = null;
  private patternKey = '';
  private lut: DataTexture | null = null;
  private lutKey = '';
  private mask: CanvasTexture | null = null;
  private maskKey = '';
  /** The settings and size the uniforms, mesh and lookups were last made for. */
  private applied: ResolvedOutput | null = null;
  private appliedW = 0;
  private appliedH = 0;
  /** No pin and no grid: the pass covers the output pixel for pixel. */
  private plain = false;
  private readonly size = new Vector2();

  constructor(private readonly gl: WebGLRenderer) {
    this.mesh.frustumCulled = false;
    this.scene.add(this.mesh);
  }

  /**
   * Before the compositor (each frame the stage is active and shows the picture): from now until
   * render(), whatever is drawn to the screen (setRenderTarget(null): the piece, a piece's own
   * composer, a transition) goes into the stage's target, an RGBA8 texture with a depth buffer at
   * the drawing buffer's size, which three.js treats as the output (its tone mapping and colour
   * space, the same programs as on the canvas). Not in an XR session, which draws its own views.
   */
  begin(out: ResolvedOutput): void {
    const gl = this.gl;
    if (out.identity || out.pattern || gl.xr.isPresenting) return this.end();
    gl.getDrawingBufferSize(this.size);
    const w = Math.max(1, Math.floor(this.size.x));
    const h = Math.max(1, Math.floor(this.size.y));
    if (out !== this.applied || w !== this.appliedW || h !== this.appliedH) this.apply(out, w, h);
    // Without a pin or a grid, output pixel = picture pixel: nearest sampling is exact, and cheaper in a software GL.
    const filter = this.plain ? NearestFilter : LinearFilter;
    const t = this.target;
    if (t && (t.width !== w || t.height !== h || t.texture.magFilter !== filter || t.texture.colorSpace !== gl.outputColorSpace)) this.dropTarget();
    if (!this.target) {
      this.target = new WebGLRenderTarget(w, h, {
        format: RGBAFormat, type: UnsignedByteType, internalFormat: 'RGBA8', colorSpace: gl.outputColorSpace as ColorSpace,
        depthBuffer: true, stencilBuffer: false, generateMipmaps: false, minFilter: filter, magFilter: filter,
      });
      // three.js's flag for "an output, not an intermediate": tone mapping and the output colour space
      // are applied as on the canvas (stored as is: internalFormat RGBA8, not sRGB8), so the pieces'
      // programs and pixels are the same whether the stage is on or not.
      (this.target as WebGLRenderTarget & { isXRRenderTarget: boolean }).isXRRenderTarget = true;
    }
    if (gl.setRenderTarget !== this.redirect) {
      this.ownSetRenderTarget = gl.setRenderTarget;
      gl.setRenderTarget = this.redirect;
    }
    gl.setRenderTarget(null);
  }

  /** The renderer's own setRenderTarget back (the screen is the canvas again). */
  end(): void {
    if (this.ownSetRenderTarget && this.gl.setRenderTarget === this.redirect) this.gl.setRenderTarget = this.ownSetRenderTarget;
    this.ownSetRenderTarget = null;
  }

  /** Draws the output stage onto the canvas: the frame composed since begin() (or the pattern). */
  render(out: ResolvedOutput, info: PatternInfo): void {
    const gl = this.gl;
    const redirected = gl.setRenderTarget === this.redirect && !!this.target;
    this.end();
    gl.getDrawingBufferSize(this.size);
    const w = Math.max(1, Math.floor(this.size.x));
    const h = Math.max(1, Math.floor(this.size.y));
    gl.setRenderTarget(null);
    if (out !== this.applied || w !== this.appliedW || h !== this.appliedH) this.apply(out, w, h);
    let source: Texture;
    if (out.pattern) {
      source = this.patternTexture(out.pattern, w, h, info);
      this.dropTarget();
    } else {
      if (!redirected || !this.target) return; // begin() did not run this frame (the canvas holds the frame): nothing to warp
      source = this.target.texture;
      this.dropPattern();
    }
    this.material.uniforms.uMap!.value = source;
    const autoClear = gl.autoClear;
    gl.autoClear = false;
    if (!this.plain) gl.clear(true, false, false); // what the warp leaves uncovered is black (the pass needs no depth); a plain pass covers it all
    gl.render(this.scene, this.camera);
    gl.autoClear = autoClear;
  }

  /** Frees the textures (the stage went back to the identity): nothing stays allocated. */
  release(): void {
    this.end();
    this.dropTarget();
    this.dropPattern();
    this.dropLut();
    this.dropMask();
    this.applied = null;
  }

  dispose(): void {
    this.release();
    this.mesh.geometry.dispose();
    this.material.dispose();
  }

  /** Whether it holds a texture now (diagnostics, tests). */
  get allocated(): boolean {
    return !!this.target || !!this.pattern || !!this.lut || !!this.mask;
  }

  /** How many triangles the warp's mesh has now (diagnostics, the bench). */
  get triangles(): number {
    return (this.mesh.geometry.getIndex()?.count ?? 0) / 3;
  }

  /** Uniforms, defines, mesh and lookups for new settings or a new size. */
  private apply(out: ResolvedOutput, w: number, h: number): void {
    this.applied = out;
    this.appliedW = w;
    this.appliedH = h;
    this.updateMesh(out.grid, out.matrix, w, h);
    this.plain = !out.grid && out.matrix.every((v, i) => v === IDENTITY[i]);
    const u = this.material.uniforms;
    const m = out.matrix;
    (u.uH!.value as Matrix3).set(m[0], m[1], m[2], m[3], m[4], m[5], m[6], m[7], m[8]);
    (u.uGain!.value as Vector3).set(out.gain[0] * out.brightness, out.gain[1] * out.brightness, out.gain[2] * out.brightness);
    u.uBlack!.value = out.black;
    (u.uInvRes!.value as Vector2).set(1 / w, 1 / h);
    const e = out.edges;
    const blend = !!(e.left || e.right || e.top || e.bottom);
    const mask = out.mask && out.mask.length >= 3 ? out.mask : null;
    u.uLut!.value = blend ? this.lutTexture(out, w, h) : null;
    if (!blend) this.dropLut();
    u.uMaskMap!.value = mask ? this.maskTexture(mask, w, h) : null;
    if (!mask) this.dropMask();
    const defines: Record<string, string> = {};
    if (blend) defines.HAS_BLEND = '';
    if (out.black > 0) defines.HAS_BLACK = '';
    if (mask) defines.HAS_MASK = '';
    const key = Object.keys(defines).join(',');
    if (key !== this.definesKey) {
      this.definesKey = key; // a new program, compiled once per change of what is set
      this.material.defines = defines;
      this.material.needsUpdate = true;
    }
  }

  private dropTarget(): void {
    this.target?.dispose();
    this.target = null;
  }

  private dropPattern(): void {
    this.pattern?.dispose();
    this.pattern = null;
    this.patternCanvas = null;
    this.patternKey = '';
  }

  private dropLut(): void {
    this.lut?.dispose();
    this.lut = null;
    this.lutKey = '';
  }

  private dropMask(): void {
    this.mask?.dispose();
    this.mask = null;
    this.maskKey = '';
  }

  /** The blend's lookup (blendLut) at the picture's size, read texel for pixel; above MAX_MAP, smaller and filtered. */
  private lutTexture(out: ResolvedOutput, w: number, h: number): DataTexture {
    const lw = Math.min(w, MAX_MAP), lh = Math.min(h, MAX_MAP);
    const key = JSON.stringify([out.edges, out.power, out.gamma, lw, lh]);
    if (this.lut && this.lutKey === key) return this.lut;
    this.dropLut();
    const t = new DataTexture(blendLut(out.edges, out.power, out.gamma, lw, lh), lw, lh, RGFormat, UnsignedByteType);
    t.unpackAlignment = 1; // rows of 2·lw bytes
    t.minFilter = t.magFilter = lw === w && lh === h ? NearestFilter : LinearFilter;
    t.generateMipmaps = false;
    t.needsUpdate = true;
    this.lut = t;
    this.lutKey = key;
    return t;
  }

  /** The mask rasterised in output space (drawMask), read texel for pixel; above MAX_MAP, smaller and filtered. */
  private maskTexture(mask: NonNullable<ResolvedOutput['mask']>, w: number, h: number): CanvasTexture {
    const mw = Math.min(w, MAX_MAP), mh = Math.min(h, MAX_MAP);
    const key = JSON.stringify([mask, mw, mh]);
    if (this.mask && this.maskKey === key) return this.mask;
    this.dropMask();
    const canvas = document.createElement('canvas');
    canvas.width = mw;
    canvas.height = mh;
    const ctx = canvas.getContext('2d');
    if (ctx) drawMask(ctx, mask, mw, mh);
    const t = new CanvasTexture(canvas); // flipY: row 0 is the output's bottom, as gl_FragCoord counts
    t.minFilter = t.magFilter = mw === w && mh === h ? NearestFilter : LinearFilter;
    t.generateMipmaps = false;
    this.mask = t;
    this.maskKey = key;
    return t;
  }

  private patternTexture(pattern: NonNullable<ResolvedOutput['pattern']>, w: number, h: number, info: PatternInfo): CanvasTexture {
    const key = JSON.stringify([pattern, w, h, info]);
    if (this.pattern && this.patternKey === key) return this.pattern;
    const canvas = this.patternCanvas ?? document.createElement('canvas');
    const resized = canvas.width !== w || canvas.height !== h;
    canvas.width = w;
    canvas.height = h;
    const ctx = canvas.getContext('2d');
    if (ctx) drawPattern(ctx, pattern, w, h, info);
    if (!this.pattern || resized) {
      this.pattern?.dispose();
      this.pattern = new CanvasTexture(canvas);
      this.pattern.minFilter = LinearFilter;
      this.pattern.generateMipmaps = false;
    } else this.pattern.needsUpdate = true;
    this.patternCanvas = canvas;
    this.patternKey = key;
    return this.pattern;
  }

  /**
   * The warp mesh: one quad for a plain corner-pin (the homography is exact), otherwise the coarsest
   * mesh that follows the grid's curve through the pin to within half an output pixel (warpMesh).
   */
  private updateMesh(grid: Grid | null, pin: Mat3, w: number, h: number): void {
    const key = grid ? JSON.stringify([grid, pin, w, h]) : '';
    if (key === this.meshKey && this.mesh.geometry.getAttribute('position')) return;
    this.meshKey = key;
    const warp = grid ? warpMesh(grid, pin, w, h) : { sx: 1, sy: 1, points: new Float32Array([0, 0, 1, 0, 0, 1, 1, 1]) };
    const { sx, sy, points } = warp;
    const pos = new Float32Array((sx + 1) * (sy + 1) * 3);
    const uv = new Float32Array((sx + 1) * (sy + 1) * 2);
    for (let j = 0; j <= sy; j++)
      for (let i = 0; i <= sx; i++) {
        const k = j * (sx + 1) + i;
        pos[k * 3] = points[k * 2]!;
        pos[k * 3 + 1] = points[k * 2 + 1]!;
        uv[k * 2] = i / sx;
        uv[k * 2 + 1] = j / sy;
      }
    const index: number[] = [];
    for (let j = 0; j < sy; j++)
      for (let i = 0; i < sx; i++) {
        const a = j * (sx + 1) + i, b = a + 1, c = a + sx + 1, d = c + 1;
        index.push(a, c, b, b, c, d);
      }
    const g = new BufferGeometry();
    g.setAttribute('position', new BufferAttribute(pos, 3));
    g.setAttribute('aUv', new BufferAttribute(uv, 2));
    g.setIndex(index);
    this.mesh.geometry.dispose();
    this.mesh.geometry = g;
  }
}
