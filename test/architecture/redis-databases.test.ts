// vitest runs two test files at once on the one Redis of .ci/run. A file that empties a numbered database
// (freshRedisDatabase) and works in it alone must be the only file that uses that number: the kill loop and the
// fleet test once both took database 13, and each emptied it under the other (titles lost, a quorum miscounted).
import {describe, expect, it} from 'vitest'

import {sourceFiles} from './source-files.js'

/** Database number → the test files that choose it, by freshRedisDatabase(url, N) or by setting a URL's path to /N. */
function databasesByNumber(): Map<number, string[]> {
  const chosen = /\bfreshRedisDatabase\([^,()]+(?:\([^()]*\))?[^,()]*,\s*(\d+)\s*\)|\.pathname\s*=\s*['"`]\/(\d+)['"`]/g
  const byNumber = new Map<number, string[]>()
  for (const file of sourceFiles('test')) {
    for (const match of file.text.matchAll(chosen)) {
      const number = Number(match[1] ?? match[2])
      const files = byNumber.get(number) ?? []
      if (!files.includes(file.path)) files.push(file.path)
      byNumber.set(number, files)
    }
  }
  return byNumber
}

describe('numbered Redis databases of the tests', () => {
  it('each number belongs to one test file', () => {
    const byNumber = databasesByNumber()
    // The reader finds the databases the tests take (a rename of the helper would otherwise pass unseen).
    expect(byNumber.size).toBeGreaterThanOrEqual(5)
    const shared = [...byNumber].filter(([, files]) => files.length > 1).map(([number, files]) => `${number}: ${files.join(', ')}`)
    expect(shared).toEqual([])
  })
})
