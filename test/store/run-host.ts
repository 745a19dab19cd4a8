import {join, resolve} from 'node:path'
import {build} from 'esbuild'

import {tempDir} from '../throttle/helpers.js'

export {runFixture} from '../alert/run-fixture.js'

/** Bundles the host fixture once (ioredis included): dozens of processes must not each compile TypeScript. */
export async function bundleHost(): Promise<string> {
  const outfile = join(tempDir('fastpay-tg-host-'), 'host-run.mjs')
  await build({
    entryPoints: [resolve(import.meta.dirname, 'fixtures/host-run.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    banner: {js: "import {createRequire} from 'node:module'; const require = createRequire(import.meta.url);"},
    logLevel: 'warning',
  })
  return outfile
}
