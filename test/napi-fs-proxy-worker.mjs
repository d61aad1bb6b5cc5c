// Serves a memfs Volume to another thread the way the napi-rs browser loaders
// serve theirs to their workers: @napi-rs/wasm-runtime's createOnMessage on
// this side, createFsProxy (posting here and waiting with Atomics.wait) on the
// other (test/vfs-contract.test.ts).
import { parentPort } from 'node:worker_threads';
import { Volume, createFsFromVolume } from 'memfs';
import { createOnMessage } from '@napi-rs/wasm-runtime';

const vol = new Volume();
vol.mkdirSync('/root');
vol.writeFileSync('/outside.txt', 'x');
const serve = createOnMessage(createFsFromVolume(vol));
parentPort.on('message', (data) => serve({ data }));
