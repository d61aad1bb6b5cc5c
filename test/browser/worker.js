// A module worker for test/browser.test.ts: runs one task from ./run.js per
// message and posts the result (or the error) back.
import '/test/browser/spy.js';

const run = import('/test/browser/run.js');

onmessage = async (e) => {
  const { id, task, args } = e.data;
  try {
    const mod = await run;
    postMessage({ id, ok: true, value: await mod[task](...args) });
  } catch (err) {
    postMessage({ id, ok: false, error: String(err && err.stack ? err.stack : err) });
  }
};
