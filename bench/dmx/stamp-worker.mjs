// bench:dmx's arrival stamps, off the server's thread (bench/dmx/run.ts): the server runs in the
// bench's process, so a receiver on its main thread would stamp a packet only when that thread is
// free, and a frame that left on time would read as late. This thread stamps each datagram on
// arrival (performance.timeOrigin + now, the show clock's base), posts the stamp, and hands the
// datagram on, unchanged and in order, to dmxnet's receiver on the main thread, which parses it.
import { execFileSync } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import { PerformanceObserver } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';

// A lighting node has a CPU of its own: on this shared machine the stamping thread asks for the
// real-time FIFO class (priority 20, above the DMX thread's 10), else nice −10, so that what it
// measures is the sender, not its own wait for a core.
try {
  const tid = fs.readlinkSync('/proc/thread-self').split('/').pop();
  execFileSync('chrt', ['-f', '-p', '20', tid], { stdio: 'pipe', timeout: 5000 });
} catch {
  try {
    os.setPriority(0, -10);
  } catch {
    // not allowed here: stamps then include this thread's own waits
  }
}

try {
  fs.writeFileSync('/proc/thread-self/comm', 'bench-stamp');
} catch {
  // the name only helps perf and top
}
const now = () => performance.timeOrigin + performance.now();
// --trace: this thread's garbage collections, to set beside a late stamp.
const gc = workerData.trace
  ? new PerformanceObserver((list) => {
      for (const e of list.getEntries()) parentPort.postMessage({ gc: [performance.timeOrigin + e.startTime, e.duration] });
    })
  : null;
gc?.observe({ entryTypes: ['gc'] });
const inbound = dgram.createSocket('udp4');
const outbound = dgram.createSocket('udp4');
inbound.on('message', (b) => {
  parentPort.postMessage(now());
  outbound.send(b, workerData.forwardPort, '127.0.0.1');
});
inbound.bind(0, '127.0.0.1', () => parentPort.postMessage({ port: inbound.address().port }));
parentPort.on('message', (m) => {
  if (m === 'close') {
    gc?.disconnect();
    inbound.close();
    outbound.close();
    parentPort.close();
  }
});
