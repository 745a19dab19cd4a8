const RECENT_UPDATES_KEPT = 2048

/**
 * Remembers recent update ids per bot: Telegram re-sends an update it thinks we missed, and a stopped server's kept
 * updates may include one that reached this server too.
 */
export class RecentUpdates {
  readonly #seen = new Map<number, Set<number>>()

  isNew(webhookId: number, updateId: number): boolean {
    let seen = this.#seen.get(webhookId)
    if (seen === undefined) this.#seen.set(webhookId, (seen = new Set()))
    if (seen.has(updateId)) return false
    seen.add(updateId)
    if (seen.size > RECENT_UPDATES_KEPT) seen.delete(seen.values().next().value!)
    return true
  }
}
