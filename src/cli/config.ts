/** Loads the configuration named on the command line or by CONTACTD_CONFIG. */
import { loadConfigFile, resolveConfigPath, type LoadedConfig } from '../config/load.js';

export function loadCliConfig(opts: { config?: string }): LoadedConfig {
  return loadConfigFile(resolveConfigPath(opts.config, process.env), process.env);
}
