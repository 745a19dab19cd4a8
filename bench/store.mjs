// `node bench/store.mjs`: the shared-state store on this machine, file store vs Redis. Prints
//   - throttle decisions per second in one process: one after another over 100 keys, and 20 at once on one key;
//   - alerts per second across 3 hosts (3 processes, own state dirs, 8 alerts in flight each, distinct keys) sent
//     through sendAlert to the fake Bot API, with every alert checked as delivered exactly once.
// Redis: REDIS_URL, else a redis-server of its own on a free loopback port (no persistence); without either the
// Redis figures are skipped, saying so. TypeScript sources are loaded through tsx, so no build is needed.
import {spawn, spawnSync} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {mkdtempSync, rmSync} from 'node:fs'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {tsImport} from 'tsx/esm/api'

const load = (path) => tsImport(path, import.meta.url)
const TOKEN = '7012345678:AAHbenchTokenForTheFakeApi_0123456789x'
const CHAT = 4242
const DECISIONS = Number(process.env.BENCH_DECISIONS ?? 2000)
const ALERTS_PER_HOST = Number(process.env.BENCH_ALERTS ?? 300)
const IN_FLIGHT = 8
const HOSTS = ['host-a', 'host-b', 'host-c']

async function main() {
  const dirs = []
  const tempDir = (prefix) => {
    const dir = mkdtempSync(join(tmpdir(), prefix))
    dirs.push(dir)
    return dir
  }
  const redis = await findRedis()
  const [{FileThrottle}, {RedisThrottle}, {startFakeBotApi}] = await Promise.all([
    load('../src/store/file/file-throttle.ts'),
    load('../src/store/index.ts'),
    load('../test/fake-bot-api/server.ts'),
  ])
  let client
  const api = await startFakeBotApi({bots: [{token: TOKEN, id: 7012345678, username: 'bench_bot'}], chats: [{id: CHAT, type: 'private', first_name: 'Bench'}]})
  try {
    console.log(`fastpay-tg store benchmark (node ${process.version}${redis.url ? `, Redis ${redis.version}` : ''})`)
    if (redis.skip) console.log(`Redis figures skipped: ${redis.skip}`)
    client = redis.url ? await connect(redis.url) : undefined
    const throttles = {
      file: () => new FileThrottle({dir: tempDir('fastpay-tg-bench-')}),
      ...(client ? {redis: () => new RedisThrottle({redis: client, prefix: `fastpay-tg-bench:${randomBytes(4).toString('hex')}:`})} : {}),
    }

    console.log(`\nthrottle decisions per second, one process (${DECISIONS} decisions each)`)
    for (const [name, open] of Object.entries(throttles)) {
      const sequential = await decisionsPerSecond(open(), async (throttle, index) => throttle.decide(`k${index % 100}`, 60, 1_000_000 + index))
      const together = await decisionsPerSecond(open(), async (throttle, index) => throttle.decide('one-key', 60, 1_000_000 + index), 20)
      console.log(`  ${name.padEnd(6)} one after another, 100 keys: ${rate(sequential)}/s   20 at once, one key: ${rate(together)}/s`)
    }

    console.log(`\nalerts per second across ${HOSTS.length} hosts (${ALERTS_PER_HOST} alerts each, ${IN_FLIGHT} in flight per host, distinct keys)`)
    for (const store of ['file', ...(redis.url ? ['redis'] : [])]) {
      api.reset()
      const storeUrl = store === 'file' ? 'file' : redis.url
      const prefix = `fastpay-tg-bench:${randomBytes(4).toString('hex')}:`
      const jobs = HOSTS.map((host) => ({host, stateDir: tempDir(`fastpay-tg-${host}-`), storeUrl, prefix, apiRoot: api.url}))
      const {elapsedMs, results} = await runHosts(jobs)
      const delivered = api.requests.filter((request) => request.method === 'sendMessage' && request.status === 200).length
      const sent = results.reduce((sum, result) => sum + result.sent, 0)
      const expected = HOSTS.length * ALERTS_PER_HOST
      const alertsPerSecond = (expected / elapsedMs) * 1000
      console.log(`  ${store.padEnd(6)} ${rate(alertsPerSecond)} alerts/s   (${expected} alerts in ${(elapsedMs / 1000).toFixed(2)} s; sent ${sent}, delivered ${delivered} of ${expected})`)
      if (sent !== expected || delivered !== expected) process.exitCode = 1
    }
  } finally {
    // A Redis of REDIS_URL outlives the benchmark: its keys go.
    if (client && !redis.stop) await deleteKeys(client, 'fastpay-tg-bench:*')
    await client?.quit()
    await api.close()
    await redis.stop?.()
    for (const dir of dirs) rmSync(dir, {recursive: true, force: true})
  }
}

