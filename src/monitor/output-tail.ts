/**
 * Keeps the last `maxBytes` of a stream of chunks, so that a job printing gigabytes costs no more memory than a
 * quiet one: the tail is what an alert shows.
 */
export class OutputTail {
  #chunks: Buffer[] = []
  #size = 0

  constructor(readonly maxBytes = 16 * 1024) {}

  push(chunk: Buffer | string): void {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
    this.#chunks.push(buffer)
    this.#size += buffer.length
    while (this.#size - this.#chunks[0]!.length >= this.maxBytes) this.#size -= this.#chunks.shift()!.length
  }

  /** The kept text; a character cut at the start shows as U+FFFD and is dropped. */
  text(): string {
    const all = Buffer.concat(this.#chunks)
    return all.subarray(Math.max(0, all.length - this.maxBytes)).toString('utf8').replace(/^\uFFFD+/, '')
  }
}
