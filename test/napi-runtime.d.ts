// The parts of @napi-rs/wasm-runtime (a devDependency without types) the tests use.
declare module '@napi-rs/wasm-runtime' {
  /** A Node-fs-shaped object whose every method posts the call with postMessage and waits (Atomics.wait) for the answer. */
  export function createFsProxy(memfs: object): object;
  /** The other side: a message handler that runs the posted call on `fs` and wakes the caller. */
  export function createOnMessage(fs: object): (e: { data: unknown }) => void;
}
