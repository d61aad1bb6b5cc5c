import { build } from 'esbuild';
import { common, nodeTree } from './browser-build.mjs';
const node = { ...common, format: 'esm', platform: 'node', packages: 'external', plugins: [nodeTree] };
await build({ ...node, entryPoints: { index: 'src/index.ts' }, outdir: process.argv[2] });
