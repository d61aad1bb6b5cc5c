// Counts the Atomics.wait calls that actually blocked (timeout > 0 and no
// exception), so a test can tell an Atomics.wait sleep from a spin. Installed
// before wasi-host is loaded, in the page (addInitScript) and in the worker.
(() => {
  const wait = Atomics.wait;
  globalThis.__atomicsWaits = 0;
  Atomics.wait = function (...args) {
    const r = wait.apply(Atomics, args);
    if (args[3] > 0) globalThis.__atomicsWaits++;
    return r;
  };
})();
