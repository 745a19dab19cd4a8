// What oclif does before any command runs, for the lines the fast paths run without it (alert-fast.ts, fast.ts).

/** The same warning for a deleted working directory, stdout closed early (`| head`) no error, and no REDIRECTED. */
export function startLikeOclif(): void {
  try {
    process.cwd()
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') process.stderr.write('WARNING: current directory does not exist\n')
  }
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error
  })
  delete process.env.FASTPAY_TG_REDIRECTED
}
