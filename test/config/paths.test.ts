import {describe, expect, it} from 'vitest'
import {defaultConfigPath, defaultStateDir, displayPath, locateRegistry} from '../../src/config/index.js'

describe('paths', () => {
  it('follows XDG_CONFIG_HOME and XDG_STATE_HOME, else HOME, ignoring relative values', () => {
    expect(defaultConfigPath({HOME: '/home/op'})).toBe('/home/op/.config/fastpay-tg/config.yml')
    expect(defaultConfigPath({HOME: '/home/op', XDG_CONFIG_HOME: '/xdg/config'})).toBe('/xdg/config/fastpay-tg/config.yml')
    expect(defaultConfigPath({HOME: '/home/op', XDG_CONFIG_HOME: 'relative'})).toBe('/home/op/.config/fastpay-tg/config.yml')
    expect(defaultStateDir({HOME: '/home/op'})).toBe('/home/op/.local/state/fastpay-tg')
    expect(defaultStateDir({HOME: '/home/op', XDG_STATE_HOME: '/xdg/state'})).toBe('/xdg/state/fastpay-tg')
  })

  it('picks --config, then FASTPAY_TG_CONFIG, then the default shown with ~', () => {
    const env = {HOME: '/home/op', FASTPAY_TG_CONFIG: 'env.yml'}
    expect(locateRegistry('flag.yml', env)).toEqual({path: 'flag.yml', display: 'flag.yml', explicit: true})
    expect(locateRegistry(undefined, env)).toEqual({path: 'env.yml', display: 'env.yml', explicit: true})
    expect(locateRegistry('', {HOME: '/home/op', FASTPAY_TG_CONFIG: ''})).toEqual({
      path: '/home/op/.config/fastpay-tg/config.yml',
      display: '~/.config/fastpay-tg/config.yml',
      explicit: false,
    })
    expect(displayPath('/home/operator/x.yml', {HOME: '/home/op'})).toBe('/home/operator/x.yml')
  })
})
