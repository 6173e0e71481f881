/**
 * The piece host: plain TypeScript, no React, no module-level state (one instance per page).
 * client/display and client/preview are thin React/r3f bindings over it (client/mount holds the
 * parts of that binding they share). It imports the wire contract (protocol/), SDK types, three.js
 * (camera math) and Tone.js (lazily); never React, r3f, client/display or client/preview.
 */
export { PieceHost, AHEAD_START_MS, type HostOptions, type HostSnapshot, type HostListener, type Run } from './host';
export { FrameClock, type FrameListener } from './frame-clock';
export { Switcher, LOAD_LIMIT_MS, WARM_WAIT_MS, type Target, type ActivePiece, type Timers, type SwitcherDeps } from './switcher';
export { ScheduledParams } from './params';
export { programOf, seedOf, targetOf, type Program } from './program';
export { advanceShowTime, createShowTime, pausedAt, pieceTimeAt, resumedAt, type Timing } from './timeline';
export { buildRuntime, placeholderManifest, type RunShared, type StageSettings } from './runtime';
export { geometryOf, simulatedGeometry } from './geometry';
export { VisitorFeed, localFrame } from './visitor-feed';
export { ErrorLog, messageOf, normaliseError, type ErrorReport, type HostError } from './errors';
export { captureErrors, type CaptureSink, type ErrorTarget } from './capture';
export { describeStray, isStrayEngineError } from './stray';
export { PieceLoader, bundledPieces, type PieceSource } from './pieces';
export { probeSoftware, rendersInSoftware, resolveQuality, HIGH_QUALITY_MAX_PIXELS, type QualityLevel } from './quality';
export { readMemory, type GpuMemory, type RendererLike } from './memory';
export { FrameStats, healthReport, FRAME_WINDOW, type ClockFigures } from './health';
export { screenDiagnostics, clockDiagnostics, type DiagnosticsClock, type PageFacts } from './diagnostics';
export { SoundEngine, SoundWaits, SOUND_WAIT_LIMIT_MS, type SoundEngineOptions } from './sound';
export { patchTone } from './tone-fixes';
export { applyWallView } from './wall-view';
export { transitionProgress, mixAt, type TransitionInfo, type TransitionSpec } from './transition';
export { WarmCache, DEFAULT_WARM_LIMITS, type WarmCacheLimits } from './warm-cache';
