/**
 * VR stations (docs/vr.md): a screen of kind `vr` in the stage. The session (@react-three/xr's
 * store, `local-floor`), the station's frame work inside the one <Canvas> (poses for the SDK's
 * useViewer/useControllers, the curved screen for pieces that are not VR-capable), the Enter VR
 * overlay, and the emulator (iwer) behind `?xr=emulate`. The stage (client/stage/ScreenApp.tsx)
 * loads this folder lazily, only for a VR station.
 */
export { XrStage } from './XrStage';
export { XrOverlay } from './XrOverlay';
export { XrSession } from './session';
export { XrStation } from './station';
export { xrOf } from './of';
