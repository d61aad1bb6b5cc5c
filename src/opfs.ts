/**
 * `wasi-host/opfs`: persistent files in the Origin Private File System, and
 * the pieces that let any AsyncVfs serve a program (README, "Persistent
 * files"). Kept out of the main entry so the browser bundle's budget holds.
 */
export { openOPFS, OPFS } from './vfs/opfs.js';
export { toAsyncVfs, isAsyncVfs, type AsyncVfs, type AsyncVfsFile } from './vfs/async.js';
export { createVfsBridge, serveVfsBridge, VfsBridgeClient, type VfsBridgeServer } from './vfs/bridge.js';
export { saveToOPFS, loadFromOPFS } from './vfs/opfs-snapshot.js';
