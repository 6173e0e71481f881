/**
 * The Pavilion SDK: everything a piece imports from Pavilion.
 *   import { defineInstallation, useShowTime, useParams } from 'pavilion/sdk';
 */
export { defineInstallation, type InstallationModule } from './define';
export { useShowTime, useParams, useWall, useRandom, useVisitors, useQuality, useSound, useProgress } from './hooks';
export { useAsset, ASSET_STALL_MS, type AssetKind, type AssetKinds, type AssetState } from './assets';
export { createRandom, hashString, type Random } from './random';
export { releaseLater } from './release';
export { useLights, type Lights } from './lights';
export { useViewer, useControllers, type Viewer, type Controller, type Controllers, type XrPose, type XrVec3, type XrQuat } from './viewer';
export { createSoundBus, reverbSeconds, type SoundBus, type SoundBusOptions } from './sound-bus';
export { createVoices, type Voices, type VoicesOptions, type VoiceEnvelope, type Wave } from './voices';
export { useLatest } from './live';
export { usePalette, paletteColors, type Palettes } from './palette';
export { useWallPlane, wallPlaneOf, type WallPlane, type PlaneCamera } from './wall-plane';
export { scheduleByShowTime, createSoundScheduler, type SoundWindow, type SoundClock, type SoundScheduleOptions, type SoundScheduler } from './sound-schedule';
export { glsl, shaderPair, type ShaderPair } from './glsl';
export type { ParamsOf, ParamValueOf, ManifestJson } from './params';
export { fonts } from './fonts';
export { hueColor, visitorColor } from './color';
export type { ShowTime, WallGeometry, ScreenRect, VisitorsFrame, SoundRuntime, PieceRuntime } from './runtime';
export type { VisitorState, VisitorEvent, InputValue, ParamValues, ManifestInput } from '../protocol';
