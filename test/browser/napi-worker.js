// A module Worker that runs test/browser/napi.js's workload and posts back its results or error
// (given a bridge's buffer, it first makes it this thread's: wasi-host/napi's useVfsBridge).
import { workload } from './napi.js';

self.onmessage = async ({ data: { binding, loaderUrl, bridge } }) => {
  try {
    // The bridged recipe: this thread's bridge is set before the loader runs.
    if (bridge !== undefined) (await import('/dist/browser-napi.js')).useVfsBridge(bridge);
    postMessage({ result: await workload(binding, loaderUrl) });
  } catch (e) {
    postMessage({ error: `${e?.name}: ${e?.message}\n${e?.stack}` });
  }
};
