// Start-up before and after a change: this checkout's built CLI (A) against the one built from a git ref (B,
// BASE_REF, default main), interleaved with bench/ab.mjs, for `--version` and `send --help`. The ref is exported
// with git archive into a temporary folder that borrows this checkout's node_modules, and built there.
// Usage: npm run build && BASE_REF=<commit> node bench/startup-before-after.mjs
import {execFileSync} from 'node:child_process'
import {mkdtempSync, rmSync, symlinkSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'

import {compare} from './ab.mjs'

const baseRef = process.env.BASE_REF ?? 'main'
const runs = Number(process.env.BENCH_RUNS ?? 10)
const rounds = Number(process.env.BENCH_ROUNDS ?? 3)
// No verdict target: a ratio near 1.00 is the finding; MISSED against 1.05 would flag a slower start.
const target = Number(process.env.BENCH_TARGET ?? 1.05)

const baseDir = mkdtempSync(join(tmpdir(), 'fastpay-tg-base-'))
try {
  execFileSync('git', ['archive', '--format=tar', '-o', join(baseDir, 'base.tar'), baseRef])
  execFileSync('tar', ['-x', '-C', baseDir, '-f', join(baseDir, 'base.tar')])
  symlinkSync(resolve('node_modules'), join(baseDir, 'node_modules'))
  execFileSync(process.execPath, ['scripts/build.mjs'], {cwd: baseDir, stdio: ['ignore', 'ignore', 'inherit']})

  const env = {...process.env, HOME: '/nonexistent', XDG_CONFIG_HOME: '/nonexistent'}
  for (const key of Object.keys(env)) if (/^(TELEGRAM_|FASTPAY_TG_)/.test(key)) delete env[key]
  const node = process.execPath
  const side = (root, args) => ({command: node, args: [join(root, 'bin/run.js'), ...args]})
  console.log(`start-up, this checkout (A) vs ${baseRef} (B): ${rounds} rounds of ${runs} interleaved pairs, node ${process.version}`)
  for (const args of [['--version'], ['send', '--help']]) {
    await compare({
      label: `fastpay-tg ${args.join(' ')}`,
      aLabel: 'this checkout',
      bLabel: baseRef,
      a: side(process.cwd(), args),
      b: side(baseDir, args),
      env,
      runs,
      rounds,
      target,
    })
  }
} finally {
  rmSync(baseDir, {recursive: true, force: true})
}
