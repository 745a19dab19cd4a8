// The map from `#<hex>` (an alert button's ref for a throttle key too long for callback data) back to the key. It
// lives in the store's key-value part under `button-keys/<hex>`, so that on Redis a fleet's `webhook serve` on one
// host resolves the buttons of alerts sent from another. Versions before it wrote `<state dir>/button-keys/<hex>.key`
// files: those are still read (buttons of alerts already sent keep working) and pruned once older than the map keeps
// anything, after which this fallback reads nothing and can go.
import {readdir, readFile, stat, unlink} from 'node:fs/promises'
import {join} from 'node:path'

import type {KeyValueStore} from '../store/types.js'

/**
 * How long a long key's map entry is kept. Telegram shows the bot a pressed message only for 48 hours (after that
 * the press cannot be checked against the message and is refused), so a week is ample.
 */
export const BUTTON_KEYS_KEPT_MS = 7 * 86_400_000

const PREFIX = 'button-keys/'

/** The directory older versions wrote the map to (`~/.local/state/fastpay-tg/button-keys`): read, never written. */
export const legacyButtonKeysDirIn = (stateDir: string) => join(stateDir, 'button-keys')

/** Records `throttleKey` under its ref's hex digits for BUTTON_KEYS_KEPT_MS. */
export async function recordButtonKey(keyValue: KeyValueStore, hex: string, throttleKey: string): Promise<void> {
  await keyValue.set(`${PREFIX}${hex}`, throttleKey, {ttlMs: BUTTON_KEYS_KEPT_MS})
}

export interface ButtonKeyLookup {
  /** The configured store's key-value part, where alerts record the map. */
  keyValue?: KeyValueStore
  /** The state dir whose `button-keys/` older versions wrote. */
  stateDir: string
}

/** The key recorded under `hex`, from the store, else from an older version's file; undefined when neither has it. */
export async function lookUpButtonKey(hex: string, where: ButtonKeyLookup): Promise<string | undefined> {
  const stored = await where.keyValue?.get<unknown>(`${PREFIX}${hex}`)
  if (typeof stored?.value === 'string') return stored.value
  return readFile(join(legacyButtonKeysDirIn(where.stateDir), `${hex}.key`), 'utf8').catch(() => undefined)
}

/**
 * Removes what the map no longer needs: expired entries the store still keeps (files), and older versions' files
 * written more than `keptMs` before `now`. Returns how many of those files went.
 */
export async function pruneButtonKeys(where: ButtonKeyLookup, now = Date.now(), keptMs = BUTTON_KEYS_KEPT_MS): Promise<number> {
  await where.keyValue?.removeExpired(PREFIX)
  const dir = legacyButtonKeysDirIn(where.stateDir)
  const names = await readdir(dir).catch(() => [] as string[])
  let removed = 0
  for (const name of names.filter((file) => file.endsWith('.key'))) {
    const path = join(dir, name)
    const info = await stat(path).catch(() => undefined)
    if (info === undefined || now - info.mtimeMs <= keptMs) continue
    // Another process may prune the same file at once: gone is gone.
    if (await unlink(path).then(() => true, () => false)) removed++
  }
  return removed
}
