// The calling thread of bench/seam/browser-page.mjs's channel measurement: a
// module Worker that forwards fd_write to the page through bench/seam/channel.mjs.
import * as C from './channel.mjs';

/** The smallest step performance.now() takes on this thread, in µs. */
function timerStepUs() {
  let step = Infinity;
  let last = performance.now();
  for (let i = 0; i < 200_000; i++) {
    const now = performance.now();
    if (now !== last && now - last < step) step = now - last;
    last = now;
  }
  return step * 1000;
}

self.onmessage = (e) => {
  const { ctl, memory, mode, calls } = e.data;
  const announce = mode === 'postMessage' ? () => self.postMessage('call') : undefined;
  const stepUs = timerStepUs();
  self.postMessage('ready');
  const r = mode === 'direct'
    ? C.directSamples(memory, calls, () => Math.floor(performance.now() * 1e6))
    : C.forwardedSamples(ctl, calls, announce);
  if (mode !== 'direct') C.stop(ctl, announce);
  self.postMessage({ samples: r.samples, meanUs: r.meanUs, stepUs });
};
