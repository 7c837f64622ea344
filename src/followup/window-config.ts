import type { Config } from '../config.js';
import { parseSendWindow, type SendWindow } from './send-window.js';

const cache = new WeakMap<Config, SendWindow>();

/** The configured window, parsed once per config object. */
export function sendWindowFromConfig(config: Config): SendWindow {
  let window = cache.get(config);
  if (!window) {
    window = parseSendWindow(config.followUp.sendWindow, config.followUp.sendDays, config.timeZone);
    cache.set(config, window);
  }
  return window;
}
