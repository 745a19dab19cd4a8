import {readdir, readFile, stat, unlink} from 'node:fs/promises'
import {join} from 'node:path'

import {resolveStateDir} from '../support/state-dir.js'
import {writeFileAtomic} from '../support/atomic-write.js'
import {type Env, parseChatId} from '../config/index.js'
import type {MessageRef} from './message-ids.js'
import {type DeployStatus, isDeployStatus} from './status.js'
import {botIdPart} from '../support/bot-id.js'
import {nodeCrypto} from '../support/node-crypto.js'

/**
 * What `started` leaves for the later steps of the same run: when it began, and the messages to edit. One JSON
 * file per repository + run id + environment + bot.
 */
export interface DeployState {
  key: string
  status: DeployStatus
  /** Epoch ms when `started` was sent. */
  startedAt?: number
  messages: MessageRef[]
}

/** Files older than this are removed from the shared state dir (RUNNER_TEMP is emptied by the runner itself). */
const KEEP_MS = 7 * 24 * 3600 * 1000

/** `$RUNNER_TEMP/fastpay-tg/deploy` in GitHub Actions, else `deploy` in fastpay-tg's state dir. */
export function deployStateDir(env: Env): string {
  const runnerTemp = env.RUNNER_TEMP?.trim()
  return runnerTemp ? join(runnerTemp, 'fastpay-tg', 'deploy') : join(resolveStateDir(undefined, env), 'deploy')
}

/**
 * `fastpay/api#8412#production#bot6098765432`; undefined without a run id, when two deploys could not be told apart.
 * The bot is part of it because a bot can edit only its own messages: two bots' notices of one deploy (ops, a status
 * channel) are two notices, and one bot's steps must never try the other's messages (each failed edit sent a copy).
 */
export function deployStateKey(repository: string | undefined, runId: string | undefined, environment: string | undefined, token?: string): string | undefined {
  if (!runId) return undefined
  const key = `${repository ?? ''}#${runId}#${environment ?? ''}`
  if (token === undefined) return key
  // A token of another shape has no id to show: a hash of it stands in, never any part of the token.
  const id = botIdPart(token)
  return `${key}#bot${/^\d+$/.test(id) ? id : nodeCrypto().createHash('sha256').update(token).digest('hex').slice(0, 16)}`
}

export class DeployStateStore {
  constructor(
    readonly dir: string,
    private readonly now: () => number = Date.now,
  ) {}

  pathFor(key: string): string {
    return join(this.dir, `${nodeCrypto().createHash('sha256').update(key).digest('hex').slice(0, 32)}.json`)
  }

  /** The state of `key`; undefined when there is none. A file that is not a state reads as none, with a warning. */
  async read(key: string, warnings: string[]): Promise<DeployState | undefined> {
    const path = this.pathFor(key)
    let text: string
    try {
      text = await readFile(path, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      warnings.push(`deploy state ${path} is unreadable (${(error as NodeJS.ErrnoException).code ?? 'error'}); ignored`)
      return undefined
    }
    const state = parseState(text)
    if (state === undefined || state.key !== key) {
      warnings.push(`deploy state ${path} is not a fastpay-tg deploy state; ignored`)
      return undefined
    }
    return state
  }

  async write(state: DeployState): Promise<void> {
    await writeFileAtomic(this.pathFor(state.key), `${JSON.stringify(state)}\n`, 0o600)
    await this.#prune()
  }

  async #prune(): Promise<void> {
    const cutoff = this.now() - KEEP_MS
    const names = await readdir(this.dir).catch(() => [] as string[])
    for (const name of names.filter((entry) => entry.endsWith('.json'))) {
      const path = join(this.dir, name)
      const info = await stat(path).catch(() => undefined)
      if (info && info.mtimeMs < cutoff) await unlink(path).catch(() => undefined)
    }
  }
}

function parseState(text: string): DeployState | undefined {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return undefined
  }
  const value = json as Partial<Record<keyof DeployState, unknown>> | null
  if (typeof value !== 'object' || value === null || typeof value.key !== 'string') return undefined
  if (typeof value.status !== 'string' || !isDeployStatus(value.status) || !Array.isArray(value.messages)) return undefined
  const startedAt = typeof value.startedAt === 'number' && Number.isFinite(value.startedAt) ? value.startedAt : undefined
  const messages: MessageRef[] = []
  for (const entry of value.messages as Array<{chatId?: unknown; messageId?: unknown}>) {
    const chatId = parseChatId(entry?.chatId)
    if (chatId === undefined || !Number.isSafeInteger(entry.messageId)) return undefined
    messages.push({chatId, messageId: entry.messageId as number})
  }
  return {key: value.key, status: value.status, startedAt, messages}
}
