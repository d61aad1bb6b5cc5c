// test/napi-browser.test.ts's page side: one napi-rs binding loaded through
// its browser loader (stock, or the README recipe's copy on wasi-host),
// bundled with its runtime into /napi/<binding>-<variant>/, and one workload
// run on it. argon2 runs on the page's main thread; tailwind in a module
// Worker (napi-worker.js), because its rayon threads make the calling thread
// wait (memory.atomic.wait), which a page's main thread may not do.

const TWO_INPUTS = [
  { content: '<p class="m-1 md:flex">', extension: 'html' },
  { content: '<div class="grid gap-4 lg:grid-cols-3">', extension: 'html' },
];

/** The results of `binding`'s workload, loaded from `loaderUrl`. */
export async function workload(binding, loaderUrl) {
  const m = await import(loaderUrl);
  if (binding === 'argon2') {
    const opts = { salt: new TextEncoder().encode('wasi-host-napi-salt'), memoryCost: 1024, timeCost: 2, parallelism: 1 };
    const hashSync = m.hashSync('correct horse', opts);
    const hash = await m.hash('battery staple', opts);
    // (No hashRaw: its promise never settled in Chromium with the stock runtime either.)
    return {
      hashSync,
      verifySync: [m.verifySync(hashSync, 'correct horse'), m.verifySync(hashSync, 'wrong')],
      hash,
      verify: [await m.verify(hash, 'battery staple'), await m.verify(hash, 'wrong')],
    };
  }
  if (binding === 'tailwind-bridged') {
    // Every thread's WASI mounts the bridge the page serves (README, "Threads that read files
    // in a browser"): the Scanner walks /src and its threads read the files during the call;
    // then two inputs in one call (the same two as test/napi/run-node.cjs).
    const scanner = new m.Scanner({ sources: [{ base: '/src', pattern: '**/*', negated: false }] });
    const candidates = scanner.scan().sort();
    const files = scanner.files.map((f) => f.slice('/src'.length)).sort();
    const scanFiles = new m.Scanner({}).scanFiles(TWO_INPUTS).sort();
    return { candidates, files, scanFiles };
  }
  // Small inputs, one per call: a larger one (a line of four classes), or two in one call, makes
  // the Scanner start threads during the call, and it hangs with either runtime (README,
  // "napi-rs bindings"). The files are written to the loader's memfs (`__fs`), the one its
  // threads' fs proxies reach, and their contents read back from there.
  const fs = m.__fs;
  fs.mkdirSync('/src', { recursive: true });
  const scanner = new m.Scanner({});
  const candidates = [];
  for (let i = 0; i < 6; i++) {
    const path = `/src/c${i}.html`;
    fs.writeFileSync(path, `<p class="m-${i} md:flex">`);
    candidates.push(...scanner.scanFiles([{ content: fs.readFileSync(path, 'utf8'), extension: 'html' }]));
  }
  return { candidates: candidates.sort() };
}
