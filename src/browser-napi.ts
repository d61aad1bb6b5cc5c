/**
 * `wasi-host/napi` in browsers: the browser entry (src/browser.ts) whose `fs`
 * option also takes any Node-fs-shaped object, such as the fs proxy the
 * napi-rs browser workers pass (README, "napi-rs bindings"), mounted through
 * its methods (src/vfs/fs-shaped.ts). Its own entry so the main browser
 * bundle stays within its budget (scripts/build.mjs).
 */
import { acceptFsShaped } from './fs-option.js';
import { FsShapedFS } from './vfs/fs-shaped.js';

acceptFsShaped((fs, root, what) => new FsShapedFS(fs, root, what));

export * from './browser.js';
export { FsShapedFS, type FsShaped } from './vfs/fs-shaped.js';
export { useVfsBridge, bridgedVfs, shareVfsBridge, acceptVfsBridge, startBridgedWorkers, takeBridgedWorker } from './napi-bridge.js';
