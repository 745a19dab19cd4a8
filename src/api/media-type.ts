import {extname} from 'node:path'

// Telegram sniffs most uploads, but a photo or a video previews inline only when its part says what it is.
const MEDIA_TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.mp4': 'video/mp4',
  '.pdf': 'application/pdf',
  '.json': 'application/json',
  '.csv': 'text/csv',
  '.txt': 'text/plain',
  '.log': 'text/plain',
  '.gz': 'application/gzip',
  '.zip': 'application/zip',
}

/** The media type of an upload, from its file name. @default application/octet-stream */
export function mediaTypeOf(filename: string): string {
  return MEDIA_TYPES[extname(filename).toLowerCase()] ?? 'application/octet-stream'
}
