import base from '/work/wt/speed/vitest.config.ts'
import {mergeConfig} from 'vitest/config'
export default mergeConfig(base, {test: {poolOptions: {forks: {execArgv: ['--cpu-prof', '--cpu-prof-dir=/tmp/wprof', '--cpu-prof-interval=500']}}}})
