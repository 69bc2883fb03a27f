/**
 * Request traffic for the SLO tests, as promtool input series: per service, phases of requests and
 * failures per minute and of timed requests and slow ones (above 0.2 s), counted from 0.
 */

/** A counter rising by `perMinute` for `minutes`, phase after phase, from 0 (promtool's expanding notation). */
export function counter(...phases: [perMinute: number, minutes: number][]): string {
  let value = 0;
  const parts: string[] = [];
  phases.forEach(([perMinute, minutes], i) => {
    // The first phase also writes the sample at t=0.
    const start = i === 0 ? 0 : value + perMinute;
    const steps = i === 0 ? minutes : minutes - 1;
    parts.push(`${start}+${perMinute}x${steps}`);
    value = start + perMinute * steps;
  });
  return parts.join(" ");
}

export interface Traffic {
  /** Requests per minute and failed (5xx) ones. */
  requests: number;
  errors: number;
  /** Latency histogram: requests per minute and how many take more than 0.2 s. */
  timed: number;
  slow: number;
}

const target = (service: string) => ({ job: "kubernetes-pods", namespace: "shop", service, instance: `10.0.0.9:8080`, pod: `${service}-1` });

/** The input series of a service whose traffic changes phase after phase ([traffic, minutes]). */
export function serviceSeries(service: string, phases: [Traffic, number][]): { series: string; values: string }[] {
  const t = target(service);
  const labels = (extra: Record<string, string>) =>
    `{${Object.entries({ ...t, ...extra })
      .map(([k, v]) => `${k}="${v}"`)
      .join(", ")}}`;
  const of = (f: (x: Traffic) => number) => counter(...phases.map(([x, m]): [number, number] => [f(x), m]));
  return [
    { series: `http_requests_total${labels({ method: "GET", status_code: "200" })}`, values: of((x) => x.requests - x.errors) },
    { series: `http_requests_total${labels({ method: "GET", status_code: "503" })}`, values: of((x) => x.errors) },
    // Fast requests land in le=0.1; slow ones above 0.2 s, in le=0.5.
    { series: `http_request_duration_seconds_bucket${labels({ method: "GET", le: "0.1" })}`, values: of((x) => x.timed - x.slow) },
    { series: `http_request_duration_seconds_bucket${labels({ method: "GET", le: "0.2" })}`, values: of((x) => x.timed - x.slow) },
    { series: `http_request_duration_seconds_bucket${labels({ method: "GET", le: "0.5" })}`, values: of((x) => x.timed) },
    { series: `http_request_duration_seconds_bucket${labels({ method: "GET", le: "+Inf" })}`, values: of((x) => x.timed) },
  ];
}

/** Budgets: availability 0.1% of 2000 requests a minute = 2 errors; latency 5% of 1000 = 50 slow. */
export const HEALTHY: Traffic = { requests: 2000, errors: 1, timed: 1000, slow: 20 }; // 0.5× and 0.4×
export const FAST_BURN: Traffic = { requests: 2000, errors: 200, timed: 1000, slow: 900 }; // 100× and 18×
export const SLOW_BURN: Traffic = { requests: 2000, errors: 8, timed: 1000, slow: 200 }; // 4× and 4×

