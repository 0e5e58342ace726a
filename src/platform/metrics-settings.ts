import { loadConfig, parseOption } from './config.js';

export interface MetricsAddress {
  /** 0 picks a free port. */
  port: number;
  host: string;
}

/** Where the worker and the SQS bridge serve `/metrics`, `/livez` and `/readyz`: the option wins over the environment. */
export function metricsAddressFrom(portOption: string | undefined, env: NodeJS.ProcessEnv): MetricsAddress {
  const config = loadConfig(env);
  return {
    port: portOption === undefined ? config.PROMPTRCA_METRICS_PORT : parseOption('PROMPTRCA_METRICS_PORT', '--metrics-port', portOption),
    host: config.PROMPTRCA_METRICS_HOST,
  };
}
