export {type HostView, hostViewLines, readHostViews, recordHostView} from './host-views.js'
export {HOST_ENV, resolveHost} from './host-name.js'
export {applyQuorum, intervalStartOf, type Observation, type QuorumOptions} from './quorum.js'
