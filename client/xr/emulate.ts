/*
 * The WebXR emulator (iwer, Meta's Immersive Web Emulation Runtime) for tests and for trying a
 * station without a headset: only when the screen page is opened with `xr=emulate` (the page
 * passes it on to the stage's address). Loaded with a dynamic import, so no other page and no
 * station without the flag ever downloads it.
 */

/** The emulated headset, for tests: move its controllers, end its session (window.__pavilionXr in the stage frame). */
export interface EmulatedHeadset {
  controllers: Partial<Record<'left' | 'right' | 'none', { position: { set(x: number, y: number, z: number): unknown; x: number; y: number; z: number }; updateButtonValue(id: string, value: number): void }>>;
  position: { set(x: number, y: number, z: number): unknown; x: number; y: number; z: number };
  activeSession: XRSession | undefined;
}

/** Whether this stage's address asks for the emulator. */
export function wantsEmulator(search: string): boolean {
  return new URLSearchParams(search).get('xr') === 'emulate';
}

/** Installs an emulated Meta Quest 3 over the browser's own WebXR (Chromium has navigator.xr but no headset). */
export async function installEmulator(): Promise<EmulatedHeadset> {
  const { XRDevice, metaQuest3 } = await import('iwer');
  const device = new XRDevice(metaQuest3);
  device.installRuntime({ forceInstall: true });
  return device as unknown as EmulatedHeadset;
}
