// Makes dist/cli.cjs.cache, dist/chunks/fast.cjs.cache, dist/chunks/alert-fast.cjs.cache and the caches of the lazy
// files the lines below read (dist/chunks/lazy/*.cjs.cache): the V8 code caches bin/run.js compiles the CLI bundle,
// the two fast paths and their lazy files with (scripts/build.mjs runs this last, with this Node and no flags: V8
// rejects a cache made by another version or with other flags). Each bundle is loaded as bin/run.js loads it, then
// runs the lines the suite and scripts run most, in this process, against the fake Bot API: a cache then holds every
// function those runs compiled, and a start compiles none of them again. Whatever the lines print is swallowed; a
// line that fails fails the build.
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'

import {startFakeBotApi} from '../dist/fake-bot-api.js'

const ROOT = resolve(import.meta.dirname, '..')
const TOKEN = '7012345678:AAHwarmCodeCacheToken_0123456789abcdef'
const CHAT = 4242
const home = mkdtempSync(join(tmpdir(), 'fastpay-tg-warm-'))
const api = await startFakeBotApi({bots: [{token: TOKEN, id: 7012345678, username: 'warm_bot'}], chats: [{id: CHAT, type: 'private', first_name: 'Warm'}]})
// A monitors file (js-yaml, a lazy file, reads it) of two checks that pass against the fake Bot API.
const monitors = join(home, 'monitors.yml')
const {hostname, port} = new URL(api.url)
writeFileSync(monitors, `checks:\n  - {name: api, type: tcp, host: ${hostname}, port: ${port}}\n  - {name: web, type: http, url: ${api.url}/health, expect: {status: 404}}\n`)
// Without a registry, then with one (zod and yaml, lazy files of their own, read it).
const CLI_LINES = [
  ['config', 'show'],
  ['bots', 'list'],
  ['send', '--chat', String(CHAT), 'warm-up'],
  ['bots', 'add', 'alerts', '--token', TOKEN, '--chat', String(CHAT), '--no-keychain'],
  ['bots', 'list'],
  ['config', 'show', '--bot', 'alerts'],
  ['send', '--bot', 'alerts', 'warm-up'],
  ['monitor', 'run', '--file', monitors, '--state-dir', join(home, 'monitor-state')],
]
// Sent, then held back by the throttle, then a dry run.
const ALERT_LINES = [['alert', 'warm-up', '--chat', String(CHAT)], ['alert', 'warm-up', '--chat', String(CHAT)], ['alert', 'warm-up', '--chat', String(CHAT), '--dry-run']]

Object.assign(process.env, {
  HOME: home,
  XDG_CONFIG_HOME: join(home, 'config'),
  XDG_STATE_HOME: join(home, 'state'),
  TELEGRAM_API_BASE_URL: api.url,
  TELEGRAM_BOT_TOKEN: TOKEN,
})
const {exit} = process
const writes = {stdout: process.stdout.write, stderr: process.stderr.write}
/** Runs `line` through `run`, its output swallowed; an exit or an exit code is an error. */
async function warm(line, run) {
  let printed = ''
  process.exit = (code) => {
    throw new Error(`warm-code-cache: \`${line.join(' ')}\` exited ${code}: ${printed}`)
  }
  for (const stream of ['stdout', 'stderr']) {
    process[stream].write = (chunk, ...rest) => {
      printed += String(chunk)
      rest.find((argument) => typeof argument === 'function')?.()
      return true
    }
  }
  await run()
  if (process.exitCode) throw new Error(`warm-code-cache: \`${line.join(' ')}\` set exit code ${process.exitCode}: ${printed}`)
}

/** Runs `lines` through a fast path (`runFast`, `runAlertFast`); a line it leaves to oclif is an error. */
async function warmFastPath(lines, run) {
  for (const line of lines) {
    await warm(line, async () => {
      if (!(await run(line))) throw new Error(`warm-code-cache: \`${line.join(' ')}\` is not a fast-path line`)
    })
  }
}

try {
  const {loadCli, loadAlertFast, loadFast, scripts} = createRequire(import.meta.url)('../bin/run.js')
  const cli = loadCli()
  for (const line of CLI_LINES) await warm(line, () => cli.exports.run(line, ROOT))
  // The same lines again through the fast path, which runs them in a real start (state and registry reset first).
  rmSync(join(home, 'config'), {recursive: true, force: true})
  rmSync(join(home, 'state'), {recursive: true, force: true})
  await warmFastPath(CLI_LINES, loadFast().exports.runFast)
  await warmFastPath(ALERT_LINES, loadAlertFast().exports.runAlertFast)
  // Every file the lines compiled: the three bundles and the lazy files they read.
  for (const [filename, script] of scripts) writeFileSync(`${filename}.cache`, script.createCachedData())
} finally {
  Object.assign(process, {exit})
  Object.assign(process.stdout, {write: writes.stdout})
  Object.assign(process.stderr, {write: writes.stderr})
  await api.close()
  rmSync(home, {recursive: true, force: true})
  // A run appends to its usage log after its line has answered (bot-usage.jsonl, in the state dir): gone at exit.
  process.on('exit', () => rmSync(home, {recursive: true, force: true}))
}
