// Loads a napi-rs binding through the loader named in argv[2] (stock or the
// recipe's copy), runs one workload and prints its results as JSON, with the
// worker scripts the loader started (test/napi.test.ts compares them).
//   node run-node.cjs <loader> tailwind <directory> | argon2
const workerThreads = require('node:worker_threads');

const workers = [];
// The loaders take Worker from node:worker_threads as they load: count what they start.
workerThreads.Worker = class extends workerThreads.Worker {
  constructor(file, options) {
    super(file, options);
    workers.push(require('node:path').basename(String(file)));
  }
};

async function main() {
  const [loader, workload, dir] = process.argv.slice(2);
  const binding = require(loader);
  let result;
  if (workload === 'tailwind') {
    const scanner = new binding.Scanner({ sources: [{ base: dir, pattern: '**/*', negated: false }] });
    const candidates = scanner.scan().sort();
    // Two inputs in one call, the same two as test/browser/napi.js's bridged workload.
    const scanFiles = new binding.Scanner({}).scanFiles([
      { content: '<p class="m-1 md:flex">', extension: 'html' },
      { content: '<div class="grid gap-4 lg:grid-cols-3">', extension: 'html' },
    ]).sort();
    result = { candidates, files: scanner.files.map((f) => f.slice(dir.length)).sort(), scanFiles };
  } else {
    const opts = { salt: Buffer.from('wasi-host-napi-salt'), memoryCost: 1024, timeCost: 2, parallelism: 1 };
    const hashSync = binding.hashSync('correct horse', opts);
    const hash = await binding.hash('battery staple', opts);
    result = {
      hashSync,
      verifySync: [binding.verifySync(hashSync, 'correct horse'), binding.verifySync(hashSync, 'wrong')],
      hash,
      verify: [await binding.verify(hash, 'battery staple'), await binding.verify(hash, 'wrong')],
      hashRaw: Buffer.from(await binding.hashRaw('raw', opts)).toString('hex'),
    };
  }
  process.stdout.write(JSON.stringify({ result, workers }) + '\n');
  // The loaders unref their workers; exit without waiting for the runtime's teardown.
  process.exit(0);
}
main().catch((err) => {
  console.error(err);
  process.exit(1);
});
