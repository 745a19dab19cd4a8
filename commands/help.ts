import {Args, Flags, loadHelpClass} from '@oclif/core'

import {BaseCommand} from './base-command.js'

export default class Help extends BaseCommand<typeof Help, unknown> {
  static override summary = 'Show help for fastpay-tg, a topic or a command.'
  static override description =
    'Words name the command as it is typed (help bots list). The same text comes from --help or -h after any command. With --json, prints the command (or every command and topic) as data: summary, description, usage, arguments, flags and examples.'

  static override examples = ['<%= config.bin %> help send', '<%= config.bin %> help bots list', '<%= config.bin %> help monitor exec --json']

  // Words, not one argument: `help bots list`.
  static override strict = false
  static override args = {
    command: Args.string({description: 'The command or topic, in words (e.g. bots list); none for an overview.'}),
  }

  // A help text selects no bot: only --debug of the shared flags applies.
  static override baseFlags = {debug: BaseCommand.baseFlags.debug} as typeof BaseCommand.baseFlags
  static override flags = {
    all: Flags.boolean({description: 'With --json and no command: include every command in full, not only the list.'}),
  }

  public async run(): Promise<unknown> {
    const words = this.argv.filter((arg) => !arg.startsWith('-'))
    const id = words.join(':')
    const [{commandReference, commandReferences, topicReferences}, {unknownCommandError}] = await Promise.all([
      import('./support/command-reference.js'),
      import('./support/unknown-command.js'),
    ])
    const command = id ? this.config.findCommand(id) : undefined
    const topic = id && !command ? this.config.findTopic(id) : undefined
    if (id && !command && !topic) throw unknownCommandError(id, this.config)
    if (this.jsonEnabled()) {
      if (command) return commandReference(command, this.config.bin)
      const topics = topicReferences(this.config).filter((entry) => !topic || entry.topic.startsWith(`${words.join(' ')} `))
      const commands = commandReferences(this.config).filter((entry) => !topic || entry.command.startsWith(`${words.join(' ')} `))
      const listed = this.flags.all ? commands : commands.map(({command, summary}) => ({command, summary}))
      return topic ? {topic: words.join(' '), description: topic.description ?? '', topics, commands: listed} : {topics, commands: listed}
    }
    const HelpClass = await loadHelpClass(this.config)
    await new HelpClass(this.config, this.config.pjson.oclif.helpOptions).showHelp(words)
    return undefined
  }
}