/** Decisions per second over DECISIONS calls, `inFlight` at a time. */
async function decisionsPerSecond(throttle, decide, inFlight = 1) {
  await decide(throttle, 0)
  const startedAt = performance.now()
  let next = 1
  const worker = async () => {
    while (next <= DECISIONS) await decide(throttle, next++)
  }
  await Promise.all(Array.from({length: inFlight}, worker))
  return (DECISIONS / (performance.now() - startedAt)) * 1000
}

const rate = (perSecond) => String(Math.round(perSecond)).padStart(6)

/** Starts the host processes, waits until each has loaded and opened its store, then times them from one "go". */
async function runHosts(jobs) {
  const script = fileURLToPath(import.meta.url)
  const children = jobs.map((job) => spawn(process.execPath, [script, 'host', JSON.stringify(job)], {stdio: ['pipe', 'pipe', 'inherit']}))
  const lines = children.map((child) => {
    let buffer = ''
    const waiting = []
    child.stdout.on('data', (chunk) => {
      buffer += chunk
      let newline
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline)
        buffer = buffer.slice(newline + 1)
        waiting.shift()?.(line)
      }
    })
    return () => new Promise((resolve) => waiting.push(resolve))
  })
  const ready = lines.map((next) => next())
  await Promise.all(ready)
  const done = lines.map((next) => next())
  const startedAt = performance.now()
  for (const child of children) child.stdin.end('go\n')
  const results = (await Promise.all(done)).map((line) => JSON.parse(line))
  const elapsedMs = performance.now() - startedAt
  await Promise.all(children.map((child) => new Promise((resolve) => (child.exitCode === null ? child.on('exit', resolve) : resolve()))))
  return {elapsedMs, results}
}

/** One host: opens its store, says "ready", sends its alerts on "go", prints how many went out. */
async function runHost(job) {
  const [{openStore}, {sendAlert}, {BotApiClient}] = await Promise.all([
    load('../src/store/index.ts'),
    load('../src/alert/send-alert.ts'),
    load('../src/api/index.ts'),
  ])
  const store = await openStore({configPath: '/nonexistent/config.yml', env: {FASTPAY_TG_STORE: job.storeUrl}, stateDir: job.stateDir, onWarning: (line) => process.stderr.write(`warning: ${line}\n`), redis: {prefix: job.prefix}})
  const client = new BotApiClient({token: TOKEN, apiRoot: job.apiRoot})
  process.stdout.write('ready\n')
  await new Promise((resolve) => process.stdin.once('data', resolve))
  let next = 0
  let sent = 0
  const worker = async () => {
    while (next < ALERTS_PER_HOST) {
      const index = next++
      const title = `${job.host} alert ${index}`
      const result = await sendAlert({
        target: {client, botLabel: 'alerts', chatIds: [CHAT]},
        content: {title, severity: 'warning', channel: 'alerts', host: job.host},
        throttle: {store: store.throttle, key: `alerts:${title}`, windowSeconds: 60},
        outbox: store.outbox,
      })
      if (result.status === 'sent') sent++
    }
  }
  await Promise.all(Array.from({length: IN_FLIGHT}, worker))
  process.stdout.write(`${JSON.stringify({sent})}\n`)
  await store.close()
}

async function deleteKeys(client, pattern) {
  let cursor = '0'
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 500)
    cursor = next
    if (keys.length > 0) await client.del(...keys)
  } while (cursor !== '0')
}

async function connect(url) {
  const {Redis} = await import('ioredis')
  const client = new Redis(url, {lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null})
  await client.connect()
  return client
}

/** REDIS_URL, else our own redis-server, else a reason to skip. */
async function findRedis() {
  const versionOf = (output) => /v=(\S+)/.exec(output)?.[1] ?? 'unknown'
  const bin = process.env.REDIS_SERVER_BIN ?? 'redis-server'
  const probe = spawnSync(bin, ['--version'], {encoding: 'utf8'})
  if (process.env.REDIS_URL) return {url: process.env.REDIS_URL, version: probe.status === 0 ? versionOf(probe.stdout) : 'at REDIS_URL'}
  if (probe.status !== 0) return {skip: `REDIS_URL is not set and ${bin} is not installed`}
  const port = await new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const {port: free} = server.address()
      server.close(() => resolve(free))
    })
  })
  const child = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {stdio: ['ignore', 'pipe', 'inherit']})
  await new Promise((resolve, reject) => {
    let output = ''
    child.stdout.on('data', (chunk) => {
      output += chunk
      if (output.includes('Ready to accept connections')) resolve()
    })
    child.on('exit', (code) => reject(new Error(`redis-server exited (${code}): ${output}`)))
  })
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve()
      child.on('exit', resolve)
      child.kill()
    })
  return {url: `redis://127.0.0.1:${port}`, version: versionOf(probe.stdout), stop}
}

if (process.argv[2] === 'host') await runHost(JSON.parse(process.argv[3]))
else await main()
