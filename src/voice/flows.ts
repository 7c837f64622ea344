import closureVerification from '../../voice-flows/closure-verification.js';
import postCallRating from '../../voice-flows/post-call-rating.js';
import { loadFlow, type Flow } from './flow.js';

/**
 * Every flow in voice-flows/, validated once at start-up; a broken flow stops the process.
 * `publicBaseUrl` is where Twilio fetches the recorded prompts from.
 */
export function loadFlows(publicBaseUrl = ''): Map<string, Flow> {
  const flows = [loadFlow(postCallRating, publicBaseUrl), loadFlow(closureVerification, publicBaseUrl)];
  return new Map(flows.map((f) => [f.id, f]));
}
