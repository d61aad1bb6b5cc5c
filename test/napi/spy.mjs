// Preloaded (node --import) into the runner and every Worker it starts:
// counts, on stderr, each file a Worker's wasi-host opens (path_open), so
// test/napi.test.ts sees that the binding's threads read files through wasi-host.
import { writeSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';
import { WASI } from 'wasi-host';

const wrapped = new WeakSet();
const getImportObject = WASI.prototype.getImportObject;
WASI.prototype.getImportObject = function () {
  const imports = getImportObject.call(this);
  const wasi = imports.wasi_snapshot_preview1;
  if (!isMainThread && !wrapped.has(wasi)) {
    wrapped.add(wasi);
    const open = wasi.path_open;
    wasi.path_open = (...args) => {
      const errno = open(...args);
      if (errno === 0) writeSync(2, 'spy: a worker opened a file through wasi-host\n');
      return errno;
    };
  }
  return imports;
};
