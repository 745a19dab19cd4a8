/** What a caught value says: an Error's message, anything else as text (a library may throw a string). */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
