import { integerFromEnv, parseInteger } from './env-integer.js';

/** The port Prometheus' own exporters leave for application exporters. */
export const DEFAULT_METRICS_PORT = 9464;
/** Every interface, so that Prometheus and probes reach it inside a container. */
export const DEFAULT_METRICS_HOST = '0.0.0.0';
const PORT_RANGE = { min: 0, max: 65_535 };

export interface MetricsAddress {
  /** 0 picks a free port. */
  port: number;
  host: string;
}

/** Where the worker and the SQS bridge serve `/metrics` and `/healthz`: the option wins over the environment. */
export function metricsAddressFrom(portOption: string | undefined, env: NodeJS.ProcessEnv): MetricsAddress {
  return {
    port:
      portOption === undefined
        ? integerFromEnv(env, 'PROMPTRCA_METRICS_PORT', DEFAULT_METRICS_PORT, PORT_RANGE)
        : parseInteger('--metrics-port', portOption, PORT_RANGE),
    host: env.PROMPTRCA_METRICS_HOST?.trim() || DEFAULT_METRICS_HOST,
  };
}
