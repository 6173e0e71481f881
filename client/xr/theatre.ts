import { BufferAttribute, BufferGeometry, CircleGeometry, Color, DoubleSide, Mesh, MeshBasicMaterial, Scene, ShaderMaterial, WebGLRenderTarget, type Texture, type WebGLRenderer } from 'three';
import { DEFAULT_SHAPE, curvedScreen, headsetPictureWidth, pictureSize } from './curved';

// The target holds the picture as the screen would show it (tone-mapped, output colour space):
// the texel goes out as it is, as the compositor's crossfade does (client/mount/Overlay.ts).
const vertex = /* glsl */ `
varying vec2 vUv;
void main() { vUv = uv; gl_Position = projectionMatrix * modelViewMatrix * vec4(position, 1.0); }
`;
const fragment = /* glsl */ `
uniform sampler2D uMap;
varying vec2 vUv;
void main() { gl_FragColor = vec4(texture2D(uMap, vUv).rgb, 1.0); }
`;

/**
 * A target rendered into exactly as into the screen: tone mapping and output colour space applied
 * (three does that for XR targets), 8 bits a channel, so its texels go out (or are read back) as they are.
 */
export function screenLikeTarget(gl: WebGLRenderer, width: number, height: number): WebGLRenderTarget {
  const t = new WebGLRenderTarget(width, height, { depthBuffer: true });
  (t as WebGLRenderTarget & { isXRRenderTarget: boolean }).isXRRenderTarget = true;
  t.texture.colorSpace = gl.outputColorSpace;
  t.texture.internalFormat = 'RGBA8';
  return t;
}

/**
 * Where a piece that is not VR-capable plays in the headset: the compositor draws the wall's
 * picture into a target (as it would to a flat screen, transitions included), and this scene
 * shows it on a curved screen ahead of the viewer, over a dark floor. Made once per canvas.
 */
export class CurvedTheatre {
  readonly scene = new Scene();
  private readonly material = new ShaderMaterial({ vertexShader: vertex, fragmentShader: fragment, uniforms: { uMap: { value: null as Texture | null } }, side: DoubleSide });
  private readonly screen = new Mesh(new BufferGeometry(), this.material);
  private readonly floor = new Mesh(new CircleGeometry(14, 48), new MeshBasicMaterial({ color: '#0a0d12' }));
  private target: WebGLRenderTarget | null = null;
  private aspect = 0;

  constructor(private readonly gl: WebGLRenderer) {
    this.scene.background = new Color('#020305');
    this.floor.rotation.x = -Math.PI / 2;
    this.screen.frustumCulled = false;
    this.scene.add(this.floor, this.screen);
  }

  /**
   * The target the compositor draws the picture into this frame: sized for the quality, at the wall's
   * aspect, and no wider than the headset shows it (`eye`: one eye's viewport width and projection x scale).
   */
  targetFor(aspect: number, quality: 'low' | 'medium' | 'high', eye?: { width: number; xScale: number }): WebGLRenderTarget {
    if (aspect !== this.aspect) this.shape(aspect);
    const { width, height } = pictureSize(aspect, quality, eye ? headsetPictureWidth(DEFAULT_SHAPE.arc, eye.width, eye.xScale) : Infinity);
    let t = this.target;
    if (t && (t.width !== width || t.height !== height)) t.setSize(width, height);
    if (!t) {
      t = screenLikeTarget(this.gl, width, height);
      this.target = t;
    }
    this.material.uniforms.uMap!.value = t.texture;
    return t;
  }

  private shape(aspect: number): void {
    this.aspect = aspect;
    const m = curvedScreen({ ...DEFAULT_SHAPE, aspect });
    const g = new BufferGeometry();
    g.setAttribute('position', new BufferAttribute(m.positions, 3));
    g.setAttribute('uv', new BufferAttribute(m.uvs, 2));
    g.setIndex(new BufferAttribute(m.indices, 1));
    this.screen.geometry.dispose();
    this.screen.geometry = g;
  }

  /** Frees the picture's target (between sessions: it costs a full picture of GPU memory). */
  release(): void {
    this.target?.dispose();
    this.target = null;
  }

  dispose(): void {
    this.release();
    this.screen.geometry.dispose();
    this.material.dispose();
    this.floor.geometry.dispose();
    (this.floor.material as MeshBasicMaterial).dispose();
  }
}
