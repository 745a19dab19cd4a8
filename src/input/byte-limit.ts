/** How much of stdin or a file each input reads at most, unless `--max-bytes` says otherwise. */
export const DEFAULT_MAX_BYTES = {
  /** `send` text: 1 MiB is about 256 messages of 4,096 characters, already more than anyone reads. */
  sendText: 1024 * 1024,
  /** `alert --body`: an alert is read on a phone. */
  alertBody: 64 * 1024,
  /** A piped `--document`/`--photo`: Telegram's upload limit for bots (50 MB). */
  upload: 50 * 1000 * 1000,
} as const

/**
 * Telegram's limit for a photo (sendPhoto), whatever the upload limit: a larger image is refused after its whole
 * upload, in every chat. A document may be larger.
 */
export const TELEGRAM_PHOTO_BYTES = 10 * 1000 * 1000

/** Why an empty file is not sent: Telegram refuses it, in each chat, after the request. */
export const EMPTY_FILE_REFUSED = 'Telegram refuses empty files'

/** Says why a photo is refused, followed by what to do instead. */
export function photoTooLarge(documentAdvice: string): string {
  return `is larger than ${formatBytes(TELEGRAM_PHOTO_BYTES)}, Telegram's limit for photos: ${documentAdvice}`
}

/** `1 MiB`, `64 KiB`, `50,000,000 bytes`: exact, in the unit the limit was chosen in. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`
  // Not toLocaleString: its first call loads ICU's number formatting, about 20 ms and 660 page faults of a `send`
  // that only builds the message it may never print.
  return `${String(bytes).replace(/\B(?=(\d{3})+$)/g, ',')} bytes`
}
