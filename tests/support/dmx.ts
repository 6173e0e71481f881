/** Art-Net and sACN receivers on 127.0.0.1 (shared with bench/dmx: scripts/lib/dmx-receivers.ts). */
export { artnetReceiver, sacnReceiver, type DmxReceiver, type Received } from '../../scripts/lib/dmx-receivers';
