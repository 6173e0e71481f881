/**
 * npx tsx bench/projection/micro.ts [-- --size 480x270] [--frames 40] [--repeat 3] [--raf]
 *
 * What each part of the output stage's pass costs in Chromium's WebGL (on this machine SwiftShader,
 * the software GL), apart from any piece: raw WebGL2 in a blank page, a canvas made as the stage's
 * (no antialias, alpha, depth), and for each variant `frames` frames drawn back to back, then a
 * one-pixel readPixels to wait for them; the GPU process's CPU time (all its threads, from /proc)
 * and the wall time per frame. With --raf, one frame per requestAnimationFrame (each presented, the
 * GL's threads idle between frames, as in a page) instead of back to back. Every variant first draws a stand-in for the piece
 * (a flat full-screen triangle pair with depth test on), so what is left over is the stage's part.
 * Variants alternate over `repeat` passes; the medians per frame are printed, minus the piece alone.
 */
import { launchChromium } from '../../scripts/lib/chromium';
import { arg, flag } from '../lib/args';
import { mine, ticks, TICK_MS } from './procs';
import { loadavg } from './setup';

const [W, H] = String(arg('size', '480x270')).split('x').map(Number) as [number, number];
const FRAMES = arg('frames', 40);
const REPEAT = arg('repeat', 3);
const RAF = flag('raf'); // one frame per requestAnimationFrame, presented, instead of back to back

