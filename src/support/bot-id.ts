/**
 * What comes before a token's colon: the bot's Telegram id for a token of Telegram's shape (public: getMe tells it to
 * anyone), so it may name the bot in labels, keys and signatures where the token may not. `''` without a colon.
 */
export function botIdPart(token: string): string {
  return token.slice(0, Math.max(0, token.indexOf(':')))
}
