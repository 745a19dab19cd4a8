import {CommandHelp, Help} from '@oclif/core'

/**
 * oclif marks an example with `$ ` only when it starts with the binary's name, so `echo x | fastpay-tg send` and
 * `TELEGRAM_WEBHOOK_SECRET=… fastpay-tg webhook serve` came out bare beside `$ fastpay-tg …` lines. Every example
 * here is a shell command line: every one gets the prompt.
 */
class PromptedCommandHelp extends CommandHelp {
  protected override examples(examples: Parameters<CommandHelp['examples']>[0]): string | undefined {
    if (!Array.isArray(examples)) return super.examples(examples)
    return super.examples(examples.map((example) => (typeof example === 'string' ? this.prompted(example) : {...example, command: this.prompted(example.command)})))
  }

  private prompted(example: string): string {
    return example.startsWith('<%= config.bin %>') || example.startsWith('$ ') ? example : `$ ${example}`
  }
}

/** The help class package.json names (`oclif.helpClass`): oclif's own, with every example prompted alike. */
export class FastpayHelp extends Help {
  protected override CommandHelpClass = PromptedCommandHelp
}
