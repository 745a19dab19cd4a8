// The core's messages name CLI flags where a setting is shared by both doors; a workflow author only knows inputs,
// a checkout and secrets. Whole phrases come first: a flag replaced inside a CLI command line reads as nonsense.
const PHRASES: ReadonlyArray<[RegExp, (match: string, ...groups: string[]) => string]> = [
  [/a topic or chat type goes in the registry \(fastpay-tg bots add --thread\)/g, () => 'a topic goes in input thread-id, or in a registry named by input config'],
  [/, or create it with fastpay-tg bots add\b/g, () => ', or commit a bots registry there'],
  // A registry in the workspace is the repository's (or a step wrote it): a file mode protects nothing there.
  [
    /^(.+) is readable by others and holds a literal token: chmod 600 .+$/g,
    (_match, file) => `${file} holds a literal token, readable by anyone who can read the repository or the runner: write token: \${ENV_VAR} there and pass the secret with env:`,
  ],
]
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
  const phrased = PHRASES.reduce((text, [phrase, replacement]) => text.replace(phrase, replacement), message)
  return FLAG_INPUTS.reduce((text, [flag, input]) => text.replace(flag, input), phrased)
}
