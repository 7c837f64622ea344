import type { Config } from '../../config/index.js';
import { placeOf } from './prayer-times.js';
import { parseHours, parseSendWindow, type SendWindow } from './send-window.js';

const cache = new WeakMap<Config, SendWindow>();

/** The configured window, prayer pauses and Ramadan hours included, parsed once per config object. */
export function sendWindowFromConfig(config: Config): SendWindow {
  let window = cache.get(config);
  if (!window) {
    const policy = config.followUp.policy;
    const place = placeOf(policy.prayerCity);
    window = {
      ...parseSendWindow(config.followUp.sendWindow, config.followUp.sendDays, config.timeZone),
      ...(place
        ? {
            prayers: {
              place,
              beforeMinutes: policy.prayerPauseBeforeMinutes,
              afterMinutes: policy.prayerPauseAfterMinutes,
            },
          }
        : {}),
      ...(policy.ramadanSendWindow !== 'off' ? { ramadan: parseHours(policy.ramadanSendWindow) } : {}),
    };
    cache.set(config, window);
  }
  return window;
}
