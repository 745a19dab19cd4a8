import {BaseCommand} from './base-command.js'

export interface VersionResult {
  name: string
  version: string
  node: string
  platform: string
  arch: string
}

export default class Version extends BaseCommand<typeof Version, VersionResult> {
  static override summary = 'Print the version of fastpay-tg, Node.js and the platform.'
  static override description = 'The same line as --version; with --json, its parts as fields.'
  static override examples = ['<%= config.bin %> version', '<%= config.bin %> version --json']

  // A version selects no bot: only --debug of the shared flags applies.
  static override baseFlags = {debug: BaseCommand.baseFlags.debug} as typeof BaseCommand.baseFlags

  public async run(): Promise<VersionResult> {
    const {config} = this
    this.log(config.userAgent)
    return {name: config.name, version: config.version, node: process.versions.node, platform: config.platform, arch: config.arch}
  }
}
