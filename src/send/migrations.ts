/**
 * Group → supergroup upgrades seen while sending. The client reports each one; later parts of the same message go
 * straight to the new chat, and the registry is rewritten so alerts keep arriving after the upgrade.
 */
export class ChatMigrations {
  private readonly moved = new Map<string, number>()

  readonly record = (fromChatId: number | string, toChatId: number): void => {
    this.moved.set(String(fromChatId), toChatId)
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
