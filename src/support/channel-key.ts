/**
 * A channel (a bot name) as throttle keys and metrics labels hold it. Bot names are case-insensitive, so `OPS`,
 * `Ops` and `ops` must share one window and one series; lower case leaves the keys that lowercase channels always
 * had (open windows, mutes, button refs) exactly as they are. Names are ASCII (`BOT_NAME`), so no locale applies.
 */
export function channelKey(channel: string): string {
  return channel.toLowerCase()
}