/** Runs in the page. */
function micro(args: { w: number; h: number }): string[] {
  const canvas = document.createElement('canvas');
  canvas.width = args.w;
  canvas.height = args.h;
  document.body.appendChild(canvas);
  const gl = canvas.getContext('webgl2', { antialias: false, alpha: true, depth: true, stencil: false, preserveDrawingBuffer: false, powerPreference: 'high-performance' })!;
  const compile = (vs: string, fs: string) => {
    const p = gl.createProgram()!;
    for (const [type, src] of [[gl.VERTEX_SHADER, vs], [gl.FRAGMENT_SHADER, fs]] as const) {
      const s = gl.createShader(type)!;
      gl.shaderSource(s, src);
      gl.compileShader(s);
      if (!gl.getShaderParameter(s, gl.COMPILE_STATUS)) throw new Error(gl.getShaderInfoLog(s) ?? 'compile');
      gl.attachShader(p, s);
    }
    gl.bindAttribLocation(p, 0, 'position');
    gl.bindAttribLocation(p, 1, 'aUv');
    gl.linkProgram(p);
    if (!gl.getProgramParameter(p, gl.LINK_STATUS)) throw new Error(gl.getProgramInfoLog(p) ?? 'link');
    return p;
  };
  const head = '#version 300 es\nprecision highp float;\n';
  // The stand-in piece.
  const piece = compile(head + 'in vec2 position; void main(){ gl_Position = vec4(position * 2.0 - 1.0, 0.5, 1.0); }', head + 'out vec4 o; uniform float t; void main(){ o = vec4(fract(gl_FragCoord.x * 0.01 + t), 0.3, 0.6, 1.0); }');
  // The pass's vertex stage: the homography per vertex (as client/output/shaders.ts).
  const vs = head + 'uniform mat3 uH; in vec2 position; in vec2 aUv; out vec2 vUv; void main(){ vUv = aUv; vec3 p = uH * vec3(position, 1.0); gl_Position = vec4(2.0*p.x - p.z, p.z - 2.0*p.y, 0.0, p.z); }';
  const simpleFs = head + 'uniform sampler2D uMap; in vec2 vUv; out vec4 o; void main(){ o = vec4(texture(uMap, vec2(vUv.x, 1.0 - vUv.y)).rgb, 1.0); }';
  // The full fragment stage as it is (blend + black lift; the mask optionally).
  const fullFs = (mask: boolean) => head + `
uniform sampler2D uMap; uniform vec4 uEdges; uniform float uGamma; uniform float uPower; uniform float uBrightness; uniform vec3 uGain; uniform float uBlack; uniform vec2 uRes; uniform int uMaskN; uniform vec2 uMask[32];
in vec2 vUv; out vec4 o;
float curve(float b) { b = clamp(b, 0.0, 1.0); return b < 0.5 ? 0.5 * pow(2.0 * b, uPower) : 1.0 - 0.5 * pow(2.0 * (1.0 - b), uPower); }
float side(float d, float w) { return (w > 0.0 && d < w) ? pow(curve(d / w), 1.0 / uGamma) : 1.0; }
bool inBand(float d, float w) { return w > 0.0 && d < w; }
bool insideMask(vec2 p) { bool inside = false; vec2 a = uMask[0]; for (int i = 0; i < 32; i++) { if (i >= uMaskN) break; int k = i + 1 < uMaskN ? i + 1 : 0; vec2 b = uMask[k];
  if ((a.y > p.y) != (b.y > p.y) && p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x) inside = !inside; a = b; } return inside; }
void main() {
  vec2 uv = clamp(vUv, 0.0, 1.0);
  vec3 c = texture(uMap, vec2(uv.x, 1.0 - uv.y)).rgb * uBrightness * uGain;
  c *= side(uv.x, uEdges.x) * side(1.0 - uv.x, uEdges.y) * side(uv.y, uEdges.z) * side(1.0 - uv.y, uEdges.w);
  bool band = inBand(uv.x, uEdges.x) || inBand(1.0 - uv.x, uEdges.y) || inBand(uv.y, uEdges.z) || inBand(1.0 - uv.y, uEdges.w);
  if (!band) c = uBlack + c * (1.0 - uBlack);
  ${mask ? 'if (!insideMask(vec2(gl_FragCoord.x / uRes.x, 1.0 - gl_FragCoord.y / uRes.y))) c = vec3(0.0);' : ''}
  o = vec4(clamp(c, 0.0, 1.0), 1.0);
}`;
  // One lookup of a small weight texture (blend × black lift × mask, baked), then a multiply-add.
  // As client/output/shaders.ts now: the blend and where the lift applies from a lookup texture, the mask from a texture.
  const lutFs = (mask: boolean) => head + `uniform sampler2D uMap; uniform sampler2D uLut; uniform sampler2D uMaskMap; uniform vec2 uInvRes; uniform vec3 uGain; uniform float uBlack; in vec2 vUv; out vec4 o;
void main(){ vec3 c = texture(uMap, vec2(vUv.x, 1.0 - vUv.y)).rgb * uGain; vec2 l = texture(uLut, vUv).rg; c *= l.r; c = mix(c, vec3(1.0), uBlack * l.g);
  ${mask ? 'c *= texture(uMaskMap, gl_FragCoord.xy * uInvRes).r;' : ''} o = vec4(clamp(c, 0.0, 1.0), 1.0); }`;
  const programs = { simple: compile(vs, simpleFs), full: compile(vs, fullFs(false)), mask: compile(vs, fullFs(true)), lut: compile(vs, lutFs(false)), lutMask: compile(vs, lutFs(true)) };
  const setUniforms = (p: WebGLProgram) => {
    gl.useProgram(p);
    const u = (n: string) => gl.getUniformLocation(p, n);
    // A mild corner-pin (as bench/projection's), column-major.
    const h = [0.95, 0.0, 0.03, -0.02, 0.97, 0.02, 0.0, 0.0, 1.0];
    gl.uniformMatrix3fv(u('uH'), false, [h[0]!, h[3]!, h[6]!, h[1]!, h[4]!, h[7]!, h[2]!, h[5]!, h[8]!]);
    gl.uniform1i(u('uMap'), 0);
    gl.uniform1i(u('uLut'), 1);
    gl.uniform4f(u('uEdges'), 0.156, 0.156, 0, 0);
    gl.uniform1f(u('uGamma'), 2.2);
    gl.uniform1f(u('uPower'), 2);
    gl.uniform1f(u('uBrightness'), 1);
    gl.uniform3f(u('uGain'), 1, 0.95, 1);
    gl.uniform1f(u('uBlack'), 0.03);
    gl.uniform2f(u('uRes'), args.w, args.h);
    gl.uniform2f(u('uInvRes'), 1 / args.w, 1 / args.h);
    gl.uniform1i(u('uMaskN'), 5);
    gl.uniform2fv(u('uMask'), new Float32Array(64).map((_, i) => [0.05, 0.05, 0.5, 0.1, 0.95, 0.05, 0.9, 0.95, 0.1, 0.9][i] ?? 0));
  };
  Object.values(programs).forEach(setUniforms);
  // Geometry: a quad, and a 33×33-vertex mesh (a 5×5 grid at 8 cells per grid cell, as client/output/pass.ts).
  const meshOf = (n: number, m = n) => {
    const pos: number[] = [];
    const idx: number[] = [];
    for (let j = 0; j <= m; j++) for (let i = 0; i <= n; i++) pos.push(i / n, j / m);
    for (let j = 0; j < m; j++)
      for (let i = 0; i < n; i++) {
        const a = j * (n + 1) + i, b = a + 1, c = a + n + 1, d = c + 1;
        idx.push(a, c, b, b, c, d);
      }
    const vao = gl.createVertexArray()!;
    gl.bindVertexArray(vao);
    const pb = gl.createBuffer();
    gl.bindBuffer(gl.ARRAY_BUFFER, pb);
    gl.bufferData(gl.ARRAY_BUFFER, new Float32Array(pos), gl.STATIC_DRAW);
    gl.enableVertexAttribArray(0);
    gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
    gl.enableVertexAttribArray(1);
    gl.vertexAttribPointer(1, 2, gl.FLOAT, false, 0, 0);
    const ib = gl.createBuffer();
    gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, ib);
    gl.bufferData(gl.ELEMENT_ARRAY_BUFFER, new Uint16Array(idx), gl.STATIC_DRAW);
    gl.bindVertexArray(null);
    return { vao, count: idx.length };
  };
  const quad = meshOf(1);
  const mesh = meshOf(32);
  const tex = (w: number, h: number, filter: number) => {
    const t = gl.createTexture()!;
    gl.bindTexture(gl.TEXTURE_2D, t);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, w, h, 0, gl.RGBA, gl.UNSIGNED_BYTE, null);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, filter);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, filter);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
    return t;
  };
  const frameTex = tex(args.w, args.h, gl.LINEAR);
  const lut = tex(args.w, args.h, gl.NEAREST); // blendLut's size (RGBA here; RG in the stage)
  // An off-screen target for the piece (the no-copy alternative: the piece draws here, the pass samples it).
  const rt = gl.createFramebuffer()!;
  const rtTex = tex(args.w, args.h, gl.LINEAR);
  const rtDepth = gl.createRenderbuffer()!;
  gl.bindRenderbuffer(gl.RENDERBUFFER, rtDepth);
  gl.renderbufferStorage(gl.RENDERBUFFER, gl.DEPTH_COMPONENT24, args.w, args.h);
  gl.bindFramebuffer(gl.FRAMEBUFFER, rt);
  gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, rtTex, 0);
  gl.framebufferRenderbuffer(gl.FRAMEBUFFER, gl.DEPTH_ATTACHMENT, gl.RENDERBUFFER, rtDepth);
  gl.bindFramebuffer(gl.FRAMEBUFFER, null);

  let t = 0;
  const drawPiece = (fb: WebGLFramebuffer | null) => {
    gl.bindFramebuffer(gl.FRAMEBUFFER, fb);
    gl.viewport(0, 0, args.w, args.h);
    gl.enable(gl.DEPTH_TEST);
    gl.clearColor(0, 0, 0, 1);
    gl.clear(gl.COLOR_BUFFER_BIT | gl.DEPTH_BUFFER_BIT);
    gl.useProgram(piece);
    gl.uniform1f(gl.getUniformLocation(piece, 't'), (t += 0.01));
    gl.bindVertexArray(quad.vao);
    gl.drawElements(gl.TRIANGLES, quad.count, gl.UNSIGNED_SHORT, 0);
  };
  const copy = () => {
    gl.activeTexture(gl.TEXTURE0);
    gl.bindTexture(gl.TEXTURE_2D, frameTex);
    gl.copyTexSubImage2D(gl.TEXTURE_2D, 0, 0, 0, 0, 0, args.w, args.h);
  };
  const pass = (program: WebGLProgram, geo: { vao: WebGLVertexArrayObject; count: number }, source: WebGLTexture, clear: boolean) => {
    gl.bindFramebuffer(gl.FRAMEBUFFER, null);
    gl.disable(gl.DEPTH_TEST);
    if (clear) gl.clear(gl.COLOR_BUFFER_BIT); // as the stage: what the warp leaves uncovered is black
    gl.useProgram(program);
    gl.activeTexture(gl.TEXTURE0);
    gl.bindTexture(gl.TEXTURE_2D, source);
    gl.activeTexture(gl.TEXTURE1);
    gl.bindTexture(gl.TEXTURE_2D, lut);
    gl.bindVertexArray(geo.vao);
    gl.drawElements(gl.TRIANGLES, geo.count, gl.UNSIGNED_SHORT, 0);
  };
  const mild = meshOf(16, 4); // what warpMesh draws for the bench's grid at 480×270 (client/output/mesh.ts)
  const maskTex = tex(args.w, args.h, gl.NEAREST);
  const withMask = (program: WebGLProgram) => {
    gl.useProgram(program);
    gl.uniform1i(gl.getUniformLocation(program, 'uMaskMap'), 2);
    gl.activeTexture(gl.TEXTURE2);
    gl.bindTexture(gl.TEXTURE_2D, maskTex);
    return program;
  };
  const variants: Record<string, () => void> = {
    'piece alone': () => drawPiece(null),
    '+ copy': () => (drawPiece(null), copy()),
    '+ copy + clear + quad, 1 sample': () => (drawPiece(null), copy(), pass(programs.simple, quad, frameTex, true)),
    '+ copy + clear + quad, curve per pixel': () => (drawPiece(null), copy(), pass(programs.full, quad, frameTex, true)),
    '+ copy + clear + mesh 32², 1 sample': () => (drawPiece(null), copy(), pass(programs.simple, mesh, frameTex, true)),
    'before: copy + clear + mesh 32², curve per pixel': () => (drawPiece(null), copy(), pass(programs.full, mesh, frameTex, true)),
    'before, mask: + polygon test per pixel': () => (drawPiece(null), copy(), pass(programs.mask, mesh, frameTex, true)),
    'after: copy + clear + mesh 16×4, LUT': () => (drawPiece(null), copy(), pass(programs.lut, mild, frameTex, true)),
    'after, mask: + mask texture': () => (drawPiece(null), copy(), pass(withMask(programs.lutMask), mild, frameTex, true)),
    'no copy: piece to a target, mesh 16×4, LUT': () => (drawPiece(rt), pass(programs.lut, mild, rtTex, true)),
  };
  const px = new Uint8Array(4);
  const sync = () => gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, px);
  for (const fn of Object.values(variants)) {
    for (let i = 0; i < 5; i++) fn(); // warm: programs, pipelines
    sync();
  }
  // One variant, `frames` times, each flushed, then waited for: the wall time per frame.
  (window as unknown as { __micro: (name: string, frames: number) => number }).__micro = (name, frames) => {
    const fn = variants[name]!;
    sync();
    const t0 = performance.now();
    for (let i = 0; i < frames; i++) {
      fn();
      gl.flush();
    }
    sync();
    return (performance.now() - t0) / frames;
  };
  // The same, one frame per requestAnimationFrame (presented, as a page draws): the wall time per frame.
  (window as unknown as { __microRaf: (name: string, frames: number) => Promise<number> }).__microRaf = (name, frames) =>
    new Promise((resolve) => {
      const fn = variants[name]!;
      let n = 0;
      let t0 = 0;
      const tick = (t: number) => {
        if (n === 0) t0 = t;
        if (n++ === frames) return resolve((t - t0) / frames);
        fn();
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
  return Object.keys(variants);
}

const browser = await launchChromium();
const page = await (await browser.newContext({ viewport: { width: W, height: H } })).newPage();
await page.setContent('<!doctype html><body style="margin:0"></body>');
await page.evaluate('globalThis.__name = globalThis.__name || ((f) => f)'); // tsx's helper, in the page
console.log(`micro:projection ${W}×${H}, ${FRAMES} frames × ${REPEAT} passes per variant${RAF ? ', one per requestAnimationFrame' : ''}; load ${loadavg()}`);
const names = (await page.evaluate(`(${micro.toString()})(${JSON.stringify({ w: W, h: H })})`)) as string[];
const gpu = mine().filter((p) => p.kind === 'gpu-process');
const gpuMs = () => [...ticks(gpu).values()].reduce((s, v) => s + v, 0) * TICK_MS;
const wall: Record<string, number[]> = {};
const cpu: Record<string, number[]> = {};
for (let r = 0; r < REPEAT; r++)
  for (const name of names) {
    const c0 = gpuMs();
    const run = RAF
      ? page.evaluate(([n, f]) => (window as unknown as { __microRaf: (name: string, frames: number) => Promise<number> }).__microRaf(n, f), [name, FRAMES] as const)
      : page.evaluate(([n, f]) => (window as unknown as { __micro: (name: string, frames: number) => number }).__micro(n, f), [name, FRAMES] as const);
    (wall[name] ??= []).push(await run);
    (cpu[name] ??= []).push((gpuMs() - c0) / FRAMES);
  }
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const base = median(cpu['piece alone']!);
console.log('GPU process CPU ms per frame, median (wall ms per frame, median), each pass:');
for (const name of names)
  console.log(`  ${name.padEnd(52)} ${median(cpu[name]!).toFixed(2).padStart(7)}  ${name === 'piece alone' ? '  base' : `+${(median(cpu[name]!) - base).toFixed(2)}`}  (wall ${median(wall[name]!).toFixed(2)}; ${cpu[name]!.map((x) => x.toFixed(1)).join(', ')})`);
console.log(`load average at the end: ${loadavg()}`);
await browser.close();
