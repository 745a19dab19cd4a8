// Wall-clock timing of whole processes, the way a user or cron experiences them. Asynchronous, so a fake server
// in this same process keeps answering while the child runs.
import {spawn} from 'node:child_process'

function runOnce(command, args, env, input) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint()
    const child = spawn(command, args, {env, stdio: ['pipe', 'ignore', 'pipe']})
    let stderr = ''
    child.stderr.on('data', (chunk) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code) => {
      const elapsedMs = Number(process.hrtime.bigint() - start) / 1e6
      if (code === 0) resolve(elapsedMs)
      else reject(new Error(`${args.join(' ')} exited ${code}: ${stderr.trim()}`))
    })
    child.stdin.end(input ?? '')
  })
}

/** Runs `command` `runs` times after `warmup` runs and returns the median wall time in milliseconds. */
export async function medianMs(command, args, {runs = 15, warmup = 3, env = process.env, input} = {}) {
  const times = []
  for (let index = 0; index < warmup + runs; index++) {
    const elapsedMs = await runOnce(command, args, env, input)
    if (index >= warmup) times.push(elapsedMs)
  }
  times.sort((a, b) => a - b)
  return times[Math.floor(times.length / 2)]
}

export function ratioLine(label, numeratorMs, denominatorMs, target) {
  const ratio = numeratorMs / denominatorMs
  const verdict = target === undefined ? '' : ratio <= target ? `  (target <= ${target}x: met)` : `  (target <= ${target}x: MISSED)`
  return `${label}: ${numeratorMs.toFixed(1)} ms / ${denominatorMs.toFixed(1)} ms = ${ratio.toFixed(2)}x${verdict}`
}
