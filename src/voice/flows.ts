import closureVerification from '../../voice-flows/closure-verification.js';
import postCallRating from '../../voice-flows/post-call-rating.js';
import { loadFlow, type Flow } from './flow.js';

/** Every flow in voice-flows/, validated once at start-up; a broken flow stops the process. */
export function loadFlows(): Map<string, Flow> {
  const flows = [loadFlow(postCallRating), loadFlow(closureVerification)];
  return new Map(flows.map((f) => [f.id, f]));
}
