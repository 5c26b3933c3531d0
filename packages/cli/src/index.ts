export { type CliIo, main, type SettingsSources } from "./cli.js";
export {
  CONFIG_VARIABLE_NAMES,
  type LoadConfigOptions,
  type LoadConfigResult,
  loadConfig,
  type ProxyConfig,
} from "./load-config.js";
export { parseEnvFile } from "./parse-env-file.js";
