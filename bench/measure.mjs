// Timing of whole processes, the way a user or cron experiences them. Asynchronous, so a fake server in this same
// process keeps answering while the child runs.
import {spawn} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

// The child's CPU time and peak RSS come from the child itself: a preloaded probe writes its process.resourceUsage()
// at exit (Node cannot read a child's rusage). It reads the file name and removes it from the environment at once,
// so processes the child starts do not overwrite the figures. Both sides of a comparison carry it alike. Written at
// the first measurement, not on import: the suite imports bench/ab.mjs for its arithmetic, in a worker that is ended
// without an exit event, and would leave the folder behind at every run.
let probeDir
let sequence = 0

function probeFile() {
  if (probeDir === undefined) {
    probeDir = mkdtempSync(join(tmpdir(), 'fastpay-tg-bench-'))
    writeFileSync(
      join(probeDir, 'usage.cjs'),
      `const file = process.env.BENCH_USAGE_FILE
delete process.env.BENCH_USAGE_FILE
if (file) process.on('exit', () => {
  const u = process.resourceUsage()
  require('node:fs').writeFileSync(file, JSON.stringify({maxRssKb: u.maxRSS, cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000}))
})
`,
    )
    process.on('exit', () => rmSync(probeDir, {recursive: true, force: true}))
  }
  return join(probeDir, 'usage.cjs')
}

/** Runs a node script once; resolves `{wallMs, cpuMs, maxRssKb}` of the child, rejects when it exits non-zero. */
export function measureProcess(command, args, {env = process.env, input} = {}) {
  const probe = probeFile()
  const usageFile = join(probeDir, `usage-${sequence++}.json`)
  const nodeOptions = [env.NODE_OPTIONS, `--require ${probe}`].filter(Boolean).join(' ')
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint()
    const child = spawn(command, args, {
      env: {...env, NODE_OPTIONS: nodeOptions, BENCH_USAGE_FILE: usageFile},
      stdio: ['pipe', 'ignore', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (chunk) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code) => {
      const wallMs = Number(process.hrtime.bigint() - start) / 1e6
      if (code !== 0) return reject(new Error(`${args.join(' ')} exited ${code}: ${stderr.trim()}`))
      try {
        const usage = JSON.parse(readFileSync(usageFile, 'utf8'))
        rmSync(usageFile, {force: true})
        resolve({wallMs, ...usage})
      } catch (error) {
        reject(new Error(`${args.join(' ')} left no resource usage (not a node process?): ${error.message}`))
      }
    })
    child.stdin.end(input ?? '')
  })
}

/** Runs `command` `runs` times after `warmup` runs and returns the median wall time in milliseconds. */
export async function medianMs(command, args, {runs = 15, warmup = 3, env = process.env, input} = {}) {
  const times = []
  for (let index = 0; index < warmup + runs; index++) {
    const {wallMs} = await measureProcess(command, args, {env, input})
    if (index >= warmup) times.push(wallMs)
  }
  times.sort((a, b) => a - b)
  return times[Math.floor(times.length / 2)]
}
