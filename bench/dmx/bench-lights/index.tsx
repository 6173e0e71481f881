import { useFrame } from '@react-three/fiber';
import { defineInstallation, useLights, useShowTime, type ManifestInput } from 'pavilion/sdk';
import manifest from './manifest.json';

/** Writes the frame's show time (ms mod 65536) to the lights `clock` (low byte) and `clock-hi` (high byte), and draws a plane. */
function LightsClock() {
  const time = useShowTime();
  const lights = useLights();
  useFrame(() => {
    const ms = Math.floor(time.now);
    lights.set('clock', (ms % 256) / 255);
    lights.set('clock-hi', (Math.floor(ms / 256) % 256) / 255);
  });
  return (
    <mesh>
      <planeGeometry args={[2, 2]} />
      <meshBasicMaterial color="#224" />
    </mesh>
  );
}

export default defineInstallation({ manifest: manifest as ManifestInput, Component: LightsClock });
