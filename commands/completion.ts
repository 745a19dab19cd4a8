import {Args} from '@oclif/core'

import {BaseCommand} from './base-command.js'

export interface CompletionResult {
  shell: string
  script: string
}

export default class Completion extends BaseCommand<typeof Completion, CompletionResult> {
  static override summary = 'Print a shell completion script for bash, zsh or fish.'
  static override description = `Completes command words at every level (bots <TAB> lists add, list, …), each command's flags and their options, from the commands of this version: load it again after an upgrade. Bot names (after --bot, --channel and bots test, update, …) come from the registry and TELEGRAM_BOT_CONFIGS when you press TAB.

bash: add eval "$(fastpay-tg completion bash)" to ~/.bashrc.

zsh: add eval "$(fastpay-tg completion zsh)" to ~/.zshrc, after compinit; or save the script as _fastpay-tg in a directory of $fpath.

fish: fastpay-tg completion fish > ~/.config/fish/completions/fastpay-tg.fish`

  static override examples = ['<%= config.bin %> completion bash >> ~/.bash_completion', '<%= config.bin %> completion fish > ~/.config/fish/completions/fastpay-tg.fish']

  static override args = {
    shell: Args.string({description: 'bash, zsh or fish.', options: ['bash', 'zsh', 'fish'], required: true}),
  }

  // A script selects no bot: only --debug of the shared flags applies.
  static override baseFlags = {debug: BaseCommand.baseFlags.debug} as typeof BaseCommand.baseFlags

  public async run(): Promise<CompletionResult> {
    const [{commandReferences, topicReferences}, {completionScript, completionTree}] = await Promise.all([
      import('./support/command-reference.js'),
      import('./support/completion-script.js'),
    ])
    const shell = this.args.shell as 'bash' | 'zsh' | 'fish'
    const script = completionScript(shell, completionTree(this.config.bin, commandReferences(this.config), topicReferences(this.config)))
    if (!this.jsonEnabled()) process.stdout.write(script)
    return {shell, script}
  }
}
