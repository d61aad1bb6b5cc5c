// test/napi-browser.test.ts's page side: one napi-rs binding loaded through
// its browser loader (stock, or the README recipe's copy on wasi-host),
// bundled with its runtime into /napi/<binding>-<variant>/, and one workload
// run on it. argon2 runs on the page's main thread; tailwind in a module
// Worker (napi-worker.js), because its rayon threads make the calling thread
// wait (memory.atomic.wait), which a page's main thread may not do.

/** The results of `binding`'s workload, loaded from `loaderUrl`. */
export async function workload(binding, loaderUrl) {
  const m = await import(loaderUrl);
  if (binding === 'argon2') {
    const opts = { salt: new TextEncoder().encode('wasi-host-napi-salt'), memoryCost: 1024, timeCost: 2, parallelism: 1 };
    const hashSync = m.hashSync('correct horse', opts);
    const hash = await m.hash('battery staple', opts);
    // (hashRaw's promise never settles here with the stock runtime either: it resolves to a Node Buffer.)
    return {
      hashSync,
      verifySync: [m.verifySync(hashSync, 'correct horse'), m.verifySync(hashSync, 'wrong')],
      hash,
      verify: [await m.verify(hash, 'battery staple'), await m.verify(hash, 'wrong')],
    };
  }
  // The loader's memfs Volume: the Scanner's files go there, and the worker threads reach it
  // through the loader's fs proxy. What the Scanner is given to scan is their contents: a scan
  // that reads files hangs with either runtime here (README, "napi-rs bindings").
  const fs = m.__fs;
  fs.mkdirSync('/src', { recursive: true });
  const changed = [];
  for (let i = 0; i < 40; i++) {
    const path = `/src/c${i}.html`;
    fs.writeFileSync(path, `<div class="m-${i} p-${i % 7} md:flex hover:text-red-${(i % 9) + 1}00">${i}</div>\n`);
    changed.push({ content: fs.readFileSync(path, 'utf8'), extension: 'html' });
  }
  changed.push({ content: "export const cls = ['grid', 'gap-4', 'lg:grid-cols-3']\n", extension: 'js' });
  const scanner = new m.Scanner({});
  return { candidates: scanner.scanFiles(changed).sort() };
}
