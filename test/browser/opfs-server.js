// A dedicated Worker that serves the OPFS backend to a bridge (the page hands
// it a createVfsBridge() buffer): here createSyncAccessHandle exists, so file
// data goes through sync access handles (src/vfs/opfs.ts).
import { openOPFS, serveVfsBridge } from '/dist/opfs.js';

onmessage = async (e) => {
  try {
    serveVfsBridge(await openOPFS(e.data.name), e.data.sab);
    postMessage({ ok: true });
  } catch (err) {
    postMessage({ ok: false, error: String(err) });
  }
};
