// The core's messages name CLI flags where a setting is shared by both doors; a workflow author only knows inputs.
const FLAG_INPUTS: ReadonlyArray<[RegExp, string]> = [
  [/--token\b/g, 'input token'],
  [/--chat\b/g, 'input chat-ids'],
  [/--thread\b/g, 'input thread-id'],
  [/--config\b/g, 'input config'],
  [/--bot\b/g, 'input channel'],
  [/--timeout\b/g, 'input timeout'],
  [/fastpay-tg bots add\b/g, 'a bot in the registry named by input config'],
]

/** `no bot token: pass --token, ...` → `no bot token: pass input token, ...`. */
export function inActionTerms(message: string): string {
  return FLAG_INPUTS.reduce((text, [flag, input]) => text.replace(flag, input), message)
}
