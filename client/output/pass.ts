import {
  BufferAttribute, BufferGeometry, CanvasTexture, DoubleSide, FramebufferTexture, LinearFilter, Matrix3, Mesh, OrthographicCamera, Scene, ShaderMaterial,
  Vector2, type Texture, type WebGLRenderer,
} from 'three';
import { MASK_MAX } from '../../protocol/output';
import { meshPoint, type Grid } from './mesh';
import { drawPattern, type PatternInfo } from './patterns';
import type { ResolvedOutput } from './resolve';
import { fragmentShader, vertexShader } from './shaders';

/** Cells of the warp mesh per grid cell (a plain corner-pin needs one quad: the homography is exact). */
const SUB = 8;
const MAX_SEGMENTS = 128;

/**
 * A screen's output stage as one extra full-screen pass: after the frame is composed on the canvas,
 * it is copied into a texture at the canvas's size (or a test pattern is drawn instead), and drawn
 * back through the corner-pin and mesh warp, the soft edges, colour, black level and mask. Made
 * lazily: a stage that is the identity allocates nothing (release() frees what an earlier one did).
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
      uEdges: { value: [0, 0, 0, 0] },
      uGamma: { value: 1 },
      uPower: { value: 2 },
      uBrightness: { value: 1 },
      uGain: { value: [1, 1, 1] },
      uBlack: { value: 0 },
      uRes: { value: new Vector2(1, 1) },
      uMaskN: { value: 0 },
      uMask: { value: Array.from({ length: MASK_MAX }, () => new Vector2()) },
    },
    depthTest: false,
    depthWrite: false,
    side: DoubleSide, // a pin may mirror the picture
  });
  private readonly mesh = new Mesh(new BufferGeometry(), this.material);
  private meshKey = '';
  private definesKey = '';
  private frame: FramebufferTexture | null = null;
  private patternCanvas: HTMLCanvasElement | null = null;
  private pattern: CanvasTexture | null = null;
  private patternKey = '';
  private readonly size = new Vector2();

  constructor(private readonly gl: WebGLRenderer) {
    this.mesh.frustumCulled = false;
    this.scene.add(this.mesh);
  }

  /** Draws the output stage over what the canvas holds now (the composed frame). */
  render(out: ResolvedOutput, info: PatternInfo): void {
    const gl = this.gl;
    gl.getDrawingBufferSize(this.size);
    const w = Math.max(1, Math.floor(this.size.x));
    const h = Math.max(1, Math.floor(this.size.y));
    gl.setRenderTarget(null);
    let source: Texture;
    if (out.pattern) {
      source = this.patternTexture(out.pattern, w, h, info);
      this.dropFrame();
    } else {
      if (this.frame && (this.frame.image.width !== w || this.frame.image.height !== h)) this.dropFrame();
      if (!this.frame) {
        this.frame = new FramebufferTexture(w, h);
        this.frame.minFilter = LinearFilter;
        this.frame.magFilter = LinearFilter;
      }
      gl.copyFramebufferToTexture(this.frame);
      source = this.frame;
      this.dropPattern();
    }
    this.updateMesh(out.grid);
    const u = this.material.uniforms;
    u.uMap!.value = source;
    const m = out.matrix;
    (u.uH!.value as Matrix3).set(m[0], m[1], m[2], m[3], m[4], m[5], m[6], m[7], m[8]);
    u.uEdges!.value = [out.edges.left, out.edges.right, out.edges.top, out.edges.bottom];
    u.uGamma!.value = out.gamma;
    u.uPower!.value = out.power;
    u.uBrightness!.value = out.brightness;
    u.uGain!.value = out.gain;
    u.uBlack!.value = out.black;
    (u.uRes!.value as Vector2).set(w, h);
    const mask = out.mask ?? [];
    const e = out.edges;
    const defines: Record<string, string> = {};
    if (e.left || e.right || e.top || e.bottom) defines.HAS_BLEND = '';
    if (out.black > 0) defines.HAS_BLACK = '';
    if (mask.length >= 3) defines.HAS_MASK = '';
    const key = Object.keys(defines).join(',');
    if (key !== this.definesKey) {
      this.definesKey = key; // a new program, compiled once per change of what is set
      this.material.defines = defines;
      this.material.needsUpdate = true;
    }
    u.uMaskN!.value = Math.min(mask.length, MASK_MAX);
    mask.slice(0, MASK_MAX).forEach((p, i) => (u.uMask!.value as Vector2[])[i]!.set(p[0], p[1]));
    const autoClear = gl.autoClear;
    gl.autoClear = false;
    gl.clear();
    gl.render(this.scene, this.camera);
    gl.autoClear = autoClear;
  }

  /** Frees the textures (the stage went back to the identity): nothing stays allocated. */
  release(): void {
    this.dropFrame();
    this.dropPattern();
  }

  dispose(): void {
    this.release();
    this.mesh.geometry.dispose();
    this.material.dispose();
  }

  /** Whether it holds a texture now (diagnostics, tests). */
  get allocated(): boolean {
    return !!this.frame || !!this.pattern;
  }

  private dropFrame(): void {
    this.frame?.dispose();
    this.frame = null;
  }

  private dropPattern(): void {
    this.pattern?.dispose();
    this.pattern = null;
    this.patternCanvas = null;
    this.patternKey = '';
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

  /** The warp mesh: one quad for a plain corner-pin, a fine mesh through the grid's curve otherwise. */
  private updateMesh(grid: Grid | null): void {
    const key = grid ? JSON.stringify(grid) : '';
    if (key === this.meshKey && this.mesh.geometry.getAttribute('position')) return;
    this.meshKey = key;
    const sx = grid ? Math.min(MAX_SEGMENTS, (grid.cols - 1) * SUB) : 1;
    const sy = grid ? Math.min(MAX_SEGMENTS, (grid.rows - 1) * SUB) : 1;
    const pos = new Float32Array((sx + 1) * (sy + 1) * 3);
    const uv = new Float32Array((sx + 1) * (sy + 1) * 2);
    for (let j = 0; j <= sy; j++)
      for (let i = 0; i <= sx; i++) {
        const k = j * (sx + 1) + i;
        const u = i / sx, v = j / sy;
        const [x, y] = grid ? meshPoint(grid, u, v) : [u, v];
        pos.set([x, y, 0], k * 3);
        uv.set([u, v], k * 2);
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
