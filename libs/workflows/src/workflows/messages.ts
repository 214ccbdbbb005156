import { defineQuery, defineSignal, defineUpdate, setHandler } from '@temporalio/workflow';
import { DECIDE_UPDATE, DECISION_SIGNAL, PENDING_QUERY, PROGRESS_QUERY } from '../wire/names';
import type { DecideResult, DecisionPayload, HitlRequest } from '../wire/hitl.types';
import type { RunProgress } from '../wire/run.types';
import type { HitlRegistry } from '../runtime/hitl';

/** The live run tree (clients may also query by the PROGRESS_QUERY name). */
export const progressQuery = defineQuery<RunProgress>(PROGRESS_QUERY);

/** A human decision (approval vote or input data); refused decisions are logged and ignored. */
export const decisionSignal = defineSignal<[DecisionPayload]>(DECISION_SIGNAL);

/** The same decision as an update: its validator refuses (with a typed error) before anything is recorded. */
export const decideUpdate = defineUpdate<DecideResult, [DecisionPayload]>(DECIDE_UPDATE);

/** The open approval/input requests of the execution. */
export const pendingQuery = defineQuery<HitlRequest[]>(PENDING_QUERY);

/** Registers the HITL signal, update and query handlers of an execution. */
export function installHitlHandlers(hitl: HitlRegistry): void {
  setHandler(decisionSignal, (payload) => hitl.signal(payload));
  setHandler(decideUpdate, (payload) => hitl.decide(payload), {
    validator: (payload) => hitl.validate(payload),
    description: 'Vote on an approval step or submit data to an input step',
  });
  setHandler(pendingQuery, () => hitl.pending());
}
