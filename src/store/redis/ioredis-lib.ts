// `ioredis` is CommonJS: imported through this ESM wrapper, lazily, so that only runs with a Redis store load it
// (it costs start-up time every other run would pay for nothing). See src/config/yaml-lib.ts for the same pattern.
export {Redis} from 'ioredis'
