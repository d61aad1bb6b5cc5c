import type { BuildOptions } from 'esbuild';

export interface BundleSize {
  /** minified bytes */
  min: number;
  /** minified + gzip -9 bytes */
  gz: number;
  /** inputs that came from packages rather than src/ */
  fromPackages: string[];
}

export const common: BuildOptions;
export const browser: BuildOptions;
export function bundleSizes(): Promise<{ core: BundleSize; full: BundleSize; iife: BundleSize }>;
