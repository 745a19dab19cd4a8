export {type HostView, hostViewLines, readHostViews, recordHostView} from './host-views.js'
export {HOST_ENV, openMonitorStore, type OpenedMonitorStore, type OpenMonitorStoreOptions, resolveHost} from './open-monitor-store.js'
export {applyQuorum, intervalStartOf, type Observation, type QuorumOptions} from './quorum.js'
export {SharedMonitorStore, type SharedMonitorStoreOptions} from './shared-monitor-store.js'
