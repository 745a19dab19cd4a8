// `npm run fake-api`: the demo's fake Bot API kept running, for trying the README's commands by hand. Run as a user
// runs it (the script, a child process), then used as its first lines say.
import {type ChildProcess, spawn} from 'node:child_process'
import {resolve} from 'node:path'

import {afterEach, describe, expect, it} from 'vitest'

import {createCliSandbox} from '../helpers/run-cli.js'
import {spawnCapture} from '../helpers/spawn-capture.js'

const SCRIPT = resolve(import.meta.dirname, '../../scripts/fake-api.mjs')
/** How long a wait for a line may take before the test fails with what was printed; not a timing assertion. */
const WAIT_LIMIT_MS = 15_000

const running: ChildProcess[] = []
afterEach(() => {
  for (const child of running.splice(0)) child.kill('SIGKILL')
})

function startFakeApi(args: string[] = []) {
  const child = spawn(process.execPath, [SCRIPT, ...args], {env: {PATH: process.env.PATH ?? '/usr/bin:/bin'}, stdio: ['ignore', 'pipe', 'pipe']})
  running.push(child)
  let stdout = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  const waitFor = (pattern: RegExp) =>
    new Promise<RegExpMatchArray>((resolveMatch, reject) => {
      const limit = setTimeout(() => reject(new Error(`no line matching ${pattern} in:\n${stdout}`)), WAIT_LIMIT_MS)
      const look = () => {
        const match = stdout.match(pattern)
        if (!match) return
        clearTimeout(limit)
        child.stdout.off('data', look)
        resolveMatch(match)
      }
      child.stdout.on('data', look)
      look()
    })
  const exited = new Promise<number | null>((resolveExit) => child.on('exit', (code) => resolveExit(code)))
  return {child, waitFor, exited, stdout: () => stdout}
}

describe('npm run fake-api', () => {
  it('prints the exports that point the CLI at it, shows each request, and stops on Ctrl-C with exit 0', async () => {
    const fake = startFakeApi()
    await fake.waitFor(/^Requests as they arrive:$/m)
    const exports = Object.fromEntries([...fake.stdout().matchAll(/^ {2}export (\w+)=(\S+)/gm)].map((match) => [match[1], match[2]]))
    expect(Object.keys(exports)).toEqual(['TELEGRAM_API_BASE_URL', 'TELEGRAM_BOT_TOKEN', 'TELEGRAM_CHAT_IDS'])
    expect(exports.TELEGRAM_API_BASE_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)

    const cli = createCliSandbox()
    try {
      const sent = await cli.run(['send', 'hello from the README'], {env: exports})
      expect([sent.exitCode, sent.stdout, sent.stderr]).toEqual([0, 'sent to 4242: message 1', ''])
      await fake.waitFor(/^ {2}sendMessage → chat 4242: hello from the README$/m)
      const found = await cli.run(['discover'], {env: exports})
      expect(found.exitCode).toBe(0)
      expect(found.stdout).toContain('FastPay Ops')
    } finally {
      cli.cleanup()
    }
    fake.child.kill('SIGINT')
    expect(await fake.exited).toBe(0)
  })

  it('Ctrl-C the moment it prints its first line stops it with exit 0, as it does later', async () => {
    // Before, the handlers came after the banner: a SIGINT in between ended it by the default action.
    for (let run = 0; run < 3; run++) {
      const fake = startFakeApi()
      fake.child.stdout.once('data', () => fake.child.kill('SIGINT'))
      expect(await fake.exited).toBe(0)
    }
  })

  it.each([
    [['--port', 'http'], '--port http: expected 0-65535'],
    [['--port', '70000'], '--port 70000: expected 0-65535'],
    [['--port', '0x50'], '--port 0x50: expected 0-65535'],
    [['--port='], '--port : expected 0-65535'],
    [['--prot', '1'], "Unknown option '--prot': the only option is --port N"],
  ])('a bad option (%j) is one line on stderr, exit 2', async (args, line) => {
    const result = await spawnCapture(process.execPath, [SCRIPT, ...args], {env: {PATH: process.env.PATH ?? '/usr/bin:/bin'}, timeoutMs: 30_000})
    expect(result).toEqual({stdout: '', stderr: line, exitCode: 2})
  })

  it('a port in use is one line naming it, exit 2', async () => {
    const first = startFakeApi()
    const [, port] = (await first.waitFor(/http:\/\/127\.0\.0\.1:(\d+)/)) as [string, string]
    const result = await spawnCapture(process.execPath, [SCRIPT, '--port', port], {env: {PATH: process.env.PATH ?? '/usr/bin:/bin'}, timeoutMs: 30_000})
    expect(result).toEqual({stdout: '', stderr: `--port ${port}: already in use`, exitCode: 2})
  })
})
