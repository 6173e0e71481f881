/** Stands in for @pmndrs/xr's own emulator in the build (scripts/lib/xr-build.ts): Pavilion loads iwer itself, only with ?xr=emulate. */
export function emulate(): never {
  throw new Error("the XR store's own emulator is not built in: open the station with &xr=emulate (client/xr/emulate.ts)");
}
