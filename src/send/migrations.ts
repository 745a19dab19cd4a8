import {AsyncLocalStorage} from 'node:async_hooks'

/**
 * Thrown from the client's `onMigrate` to stop the re-send to the new chat: the delivery in progress lists that chat
 * too (an operator told "use the new id from now on" adds it beside the old one), and sends it there itself.
 */
export class ListedTooError extends Error {
  override readonly name = 'ListedTooError'
  constructor(readonly toChatId: number) {
    super(`the new chat ${toChatId} is listed too: sent there once`)
  }
}

/** The chats of the delivery running in this async context, as `String(chatId)`. */
const deliveringTo = new AsyncLocalStorage<ReadonlySet<string>>()

/** Runs `deliver` with its chats known to `record`, which then refuses to send one message to a chat twice. */
export function whileDeliveringTo<T>(chatIds: ReadonlyArray<number | string>, deliver: () => Promise<T>): Promise<T> {
  return deliveringTo.run(new Set(chatIds.map(String)), deliver)
}

/**
 * Group → supergroup upgrades seen while sending. The client reports each one; later parts of the same message go
 * straight to the new chat, and the registry is rewritten so alerts keep arriving after the upgrade.
 */
export class ChatMigrations {
  private readonly moved = new Map<string, number>()

  readonly record = (fromChatId: number | string, toChatId: number): void => {
    this.moved.set(String(fromChatId), toChatId)
    if (deliveringTo.getStore()?.has(String(toChatId))) throw new ListedTooError(toChatId)
  }

  /** The chat to use now for a chat id from the config. */
  current(chatId: number | string): number | string {
    return this.moved.get(String(chatId)) ?? chatId
  }

  movedTo(chatId: number | string): number | undefined {
    return this.moved.get(String(chatId))
  }

  entries(): Array<{from: string; to: number}> {
    return [...this.moved].map(([from, to]) => ({from, to}))
  }
}
