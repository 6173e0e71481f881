/**
 * A screen's output stage (docs/projection.md): the math (homography, mesh, blend, the layout's
 * default blend), the settings resolved from a screen's view, the test patterns, and the one extra
 * full-screen pass that draws them (three.js, no React). client/mount/OutputStage.tsx runs it each frame.
 */
export { homographyFromCorners, mapPoint, cornersOf, invert, isConvex, type Mat3, type Quad, type Vec2 } from './homography';
export { meshPoint, catmullRom, identityGrid, warpMesh, type Grid, type WarpMesh } from './mesh';
export { blendCurve, blendWeight, blendAt, blendLut, overlapBlend, BLEND_A } from './blend';
export { resolveOutput, type ResolvedOutput } from './resolve';
export { drawPattern, type PatternInfo } from './patterns';
export { drawMask } from './mask';
export { OutputPass } from './pass';
