// A module Worker that runs test/browser/napi.js's workload and posts back its results or error.
import { workload } from './napi.js';

self.onmessage = async ({ data: { binding, loaderUrl } }) => {
  try {
    postMessage({ result: await workload(binding, loaderUrl) });
  } catch (e) {
    postMessage({ error: `${e?.name}: ${e?.message}\n${e?.stack}` });
  }
};
