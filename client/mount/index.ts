/**
 * The React/r3f layer the display and the preview share over the host (client/host): a screen's
 * stage inside its <Canvas>, the piece's mount (contexts, error boundary, Suspense limit, context
 * loss), the calm fallback and the wall camera. The pages bind the host to their data; this folder
 * binds it to React. It imports the host, the SDK's contexts, React and r3f; never client/display
 * or client/preview.
 */
export { HostStage, type HostStageProps } from './HostStage';
export { useHostSnapshot } from './useHost';
export { PieceMount, SUSPEND_LIMIT_MS, useContextGeneration, type PieceMountProps } from './PieceMount';
export { PieceBoundary } from './ErrorBoundary';
export { Fallback } from './Fallback';
export { WallCamera } from './WallCamera';
export { HostContext, QualityCapContext } from './context';
