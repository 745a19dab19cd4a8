export type {Admission, AdmitSteps, HoldDecision, SendDecision, ThrottleDecision, ThrottleTicket} from './admission.js'
