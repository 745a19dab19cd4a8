// `webhook info` after Telegram's deliveries failed the two ways a migration to `webhook serve` usually does: the
// secret differs between register and serve (401), or the path does (404). Before, only Telegram's words were shown.
import {describe, expect, it} from 'vitest'

import {ALERTS_BOT, REGISTRY, SECRET, useWorld, writeRegistry} from './fixture.js'

const world = useWorld()

describe('webhook info: what a 401 or 404 from the webhook means', () => {
  const cases = [
    ['401 Unauthorized', 'serve refused the secret Telegram sent: register and serve must use the same one (TELEGRAM_WEBHOOK_SECRET, else the stored one); run webhook register with the one serve uses'],
    ['404 Not Found', "serve (or the proxy) has no route at this url: serve's --path-prefix must be the base URL's path, and serve must serve this bot"],
  ] as const
  for (const [status, hint] of cases) {
    it(`${status}: a hint line under the last error`, async () => {
      writeRegistry(world.cli, REGISTRY)
      await world.run(['webhook', 'register', '--bot', 'alerts', '--base-url', 'https://ops.example.com/tg'], {TELEGRAM_WEBHOOK_SECRET: SECRET})
      world.api.setWebhookError(`Wrong response from the webhook: ${status}`, ALERTS_BOT.token)
      const result = await world.run(['webhook', 'info', '--bot', 'alerts'])
      const lines = result.stdout.split('\n')
      expect(lines[3]).toMatch(new RegExp(`^ {2}last error {8}\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC: Wrong response from the webhook: ${status}$`))
      expect(lines[4]).toBe(`  hint              ${hint}`)
      expect(result.stdout).not.toContain(SECRET)
    })
  }
})
