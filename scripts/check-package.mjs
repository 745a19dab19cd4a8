// What a user gets from `npm install -g fastpay-tg-*.tgz`: packs (prepack builds), installs the tarball into a
// temporary prefix with only its runtime dependencies, and sends a message to a fake Bot API with the installed
// binary from another directory. Prints the installed size; fails when any step does.
import {execFile, execFileSync} from 'node:child_process'
import {mkdtempSync, readdirSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {promisify} from 'node:util'

import {startFakeBotApi} from '../dist/fake-bot-api.js'

const root = resolve(import.meta.dirname, '..')
const work = mkdtempSync(join(tmpdir(), 'fastpay-tg-package-'))
const quiet = {cwd: work, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8'}
const TOKEN = '7012345678:AAF-q_Zk3xLm9Rt2Vb8Nc4Hd6Jp0Ws5Ye1U'
const api = await startFakeBotApi({
  bots: [{token: TOKEN, id: 7012345678, username: 'fastpay_alerts_bot', first_name: 'FastPay Alerts'}],
  chats: [{id: 4242, type: 'private', first_name: 'Ana'}],
})
try {
  const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', work, root], quiet))[0]
  const shipped = packed.files.map((file) => file.path)
  const unwanted = shipped.filter((path) => /^(dist\/action|dist\/fake-bot-api|test|src|commands)\b/.test(path))
  if (unwanted.length > 0) throw new Error(`the package ships ${unwanted.join(', ')}`)
  for (const needed of ['bin/run.js', 'bin/package.json', 'dist/cli.cjs', 'dist/cli.cjs.cache', 'oclif.manifest.json', 'README.md', 'LICENSE', 'CHANGELOG.md']) {
    if (!shipped.includes(needed)) throw new Error(`the package lacks ${needed}`)
  }
  const prefix = join(work, 'prefix')
  execFileSync('npm', ['install', '-g', '--prefix', prefix, '--omit=dev', '--no-audit', '--no-fund', join(work, packed.filename)], quiet)
  const home = join(work, 'home')
  const env = {PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: join(home, 'config'), XDG_STATE_HOME: join(home, 'state'), TELEGRAM_API_BASE_URL: api.url}
  // Asynchronous: the fake Bot API answers from this process's event loop.
  const send = ['send', '--token', TOKEN, '--chat', '4242', 'installed from the tarball']
  const {stdout: out} = await promisify(execFile)(join(prefix, 'bin', 'fastpay-tg'), send, {cwd: tmpdir(), env})
  // A plain alert runs on its own fast path (dist/chunks/alert-fast.cjs, without oclif): from the tarball too.
  const alert = ['alert', 'installed alert', '--token', TOKEN, '--chat', '4242', '--no-host']
  const {stdout: alerted} = await promisify(execFile)(join(prefix, 'bin', 'fastpay-tg'), alert, {cwd: tmpdir(), env})
  const received = api.messages(4242).map((message) => message.text)
  if (received[0] !== 'installed from the tarball' || !/installed alert/.test(received[1] ?? '')) throw new Error(`the fake Bot API received ${JSON.stringify(received)}`)
  // The code caches the build made are the ones V8 takes for the installed bundles (rejected, they would compile from
  // source).
  const installed = join(prefix, 'lib', 'node_modules', 'fastpay-tg')
  const bin = JSON.stringify(join(installed, 'bin', 'run.js'))
  const probe = `const b = require(${bin}); process.stdout.write(String([b.loadCli(), b.loadAlertFast()].map(({script}) => script.cachedDataRejected)))`
  const rejected = execFileSync(process.execPath, ['-e', probe], {cwd: tmpdir(), env, encoding: 'utf8'})
  if (rejected !== 'false,false') throw new Error(`V8 rejected an installed bundle's code cache (cachedDataRejected of the CLI, the alert fast path: ${rejected})`)
  const modules = readdirSync(join(prefix, 'lib', 'node_modules', 'fastpay-tg', 'node_modules'), {recursive: false})
  const size = execFileSync('du', ['-sk', join(prefix, 'lib', 'node_modules', 'fastpay-tg')], {encoding: 'utf8'}).split('\t')[0]
  console.log(`package: ${packed.filename}, ${shipped.length} files, ${Math.round(packed.size / 1024)} kB packed`)
  console.log(`installed with --omit=dev: ${Math.round(Number(size) / 1024 * 10) / 10} MB (node_modules: ${modules.join(', ')})`)
  console.log(`installed binary sent a message from another directory: ${out.trim()}; an alert: ${alerted.trim()}; code caches taken`)
} finally {
  await api.close()
  rmSync(work, {recursive: true, force: true})
}
